"""SPEC §8, the kill matrix (`make test-slow`): `chaxin run` SIGKILLed at points placed by its own
progress lines, in a first run and after a second batch. After each kill the working file and the
BI file are each as before the run or as after it; the next run, unattended and within a time
limit, cleans up and ends equal, table by table, to a run that was never interrupted."""
from __future__ import annotations

import shutil

import pytest

from .conftest import FIXTURE_INBOX, station
from .live_run import LiveRun
from .snapshots import leftovers, snapshot

pytestmark = pytest.mark.slow

SECOND_BATCH = {
    "2011_commissions.csv": "编号,委托日期,委托单位,用户性质,状态\n"
                            "CX2011-001,2011-03-01,北京华科新材料股份有限公司,企业,已完成\n"
                            "CX2008-002,2008-04-01,北京华科新材料股份有限公司,企业,已取消\n",   # a re-export
    "2011_activities.csv": "日期,委托单位,活动类型\n2011-04-02,北京华科新材料股份有限公司,回访\n",
}
# (where to kill: a progress line, as a regular expression) -- each one a separate run
FIRST_RUN_POINTS = [r"^\S+ file ", r"done +ingest", r"dbt +3/", r"dbt +25/", r"dbt +48/",
                    r"start +checks warehouse_expectations", r"start +commit", r"start +publish",
                    r"start +period reports"]
SECOND_BATCH_POINTS = [r"^\S+ file ", r"dbt +3/", r"dbt +48/", r"done +commit", r"done +publish"]
RECOVERY_LIMIT = 240   # seconds: a next run that waits on something the dead run left fails here


def bi_snapshot(settings) -> dict:
    tables = snapshot(settings.bi)
    tables.pop("main._published")     # when and from which path: differs between stations by design
    return tables


def write_second_batch(inbox) -> None:
    for name, text in SECOND_BATCH.items():
        (inbox / name).write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def references(tmp_path_factory):
    """The same two batches, never interrupted: the states a killed run must end at."""
    root = tmp_path_factory.mktemp("uninterrupted")
    settings = station(root, root / "inbox")
    shutil.copytree(FIXTURE_INBOX, settings.inbox)
    first_state = tmp_path_factory.mktemp("after-first-batch")
    states = []
    for batch in (None, write_second_batch):
        if batch:
            shutil.copytree(root, first_state, dirs_exist_ok=True, ignore=shutil.ignore_patterns("dagster", ".*"))
            batch(settings.inbox)
        run = LiveRun(settings)
        assert run.finish(RECOVERY_LIMIT) == 0, run.stderr
        states.append((snapshot(settings.warehouse), bi_snapshot(settings)))
    return states, first_state


def kill_and_recover(settings, point: str, before, after) -> None:
    run = LiveRun(settings)
    run.wait_for(point)
    run.kill()
    now = (snapshot(settings.warehouse) if settings.warehouse.exists() else None,
           bi_snapshot(settings) if settings.bi.exists() else None)
    assert now[0] in (before[0], after[0]), f"killed at {point!r}: the working file is neither before nor after"
    assert now[1] in (before[1], after[1]), f"killed at {point!r}: the BI file is neither before nor after"

    recovery = LiveRun(settings)
    assert recovery.finish(RECOVERY_LIMIT) == 0, recovery.stderr
    assert "recovered from the dead writer" in recovery.stderr, f"killed at {point!r}: nothing cleaned?"
    assert not leftovers(settings.warehouse.parent, settings.reports_dir), f"killed at {point!r}"
    assert snapshot(settings.warehouse) == after[0], f"killed at {point!r}: not equal to an uninterrupted run"
    assert bi_snapshot(settings) == after[1], f"killed at {point!r}: BI file not equal to an uninterrupted run"


@pytest.mark.parametrize("point", FIRST_RUN_POINTS)
def test_a_first_run_killed_anywhere_is_completed_by_the_next(references, tmp_path, point):
    (after, _), _ = references
    settings = station(tmp_path, tmp_path / "inbox")
    shutil.copytree(FIXTURE_INBOX, settings.inbox)
    kill_and_recover(settings, point, before=(None, None), after=after)


@pytest.mark.parametrize("point", SECOND_BATCH_POINTS)
def test_a_second_batch_killed_anywhere_is_completed_by_the_next(references, tmp_path, point):
    (first, second), first_state = references
    shutil.copytree(first_state, tmp_path, dirs_exist_ok=True)
    settings = station(tmp_path, tmp_path / "inbox")
    assert (snapshot(settings.warehouse), bi_snapshot(settings)) == first
    write_second_batch(settings.inbox)
    kill_and_recover(settings, point, before=first, after=second)
