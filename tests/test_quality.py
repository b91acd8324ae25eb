"""Quality: the Great Expectations suites as checks, their severities (on both targets), and the
completeness report."""
from __future__ import annotations

import contextlib
import gc
import hashlib
import io
import re
import shutil
import weakref
import zipfile

import duckdb
import pandas as pd
import pytest
from python_calamine import CalamineWorkbook

from chaxin import views
from chaxin.cli import main
from dagster_project.history import latest_run_checks
from reports.xlsx import write_workbook

from .conftest import FIXTURE_INBOX, query, rows

TYPOS = "commission_no,commission_date,org_name,nature,fee\nCX2031-001,2031-05-01,北京华科新材料有限公司,企业,\"9,999,999\"\n"


@pytest.fixture(scope="module")
def broken(new_station, tmp_path_factory):
    """The fixture inbox (one defect per file) plus typos a person makes (a date in 2031, a fee of
    ~10 M), through `chaxin run` on the test's target: its settings, flags, exit code and what it printed."""
    root = tmp_path_factory.mktemp("broken")
    shutil.copytree(FIXTURE_INBOX, root / "inbox")
    (root / "inbox" / "2031_commissions_typos.csv").write_text(TYPOS, encoding="utf-8")
    settings = new_station(root, root / "inbox")
    args = ["--inbox", str(settings.inbox), "--warehouse", str(settings.warehouse), "--bi", str(settings.bi),
            "--target", settings.target, *(["--postgres-url", settings.postgres_url] if settings.postgres_url else [])]
    printed = io.StringIO()
    with pytest.MonkeyPatch.context() as patch, contextlib.redirect_stdout(printed):
        patch.setattr(views.console, "width", 200)      # one line per failed check
        code = main(["run", *args])
    return settings, args, code, printed.getvalue()


def published(settings):
    """What BI tools read, or None: the BI file's bytes; on the server, where bi is a schema swapped
    in whole, the stamp each publication writes (which build, when) and the tier summary."""
    if settings.target == "postgres":
        if not query(settings, "select to_regclass('bi._published') is not null")[0][0]:
            return None
        return (query(settings, "select build_run_id, published_at from bi._published"),
                query(settings, "select * from bi.bi_mart_tier_summary order by 1, 2, 3"))
    return hashlib.sha256(settings.bi.read_bytes()).hexdigest() if settings.bi.exists() else None


def failed(checks, asset):
    """{column: sample} of the failed expectations of an asset's checks, from the check metadata."""
    return {f["column"]: f["sample"] for check in checks if check.asset == asset and not check.passed
            for f in check.metadata["failures"]}


def test_a_broken_inbox_shows_which_expectations_fail_and_still_publishes(broken):
    settings, _, code, out = broken
    assert code == 0                                      # data gaps warn; they do not block
    assert re.search(r"staging/stg_commissions .* warning .* commission_date: 2031-05-01", out)
    assert published(settings) is not None
    _, status, checks = latest_run_checks(settings)
    assert status == "SUCCESS"
    assert not [c for c in checks if c.blocking and not c.passed]
    # the table (asset), the column and a sample of the offending values, as the checks report them
    assert failed(checks, "staging/stg_commissions") == {
        "commission_date": ["2031-05-01 00:00:00"], "fee": ["9999999.0"]}
    assert failed(checks, "raw/patents") == {"patent_type": ["外观"]}
    assert failed(checks, "raw/feedback") == {"rating": ["还行"], "channel": ["微信"]}
    assert failed(checks, "raw/activities") == {"activity_type": ["聚餐"]}
    # one row without a key (the XLSX), two without 委托单位 (the English export)
    assert failed(checks, "raw/commissions") == {"commission_no": ["nan"], "org_name": ["nan", "nan"]}
    assert (settings.quality_dir / "gx/uncommitted/data_docs/local_site/index.html").exists()


def test_a_blocking_failure_exits_non_zero_and_leaves_the_bi_file(broken, capsys, monkeypatch):
    settings, args, *_ = broken
    monkeypatch.setattr(views.console, "width", 200)
    before = published(settings)
    # a weight that lets loyalty exceed 100 points: a wrong result, which blocks publication
    assert main(["run", *args, "--vars", '{"loyalty_frequency_weight": 300}']) == 1
    out = capsys.readouterr().out
    assert re.search(r"marts/fct_client_period .* points_within_0_and_100 .* blocking", out)
    assert "not published" in out
    assert published(settings) == before


def test_demo_passes_every_blocking_check_and_reports_the_35_incomplete(demo_built):
    con, outcome, settings = demo_built
    assert outcome.failed_blocking == []
    assert {c.name for c in outcome.checks} >= {"expectations", "expectation_warnings",
                                                "tier_counts_add_up"}
    incomplete = {name for (name,) in rows(con, """
        select display_name from marts.fct_client_period join marts.dim_client using (client_id)
        where grain = 'five_year' and period_key = '2006-2010' and fct_client_period.nature = 'enterprise'
          and not is_complete""")}
    assert len(incomplete) == 350 - 315            # enterprise clients with commissions outside the paper's 315
    sheet = CalamineWorkbook.from_path(str(settings.reports_dir / "completeness.xlsx")).get_sheet_by_name("2006-2010")
    header, *body = sheet.to_python()
    assert header[:4] == ["客户名称", "查新员", "委托数", "缺少的信息"]
    assert {row[0] for row in body} == incomplete
    labels = {"联系方式", "地址", "企业类型", "产业类型", "研发实力档案"}
    assert all(set(row[3].split("、")) <= labels for row in body)


def test_validated_frames_are_freed_once_their_suites_have_run(demo_built, tmp_path):
    """Great Expectations' pandas engine keeps each batch's frame for the life of the process unless
    told otherwise; a run's dbt stages then build beside every raw and staged row read into pandas
    (0.4 GB more at the peak of a 1 M first build). validate() hands them back."""
    import importlib

    from quality.suites import suites

    validating = importlib.import_module("quality.validate")   # the module, which quality's validate() hides

    con, _, _ = demo_built
    made = []

    def read_frame(*args):   # the real read, keeping a weak reference to each frame
        frame = real_read_frame(*args)
        made.append(weakref.ref(frame))
        return frame

    real_read_frame = validating.read_frame
    raw = {suite.name for suite in suites() if suite.asset_path[0] == "raw"}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(validating, "read_frame", read_frame)
        outcomes, _ = validating.validate(con, tmp_path / "quality", raw)
    gc.collect()
    assert len(outcomes) == 7 == len(made)
    assert sum(o.n_rows for o in outcomes) > 0
    assert [ref for ref in made if ref() is not None] == []


def test_frames_for_great_expectations_keep_every_value_and_dates_in_nanoseconds_where_they_fit():
    from quality.validate import read_frame

    con = duckdb.connect()
    con.execute("""create table t as select * from (values
        ('甲', date '2031-05-01', date '2008-03-05'),
        (null, null, date '9999-12-31')) as v(name, fits, typo)""")
    frame = read_frame(con, "select * from t")
    assert frame["name"].tolist()[0] == "甲" and frame["name"].isna().tolist() == [False, True]
    assert str(frame["fits"].dtype) == "datetime64[ns]"      # compared column-wise by GE
    assert frame["fits"].tolist()[0] == pd.Timestamp("2031-05-01") and frame["fits"].isna().tolist()[1]
    # a year 9999 does not fit nanoseconds: the column keeps its unit and every value
    assert frame["typo"].tolist() == [pd.Timestamp("2008-03-05"), pd.Timestamp("9999-12-31")]


def test_xlsx_cells_that_look_like_formulas_stay_text(tmp_path):
    path = write_workbook(tmp_path / "x.xlsx", {"all": (["a"], [("=HYPERLINK(\"x\")",), ("+86 139",), ("-1",), ("@SUM(A1)",)])})
    values = [row[0] for row in CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()[1:]]
    assert values == ["=HYPERLINK(\"x\")", "+86 139", "-1", "@SUM(A1)"]
    with zipfile.ZipFile(path) as z:
        assert "<f>" not in z.read("xl/worksheets/sheet1.xml").decode()
