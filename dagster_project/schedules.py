"""The quarterly schedule: on the first day of each quarter, ingest what arrived and rebuild the
periods the quarter just closed settles (the quarter, its year and its Five-Year Plan); once that
run succeeds, a run-status sensor reviews the quarter."""
from dagster import (DagsterRunStatus, DefaultScheduleStatus, DefaultSensorStatus, RunRequest, RunStatusSensorContext,
                     ScheduleEvaluationContext, run_status_sensor, schedule)

from warehouse.periods import closed_quarter_before, closing_range

from .jobs import quarter_review_job, quarterly_job
from .partitions import period_range_tags

QUARTER_TAG = "chaxin/closed_quarter"


@schedule(job=quarterly_job, cron_schedule="0 6 1 1,4,7,10 *", execution_timezone="Asia/Shanghai",
          name="quarterly_refresh_schedule", default_status=DefaultScheduleStatus.RUNNING)
def quarterly_refresh_schedule(context: ScheduleEvaluationContext):
    """One run over the closed quarter's periods, one dbt invocation (the partitions from the
    quarter to its plan in partitions.PERIODS' order, which also holds the year's later quarters,
    still empty)."""
    quarter = closed_quarter_before(context.scheduled_execution_time.date())
    return RunRequest(run_key=quarter, tags={**period_range_tags(*closing_range(quarter)), QUARTER_TAG: quarter})


@run_status_sensor(run_status=DagsterRunStatus.SUCCESS, monitored_jobs=[quarterly_job],
                   request_job=quarter_review_job, name="quarter_review_sensor",
                   default_status=DefaultSensorStatus.RUNNING)
def quarter_review_sensor(context: RunStatusSensorContext):
    """The closed quarter's review, from the BI file that quarter's run published."""
    quarter = context.dagster_run.tags.get(QUARTER_TAG)
    if quarter:
        return RunRequest(run_key=quarter, partition_key=quarter)


SCHEDULES = [quarterly_refresh_schedule]
REVIEW_SENSORS = [quarter_review_sensor]
