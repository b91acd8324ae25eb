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
