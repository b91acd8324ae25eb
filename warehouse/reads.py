"""Every query the CLI and the reports read with, named for what it returns: the working file's
ledger, quarantine and headline figures, and the published BI file's marts. Callers format; the SQL
lives here, its parameters bound. (Asset checks and quality suites keep their own SQL.)"""
from __future__ import annotations

import datetime as dt

import duckdb

Rows = list[tuple]


def _rows(con: duckdb.DuckDBPyConnection, sql: str, *params) -> Rows:
    return con.execute(sql, list(params)).fetchall() if params else con.execute(sql).fetchall()


def has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """Whether the connected file has the table (a BI file published before it existed has not)."""
    return _rows(con, "select count(*) from duckdb_tables() where table_name = ?", name)[0][0] > 0


# The working file (CHAXIN_WAREHOUSE)

def alias_candidates(con: duckdb.DuckDBPyConnection, min_score: float = 0) -> Rows | None:
    """(alias_name, canonical_name, note, score) of every duplicate candidate at or above min_score,
    the likeliest first, in the alias seed's terms; None when the warehouse has no such mart yet."""
    built = _rows(con, """select count(*) from information_schema.tables
                          where table_schema = 'marts' and table_name = 'mart_duplicate_candidates'""")[0][0]
    if not built:
        return None
    return _rows(con, """
        select alias_name, canonical_name, alias_note, score from marts.mart_duplicate_candidates
        where score >= ? order by candidate_rank
    """, min_score)


def ingested_files(con: duckdb.DuckDBPyConnection, run_id: str | None = None) -> Rows:
    """(file, status, family, encoding, rows, reason) of the ledger, or of one run's files."""
    return _rows(con, """
        select file, status, family, encoding, rows, reason from raw.ingested_files
        where ? is null or run_id = ? order by load_id
    """, run_id, run_id)


def quarantine_counts(con: duckdb.DuckDBPyConnection) -> Rows | None:
    """(family, file, rejected rows, nulled values) per family and file; None before the first build."""
    built = _rows(con, "select count(*) from information_schema.tables where table_schema = 'quarantine'")[0][0]
    if built < 2:
        return None
    return _rows(con, """
        with rejected as (select family, file, count(*) as n from quarantine.rejected_rows group by all),
        flagged as (select family, file, count(*) as n from quarantine.value_flags group by all)
        select family, file, coalesce(rejected.n, 0), coalesce(flagged.n, 0)
        from rejected full join flagged using (family, file)
        order by family, file
    """)


def five_year_tiers(con: duckdb.DuckDBPyConnection) -> list[tuple[str, int, int, int]]:
    """(period_key, key, potential_key, general) for every five-year period with commissions (SQL
    that PostgreSQL runs too: the dbt asset's metadata asks the server)."""
    return _rows(con, """
        select
            period_key,
            sum(case when tier = 'key' then n_clients end),
            sum(case when tier = 'potential_key' then n_clients end),
            sum(case when tier = 'general' then n_clients end)
        from marts.mart_tier_summary where grain = 'five_year'
        group by period_key
        order by period_key
    """)


def five_year_source_mix(con: duckdb.DuckDBPyConnection) -> Rows:
    """(period_key, nature, n_clients, client_share, n_commissions, commission_share)."""
    return _rows(con, """
        select period_key, nature, n_clients, client_share, n_commissions, commission_share
        from marts.mart_source_mix where grain = 'five_year'
        order by period_key, n_clients desc, nature
    """)


# The published BI file (CHAXIN_BI): service lists

def completeness_gaps(con: duckdb.DuckDBPyConnection, period_key: str) -> Rows:
    """(display_name, latest_searcher, n_commissions, missing_attributes, lacks_contact, lacks_address,
    lacks_enterprise_type, lacks_industry, lacks_rd_profile) of a period's incomplete enterprise clients."""
    return _rows(con, """
        select display_name, latest_searcher, n_commissions, missing_attributes,
               lacks_contact, lacks_address, lacks_enterprise_type, lacks_industry, lacks_rd_profile
        from bi_mart_completeness_gaps
        where period_key = ?
        order by latest_searcher, display_name
    """, period_key)


def completeness_counts(con: duckdb.DuckDBPyConnection, grain: str = "five_year") -> Rows:
    """(period_key, incomplete enterprise clients, of which without an R&D profile) per period."""
    return _rows(con, """
        select period_key, count(*), count(*) filter (where lacks_rd_profile)
        from bi_mart_completeness_gaps where grain = ? group by period_key order by period_key
    """, grain)


def action_plan(con: duckdb.DuckDBPyConnection, quarter: str) -> Rows:
    """(searcher, display_name, action_zh, tier, reason, origin_period_key, due_date, status, done_date) of
    a quarter's actions, by searcher and due date."""
    return _rows(con, """
        select searcher, display_name, action_zh, tier, reason, origin_period_key, due_date, status, done_date
        from bi_mart_action_plan where period_key = ?
        order by searcher, due_date, display_name
    """, quarter)


def action_plan_by_status(con: duckdb.DuckDBPyConnection, quarter: str) -> Rows:
    """(searcher, display_name, action_zh, origin_period_key, due_date, status) of a quarter's actions,
    by searcher, the open and overdue first."""
    return _rows(con, """
        select searcher, display_name, action_zh, origin_period_key, due_date, status
        from bi_mart_action_plan where period_key = ? order by searcher, status desc, due_date
    """, quarter)


def survey_targets(con: duckdb.DuckDBPyConnection, quarter: str) -> Rows:
    """(searcher, display_name, reason) of the clients to survey in a quarter."""
    return _rows(con, """
        select searcher, display_name, reason from bi_mart_survey_targets where period_key = ?
        order by searcher, display_name
    """, quarter)


# The published BI file: the period report

def tiered_periods(con: duckdb.DuckDBPyConnection) -> Rows:
    """(grain, period_key) of every year and five-year period with tiers."""
    return _rows(con, "select distinct grain, period_key from bi_mart_tier_summary where grain <> 'quarter'")


def tier_counts(con: duckdb.DuckDBPyConnection, grain: str, period_key: str) -> dict[str, int]:
    """{tier: n_clients} of a period."""
    return dict(_rows(con, "select tier, n_clients from bi_mart_tier_summary where grain = ? and period_key = ?",
                      grain, period_key))


def tier_transitions(con: duckdb.DuckDBPyConnection, grain: str, period_key: str) -> Rows:
    """(previous_tier, tier, clients) of a period's tiered clients."""
    return _rows(con, """
        select previous_tier, tier, count(*)
        from bi_fct_client_period where grain = ? and period_key = ? and tier is not null
        group by all order by all
    """, grain, period_key)


def previous_period(con: duckdb.DuckDBPyConnection, grain: str, period_key: str) -> str | None:
    """The latest period of the grain before this one with clients."""
    return _rows(con, "select max(period_key) from bi_fct_client_period where grain = ? and period_key < ?",
                 grain, period_key)[0][0]


def source_mix(con: duckdb.DuckDBPyConnection, grain: str, period_key: str) -> Rows:
    """(nature, n_clients, client_share, n_commissions) of a period, the largest first."""
    return _rows(con, """
        select nature, n_clients, client_share, n_commissions from bi_mart_source_mix
        where grain = ? and period_key = ? order by n_clients desc
    """, grain, period_key)


def enterprise_points(con: duckdb.DuckDBPyConnection, grain: str, period_key: str) -> Rows:
    """(rd_points, loyalty_points, tier or 'untiered') of a period's enterprise clients."""
    return _rows(con, """
        select rd_points, loyalty_points, coalesce(tier, 'untiered') from bi_fct_client_period
        where grain = ? and period_key = ? and nature = 'enterprise'
    """, grain, period_key)


def satisfaction_until(con: duckdb.DuckDBPyConnection, grain: str, last_period_key: str) -> Rows:
    """(period_key, csat, nps) of every period of the grain up to and including the last one."""
    return _rows(con, """
        select period_key, csat, nps from bi_mart_satisfaction
        where grain = ? and period_key <= ? order by period_key
    """, grain, last_period_key)


def top_value_clients(con: duckdb.DuckDBPyConnection, grain: str, period_key: str, limit: int = 10) -> Rows:
    """(value_rank, display_name, monetary_value, n_referrals, has_latent_demand) of a period's best
    value clients."""
    return _rows(con, """
        select value_rank, display_name, monetary_value, n_referrals, has_latent_demand
        from bi_mart_value_clients join bi_dim_client using (client_id)
        where grain = ? and period_key = ? and is_value_client order by value_rank limit ?
    """, grain, period_key, limit)


def duplicate_candidates(con: duckdb.DuckDBPyConnection) -> Rows:
    """(display_name, other_display_name, n_commissions, other_n_commissions, evidence_kinds,
    name_similarity, score) of every duplicate candidate, the likeliest first: no contacts."""
    return _rows(con, """
        select display_name, other_display_name, n_commissions, other_n_commissions, evidence_kinds,
            name_similarity, score
        from bi_mart_duplicate_candidates order by candidate_rank
    """)


def rising_directions(con: duckdb.DuckDBPyConnection, year: int, n_industries: int = 3, n_keywords: int = 3) -> Rows:
    """(industry, keyword, n_commissions, n_commissions_previous_year, growth) of the year: the
    rising keywords of the station's main industries (most commissions naming a keyword that year)."""
    return _rows(con, """
        with main_industries as (
            select industry, sum(n_commissions) as n from bi_mart_research_directions
            where year = ? and industry <> 'unclassified'
            group by industry order by n desc, industry limit ?
        )
        select d.industry, d.keyword, d.n_commissions, d.n_commissions_previous_year, d.growth
        from bi_mart_research_directions as d join main_industries using (industry)
        where d.year = ? and d.growth_rank <= ?
        order by main_industries.n desc, d.industry, d.growth_rank
    """, year, n_industries, year, n_keywords)


def retention(con: duckdb.DuckDBPyConnection, grain: str, period_key: str) -> Rows:
    """(previous_tier, n_active_before, n_retained, n_lost, churn_rate, n_won_back, n_new) of a period,
    the tiers first, then 'none' and 'all'."""
    return _rows(con, """
        select previous_tier, n_active_before, n_retained, n_lost, churn_rate, n_won_back, n_new
        from bi_mart_retention where grain = ? and period_key = ?
        order by case previous_tier when 'key' then 1 when 'potential_key' then 2 when 'general' then 3
                                    when 'none' then 4 else 5 end
    """, grain, period_key)


def at_risk_clients(con: duckdb.DuckDBPyConnection, year: int) -> Rows:
    """(display_name, tier, p_active_next_year, expected_commissions, days_since_last_commission) of the
    key and potential_key clients at risk at the end of a year, the least likely to return first."""
    return _rows(con, """
        select display_name, tier, p_active_next_year, expected_commissions, days_since_last_commission
        from bi_mart_client_outlook join bi_dim_client using (client_id)
        where year = ? and is_at_risk order by p_active_next_year, display_name
    """, year)


def recommended_products(con: duckdb.DuckDBPyConnection) -> Rows:
    """(product, clients it is recommended to, as_of_date), the most recommended first."""
    return _rows(con, """
        select product, count(*), max(as_of_date) from bi_mart_service_recommendations
        group by product order by 2 desc
    """)


def published_at(con: duckdb.DuckDBPyConnection) -> dt.datetime:
    """When the BI file was published."""
    return _rows(con, "select max(published_at) from _published")[0][0]


def quadrant_thresholds(con: duckdb.DuckDBPyConnection) -> tuple[float, float]:
    """(loyalty_high_threshold, rd_strong_threshold) the build used."""
    return _rows(con, "select loyalty_high_threshold, rd_strong_threshold from bi_settings")[0]
