"""What service staff read, as sheets with Chinese headers, from the published BI file."""
from __future__ import annotations

import duckdb

MARK = "✗"
ATTRIBUTE_LABELS = {"email/phone": "联系方式", "address": "地址", "enterprise_type": "企业类型",
                    "industry": "产业类型", "rd_profile": "研发实力档案"}
COMPLETENESS_HEADERS = ["客户名称", "查新员", "委托数", "缺少的信息", "联系方式（有效邮箱或电话）", "地址",
                        "企业类型", "产业类型", "研发实力档案"]


def completeness_rows(con: duckdb.DuckDBPyConnection, period_key: str) -> list[tuple]:
    """The enterprise clients of a period that are not complete, and a mark under each gap."""
    rows = con.execute("""
        select display_name, latest_searcher, n_commissions, missing_attributes,
               lacks_contact, lacks_address, lacks_enterprise_type, lacks_industry, lacks_rd_profile
        from bi_mart_completeness_gaps
        where period_key = ?
        order by latest_searcher, display_name
    """, [period_key]).fetchall()
    return [(*row[:3], _labels(row[3]), *(MARK if lacks else "" for lacks in row[4:])) for row in rows]


def _labels(missing_attributes: str) -> str:
    return "、".join(ATTRIBUTE_LABELS[a] for a in missing_attributes.split(", "))


def completeness_counts(con: duckdb.DuckDBPyConnection, grain: str = "five_year") -> list[tuple]:
    """(period_key, incomplete enterprise clients, of which without an R&D profile) per period."""
    return con.execute("""
        select period_key, count(*), count(*) filter (where lacks_rd_profile)
        from bi_mart_completeness_gaps where grain = ? group by period_key order by period_key
    """, [grain]).fetchall()
