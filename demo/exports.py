"""Write the station's truth as the messy files a real inbox receives (SPEC §2, §9).

Commissions split by export: 2006-2008 as a GB18030 CSV with alias headers and Chinese dates;
2009-2010 as an XLSX with title rows, padded full-width headers and native date cells, in which a
fifth of the rows are stale until a later re-export (a UTF-8 CSV) completes them; 2011-2015 as a
UTF-8-with-BOM CSV with English headers and rows repeated within the file. Plus a byte-identical
copy, a file of no family, bad rows of every kind, and the six satellite families.
"""
from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import xlsxwriter

from ingest.families import FAMILY_BY_NAME

from . import messy
from .station import Station

COMMISSION_COLUMNS = FAMILY_BY_NAME["commissions"].columns
CHINESE = {c.name: c.headers[0] for c in COMMISSION_COLUMNS}   # the platform's own headers (SPEC §2.1)
EXPORTED_AT = dt.datetime(2011, 1, 5, 9, 0)
# the 2006-2008 export uses the first alias of these columns: 查新编号, 项目名称, 认可度, 配合度
ALIASES = {c.name: c.headers[1] for c in COMMISSION_COLUMNS
           if c.name in ("commission_no", "title_zh", "recognition", "cooperation")}
FILES = {
    "early": "20110105_委托记录_2006-2008.csv",
    "middle": "20110105_委托记录_2009-2010.xlsx",
    "reexport": "20110620_委托记录_2009-2010_再导出.csv",
    "late": "20160108_commissions_2011-2015.csv",
    "copy": "20120110_委托记录_2006-2008 - 副本.csv",
    "no_family": "20110105_查新员工作量统计.csv",
}


def commission_rows(rng, station: Station) -> pd.DataFrame:
    """One export row per commission, in final state, values spelled as people and platforms do."""
    cm = station.commissions.merge(station.clients, on="client", suffixes=("", "_client"))
    n = len(cm)
    no_contact = (cm.missing == "contact").to_numpy()
    bad_phone = (rng.random(n) < 0.04) | no_contact
    bad_email = ((rng.random(n) < 0.04) & ~bad_phone) | no_contact
    no_email = (rng.random(n) < 0.2) & ~bad_phone & ~no_contact
    rows = pd.DataFrame({
        "commission_no": cm.commission_no,
        "title_zh": "基于" + cm.topic + "的研究与开发",
        "title_en": np.where(rng.random(n) < 0.5, "Novelty search for project " + cm.commission_no, None),
        "scope": cm.scope, "purpose": cm.purpose, "fee": messy.fees(rng, cm.fee),
        "industry": np.where(cm.industry_in_profile_only | (cm.missing == "industry"), None, cm.industry),
        "subject": cm.subject,
        "nature": [messy.pick_one(rng, messy.NATURE_TEXT[k]) for k in cm.nature],
        "enterprise_type": np.where(cm.type_in_profile_only | (cm.missing == "enterprise_type"), None,
                                    cm.enterprise_type),
        "park": cm.park, "contact_name": cm.contact_name, "username": cm.username,
        "commission_date": cm.commission_date,
        "org_name": messy.org_names(rng, cm.name),
        "address": np.where(cm.missing == "address", None, cm.address),
        "postcode": messy.postcodes(rng, cm.postcode, rng.random(n) < 0.03),
        "email": np.where(no_email, None, messy.emails(rng, cm.email, bad_email)),
        "phone": messy.phones(rng, cm.mobile, bad_phone),
        "searcher": cm.searcher,
        "status": [messy.pick_one(rng, messy.STATUS_TEXT[s]) for s in cm.status],
        "completed_date": np.where(cm.status == "completed", cm.completed_date, pd.NaT),
        "recognition": messy.ratings(rng, cm.recognition, 0.02),
        "cooperation": messy.ratings(rng, cm.cooperation, 0.02),
        "referred_by": cm.referred_by,
    })
    rows["completed_date"] = pd.to_datetime(rows.completed_date)
    # Renamed organisations used their old name before 2008.
    old = cm.old_name.notna() & (cm.commission_date.dt.year < 2008)
    rows.loc[old, "org_name"] = cm.old_name[old]
    return rows


def write_commissions(rng, rows: pd.DataFrame, inbox: Path, churned: set[str] = frozenset()) -> dict[str, int]:
    """The commission exports; the churned commissions (station._churn) are left out of the 2011-2015
    one after its last draw, so that every other value is drawn as before."""
    year = rows.commission_date.dt.year
    early, middle, late = rows[year <= 2008].copy(), rows[year.between(2009, 2010)].copy(), rows[year >= 2011].copy()

    # 2006-2008: GB18030, alias headers, Chinese and slash dates, a few lower-case keys.
    early = _with_bad_rows(rng, early, "early")
    early["commission_no"] = np.where(rng.random(len(early)) < 0.05, early.commission_no.str.lower(),
                                      early.commission_no)
    _date_columns(rng, early, {"chinese": 0.5, "slash": 0.3, "dot": 0.2})
    headers = {c: ALIASES.get(c, CHINESE[c]) for c in CHINESE}
    early.rename(columns=headers).to_csv(inbox / FILES["early"], index=False, encoding="gb18030")

    # 2009-2010: a fifth were still open at export time; the re-export carries their final state.
    stale = rng.random(len(middle)) < 0.2
    reexport = middle[stale].copy()
    middle.loc[stale, ["status", "recognition", "cooperation"]] = ["进行中", None, None]
    middle.loc[stale, "completed_date"] = pd.NaT
    middle = _with_bad_rows(rng, middle, "middle")
    _write_xlsx(rng, middle, inbox / FILES["middle"], "查新委托记录导出 2009-2010年")
    _date_columns(rng, reexport, {"iso": 1.0})
    reexport.rename(columns=CHINESE).to_csv(inbox / FILES["reexport"], index=False, encoding="utf-8")

    # 2011-2015: English headers, UTF-8 with BOM; some rows exported twice, the later one final.
    again = late.sample(frac=0.03, random_state=int(rng.integers(1 << 31)))
    stale_copy = again.assign(status="进行中", recognition=None, cooperation=None)
    late = pd.concat([stale_copy, late], ignore_index=True)
    late = _with_bad_rows(rng, late, "late")
    _date_columns(rng, late, {"iso": 0.6, "slash": 0.2, "compact": 0.2})
    late = late[~late.commission_no.isin(churned)]
    late.to_csv(inbox / FILES["late"], index=False, encoding="utf-8-sig")

    shutil.copyfile(inbox / FILES["early"], inbox / FILES["copy"])
    pd.DataFrame({"查新员": ["孙玉玲", "陈芳"], "月份": ["2010-12", "2010-12"], "完成数量": [31, 28]}) \
        .to_csv(inbox / FILES["no_family"], index=False, encoding="gb18030")
    return {"early": len(early), "middle": len(middle), "reexport": len(reexport), "late": len(late)}


def _with_bad_rows(rng, frame: pd.DataFrame, export: str) -> pd.DataFrame:
    """Rows that cannot be used, mixed in among good ones; scale with the export's size."""
    k = max(1, len(frame) // 500)
    picked = frame.sample(n=4 * k, random_state=int(rng.integers(1 << 31)), replace=len(frame) < 4 * k)
    bad = picked.copy()
    bad["commission_no"] = [f"BAD-{export}-{i}" for i in range(len(bad))]
    bad["status"] = "已完成"
    impossible, no_key, ghost, orphan = (bad.iloc[i * k:(i + 1) * k].index for i in range(4))
    bad["commission_date"] = bad["commission_date"].astype(object)
    bad.loc[impossible, "commission_date"] = messy.pick(rng, ["2008-02-30", "2009年13月1日", "N/A", "39512"], k)
    bad.loc[no_key, "commission_no"] = None
    bad.loc[ghost, ["org_name", "username"]] = [None, "ghost_user"]
    bad.loc[orphan, "org_name"] = None        # username known: takes its latest organisation
    bad = bad.reset_index(drop=True)
    return pd.concat([frame, bad], ignore_index=True).sample(frac=1, random_state=int(rng.integers(1 << 31)))


def _date_columns(rng, frame: pd.DataFrame, styles: dict[str, float]) -> None:
    for col in ("commission_date", "completed_date"):
        is_text = frame[col].map(lambda v: isinstance(v, str))
        text = frame[col].where(is_text)
        rendered = messy.dates(rng, pd.to_datetime(frame[col].where(~is_text), errors="coerce"), styles)
        frame[col] = np.where(is_text, text, rendered)


def _write_xlsx(rng, frame: pd.DataFrame, path: Path, title: str) -> None:
    """Title rows above the header, padded full-width headers, native date cells."""
    headers = [CHINESE[c] for c in frame.columns]
    headers[0] = "\u3000" + headers[0] + "\u3000"
    headers[frame.columns.get_loc("park")] = "ｐａｒｋ"
    headers[frame.columns.get_loc("commission_date")] = " " + headers[frame.columns.get_loc("commission_date")]
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    book.set_properties({"created": EXPORTED_AT})   # fixed, so that a seed gives the same bytes
    sheet = book.add_worksheet("委托记录")
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write(0, 0, title)
    sheet.write_row(2, 0, headers)
    date_cols = [frame.columns.get_loc(c) for c in ("commission_date", "completed_date")]
    fee_col = frame.columns.get_loc("fee")
    as_text = rng.random(len(frame)) < 0.1
    for r, (values, text_dates) in enumerate(zip(frame.itertuples(index=False), as_text), start=3):
        for c, v in enumerate(values):
            if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NaT:
                continue
            if c in date_cols and isinstance(v, (pd.Timestamp, dt.date)):
                if text_dates:
                    sheet.write_string(r, c, v.strftime("%Y%m%d"))
                else:
                    sheet.write_datetime(r, c, v.to_pydatetime(), date_format)
            elif c == fee_col and isinstance(v, str) and v.isdigit():
                sheet.write_number(r, c, int(v))   # fees as number cells, as Excel keeps them
            else:
                sheet.write(r, c, v)
    book.close()
