"""What a changed dbt project must rebuild, by dbt's own state comparison: `dbt ls --select
state:modified+` against the manifest recorded with the last build (warehouse/build_state.py)."""
from __future__ import annotations

import json
import tempfile
from pathlib import Path

from .dbt_project import DBT_PROJECT_DIR, invoke_dbt


# state:modified without its `.relation` part: runs build in a copy of the working file (files.py),
# whose name dbt-duckdb takes for the database, so every relation would look moved.
SELECTION = " ".join(f"state:{part}+" for part in (
    "new", "modified.body", "modified.configs", "modified.macros", "modified.contract",
    "modified.persisted_descriptions"))


def relation_of(node: dict) -> tuple[str, str]:
    """A dbt node's relation as its Dagster asset names it: on the server dbt builds the bi models
    into bi_building (postgres_publish.py), the schema the publication swaps in as bi."""
    from .postgres_publish import BUILDING

    schema = node["schema"]
    return ("bi" if schema == BUILDING else schema), node["name"]


class StateUnknown(Exception):
    """dbt could not compare the project with the last build: the caller rebuilds everything."""


def modified_relations(manifest: str, dbt_vars: dict | None = None, project_dir: Path = DBT_PROJECT_DIR,
                       dbt_target: tuple[str, dict] | None = None) -> set[tuple[str, str]]:
    """(schema, name) of the models and seeds that changed or lie downstream of a change, and the
    models of every changed test (rebuilt, so that the test runs with them). dbt_target: the target
    and the vars its profile needs (Settings.dbt_target_args), else DuckDB's."""
    with tempfile.TemporaryDirectory(prefix="chaxin-state-") as scratch:
        state, target = Path(scratch, "state"), Path(scratch, "target")
        state.mkdir()
        (state / "manifest.json").write_text(manifest, encoding="utf-8")
        args = ["ls", "--select", SELECTION, "--state", str(state), "--target-path", str(target),
                "--resource-types", "model", "seed", "test", "--output", "json",
                "--output-keys", "resource_type schema name depends_on",
                "--project-dir", str(project_dir), "--profiles-dir", str(project_dir), "--quiet", "--log-level", "none"]
        name, connection = dbt_target or (None, {})
        if name:
            args += ["--target", name]
        if dbt_vars or connection:
            args += ["--vars", json.dumps({**(dbt_vars or {}), **connection})]
        result = invoke_dbt(args)   # dbt's import costs seconds: only when the project changed
    if not result.success:
        raise StateUnknown(str(result.exception or "dbt ls failed"))
    nodes = [json.loads(line) for line in result.result]
    relations = {relation_of(n) for n in nodes if n["resource_type"] != "test"}
    tested = {unique_id for n in nodes if n["resource_type"] == "test"
              for unique_id in n.get("depends_on", {}).get("nodes", [])}
    if tested:   # a new test's model may be new too: it is then among the relations already
        known = json.loads(manifest)["nodes"]
        relations |= {relation_of(known[u]) for u in tested
                      if u in known and known[u]["resource_type"] in ("model", "seed")}
    return relations
