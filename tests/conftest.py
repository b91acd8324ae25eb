"""Shared fixtures: a copy of the tiny fixture inbox, and one real build of it per session."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ingest import ingest_inbox
from warehouse import connect
from warehouse.transform import build

FIXTURE_INBOX = Path(__file__).parent / "fixtures" / "inbox"


@pytest.fixture
def inbox(tmp_path) -> Path:
    """A private copy of the fixture inbox (tests may add files to it)."""
    target = tmp_path / "inbox"
    shutil.copytree(FIXTURE_INBOX, target)
    return target


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """The fixture inbox ingested and built with the real `dbt build`; returns a read connection."""
    root = tmp_path_factory.mktemp("built")
    inbox = root / "inbox"
    shutil.copytree(FIXTURE_INBOX, inbox)
    warehouse = root / "warehouse.duckdb"
    con = connect(warehouse)
    ingest_inbox(con, inbox)
    con.close()
    outcome = build(warehouse)
    assert outcome.ok, outcome.failures
    con = connect(warehouse)
    yield con, outcome
    con.close()


@pytest.fixture(scope="session")
def demo_built(tmp_path_factory):
    """The demo inbox written by `chaxin demo`, ingested and built; (connection, ingest results)."""
    from chaxin.cli import main

    root = tmp_path_factory.mktemp("demo")
    assert main(["demo", str(root / "inbox")]) == 0
    con = connect(root / "warehouse.duckdb")
    results = ingest_inbox(con, root / "inbox")
    con.close()
    outcome = build(root / "warehouse.duckdb")
    assert outcome.ok, outcome.failures
    con = connect(root / "warehouse.duckdb")
    yield con, results
    con.close()


def rows(con, sql: str, *params) -> list[tuple]:
    return con.execute(sql, list(params)).fetchall()
