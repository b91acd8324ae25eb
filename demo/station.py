"""The synthetic station's truth: who its clients are and every commission in its final state.

The roster is built so that SPEC §5's rules give the paper's Table 4 for five_year 2006-2010
(40 key / 78 potential_key / 197 general among 315 complete enterprise clients) and §3's source
mix (25/50/10/10/5 %), each archetype keeping a wide margin from the thresholds it must clear, so
that the mess added by exports.py (formats, re-exports, bad rows) cannot move a client across one.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import names as w

# archetype -> (nature class, clients at scale 1, strong R&D, high loyalty) for 2006-2010.
ARCHETYPES = {
    "key":        ("enterprise", 40, True, True),
    "pk_loyal":   ("enterprise", 39, False, True),
    "pk_strong":  ("enterprise", 39, True, False),
    "general":    ("enterprise", 197, False, False),
    "incomplete": ("enterprise", 35, False, False),
    "cas":        ("cas", 175, False, False),
    "institute":  ("institute", 70, False, False),
    "university": ("university", 70, False, False),
    "other":      ("other", 35, False, False),
}
# Clients first seen in 2011-2015, so later periods have new faces.
NEWCOMERS = {"enterprise": 60, "cas": 40, "institute": 15, "university": 15, "other": 10}
# Which attribute an incomplete enterprise lacks, in turn (SPEC §5 completeness).
MISSING = ["rd_profile"] * 15 + ["contact"] * 8 + ["address"] * 6 + ["enterprise_type"] * 3 + ["industry"] * 3
# Renamed organisations: early commissions carry the old name; the alias seed merges them.
RENAMED = [
    ("北京中科华信科技股份有限公司", "北京华信电子技术有限公司"),
    ("上海瀚海生物医药有限公司", "上海瀚海生物制品有限公司"),
    ("深圳鹏程新能源科技有限公司", "深圳鹏程电池有限公司"),
]
ERA1, ERA2 = (2006, 2010), (2011, 2015)
SCALE_ONE_COMMISSIONS = 4_510  # --commissions N scales the roster by N / this (measured at 1 M)
# Churn after 2010 (the outlook model's signal, SPEC §5 outlook): a client whose searchers rated a
# year's work low (mean recognition and cooperation below UNHAPPY_BELOW) leaves after that year with
# P_LEAVE_UNHAPPY, its feedback that year 不满意; any other client leaves with P_LEAVE.
UNHAPPY_BELOW, P_LEAVE_UNHAPPY, P_LEAVE = 2.5, 0.6, 0.05


@dataclass
class Station:
    clients: pd.DataFrame
    commissions: pd.DataFrame


def build_station(rng: np.random.Generator, scale: float) -> Station:
    clients = _roster(rng, scale)
    commissions = _commissions(rng, clients)
    return Station(clients, commissions)


def _roster(rng, scale) -> pd.DataFrame:
    parts = []
    for archetype, (nature, count, strong, loyal) in ARCHETYPES.items():
        n = max(1, round(count * scale))
        parts.append(pd.DataFrame({"archetype": archetype, "nature": nature, "strong": strong,
                                   "loyal": loyal, "era1": True, "idx": np.arange(n)}))
    for nature, count in NEWCOMERS.items():
        n = max(1, round(count * scale))
        parts.append(pd.DataFrame({"archetype": "newcomer", "nature": nature, "strong": False,
                                   "loyal": False, "era1": False, "idx": np.arange(n)}))
    c = pd.concat(parts, ignore_index=True)
    c["client"] = np.arange(len(c))
    n = len(c)
    c["missing"] = None
    inc = c.archetype == "incomplete"
    c.loc[inc, "missing"] = [MISSING[i % len(MISSING)] for i in range(inc.sum())]

    c["name"] = ""
    for nature, make in _NAMERS.items():
        mask = c.nature == nature
        c.loc[mask, "name"] = make(rng, int(mask.sum()))
    c["old_name"] = None
    keys = c.index[c.archetype == "key"][: len(RENAMED)]
    c.loc[keys, "name"] = [new for new, _ in RENAMED[: len(keys)]]
    c.loc[keys, "old_name"] = [old for _, old in RENAMED[: len(keys)]]

    ent = c.nature == "enterprise"
    c["enterprise_type"] = np.where(ent, np.array(w.ENTERPRISE_TYPES)[rng.integers(0, 4, n)], None)
    c["industry"] = np.array(w.INDUSTRIES)[rng.integers(0, len(w.INDUSTRIES), n)]
    c["subject"] = np.array(w.SUBJECTS)[rng.integers(0, len(w.SUBJECTS), n)]
    c["park"] = np.where(ent & (rng.random(n) < 0.7), np.array(w.PARKS)[rng.integers(0, len(w.PARKS), n)], None)
    city = np.array(w.CITIES)[rng.integers(0, len(w.CITIES), n)]
    c["address"] = [f"{ct}市高新区科技路{k}号" for ct, k in zip(city, rng.integers(1, 999, n))]
    c["postcode"] = np.char.zfill(rng.integers(100000, 850000, n).astype(str), 6)
    c["contact_name"], stem = w.people(rng, n)
    c["username"] = np.char.add(stem, c["client"].astype(str).to_numpy())
    c["email"] = [f"{u}@{d}" for u, d in zip(c["username"], np.array(w.DOMAINS)[rng.integers(0, 6, n)])]
    c["mobile"] = np.char.add("1", (rng.integers(3, 10, n) * 10**9 + rng.integers(0, 10**9, n)).astype(str))
    c["searcher"] = np.array(w.SEARCHERS)[rng.integers(0, len(w.SEARCHERS), n)]
    # Profile-only attributes: a tenth of complete enterprises state type / industry only in the profile.
    c["type_in_profile_only"] = ent & (c.archetype != "incomplete") & (rng.random(n) < 0.1)
    c["industry_in_profile_only"] = ent & (c.archetype != "incomplete") & (rng.random(n) < 0.1)
    return c


def _enterprise_names(rng, n):
    bases = w.unique_names(rng, n, w.CITIES, w.WORDS, w.WORDS, w.TRADES, template="{}{}{}{}")
    forms = np.array(w.LEGAL_FORMS)[rng.choice(3, n, p=[0.5, 0.3, 0.2])]
    # A third put the city in brackets after the brand, as many registered names do.
    return [f"{b[len(city):]}（{city}）{f}" if r < 0.3 and (city := _city_of(b)) else f"{b}{f}"
            for b, f, r in zip(bases, forms, rng.random(n))]


def _city_of(name: str) -> str | None:
    return next((c for c in w.CITIES if name.startswith(c)), None)


_NAMERS = {
    "enterprise": _enterprise_names,
    # Two brand words make room for a national network's worth of names (--commissions 1000000).
    "cas": lambda rng, n: w.unique_names(rng, n, w.CITIES, w.WORDS, w.WORDS, w.FIELDS,
                                         template="中国科学院{}{}{}{}研究所"),
    "institute": lambda rng, n: w.unique_names(rng, n, w.CITIES, w.WORDS, w.WORDS, w.FIELDS,
                                               template="{}{}{}{}研究院"),
    "university": lambda rng, n: w.unique_names(rng, n, w.CITIES, w.WORDS, w.WORDS, w.UNIVERSITY_KINDS,
                                                template="{}{}{}{}大学"),
    "other": lambda rng, n: w.unique_names(rng, n, w.CITIES, w.WORDS, w.WORDS, w.OTHER_KINDS,
                                           template="{}{}{}{}"),
}


def _commissions(rng, clients: pd.DataFrame) -> pd.DataFrame:
    """Every commission in its final state: counts, years and ratings fixed by the archetype."""
    n = len(clients)
    loyal = clients.loyal.to_numpy()
    era1 = clients.era1.to_numpy()
    nature = clients.nature.to_numpy()
    # 2006-2010: loyal clients every year (12-14 commissions), the others 1-4 in at most two years.
    k1 = np.where(loyal, rng.integers(12, 15, n), rng.integers(1, 5, n))
    k1 = np.where(nature == "other", rng.integers(1, 3, n), k1)
    k1 = np.where(era1, k1, 0)
    # 2011-2015: most clients carry on, newcomers arrive.
    k2 = np.where(era1, np.where(rng.random(n) < 0.6, rng.integers(1, 7, n), 0), rng.integers(1, 6, n))
    parts = [_era(rng, clients, k1, ERA1, two_years_only=~loyal, loyal=loyal),
             _era(rng, clients, k2, ERA2, two_years_only=np.zeros(n, bool), loyal=None)]
    cm = pd.concat(parts, ignore_index=True)
    # A tenth of clients also cancelled one commission: it exists, but never counts.
    cancel = rng.random(n) < 0.1
    extra = _era(rng, clients, np.where(cancel & era1, 1, 0), ERA1, np.zeros(n, bool), None)
    extra["status"] = "cancelled"
    cm = pd.concat([cm, extra], ignore_index=True)
    cm = cm.sort_values(["commission_date", "client"], kind="stable", ignore_index=True)
    year = cm.commission_date.dt.year.to_numpy()
    seq = cm.groupby(year).cumcount().to_numpy() + 1
    cm["commission_no"] = [f"CX{y}{s:06d}" for y, s in zip(year, seq)]
    cm["referred_by"] = _referrals(rng, clients, cm)
    # Its own generator, spawned: the draws of everything else (and so the 2006-2010 figures) stay put.
    cm["churned"], cm["unhappy"] = _churn(np.random.default_rng(rng.bit_generator.seed_seq.spawn(1)[0]), cm)
    return cm


def _churn(rng, cm: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Which commissions after 2010 never happen (the client left before) and which were rated 不满意.
    The rows stay in the station (the exports draw as before) and are left out of the files."""
    year = cm.commission_date.dt.year.to_numpy()
    counted = (cm.status != "cancelled").to_numpy()
    rating = cm[["recognition", "cooperation"]].astype(float).mean(axis=1).to_numpy()   # NaN: unrated
    churned, unhappy = np.zeros(len(cm), bool), np.zeros(len(cm), bool)
    clients = np.sort(cm.client.unique())
    left = pd.Series(False, index=clients)
    draws = rng.random((ERA2[1] - ERA2[0], len(clients)))
    for i, y in enumerate(range(ERA2[0], ERA2[1])):
        active = counted & (year == y) & ~churned
        mean = pd.Series(rating[active]).groupby(cm.client.to_numpy()[active]).mean()
        low = mean[mean < UNHAPPY_BELOW].index
        unhappy |= active & cm.client.isin(low).to_numpy()
        p = pd.Series(P_LEAVE, index=mean.index).where(~mean.index.isin(low), P_LEAVE_UNHAPPY)
        leaving = p.index[draws[i][np.searchsorted(clients, p.index)] < p.to_numpy()]
        left[leaving] = True
        churned |= (year > y) & cm.client.isin(left[left].index).to_numpy()
    return churned, unhappy


def _referrals(rng, clients, cm) -> np.ndarray:
    """A few clients name a key client as their referrer on their first commission (SPEC §5 referrals)."""
    referrers = clients.name[clients.archetype == "key"].to_numpy()
    first = cm.groupby("client").commission_date.idxmin()
    chosen = first[rng.random(len(first)) < 0.05].to_numpy()
    referred = np.full(len(cm), None, dtype=object)
    referred[chosen] = referrers[rng.integers(0, len(referrers), len(chosen))]
    is_self = referred[chosen] == clients.name.to_numpy()[cm.client.to_numpy()[chosen]]
    referred[chosen[is_self]] = None
    return referred


def _era(rng, clients, counts, years, two_years_only, loyal) -> pd.DataFrame:
    owner = np.repeat(clients.client.to_numpy(), counts)
    m = len(owner)
    nth = pd.Series(owner).groupby(owner).cumcount().to_numpy()
    span = years[1] - years[0] + 1
    first = rng.integers(0, span, len(clients))[owner]
    second = rng.integers(0, span, len(clients))[owner]
    limited = two_years_only[owner]
    # Limited clients use two years at most; the others cycle through every year of the era.
    offset = np.where(limited, np.where(nth % 2 == 0, first, second), (first + nth) % span)
    day = rng.integers(0, 365, m)
    date = pd.to_datetime((years[0] + offset).astype(str) + "-01-01") + pd.to_timedelta(day, unit="D")
    cm = pd.DataFrame({"client": owner, "commission_date": date})
    high = loyal[owner] if loyal is not None else np.zeros(m, bool)
    normal = (loyal is not None) & ~high
    # Loyal: 4-5; the era-1 others: 2-3 (never enough for 60 points); later eras: anything.
    def ratings():
        r = rng.integers(1, 6, m).astype(float)
        r = np.where(high, rng.integers(4, 6, m), r)
        r = np.where(normal, rng.integers(2, 4, m), r)
        return np.where(rng.random(m) < 0.15, np.nan, r)
    cm["recognition"], cm["cooperation"] = ratings(), ratings()
    cm["status"] = "completed"
    recent = date >= pd.Timestamp("2015-11-01")
    cm.loc[recent, "status"] = "in_progress"
    cm["completed_date"] = date + pd.to_timedelta(rng.integers(7, 41, m), unit="D")
    cm["fee"] = rng.integers(8, 31, m) * 100
    cm["purpose"] = rng.choice(["立项", "成果鉴定", "验收", "评价", "报奖", "专利申请", "其他"], m,
                               p=[0.35, 0.2, 0.1, 0.05, 0.1, 0.1, 0.1])
    cm["scope"] = rng.choice(["国内", "国外", "国内外", "国内+国外", "国内、国外"], m)
    cm["topic"] = np.array(w.TOPICS)[rng.integers(0, len(w.TOPICS), m)]
    return cm
