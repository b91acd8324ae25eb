"""The one parser of period keys, on keys whose windows are read off a calendar."""
from __future__ import annotations

import datetime as dt

import pytest

from warehouse.periods import (NotAPeriod, checked_period_range, closed_quarter_before, closing_range,
                              parse_period_key, period_keys, periods_in_order)

D = dt.date


@pytest.mark.parametrize("key, expected", [
    ("2008Q1", ("quarter", D(2008, 1, 1), D(2008, 3, 31))),
    ("2008Q2", ("quarter", D(2008, 4, 1), D(2008, 6, 30))),
    ("2008Q4", ("quarter", D(2008, 10, 1), D(2008, 12, 31))),
    ("2008", ("year", D(2008, 1, 1), D(2008, 12, 31))),
    ("2006-2010", ("five_year", D(2006, 1, 1), D(2010, 12, 31))),
    ("2021-2025", ("five_year", D(2021, 1, 1), D(2025, 12, 31))),
])
def test_period_windows(key, expected):
    assert parse_period_key(key) == expected


@pytest.mark.parametrize("key", ["2008Q5", "2007-2011", "2006-2009", "08Q1", "2008 Q1", ""])
def test_keys_that_name_no_period_are_refused(key):
    with pytest.raises(ValueError, match="is not a period key"):
        parse_period_key(key)


def test_closed_quarter_and_key_lists():
    assert closed_quarter_before(D(2011, 1, 1)) == "2010Q4"
    assert closed_quarter_before(D(2011, 5, 15)) == "2011Q1"
    assert closed_quarter_before(D(2011, 3, 31)) == "2010Q4"
    assert period_keys("five_year")[:2] == ["2006-2010", "2011-2015"]
    assert all(parse_period_key(k)[0] == "quarter" for k in period_keys("quarter"))


def test_periods_are_ordered_by_last_day_the_shorter_first():
    order = periods_in_order()
    assert order[:6] == ["2006Q1", "2006Q2", "2006Q3", "2006Q4", "2006", "2007Q1"]
    assert order[order.index("2010Q3"):order.index("2011Q1") + 1] == ["2010Q3", "2010Q4", "2010", "2006-2010", "2011Q1"]
    assert len(order) == 25 * 4 + 25 + 5
    # a closed quarter settles one range: up to its plan
    assert closing_range("2010Q4") == ("2010Q4", "2006-2010")
    assert closing_range("2012Q1") == ("2012Q1", "2011-2015")
    assert checked_period_range("2008Q1..2009") == ("2008Q1", "2009")
    assert checked_period_range("2008") == ("2008", "2008")
    with pytest.raises(NotAPeriod, match="2011 comes after 2008"):
        checked_period_range("2011..2008")
    with pytest.raises(NotAPeriod, match="no data for 2031"):
        checked_period_range("2030..2031")
