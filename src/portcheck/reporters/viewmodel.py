"""Presentation helpers shared by the HTML and Markdown reporters: sort, group and format the report document.

Nothing here computes an estimate. Every hour figure is read from the document; these functions only pick,
order, group findings by symbol or file, and format numbers, so templates stay dumb.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Any

STATUSES: tuple[str, ...] = ("rename", "adapt", "partial", "missing", "unknown")
EVIDENCE_HELP = {
    "verified": "the vendor name was found in a vendor list, header or source (see the ref)",
    "mapped": "a vendor tool's mapping says so; not confirmed in the vendor's headers",
    "inferred": "a family default or a prefix rule, not a row for this name: check it",
}


def target_text(t: dict[str, Any]) -> str:
    """'Ascend 950PR / 950DT (Atlas 350), SIMT, warp 32': a backend's hardware target in one phrase."""
    if not t:
        return ""
    model = (f"SIMT, warp {t.get('warp_size')}" if t.get("simt") else "no SIMT (SIMD, no warps)")
    return f"{t.get('name', t.get('id', ''))}, {model}" + (" (default)" if t.get("default") else "")
STATUS_HELP = {
    "rename": "same semantics, only the name changes; a tool can do it",
    "adapt": "an equivalent exists, but arguments or semantics differ",
    "partial": "only a subset, only some hardware, or inference-only",
    "missing": "no equivalent: needs a workaround or a rewrite",
    "unknown": "the mapping tables do not cover it: a person must check",
}
CATEGORY_LABELS = {
    "python-device-api": "Python device API", "distributed": "Distributed", "build": "Build & CI",
    "runtime-c-api": "Runtime C API", "cuda-libraries": "CUDA libraries", "custom-kernels": "Custom kernels",
    "cuda-only-deps": "CUDA-only dependencies", "op-gaps": "PyTorch operator gaps",
}


def hours(x: Any) -> str:
    """Format hours like the terminal summary (no decimals from 100 up), with two decimals below 1 h."""
    try:
        v = float(x)
    except (TypeError, ValueError):
        return "–"
    if abs(v) >= 100:
        return f"{v:,.0f}"
    return f"{v:,.1f}" if abs(v) >= 1 or v == 0 else f"{v:.2f}"


def days(x: Any) -> str:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return "–"
    return f"{v:,.0f}" if abs(v) >= 100 else f"{v:,.1f}"


def category_label(cat: str) -> str:
    return CATEGORY_LABELS.get(cat, cat)


def backend_ids(doc: dict[str, Any]) -> list[str]:
    return [b.get("id", "") for b in doc.get("backends", [])]


PORT_LANGUAGES = frozenset({"python", "cuda", "cpp"})  # the files `portcheck port` edits


def port_counts(doc: dict[str, Any]) -> dict[str, tuple[int, int]]:
    """Per backend: (rename findings `portcheck port` would edit, rename findings whose name stays)."""
    out: dict[str, list[int]] = {b: [0, 0] for b in backend_ids(doc)}
    for f in doc.get("findings", []):
        for bid, v in (f.get("verdicts") or {}).items():
            if bid not in out or v.get("status") != "rename":
                continue
            target = v.get("target") or ""
            if not target or target == f.get("symbol"):
                out[bid][1] += 1
            elif f.get("language") in PORT_LANGUAGES:
                out[bid][0] += 1
    return {b: (n[0], n[1]) for b, n in out.items()}


def backend_cards(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """One card per backend: effort, range, readiness, counts by status, top contributors."""
    cards = []
    port = port_counts(doc)
    by_status = doc.get("summary", {}).get("by_status", {})
    for b in doc.get("backends", []):
        bid = b.get("id", "")
        e = doc.get("effort", {}).get(bid, {})
        counts = {s: int(by_status.get(bid, {}).get(s, 0)) for s in STATUSES}
        total = sum(counts.values())
        items = sorted((i for i in e.get("line_items", []) if i.get("phase", "working") == "working"),
                       key=lambda i: (-i.get("hours", 0), i.get("what", "")))
        cats = sorted(((v, k) for k, v in e.get("by_category", {}).items() if v), reverse=True)
        cards.append({
            "id": bid, "name": b.get("name", bid), "vendor": b.get("vendor", ""), "device": b.get("device", ""),
            "kernel_model": b.get("kernel_model", ""), "versions": b.get("versions", {}),
            "target": b.get("target") or {}, "target_text": target_text(b.get("target") or {}),
            "evidence": doc.get("summary", {}).get("by_evidence", {}).get(bid, {}),
            "summary": b.get("summary", ""), "has_effort": bool(e),
            "hours": e.get("hours", 0.0), "low": e.get("low", 0.0), "high": e.get("high", 0.0),
            "parity": e.get("parity") or {}, "aux": e.get("aux") or {},
            "strategies": {k: n for k, n in (e.get("strategy_counts") or {}).items() if n},
            "person_days": e.get("person_days", 0.0), "person_days_low": e.get("person_days_low", 0.0),
            "person_days_high": e.get("person_days_high", 0.0), "readiness": e.get("readiness", 0.0),
            "mechanical_share": e.get("mechanical_share", 0.0), "kernel_action": e.get("kernel_action", ""),
            "counts": counts, "total": total,
            "status_bar": [{"status": s, "count": counts[s], "pct": 100.0 * counts[s] / total if total else 0.0}
                           for s in STATUSES],
            "top_items": items[:3],
            "port_edits": port.get(bid, (0, 0))[0], "port_same": port.get(bid, (0, 0))[1],
            "top_category": (cats[0][1], 100.0 * cats[0][0] / e["hours"]) if cats and e.get("hours") else None,
        })
    return cards


def cheapest(cards: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The backend with the fewest hours (the headline answer), if any backend has an estimate."""
    priced = [c for c in cards if c["has_effort"]]
    return min(priced, key=lambda c: (c["hours"], c["id"])) if priced else None


def category_chart(doc: dict[str, Any], width: float = 860.0, row: float = 36.0) -> dict[str, Any]:
    """Geometry of the stacked 'effort by category' bars, one per backend, with a low-high whisker."""
    ids = backend_ids(doc)
    effort = doc.get("effort", {})
    scale_max = max([float(effort.get(b, {}).get("high", 0) or 0) for b in ids] + [1e-9])
    cats: list[str] = []
    for b in ids:
        for c in effort.get(b, {}).get("by_category", {}):
            if c not in cats:
                cats.append(c)
    rows = []
    for n, b in enumerate(ids):
        e = effort.get(b, {})
        x = 0.0
        segs = []
        for c in cats:
            h = float(e.get("by_category", {}).get(c, 0) or 0)
            if h <= 0:
                continue
            w = width * h / scale_max
            segs.append({"category": c, "label": category_label(c), "hours": h, "x": round(x, 2),
                         "w": round(max(w, 0.5), 2)})
            x += w
        rows.append({"id": b, "y": n * row, "segments": segs, "end": round(x, 2),
                     "low_x": round(width * float(e.get("low", 0) or 0) / scale_max, 2),
                     "high_x": round(width * float(e.get("high", 0) or 0) / scale_max, 2),
                     "hours": e.get("hours", 0), "low": e.get("low", 0), "high": e.get("high", 0)})
    used = [c for c in cats if any(float(effort.get(b, {}).get("by_category", {}).get(c, 0) or 0) > 0 for b in ids)]
    return {"width": width, "row": row, "height": max(1, len(ids)) * row, "rows": rows,
            "legend": [{"category": c, "label": category_label(c)} for c in used],
            "table": [{"category": c, "label": category_label(c),
                       "hours": {b: effort.get(b, {}).get("by_category", {}).get(c, 0) for b in ids}} for c in used]}


def top_files(doc: dict[str, Any], limit: int = 15) -> list[dict[str, Any]]:
    """Files ranked by their highest cost on any backend, with the cost on each backend."""
    ids = backend_ids(doc)
    per: dict[str, dict[str, float]] = defaultdict(dict)
    for b in ids:
        for f in doc.get("effort", {}).get(b, {}).get("top_files", []):
            per[f["path"]][b] = f["hours"]
    counts = {f["path"]: f.get("findings", 0) for f in doc.get("files", [])}
    rows = [{"path": p, "hours": {b: h.get(b) for b in ids}, "max": max(h.values()), "findings": counts.get(p, 0)}
            for p, h in per.items()]
    rows.sort(key=lambda r: (-r["max"], r["path"]))
    top = max([r["max"] for r in rows] + [1e-9])
    for r in rows:
        r["bar"] = round(100.0 * r["max"] / top, 1)
    return rows[:limit]


def files_with_findings(doc: dict[str, Any]) -> list[dict[str, Any]]:
    rows = [f for f in doc.get("files", []) if f.get("findings") or f.get("suppressed")]
    return sorted(rows, key=lambda f: (-f.get("findings", 0), f.get("path", "")))


def kernels(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """Each custom kernel with its features and its cost (and why) on each backend, costliest first."""
    ids = backend_ids(doc)
    cost: dict[tuple[str, int, str], dict[str, dict[str, Any]]] = defaultdict(dict)
    for b in ids:
        for item in doc.get("effort", {}).get(b, {}).get("line_items", []):
            if item.get("kernel"):
                key = (item.get("path", ""), int(item.get("line", 0)), item["kernel"])
                cost[key][b] = {"hours": item.get("hours", 0), "low": item.get("low", 0),
                                "high": item.get("high", 0), "why": item.get("why", []),
                                "action": item.get("what", "").split(" ", 1)[0]}
    rows = []
    for k in doc.get("kernels", []):
        per = cost.get((k.get("path", ""), int(k.get("line", 0)), k.get("name", "")), {})
        rows.append({**k, "cost": {b: per.get(b) for b in ids},
                     "max": max([c["hours"] for c in per.values()] + [0])})
    rows.sort(key=lambda r: (-r["max"], r.get("path", ""), r.get("line", 0)))
    return rows


def kernel_units(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """Kernel units (the kernels of one file that share a job) with each backend's strategy, costliest first."""
    ids = backend_ids(doc)
    if not any("kernel_units" in doc.get("effort", {}).get(b, {}) for b in ids):
        return _kernel_rows_of_an_older_report(doc)
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for b in ids:
        for u in doc.get("effort", {}).get(b, {}).get("kernel_units", []):
            key = (u.get("path", ""), u.get("job", ""))
            row = rows.setdefault(key, {"path": key[0], "job": key[1], "line": u.get("line", 1),
                                        "kernels": u.get("kernels", []), "lines": u.get("lines", 0),
                                        "features": u.get("features", []), "optional": u.get("optional", ""),
                                        "phase": u.get("phase", "working"), "job_why": u.get("job_why", ""),
                                        "plan": {}})
            row["plan"][b] = u
    out = list(rows.values())
    for r in out:
        r["plan"] = {b: r["plan"].get(b) for b in ids}
        r["max"] = max([(p or {}).get("hours", 0) + (p or {}).get("parity_hours", 0) for p in r["plan"].values()]
                       + [0])
    out.sort(key=lambda r: (r["phase"] != "working", -r["max"], r["path"], r["line"]))
    return out


def _kernel_rows_of_an_older_report(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """A report written before kernel units (`portcheck render` of a saved JSON): one row per kernel with the
    rewrite or review item it had."""
    out = []
    for k in kernels(doc):
        plan = {b: ({"strategy": c["action"], "hours": c["hours"], "why": " + ".join(c["why"]), "parity_hours": 0}
                    if c else None) for b, c in k["cost"].items()}
        out.append({"path": k.get("path", ""), "job": "", "line": k.get("line", 1), "kernels": [k.get("name", "")],
                    "lines": k.get("lines", 0), "features": k.get("features", []), "optional": "",
                    "phase": "working", "job_why": "", "plan": plan, "max": k["max"]})
    return out


def _verdict_summary(findings: list[dict[str, Any]], bid: str) -> list[dict[str, str]]:
    seen: dict[tuple[str, str], dict[str, str]] = {}
    for f in findings:
        v = f.get("verdicts", {}).get(bid)
        if v and (v.get("status", ""), v.get("target", "")) not in seen:
            seen[(v.get("status", ""), v.get("target", ""))] = v
    return sorted(seen.values(), key=lambda v: (STATUSES.index(v["status"]) if v.get("status") in STATUSES else 9,
                                                v.get("target", "")))


def dependencies(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """CUDA-only dependencies: what replaces each one on each backend and what replacing it costs."""
    ids = backend_ids(doc)
    deps: dict[str, dict[str, Any]] = {}
    for b in ids:
        for item in doc.get("effort", {}).get(b, {}).get("line_items", []):
            if item.get("category") != "cuda-only-deps" or not item.get("symbols"):
                continue
            name = item.get("what", "").removeprefix("replace dependency ")
            d = deps.setdefault(name, {"name": name, "what": item.get("what_detail", ""), "symbols": set(),
                                       "hours": {}, "low": {}, "high": {}})
            d["symbols"].update(item["symbols"])
            d["hours"][b], d["low"][b], d["high"][b] = item.get("hours"), item.get("low"), item.get("high")
    by_symbol: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for f in doc.get("findings", []):
        by_symbol[f.get("symbol", "")].append(f)
    rows = []
    for d in deps.values():
        found = [f for s in sorted(d["symbols"]) for f in by_symbol.get(s, [])]
        rows.append({**d, "symbols": sorted(d["symbols"]), "uses": len(found),
                     "files": sorted({f.get("path", "") for f in found}),
                     "targets": {b: _verdict_summary(found, b) for b in ids}})
    rows.sort(key=lambda r: (-max([h or 0 for h in r["hours"].values()] + [0]), r["name"]))
    return rows


def group_by_symbol(findings: list[dict[str, Any]], ids: list[str]) -> list[dict[str, Any]]:
    """Findings grouped by symbol: uses, files, first location and the verdict on each backend."""
    groups: dict[str, dict[str, Any]] = {}
    for f in findings:
        sym = f.get("symbol", "")
        g = groups.get(sym)
        if g is None:
            g = groups[sym] = {"symbol": sym, "family": f.get("family", ""), "uses": 0, "files": set(),
                               "first": f, "verdicts": {b: f.get("verdicts", {}).get(b) for b in ids}}
        g["uses"] += 1
        g["files"].add(f.get("path", ""))
    out = []
    for g in groups.values():
        g["files"] = sorted(g["files"])
        g["missing_on"] = [b for b in ids if (g["verdicts"].get(b) or {}).get("status") == "missing"]
        out.append(g)
    return out


def op_gaps(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """PyTorch operators a vendor lists as unsupported or limited (family torch-op), most used first."""
    ids = backend_ids(doc)
    gaps = [f for f in doc.get("findings", []) if f.get("family", "").split(".")[0] == "torch-op"]
    rows = group_by_symbol(gaps, ids)
    rows.sort(key=lambda g: (-len(g["missing_on"]), -g["uses"], g["symbol"]))
    return rows


def top_missing(doc: dict[str, Any], limit: int = 15) -> list[dict[str, Any]]:
    """Symbols with no equivalent on at least one backend: most backends missing first, then most used."""
    ids = backend_ids(doc)
    rows = [g for g in group_by_symbol(doc.get("findings", []), ids) if g["missing_on"]]
    rows.sort(key=lambda g: (-len(g["missing_on"]), -g["uses"], g["symbol"]))
    return rows[:limit]


def estimate_items(doc: dict[str, Any]) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """Per backend, the line items split into kernel items and the rest, each costliest first."""
    out = {}
    for b in backend_ids(doc):
        items = doc.get("effort", {}).get(b, {}).get("line_items", [])
        key = lambda i: (-i.get("hours", 0), i.get("category", ""), i.get("what", ""))  # noqa: E731
        out[b] = {"general": sorted([i for i in items if not i.get("kernel")], key=key),
                  "kernels": sorted([i for i in items if i.get("kernel")], key=key)}
    return out


def families(doc: dict[str, Any]) -> list[str]:
    return sorted({f.get("family", "") for f in doc.get("findings", [])})


def findings_payload(doc: dict[str, Any]) -> dict[str, Any]:
    """A compact, column-oriented copy of the findings for the page's script (strings interned)."""
    ids = backend_ids(doc)
    strings: list[str] = []
    index: dict[str, int] = {}

    def s(value: Any) -> int:
        text = "" if value is None else str(value)
        n = index.get(text)
        if n is None:
            n = index[text] = len(strings)
            strings.append(text)
        return n

    rows = []
    for f in doc.get("findings", []):
        row: list[Any] = [str(f.get("id", "")), s(f.get("path")), int(f.get("line", 0) or 0),
                          int(f.get("column", 0) or 0), s(f.get("symbol")), s(f.get("family")), s(f.get("kind")),
                          str(f.get("source", "")), s(f.get("confidence")), s(f.get("detail")), s(f.get("in_kernel")),
                          s(f.get("category"))]
        for b in ids:
            v = f.get("verdicts", {}).get(b)
            if v is None:
                row += [-1, 0, 0, 0, 0]
            else:
                st = v.get("status", "unknown")
                row += [STATUSES.index(st) if st in STATUSES else 4, s(v.get("target")), s(v.get("note")),
                        s(v.get("ref")), s(v.get("evidence"))]
        rows.append(row)
    return {"backends": ids, "statuses": list(STATUSES), "strings": strings, "findings": rows,
            "files": [{"path": f.get("path", ""), "language": f.get("language", ""), "lines": f.get("lines", 0),
                       "findings": f.get("findings", 0), "suppressed": f.get("suppressed", 0)}
                      for f in files_with_findings(doc)],
            "file_hours": {b: {f["path"]: f["hours"] for f in doc.get("effort", {}).get(b, {}).get("top_files", [])}
                           for b in ids},
            # every file's cost per backend: [hours or null, upper bound or null] (see file_costs)
            "file_cost": {r["path"]: [[r["hours"][b], r["bound"][b]] for b in ids] for r in file_costs(doc)},
            "kernels": [{"path": k.get("path", ""), "name": k.get("name", ""), "line": k.get("line", 0),
                         "lines": k.get("lines", 0), "features": k.get("features", [])}
                        for k in doc.get("kernels", [])]}


# ---------------------------------------------------------------------------- "where": by file and by symbol
TOP_FILES_CAP = 15  # the effort model lists this many top files per backend when it lists no `file_hours`


def file_costs(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """Every file with findings, costliest first, with its cost on each backend. The cost is the effort model's
    figure: its `file_hours` (every file) when it gives them, else its top files; a file below those shows the
    smallest listed cost as an upper bound (`≤ x`), so no file is left without a figure."""
    ids = backend_ids(doc)
    exact: dict[str, dict[str, float]] = {}
    bound: dict[str, float | None] = {}
    for b in ids:
        e = doc.get("effort", {}).get(b, {})
        full = e.get("file_hours")
        if isinstance(full, dict):
            exact[b], bound[b] = {p: float(h) for p, h in full.items()}, 0.0
            continue
        tops = e.get("top_files", [])
        exact[b] = {f["path"]: float(f["hours"]) for f in tops}
        # a short list is complete (unlisted files cost nothing there); a full one bounds the rest
        bound[b] = min(exact[b].values()) if len(tops) >= TOP_FILES_CAP else 0.0
    rows = []
    for f in files_with_findings(doc):
        p = f.get("path", "")
        hours = {b: exact[b].get(p) for b in ids}
        rows.append({"path": p, "findings": f.get("findings", 0), "suppressed": f.get("suppressed", 0),
                     "hours": hours, "bound": {b: None if hours[b] is not None else bound[b] for b in ids},
                     "max": max([h for h in hours.values() if h is not None] + [0.0])})
    rows.sort(key=lambda r: (-r["max"], -r["findings"], r["path"]))
    top = max([r["max"] for r in rows] + [1e-9])
    for r in rows:
        r["bar"] = round(100.0 * r["max"] / top, 1)
    return rows


def symbol_plan(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """The porting plan: one row per CUDA symbol with its uses, files and what it becomes on each backend (each
    verdict and note once), worst first: most backends without an equivalent, then the most uses."""
    ids = backend_ids(doc)
    rows = group_by_symbol(doc.get("findings", []), ids)  # iterated once: findings are built on demand

    def severity(g: dict[str, Any]) -> tuple:
        ranks = sorted((STATUSES.index(v["status"]) for v in g["verdicts"].values()
                        if v and v.get("status") in STATUSES), reverse=True)
        return tuple(ranks)

    for g in rows:
        g["severity"] = severity(g)
    rows.sort(key=lambda g: (tuple(-r for r in g["severity"]), -g["uses"], g["symbol"]))
    return rows


def symbol_parts(symbol: str) -> list[str]:
    """A symbol cut after its separators (`.`, `::`, `/`, `_`): the page puts a line-break opportunity between the
    parts, so a narrow column wraps `torch.cuda.amp.autocast` at a dot, never mid-word."""
    import re

    return [p for p in re.split(r"(?:(?<=[./_])|(?<=::))(?=[^:])", str(symbol)) if p]
