"""Build the report document: the plain-data view of a ScanResult that every reporter renders."""
from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Sequence
from typing import Any, Iterator

from .model import EVIDENCE, STATUSES, Finding, ScanResult
from .tables import Tables, default_evidence


def clean(text: str) -> str:
    """Drop lone surrogates so every format can encode the text."""
    if not isinstance(text, str) or text.isascii():
        return text
    return text.encode("utf-8", "replace").decode("utf-8")


class FindingRows(Sequence):
    """The document's findings, each built as a dict when it is read, never all at once: a 100,000-file tree gives
    ~600,000 findings, ~0.7 KB each as dicts. Iterate it, index it, take len(); `list()` it for a plain list
    (`json.dumps(doc, default=list)` does). Findings of one symbol share one (read-only) verdicts dict."""

    def __init__(self, findings: tuple[Finding, ...], tables: Tables | None) -> None:
        self._findings = findings
        self._tables = tables
        self._verdicts: dict[int, dict[str, Any]] = {}  # id of a verdicts tuple (one per symbol) -> its dict
        self._categories: dict[str, str] = {}

    def __len__(self) -> int:
        return len(self._findings)

    def __getitem__(self, index):  # type: ignore[override]
        if isinstance(index, slice):
            return [self._row(f) for f in self._findings[index]]
        return self._row(self._findings[index])

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return map(self._row, self._findings)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    def __deepcopy__(self, memo: dict) -> list[dict[str, Any]]:
        return copy.deepcopy(list(self), memo)

    def __repr__(self) -> str:
        return f"FindingRows({len(self)} findings)"

    def parts(self) -> Iterator[tuple[Finding, str, dict[str, Any]]]:
        """(finding, category, shared verdicts dict) in order: what a writer needs without building the rows."""
        for f in self._findings:
            yield f, self._category(f.use.family), self._verdicts_of(f)

    def _verdicts_of(self, f: Finding) -> dict[str, Any]:
        verdicts = self._verdicts.get(id(f.verdicts))
        if verdicts is None:
            verdicts = self._verdicts[id(f.verdicts)] = {
                bid: {"status": v.status, "target": v.target, "note": v.note, "ref": v.ref, "rule": v.rule,
                      "evidence": v.evidence or default_evidence(v.rule, v.status, v.target, v.note)}
                for bid, v in f.verdicts}
        return verdicts

    def _category(self, family: str) -> str:
        category = self._categories.get(family)
        if category is None:
            category = self._categories[family] = self._tables.category_of(family) if self._tables else ""
        return category

    def _row(self, f: Finding) -> dict[str, Any]:
        u = f.use
        verdicts = self._verdicts_of(f)
        category = self._category(u.family)
        return {
            "id": f.fingerprint, "path": u.path, "line": u.line, "column": u.column, "end_line": u.end_line,
            "end_column": u.end_column, "language": u.language, "kind": u.kind, "symbol": clean(u.symbol),
            "family": u.family, "category": category, "source": clean(u.source), "confidence": u.confidence,
            "detail": clean(u.detail), "in_kernel": u.in_kernel, "verdicts": verdicts,
        }


def build_document(result: ScanResult, tables: Tables | None = None) -> dict[str, Any]:
    backend_ids = [b["id"] for b in result.backends]
    by_status = {b: {s: 0 for s in STATUSES} for b in backend_ids}
    by_evidence = {b: {e: 0 for e in EVIDENCE} for b in backend_ids}  # how much of each backend's verdicts is inferred
    by_family: Counter[str] = Counter()
    for f in result.findings:
        by_family[f.use.family] += 1
        for bid, v in f.verdicts:
            by_status[bid][v.status] += 1
            by_evidence[bid][v.evidence or default_evidence(v.rule, v.status, v.target, v.note)] += 1
    findings = FindingRows(result.findings, tables)
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
            "by_status": by_status, "by_evidence": by_evidence, "by_family": dict(sorted(by_family.items())),
        },
        "effort": {b: result.effort[b] for b in backend_ids if b in result.effort},
        "effort_assumptions": result.effort.get("_assumptions", {}),
        "effort_project": result.effort.get("_project", {}),
        "findings": findings,
        "kernels": [{"path": k.path, "name": k.name, "line": k.line, "end_line": k.end_line, "lines": k.lines,
                     "features": list(k.features), "feature_counts": dict(k.feature_counts)}
                    for k in result.kernels],
        "files": [{"path": s.path, "language": s.language, "lines": s.lines, "size": s.size,
                   "findings": s.findings, "suppressed": s.suppressed, "note": s.note} for s in result.files],
        "skipped": [{"path": clean(s.path), "reason": clean(s.reason), "partial": s.partial} for s in result.skipped],
        "suppressed": [{"path": s.path, "line": s.line, "symbol": s.symbol, "reason": clean(s.reason)}
                       for s in result.suppressed],
    }
    return doc
