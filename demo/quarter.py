"""Hold back a demo inbox's last quarter as the export that arrives next (SPEC §8: "a new quarter's
export re-runs only what it touches").

The latest quarter's commissions (by commission date, in the 2011-2015 export), the feedback on them
and the activities dated in that quarter move out of their files into three new files, written in
the same encodings; every other file is left as written. The base files are what the first build
loads, the quarter's files what arrive after it.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd

from demo.exports import FILES
from demo.satellite_exports import ACTIVITY_FILE, FEEDBACK_FILE

# file -> (its encoding, the column that decides, how it decides)
SPLIT = {FILES["late"]: ("utf-8-sig", "commission_date"), FEEDBACK_FILE: ("utf-8-sig", "编号"),
         ACTIVITY_FILE: ("utf-8", "日期")}


def quarters(dates: pd.Series) -> pd.Series:
    """'2015Q4' for each date in any of the demo's spellings (2015-10-05, 2015/10/5, 20151005,
    2015年10月5日); empty where the text is no date."""
    parts = dates.str.extract(r"^(\d{4})(?:[-/.年](\d{1,2})|(\d{2})\d{2}$)")
    month = pd.to_numeric(parts[1].fillna(parts[2]), errors="coerce")
    return (parts[0] + "Q" + ((month - 1) // 3 + 1).astype("Int64").astype(str)).where(month.between(1, 12), "")


def hold_back_last_quarter(inbox: Path, base: Path, new: Path) -> str:
    """Copy inbox to base without its last quarter, and that quarter's rows to new; the quarter."""
    base.mkdir(parents=True)
    new.mkdir(parents=True)
    read = {name: pd.read_csv(inbox / name, dtype=str, keep_default_na=False, encoding=encoding)
            for name, (encoding, _) in SPLIT.items()}
    commissions = read[FILES["late"]]
    quarter_of = quarters(commissions["commission_date"])
    quarter = quarter_of.max()
    held = {FILES["late"]: quarter_of == quarter,
            FEEDBACK_FILE: read[FEEDBACK_FILE]["编号"].isin(commissions.loc[quarter_of == quarter, "commission_no"]),
            ACTIVITY_FILE: quarters(read[ACTIVITY_FILE]["日期"]) == quarter}
    for path in inbox.iterdir():
        if path.name not in SPLIT:
            shutil.copyfile(path, base / path.name)
    for name, frame in read.items():
        encoding = SPLIT[name][0]
        frame[~held[name]].to_csv(base / name, index=False, encoding=encoding)
        stem, suffix = name.rsplit(".", 1)
        frame[held[name]].to_csv(new / f"{stem}_{quarter}.{suffix}", index=False, encoding=encoding)
    return quarter
