"""Is text that is not UTF-8 really GB18030? Almost any bytes decode under GB18030, so Big5 and
Shift-JIS exports used to load as garbled names. Real GB18030 exports are Chinese: nearly all their
non-ASCII characters are in GB2312 (the common simplified set) and none are private-use. Big5 read
as GB18030 gives private-use characters (its frequent hanzi fall in GBK's user-defined area), and
Shift-JIS gives almost nothing in GB2312.

Measured (tests/hostile_files.py's names in a CSV, and the demo): Big5 (cp950) 47 % private-use and
63 % outside GB2312, every single name at least 14 % private-use; Shift-JIS (cp932) 0 % and 100 %;
the demo's GB18030 files 0 % and at most 0.02 %; GB18030 of traditional-script names 0 % and 21 %
(one name alone at most 71 %).
"""
from __future__ import annotations

import codecs
import unicodedata
from collections import Counter
from pathlib import Path

from .signatures import UnreadableFile

WINDOW_BYTES = 1 << 16     # three windows (start, middle, end): a bounded sample of any size of file
MAX_GARBAGE_SHARE = 0.05   # private-use, unassigned or undecodable, of the non-ASCII characters
MAX_OUTSIDE_GB2312_SHARE = 0.8
LOOKALIKES = (("Big5", "cp950"), ("Shift-JIS", "cp932"))
HALFWIDTH_KATAKANA = range(0xFF61, 0xFFA0)   # what Big5 bytes become when read as Shift-JIS


def check_gb18030(path: Path) -> None:
    """Raise UnreadableFile when a sample of the file, read as GB18030, is not Chinese text."""
    sample = _sample(path)
    text = codecs.getincrementaldecoder("gb18030")(errors="replace").decode(sample)
    chars = Counter(text)
    n = len(text) - len(text.encode("ascii", errors="ignore"))   # the non-ASCII characters
    if n == 0:
        return
    garbage = sum(count for char, count in chars.items()
                  if char == "\ufffd" or unicodedata.category(char) in ("Co", "Cn"))
    outside = text.encode("gb2312", errors="replace").count(b"?") - chars["?"]
    if garbage > n * MAX_GARBAGE_SHARE or outside > n * MAX_OUTSIDE_GB2312_SHARE:
        raise UnreadableFile(f"not UTF-8 or GB18030 ({_lookalike(sample)}): save it as CSV UTF-8")


def _sample(path: Path) -> bytes:
    """The start, middle and end of the file; each later window begins after a line end, where no
    multibyte character of these encodings can be cut (their trailing bytes are never 0x0A)."""
    size = path.stat().st_size
    windows = []
    with path.open("rb") as f:
        for start in sorted({0, max(size // 2 - WINDOW_BYTES // 2, 0), max(size - WINDOW_BYTES, 0)}):
            f.seek(start)
            window = f.read(WINDOW_BYTES)
            if start:
                window = window[window.find(b"\n") + 1:] if b"\n" in window else b""
            windows.append(window[:window.rfind(b"\n") + 1] or window)
    return b"".join(windows)


def _lookalike(sample: bytes) -> str:
    """Which East Asian encoding the bytes read cleanly in, as a hint for the person who fixes it."""
    names = []
    for name, codec in LOOKALIKES:
        try:
            text = sample.decode(codec)
        except UnicodeDecodeError:
            continue
        if not any(ord(c) in HALFWIDTH_KATAKANA or unicodedata.category(c) == "Co" for c in set(text)):
            names.append(name)
    return f"looks like {' or '.join(names)}" if names else "an unknown encoding"
