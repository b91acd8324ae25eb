"""The only reader of environment variables: where the inbox, the warehouse and the BI file are, which
database holds the warehouse (SPEC §7 targets), and how long an inbox file must lie still before it
is ingested."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

DEFAULTS = {
    "CHAXIN_INBOX": "data/inbox",
    "CHAXIN_WAREHOUSE": "data/warehouse.duckdb",
    "CHAXIN_BI": "data/bi.duckdb",
    "CHAXIN_SETTLE_SECONDS": "5",
    "CHAXIN_TARGET": "duckdb",
    "CHAXIN_MEMORY_LIMIT": "1280MB",
}
TARGETS = ("duckdb", "postgres")
# the output of dbt/profiles.yml that builds each target
DBT_TARGETS = {"duckdb": "warehouse", "postgres": "postgres"}


class BadSetting(ValueError):
    """A setting that cannot work; the message is one line that says which and what to do."""


def duckdb_memory_limit() -> str:
    """What each DuckDB database of a chaxin process may hold in memory before it spills to disk (dbt's
    and chaxin's own share a process): DuckDB's default, 80 % of the machine, let a run at 1 M commissions
    reach 4.9 GB. A DuckDB size ("2GB") or share of the machine ("50%")."""
    value = os.environ.get("CHAXIN_MEMORY_LIMIT", DEFAULTS["CHAXIN_MEMORY_LIMIT"]).strip()
    if not re.fullmatch(r"\d+(\.\d+)?\s*([KMGT]i?B|%)", value, flags=re.IGNORECASE):
        raise BadSetting(f"CHAXIN_MEMORY_LIMIT={value!r} is not a size: write it like 1280MB, 4GB or 50%")
    return value


def _settle_seconds() -> float:
    return float(os.environ.get("CHAXIN_SETTLE_SECONDS", DEFAULTS["CHAXIN_SETTLE_SECONDS"]))


@dataclass(frozen=True)
class Settings:
    inbox: Path
    warehouse: Path
    bi: Path
    # a file modified more recently than this may still be being copied in: it waits for the next run
    settle_seconds: float = field(default_factory=_settle_seconds)
    target: str = "duckdb"
    # the station server (CHAXIN_POSTGRES_URL), a libpq URL or key=value string; only for postgres
    postgres_url: str | None = None

    @property
    def dbt_target(self) -> str:
        return DBT_TARGETS[self.target]

    def dbt_target_args(self) -> tuple[str, dict] | None:
        """The dbt target and the vars its profile renders with, for dbt commands that read the project
        but not the data (`dbt ls`): the server's connection without its password. None: DuckDB's."""
        if self.target != "postgres":
            return None
        connection = self.dbt_connection_vars()
        connection["postgres"]["password"] = ""
        return self.dbt_target, connection

    def dbt_connection_vars(self) -> dict:
        """What dbt/profiles.yml's postgres output connects with (--vars): the URL's parts."""
        if self.target != "postgres":
            return {}
        from psycopg.conninfo import conninfo_to_dict

        parts = conninfo_to_dict(self.postgres_url)
        return {"postgres": {"host": parts.get("host", "localhost"), "port": int(parts.get("port", 5432)),
                             "user": parts.get("user", "postgres"), "password": parts.get("password", ""),
                             "dbname": parts.get("dbname", "chaxin")}}

    @property
    def quality_dir(self) -> Path:
        """Great Expectations' project: suites, results and the Data Docs site."""
        return self.warehouse.parent / "quality"

    @property
    def reports_dir(self) -> Path:
        """What service staff open: the completeness report, action lists, period reports."""
        return self.warehouse.parent / "reports"

    @property
    def dagster_home(self) -> Path:
        """Where CLI runs are recorded, so that `dagster dev` shows them too: DAGSTER_HOME, else
        a folder beside the warehouse."""
        return Path(os.environ.get("DAGSTER_HOME") or self.warehouse.parent / "dagster").absolute()

    @classmethod
    def load(cls, inbox: str | Path | None = None, warehouse: str | Path | None = None,
             bi: str | Path | None = None, target: str | None = None,
             postgres_url: str | None = None) -> "Settings":
        """A CLI flag beats the environment variable, which beats the default."""
        def pick(flag, var):
            return Path(flag if flag is not None else os.environ.get(var, DEFAULTS[var])).absolute()

        target = target if target is not None else os.environ.get("CHAXIN_TARGET", DEFAULTS["CHAXIN_TARGET"])
        if target not in TARGETS:
            raise BadSetting(f"unknown target {target!r} (CHAXIN_TARGET, --target): use one of {', '.join(TARGETS)}")
        postgres_url = postgres_url if postgres_url is not None else os.environ.get("CHAXIN_POSTGRES_URL")
        if target == "postgres":
            postgres_url = checked_postgres_url(postgres_url)
        duckdb_memory_limit()      # a mistyped limit is said before any work, not by the first connection
        return cls(
            inbox=pick(inbox, "CHAXIN_INBOX"),
            warehouse=pick(warehouse, "CHAXIN_WAREHOUSE"),
            bi=pick(bi, "CHAXIN_BI"),
            target=target,
            postgres_url=postgres_url,
        )


def checked_postgres_url(url: str | None) -> str:
    """The station server's URL, parsed once here so that a typo is one line, not a dbt traceback."""
    from psycopg import ProgrammingError
    from psycopg.conninfo import conninfo_to_dict

    if not url:
        raise BadSetting("CHAXIN_TARGET=postgres needs the server: set CHAXIN_POSTGRES_URL (--postgres-url), "
                         "e.g. postgresql://chaxin@db.station.example/chaxin")
    try:
        port = str(conninfo_to_dict(url).get("port", "5432"))
    except ProgrammingError as e:
        problem = str(e).splitlines()[0]
    else:
        if port.isdigit():
            return url
        problem = f"port {port!r} is not a number"
    raise BadSetting(f"CHAXIN_POSTGRES_URL is not a PostgreSQL URL ({problem}): "
                     "write it as postgresql://USER@HOST:PORT/DATABASE")
