"""Write the festival seed: Spring Festival (正月初一) and Mid-Autumn (八月十五) for each year.

    .venv/bin/python -m warehouse.festivals     # rewrites dbt/seeds/festivals.csv

A seed, not a run-time computation, so that the dates are data a station can read in SQL and the
models stay portable; tests/test_seeds.py keeps the file equal to the lunar calendar library.
"""
from __future__ import annotations

import csv
from pathlib import Path

from lunardate import LunarDate

SEED = Path(__file__).resolve().parents[1] / "dbt" / "seeds" / "festivals.csv"
YEARS = range(2000, 2051)
FESTIVALS = {"spring_festival": (1, 1), "mid_autumn": (8, 15)}


def festival_rows() -> list[dict[str, str]]:
    return [
        {"year": str(year), "festival": name,
         "festival_date": LunarDate(year, month, day).to_solar_date().isoformat()}
        for year in YEARS for name, (month, day) in FESTIVALS.items()
    ]


def write_seed(path: Path = SEED) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, ["year", "festival", "festival_date"], lineterminator="\n")
        writer.writeheader()
        writer.writerows(festival_rows())


if __name__ == "__main__":
    write_seed()
