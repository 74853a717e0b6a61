"""Read a source file's bytes and decode them without ever losing the file: UTF-8, UTF-16, GBK, else replace."""
from __future__ import annotations

import codecs
import re

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


class Undecodable(Exception):
    """The file is not text (binary content); the message is the skip reason."""


_LONE_CR = re.compile(r"\r(?!\n)")


def normalize(text: str) -> str:
    """Lone CRs become LFs (same length, so columns hold): Python, GCC and we count them as line ends,
    tree-sitter and the build-file scanners would not. Scanners receive text in this form."""
    return _LONE_CR.sub("\n", text) if "\r" in text else text


def decode(data: bytes) -> tuple[str, str]:
    """Return (text, note), text normalized; note is '' for clean UTF-8, else says how the text was obtained."""
    text, note = _decode(data)
    return normalize(text), note


def _decode(data: bytes) -> tuple[str, str]:
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(enc), f"decoded as {enc.upper().replace('-SIG', '')} (byte-order mark)"
            except UnicodeDecodeError:
                break
    if b"\x00" in data[:8192]:
        raise Undecodable("binary file (NUL bytes) with a source extension")
    try:
        return data.decode("utf-8"), ""
    except UnicodeDecodeError:
        pass
    try:  # GBK/GB18030 comments are common in these code bases; decode them rather than skip
        text = data.decode("gb18030")
        if _plausible(text):
            return text, "decoded as GB18030 (GBK)"
    except UnicodeDecodeError:
        pass
    return data.decode("utf-8", errors="replace"), "invalid UTF-8: undecodable bytes replaced"


def _plausible(text: str) -> bool:
    """GB18030 decodes most byte soup; accept it only when the result is mostly CJK/ASCII text."""
    odd = sum(1 for ch in text if ord(ch) > 0x7F and not ("\u4e00" <= ch <= "\u9fff" or "\u3000" <= ch <= "\u303f"
                                                          or "\uff00" <= ch <= "\uffef"))
    return odd <= max(2, len(text) // 200)
