"""The dbt project as assets: key = [schema, relation], group = layer; dbt tests become asset checks
(blocking where the test's severity is error). Row counts and previews are added once dbt is done."""

from collections.abc import Mapping
from typing import Any

import json

from dagster import AssetExecutionContext, AssetKey, Config, Failure, MetadataValue, Output
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets
from pydantic import Field

from ingest.raw_schema import ensure_raw_schema
from warehouse.summaries import five_year_tiers

from ..metadata import markdown_table, relation_metadata
from ..resources import WAREHOUSE_POOL, WarehouseResource, dbt_project


class ChaxinTranslator(DagsterDbtTranslator):
    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return AssetKey([dbt_resource_props["source_name"], dbt_resource_props["name"]])
        return AssetKey([dbt_resource_props["schema"], dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "source":
            return dbt_resource_props["source_name"]
        return dbt_resource_props.get("schema")


class BuildConfig(Config):
    dbt_vars: dict = Field(default_factory=dict, description=(
        "Override SPEC §5 weights and thresholds for this run, e.g. {\"loyalty_high_threshold\": 55}"))


# No `project=` here: the DbtCliResource's project_dir decides where dbt runs (tests point it at a copy).
@dbt_assets(manifest=dbt_project.manifest_path,
            dagster_dbt_translator=ChaxinTranslator(), pool=WAREHOUSE_POOL)
def warehouse_models(context: AssetExecutionContext, config: BuildConfig, dbt: DbtCliResource,
                     warehouse: WarehouseResource):
    """`dbt build`: seeds, staging, quarantine, intermediate, marts and bi, with every test."""
    with warehouse.connection() as con:
        ensure_raw_schema(con)   # the sources exist even before the first file arrives
    args = ["build", "--vars", json.dumps(config.dbt_vars)] if config.dbt_vars else ["build"]
    with warehouse.dbt_environment():
        invocation = dbt.cli(args, context=context, raise_on_error=False)
        events = list(invocation.stream())
    with warehouse.connection() as con:
        for event in events:
            if isinstance(event, Output):
                key = context.asset_key_for_output(event.output_name)
                event = event.with_metadata({**event.metadata, **model_metadata(con, key)})
            yield event
    if not invocation.is_successful():
        error = invocation.get_error()
        raise Failure(f"dbt build failed, so the BI file was not republished: {error}" if error else
                      "dbt build failed, so the BI file was not republished: see the failed checks")


def model_metadata(con, key: AssetKey) -> dict:
    relation = ".".join(key.path)
    metadata = relation_metadata(con, relation)
    columns = {c for (c,) in con.execute(
        "select column_name from information_schema.columns where table_schema = ? and table_name = ?",
        list(key.path)).fetchall()}
    if "_reject_reason" in columns:   # staging: how many rows went to quarantine
        rejected = con.execute(f"select count(*) from {relation} where _reject_reason is not null").fetchall()[0][0]
        metadata["rows quarantined"] = MetadataValue.int(rejected)
    if key == AssetKey(["marts", "mart_tier_summary"]):
        metadata["five-year tiers"] = MetadataValue.md(markdown_table(
            ["period", "key", "potential_key", "general"], five_year_tiers(con)))
    return metadata
