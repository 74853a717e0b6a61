"""Build the report document: the plain-data view of a ScanResult that every reporter renders."""
from __future__ import annotations

from collections import Counter
from typing import Any

from .model import STATUSES, ScanResult
from .tables import Tables


def _clean(text: str) -> str:
    """Drop lone surrogates so every format can encode the text."""
    if not isinstance(text, str) or text.isascii():
        return text
    return text.encode("utf-8", "replace").decode("utf-8")


def _category(family: str, tables: Tables | None, memo: dict[str, str]) -> str:
    cat = memo.get(family)
    if cat is None:
        cat = memo[family] = tables.category_of(family) if tables else ""
    return cat


def build_document(result: ScanResult, tables: Tables | None = None) -> dict[str, Any]:
    backend_ids = [b["id"] for b in result.backends]
    findings = []
    by_status = {b: {s: 0 for s in STATUSES} for b in backend_ids}
    by_family: Counter[str] = Counter()
    shared: dict[int, dict[str, Any]] = {}  # matching gives one verdicts tuple per symbol: one (read-only) dict
    categories: dict[str, str] = {}
    for f in result.findings:
        u = f.use
        by_family[u.family] += 1
        verdicts = shared.get(id(f.verdicts))
        if verdicts is None:
            verdicts = shared[id(f.verdicts)] = {
                bid: {"status": v.status, "target": v.target, "note": v.note, "ref": v.ref, "rule": v.rule}
                for bid, v in f.verdicts}
        for bid, v in f.verdicts:
            by_status[bid][v.status] += 1
        findings.append({
            "id": f.fingerprint, "path": u.path, "line": u.line, "column": u.column, "end_line": u.end_line,
            "end_column": u.end_column, "language": u.language, "kind": u.kind, "symbol": _clean(u.symbol),
            "family": u.family, "category": _category(u.family, tables, categories),
            "source": _clean(u.source), "confidence": u.confidence, "detail": _clean(u.detail),
            "in_kernel": u.in_kernel, "verdicts": verdicts,
        })
    files_with = sum(1 for s in result.files if s.findings)
    meta = dict(result.metadata)
    doc = {
        "schema_version": meta.pop("schema_version"),
        "tool": meta.pop("tool"),
        "tables_version": meta.pop("tables_version"),
        "scan": meta,
        "backends": list(result.backends),
        "summary": {
            "files_scanned": len(result.files), "files_with_findings": files_with,
            "findings": len(result.findings), "kernels": len(result.kernels),
            "skipped": len(result.skipped), "suppressed": len(result.suppressed),
            "by_status": by_status, "by_family": dict(sorted(by_family.items())),
        },
        "effort": {b: result.effort[b] for b in backend_ids if b in result.effort},
        "effort_assumptions": result.effort.get("_assumptions", {}),
        "findings": findings,
        "kernels": [{"path": k.path, "name": k.name, "line": k.line, "end_line": k.end_line, "lines": k.lines,
                     "features": list(k.features), "feature_counts": dict(k.feature_counts)}
                    for k in result.kernels],
        "files": [{"path": s.path, "language": s.language, "lines": s.lines, "size": s.size,
                   "findings": s.findings, "suppressed": s.suppressed, "note": s.note} for s in result.files],
        "skipped": [{"path": _clean(s.path), "reason": _clean(s.reason), "partial": s.partial} for s in result.skipped],
        "suppressed": [{"path": s.path, "line": s.line, "symbol": s.symbol, "reason": _clean(s.reason)}
                       for s in result.suppressed],
    }
    return doc
