"""How real exports spell values: every format SPEC §2 accepts, and the invalid ones it must flag."""
from __future__ import annotations

import numpy as np
import pandas as pd

NATURE_TEXT = {
    "enterprise": ["企业", "企业用户", "民营企业", "公司"],
    "cas": ["院内", "中科院院内用户", "中国科学院"],
    "institute": ["科研院所", "研究所", "研究院"],
    "university": ["高校", "大学", "高校用户"],
    "other": ["其他", "个人", "政府机关"],
}
STATUS_TEXT = {"completed": ["已完成", "完成", ""], "in_progress": ["进行中", "受理", "已受理"],
               "cancelled": ["已取消", "取消", "撤销"]}
RATING_WORDS = {5: "很高", 4: "高", 3: "一般", 2: "低", 1: "很低"}
LEGAL_FORMS = ("股份有限公司", "有限责任公司", "有限公司", "公司")


def pick(rng, options: list[str], n: int, p=None) -> np.ndarray:
    return np.array(options, dtype=object)[rng.choice(len(options), n, p=p)]


def dates(rng, values: pd.Series, styles: dict[str, float]) -> np.ndarray:
    """Dates as text in a mix of the SPEC §2.8 styles; NaT stays empty."""
    v = pd.to_datetime(values)
    y, m, d = v.dt.year.astype("Int64").astype(str), v.dt.month.astype("Int64").astype(str), \
        v.dt.day.astype("Int64").astype(str)
    m2, d2 = m.str.zfill(2), d.str.zfill(2)
    rendered = {
        "iso": y + "-" + m2 + "-" + d2, "slash": y + "/" + m + "/" + d, "dot": y + "." + m2 + "." + d2,
        "compact": y + m2 + d2, "chinese": y + "年" + m + "月" + d + "日",
    }
    choice = pick(rng, list(styles), len(v), p=list(styles.values()))
    out = np.full(len(v), None, dtype=object)
    for style, text in rendered.items():
        mask = (choice == style) & v.notna().to_numpy()
        out[mask] = text.to_numpy()[mask]
    return out


def fees(rng, values: np.ndarray) -> np.ndarray:
    """Yuan in every §2.1 spelling: 1200, 1,200, 1200元, ￥1200, 0.12万, 0.12万元; some empty."""
    v = np.asarray(values).astype(int)
    wan = np.char.rstrip(np.char.rstrip(np.char.mod("%.4f", v / 10000), "0"), ".")
    plain = v.astype(str)
    comma = np.array([f"{x:,}" for x in v], dtype=object)
    forms = [plain, comma, np.char.add(plain, "元"), np.char.add("￥", plain), np.char.add(wan, "万"),
             np.char.add(wan, "万元")]
    choice = rng.choice(len(forms) + 1, len(v), p=[0.4, 0.15, 0.15, 0.1, 0.08, 0.07, 0.05])
    out = np.full(len(v), None, dtype=object)
    for i, form in enumerate(forms):
        out[choice == i] = form.astype(object)[choice == i]
    return out


def phones(rng, mobile: np.ndarray, invalid: np.ndarray) -> np.ndarray:
    """Mobiles and landlines with spaces, hyphens, +86, brackets and extensions; invalid where asked."""
    n = len(mobile)
    mob = np.asarray(mobile).astype(str)
    area = pick(rng, ["010", "021", "022", "0755", "0571", "025"], n)
    local = rng.integers(20000000, 89999999, n).astype(str)
    forms = [
        mob, np.char.add("+86 ", mob),
        np.array([f"{m[:3]}-{m[3:7]}-{m[7:]}" for m in mob], dtype=object),
        np.array([f"{m[:3]} {m[3:7]} {m[7:]}" for m in mob], dtype=object),
        np.char.add(np.char.add(area.astype(str), "-"), local),
        np.char.add(np.char.add(np.char.add("(", area.astype(str)), ")"), local),
        np.char.add(np.char.add(np.char.add(area.astype(str), "-"), local), "转8021"),
        np.char.add(np.char.add(np.char.add("0086-", area.astype(str)), local), " ext 21"),
    ]
    choice = rng.choice(len(forms), n)
    out = np.empty(n, dtype=object)
    for i, form in enumerate(forms):
        out[choice == i] = np.asarray(form, dtype=object)[choice == i]
    bad = pick(rng, ["6253888", "12345678901", "010-123", "电话待补"], n)
    out[invalid] = bad[invalid]
    return out


def emails(rng, values: np.ndarray, invalid: np.ndarray) -> np.ndarray:
    out = np.asarray(values, dtype=object).copy()
    broken = np.array([pick_one(rng, [v.replace("@", "#"), v.replace("@", "@@"), v.replace("@", " @"),
                                      v.split("@")[0] + "@localhost"]) for v in out[invalid]], dtype=object)
    out[invalid] = broken
    return out


def pick_one(rng, options: list[str]) -> str:
    return options[rng.integers(0, len(options))]


def postcodes(rng, values: np.ndarray, invalid: np.ndarray) -> np.ndarray:
    out = np.asarray(values, dtype=object).copy()
    out[invalid] = pick(rng, ["10019", "1000800", "北京", "10O190"], int(invalid.sum()))
    return out


def org_names(rng, names: np.ndarray) -> np.ndarray:
    """The same organisation as people type it: other legal forms, spaces, bracket widths; mostly canonical."""
    out = np.asarray(names, dtype=object).copy()
    choice = rng.choice(5, len(out), p=[0.7, 0.1, 0.08, 0.07, 0.05])
    for i in np.flatnonzero(choice):
        out[i] = _variant(rng, out[i], choice[i])
    return out


def _variant(rng, name: str, kind: int) -> str:
    if kind == 1:  # another legal form
        form = next((f for f in LEGAL_FORMS if name.endswith(f)), None)
        if form:
            return name[: -len(form)] + pick_one(rng, [f for f in LEGAL_FORMS if f != form])
        return name
    if kind == 2:  # a space after the first two characters, or a trailing full-width space
        return name[:2] + " " + name[2:] if rng.random() < 0.5 else name + "\u3000"
    if kind == 3:  # half-width brackets where the register has full-width ones, or square ones
        return name.replace("（", "(").replace("）", ")") if "（" in name else "【" + name[:2] + "】" + name[2:]
    return " " + name + " "


def ratings(rng, values: np.ndarray, out_of_range: float) -> np.ndarray:
    """Ratings 1-5 as digits or words; a few out of range, which staging must null and flag."""
    v = np.asarray(values, dtype=float)
    out = np.full(len(v), None, dtype=object)
    rated = ~np.isnan(v)
    words = rated & (rng.random(len(v)) < 0.3)
    out[rated] = v[rated].astype(int).astype(str)
    out[words] = [RATING_WORDS[int(x)] for x in v[words]]
    wild = rated & (rng.random(len(v)) < out_of_range)
    out[wild] = pick(rng, ["6", "0", "10"], int(wild.sum()))
    return out
