"""SARIF 2.1.0 for GitHub code scanning: one run per backend, one rule per CUDA family, one result per finding.

Levels (what GitHub shows as error / warning / note), by the finding's status on that run's backend:
    missing          -> error    no equivalent: a workaround or a rewrite is needed
    partial, unknown -> warning  a person must decide (subset only, or the tables do not cover it)
    adapt, rename    -> note     an equivalent exists; edits are routine or mechanical
"""
from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from typing import Any
from urllib.parse import quote

from .viewmodel import STATUS_HELP, STATUSES, category_label

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
LEVELS = {"missing": "error", "partial": "warning", "unknown": "warning", "adapt": "note", "rename": "note"}
FINGERPRINT_KEY = "portcheckFindingId/v1"
HELP_SYMBOLS = 25  # symbols listed in a rule's help table
_URL = re.compile(r"https?://[^\s\"'<>`|)\]]+")
_SEMVER = re.compile(r"^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$")


def _md(value: Any) -> str:
    """Escape a value for the Markdown help of a rule (a table cell)."""
    s = re.sub(r"[\r\n]+", " ", str(value))
    return re.sub(r"([\\`*_\[\]|<>])", r"\\\1", s)


def _uri(path: str) -> str:
    return quote(str(path).replace("\\", "/"), safe="/")


def _rule(family: str, category: str, backend: dict[str, Any], findings: list[dict[str, Any]]) -> dict[str, Any]:
    """A rule for one family on one backend; its help is generated from the verdicts it covers."""
    bid, name = backend.get("id", ""), backend.get("name", backend.get("id", ""))
    counts = Counter(f["verdicts"][bid].get("status", "") for f in findings)
    symbols: dict[str, dict[str, Any]] = {}
    for f in findings:
        symbols.setdefault(f.get("symbol", ""), f["verdicts"][bid])
    tally = ", ".join(f"{counts[s]} {s}" for s in STATUSES if counts[s])
    label = category_label(category) if category else "CUDA"
    text = (f"Code in the CUDA family '{family}' ({label}) ties this code base to NVIDIA CUDA. On {name}: "
            f"{len(findings)} use(s) of {len(symbols)} symbol(s): {tally}. Each result names the {name} equivalent "
            "(target), what differs (note) and where that fact comes from (ref). "
            + " ".join(f"{s}: {STATUS_HELP[s]}." for s in STATUSES if counts[s]))
    rows = ["| symbol | status | target | note |", "|---|---|---|---|"]
    for sym in sorted(symbols)[:HELP_SYMBOLS]:
        v = symbols[sym]
        rows.append(f"| {_md(sym)} | {_md(v.get('status', ''))} | {_md(v.get('target', '')) or '–'} | "
                    f"{_md(v.get('note', '')) or '–'} |")
    if len(symbols) > HELP_SYMBOLS:
        rows.append(f"| … {len(symbols) - HELP_SYMBOLS} more | | | |")
    markdown = (f"**{_md(family)}** ({_md(label)}) on **{_md(name)}**: {tally}.\n\n" + "\n".join(rows) + "\n\n"
                + "\n".join(f"- **{s}**: {STATUS_HELP[s]}" for s in STATUSES if counts[s]))
    rule: dict[str, Any] = {
        "id": family,
        "name": "".join(part.capitalize() for part in re.split(r"[^0-9A-Za-z]+", family) if part) or "Cuda",
        "shortDescription": {"text": f"CUDA tie: {family} ({label})"},
        "fullDescription": {"text": text},
        "help": {"text": text, "markdown": markdown},
        "defaultConfiguration": {"level": "warning"},
        "properties": {"tags": ["portcheck", "cuda-porting", bid] + ([category] if category else []),
                       "category": category},
    }
    for f in findings:  # the vendor's documentation, when a table row cites a web page
        m = _URL.search(f["verdicts"][bid].get("ref", ""))
        if m:
            rule["helpUri"] = m.group(0).rstrip(".,;")
            break
    return rule


def _region(f: dict[str, Any]) -> dict[str, Any]:
    line = max(1, int(f.get("line", 1) or 1))
    col = max(1, int(f.get("column", 1) or 1))
    region: dict[str, Any] = {"startLine": line, "startColumn": col}
    end_line = int(f.get("end_line", 0) or 0)
    end_col = int(f.get("end_column", 0) or 0)  # 1-based and exclusive, as SARIF wants
    if end_line >= line:
        region["endLine"] = end_line
        if end_col >= 1 and (end_line > line or end_col > col):
            region["endColumn"] = end_col
    if f.get("source"):
        region["snippet"] = {"text": f["source"]}
    return region


def _message(f: dict[str, Any], v: dict[str, Any], name: str) -> str:
    msg = f"{f.get('symbol', '')} ({f.get('family', '') or f.get('kind', '')}) ties this code to CUDA. On {name}: "
    msg += v.get("status", "")
    if v.get("target"):
        msg += f", use {v['target']}"
    if v.get("note"):
        msg += f" ({v['note']})"
    if v.get("ref"):
        msg += f". Source: {v['ref']}"
    return msg + "."


def _run(doc: dict[str, Any], backend: dict[str, Any]) -> dict[str, Any]:
    bid, name = backend.get("id", ""), backend.get("name", backend.get("id", ""))
    mine = [f for f in doc.get("findings", []) if bid in f.get("verdicts", {})]
    by_family: dict[str, list[dict[str, Any]]] = defaultdict(list)
    categories: dict[str, str] = {}
    for f in mine:
        fam = f.get("family", "") or "cuda"
        by_family[fam].append(f)
        categories.setdefault(fam, f.get("category", ""))
    families = sorted(by_family)
    index = {fam: n for n, fam in enumerate(families)}
    results = []
    for f in mine:
        v = f["verdicts"][bid]
        fam = f.get("family", "") or "cuda"
        results.append({
            "ruleId": fam, "ruleIndex": index[fam], "level": LEVELS.get(v.get("status", ""), "warning"),
            "message": {"text": _message(f, v, name)},
            "locations": [{"physicalLocation": {
                "artifactLocation": {"uri": _uri(f.get("path", "")), "uriBaseId": "%SRCROOT%"},
                "region": _region(f)}}],
            "partialFingerprints": {FINGERPRINT_KEY: str(f.get("id", ""))},
            "properties": {"status": v.get("status", ""), "target": v.get("target", ""),
                           "symbol": f.get("symbol", ""), "confidence": f.get("confidence", "")},
        })
    tool = doc.get("tool", {})
    driver: dict[str, Any] = {"name": tool.get("name", "portcheck"), "version": str(tool.get("version", "")),
                              "rules": [_rule(fam, categories[fam], backend, by_family[fam]) for fam in families]}
    if _SEMVER.match(driver["version"]):
        driver["semanticVersion"] = driver["version"]
    notes = [{"level": "warning" if not s.get("partial") else "note",
              "message": {"text": ("partly scanned: " if s.get("partial") else "skipped: ") + str(s.get("reason", ""))},
              "locations": [{"physicalLocation": {"artifactLocation": {"uri": _uri(s.get("path", "")),
                                                                       "uriBaseId": "%SRCROOT%"}}}]}
             for s in doc.get("skipped", [])]
    effort = doc.get("effort", {}).get(bid, {})
    return {
        "tool": {"driver": driver},
        "automationDetails": {"id": f"portcheck/{bid}/",
                              "description": {"text": f"CUDA ties and what they become on {name}"}},
        "originalUriBaseIds": {"%SRCROOT%": {"description": {"text": "the folder portcheck scanned"}}},
        "columnKind": "unicodeCodePoints",
        "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": notes}],
        "results": results,
        "properties": {"backend": backend, "tables_version": doc.get("tables_version", ""),
                       "scan_date": doc.get("scan", {}).get("scan_date", ""),
                       "effort": {k: effort[k] for k in ("hours", "low", "high", "person_days", "readiness")
                                  if k in effort}},
    }


def render(doc: dict[str, Any]) -> str:
    """Render the report document as a SARIF 2.1.0 log with one run per backend."""
    log = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [_run(doc, b) for b in doc.get("backends", [])]}
    # compact: GitHub caps uploads (10 MB gzipped) and large scans have tens of thousands of results per run
    return json.dumps(log, ensure_ascii=True, separators=(",", ":")) + "\n"
