"""Dagster's SQLite event log, with its connections kept open: the storage of chaxin's CLI runs.

Dagster's SqliteEventLogStorage creates a SQLAlchemy engine, connects and disposes of it for every
event it stores, two or three times for an asset event (the run's file and the index). A run of
chaxin stores about 750 events (the dbt tests alone are some 110 asset checks, each planned and
evaluated), and that cost ~8 ms each on this 2-core machine, ~6 s of every run whatever it built.
This subclass keeps an engine per database file instead, for the few files a process writes, and
stores the same rows in the same files, which Dagster's own class (`dagster dev`'s) reads as its own.
chaxin's CLI runs use it (history.local_instance, which names the folder). It is not named in
dagster.yaml: Dagster derives its default storages' folders from the instance's, but gives a storage
named there only the config written there, and DAGSTER_HOME's path cannot be written in a file that
may be copied with its folder. So `dagster dev` and the runs it launches keep Dagster's class."""
from __future__ import annotations

from collections import OrderedDict
from contextlib import contextmanager

from dagster._core.storage.event_log.sqlite.sqlite_event_log import SQLITE_BUSY_TIMEOUT_SECONDS, SqliteEventLogStorage
from sqlalchemy import create_engine

OPEN_FILES = 4   # the index, this run's file, and a reader's few: an engine per file, the oldest disposed


class PooledSqliteEventLogStorage(SqliteEventLogStorage):
    """SqliteEventLogStorage whose connections to a file are pooled; Dagster's lock still lets one
    thread at a time use them."""

    def __init__(self, base_dir: str, inst_data=None):
        self._engines: OrderedDict = OrderedDict()   # shard -> its engine, the last used last
        super().__init__(base_dir, inst_data)        # which already connects (it creates the index)

    @classmethod
    def from_config_value(cls, inst_data, config_value) -> "PooledSqliteEventLogStorage":
        return cls(inst_data=inst_data, **config_value)   # Dagster's names its own class, not cls

    @contextmanager
    def _connect(self, shard: str):
        with self._db_lock:
            engine = self._engine(shard)
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
            with engine.connect() as conn, conn.begin():
                yield conn

    def _engine(self, shard: str):
        if shard in self._engines:
            self._engines.move_to_end(shard)
            return self._engines[shard]
        if len(self._engines) == OPEN_FILES:
            self._engines.popitem(last=False)[1].dispose()
        self._engines[shard] = create_engine(self.conn_string_for_shard(shard),
                                             connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS})
        return self._engines[shard]

    def dispose(self) -> None:
        with self._db_lock:
            while self._engines:
                self._engines.popitem()[1].dispose()
        super().dispose()
