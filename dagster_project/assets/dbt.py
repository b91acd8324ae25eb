"""The dbt project as assets: key = [schema, relation], group = layer; dbt tests become asset checks
(blocking where the test's severity is error). Row counts and previews are added once dbt is done."""

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from dagster import (AssetCheckResult, AssetExecutionContext, AssetKey, AssetMaterialization, BackfillPolicy, Config,
                     Failure, MetadataValue, Output, PartitionsDefinition, TableColumn, TableSchema)
from dagster_dbt import DagsterDbtTranslator, dbt_assets
from pydantic import Field

from enrichment import ENRICHMENTS, SCHEMA
from enrichment.segmentation import segmenter_for
from warehouse.build_state import built_alike
from warehouse.catalog import described_columns
from warehouse.reads import five_year_tiers

from ..dbt_in_process import InProcessDbt
from ..metadata import markdown_table, relation_metadata
from ..partitions import PERIODS, run_periods
from ..progress import say, step
from ..resources import WarehouseResource, dbt_project


class ChaxinTranslator(DagsterDbtTranslator):
    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return AssetKey([dbt_resource_props["source_name"], dbt_resource_props["name"]])
        return AssetKey([dbt_resource_props["schema"], dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "source":
            return dbt_resource_props["source_name"]
        return dbt_resource_props.get("schema")

    def get_partitions_def(self, dbt_resource_props: Mapping[str, Any]) -> PartitionsDefinition | None:
        """The per-period facts are partitioned by period, so the UI shows when each period was built
        and a period or a range can be rebuilt. Their input int_client_periods_measured rebuilds the
        same periods (both carry the dbt tag per_period) in the same invocation; the aggregates
        are tables that every build rebuilds whole."""
        per_period = "per_period" in dbt_resource_props.get("tags", [])
        return PERIODS if per_period and dbt_resource_props.get("schema") == "marts" else None


class BuildConfig(Config):
    dbt_vars: dict = Field(default_factory=dict, description=(
        "Override SPEC §5 weights and thresholds for this run, e.g. {\"loyalty_high_threshold\": 55}"))
    full_refresh: bool = Field(default=False, description=(
        "Rebuild every model from raw (dbt --full-refresh), as if the warehouse were new"))


# Two stages over the one manifest: stage 1 builds every model that does not read an enrichment
# table, the enrichment assets (assets/enrichment.py) compute those tables from it, stage 2 builds the
# models that read them. Same writer session, same vars and full-refresh decision, same progress lines.
ENRICHED = "source:enrichment+"
FACTS = AssetKey(["marts", "fct_client_period"])
ORDER = {key: n for n, key in enumerate(PERIODS.get_partition_keys())}   # "all" last
PARSING_AHEAD = "dbt: parsing the project in the background, beside ingest"
STAGE_1 = "dbt build"


# No `project=` here: the dbt resource's project_dir decides where dbt runs (tests point it at a copy).
@dbt_assets(manifest=dbt_project.manifest_path, dagster_dbt_translator=ChaxinTranslator(), exclude=ENRICHED,
            backfill_policy=BackfillPolicy.single_run())
def warehouse_models(context: AssetExecutionContext, config: BuildConfig, dbt: InProcessDbt,
                     warehouse: WarehouseResource):
    """`dbt build`, stage 1: seeds, staging, quarantine, intermediate, marts and bi, with every test,
    except what reads an enrichment table; on the run's copy of the working file; a failed build
    leaves the working file as it was. Staging is incremental (only the rows of new loads);
    `full_refresh` rebuilds it from raw."""
    yield from build(context, config, dbt, warehouse, STAGE_1)
    later = [*(AssetKey([SCHEMA, table]) for table in ENRICHMENTS), *mart_models.keys]
    warehouse.commit_unless_later(context, later)   # a re-run of some models from the UI keeps its build


@dbt_assets(manifest=dbt_project.manifest_path, dagster_dbt_translator=ChaxinTranslator(), select=ENRICHED,
            name="mart_models", backfill_policy=BackfillPolicy.single_run())
def mart_models(context: AssetExecutionContext, config: BuildConfig, dbt: InProcessDbt,
                warehouse: WarehouseResource):
    """`dbt build`, stage 2: the models that read the enrichment tables (and what follows them),
    with their tests, on the same copy with the same vars and full-refresh decision as stage 1."""
    segmenter_for.cache_clear()   # the enrichments' jieba dictionary (~80 MB): a 1 M first build peaks in this stage
    yield from build(context, config, dbt, warehouse, "dbt build, on the enrichment")
    warehouse.commit_unless_later(context)


def parse_ahead(context: AssetExecutionContext, dbt: InProcessDbt, warehouse: WarehouseResource) -> None:
    """Start parsing the project for this run's dbt stages in the background, when the run has them and
    dbt has no partial parse to start from (a station's first build: 4-6 s at 1 M). A partial parse
    takes about a second, and in a second thread it slowed ingest and the checks more than that (two
    threads take turns at the interpreter). Ingest calls this once the run's copy exists; the vars are
    stage 1's config as the run was launched."""
    if warehouse_models.op.name not in context.job_def.graph.node_names():
        return
    if (warehouse.dbt_target_path / "partial_parse.msgpack").exists():
        return
    config = context.run_config.get("ops", {}).get(warehouse_models.op.name, {}).get("config", {})
    dbt_vars = config.get("dbt_vars", {})
    dbt.parse_ahead(_project_args(warehouse, dbt_vars, run_periods(context.run.tags)), warehouse.dbt_target_path)
    say(PARSING_AHEAD, context)


def _project_args(warehouse: WarehouseResource, dbt_vars: dict, periods: list[str]) -> list[str]:
    return warehouse.dbt_args({**dbt_vars, **({"periods": periods} if periods else {})})


def build(context: AssetExecutionContext, config: BuildConfig, dbt: InProcessDbt, warehouse: WarehouseResource,
          name: str):
    """One stage's `dbt build` of the selected models on the run's copy: nothing when the warehouse is
    up to date (then nothing after it runs either); the models' metadata; a one-line failure."""
    warehouse.lock(context)
    periods = run_periods(context.run.tags)   # from the run, so both stages agree; none for "all"
    # e.g. a run that waited for another which built it all; chosen periods are rebuilt all the same
    if not config.full_refresh and not periods and warehouse.up_to_date(config.dbt_vars):
        say("dbt: nothing to build, the warehouse is up to date", context)
        return
    last, recovering = warehouse.start_build(context)
    # Whoever started the run (CLI, sensor, UI): staging typed its rows with the last build's models
    # and vars, so other ones re-type them all. Both stages see the same last build: one decision.
    full_refresh = (config.full_refresh or recovering
                    or not built_alike(last, config.dbt_vars, Path(warehouse.dbt_project_dir)))
    # The run's target reaches dbt's profile (profiles.yml) as vars of this invocation; they and the
    # target folder are the same from run to run, so dbt re-parses only what changed. Unit tests
    # test the SQL on fixed rows, not the station's data: CI runs them (tests/test_dbt_unit_tests.py),
    # runs never do, as dbt advises.
    # Chosen periods reach the per-period models as a var of the invocation, not of the build's
    # record: they say what to rebuild, not how (macros/changed_clients.sql).
    if periods:
        say(f"dbt: rebuilding {len(periods)} period{'s' if len(periods) > 1 else ''}, "
            f"{periods[0]}{f' to {periods[-1]}' if len(periods) > 1 else ''}", context)
    if full_refresh and name == STAGE_1:    # the outlook then fits every year, after this stage
        from enrichment.outlook import preload   # numpy and pyarrow: not for loading the Definitions

        preload()
    project_args = _project_args(warehouse, config.dbt_vars, periods)
    build_args = ["--exclude-resource-type", "unit_test", *(["--full-refresh"] if full_refresh else [])]
    n_nodes, n_built = len(context.selected_asset_keys), 0    # models and seeds; tests are checks

    def built(key: AssetKey) -> None:
        nonlocal n_built
        n_built += 1
        say(f"dbt    {n_built}/{n_nodes} {'.'.join(key.path)}")

    with step(name, context) as progress:
        invocation = dbt.build(context, project_args, build_args, warehouse.dbt_target_path, on_built=built)
        n_tests = sum(isinstance(e, AssetCheckResult) for e in invocation.events)
        failed = "" if invocation.successful else "; the build FAILED"
        progress.summary = f"{n_built} of {n_nodes} models and seeds, {n_tests} tests{failed}"
    typed_after = None if full_refresh else last.max_load_id   # staging's rows typed by this run
    with warehouse.catalog() as con:
        events = [with_model_metadata(context, con, warehouse.relation(
            context.asset_key_for_output(e.output_name).path) if isinstance(e, Output) else None, e, typed_after)
            for e in invocation.events]
    if FACTS in context.selected_asset_keys and invocation.successful:
        changed = warehouse.changed_periods()
        events = [with_changed_periods(context, event, changed) for event in events]
        if not periods:    # a whole run (partition "all"): the periods it changed, as partitions
            events = [AssetMaterialization(asset_key=FACTS, partition=period, metadata={
                "clients whose rows changed": MetadataValue.int(n_clients)}) for period, n_clients in changed.items()
            ] + events
    if not invocation.successful:
        yield from events    # what built and which checks failed, before the copy is dropped
        first_line = invocation.error.strip().splitlines()[0]
        raise Failure(f"dbt build failed, the working file and the BI file stay as they were: {first_line}")
    # the record of the build is written once, by the commit: the later stage's call is the one kept
    warehouse.built(config.dbt_vars, warehouse.dbt_target_path / "manifest.json", rebuilt_all=full_refresh)
    yield from events


def with_changed_periods(context: AssetExecutionContext, event, changed: dict[str, int]):
    """The facts' periods whose rows this build changed (against the working file), on the facts'
    materialization."""
    if not isinstance(event, Output) or context.asset_key_for_output(event.output_name) != FACTS:
        return event
    in_order = sorted(changed.items(), key=lambda item: ORDER[item[0]])
    return event.with_metadata({**event.metadata, "periods changed": MetadataValue.int(len(changed)),
                                "changed periods": MetadataValue.md(markdown_table(
                                    ["period", "clients whose rows changed"], in_order))})


def with_model_metadata(context: AssetExecutionContext, con, relation: str | None, event,
                        typed_after: int | None = None):
    if not isinstance(event, Output):
        return event
    key = context.asset_key_for_output(event.output_name)
    return event.with_metadata({**event.metadata, **model_metadata(con, key, typed_after, relation)})


def model_metadata(con, key: AssetKey, typed_after: int | None = None, relation: str | None = None) -> dict:
    """Row count, preview and column schema of a built relation (the key's, unless the run builds it
    elsewhere: bi_building on the station server), on either engine's connection (SQL valid on both)."""
    relation = relation or ".".join(key.path)
    metadata = relation_metadata(con, relation)
    described = described_columns(con, *relation.split("."))
    # the built types with the data dictionary's words (dbt persist_docs), as the UI's column schema
    metadata["dagster/column_schema"] = TableSchema(columns=[
        TableColumn(name, data_type, description=comment) for name, data_type, comment in described])
    columns = {name for name, _, _ in described}
    if "_reject_reason" in columns:   # staging: how many rows went to quarantine
        rejected = con.execute(f"select count(*) from {relation} where _reject_reason is not null").fetchall()[0][0]
        metadata["rows quarantined"] = MetadataValue.int(rejected)
        typed = con.execute(f"select count(*) from {relation} where _load_id > {int(typed_after or 0)}").fetchall()[0][0]
        metadata["rows typed by this run"] = MetadataValue.int(typed)   # incremental: the new loads' rows
    if key == AssetKey(["marts", "mart_tier_summary"]):
        metadata["five-year tiers"] = MetadataValue.md(markdown_table(
            ["period", "key", "potential_key", "general"], five_year_tiers(con)))
    return metadata
