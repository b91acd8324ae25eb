"""The three grains of SPEC §4 as Dagster partitions, keys spelled like period_key (2008Q1, 2008,
2006-2010), over the same years as the dbt period spine; the keys and their one parser are
warehouse/periods.py.

PARTITIONS: one per grain, for the period reviews. PERIODS: every key of the three grains in one
order (warehouse/periods.py periods_in_order), for the per-period dbt models, so that a change and
a closed quarter each map to one range of partitions, which one dbt invocation builds."""
from __future__ import annotations

from dagster import PartitionKeyRange, StaticPartitionsDefinition

from warehouse.periods import GRAINS, period_keys, periods_in_order

PARTITIONS = {grain: StaticPartitionsDefinition(period_keys(grain)) for grain in GRAINS}
# A whole-warehouse run (the CLI's, the sensor's) rebuilds the clients whose inputs changed, in any
# period: it materializes the partition "all" and records the periods whose rows changed (assets/dbt.py).
# Dagster needs a run that holds a partitioned asset to cover partitions (without, the models
# downstream fail on their input's partitions), and each partition a run covers costs it two events
# in Dagster's event log: one key for the whole run, not 130.
ALL = "all"
PERIODS = StaticPartitionsDefinition([*periods_in_order(), ALL])


def period_range_tags(first: str, last: str) -> dict[str, str]:
    """The tags of a run over the periods first..last (in PERIODS' order), one dbt invocation."""
    return {"dagster/asset_partition_range_start": first, "dagster/asset_partition_range_end": last}


def run_periods(tags: dict[str, str]) -> list[str]:
    """The period keys a run was asked to rebuild, from its tags (one partition, or a range); none
    for a whole-warehouse run (partition "all")."""
    if (key := tags.get("dagster/partition")) is not None:
        return [key] if PERIODS.has_partition_key(key) and key != ALL else []
    start, end = tags.get("dagster/asset_partition_range_start"), tags.get("dagster/asset_partition_range_end")
    if start is None or not PERIODS.has_partition_key(start):
        return []
    return [key for key in PERIODS.get_partition_keys_in_range(PartitionKeyRange(start, end)) if key != ALL]
