"""The quarterly schedule: on the first day of each quarter, refresh and review the quarter just closed."""
from dagster import DefaultScheduleStatus, RunRequest, ScheduleEvaluationContext, schedule

from chaxin.settings import Settings
from warehouse.build_state import plan
from warehouse.periods import closed_quarter_before

from .assets import REVIEWS
from .jobs import quarterly_job


@schedule(job=quarterly_job, cron_schedule="0 6 1 1,4,7,10 *", execution_timezone="Asia/Shanghai",
          name="quarterly_refresh_schedule", default_status=DefaultScheduleStatus.RUNNING)
def quarterly_refresh_schedule(context: ScheduleEvaluationContext):
    """The whole job when something changed since the last build; else only the quarter's review
    (an unchanged warehouse is not rebuilt, SPEC §8)."""
    quarter = closed_quarter_before(context.scheduled_execution_time.date())
    if plan(Settings.load()).up_to_date:
        return RunRequest(run_key=quarter, partition_key=quarter, asset_selection=[REVIEWS["quarter"].key])
    return RunRequest(run_key=quarter, partition_key=quarter)


SCHEDULES = [quarterly_refresh_schedule]
