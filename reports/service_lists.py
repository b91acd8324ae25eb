"""What service staff read, as sheets with Chinese headers, from the published BI file."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

from warehouse.periods import parse_period_key
from warehouse.reads import action_plan, completeness_gaps, has_table, survey_targets

from .xlsx import write_workbook

MARK = "✗"
ATTRIBUTE_LABELS = {"email/phone": "联系方式", "address": "地址", "enterprise_type": "企业类型",
                    "industry": "产业类型", "rd_profile": "研发实力档案"}
COMPLETENESS_HEADERS = ["客户名称", "查新员", "委托数", "缺少的信息", "联系方式（有效邮箱或电话）", "地址",
                        "企业类型", "产业类型", "研发实力档案"]


def completeness_rows(con: duckdb.DuckDBPyConnection, period_key: str) -> list[tuple]:
    """The enterprise clients of a period that are not complete, and a mark under each gap."""
    return [(*row[:3], _labels(row[3]), *(MARK if lacks else "" for lacks in row[4:]))
            for row in completeness_gaps(con, period_key)]


def completeness_sheets(con: duckdb.DuckDBPyConnection, period_keys: list[str]) -> dict:
    """The completeness report's sheets: one per period, then the duplicate candidates (a client
    under two names is incomplete twice over), when the BI file has them."""
    from .alias_candidates import DUPLICATES_SHEET, duplicate_sheet

    sheets = {period: (COMPLETENESS_HEADERS, completeness_rows(con, period)) for period in period_keys}
    if has_table(con, "bi_mart_duplicate_candidates"):
        sheets[DUPLICATES_SHEET] = duplicate_sheet(con)
    return sheets


def _labels(missing_attributes: str) -> str:
    return "、".join(ATTRIBUTE_LABELS[a] for a in missing_attributes.split(", "))


TIER_ZH = {"key": "重点用户", "potential_key": "潜在重点用户", "general": "一般用户"}
# The words staff read for the warehouse's codes (SPEC §2.1 natures, §5 transitions).
NATURE_ZH = {"cas": "中科院", "enterprise": "企业", "university": "高校", "institute": "院所", "other": "其他"}
TRANSITION_ZH = {"new": "新增", "up": "上升", "down": "下降", "same": "不变"}
STATUS_ZH = {"done": "已完成", "done_late": "逾期后完成", "open": "待办", "overdue": "逾期"}
ALL_SHEET, UNASSIGNED = "全部", "未分配"


def action_headers(as_of: dt.date) -> list[str]:
    """The action list's columns; the status says the date it is as of."""
    return ["查新员", "客户名称", "类型", "事项", "原因", "来自季度", "到期日", f"状态（截至{as_of.isoformat()}）",
            "完成日期"]


def as_of_date(quarter: str) -> dt.date:
    """A quarter's list is as of its last day (mart_action_plan.as_of_date)."""
    return parse_period_key(quarter)[2]


def action_list_rows(con: duckdb.DuckDBPyConnection, quarter: str) -> list[tuple]:
    """The quarter's actions (strategy of the client's tier) and survey targets, one row each,
    with the reason a person reads: what to do, for whom, by when, and whether it is done."""
    actions, targets = action_plan(con, quarter), survey_targets(con, quarter)
    quarter_end = as_of_date(quarter)
    rows = [(searcher or UNASSIGNED, client, "客户关系维护", action, _action_reason(tier, reason, origin), origin, due,
             STATUS_ZH[status], done)
            for searcher, client, action, tier, reason, origin, due, status, done in actions]
    rows += [(searcher or UNASSIGNED, client, "满意度调查", "发送满意度调查表", reason, quarter, quarter_end,
              STATUS_ZH["open"], None)
             for searcher, client, reason in targets]
    return rows


def _action_reason(tier: str, reason: str | None, origin: str) -> str:
    """The tier's strategy and the year it was tiered in, or why a client is visited beyond it
    (an at-risk return visit: "重点用户，流失风险（at risk: p = 0.23）")."""
    if reason:
        return f"{TIER_ZH[tier]}，流失风险（{reason}）"
    return f"{TIER_ZH[tier]}的服务策略（按{int(origin[:4]) - 1}年分级）"


def write_action_list(con: duckdb.DuckDBPyConnection, quarter: str, path: Path) -> dict:
    """The quarter's action list as XLSX for service staff; its sheets."""
    sheets = action_list_sheets(con, quarter)
    write_workbook(path, sheets, title=f"行动清单 {quarter}，截至 {as_of_date(quarter)}")
    return sheets


def action_list_sheets(con: duckdb.DuckDBPyConnection, quarter: str) -> dict[str, tuple[list[str], list[tuple]]]:
    """One sheet with every row, then one per responsible searcher."""
    rows, headers = action_list_rows(con, quarter), action_headers(as_of_date(quarter))
    sheets = {ALL_SHEET: (headers, rows)}
    for searcher in sorted({row[0] for row in rows}):
        sheets[searcher] = (headers, [row for row in rows if row[0] == searcher])
    return sheets
