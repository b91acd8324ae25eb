"""The enrichment tables (enrichment/): computed in Python from stage-1 models, between dbt's two
stages, in the run's copy of the working file; key ["enrichment", table], group `enrichment`."""
import importlib

from dagster import AssetExecutionContext, AssetKey, AssetsDefinition, MaterializeResult, MetadataValue, asset

from enrichment import ENRICHMENTS, SCHEMA, Enrichment

from ..metadata import markdown_table
from ..progress import step
from ..resources import WarehouseResource
from .dbt import mart_models, model_metadata


def enrichment_asset(spec: Enrichment) -> AssetsDefinition:
    @asset(key=[SCHEMA, spec.table], group_name=SCHEMA, kinds={"python", "duckdb"}, description=spec.description,
           deps=[AssetKey(list(relation)) for relation in spec.reads])
    def compute_table(context: AssetExecutionContext, warehouse: WarehouseResource) -> MaterializeResult:
        module = importlib.import_module(spec.module)        # the libraries load only when it runs
        warehouse.lock(context)
        # a DuckDB connection holding what it reads (on the server: copies), and where its tables go
        with step(f"enrichment {spec.table}", context) as progress, \
                warehouse.enrichment(context, [".".join(r) for r in spec.reads]) as (con, write):
            result = module.compute(con)
            written = {name: write(name, table) for name, table in result.tables.items()}
            progress.summary = ", ".join(f"{name} {n:,} rows" for name, n in written.items())
        with warehouse.catalog() as con:
            metadata = model_metadata(con, AssetKey([SCHEMA, spec.table]))
        metadata["tables written"] = MetadataValue.md(markdown_table(["table", "rows"], sorted(written.items())))
        if result.notes:
            metadata["notes"] = MetadataValue.md("\n".join(f"- {note}" for note in result.notes))
        for name, value in module.describe(result).items():     # the computation's own figures
            metadata[name] = (MetadataValue.md(value) if isinstance(value, str) else MetadataValue.int(value)
                              if isinstance(value, int) else MetadataValue.float(value))
        warehouse.commit_unless_later(context, list(mart_models.keys))
        return MaterializeResult(metadata=metadata)

    return compute_table


ENRICHMENT_ASSETS = [enrichment_asset(spec) for spec in ENRICHMENTS.values()]
