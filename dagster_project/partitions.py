"""The three grains of SPEC §4 as Dagster partitions, keys spelled like period_key (2008Q1, 2008,
2006-2010), over the same years as the dbt period spine. The only parser of those keys (the dbt
models spell them with the macros of dbt/macros/periods.sql)."""
from __future__ import annotations

import datetime as dt
import re

from dagster import StaticPartitionsDefinition

from warehouse.dbt_project import dbt_vars

FIRST_FIVE_YEAR_PLAN_OF_THE_CYCLE = 1966   # plans start every five years since the 3rd (1966-1970)


def spine_years() -> tuple[int, int]:
    """first_year and last_year of the dbt vars: partitions and the period spine agree."""
    return int(dbt_vars()["first_year"]), int(dbt_vars()["last_year"])


def period_keys(grain: str) -> list[str]:
    first, last = spine_years()
    if grain == "quarter":
        return [f"{year}Q{q}" for year in range(first, last + 1) for q in range(1, 5)]
    if grain == "year":
        return [str(year) for year in range(first, last + 1)]
    starts = [y for y in range(first, last - 3) if (y - FIRST_FIVE_YEAR_PLAN_OF_THE_CYCLE) % 5 == 0]
    return [f"{start}-{start + 4}" for start in starts]


quarter_partitions = StaticPartitionsDefinition(period_keys("quarter"))
year_partitions = StaticPartitionsDefinition(period_keys("year"))
five_year_partitions = StaticPartitionsDefinition(period_keys("five_year"))
PARTITIONS = {"quarter": quarter_partitions, "year": year_partitions, "five_year": five_year_partitions}


def parse_period_key(key: str) -> tuple[str, dt.date, dt.date]:
    """(grain, first day, last day) of a period key."""
    if m := re.fullmatch(r"(\d{4})Q([1-4])", key):
        year, quarter = int(m[1]), int(m[2])
        end = dt.date(year, 3 * quarter, 1) + dt.timedelta(days=31)
        return "quarter", dt.date(year, 3 * quarter - 2, 1), end.replace(day=1) - dt.timedelta(days=1)
    if m := re.fullmatch(r"(\d{4})", key):
        return "year", dt.date(int(m[1]), 1, 1), dt.date(int(m[1]), 12, 31)
    if (m := re.fullmatch(r"(\d{4})-(\d{4})", key)) and int(m[2]) == int(m[1]) + 4 \
            and (int(m[1]) - FIRST_FIVE_YEAR_PLAN_OF_THE_CYCLE) % 5 == 0:
        return "five_year", dt.date(int(m[1]), 1, 1), dt.date(int(m[2]), 12, 31)
    raise ValueError(f"{key!r} is not a period key (2008Q1, 2008 or a Five-Year Plan such as 2006-2010)")


def closed_quarter_before(day: dt.date) -> str:
    """The last quarter that ended before `day`: what a quarterly run reviews."""
    quarter_start = dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    last_day = quarter_start - dt.timedelta(days=1)
    return f"{last_day.year}Q{(last_day.month - 1) // 3 + 1}"
