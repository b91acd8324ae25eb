"""Write the six satellite families as the station's other systems export them, bad rows included."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from . import messy, satellites
from .exports import EXPORTED_AT
from .station import Station

LEGAL_TEXT = {"valid": ["有效", "授权"], "pending": ["审中", "实审", "公开"],
              "lapsed": ["失效", "无效", "驳回", "撤回"]}
TYPE_TEXT = {"invention": "发明", "utility": "实用新型", "design": "外观设计"}
ACTIVITY_FILE = "20160110_客户关系活动.csv"
FEEDBACK_FILE = "20160110_报告反馈.csv"


def write_satellites(rng, station: Station, inbox: Path) -> dict[str, int]:
    clients, commissions = station.clients, station.commissions
    counts = {}

    pr = satellites.profiles(rng, clients)
    frame = pd.DataFrame({
        "园区": pr.park, "名称": messy.org_names(rng, pr.name),
        "统计年度": np.where(rng.random(len(pr)) < 0.3, pr.year.astype(str) + "年", pr.year.astype(str)),
        "类型": pr.enterprise_type, "联系人": pr.contact_name, "高端人才": pr.talents,
        "获得荣誉": pr.honors, "产业领域": pr.industry, "核心技术": pr.core_technology, "核心产品": pr.core_product,
    })
    frame = _bad(frame, {"名称": None}, {"统计年度": "二〇〇八"})
    early = frame["统计年度"].astype(str).str.startswith("2008")
    _xlsx(frame[early], inbox / "20090110_企业研发实力_2008.xlsx", "企业研发实力统计 2008年度")
    frame[~early].to_csv(inbox / "20130110_企业研发实力_2012.csv", index=False, encoding="gb18030")
    counts["profiles"] = len(frame)

    pt = satellites.patents(rng, clients)
    frame = pd.DataFrame({
        "专利号": pt.patent_no, "专利权人": messy.org_names(rng, pt.name),
        "专利类型": pt.patent_type.map(TYPE_TEXT),
        "申请日": messy.dates(rng, pt.filed_date, {"iso": 0.7, "dot": 0.3}),
        "法律状态": [messy.pick_one(rng, LEGAL_TEXT[s]) for s in pt.status_class],
        "授权日": messy.dates(rng, pt.granted_date, {"iso": 1.0}),
    })
    frame = _bad(frame, {"专利号": None}, {"申请日": "2009-00-12"})
    frame.to_csv(inbox / "20160110_专利清单.csv", index=False, encoding="utf-8")
    counts["patents"] = len(frame)

    fb = satellites.feedback(rng, commissions)
    frame = pd.DataFrame({
        "编号": fb.commission_no, "满意度": fb.rating,
        "反馈日期": messy.dates(rng, fb.feedback_date, {"iso": 0.5, "slash": 0.5}),
        "渠道": fb.channel, "意见": fb.comment,
    })
    frame = _bad(frame, {"编号": None}, {"满意度": "还行"})
    frame = frame[~np.r_[fb.churned.to_numpy(), [False, False]]]     # feedback on commissions never made
    frame.to_csv(inbox / FEEDBACK_FILE, index=False, encoding="utf-8-sig")
    counts["feedback"] = len(frame)

    sv = satellites.surveys(rng, clients)
    frame = pd.DataFrame({
        "委托单位": messy.org_names(rng, sv.name), "调查日期": messy.dates(rng, sv.survey_date, {"iso": 1.0}),
        "服务体验": sv.experience.astype(str), "服务质量": sv.quality.astype(str), "服务态度": sv.attitude.astype(str),
        "推荐意愿": sv.recommend.astype(str), "填写人": sv.contact_name, "意见": sv.comment,
    })
    frame.loc[frame.sample(frac=0.02, random_state=1).index, "服务体验"] = "6"   # out of range: flagged
    frame = _bad(frame, {"委托单位": None}, {"调查日期": "2010年第三季度"})
    _xlsx(frame, inbox / "20160110_满意度调查.xlsx", "季度满意度调查汇总")
    counts["surveys"] = len(frame)

    vs = satellites.services(rng, clients)
    frame = pd.DataFrame({
        "委托单位": messy.org_names(rng, vs.name), "项目名称": vs.project, "服务内容": vs.products,
        "开始日期": messy.dates(rng, vs.start_date, {"iso": 0.5, "chinese": 0.5}),
        "完成日期": messy.dates(rng, vs.end_date, {"iso": 1.0}), "费用": messy.fees(rng, vs.fee),
    })
    frame = _bad(frame, {"委托单位": None}, {"开始日期": "待定"})
    frame.to_csv(inbox / "20160110_增值服务.csv", index=False, encoding="gb18030")
    counts["services"] = len(frame)

    ac = satellites.activities(rng, clients)
    frame = pd.DataFrame({
        "日期": messy.dates(rng, ac.activity_date, {"iso": 0.8, "compact": 0.2}),
        "委托单位": messy.org_names(rng, ac.name), "活动类型": ac.activity_type, "负责人": ac.searcher,
        "备注": None,
    })
    frame = _bad(frame, {"委托单位": None}, {"活动类型": "聚餐"})
    frame.to_csv(inbox / ACTIVITY_FILE, index=False, encoding="utf-8")
    counts["activities"] = len(frame)
    return counts


def _bad(frame: pd.DataFrame, *defects: dict) -> pd.DataFrame:
    """Append one row per defect: a copy of the first row with the defect applied."""
    bad = [frame.iloc[[0]].assign(**defect) for defect in defects]
    return pd.concat([frame, *bad], ignore_index=True)


def _xlsx(frame: pd.DataFrame, path: Path, title: str) -> None:
    """A title row, a blank row, then the table, as an export to Excel looks."""
    with pd.ExcelWriter(path, engine="xlsxwriter") as writer:
        writer.book.set_properties({"created": EXPORTED_AT})   # fixed: same seed, same bytes
        frame.to_excel(writer, index=False, startrow=2, sheet_name="Sheet1")
        writer.sheets["Sheet1"].write(0, 0, title)
