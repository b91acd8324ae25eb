"""The keywords of texts (commission titles, a profile's core technology and products), for the
R&D directions (SPEC §5, 研发方向). Each distinct text is segmented once: a million commissions
repeat far fewer titles, and the warehouse joins the keywords back to them by the text itself."""
from __future__ import annotations

from collections.abc import Iterable

import pyarrow as pa

from .segmentation import Segmenter, is_keyword

SCHEMA = pa.schema([("text", pa.string()), ("keyword", pa.string()), ("position", pa.int32())])


def text_keywords(texts: Iterable[str | None], terms: Iterable[str] = (),
                  stop_words: Iterable[str] = ()) -> pa.Table:
    """One row per distinct text and keyword (its first position in the text): an empty text, or
    one in English only, has none."""
    segmenter, stop = Segmenter(terms), set(stop_words)
    text_col, keyword_col, position_col = [], [], []
    for text in sorted({t for t in texts if t and t.strip()}):
        seen = set()
        for word in segmenter.words(text):
            if is_keyword(word, stop) and word not in seen:
                seen.add(word)
                text_col.append(text)
                keyword_col.append(word)
                position_col.append(len(seen))
    return pa.table({"text": text_col, "keyword": keyword_col, "position": position_col}, schema=SCHEMA)
