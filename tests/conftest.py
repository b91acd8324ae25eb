"""Shared fixtures: a copy of the tiny fixture inbox, and one real build of it per session."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dagster import DagsterInstance

from chaxin.settings import Settings
from dagster_project.runner import run_job
from warehouse import connect

FIXTURE_INBOX = Path(__file__).parent / "fixtures" / "inbox"


@pytest.fixture
def inbox(tmp_path) -> Path:
    """A private copy of the fixture inbox (tests may add files to it)."""
    target = tmp_path / "inbox"
    shutil.copytree(FIXTURE_INBOX, target)
    return target


def station(root: Path, inbox: Path) -> Settings:
    """Settings for a station whose files all live under root."""
    return Settings.load(inbox=inbox, warehouse=root / "warehouse.duckdb", bi=root / "bi.duckdb")


def run_warehouse(settings: Settings, **kwargs):
    """The warehouse job of the one Definitions, in-process, as `chaxin run` runs it."""
    return run_job(settings, "warehouse_job", instance=DagsterInstance.ephemeral(), **kwargs)


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """The fixture inbox through the whole pipeline; (connection to the warehouse, run outcome)."""
    root = tmp_path_factory.mktemp("built")
    shutil.copytree(FIXTURE_INBOX, root / "inbox")
    settings = station(root, root / "inbox")
    outcome = run_warehouse(settings)
    assert outcome.ok, outcome.failures
    con = connect(settings.warehouse)
    yield con, outcome
    con.close()


@pytest.fixture(scope="session")
def demo_built(tmp_path_factory):
    """The demo inbox written by `chaxin demo` through the whole pipeline; (connection, outcome, settings)."""
    from chaxin.cli import main

    root = tmp_path_factory.mktemp("demo")
    assert main(["demo", str(root / "inbox")]) == 0
    settings = station(root, root / "inbox")
    outcome = run_warehouse(settings)
    assert outcome.ok, outcome.failures
    con = connect(settings.warehouse)
    yield con, outcome, settings
    con.close()


def rows(con, sql: str, *params) -> list[tuple]:
    return con.execute(sql, list(params)).fetchall()
