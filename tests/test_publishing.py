"""What people reach: the PII-free BI file, the action lists, and the period report in a browser."""
from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from contextlib import closing

import duckdb
from PIL import Image
from python_calamine import CalamineWorkbook

from chaxin.cli import main
from reports.period_report import write_period_report
from warehouse.periods import parse_period_key

from .conftest import copy_station, rows

CHROMIUM = shutil.which("chromium")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--hide-scrollbars", "--virtual-time-budget=15000"]
PHONE = re.compile(r"(?<![0-9A-Za-z])(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})(?![0-9A-Za-z])")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")
PII_COLUMNS = {"contact_name", "username", "email", "phone", "address", "postcode", "respondent", "comment"}


def test_bi_file_holds_no_pii(demo_built):
    _, _, settings = demo_built
    with closing(duckdb.connect(str(settings.bi), read_only=True)) as bi:
        tables = [t for (t,) in bi.execute("select table_name from information_schema.tables").fetchall()]
        assert "bi_mart_tier_summary" in tables and "bi_dim_client" in tables
        for table in tables:
            columns = bi.execute("""select column_name, data_type from information_schema.columns
                                    where table_name = ?""", [table]).fetchall()
            assert not PII_COLUMNS & {c for c, _ in columns}, table
            for column, data_type in columns:
                if data_type != "VARCHAR":
                    continue
                for (value,) in bi.execute(f'select distinct "{column}" from {table} where "{column}" is not null').fetchall():
                    assert not PHONE.search(value) and not EMAIL.search(value), (table, column, value)
    # the working file does hold them: the scan would find them if they leaked
    con, *_ = demo_built
    assert rows(con, "select count(*) from marts.dim_client where phone is not null or email is not null")[0][0] > 500


def test_action_list_xlsx_matches_the_action_plan(demo_built, tmp_path):
    con, _, settings = demo_built
    out = tmp_path / "actions_2012Q4.xlsx"
    assert main(["actions", "--quarter", "2012Q4", "--bi", str(settings.bi), "--out", str(out)]) == 0
    book = CalamineWorkbook.from_path(str(out))
    header, *everyone = book.get_sheet_by_name("全部").to_python()
    assert header == ["查新员", "客户名称", "类型", "事项", "原因", "来自季度", "到期日", "状态（截至2012-12-31）", "完成日期"]
    status_zh = {"done": "已完成", "done_late": "逾期后完成", "open": "待办", "overdue": "逾期"}
    expected = sorted((client, action, origin, due.isoformat(), status_zh[status]) for client, action, origin, due, status in rows(
        con, """select display_name, action_zh, origin_period_key, due_date, status
                from marts.mart_action_plan where period_key = '2012Q4'"""))
    got = sorted((r[1], r[3], r[5], r[6].isoformat(), r[7]) for r in everyone if r[2] == "客户关系维护")
    assert got == expected and len(got) > 100
    assert sum(r[2] == "满意度调查" for r in everyone) == rows(
        con, "select count(*) from marts.mart_survey_targets where period_key = '2012Q4'")[0][0]
    searchers = [name for name in book.sheet_names if name != "全部"]
    assert len(searchers) == 8
    per_searcher = sum(len(book.get_sheet_by_name(name).to_python()) - 1 for name in searchers)
    assert per_searcher == len(everyone)
    assert all(r[0] == searchers[0] for r in book.get_sheet_by_name(searchers[0]).to_python()[1:])


def test_period_report_renders_in_headless_chromium(demo_built, tmp_path):
    assert CHROMIUM, "no chromium: `make test` installs Debian's chromium (make browser)"
    con, _, settings = demo_built
    page = write_period_report(settings.bi, "2006-2010", tmp_path)
    profile = ["--user-data-dir=" + str(tmp_path / "chromium")]
    shot = tmp_path / "report.png"
    subprocess.run([CHROMIUM, *CHROMIUM_FLAGS, *profile, "--window-size=1200,2400", f"--screenshot={shot}",
                    page.as_uri()], check=True, capture_output=True, timeout=120)
    image = Image.open(shot).convert("L")
    histogram = image.histogram()
    assert image.size == (1200, 2400)
    assert max(histogram) < 0.9 * sum(histogram), "the page is (nearly) one colour: blank"
    dom = subprocess.run([CHROMIUM, *CHROMIUM_FLAGS, *profile, "--dump-dom", page.as_uri()],
                         check=True, capture_output=True, text=True, timeout=120).stdout
    assert dom.count('class="main-svg"') >= 5                 # plotly drew its charts offline
    tiers = dict(rows(con, """select tier, n_clients from marts.mart_tier_summary
                              where grain = 'five_year' and period_key = '2006-2010'"""))
    for tier, n in tiers.items():                              # the cards show the marts' counts
        card = re.search(rf'id="tier-{tier}">.*?<b>(\d+)</b>', dom, re.S)
        assert card and int(card.group(1)) == n, tier


def test_readers_holding_the_files_never_block_a_run(built, tmp_path):
    settings = copy_station(built[2], tmp_path)      # published by `chaxin run`
    args = ["--inbox", str(settings.inbox), "--warehouse", str(settings.warehouse), "--bi", str(settings.bi)]
    reader = duckdb.connect(str(settings.bi), read_only=True)      # a BI tool, holding the file open
    analyst = duckdb.connect(str(settings.warehouse), read_only=True)   # an analyst, on the working file
    before = reader.execute("select count(*) from bi_ingested_files").fetchall()[0][0]
    (settings.inbox / "2011_feedback.csv").write_text("编号,满意度\nCX2009-003,满意\n", encoding="utf-8")

    assert main(["run", *args]) == 0                               # republishes while it reads

    assert reader.execute("select count(*) from bi_ingested_files").fetchall()[0][0] == before
    assert analyst.execute("select count(*) from raw.ingested_files").fetchall()[0][0] == before
    reader.close()
    analyst.close()
    with closing(duckdb.connect(str(settings.bi), read_only=True)) as fresh:
        assert fresh.execute("select count(*) from bi_ingested_files").fetchall()[0][0] == before + 1


def test_action_list_xlsx_prints_on_a4_landscape_one_page_wide_with_its_header_on_every_page(demo_built, tmp_path):
    _, _, settings = demo_built
    out = tmp_path / "actions_2012Q4.xlsx"
    assert main(["actions", "--quarter", "2012Q4", "--bi", str(settings.bi), "--out", str(out)]) == 0
    with zipfile.ZipFile(out) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
        workbook = book.read("xl/workbook.xml").decode()
    setup = re.search(r"<pageSetup [^>]*/>", sheet).group(0)
    assert 'paperSize="9"' in setup and 'orientation="landscape"' in setup and 'fitToHeight="0"' in setup
    assert '<pageSetUpPr fitToPage="1"/>' in sheet                      # fit to one page wide
    assert re.search(r'name="_xlnm.Print_Titles" localSheetId="0">[^<]*\$1:\$1<', workbook)   # header row repeated


def test_period_report_prints_to_a_few_a4_pages_none_blank(demo_built, tmp_path):
    assert CHROMIUM and shutil.which("pdftoppm"), "`make test` installs chromium and poppler-utils (make browser)"
    _, _, settings = demo_built
    page = write_period_report(settings.bi, "2006-2010", tmp_path)
    pdf = tmp_path / "report.pdf"
    subprocess.run([CHROMIUM, *CHROMIUM_FLAGS, "--user-data-dir=" + str(tmp_path / "chromium"),
                    "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri()],
                   check=True, capture_output=True, timeout=120)
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    n_pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info).groups())
    assert (round(width), round(height)) == (595, 842)                  # A4 portrait, in points
    assert 3 <= n_pages <= 8, n_pages      # six sections, charts 700 px wide: a handful of pages
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(pdf), str(tmp_path / "page")], check=True)
    for png in sorted(tmp_path.glob("page-*.png")):
        histogram = Image.open(png).convert("L").histogram()
        assert max(histogram) < 0.97 * sum(histogram), f"{png.name} is blank"
    assert len(list(tmp_path.glob("page-*.png"))) == n_pages


def test_an_action_list_is_as_of_its_quarters_last_day(demo_built):
    """SPEC §5 action plan, as of one date: a quarter's list counts only activities up to the
    quarter's last day. Each action's first matching activity is read from the activities themselves."""
    con, *_ = demo_built
    listed = rows(con, """
        select plan.period_key, plan.as_of_date, plan.due_date, plan.status, plan.done_date,
               (select min(a.activity_date) from intermediate.int_activities_identified as a
                join (select action, tier, cadence, activity_type from seeds.strategies
                      union all   -- SPEC §5 outlook: an at-risk client's return visit, from the next quarter on
                      select 'at_risk_return_visit', tier, 'at_risk', 'return_visit'
                      from (values ('key'), ('potential_key')) as at_risk (tier)) as s
                    on s.action = plan.strategy_action and s.tier = plan.tier
                where a.client_id = plan.client_id and a.activity_type = s.activity_type
                  and a.activity_date >= case when s.cadence = 'yearly' then make_date(cast(left(plan.origin_period_key, 4) as int), 1, 1)
                                              when s.cadence = 'at_risk' then (select start_date from intermediate.int_periods_spined
                                                  where grain = 'quarter' and previous_period_key = plan.origin_period_key)
                                              else (select start_date from intermediate.int_periods_spined
                                                    where grain = 'quarter' and period_key = plan.origin_period_key) end) as first_activity
        from marts.mart_action_plan as plan""")
    assert len(listed) > 1000
    for period, as_of, due, status, done_date, first in listed:
        assert as_of == parse_period_key(period)[2]
        if first is not None and first <= as_of:              # done by then: on time or late
            assert (status, done_date) == ("done" if first <= due else "done_late", first), (period, due, first)
        else:                                                  # not yet: nothing after the date leaks in
            assert done_date is None and status == ("overdue" if due < as_of else "open"), (period, due, first)
    # the case the issue found: rows of 2010Q4 done only after the quarter show as not done there
    later = [r for r in listed if r[0] == "2010Q4" and r[5] is not None and r[5] > r[1]]
    assert later and all(r[3] in ("overdue", "open") and r[4] is None for r in later)
