"""The one Definitions: `dagster dev -m dagster_project.definitions` loads `defs`."""
from pathlib import Path

from dagster import Definitions

from chaxin.settings import Settings
from warehouse.dbt_project import DBT_PROJECT_DIR

from .assets import ASSETS
from .checks import CHECKS
from .jobs import JOBS
from .resources import build_resources
from .schedules import SCHEDULES
from .sensors import SENSORS


def build_definitions(settings: Settings, dbt_project_dir: Path = DBT_PROJECT_DIR) -> Definitions:
    return Definitions(assets=ASSETS, asset_checks=CHECKS, jobs=JOBS, schedules=SCHEDULES, sensors=SENSORS,
                       resources=build_resources(settings, dbt_project_dir))


defs = build_definitions(Settings.load())
