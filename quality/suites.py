"""The Great Expectations suites, as code: one per relation, read once as a frame. They hold what
the station sent (raw, and staging's typed values); keys, grains and the marts' invariants are dbt
tests. A run validates the rows of its own new loads (`Suite.rows_after`), not whole tables.

Severity says what a failure means. `critical` is a wrong result (a rule the warehouse guarantees
is broken): the check blocks the BI file's publication. `warning` is a data gap in what the
station sent (missing values, unknown words, implausible dates or fees): the check warns.

The suites are plain data, turned into Great Expectations' objects only when they run (validate.py):
declaring the checks must not cost GE's import (3 s), which a run then makes while ingest reads files.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ingest.families import FAMILIES
from warehouse.dbt_project import dbt_vars

FIRST_NOVELTY_SEARCH = dt.datetime(1985, 1, 1)   # the service began in the 1980s: earlier dates are typos

CLASSIFIED = {"commissions": ["scope", "status"], "patents": ["patent_type", "legal_status"],
              "feedback": ["channel"], "activities": ["activity_type"]}


def accepted_words(column: str) -> list[str]:
    """The SPEC §2 words of a classified raw column, and its English values (dbt var classification_words)."""
    words = dbt_vars()["classification_words"][column]
    return [*words, *(word for synonyms in words.values() for word in synonyms)]


@dataclass(frozen=True)
class Expectation:
    kind: str                  # the class in great_expectations.expectations, e.g. "ExpectColumnToExist"
    column: str
    severity: str = "critical"
    kwargs: dict = field(default_factory=dict)

    def to_gx(self):
        import great_expectations.expectations as gxe

        return getattr(gxe, self.kind)(column=self.column, severity=self.severity, **self.kwargs)


def _in_set(column: str, values: list, severity: str = "critical") -> Expectation:
    return Expectation("ExpectColumnValuesToBeInSet", column, severity, {"value_set": values})


def _between(column: str, low, high, severity: str = "critical") -> Expectation:
    return Expectation("ExpectColumnValuesToBeBetween", column, severity, {"min_value": low, "max_value": high})


@dataclass(frozen=True)
class Suite:
    name: str                 # also the checked asset's key, "schema/relation"
    sql: str                  # the one read of the relation
    expectations: tuple[Expectation, ...]

    @property
    def severities(self) -> set[str]:
        return {e.severity for e in self.expectations}

    @property
    def asset_path(self) -> list[str]:
        return self.name.split("/")

    def rows_after(self, load_id: int | None) -> str:
        """The suite's read limited to the rows of loads after load_id (None: every row)."""
        return self.sql if load_id is None else f"select * from ({self.sql}) where _load_id > {int(load_id)}"


def _raw_suite(family) -> Suite:
    expectations = []
    for column in family.required:
        expectations.append(Expectation("ExpectColumnToExist", column.name))
        expectations.append(Expectation("ExpectColumnValuesToNotBeNull", column.name, "warning", {"mostly": 0.99}))
    for column in CLASSIFIED.get(family.name, []):
        expectations.append(_in_set(column, accepted_words(column), "warning"))
    if family.name == "feedback":   # numbers, not words, downstream: see parse_satisfaction
        expectations.append(_in_set("rating", ["满意", "基本满意", "不满意"], "warning"))
    # only the columns an expectation reads: the frame of a million raw rows is then a third of the size
    columns = ", ".join(f'trim("{c}") as "{c}"' for c in dict.fromkeys(e.column for e in expectations))
    return Suite(f"raw/{family.name}", f"select {columns}, _load_id from raw.{family.name}", tuple(expectations))


def _dates(column: str) -> Expectation:
    return _between(column, FIRST_NOVELTY_SEARCH, dt.datetime.now(), "warning")


def suites() -> list[Suite]:
    usable = "where _reject_reason is null"
    return [
        *(_raw_suite(family) for family in FAMILIES),
        Suite("staging/stg_commissions",   # fee a double: through Arrow a DECIMAL is a Python object per value
              f"select commission_date, fee::double as fee, nature, status, purpose, recognition, cooperation, "
              f"_load_id from staging.stg_commissions {usable}",
              (_dates("commission_date"),
               _between("fee", 0, 200_000, "warning"),
               _in_set("nature", ["cas", "enterprise", "institute", "university", "other"]),
               _in_set("status", ["completed", "in_progress", "cancelled"]),
               _in_set("purpose", ["project_approval", "achievement_evaluation", "award", "patent", "other"]),
               _between("recognition", 1, 5),
               _between("cooperation", 1, 5))),
        Suite("staging/stg_patents", f"select filed_date, _load_id from staging.stg_patents {usable}",
              (_dates("filed_date"),)),
        Suite("staging/stg_feedback", f"select rating, feedback_date, _load_id from staging.stg_feedback {usable}",
              (_in_set("rating", [0.0, 0.5, 1.0]), _dates("feedback_date"))),
        Suite("staging/stg_surveys",
              f"select survey_date, experience, quality, attitude, recommend, _load_id from staging.stg_surveys {usable}",
              (_dates("survey_date"),
               *(_between(c, 1, 5) for c in ("experience", "quality", "attitude")),
               _between("recommend", 0, 10))),
    ]
