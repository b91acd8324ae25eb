"""The data dictionary: every column of every model, seed and raw table described in English with
the station's Chinese term (dbt's manifest), persisted as comments in the warehouse, carried into
the BI file, shown by Dagster; and the exposures where dbt docs' lineage ends."""
from __future__ import annotations

import json
import re
from contextlib import closing

import duckdb
from dagster import AssetKey

from dagster_project.definitions import defs
from warehouse.dbt_project import DBT_PROJECT_DIR

from .conftest import rows

CJK = re.compile(r"[\u4e00-\u9fff]")
LAYERS = ("staging", "quarantine", "intermediate", "marts", "bi", "seeds")


def manifest() -> dict:
    """The manifest Dagster reads its assets from (`make install` parses the project)."""
    return json.loads((DBT_PROJECT_DIR / "target" / "manifest.json").read_text(encoding="utf-8"))


def built_columns(con, schemas) -> list[tuple[str, str, str]]:
    placeholders = ", ".join("?" for _ in schemas)
    return rows(con, f"""select table_schema, table_name, column_name from information_schema.columns
                         where table_catalog = current_database() and table_schema in ({placeholders})
                         order by all""", *schemas)


def test_every_built_column_is_described_in_english_and_chinese(built):
    con, *_ = built
    nodes = {(n["schema"], n["alias"]): n for n in manifest()["nodes"].values() if n["resource_type"] in ("model", "seed")}
    columns = built_columns(con, LAYERS)
    assert {(schema, table) for schema, table, _ in columns} == set(nodes)     # every model and seed built
    assert len(columns) > 600
    undescribed = [(schema, table, column) for schema, table, column in columns
                   if not CJK.search(nodes[(schema, table)]["columns"].get(column, {}).get("description", ""))]
    assert undescribed == []
    assert [key for key, node in nodes.items() if not CJK.search(node["description"])] == []
    # English first: a description starts with a Latin letter, the Chinese term follows
    assert all(re.match(r"[A-Z]", node["columns"][column]["description"])
               for schema, table, column in columns for node in [nodes[(schema, table)]])
    # the raw tables ingest writes are documented as dbt sources, lineage and ledger columns too
    sources = {n["name"]: n for n in manifest()["sources"].values()}
    assert [(table, column) for _, table, column in built_columns(con, ("raw",))
            if not CJK.search(sources[table]["columns"].get(column, {}).get("description", ""))] == []


def test_classified_columns_list_their_codes_with_the_stations_words():
    nodes = {n["name"]: n for n in manifest()["nodes"].values()}
    described = {name: {c: col["description"] for c, col in node["columns"].items()} for name, node in nodes.items()}
    tier = described["fct_client_period"]["tier"]
    assert all(word in tier for word in ("key 重点用户", "potential_key 潜在重点用户", "general 一般用户"))
    assert "cas 中科院" in described["dim_client"]["nature"] and "enterprise 企业" in described["dim_client"]["nature"]
    assert "委托单位" in described["stg_commissions"]["org_name"]
    assert "用户性质" in described["stg_commissions"]["nature"]
    assert "done 已完成" in described["mart_action_plan"]["status"]
    # a bi view's column is its mart's column, described once
    assert described["bi_mart_tier_summary"]["tier"] == tier
    assert described["bi_dim_client"] == {c: d for c, d in described["dim_client"].items() if c in described["bi_dim_client"]}


def test_descriptions_are_comments_in_the_warehouse(built):
    con, *_ = built
    nodes = {(n["schema"], n["alias"]): n for n in manifest()["nodes"].values() if n["resource_type"] in ("model", "seed")}
    comments = {(schema, table, column): comment for schema, table, column, comment in rows(con, """
        select schema_name, table_name, column_name, comment from duckdb_columns()
        where database_name = current_database() and schema_name in ('staging', 'quarantine', 'intermediate',
                                                                      'marts', 'bi', 'seeds')""")}
    assert comments == {key: nodes[key[:2]]["columns"][key[2]]["description"] for key in comments}
    relations = dict(((schema, name), comment) for schema, name, comment in rows(con, """
        select schema_name, table_name, comment from duckdb_tables() where database_name = current_database()
        union all
        select schema_name, view_name, comment from duckdb_views() where database_name = current_database()
            and not internal"""))
    assert {key: relations[key] for key in nodes} == {key: node["description"] for key, node in nodes.items()}


def test_the_bi_file_carries_the_comments(built):
    con, _, settings = built
    with closing(duckdb.connect(str(settings.bi), read_only=True)) as bi:
        columns = {(table, column): comment for table, column, comment in bi.execute("""
            select table_name, column_name, comment from duckdb_columns()
            where database_name = current_database() and schema_name = 'main'""").fetchall()}
        tables = dict(bi.execute("select table_name, comment from duckdb_tables() "
                                 "where database_name = current_database()").fetchall())
    # 17 bi views (with retention, outlook, duplicate candidates, research directions) and _published
    assert len(columns) > 140 and len(tables) == 18
    assert [key for key, comment in columns.items() if not CJK.search(comment or "")] == []
    assert [table for table, comment in tables.items() if not CJK.search(comment or "")] == []
    assert "重点用户" in columns[("bi_mart_tier_summary", "tier")]
    assert "客户等级汇总" in tables["bi_mart_tier_summary"]
    # the same words as the bi views of the working file
    views = {(table, column): comment for table, column, comment in rows(con, """
        select table_name, column_name, comment from duckdb_columns()
        where database_name = current_database() and schema_name = 'bi'""")}
    assert {key: columns[key] for key in views} == views


def test_exposures_end_the_lineage_where_people_look():
    exposures = {e["name"]: e for e in manifest()["exposures"].values()}
    assert set(exposures) == {"bi_file", "action_lists", "period_report", "completeness_report", "alias_candidates"}
    bi_models = {key for key, n in manifest()["nodes"].items() if n["resource_type"] == "model" and n["schema"] == "bi"}
    assert set(exposures["bi_file"]["depends_on"]["nodes"]) == bi_models
    assert set(exposures["action_lists"]["depends_on"]["nodes"]) == {
        "model.chaxin.bi_mart_action_plan", "model.chaxin.bi_mart_survey_targets"}
    assert exposures["completeness_report"]["depends_on"]["nodes"] == [
        "model.chaxin.bi_mart_completeness_gaps", "model.chaxin.bi_mart_duplicate_candidates"]
    assert exposures["alias_candidates"]["depends_on"]["nodes"] == ["model.chaxin.mart_duplicate_candidates"]
    assert all(e["owner"]["name"] and e["description"] for e in exposures.values())


def test_dagster_shows_every_dbt_assets_column_schema():
    graph = defs.resolve_asset_graph()
    nodes = [n for n in manifest()["nodes"].values() if n["resource_type"] in ("model", "seed")]
    for node in nodes:
        schema = graph.get(AssetKey([node["schema"], node["name"]])).metadata["dagster/column_schema"]
        assert [c.name for c in schema.columns] == list(node["columns"]), node["name"]
        assert all(CJK.search(c.description or "") for c in schema.columns), node["name"]
