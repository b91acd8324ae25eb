"""Chinese words by jieba, with the station's own terms (the seed station_terms) kept whole.

jieba's dictionary ships inside the package and loads offline (about 1 s; jieba caches the parsed
dictionary in the temporary folder). HMM new-word guessing is off, so the same text always gives
the same words and a word jieba does not know falls apart into single characters, which callers
drop, instead of inventing a fragment such as 猪伪.
"""
from __future__ import annotations

import functools
import logging
import re
from collections.abc import Iterable

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


class Segmenter:
    """One jieba tokenizer with the station's terms added; its own, so that two of them with other
    terms never share jieba's global dictionary."""

    def __init__(self, terms: Iterable[str] = ()):
        import jieba

        jieba.setLogLevel(logging.WARNING)   # not "Building prefix dict..." on every run's stderr
        self._tokenizer = jieba.Tokenizer()
        for term in terms:
            if term and term.strip():
                self._tokenizer.add_word(term.strip())   # its frequency suggested so that it stays whole

    def words(self, text: str | None) -> list[str]:
        """The words of text in order, whitespace dropped."""
        if not text:
            return []
        return [w for w in self._tokenizer.lcut(text, HMM=False) if w.strip()]


@functools.lru_cache(maxsize=4)
def segmenter_for(terms: tuple[str, ...]) -> Segmenter:
    """One Segmenter per set of terms in a process: a run's enrichments share it (loading jieba's
    dictionary takes 0.6 s)."""
    return Segmenter(terms)


def station_terms(con) -> tuple[list[str], list[str]]:
    """The seed station_terms of a warehouse: the domain terms jieba keeps whole, and the stop words."""
    rows = con.execute("select term, kind from seeds.station_terms where term is not null").fetchall()
    return [t for t, kind in rows if kind == "domain"], [t for t, kind in rows if kind == "stop"]


def is_keyword(word: str, stop_words: set[str]) -> bool:
    """A keyword has two characters or more, at least one of them Chinese, and is no stop word:
    英文 words, numbers, 的 and 基于 say nothing about a direction."""
    return len(word) >= 2 and CJK.search(word) is not None and word not in stop_words
