"""The three grains of SPEC §4 as Dagster partitions, keys spelled like period_key (2008Q1, 2008,
2006-2010), over the same years as the dbt period spine; the keys and their one parser are
warehouse/periods.py."""
from __future__ import annotations

from dagster import StaticPartitionsDefinition

from warehouse.periods import GRAINS, period_keys

PARTITIONS = {grain: StaticPartitionsDefinition(period_keys(grain)) for grain in GRAINS}
