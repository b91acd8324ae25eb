"""The quarterly schedule: on the first day of each quarter, refresh and review the quarter just closed."""
from dagster import DefaultScheduleStatus, RunRequest, ScheduleEvaluationContext, schedule

from .jobs import quarterly_job
from warehouse.periods import closed_quarter_before


@schedule(job=quarterly_job, cron_schedule="0 6 1 1,4,7,10 *", execution_timezone="Asia/Shanghai",
          name="quarterly_refresh_schedule", default_status=DefaultScheduleStatus.RUNNING)
def quarterly_refresh_schedule(context: ScheduleEvaluationContext):
    quarter = closed_quarter_before(context.scheduled_execution_time.date())
    return RunRequest(run_key=quarter, partition_key=quarter)


SCHEDULES = [quarterly_refresh_schedule]
