"""The station's other exports in their true state: R&D profiles, patents, feedback, surveys,
value-added services and relationship activities, each consistent with a client's archetype."""
from __future__ import annotations

import numpy as np
import pandas as pd

from . import names as w

SEPARATORS = np.array(["；", ";", "、", ",", "，"])


def _repeat(clients: pd.DataFrame, counts: np.ndarray) -> pd.DataFrame:
    return clients.loc[np.repeat(clients.index.to_numpy(), counts)].reset_index(drop=True)


def profiles(rng, clients: pd.DataFrame) -> pd.DataFrame:
    ent = clients[clients.nature == "enterprise"]
    n = len(ent)
    has_2008 = ent.era1.to_numpy() & (ent.missing.to_numpy() != "rd_profile")
    has_2012 = np.where(ent.era1, rng.random(n) < 0.5, True)
    frames = []
    for year, mask in ((2008, has_2008), (2012, has_2012)):
        p = ent[mask].reset_index(drop=True)
        m = len(p)
        strong = p.strong.to_numpy()
        if year == 2012:  # some ordinary firms have grown strong by the next plan
            strong = strong | (rng.random(m) < 0.1)
        p["year"] = year
        p["talents"] = np.where(strong, rng.integers(10, 16, m), rng.integers(0, 6, m))
        n_honors = np.where(strong, rng.integers(2, 5, m), rng.integers(0, 3, m))
        p["honors"] = [_honors(rng, k) for k in n_honors]
        p.loc[p.missing == "enterprise_type", "enterprise_type"] = None
        p.loc[p.missing == "industry", "industry"] = None
        p["core_technology"] = np.array(w.TOPICS)[rng.integers(0, len(w.TOPICS), m)]
        p["core_product"] = np.char.add(p["core_technology"].to_numpy().astype(str), "产品")
        frames.append(p)
    return pd.concat(frames, ignore_index=True)


def _honors(rng, k: int) -> str | None:
    if k == 0:
        return None
    picked = list(rng.choice(w.HONORS, k, replace=False))
    if rng.random() < 0.2:  # the same honour written twice still counts once
        picked.append(picked[0])
    return str(rng.choice(SEPARATORS)).join(picked)


def patents(rng, clients: pd.DataFrame) -> pd.DataFrame:
    ent = clients[clients.nature == "enterprise"].reset_index(drop=True)
    n = len(ent)
    strong = ent.strong.to_numpy()
    era1 = ent.era1.to_numpy()
    # (patent type, legal status class, count for strong, count for the others, filing years)
    kinds = [
        ("invention", "valid", (5, 10), (0, 4), (2003, 2010)),
        ("utility", "valid", (2, 9), (0, 7), (2003, 2010)),
        ("invention", "lapsed", (0, 4), (0, 5), (2003, 2010)),
        ("invention", "pending", (0, 3), (0, 3), (2008, 2010)),
        ("design", "valid", (0, 3), (0, 3), (2003, 2010)),
        ("invention", "valid", (0, 5), (0, 3), (2011, 2015)),
    ]
    frames = []
    for ptype, status, (s_lo, s_hi), (o_lo, o_hi), (y0, y1) in kinds:
        counts = np.where(strong, rng.integers(s_lo, s_hi, n), rng.integers(o_lo, o_hi, n))
        if y1 <= 2010:
            counts = np.where(era1, counts, 0)
        p = _repeat(ent, counts)[["client", "name"]]
        m = len(p)
        p["patent_type"] = ptype
        p["status_class"] = status
        p["filed_date"] = pd.to_datetime(rng.integers(y0, y1 + 1, m).astype(str) + "-01-01") + \
            pd.to_timedelta(rng.integers(0, 365, m), unit="D")
        frames.append(p)
    pt = pd.concat(frames, ignore_index=True)
    m = len(pt)
    pt["granted_date"] = np.where(pt.status_class == "valid",
                                  pt.filed_date + pd.to_timedelta(rng.integers(300, 1000, m), unit="D"),
                                  pd.NaT)
    kind_digit = pt.patent_type.map({"invention": "1", "utility": "2", "design": "3"})
    pt["patent_no"] = ["ZL" + f"{d.year}{k}{i:07d}" for d, k, i in zip(pt.filed_date, kind_digit, range(m))]
    return pt


def feedback(rng, commissions: pd.DataFrame) -> pd.DataFrame:
    done = commissions[(commissions.status == "completed") & (rng.random(len(commissions)) < 0.6)]
    f = done[["commission_no", "client", "completed_date"]].reset_index(drop=True)
    m = len(f)
    f["rating"] = rng.choice(["满意", "基本满意", "不满意"], m, p=[0.7, 0.2, 0.1])
    f.loc[done.unhappy.to_numpy(), "rating"] = "不满意"    # after 2010 only (station._churn)
    f["churned"] = done.churned.to_numpy()               # left out of the file, after the draws
    f["feedback_date"] = np.where(rng.random(m) < 0.7,
                                  f.completed_date + pd.to_timedelta(rng.integers(1, 20, m), unit="D"), pd.NaT)
    f["channel"] = rng.choice(["平台", "电话", "邮件"], m, p=[0.6, 0.25, 0.15])
    f["comment"] = np.where(f.rating == "不满意", "报告周期太长", np.where(rng.random(m) < 0.2, "报告专业，及时", None))
    return f


def surveys(rng, clients: pd.DataFrame) -> pd.DataFrame:
    counts = np.where(clients.archetype.isin(["key", "pk_loyal", "pk_strong"]), rng.integers(1, 4, len(clients)),
                      np.where(rng.random(len(clients)) < 0.15, 1, 0))
    s = _repeat(clients, counts)[["client", "name", "contact_name"]]
    m = len(s)
    s["survey_date"] = pd.to_datetime(rng.integers(2008, 2016, m).astype(str) + "-01-01") + \
        pd.to_timedelta(rng.integers(0, 365, m), unit="D")
    for col in ("experience", "quality", "attitude"):
        s[col] = rng.choice([3, 4, 5], m, p=[0.2, 0.4, 0.4])
    s["recommend"] = rng.choice(np.arange(11), m, p=[0.02] * 5 + [0.04, 0.06, 0.12, 0.16, 0.24, 0.28])
    s["comment"] = np.where(rng.random(m) < 0.2, "希望增加专利分析服务", None)
    return s


def services(rng, clients: pd.DataFrame) -> pd.DataFrame:
    takers = clients.archetype.isin(["key", "pk_strong"]).to_numpy() & (rng.random(len(clients)) < 0.4)
    sv = _repeat(clients, np.where(takers, rng.integers(1, 3, len(clients)), 0))[["client", "name", "industry"]]
    m = len(sv)
    sv["project"] = np.char.add(np.array(w.TOPICS)[rng.integers(0, len(w.TOPICS), m)], "分析")
    sv["products"] = ["、".join(rng.choice(w.PRODUCTS, k, replace=False)) for k in rng.integers(1, 4, m)]
    sv["start_date"] = pd.to_datetime(rng.integers(2008, 2016, m).astype(str) + "-01-01") + \
        pd.to_timedelta(rng.integers(0, 300, m), unit="D")
    sv["end_date"] = sv.start_date + pd.to_timedelta(rng.integers(30, 120, m), unit="D")
    sv["fee"] = rng.integers(2, 20, m) * 5000
    return sv


def activities(rng, clients: pd.DataFrame) -> pd.DataFrame:
    """Relationship work as a station does it: visits to key clients, pushes and greetings to the rest."""
    plans = [  # (archetypes, activity type, events a year, share of clients reached)
        (["key"], "回访", 4, 0.7), (["key"], "培训", 1, 0.6), (["key"], "签约", 1, 0.3),
        (["pk_loyal", "pk_strong"], "产品推送", 4, 0.5), (["pk_loyal", "pk_strong"], "节日问候", 2, 0.6),
        (["general"], "产品推送", 1, 0.3),
    ]
    frames = []
    for archetypes, kind, per_year, share in plans:
        who = clients[clients.archetype.isin(archetypes)]
        counts = rng.binomial(per_year * 9, share, len(who))   # 2007-2015: the plans start in 2007
        a = _repeat(who, counts)[["client", "name", "searcher"]]
        m = len(a)
        a["activity_type"] = kind
        a["activity_date"] = pd.to_datetime(rng.integers(2007, 2016, m).astype(str) + "-01-01") + \
            pd.to_timedelta(rng.integers(0, 365, m), unit="D")
        frames.append(a)
    return pd.concat(frames, ignore_index=True)
