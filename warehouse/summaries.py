"""The marts' headline figures as rows, for the CLI (and, later, the reports) to print."""
from __future__ import annotations

import duckdb


def five_year_tiers(con: duckdb.DuckDBPyConnection) -> list[tuple[str, int, int, int]]:
    """(period_key, key, potential_key, general) for every five-year period with commissions."""
    return con.execute("""
        pivot (select period_key, tier, n_clients from marts.mart_tier_summary where grain = 'five_year')
        on tier in ('key', 'potential_key', 'general') using sum(n_clients)
        order by period_key
    """).fetchall()


def five_year_source_mix(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    """(period_key, nature, n_clients, client_share, n_commissions, commission_share)."""
    return con.execute("""
        select period_key, nature, n_clients, client_share, n_commissions, commission_share
        from marts.mart_source_mix where grain = 'five_year'
        order by period_key, n_clients desc, nature
    """).fetchall()


def quarantine_counts(con: duckdb.DuckDBPyConnection) -> list[tuple] | None:
    """Rejected rows and nulled values per family and file; None before the first build."""
    built = con.execute("""select count(*) from information_schema.tables
                           where table_schema = 'quarantine'""").fetchall()[0][0]
    if built < 2:
        return None
    return con.execute("""
        with rejected as (select family, file, count(*) as n from quarantine.rejected_rows group by all),
        flagged as (select family, file, count(*) as n from quarantine.value_flags group by all)
        select family, file, coalesce(rejected.n, 0), coalesce(flagged.n, 0)
        from rejected full join flagged using (family, file)
        order by family, file
    """).fetchall()
