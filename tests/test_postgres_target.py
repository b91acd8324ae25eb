"""SPEC §7 targets: `chaxin run` with CHAXIN_TARGET=postgres builds the same warehouse on the station
server as on DuckDB (issue 13).

The real command, in a process of its own, runs the one Dagster job against a fresh database of a
throw-away cluster: ingest by COPY (ingest/raw_postgres.py), `dbt build --target postgres` in two
stages with the enrichment tables computed between them, the checks, the publication of `bi`. Each
mart is then compared with the session's DuckDB build of the same inbox as a multiset of rows over
every column. Numbers are compared as floats rounded to 9 decimals: the two engines type some
ratios differently (DuckDB double, PostgreSQL numeric), the values are the same.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections import Counter
from contextlib import closing
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest
from psycopg.conninfo import make_conninfo

from chaxin.settings import BadSetting, Settings

from .conftest import rows
from .postgres_server import fresh_database

CHAXIN = Path(sys.executable).with_name("chaxin")


def comparable(value):
    if isinstance(value, (float, Decimal)) and not isinstance(value, bool):
        return round(float(value), 9)
    if isinstance(value, list):
        return tuple(comparable(v) for v in value)
    return value


# Lineage of the incremental facts: a hash of a client's inputs as text, which each engine hashes and spells its
# own way (1000.0 and 1000); each target compares it with its own, never with the other's.
ENGINE_SPELLED = {"_inputs_hash"}


def marts_of_duckdb(con) -> dict[str, tuple[list[str], Counter]]:
    tables = [t for (t,) in rows(con, "select table_name from information_schema.tables where table_catalog = "
                                      "current_database() and table_schema = 'marts' order by table_name")]   # views too
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


def chaxin_on_server(url: str, root: Path, *args: str) -> subprocess.CompletedProcess:
    """The chaxin command in a process of its own, as a person runs it against the station server
    (its Dagster records, reports and dbt target folder under root)."""
    env = {**os.environ, "CHAXIN_TARGET": "postgres", "CHAXIN_POSTGRES_URL": url, "CHAXIN_SETTLE_SECONDS": "0"}
    return subprocess.run([str(CHAXIN), *args, "--warehouse", str(root / "warehouse.duckdb"),
                           "--bi", str(root / "bi.duckdb")], env=env, cwd=root, capture_output=True, text=True)


def test_chaxin_run_on_the_station_server_equals_duckdb(demo_built, postgres_url, tmp_path):
    con, _, settings = demo_built
    url = fresh_database(postgres_url, "demo_run")
    started = time.monotonic()
    first = chaxin_on_server(url, tmp_path, "run", "--inbox", str(settings.inbox))
    took = time.monotonic() - started
    assert first.returncode == 0, (first.stdout + first.stderr)[-3000:]
    # SPEC §9: the paper's Table 4 for 2006-2010, as the command prints it and as BI tools read it
    assert re.search(r"2006-2010\s*│\s*40\s*│\s*78\s*│\s*197\s*│\s*315", first.stdout), first.stdout[-2000:]
    assert "published schema bi on the station server" in first.stdout
    with psycopg.connect(url) as pg:
        assert dict(pg.execute("select tier, n_clients from bi.bi_mart_tier_summary "
                               "where grain = 'five_year' and period_key = '2006-2010'").fetchall()) == {
            "key": 40, "potential_key": 78, "general": 197}
        loaded = pg.execute("select count(*) from raw.commissions").fetchall()[0][0]
        built_by = pg.execute("select run_id from meta.last_build").fetchall()[0][0]
        assert pg.execute("select build_run_id from bi._published").fetchall()[0][0] == built_by
        assert pg.execute("select count(*) from enrichment.client_outlook").fetchall()[0][0] > 1000
    assert loaded == rows(con, "select count(*) from raw.commissions")[0][0] > 3500
    assert not (tmp_path / "warehouse.duckdb").exists() and not (tmp_path / "bi.duckdb").exists()
    marts = assert_same_marts(con, url)
    # every contract table of the demo has rows to compare (an empty mart would compare equal)
    assert all(counts for _, counts in marts.values())
    assert {"dim_client", "fct_client_period", "mart_tier_summary", "mart_source_mix", "mart_client_outlook",
            "mart_duplicate_candidates", "mart_research_directions"} <= set(marts)
    assert_bi_published_for_a_read_only_role(con, url)

    # nothing new: the second run says so and writes nothing (the build record is the first run's)
    second = chaxin_on_server(url, tmp_path, "run", "--inbox", str(settings.inbox))
    assert second.returncode == 0 and second.stdout.startswith("up to date: built"), second.stdout + second.stderr
    with psycopg.connect(url) as pg:
        assert pg.execute("select run_id from meta.last_build").fetchall()[0][0] == built_by
    # the service lists read the published bi on the server: the same rows as from the BI file
    actions = chaxin_on_server(url, tmp_path, "actions", "--quarter", "2010Q4", "--out", str(tmp_path / "a.xlsx"))
    assert actions.returncode == 0, actions.stderr
    from reports.service_lists import ALL_SHEET, action_list_sheets
    from warehouse import connect

    with closing(connect(settings.bi, read_only=True)) as bi:   # the same list from DuckDB's BI file
        n_rows = len(action_list_sheets(bi, "2010Q4")[ALL_SHEET][1])
    assert actions.stdout.startswith(f"{n_rows} rows for 8 searchers") and n_rows > 500, actions.stdout
    # the run wrote the period reports from a copy of the published bi (the latest closed periods)
    assert (tmp_path / "reports" / "period_report_2011-2015.html").stat().st_size > 10_000
    print(f"chaxin run on the station server: {took:.0f} s")


def assert_bi_published_for_a_read_only_role(duckdb_con, url: str) -> None:
    """The published bi equals DuckDB's bi views, and a role made by grant-bi reads them and no other
    table of the warehouse."""
    from warehouse.postgres_publish import grant_bi

    grant = grant_bi(url, "bi_demo_reader", login=True)
    views = [v for (v,) in rows(duckdb_con, "select view_name from duckdb_views() where database_name = "
                                            "current_database() and schema_name = 'bi' order by 1")]
    assert grant.created and grant.tables == sorted(["_published", *views]) and "bi_mart_tier_summary" in views
    with psycopg.connect(make_conninfo(url, user="bi_demo_reader")) as reader:
        for view in views:
            if view in ("bi_ingested_files", "_published"):   # each ingest's and publication's own times
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

    from demo import write_demo_inbox
    from warehouse import connect

    from .conftest import run_job_in_process, station

    write_demo_inbox(tmp_path / "inbox", commissions=1500, seed=2)
    settings = station(tmp_path, tmp_path / "inbox")
    for job in ("ingest_job", "transform_job"):
        outcome = run_job_in_process(settings, job)
        assert outcome.ok, outcome.failures
    url = fresh_database(postgres_url, "second_seed")
    on_server = Settings.load(settings.inbox, tmp_path / "server" / "warehouse.duckdb", tmp_path / "server" / "bi.duckdb",
                              target="postgres", postgres_url=url)
    outcome = run_job_in_process(on_server, "warehouse_job")   # the real run, in-process, on the server
    assert outcome.ok, outcome.failures
    with closing(connect(settings.warehouse, read_only=True)) as con:
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


def test_commands_say_in_one_line_when_the_target_is_unknown_or_the_server_unreachable(monkeypatch, tmp_path, capsys):
    from chaxin.cli import main

    monkeypatch.setenv("CHAXIN_TARGET", "pg")
    assert main(["status", "--warehouse", str(tmp_path / "w.duckdb")]) == 2
    assert capsys.readouterr().err.strip().startswith("error: unknown target 'pg'")
    monkeypatch.setenv("CHAXIN_TARGET", "postgres")
    monkeypatch.setenv("CHAXIN_POSTGRES_URL", f"postgresql://chaxin@/chaxin?host={tmp_path / 'no-server'}")
    (tmp_path / "inbox").mkdir()
    for command in (["status"], ["run", "--inbox", str(tmp_path / "inbox")], ["actions", "--quarter", "2010Q4"]):
        assert main([*command, "--warehouse", str(tmp_path / "w.duckdb")]) == 1
        said = capsys.readouterr().err.strip()
        assert said.startswith("error: cannot reach the station server (CHAXIN_POSTGRES_URL): ") and "\n" not in said
        assert "no-server" in said
    assert not (tmp_path / "w.duckdb").exists()
