"""JSON: the versioned source of truth; every other format could be rendered from it."""
from __future__ import annotations

import json
from collections.abc import Sequence
from itertools import islice
from json import encoder as _encoder
from typing import Any, Iterator

from ..document import FindingRows, clean

# Objects are indented for people; a list of objects (findings, files, effort line items...) is written one
# compact element per line and a list of plain values on one line, all by the C encoder (an indented dump of 20k
# findings takes the pure-Python encoder seconds). ensure_ascii keeps lone surrogates and control characters
# from scanned code valid JSON (as \u escapes).
_compact = json.JSONEncoder(ensure_ascii=True, separators=(", ", ": ")).encode
_string = _encoder.encode_basestring_ascii  # a str as JSON (C), as _compact writes it
if _encoder.c_make_encoder is not None:  # CPython: one C encoder for every element (encode() makes one per call)
    _c_encode = _encoder.c_make_encoder(None, None, _encoder.encode_basestring_ascii, None, ": ", ", ", False, False,
                                        True)

    def _compact(value: Any) -> str:  # noqa: F811 - same output, faster
        if isinstance(value, str):
            return _encoder.encode_basestring_ascii(value)
        return "".join(_c_encode(value, 0))


def render(doc: dict[str, Any]) -> str:
    return "".join(render_chunks(doc))


def render_chunks(doc: dict[str, Any]) -> Iterator[str]:
    """The JSON text in pieces (a thousand list elements at most each), for writing a large report without
    holding it whole."""
    memo: dict[int, tuple[dict, str]] = {}  # id -> (verdicts dict, kept alive so ids stay unique; its text)

    def element(v: Any) -> str:
        verdicts = v.get("verdicts") if isinstance(v, dict) else None
        if not isinstance(verdicts, dict) or next(reversed(v)) != "verdicts":
            return _compact(v)
        text = verdict_text(verdicts)
        head = _compact({k: x for k, x in v.items() if k != "verdicts"})
        return f"{head[:-1]}, \"verdicts\": {text}}}"

    def verdict_text(verdicts: dict) -> str:
        hit = memo.get(id(verdicts))
        if hit is None:
            hit = memo[id(verdicts)] = (verdicts, _compact(verdicts))
        return hit[1]

    def finding_lines(rows: FindingRows) -> Iterator[str]:
        """The lines element() would give for rows' dicts, formatted straight from the findings (~2x faster)."""
        s = _string
        for f, category, verdicts in rows.parts():
            u = f.use
            yield (f'{{"id": {s(f.fingerprint)}, "path": {s(u.path)}, "line": {u.line!r}, "column": {u.column!r}, '
                   f'"end_line": {u.end_line!r}, "end_column": {u.end_column!r}, "language": {s(u.language)}, '
                   f'"kind": {s(u.kind)}, "symbol": {s(clean(u.symbol))}, "family": {s(u.family)}, '
                   f'"category": {s(category)}, "source": {s(clean(u.source))}, "confidence": {s(u.confidence)}, '
                   f'"detail": {s(clean(u.detail))}, "in_kernel": {s(u.in_kernel)}, '
                   f'"verdicts": {verdict_text(verdicts)}}}')

    def write(value: Any, pad: str) -> Iterator[str]:
        inner = pad + " "
        if isinstance(value, dict) and value:
            sep = "{\n"
            for k, v in value.items():
                yield f"{sep}{inner}{_compact(str(k))}: "
                yield from write(v, inner)
                sep = ",\n"
            yield f"\n{pad}}}"
        elif isinstance(value, Sequence) and not isinstance(value, str) and any(
                isinstance(v, (dict, list)) for v in islice(value, 1000)):
            sep = "[\n" + inner
            batch: list[str] = []
            for line in (finding_lines(value) if type(value) is FindingRows else map(element, value)):
                batch.append(line)
                if len(batch) == 1000:
                    yield sep + f",\n{inner}".join(batch)
                    sep, batch = f",\n{inner}", []
            if batch:
                yield sep + f",\n{inner}".join(batch)
            yield f"\n{pad}]"
        elif isinstance(value, Sequence) and not isinstance(value, (str, list, tuple)):
            yield _compact(list(value))  # an empty or scalar FindingRows
        else:
            yield _compact(value)

    yield from write(doc, "")
    yield "\n"
