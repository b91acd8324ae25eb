"""enrichment/: jieba keywords and rapidfuzz name pairs on small inputs, expected values by hand."""
from __future__ import annotations

import csv
from pathlib import Path

from enrichment.text_keywords import text_keywords
from enrichment.organisation_name_pairs import FLOOR, MAX_BLOCK, similar_name_pairs
from enrichment.segmentation import Segmenter

SEED = Path(__file__).parents[1] / "dbt" / "seeds" / "station_terms.csv"


def station_terms() -> tuple[list[str], list[str]]:
    with SEED.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return ([r["term"] for r in rows if r["kind"] == "domain"], [r["term"] for r in rows if r["kind"] == "stop"])


def test_jieba_dictionary_ships_in_the_package():
    import jieba

    # the default dictionary is a file of the installed package: nothing is downloaded
    assert (Path(jieba.__file__).parent / "dict.txt").stat().st_size > 1_000_000
    assert Segmenter().words("中药提取") == ["中药", "提取"]


def test_a_station_term_stays_whole_and_boilerplate_goes():
    terms, stop = station_terms()
    # without the seed jieba cuts the paper's 猪伪狂犬病疫苗 apart (猪 伪 狂犬病 疫苗) ...
    assert "猪伪狂犬病疫苗" not in Segmenter().words("基于猪伪狂犬病疫苗的研究与开发")
    table = text_keywords(["基于猪伪狂犬病疫苗的研究与开发"], terms, stop)
    # ... with it the term is one keyword; 基于, 研究, 开发 are stop words, 的 and 与 single characters
    assert table.to_pylist() == [{"text": "基于猪伪狂犬病疫苗的研究与开发", "keyword": "猪伪狂犬病疫苗", "position": 1}]


def test_bad_titles_are_harmless():
    terms, stop = station_terms()
    table = text_keywords(["", "   ", None, "Novelty search for project CX2008000001", "2008", "的"], terms, stop)
    assert table.num_rows == 0


def test_each_distinct_text_once_and_each_keyword_once_per_text():
    terms, stop = station_terms()
    title = "一种新型LED芯片封装方法及其应用：LED芯片"
    table = text_keywords([title, title, "膜分离技术"], terms, stop)
    # by hand: 一种 新型 方法 及其 应用 are stop words; LED芯片 (a term) once though written twice
    assert table.to_pylist() == [
        {"text": title, "keyword": "LED芯片", "position": 1},
        {"text": title, "keyword": "封装", "position": 2},
        {"text": "膜分离技术", "keyword": "膜分离技术", "position": 1},
    ]


def test_near_identical_names_pair_and_different_firms_do_not():
    pairs = similar_name_pairs(["常州绿源奥特生物", "绿源奥特生物常州", "北京华科恒达科技", "北京华科恒达",
                                "丙大学", "广州丁环保", None, "常州绿源奥特生物"])
    # by hand: a moved city has the same words (token_sort_ratio 100); a dropped trade word keeps
    # 6 of 8 and 6 characters (ratio 2·6 / (6 + 8) = 85.7 -> 86); 丙大学 and 广州丁环保 share no bigram
    assert sorted(pairs.to_pylist(), key=lambda r: r["similarity"]) == [
        {"match_name": "北京华科恒达", "other_match_name": "北京华科恒达科技", "similarity": 86},
        {"match_name": "常州绿源奥特生物", "other_match_name": "绿源奥特生物常州", "similarity": 100},
    ]


def test_common_bigrams_make_no_block():
    # MAX_BLOCK + 1 names share only 科技 (and 技有...): no pair is compared, however alike
    names = [f"{chr(0x4E00 + 2 * i)}{chr(0x4E01 + 2 * i)}科技" for i in range(MAX_BLOCK + 1)]
    assert similar_name_pairs(names).num_rows == 0
    # one more pair that shares a rare bigram is compared, and scores above the floor
    # (by hand: 6 of 6 and 8 characters in common, 2·6 / 14 = 85.7; their words 82.4)
    pairs = similar_name_pairs([*names, "瀚海生物制品", "瀚海生物制品科技"]).to_pylist()
    assert pairs == [{"match_name": "瀚海生物制品", "other_match_name": "瀚海生物制品科技", "similarity": 86}]
    assert pairs[0]["similarity"] >= FLOOR


def fillers(first: int, n: int) -> list[str]:
    """n names that share 科技 and no other bigram: XY科技, two characters from U+5000 on."""
    return [f"{chr(0x5000 + 2 * i)}{chr(0x5001 + 2 * i)}科技" for i in range(first, first + n)]


def test_a_changed_name_list_compares_only_what_changed_with_the_same_pairs():
    """_changed_pairs keeps the last pairs and compares the pairs with a new name and those sharing a
    bigram whose rarity changed: the same table as comparing every pair (_pairs)."""
    from enrichment.organisation_name_pairs import _changed_pairs, _pairs

    segmenter = Segmenter()
    # 49 names share 科技, a block (<= MAX_BLOCK): its 49·48/2 = 1176 pairs are compared, and 甲乙科技 ~
    # 甲丙科技 (3 of 4 characters, 2·3 / 8 = 75) is a pair
    old = sorted([*fillers(0, 47), "甲乙科技", "甲丙科技"])
    old_pairs, n_compared = _pairs(old, segmenter)
    assert n_compared == 1176 and ("甲丙科技", "甲乙科技") in {(p["match_name"], p["other_match_name"])
                                                               for p in old_pairs.to_pylist()}
    # 3 more names with 科技 make it common (52 > 50): the pair goes; of the 4 new names only 瀚海生物制品
    # and 瀚海生物制品科技 share a rare bigram: 1 pair compared (by hand: 86, test_common_bigrams_make_no_block)
    new = sorted([*old, *fillers(47, 2), "瀚海生物制品", "瀚海生物制品科技"])
    pairs, n_compared = _changed_pairs(new, old, old_pairs, lambda: segmenter)
    assert n_compared == 1
    assert pairs.to_pylist() == [{"match_name": "瀚海生物制品", "other_match_name": "瀚海生物制品科技", "similarity": 86}]
    assert pairs.equals(_pairs(new, segmenter)[0])
    # names gone: 科技 is rare again (49), so its 1176 pairs are compared again and 甲乙科技 ~ 甲丙科技 is back
    again = sorted([*old, "瀚海生物制品"])
    pairs, n_compared = _changed_pairs(again, new, pairs, lambda: segmenter)
    assert n_compared == 1176 and pairs.equals(old_pairs) and pairs.equals(_pairs(again, segmenter)[0])


def test_random_changes_to_the_names_give_the_pairs_of_comparing_everything(monkeypatch):
    """Names of a four-character alphabet, so that bigrams cross the bounds of a block (2 and, here,
    MAX_BLOCK = 3) both ways as names come and go."""
    import random

    import enrichment.organisation_name_pairs as module

    monkeypatch.setattr(module, "MAX_BLOCK", 3)
    segmenter, rng = Segmenter(), random.Random(7)
    alphabet = "甲乙丙丁"
    universe = sorted({"".join(rng.choice(alphabet) for _ in range(rng.randint(3, 6))) for _ in range(400)})
    names = sorted(rng.sample(universe, 30))
    pairs, _ = module._pairs(names, segmenter)
    for _ in range(12):
        kept = [name for name in names if rng.random() > 0.15]
        changed = sorted({*kept, *rng.sample(universe, rng.randint(0, 8))})
        pairs, n_compared = module._changed_pairs(changed, names, pairs, lambda: segmenter)
        full, n_every = module._pairs(changed, segmenter)
        assert pairs.equals(full) and n_compared <= n_every
        names = changed
