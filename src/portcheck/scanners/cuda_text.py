"""Byte-level helpers of the CUDA scanner: identifier search, qualified-name bounds, blanking, range sets."""
from __future__ import annotations

import re
from bisect import bisect_right
from typing import Iterator

WORD_TABLE = bytes(c if (48 <= c <= 57 or 65 <= c <= 90 or 97 <= c <= 122 or c == 95) else 32 for c in range(256))
IS_WORD = [c != 32 for c in WORD_TABLE]
_BLANK = bytes(10 if c == 10 else 32 for c in range(256))
_CHAIN_TAIL = re.compile(rb"(?:::~?[A-Za-z_]\w*)*")
# Strings, character literals and comments inside a macro body (which the grammar hands over as raw text).
MACRO_LEXEMES = re.compile(rb'"(?:\\.|[^"\\\n])*"?|\'(?:\\.|[^\'\\\n])*\'?|//[^\n]*|/\*.*?(?:\*/|$)', re.S)


def occurrences(buf: bytes, word: bytes) -> Iterator[int]:
    """Offsets where `word` occurs as a whole identifier (a word ending in `::` may be followed by anything)."""
    n, size = len(word), len(buf)
    i = buf.find(word)
    while i >= 0:
        j = i + n
        if (i == 0 or not IS_WORD[buf[i - 1]]) and (j >= size or not IS_WORD[buf[j]] or not IS_WORD[word[-1]]):
            yield i
        i = buf.find(word, i + 1)


def chain_bounds(buf: bytes, s: int, e: int) -> tuple[int, int]:
    """Grow [s, e) to the whole `a::b::c` qualified name around it (a leading `::` included)."""
    while s >= 2 and buf[s - 2] == 0x3A and buf[s - 1] == 0x3A:
        k = s - 2
        while k > 0 and IS_WORD[buf[k - 1]]:
            k -= 1
        if k == s - 2:
            s = k
            break
        s = k
    return s, _CHAIN_TAIL.match(buf, e).end()


def next_char(buf: bytes, pos: int) -> int:
    """The first non-blank byte at or after pos (0 at the end)."""
    while pos < len(buf) and buf[pos] in (0x20, 0x09, 0x0A, 0x0D):
        pos += 1
    return buf[pos] if pos < len(buf) else 0


def prev_text(buf: bytes, pos: int, width: int = 40) -> bytes:
    """Up to `width` bytes before pos, trailing blanks removed."""
    return buf[max(0, pos - width):pos].rstrip()


def blanked(data: bytes, spans: list[tuple[int, int]]) -> bytes:
    """data with the given spans replaced by spaces (newlines kept, so offsets and lines do not move)."""
    pieces, last = [], 0
    for s, e in sorted(spans):
        if e <= last:
            continue
        s = max(s, last)
        pieces.append(data[last:s])
        pieces.append(data[s:e].translate(_BLANK))
        last = e
    pieces.append(data[last:])
    return b"".join(pieces)


class Ranges:
    """Sorted, merged byte ranges with a fast membership test."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        merged: list[list[int]] = []
        for s, e in sorted(spans):
            if merged and s <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], e)
            else:
                merged.append([s, e])
        self.starts = [s for s, _ in merged]
        self.ends = [e for _, e in merged]

    def __contains__(self, pos: int) -> bool:
        i = bisect_right(self.starts, pos) - 1
        return i >= 0 and pos < self.ends[i]
