"""Markdown: a compact summary for a pull-request comment or an issue (GitHub-flavoured tables)."""
from __future__ import annotations

import re
from typing import Any

from . import viewmodel as vm

TOP_FILES = 10
TOP_MISSING = 10
FIRST_FINDINGS = 10

_NEWLINES = re.compile(r"[\r\n\u2028\u2029\x0b\x0c\x85]+")
_PUNCT = re.compile(r"([\\`*_\[\]()#+!|~{}])")


def text(value: Any) -> str:
    """Escape scanned text for Markdown prose and table cells: no markup, no HTML, one line."""
    s = _NEWLINES.sub(" ", str(value))
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _PUNCT.sub(r"\\\1", s)


def code(value: Any, in_table: bool = True) -> str:
    """A code span that survives any backticks, pipes or newlines in value."""
    s = _NEWLINES.sub(" ", str(value))
    if not s:
        return ""
    if in_table:
        s = s.replace("|", "\\|")  # GFM splits table cells on '|' even inside code spans
    longest = max((len(m) for m in re.findall(r"`+", s)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if (s.startswith("`") or s.endswith("`") or longest) else ""
    return f"{fence}{pad}{s}{pad}{fence}"


def _verdict(v: dict[str, Any] | None) -> str:
    if not v:
        return "·"
    out = v.get("status", "")
    if v.get("target"):
        out += " → " + code(v["target"])
    return out


def _summary(doc: dict[str, Any], cards: list[dict[str, Any]]) -> list[str]:
    lines = ["| backend | working port (h) | range (h) | person-days | kernel parity (+h) | readiness | "
             + " | ".join(vm.STATUSES) + " | kernel units |",
             "|---|--:|--:|--:|--:|--:|" + "--:|" * len(vm.STATUSES) + "---|"]
    for c in cards:
        if c["has_effort"]:
            par = c.get("parity") or {}
            eff = [vm.hours(c["hours"]), f"{vm.hours(c['low'])}–{vm.hours(c['high'])}", vm.days(c["person_days"]),
                   f"{vm.hours(par.get('hours', 0))} ({vm.hours(par.get('low', 0))}–{vm.hours(par.get('high', 0))})",
                   f"{c['readiness']:.0f}%"]
        else:
            eff = ["–", "–", "–", "–", "–"]
        units = ", ".join(f"{n} {k}" for k, n in (c.get("strategies") or {}).items())
        lines.append(f"| **{text(c['id'])}** {text(c['name'])} | " + " | ".join(eff) + " | "
                     + " | ".join(str(c["counts"][s]) for s in vm.STATUSES) + f" | {text(units or '–')} |")
    lines += ["", "*Working port*: runs correctly on the device (vendor operators, PyTorch composites or fallbacks for "
              "the kernels, renames, build, distributed, environment). *Kernel parity*: on top of it, the kernels "
              "replaced or left out brought to native speed, and optional integrations."]
    return lines


def _kernel_units(doc: dict[str, Any], ids: list[str]) -> list[str]:
    rows = [u for u in vm.kernel_units(doc) if u["phase"] == "working"][:TOP_FILES]
    if not rows:
        return []
    lines = ["", "### Kernels: strategy per unit", "", "| unit | job | " + " | ".join(text(b) for b in ids) + " |",
             "|---|---|" + "---|" * len(ids)]
    for u in rows:
        cells = []
        for b in ids:
            p = u["plan"][b]
            if not p:
                cells.append("·")
                continue
            cell = f"{text(p['strategy'])} {vm.hours(p['hours'])} h"
            if p.get("ops"):
                cell += " " + code(p["ops"][0])
            if p.get("parity_hours"):
                cell += f"; parity {text(p['parity_strategy'])} +{vm.hours(p['parity_hours'])} h"
            cells.append(cell)
        names = ", ".join(u["kernels"][:2]) + (f" +{len(u['kernels']) - 2}" if len(u["kernels"]) > 2 else "")
        lines.append(f"| {code(u['path'])} {text(names)} | {text(u['job'])}"
                     + (" (optional)" if u["optional"] else "") + " | " + " | ".join(cells) + " |")
    return lines


def _project(doc: dict[str, Any]) -> list[str]:
    from .terminal import project_lines

    return ["", *[text(line) + "  " for line in project_lines(doc.get("effort_project") or {})]] \
        if project_lines(doc.get("effort_project") or {}) else []


def _top_files(doc: dict[str, Any], ids: list[str]) -> list[str]:
    rows = vm.top_files(doc, TOP_FILES)
    if not rows:
        return []
    lines = ["", "### Top files by cost", "", "| file | findings | " + " | ".join(f"{text(b)} h" for b in ids) + " |",
             "|---|--:|" + "--:|" * len(ids)]
    for r in rows:
        hrs = [vm.hours(r["hours"][b]) if r["hours"][b] is not None else "·" for b in ids]
        lines.append(f"| {code(r['path'])} | {r['findings']} | " + " | ".join(hrs) + " |")
    return lines


def _top_missing(doc: dict[str, Any], ids: list[str]) -> list[str]:
    rows = vm.top_missing(doc, TOP_MISSING)
    if not rows:
        return []
    lines = ["", "### Top missing APIs", "", "| symbol | family | uses | first seen | " + " | ".join(text(b) for b in ids)
             + " |", "|---|---|--:|---|" + "---|" * len(ids)]
    for g in rows:
        first = g["first"]
        more = f" (+{len(g['files']) - 1} files)" if len(g["files"]) > 1 else ""
        lines.append(f"| {code(g['symbol'])} | {text(g['family'])} | {g['uses']} | "
                     f"{code(str(first.get('path', '')) + ':' + str(first.get('line', '')))}{more} | "
                     + " | ".join(_verdict(g["verdicts"].get(b)) for b in ids) + " |")
    return lines


def _first_findings(doc: dict[str, Any], ids: list[str]) -> list[str]:
    """The first findings with no equivalent on some backend, with their code line, folded away."""
    hits: dict[tuple[str, int, str], list[dict[str, Any]]] = {}
    for f in doc.get("findings", []):  # one entry per symbol and line: `threadIdx.x ... threadIdx.x` is one item
        if any((f.get("verdicts", {}).get(b) or {}).get("status") == "missing" for b in ids):
            hits.setdefault((f.get("path", ""), f.get("line", 0), f.get("symbol", "")), []).append(f)
    if not hits:
        return []
    total = sum(len(v) for v in hits.values())
    lines = ["", f"<details><summary>{total} finding{'s' if total != 1 else ''} with no equivalent on some backend"
                 + (f" (first {FIRST_FINDINGS} lines)" if len(hits) > FIRST_FINDINGS else "") + "</summary>", ""]
    for group in list(hits.values())[:FIRST_FINDINGS]:
        f = group[0]
        times = f" ×{len(group)}" if len(group) > 1 else ""
        missing = [b for b in ids if (f.get("verdicts", {}).get(b) or {}).get("status") == "missing"]
        src = str(f.get("source", "")).strip()
        lines.append(f"- {code(str(f.get('path', '')) + ':' + str(f.get('line', '')), in_table=False)} "
                     f"{code(f.get('symbol', ''), in_table=False)}{times}: missing on {text(', '.join(missing))}"
                     + (f" — {code(src, in_table=False)}" if src else ""))
    lines += ["", "</details>"]
    return lines


def render(doc: dict[str, Any]) -> str:
    """Render the report document as compact Markdown."""
    ids = vm.backend_ids(doc)
    cards = vm.backend_cards(doc)
    s = doc.get("summary", {})
    scan = doc.get("scan", {})
    lines = [f"## portcheck: porting {text(scan.get('root', ''))} off CUDA", ""]
    best = vm.cheapest(cards)
    facts = (f"{s.get('findings', 0)} findings in {s.get('files_with_findings', 0)} of {s.get('files_scanned', 0)} "
             f"files, {s.get('kernels', 0)} custom kernels")
    if s.get("suppressed"):
        facts += f", {s['suppressed']} suppressed"
    if s.get("skipped"):
        facts += f", {s['skipped']} files skipped or partly scanned"
    if best and s.get("findings"):
        lead = "Cheapest port" if sum(1 for c in cards if c["has_effort"]) > 1 else "Port"
        par = best.get("parity") or {}
        lines.append(f"**{lead}: {text(best['name'])}, a working port in about {vm.days(best['person_days'])} "
                     f"person-days** ({vm.hours(best['hours'])} h, range {vm.hours(best['low'])}–"
                     f"{vm.hours(best['high'])} h)"
                     + (f", and {vm.days(par.get('person_days', 0))} more for kernel parity" if par.get("hours") else "")
                     + f". {facts}.")
    else:
        lines.append(f"No CUDA ties found. {facts}." if not s.get("findings") else f"{facts}.")
    if ids:
        lines += [""] + _summary(doc, cards)
        chips = [f"{text(b['id'])}: {text(vm.target_text(b['target']))}" for b in doc.get("backends", []) if b.get("target")]
        if chips:
            lines += ["", "Hardware targets: " + "; ".join(chips) + "."]
        ev = (s.get("by_evidence") or {})
        if any(sum(c.values()) for c in ev.values()):
            lines += ["", "Evidence per verdict (verified / mapped / inferred): " + "; ".join(
                f"{text(bid)} " + " / ".join(str(n) for n in c.values()) for bid, c in ev.items()) + "."]
    lines += _project(doc) + _kernel_units(doc, ids) + _top_files(doc, ids) + _top_missing(doc, ids) \
        + _first_findings(doc, ids)
    versions = "; ".join(f"{text(b.get('id', ''))}: " + ", ".join(f"{text(k)} {text(v)}"
                                                                 for k, v in sorted(b.get("versions", {}).items()))
                         for b in doc.get("backends", []))
    tool = doc.get("tool", {})
    lines += ["", f"<sub>portcheck {text(tool.get('version', ''))} · mapping tables {text(doc.get('tables_version', ''))}"
                  + (f" ({versions})" if versions else "")
                  + f" · scanned {text(scan.get('scan_date', ''))}. Statuses: rename = same API under a new name; "
                  "adapt = arguments or semantics differ; partial = subset only; missing = no equivalent; "
                  "unknown = not in the tables. Details: the HTML report.</sub>"]
    return "\n".join(lines) + "\n"
