"""CSV: one row per finding and backend, for spreadsheets; cells that a spreadsheet would run as formulas are defused."""
from __future__ import annotations

import csv
import io
from typing import Any

COLUMNS: tuple[str, ...] = ("path", "line", "column", "symbol", "kind", "family", "category", "backend", "status",
                            "target", "note", "ref", "source", "id")
# Excel, LibreOffice and Google Sheets evaluate a cell that starts with one of these (OWASP "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def cell(value: Any) -> Any:
    """A cell value that a spreadsheet shows as text: a leading formula character gets a single quote before it."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    s = "" if value is None else str(value)
    # also catch " =1+1": some importers trim leading blanks before deciding what a cell is
    if s.startswith(_FORMULA_START) or s.lstrip(" ").startswith(_FORMULA_START):
        return "'" + s
    return s


def render(doc: dict[str, Any]) -> str:
    """Render the findings as CSV (RFC 4180 quoting, LF line ends), one row per finding and backend."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(COLUMNS)
    ids = [b.get("id", "") for b in doc.get("backends", [])]
    for f in doc.get("findings", []):
        verdicts = f.get("verdicts", {})
        for bid in ids:
            v = verdicts.get(bid)
            if v is None:
                continue  # this backend's tables say nothing about the symbol (e.g. an op-support gap elsewhere)
            w.writerow([cell(x) for x in (
                f.get("path", ""), int(f.get("line", 0) or 0), int(f.get("column", 0) or 0), f.get("symbol", ""),
                f.get("kind", ""), f.get("family", ""), f.get("category", ""), bid, v.get("status", ""),
                v.get("target", ""), v.get("note", ""), v.get("ref", ""), f.get("source", ""), f.get("id", ""))])
    return buf.getvalue()
