"""The demo inbox: a synthetic station whose messy exports reproduce the paper's published figures.

The real platform data is private; this station is invented, built to the shape of the paper's
Tables 1-5 (see station.py for how the archetypes pin the figures of SPEC §9).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from .exports import commission_rows, write_commissions
from .satellite_exports import write_satellites
from .station import SCALE_ONE_COMMISSIONS, build_station

DEFAULT_SEED = 2016


def write_demo_inbox(inbox: Path, commissions: int | None = None, seed: int = DEFAULT_SEED) -> dict[str, int]:
    """Write the demo inbox; the same seed and size give the same bytes. Returns rows per export."""
    inbox.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    scale = 1.0 if commissions is None else commissions / SCALE_ONE_COMMISSIONS
    station = build_station(rng, scale)
    churned = set(station.commissions.commission_no[station.commissions.churned])
    counts = write_commissions(rng, commission_rows(rng, station), inbox, churned)
    counts.update(write_satellites(rng, station, inbox))
    counts["clients"] = len(station.clients)
    counts["commissions"] = len(station.commissions) - len(churned)
    return counts
