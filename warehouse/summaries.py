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
