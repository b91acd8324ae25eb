"""Which periods a build changed: the period keys whose rows of the per-period facts differ between
the working file (before the run) and the run's copy (after its build). A whole-warehouse run
rebuilds by client, not by period; this is what Dagster records as the partitions it built."""
from __future__ import annotations

from pathlib import Path

FACTS = "marts.fct_client_period"


def changed_periods(con, before: Path) -> dict[str, int]:
    """period_key -> how many clients' rows there were added, changed or removed, comparing con's
    facts with those of the file `before` (without facts: every period con holds); only the rows of clients
    whose inputs hash differs are compared (the others were kept as built), so the cost follows
    the change."""
    every_period = f"select period_key, count(distinct client_id) from {FACTS} group by all"
    if not before.exists():
        return dict(con.execute(every_period).fetchall())
    con.execute(f"attach '{before}' as before_run (read_only)")
    try:
        if not con.execute("""select count(*) from duckdb_tables() where database_name = 'before_run'
                              and schema_name = 'marts' and table_name = 'fct_client_period'""").fetchall()[0][0]:
            return dict(con.execute(every_period).fetchall())
        return dict(con.execute(f"""
            with now as (
                select * exclude (_inputs_hash) from {FACTS}
                anti join before_run.{FACTS} as was using (client_id, _inputs_hash)
            ),
            was as (
                select * exclude (_inputs_hash) from before_run.{FACTS}
                anti join {FACTS} as now using (client_id, _inputs_hash)
            ),
            differing as (
                (select * from now except all select * from was)
                union all
                (select * from was except all select * from now)
            )
            select period_key, count(distinct client_id) from differing group by all order by all""").fetchall())
    finally:
        con.execute("detach before_run")
