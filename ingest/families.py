"""The seven input families of SPEC §2: their columns, the headers each accepts, and which are required.

This table is the one place the SPEC's headers live; the raw tables and family detection both read it.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    name: str                  # the SPEC's English name, also accepted as a header
    headers: tuple[str, ...]   # Chinese header first, then its aliases
    required: bool = False

    def accepted(self) -> set[str]:
        return {normalise_header(h) for h in (*self.headers, self.name)}


@dataclass(frozen=True)
class Family:
    name: str
    columns: tuple[Column, ...]

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required(self) -> list[Column]:
        return [c for c in self.columns if c.required]

    def describe_required(self) -> str:
        return f"{self.name}: " + ", ".join(c.headers[0] for c in self.required)


def normalise_header(text: object) -> str:
    """SPEC §2: headers compare after NFKC and trimming; English names also ignore case."""
    return unicodedata.normalize("NFKC", str(text)).strip().lower()


def _c(name: str, *headers: str, required: bool = False) -> Column:
    return Column(name, headers, required)


FAMILIES: tuple[Family, ...] = (
    Family("commissions", (
        _c("commission_no", "编号", "查新编号", "项目编号", required=True),
        _c("title_zh", "查新项目中文名称", "项目名称"),
        _c("title_en", "查新项目英文名称"),
        _c("scope", "查新范围"),
        _c("purpose", "查新目的"),
        _c("fee", "费用"),
        _c("industry", "产业类型"),
        _c("subject", "学科领域"),
        _c("nature", "用户性质", required=True),
        _c("enterprise_type", "企业类型"),
        _c("park", "所在园区"),
        _c("contact_name", "委托人"),
        _c("username", "委托人注册名"),
        _c("commission_date", "委托日期", required=True),
        _c("org_name", "委托单位", required=True),
        _c("address", "委托单位地址"),
        _c("postcode", "委托单位邮编"),
        _c("email", "委托人电子邮箱"),
        _c("phone", "委托人电话"),
        _c("searcher", "查新员"),
        _c("status", "状态"),
        _c("completed_date", "完成日期"),
        _c("recognition", "对查新的认可", "认可度"),
        _c("cooperation", "与查新员的配合", "配合度"),
        _c("referred_by", "推荐单位"),
    )),
    Family("profiles", (
        _c("org_name", "名称", "委托单位", required=True),
        _c("year", "统计年度", required=True),
        _c("park", "园区"),
        _c("enterprise_type", "类型"),
        _c("contact_name", "联系人"),
        _c("talents", "高端人才"),
        _c("honors", "获得荣誉"),
        _c("industry", "产业领域"),
        _c("core_technology", "核心技术"),
        _c("core_product", "核心产品"),
    )),
    Family("patents", (
        _c("patent_no", "专利号", required=True),
        _c("org_name", "申请人", "专利权人", required=True),
        _c("patent_type", "专利类型", required=True),
        _c("filed_date", "申请日", required=True),
        _c("legal_status", "法律状态"),
        _c("granted_date", "授权日"),
    )),
    Family("feedback", (
        _c("commission_no", "编号", required=True),
        _c("rating", "满意度", required=True),
        _c("feedback_date", "反馈日期"),
        _c("channel", "渠道"),
        _c("comment", "意见"),
    )),
    Family("surveys", (
        _c("org_name", "委托单位", required=True),
        _c("survey_date", "调查日期", required=True),
        _c("experience", "服务体验"),
        _c("quality", "服务质量"),
        _c("attitude", "服务态度"),
        _c("recommend", "推荐意愿"),
        _c("respondent", "填写人"),
        _c("comment", "意见"),
    )),
    Family("services", (
        _c("org_name", "委托单位", required=True),
        _c("project", "项目名称", required=True),
        _c("products", "服务内容", required=True),
        _c("start_date", "开始日期", required=True),
        _c("end_date", "完成日期"),
        _c("fee", "费用"),
    )),
    Family("activities", (
        _c("activity_date", "日期", required=True),
        _c("org_name", "委托单位", required=True),
        _c("activity_type", "活动类型", required=True),
        _c("staff", "负责人"),
        _c("note", "备注"),
    )),
)

FAMILY_BY_NAME = {f.name: f for f in FAMILIES}
