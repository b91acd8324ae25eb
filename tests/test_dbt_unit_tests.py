"""dbt's unit tests check the SQL on fixed rows, not a station's data: CI runs them, here on both
targets, and a run never does (dbt's advice: their inputs are static, running them again in
production only costs time)."""
from __future__ import annotations

import json

import yaml

from dagster_project.resources import build_resources
from warehouse.dbt_project import DBT_PROJECT_DIR, invoke_dbt

from .conftest import SERVER_CASE_SLOW, copy_station


def unit_test_names() -> set[str]:
    return {test["name"] for path in DBT_PROJECT_DIR.glob("models/**/*.yml")
            for test in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("unit_tests", [])}


@SERVER_CASE_SLOW   # the server's case builds a station there
def test_every_unit_test_passes_and_a_run_runs_none(built_on_target, tmp_path):
    names = unit_test_names()
    assert len(names) == 17    # 15 on staging (dates, fees, ratings, …), 2 on intermediate (periods, value)

    settings = copy_station(built_on_target, tmp_path)
    if settings.target == "postgres":
        connection = settings.dbt_connection_vars()
        target_args = ["--target", settings.dbt_target, "--vars", json.dumps(connection)]
    else:
        target_args = ["--vars", json.dumps({"chaxin_warehouse": str(settings.warehouse)})]
    result = invoke_dbt(["test", "--select", "test_type:unit", "--project-dir", str(DBT_PROJECT_DIR),
                         "--profiles-dir", str(DBT_PROJECT_DIR), "--target-path", str(tmp_path / "dbt-target"),
                         *target_args])
    assert result.success, [(r.node.name, r.message) for r in result.result if r.status != "pass"]
    assert {r.node.name for r in result.result} == names
    assert {str(r.status) for r in result.result} == {"pass"}

    # the station's first build (a full build, every model from raw) ran dbt's data tests but no unit test
    log = (build_resources(built_on_target)["warehouse"].dbt_target_path / "dbt.log").read_text(encoding="utf-8")
    assert " PASS not_null_" in log and "START unit_test" not in log
