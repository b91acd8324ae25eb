"""The published bi on the station server (issue 13 item 4), on a real server: the read-only role
reads bi and nothing else, publication swaps whole schemas under readers that never fail, and a
long reader holds up neither the swap nor the run.

The schemas here are small hand-made stand-ins for what dbt builds (test_postgres_target.py
publishes the demo's real dbt build): version n of bi holds n tier rows and 2n client rows.
"""
from __future__ import annotations

import threading
import time

import psycopg
import pytest
from psycopg.conninfo import make_conninfo

from chaxin.cli import main
from warehouse.postgres_publish import PublicationError, grant_bi, publish_bi_schema, reset_building_schema

from .postgres_server import fresh_database

WORKING_SCHEMAS = ("raw", "staging", "intermediate", "marts", "quarantine")


@pytest.fixture
def server(postgres_url, request):
    """A fresh database with the working schemas, each holding a table with PII in it."""
    url = fresh_database(postgres_url, request.node.name.removeprefix("test_")[:40])
    with psycopg.connect(url, autocommit=True) as con:
        for schema in WORKING_SCHEMAS:
            con.execute(f"create schema {schema}")
            con.execute(f"create table {schema}.contacts as select 'a@jia.com' as email")
    return url


def build_bi(url: str, n: int, pause: float = 0.0) -> None:
    """What a dbt build of the bi models leaves: version n in bi_building, written in steps (a reader
    of bi must never see these steps)."""
    with psycopg.connect(url, autocommit=True) as con:
        con.execute("create schema bi_building")
        con.execute("create table bi_building.bi_mart_tier_summary (tier int)")
        con.execute("comment on table bi_building.bi_mart_tier_summary is 'tiers'")
        time.sleep(pause)   # empty for a while
        con.execute("insert into bi_building.bi_mart_tier_summary select generate_series(1, %s)", [n])
        con.execute("create table bi_building.bi_dim_client as select generate_series(1, %s) as client_id", [2 * n])


def as_role(url: str, role: str) -> psycopg.Connection:
    return psycopg.connect(make_conninfo(url, user=role), autocommit=True)


def tier_rows(con) -> int:
    return con.execute("select count(*) from bi.bi_mart_tier_summary").fetchall()[0][0]


def test_the_bi_role_reads_bi_and_nothing_else_across_publications(server):
    # granted before anything is published: the first publication carries the grant over
    assert grant_bi(server, "bi_reader", login=True).created
    build_bi(server, 3)
    publication = publish_bi_schema(server)
    assert publication.tables == ["bi_dim_client", "bi_mart_tier_summary"] and publication.retired_left == []
    with as_role(server, "bi_reader") as reader:
        assert tier_rows(reader) == 3
        for schema in WORKING_SCHEMAS:
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match=f"permission denied for schema {schema}"):
                reader.execute(f"select * from {schema}.contacts")
        build_bi(server, 5)   # nor what is being built
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="permission denied for schema bi_building"):
            reader.execute("select * from bi_building.bi_mart_tier_summary")
    publish_bi_schema(server)
    with psycopg.connect(server, autocommit=True) as owner:   # a table added to bi later: default privileges
        owner.execute("create table bi.bi_later as select 1 as one")
    with as_role(server, "bi_reader") as reader:
        assert tier_rows(reader) == 5
        assert reader.execute("select one from bi.bi_later").fetchall() == [(1,)]
        assert reader.execute("select obj_description('bi.bi_mart_tier_summary'::regclass)").fetchall() == [("tiers",)]
    # a NOLOGIN group role: people's own login roles read through it
    assert not grant_bi(server, "bi_group").login
    with psycopg.connect(server, autocommit=True) as owner:
        owner.execute("create role analyst_wang login in role bi_group")
    with as_role(server, "analyst_wang") as person:
        assert tier_rows(person) == 5
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            person.execute("select * from marts.contacts")
    # granting again changes nothing and says the role existed
    again = grant_bi(server, "bi_reader")
    assert (again.created, again.login) == (False, True)


def test_a_reader_looping_over_bi_sees_only_whole_versions_while_publication_swaps_twice(server):
    build_bi(server, 3)
    publish_bi_schema(server)
    answers, errors, stop = [], [], threading.Event()

    def read():
        with psycopg.connect(server, autocommit=True) as reader:
            while not stop.is_set():
                try:
                    answers.append(tier_rows(reader))
                except psycopg.Error as e:
                    errors.append(e)

    thread = threading.Thread(target=read)
    thread.start()
    try:
        for n in (5, 7):
            build_bi(server, n, pause=0.3)   # half-built in bi_building for a while
            publish_bi_schema(server)
            deadline = time.monotonic() + 10
            while (not answers or answers[-1] != n) and time.monotonic() < deadline:
                time.sleep(0.01)
    finally:
        stop.set()
        thread.join()
    assert errors == []
    assert set(answers) == {3, 5, 7}                 # whole versions only (never the empty one being built)
    assert answers == sorted(answers)                # in publication order, never back
    assert len(answers) > 20


def test_a_long_reader_neither_fails_nor_holds_up_publication(server):
    build_bi(server, 3)
    publish_bi_schema(server)
    got = {}

    def long_report():
        with psycopg.connect(server, autocommit=True) as reader:
            got["answer"] = reader.execute("select count(*), pg_sleep(2) from bi.bi_mart_tier_summary").fetchall()

    thread = threading.Thread(target=long_report)
    thread.start()
    time.sleep(0.5)   # the report is running
    build_bi(server, 5)
    started = time.monotonic()
    publication = publish_bi_schema(server, lock_timeout_ms=200)
    took = time.monotonic() - started
    thread.join()
    assert took < 1.0                                          # the lock timeout, not the report's 2 s
    assert got["answer"] == [(3, "")]                           # the report's whole answer, from the old bi
    assert len(publication.retired_left) == 1 and publication.retired_left[0].startswith("bi_retired_")
    with psycopg.connect(server, autocommit=True) as con:
        assert tier_rows(con) == 5
        build_bi(server, 7)
        assert publish_bi_schema(server).retired_left == []    # the next publication drops what it left
        assert con.execute("select count(*) from pg_namespace where nspname like 'bi_retired_%'").fetchall() == [(0,)]


def test_bi_tables_a_run_did_not_rebuild_are_carried_over(server):
    build_bi(server, 3)
    publish_bi_schema(server)
    build_bi(server, 9)              # a failed run's build, never published ...
    reset_building_schema(server)    # ... is dropped before the next run builds
    with psycopg.connect(server, autocommit=True) as con:   # this run rebuilt only the tier summary
        con.execute("create schema bi_building")
        con.execute("create table bi_building.bi_mart_tier_summary as select generate_series(1, 4) as tier")
    publication = publish_bi_schema(server)
    assert publication.carried_over == ["bi_dim_client"]
    with psycopg.connect(server, autocommit=True) as con:
        assert con.execute("select (select count(*) from bi.bi_mart_tier_summary), "
                           "(select count(*) from bi.bi_dim_client)").fetchall() == [(4, 6)]


def test_publication_that_cannot_lock_gives_up_in_one_line_and_changes_nothing(server):
    with pytest.raises(PublicationError, match="nothing to publish: the server has no tables in bi_building"):
        publish_bi_schema(server)
    build_bi(server, 3)
    publish_bi_schema(server)
    build_bi(server, 5)
    with psycopg.connect(server) as other:   # an open transaction that changed bi's catalog row (its ACL)
        other.execute("grant usage on schema bi to public")
        with pytest.raises(PublicationError, match=r"gave up after 2 tries of 100 ms: .* bi is unchanged"):
            publish_bi_schema(server, lock_timeout_ms=100, attempts=2)
        other.rollback()
    with psycopg.connect(server, autocommit=True) as con:
        assert tier_rows(con) == 3
        assert publish_bi_schema(server).attempts == 1
        assert tier_rows(con) == 5


def test_grant_bi_command(server, monkeypatch, capsys):
    monkeypatch.delenv("CHAXIN_TARGET", raising=False)
    assert main(["grant-bi", "bi_reader"]) == 2
    said = capsys.readouterr().err
    assert said.startswith("error: grant-bi is for the station server") and said.count("\n") == 1
    flags = ["--target", "postgres", "--postgres-url", server]
    assert main(["grant-bi", "BI-Reader", *flags]) == 2
    assert "role name 'BI-Reader'" in capsys.readouterr().err
    assert main(["grant-bi", "postgres", *flags]) == 2
    assert "role postgres is a superuser" in capsys.readouterr().err
    assert main(["grant-bi", "bi_cli", "--login", *flags]) == 0   # roles are the cluster's: a name of its own
    assert capsys.readouterr().out.startswith("bi_cli (created, LOGIN) reads schema bi (0 tables now")
    with as_role(server, "bi_cli") as reader:
        assert reader.execute("select current_user").fetchall() == [("bi_cli",)]
    # run as a role that may not create roles: the server's refusal in one line, exit 1
    with psycopg.connect(server, autocommit=True) as owner:
        owner.execute("create role clerk_li login")
    clerk = ["--target", "postgres", "--postgres-url", make_conninfo(server, user="clerk_li")]
    assert main(["grant-bi", "bi_other", *clerk]) == 1
    assert capsys.readouterr().err == "error: the server refused: permission denied to create role\n"
