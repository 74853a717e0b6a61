"""JSON: the versioned source of truth; every other format could be rendered from it."""
from __future__ import annotations

import json
from json import encoder as _encoder
from typing import Any

# Objects are indented for people; a list of objects (findings, files, effort line items...) is written one
# compact element per line and a list of plain values on one line, all by the C encoder (an indented dump of 20k
# findings takes the pure-Python encoder seconds). ensure_ascii keeps lone surrogates and control characters
# from scanned code valid JSON (as \u escapes).
_compact = json.JSONEncoder(ensure_ascii=True, separators=(", ", ": ")).encode
if _encoder.c_make_encoder is not None:  # CPython: one C encoder for every element (encode() makes one per call)
    _c_encode = _encoder.c_make_encoder(None, None, _encoder.encode_basestring_ascii, None, ": ", ", ", False, False,
                                        True)

    def _compact(value: Any, _join=", ".join) -> str:  # noqa: F811 - same output, faster
        if isinstance(value, str):
            return _encoder.encode_basestring_ascii(value)
        return "".join(_c_encode(value, 0))


def render(doc: dict[str, Any]) -> str:
    memo: dict[int, str] = {}  # id of a verdicts dict -> its text: findings of one symbol share one dict

    def element(v: Any) -> str:
        verdicts = v.get("verdicts") if isinstance(v, dict) else None
        if not isinstance(verdicts, dict) or next(reversed(v)) != "verdicts":
            return _compact(v)
        text = memo.get(id(verdicts))
        if text is None:
            text = memo[id(verdicts)] = _compact(verdicts)
        head = _compact({k: x for k, x in v.items() if k != "verdicts"})
        return f"{head[:-1]}, \"verdicts\": {text}}}"

    def write(value: Any, pad: str) -> str:
        if isinstance(value, dict) and value:
            inner = pad + " "
            return "{\n" + ",\n".join(f"{inner}{_compact(str(k))}: {write(v, inner)}" for k, v in value.items()) \
                + f"\n{pad}}}"
        if isinstance(value, list) and any(isinstance(v, (dict, list)) for v in value):
            inner = pad + " "
            return "[\n" + ",\n".join(inner + element(v) for v in value) + f"\n{pad}]"
        return _compact(value)

    return write(doc, "") + "\n"
