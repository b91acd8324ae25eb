"""Seeds a station edits by hand, and the one generated from a library, stay right."""
from __future__ import annotations

import csv

from warehouse.festivals import SEED, festival_rows


def test_festival_seed_is_the_lunar_calendar():
    with SEED.open(encoding="utf-8") as f:
        assert list(csv.DictReader(f)) == festival_rows()
    # read off a printed calendar: Spring Festival 2010-02-14, Mid-Autumn 2010-09-22
    dates = {(r["year"], r["festival"]): r["festival_date"] for r in festival_rows()}
    assert dates[("2010", "spring_festival")] == "2010-02-14"
    assert dates[("2010", "mid_autumn")] == "2010-09-22"
    assert dates[("2016", "spring_festival")] == "2016-02-08"
