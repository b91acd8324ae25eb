"""SPEC §7 targets: the same dbt project on PostgreSQL gives the same marts as on DuckDB (issue 13).

The inbox that the DuckDB pipeline ingested is ingested into PostgreSQL by the same ingest
(ingest/raw_postgres.py: COPY, one transaction per file); the enrichment tables that the Dagster
assets computed on DuckDB are copied over (tests/postgres_enrichment.py, until runs on the server
compute them). Then `dbt build --target postgres` runs every
model, seed, unit test and data test there, and each mart is compared with DuckDB's as a multiset
of rows over every column. Numbers are compared as floats rounded to 9 decimals: the two engines
type some ratios differently (DuckDB double, PostgreSQL numeric), the values are the same.
"""
from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest
from psycopg.conninfo import make_conninfo

from chaxin.settings import BadSetting, Settings
from warehouse.dbt_project import DBT_PROJECT_DIR

from ingest import ingest_inbox
from ingest.raw_postgres import postgres_raw

from .conftest import rows
from .postgres_enrichment import copy_enrichment
from .postgres_server import fresh_database

DBT = Path(sys.executable).with_name("dbt")


def build_on_postgres(postgres_url: str, scratch: Path) -> None:
    """`dbt build` of the whole project against PostgreSQL, as CHAXIN_TARGET=postgres configures it."""
    settings = Settings.load(target="postgres", postgres_url=postgres_url)
    # dbt's own target folder keeps DuckDB's manifest, which Dagster reads: this build writes elsewhere
    result = subprocess.run(
        [str(DBT), "build", "--target", settings.dbt_target, "--vars", json.dumps(settings.dbt_connection_vars()),
         "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
         "--target-path", str(scratch / "target"), "--log-path", str(scratch / "logs")],
        capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:]


def ingest_on_postgres(postgres_url: str, inbox: Path) -> dict[str, int]:
    """The real ingest of the inbox into the server's raw; rows loaded per family."""
    loaded = Counter()
    with postgres_raw(postgres_url) as target:
        for result in ingest_inbox(target, inbox, settle_seconds=0):
            loaded[result.family] += result.rows
    return loaded


def comparable(value):
    if isinstance(value, (float, Decimal)) and not isinstance(value, bool):
        return round(float(value), 9)
    if isinstance(value, list):
        return tuple(comparable(v) for v in value)
    return value


# Lineage of the incremental facts: the md5 of a client's inputs as text, which each engine spells its
# own way (1000.0 and 1000); each target compares it with its own, never with the other's.
ENGINE_SPELLED = {"_inputs_hash"}


def marts_of_duckdb(con) -> dict[str, tuple[list[str], Counter]]:
    tables = [t for (t,) in rows(con, "select table_name from duckdb_tables() where database_name = current_database() "
                                      "and schema_name = 'marts' order by table_name")]
    marts = {}
    for table in tables:
        columns = [c for (c,) in rows(con, "select column_name from duckdb_columns() where database_name = "
                                           "current_database() and schema_name = 'marts' and table_name = ? "
                                           "order by column_index", table) if c not in ENGINE_SPELLED]
        select = ", ".join(f'"{c}"' for c in columns)
        marts[table] = columns, Counter(tuple(map(comparable, r)) for r in rows(con, f"select {select} from marts.{table}"))
    return marts


def marts_of_postgres(postgres_url: str, tables) -> dict[str, tuple[list[str], Counter]]:
    marts = {}
    with psycopg.connect(postgres_url) as con:
        for table, (columns, _) in tables.items():
            cursor = con.execute(f"select {', '.join(columns)} from marts.{table}")
            columns = [c.name for c in cursor.description]
            marts[table] = columns, Counter(tuple(map(comparable, r)) for r in cursor.fetchall())
    return marts


def assert_same_marts(duckdb_con, postgres_url: str) -> dict:
    expected = marts_of_duckdb(duckdb_con)
    actual = marts_of_postgres(postgres_url, expected)
    for table, (columns, duckdb_rows) in expected.items():
        postgres_columns, postgres_rows = actual[table]
        assert postgres_columns == columns, table
        assert postgres_rows == duckdb_rows, (
            f"{table}: only on DuckDB {list((duckdb_rows - postgres_rows).elements())[:3]}, "
            f"only on PostgreSQL {list((postgres_rows - duckdb_rows).elements())[:3]}")
    return expected


def test_demo_marts_equal_on_postgres(demo_built, postgres_url, tmp_path):
    con, _, settings = demo_built
    url = fresh_database(postgres_url, "demo")
    loaded = ingest_on_postgres(url, settings.inbox)
    assert loaded["commissions"] == rows(con, "select count(*) from raw.commissions")[0][0] > 3500
    copy_enrichment(con, url)
    build_on_postgres(url, tmp_path)
    marts = assert_same_marts(con, url)
    # every contract table of the demo has rows to compare (an empty mart would compare equal)
    assert all(counts for _, counts in marts.values())
    assert {"dim_client", "fct_client_period", "mart_tier_summary", "mart_source_mix"} <= set(marts)
    # SPEC §9 on PostgreSQL itself: the paper's Table 4 for 2006-2010
    with psycopg.connect(url) as pg:
        tiers = dict(pg.execute("select tier, n_clients from marts.mart_tier_summary "
                                "where grain = 'five_year' and period_key = '2006-2010'").fetchall())
    assert tiers == {"key": 40, "potential_key": 78, "general": 197}
    assert_bi_published_for_a_read_only_role(con, url)


def assert_bi_published_for_a_read_only_role(duckdb_con, url: str) -> None:
    """dbt built the bi models into bi_building; published, they equal DuckDB's bi views, and a role
    made by grant-bi reads them and no other table of the warehouse."""
    from warehouse.postgres_publish import grant_bi, publish_bi_schema

    assert grant_bi(url, "bi_demo_reader", login=True).created
    publication = publish_bi_schema(url)
    views = [v for (v,) in rows(duckdb_con, "select view_name from duckdb_views() where database_name = "
                                            "current_database() and schema_name = 'bi' order by 1")]
    assert publication.tables == views and "bi_mart_tier_summary" in views
    with psycopg.connect(make_conninfo(url, user="bi_demo_reader")) as reader:
        for view in views:
            if view == "bi_ingested_files":   # its ingested_at are each ingest's own times
                continue
            duckdb_rows = Counter(tuple(map(comparable, r)) for r in rows(duckdb_con, f"select * from bi.{view}"))
            postgres_rows = Counter(tuple(map(comparable, r)) for r in reader.execute(f"select * from bi.{view}"))
            assert postgres_rows == duckdb_rows, view
        assert dict(reader.execute("select tier, n_clients from bi.bi_mart_tier_summary where grain = 'five_year' "
                                   "and period_key = '2006-2010'").fetchall()) == {
            "key": 40, "potential_key": 78, "general": 197}
        reader.rollback()
        others = reader.execute("select schemaname, tablename from pg_tables where schemaname not in "
                                "('bi', 'pg_catalog', 'information_schema') order by 1, 2").fetchall()
        assert {"raw", "staging", "marts", "quarantine"} <= {schema for schema, _ in others}
        for schema, table in others:
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="permission denied for"):
                reader.execute(f'select * from "{schema}"."{table}" limit 0')
            reader.rollback()


@pytest.mark.slow
def test_second_seed_marts_equal_on_postgres(tmp_path, postgres_url):
    """Another station (another seed, a third of the size): other names, dates and mess, the same marts."""
    from contextlib import closing

    from demo import write_demo_inbox
    from warehouse import connect

    from .conftest import run_job_in_process, station

    write_demo_inbox(tmp_path / "inbox", commissions=1500, seed=2)
    settings = station(tmp_path, tmp_path / "inbox")
    for job in ("ingest_job", "transform_job"):
        outcome = run_job_in_process(settings, job)
        assert outcome.ok, outcome.failures
    url = fresh_database(postgres_url, "second_seed")
    with closing(connect(settings.warehouse, read_only=True)) as con:
        ingest_on_postgres(url, tmp_path / "inbox")
        copy_enrichment(con, url)
        build_on_postgres(url, tmp_path)
        marts = assert_same_marts(con, url)
    assert sum(counts.total() for _, counts in marts.values()) > 10_000


def test_target_setting_is_checked_and_the_url_becomes_dbt_connection_vars(monkeypatch):
    monkeypatch.delenv("CHAXIN_TARGET", raising=False)
    monkeypatch.delenv("CHAXIN_POSTGRES_URL", raising=False)
    assert Settings.load().target == "duckdb" and Settings.load().dbt_target == "warehouse"
    with pytest.raises(BadSetting, match="unknown target 'pg'"):
        Settings.load(target="pg")
    with pytest.raises(BadSetting, match="needs the server: set CHAXIN_POSTGRES_URL"):
        Settings.load(target="postgres")
    with pytest.raises(BadSetting, match="port 'x' is not a number"):
        Settings.load(target="postgres", postgres_url="postgresql://chaxin@db:x/chaxin")
    # the environment is read when no flag is given; the URL's parts are what dbt's profile takes
    monkeypatch.setenv("CHAXIN_TARGET", "postgres")
    monkeypatch.setenv("CHAXIN_POSTGRES_URL", "postgresql://analyst:secret@db.station:6543/warehouse")
    settings = Settings.load()
    assert settings.dbt_target == "postgres"
    assert settings.dbt_connection_vars() == {"postgres": {
        "host": "db.station", "port": 6543, "user": "analyst", "password": "secret", "dbname": "warehouse"}}


def test_commands_refuse_a_target_they_do_not_run_on_yet_in_one_line(monkeypatch, tmp_path, capsys):
    from chaxin.cli import main

    monkeypatch.setenv("CHAXIN_TARGET", "pg")
    assert main(["status", "--warehouse", str(tmp_path / "w.duckdb")]) == 2
    assert capsys.readouterr().err.strip().startswith("error: unknown target 'pg'")
    monkeypatch.setenv("CHAXIN_TARGET", "postgres")
    monkeypatch.setenv("CHAXIN_POSTGRES_URL", "postgresql://chaxin@db.station/chaxin")
    assert main(["status", "--warehouse", str(tmp_path / "w.duckdb")]) == 2
    said = capsys.readouterr().err.strip()
    assert said.startswith("error: CHAXIN_TARGET=postgres: the dbt project builds on PostgreSQL") and "\n" not in said
    assert not (tmp_path / "w.duckdb").exists()
