"""The contract marts on real builds: the paper's Table 4 and source mix from the messy demo,
and a hand-made station whose every number is worked out below from SPEC §5."""
from __future__ import annotations

from contextlib import closing

from reports.period_report import write_period_report
from warehouse import connect

from .conftest import rows, run_warehouse


def test_demo_reproduces_the_papers_table_4_and_source_mix(demo_built):
    con, *_ = demo_built
    assert rows(con, """select tier, n_clients from marts.mart_tier_summary
                        where grain = 'five_year' and period_key = '2006-2010' order by tier""") == [
        ("general", 197), ("key", 40), ("potential_key", 78)]
    assert rows(con, """select count(*) from marts.fct_client_period
                        where grain = 'five_year' and period_key = '2006-2010'
                          and nature = 'enterprise' and is_complete""") == [(315,)]
    shares = dict(rows(con, """select nature, round(client_share, 4) from marts.mart_source_mix
                               where grain = 'five_year' and period_key = '2006-2010'"""))
    assert shares == {"cas": 0.25, "enterprise": 0.5, "institute": 0.1, "university": 0.1, "other": 0.05}


def test_demo_renamed_firms_are_merged_by_the_alias_seed(demo_built):
    con, *_ = demo_built
    # three key clients changed name in 2008; without the seed each would split into two clients
    assert rows(con, """select display_name, count(distinct year_key) from marts.dim_client
                        join marts.fct_commission using (client_id)
                        where client_match_name in ('北京中科华信科技', '上海瀚海生物医药', '深圳鹏程新能源科技')
                          and year_key <= '2010' group by all order by 1""") == [
        ("上海瀚海生物医药有限公司", 5), ("北京中科华信科技股份有限公司", 5), ("深圳鹏程新能源科技有限公司", 5)]


def client_period(settings, name, grain, period):
    with closing(connect(settings.warehouse)) as con:   # closed: the next run's dbt needs the file
        return _client_period(con, name, grain, period)


def _client_period(con, name, grain, period):
    return rows(con, """select loyalty_points, loyalty_level, rd_points, rd_level, tier, transition,
                               is_complete, missing_attributes, untiered_reason
                        from marts.fct_client_period join marts.dim_client using (client_id)
                        where display_name = ? and grain = ? and period_key = ?""", name, grain, period)


def test_points_levels_tiers_and_transitions_at_each_grain(small_station):
    con = connect(small_station.warehouse)
    jia = "北京甲科技有限公司"
    client_period = lambda *args: _client_period(con, *args)   # noqa: E731 - one connection for the test
    # 2009: A1 (Q1), A2 (Q2): 30*2/4 = 15; 30*2/4 = 15; ratings 5 -> 20 + 20: 70 high.
    # R&D at 2009-12-31: 2009 profile talents 8 -> 24; valid inventions P1, P2 -> 4; utility P4
    # -> 0.5; 2 honours -> 10: 38.5 normal. Complete -> potential_key, new (no 2008 row).
    assert client_period(jia, "year", "2009") == [
        (70.0, "high", 38.5, "normal", "potential_key", "new", True, None, None)]
    # 2010: A3, A4 in Q1 (A5 cancelled): 30*1/4 = 7.5; 30*2/4 = 15; recognition 4 -> 15;
    # cooperation 4 (A4 unrated) -> 15: 52.5 normal. R&D adds P3 (2010) -> 6: 40.5 strong.
    assert client_period(jia, "year", "2010") == [
        (52.5, "normal", 40.5, "strong", "potential_key", "same", True, None, None)]
    # 2006-2010: 4 counted in 2 of 5 years -> 12; 30*4/10 = 12; recognition (5+5+4+4)/4 = 4.5
    # -> 17.5; cooperation (5+5+4)/3 -> 18.33: 59.83, just short of 60. R&D 40.5 strong.
    assert client_period(jia, "five_year", "2006-2010") == [
        (59.83, "normal", 40.5, "strong", "potential_key", "new", True, None, None)]
    # 2010Q1: A3 (Jan), A4 (Feb) -> 30*2/3 = 20; cap 2 -> 30; 15 + 15: 80 high. R&D at
    # 2010-03-31 has no P3 yet: 38.5 normal. 2009Q4 had no commission -> new.
    assert client_period(jia, "quarter", "2010Q1") == [
        (80.0, "high", 38.5, "normal", "potential_key", "new", True, None, None)]
    # 乙 2010: B1 in Q1: 7.5 + 7.5 + 20*(2-1)/4 = 5 + 20*(3-1)/4 = 10: 30 normal. R&D from the
    # 2008 profile: talents 10 -> 30; 5 valid inventions -> 10; 5 honours capped at 4 -> 20: 60.
    assert client_period("上海乙生物股份有限公司", "year", "2010") == [
        (30.0, "normal", 60.0, "strong", "potential_key", "new", True, None, None)]
    # 丁 has no address and no profile; 丙 is a university (no type, industry or profile either)
    assert client_period("广州丁环保有限公司", "year", "2010")[0][4:] == (
        None, None, False, "address, rd_profile", "incomplete")
    assert client_period("丙大学", "year", "2010")[0][4:] == (
        None, None, False, "enterprise_type, industry, rd_profile", "not_enterprise")
    assert rows(con, """select tier, n_clients from marts.mart_tier_summary
                        where grain = 'five_year' and period_key = '2006-2010' order by tier""") == [
        ("general", 0), ("key", 0), ("potential_key", 2)]
    assert rows(con, """select nature, client_share from marts.mart_source_mix
                        where grain = 'five_year' and n_clients > 0 order by nature""") == [
        ("enterprise", 0.75), ("university", 0.25)]


def test_value_measures_rank_and_flags(small_station):
    with closing(connect(small_station.warehouse)) as con:
        got = rows(con, """select display_name, monetary_value, n_referrals, has_latent_demand, value_rank,
                              is_top_value, is_value_client
                       from marts.mart_value_clients join marts.dim_client using (client_id)
                       where grain = 'year' and period_key = '2010' order by value_rank""")
    # 乙 0.3万 = 3000; 甲 1500 + 1000 (A5 cancelled); 丁 1200; 丙 800. Top 10 % of 4 -> 1 client.
    # 乙's first commission names 甲 as referrer -> 甲 has 1 referral. 乙: strong R&D and 5 patents
    # filed in 2010 > 2 x 1 commission -> latent demand.
    assert got == [
        ("上海乙生物股份有限公司", 3000, 0, True, 1, True, True),
        ("北京甲科技有限公司", 2500, 1, False, 2, False, True),
        ("广州丁环保有限公司", 1200, 0, False, 3, False, False),
        ("丙大学", 800, 0, False, 4, False, False),
    ]


def test_a_changed_weight_changes_the_marts_not_the_sql(small_station):
    """With the high-loyalty threshold at 59, 甲's 59.83 over 2006-2010 is high: strong and high = key."""
    outcome = run_warehouse(small_station, dbt_vars={"loyalty_high_threshold": 59})
    assert outcome.ok, outcome.failures
    assert client_period(small_station, "北京甲科技有限公司", "five_year", "2006-2010")[0][:5] == (
        59.83, "high", 40.5, "strong", "key")
    # the report draws the threshold the build used, read from the published settings
    page = write_period_report(small_station.bi, "2006-2010", small_station.reports_dir).read_text(encoding="utf-8")
    assert "loyalty points (high ≥ 59)" in page and "(high ≥ 60)" not in page
    outcome = run_warehouse(small_station)   # back to the SPEC's defaults
    assert outcome.ok, outcome.failures
    assert client_period(small_station, "北京甲科技有限公司", "five_year", "2006-2010")[0][4] == "potential_key"
