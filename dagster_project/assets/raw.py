"""inbox -> raw: one asset per input family, all loaded by one pass over the inbox."""
from dagster import AssetExecutionContext, AssetKey, AssetSpec, MaterializeResult, MetadataValue, multi_asset

from ingest import FAMILIES, ingest_inbox
from quality import preload as preload_great_expectations

from ..dbt_in_process import InProcessDbt
from ..metadata import markdown_table, relation_metadata
from ..progress import say, step
from ..resources import WarehouseResource
from .dbt import parse_ahead

RAW_KEYS = {family.name: AssetKey(["raw", family.name]) for family in FAMILIES}
LEDGER_KEY = AssetKey(["raw", "ingested_files"])


@multi_asset(
    specs=[AssetSpec(key, group_name="raw", kinds={"duckdb", "python"},
                     description=f"{name}: the inbox's {name} files, every value as text found")
           for name, key in RAW_KEYS.items()]
    + [AssetSpec(LEDGER_KEY, group_name="raw", kinds={"duckdb", "python"},
                 description="The ledger: one row per inbox file seen (loaded, duplicate, rejected)")],
)
def raw_families(context: AssetExecutionContext, warehouse: WarehouseResource, dbt: InProcessDbt):
    """Ingest every new inbox file (SPEC §2): family by header, one transaction per file, into the
    run's copy of the working file (committed with the rest of the run). What the run needs next,
    Great Expectations and dbt's parse of the project, loads beside it in the background."""
    settings = warehouse.settings
    found = warehouse.new_files()   # against the committed ledger: nothing new, no writing at all
    if found is not None and found[0] == []:
        waiting = found[1]
        say(f"ingest: no new inbox files{f' ({len(waiting)} waiting)' if waiting else ''}", context)
        for key in (LEDGER_KEY, *RAW_KEYS.values()):
            yield MaterializeResult(asset_key=key, metadata={"files this run": MetadataValue.int(0)})
        return
    preload_great_expectations()   # for the raw checks that follow, while the files are read
    with step("ingest", context) as progress, warehouse.raw_target(context) as (target, con):
        parse_ahead(context, dbt, warehouse)
        results = ingest_inbox(target, settings.inbox, run_id=context.run_id,
                               settle_seconds=settings.settle_seconds,
                               on_file=lambda r: say(f"file   {r.file}: {r.status}"
                                                     f"{f' {r.rows:,} rows' if r.rows else ''}"
                                                     f"{f' ({r.reason})' if r.reason else ''}", context))
        loaded = [r for r in results if r.status == "loaded"]
        progress.summary = (f"{len(loaded)} files loaded ({sum(r.rows for r in loaded):,} rows), "
                            f"{sum(r.status == 'rejected' for r in results)} rejected, "
                            f"{sum(r.status == 'unchanged' for r in results)} unchanged, "
                            f"{sum(r.status == 'waiting' for r in results)} waiting")
        ledger = relation_metadata(con, "raw.ingested_files")
        ledger["files this run"] = MetadataValue.md(markdown_table(
            ["file", "status", "family", "encoding", "rows", "reason"],
            [(r.file, r.status, r.family, r.encoding, r.rows, r.reason) for r in results if r.status != "unchanged"]))
        ledger["files unchanged since an earlier run"] = MetadataValue.int(
            sum(r.status == "unchanged" for r in results))
        yield MaterializeResult(asset_key=LEDGER_KEY, metadata=ledger)
        for name, key in RAW_KEYS.items():
            mine = [r for r in results if r.family == name]
            metadata = relation_metadata(con, f"raw.{name}")
            metadata["rows loaded by this run"] = MetadataValue.int(sum(r.rows for r in mine if r.status == "loaded"))
            metadata["files this run"] = MetadataValue.md(markdown_table(
                ["file", "status", "rows", "reason"], [(r.file, r.status, r.rows, r.reason) for r in mine]))
            yield MaterializeResult(asset_key=key, metadata=metadata)
