"""The one Definitions: `dagster dev -m dagster_project.definitions` loads `defs`."""
from pathlib import Path

from dagster import Definitions, in_process_executor

from chaxin.settings import Settings
from warehouse.dbt_project import DBT_PROJECT_DIR

from .assets import ASSETS
from .checks import CHECKS
from .jobs import JOBS
from .resources import build_resources
from .schedules import REVIEW_SENSORS, SCHEDULES
from .sensors import SENSORS


def build_definitions(settings: Settings, dbt_project_dir: Path = DBT_PROJECT_DIR) -> Definitions:
    # One process per run, whoever starts it (CLI, UI, sensor, schedule): the run's writer session
    # (lock and copy, resources.py) spans its steps, and no step pays a subprocess's imports again.
    return Definitions(assets=ASSETS, asset_checks=CHECKS, jobs=JOBS, schedules=SCHEDULES,
                       sensors=[*SENSORS, *REVIEW_SENSORS], resources=build_resources(settings, dbt_project_dir),
                       executor=in_process_executor)


defs = build_definitions(Settings.load())
