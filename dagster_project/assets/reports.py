"""What service staff open, written after each publication from the published BI file."""
from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, asset

from warehouse import connect
from warehouse.service_reports import COMPLETENESS_HEADERS, completeness_counts, completeness_rows
from warehouse.xlsx_export import write_workbook

from ..metadata import markdown_table
from ..partitions import period_keys
from ..resources import WarehouseResource
from .publish import bi_published_file

COMPLETENESS_FILE = "completeness.xlsx"


@asset(key=["reports", "completeness"], group_name="reports", deps=[bi_published_file], kinds={"excel"})
def completeness_report(context: AssetExecutionContext, warehouse: WarehouseResource) -> MaterializeResult:
    """Per Five-Year Plan, the enterprise clients with commissions that are not complete and what
    each lacks (Chinese headers), so that a person can fill the gaps: the paper kept 315."""
    con = connect(warehouse.bi_path, read_only=True)
    try:
        counts = completeness_counts(con)
        with_gaps = {period for period, *_ in counts}
        sheets = {period: (COMPLETENESS_HEADERS, completeness_rows(con, period))
                  for period in period_keys("five_year") if period in with_gaps}
    finally:
        con.close()
    path = write_workbook(warehouse.reports_path / COMPLETENESS_FILE, sheets)
    first = next(iter(sheets.values()), (COMPLETENESS_HEADERS, []))
    return MaterializeResult(metadata={
        "path": MetadataValue.path(str(path)),
        "preview": MetadataValue.md(markdown_table(first[0], first[1][:5])),
        "dagster/row_count": MetadataValue.int(sum(len(rows) for _, rows in sheets.values())),
        "incomplete enterprise clients": MetadataValue.md(markdown_table(
            ["period", "incomplete", "no R&D profile"], counts)),
    })
