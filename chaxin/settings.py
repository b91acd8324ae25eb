"""The only reader of environment variables: where the inbox, the warehouse and the BI file are, and
how long an inbox file must lie still before it is ingested."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

DEFAULTS = {
    "CHAXIN_INBOX": "data/inbox",
    "CHAXIN_WAREHOUSE": "data/warehouse.duckdb",
    "CHAXIN_BI": "data/bi.duckdb",
    "CHAXIN_SETTLE_SECONDS": "5",
}


def _settle_seconds() -> float:
    return float(os.environ.get("CHAXIN_SETTLE_SECONDS", DEFAULTS["CHAXIN_SETTLE_SECONDS"]))


@dataclass(frozen=True)
class Settings:
    inbox: Path
    warehouse: Path
    bi: Path
    # a file modified more recently than this may still be being copied in: it waits for the next run
    settle_seconds: float = field(default_factory=_settle_seconds)

    @property
    def quality_dir(self) -> Path:
        """Great Expectations' project: suites, results and the Data Docs site."""
        return self.warehouse.parent / "quality"

    @property
    def reports_dir(self) -> Path:
        """What service staff open: the completeness report, action lists, period reports."""
        return self.warehouse.parent / "reports"

    @property
    def dagster_home(self) -> Path:
        """Where CLI runs are recorded, so that `dagster dev` shows them too: DAGSTER_HOME, else
        a folder beside the warehouse."""
        return Path(os.environ.get("DAGSTER_HOME") or self.warehouse.parent / "dagster").absolute()

    @classmethod
    def load(cls, inbox: str | Path | None = None, warehouse: str | Path | None = None,
             bi: str | Path | None = None) -> "Settings":
        """A CLI flag beats the environment variable, which beats the default."""
        def pick(flag, var):
            return Path(flag if flag is not None else os.environ.get(var, DEFAULTS[var])).absolute()

        return cls(
            inbox=pick(inbox, "CHAXIN_INBOX"),
            warehouse=pick(warehouse, "CHAXIN_WAREHOUSE"),
            bi=pick(bi, "CHAXIN_BI"),
        )
