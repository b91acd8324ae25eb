"""What service staff open, written after each publication from the published BI file."""
import datetime as dt

from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, asset

from reports.period_report import latest_closed_periods, write_period_report
from reports.alias_candidates import DUPLICATES_SHEET
from reports.service_lists import COMPLETENESS_HEADERS, completeness_sheets
from reports.xlsx import write_workbook
from warehouse.reading import published_file, read_published
from warehouse.reads import completeness_counts

from ..metadata import markdown_table
from warehouse.periods import period_keys
from ..progress import step
from ..resources import WarehouseResource
from .publish import bi_published_file

COMPLETENESS_FILE = "completeness.xlsx"


@asset(key=["reports", "completeness"], group_name="reports", deps=[bi_published_file], kinds={"excel"})
def completeness_report(context: AssetExecutionContext, warehouse: WarehouseResource) -> MaterializeResult:
    """Per Five-Year Plan, the enterprise clients with commissions that are not complete and what
    each lacks (Chinese headers), so that a person can fill the gaps: the paper kept 315; and a
    sheet of the duplicate candidates."""
    with step("completeness report", context), read_published(warehouse.settings) as con:
        counts = completeness_counts(con)
        with_gaps = {period for period, *_ in counts}
        sheets = completeness_sheets(con, [period for period in period_keys("five_year") if period in with_gaps])
        path = write_workbook(warehouse.settings.reports_dir / COMPLETENESS_FILE, sheets)
    first = next(iter(sheets.values()), (COMPLETENESS_HEADERS, []))
    return MaterializeResult(metadata={
        "path": MetadataValue.path(str(path)),
        "preview": MetadataValue.md(markdown_table(first[0], first[1][:5])),
        "dagster/row_count": MetadataValue.int(sum(len(rows) for name, (_, rows) in sheets.items()
                                                   if name != DUPLICATES_SHEET)),
        "duplicate candidates": MetadataValue.int(len(sheets.get(DUPLICATES_SHEET, (None, []))[1])),
        "incomplete enterprise clients": MetadataValue.md(markdown_table(
            ["period", "incomplete", "no R&D profile"], counts)),
    })


@asset(key=["reports", "period_reports"], group_name="reports", deps=[bi_published_file], kinds={"html"})
def period_reports(context: AssetExecutionContext, warehouse: WarehouseResource) -> MaterializeResult:
    """The HTML reports of the latest closed year and Five-Year Plan (any other period: the
    year and five_year reviews, or `chaxin report --period KEY`)."""
    with step("period reports", context) as progress, published_file(warehouse.settings) as bi:
        periods = latest_closed_periods(bi, dt.date.today())
        paths = [write_period_report(bi, key, warehouse.settings.reports_dir) for key in periods]
        progress.summary = ", ".join(periods)
    return MaterializeResult(metadata={
        "dagster/row_count": MetadataValue.int(len(paths)),
        "preview": MetadataValue.md(markdown_table(["period", "report"], list(zip(periods, map(str, paths))))),
        **{f"report {key}": MetadataValue.path(str(path)) for key, path in zip(periods, paths)},
    })
