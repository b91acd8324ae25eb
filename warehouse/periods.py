"""The periods of SPEC §4, keys spelled like period_key (2008Q1, 2008, 2006-2010), over the years of
the dbt period spine: the only parser of those keys, below Dagster so that the CLI and the reports
use it without importing an orchestrator (dbt spells them with dbt/macros/periods.sql)."""
from __future__ import annotations

import datetime as dt
import re

from .dbt_project import dbt_vars

FIRST_FIVE_YEAR_PLAN_OF_THE_CYCLE = 1966   # plans start every five years since the 3rd (1966-1970)
GRAINS = ("quarter", "year", "five_year")


class NotAPeriod(ValueError):
    """A key that is no period, or a period outside the spine; the message says what is accepted."""


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


def periods_in_order() -> list[str]:
    """Every period key of the three grains, in the order their data is final: by last day, then the
    shorter first (2010Q4, 2010, 2006-2010). A change dated d touches d's quarter, year and plan and
    what follows them (transitions, a profile's later years): one range, from d's quarter to the end;
    a closed quarter with its year and plan is one range too."""
    keys = [key for grain in GRAINS for key in period_keys(grain)]
    return sorted(keys, key=lambda key: (parse_period_key(key)[2], -parse_period_key(key)[1].toordinal()))


def closing_range(quarter: str) -> tuple[str, str]:
    """The first and last key of the range a closed quarter settles: the quarter up to its Five-Year
    Plan (with its year, and the year's later quarters, which hold nothing yet)."""
    _, start, _ = parse_period_key(quarter)
    plan = next(key for key in period_keys("five_year") if start <= parse_period_key(key)[2])
    return quarter, plan


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
    raise NotAPeriod(f"{key!r} is not a period key: give a quarter (2010Q4), a year (2010) or a "
                     f"Five-Year Plan (2006-2010, 2011-2015, …)")


def checked_period_key(key: str, grain: str | None = None) -> tuple[str, dt.date, dt.date]:
    """parse_period_key, and the key must be of `grain` (when given) and inside the spine."""
    parsed = parse_period_key(key)
    if grain is not None and parsed[0] != grain:
        example = {"quarter": "2010Q4", "year": "2010", "five_year": "2006-2010"}[grain]
        raise NotAPeriod(f"{key!r} is a {parsed[0].replace('_', '-')} period: give a {grain.replace('_', '-')} "
                         f"such as {example}")
    if key not in period_keys(parsed[0]):
        keys = period_keys(parsed[0])
        raise NotAPeriod(f"no data for {key}: the warehouse's periods run from {keys[0]} to {keys[-1]}")
    return parsed


def checked_period_range(text: str) -> tuple[str, str]:
    """FIRST..LAST (or one key) as the first and last key of a range in periods_in_order."""
    first, _, last = text.partition("..")
    first, last = first.strip(), (last or first).strip()
    for key in (first, last):
        checked_period_key(key)
    order = periods_in_order()
    if order.index(first) > order.index(last):
        raise NotAPeriod(f"{first} comes after {last}: periods are ordered by their last day, the shorter first "
                         f"(…, 2010Q4, 2010, 2006-2010, 2011Q1, …); give FIRST..LAST in that order")
    return first, last


def closed_quarter_before(day: dt.date) -> str:
    """The last quarter that ended before `day`: what a quarterly run reviews."""
    quarter_start = dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    last_day = quarter_start - dt.timedelta(days=1)
    return f"{last_day.year}Q{(last_day.month - 1) // 3 + 1}"
