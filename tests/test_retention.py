"""SPEC §5 retention and churn (mart_retention), computed by hand on SMALL_STATION (tests/conftest.py).

Counted commissions: 甲 A1 2009-02-10, A2 2009-05-10, A3 2010-01-15, A4 2010-02-20 (A5 cancelled);
乙 B1 2010-03-10; 丙 C1 2010-04-01; 丁 D1 2010-05-05. The data runs 2009Q1-2010Q2.
Tiers of the previous period (test_marts works out the points): 甲 is potential_key in 2009Q1
(65 high, R&D 36.5 normal), 2009Q2 (65 high), 2009 (70 high, 38.5 normal) and 2010Q1 (80 high,
38.5 normal); 乙 in 2010Q1 (loyalty 40 normal, R&D 30 + 3 inventions 6 + 20 = 56 strong)."""
from __future__ import annotations

from contextlib import closing

from warehouse import connect

from .conftest import rows

COLUMNS = "n_active_before, n_retained, n_lost, churn_rate, n_won_back, n_new, n_active"


def retention(settings, grain: str, period: str) -> dict[str, list]:
    """previous_tier -> [n_active_before, n_retained, n_lost, churn_rate, n_won_back, n_new, n_active]"""
    with closing(connect(settings.warehouse, read_only=True)) as con:
        found = rows(con, f"""select previous_tier, {COLUMNS} from marts.mart_retention
                              where grain = ? and period_key = ?""", grain, period)
    return {tier: list(values) for tier, *values in found}


def test_retention_and_churn_by_hand_per_quarter(small_station):
    # the five rows of every period of the data, in the tier of the previous period
    assert sorted(retention(small_station, "quarter", "2009Q3")) == ["all", "general", "key", "none", "potential_key"]
    # 2009Q1: 甲's first commission: new
    assert retention(small_station, "quarter", "2009Q1")["all"] == [0, 0, 0, None, 0, 1, 1]
    # 2009Q2: 甲 again: retained, from potential_key
    assert retention(small_station, "quarter", "2009Q2")["potential_key"] == [1, 1, 0, 0.0, 0, 0, 1]
    # 2009Q3: 甲 idle: lost, the churn of potential_key clients is 100 %
    q3 = retention(small_station, "quarter", "2009Q3")
    assert q3["potential_key"] == [1, 0, 1, 1.0, 0, 0, 0] and q3["all"] == [1, 0, 1, 1.0, 0, 0, 0]
    assert q3["key"] == [0, 0, 0, None, 0, 0, 0]
    # 2009Q4: no activity now or before: zero counts, no churn rate (no division by zero)
    assert retention(small_station, "quarter", "2009Q4")["all"] == [0, 0, 0, None, 0, 0, 0]
    # 2010Q1: 甲 back after an idle quarter (won back), 乙 new; both untiered in 2009Q4: 'none'
    q1 = retention(small_station, "quarter", "2010Q1")
    assert q1["none"] == [0, 0, 0, None, 1, 1, 2] and q1["all"] == [0, 0, 0, None, 1, 1, 2]
    # 2010Q2: 甲 and 乙 (both potential_key in 2010Q1) lost; 丙 and 丁 new
    q2 = retention(small_station, "quarter", "2010Q2")
    assert q2["potential_key"] == [2, 0, 2, 1.0, 0, 0, 0]
    assert q2["none"] == [0, 0, 0, None, 0, 2, 2]
    assert q2["all"] == [2, 0, 2, 1.0, 0, 2, 2]
    # the data ends in 2010Q2: no later quarter is listed
    assert retention(small_station, "quarter", "2010Q3") == {}


def test_retention_per_year_and_five_year(small_station):
    # 2010: 甲 (potential_key in 2009) retained; 乙, 丙, 丁 new
    y2010 = retention(small_station, "year", "2010")
    assert y2010["potential_key"] == [1, 1, 0, 0.0, 0, 0, 1]
    assert y2010["none"] == [0, 0, 0, None, 0, 3, 3]
    assert y2010["all"] == [1, 1, 0, 0.0, 0, 3, 4]
    # 2006-2010 has no previous plan in the spine: every client is new
    assert retention(small_station, "five_year", "2006-2010")["all"] == [0, 0, 0, None, 0, 4, 4]


def test_the_period_report_shows_retention_per_tier_and_the_clients_at_risk(demo_built, tmp_path):
    import re

    from reports.period_report import write_period_report

    con, _, settings = demo_built
    page = write_period_report(settings.bi, "2011-2015", tmp_path).read_text(encoding="utf-8")
    section = page[page.index('<section id="retention">'):page.index('<section id="at-risk">')]
    cells = [re.findall(r"<td[^>]*>([^<]*)</td>", row) for row in re.findall(r"<tr>(.*?)</tr>", section)[1:]]
    # the key clients of 2006-2010: the mart's counts, in the row 重点用户 (churn as a percentage)
    (before, retained, lost, churn), = rows(con, """select n_active_before, n_retained, n_lost, churn_rate
                                                    from marts.mart_retention where grain = 'five_year'
                                                      and period_key = '2011-2015' and previous_tier = 'key'""")
    assert cells[0][:5] == ["重点用户", str(before), str(retained), str(lost), f"{churn * 100:.1f} %"]
    assert [row[0] for row in cells] == ["重点用户", "潜在重点用户", "一般用户", "上期无等级", "全部客户"]
    assert "流失率" in section                                   # the chart's labels
    # the key and potential_key clients at risk at the end of 2015, least likely to return first
    at_risk = page[page.index('<section id="at-risk">'):page.index('<section id="value-clients">')]
    names = [name for (name,) in rows(con, """select display_name from marts.mart_client_outlook
                                              join marts.dim_client using (client_id)
                                              where year = 2015 and is_at_risk
                                              order by p_active_next_year, display_name""")]
    assert names and re.findall(r"<tr><td>([^<]*)</td>", at_risk) == names
