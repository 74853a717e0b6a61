"""The short terminal summary: per backend effort, readiness and status counts; top files and contributors."""
from __future__ import annotations

from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table

from .viewmodel import target_text

NARROW_BELOW = 110  # columns; the wide effort table needs about 130
STATUS_STYLE = {"rename": "green", "adapt": "yellow", "partial": "dark_orange", "missing": "red", "unknown": "magenta"}


def _h(x: float) -> str:
    return f"{x:,.0f}" if x >= 100 else f"{x:,.1f}"


def print_summary(doc: dict[str, Any], console: Console, top: int = 5) -> None:
    s = doc["summary"]
    console.print(f"[bold]portcheck[/bold] {doc['tool']['version']}  ·  {doc['scan']['root']}  ·  "
                  f"{s['files_scanned']} files read, {s['files_with_findings']} with CUDA ties, "
                  f"{s['findings']} findings, {s['kernels']} kernels"
                  + (f", {s['suppressed']} suppressed" if s["suppressed"] else "")
                  + (f", {s['skipped']} skipped" if s["skipped"] else ""))
    if not s["files_scanned"] and not s["skipped"]:
        console.print("No CUDA ties found: no file portcheck reads (Python, CUDA, C/C++, CMake, setup.py, "
                      "requirements, TOML) is in this folder.")
        return
    if not s["findings"] and not s["kernels"]:  # no table of 0 h (and no kernel verdict) for a CUDA-free tree
        console.print(f"No CUDA ties found: nothing to port in the {s['files_scanned']} file(s) read"
                      + (f" ({s['suppressed']} suppressed)" if s["suppressed"] else "")
                      + (f"; {s['skipped']} file(s) skipped or partly scanned" if s["skipped"] else "") + ".")
        return
    if not doc["backends"]:
        return
    narrow = console.width < NARROW_BELOW  # 80-column terminals: ids only, short headers, no box lines
    t = Table(title="Porting effort per backend", title_justify="left", show_lines=False,
              box=box.SIMPLE_HEAD if narrow else box.HEAVY_HEAD, pad_edge=not narrow)
    t.add_column("backend", no_wrap=True)
    t.add_column("h" if narrow else "working h", justify="right", no_wrap=True)
    t.add_column("range" if narrow else "range (h)", justify="right", no_wrap=True)
    if not narrow:
        t.add_column("person-days", justify="right", no_wrap=True)
    t.add_column("+kern" if narrow else "parity +h", justify="right", no_wrap=True)
    t.add_column("ready", justify="right", no_wrap=True)
    for st, style in STATUS_STYLE.items():
        t.add_column(st[:3] if narrow else st, justify="right", style=style, no_wrap=True)
    for b in doc["backends"]:
        e = doc["effort"].get(b["id"], {})
        counts = doc["summary"]["by_status"].get(b["id"], {})
        t.add_row(f"[bold]{b['id']}[/bold]" + ("" if narrow else f" {b['name']}"), _h(e.get("hours", 0)),
                  f"{_h(e.get('low', 0))}–{_h(e.get('high', 0))}",
                  *([] if narrow else [f"{e.get('person_days', 0):.1f}"]),
                  _h((e.get("parity") or {}).get("hours", 0)),
                  f"{e.get('readiness', 0):.0f}%", *[f"{counts.get(st, 0):,}" for st in STATUS_STYLE])
    console.print(t)
    if narrow:
        console.print("[dim]h: working port; +kern: kernel parity on top; ren ada par mis unk: rename, adapt, "
                      "partial, missing, unknown; "
                      + "; ".join(f"{b['id']} = {b['name']}" for b in doc["backends"]) + "[/dim]")
    else:
        console.print("[dim]working h: the working port (runs correctly on the device: vendor operators, PyTorch "
                      "composites, fallbacks); parity +h: kernel parity on top (the replaced kernels at native "
                      "speed).[/dim]")
    for line in project_lines(doc.get("effort_project") or {}):
        console.print(line, highlight=False)
    chips = [f"{b['id']} {target_text(b['target'])}" for b in doc["backends"] if b.get("target")]
    if chips:
        console.print("hardware targets: " + "; ".join(chips) + "  [dim](--target BACKEND:CHIP)[/dim]",
                      highlight=False)
    ev = doc["summary"].get("by_evidence") or {}
    if any(sum(c.values()) for c in ev.values()):
        console.print("evidence (verified / mapped / inferred): " + "; ".join(
            f"{bid} " + " / ".join(f"{n * 100 / max(1, sum(c.values())):.0f}%" for n in c.values())
            for bid, c in ev.items()), highlight=False)
    for b in doc["backends"]:
        e = doc["effort"].get(b["id"])
        if not e or not e.get("hours"):
            continue
        line = strategy_line(e)
        if line:
            console.print(f"[bold]{b['id']}[/bold] kernels: {line}", highlight=False)
        items = sorted((i for i in e["line_items"] if i.get("phase", "working") == "working"),
                       key=lambda i: -i["hours"])[:3]
        parts = [f"{i['what']} {_h(i['hours'])} h" for i in items]
        cats = sorted(((v, k) for k, v in e["by_category"].items() if v), reverse=True)[:3]
        console.print(f"[bold]{b['id']}[/bold] top contributors: " + "; ".join(parts))
        console.print("    by category: " + ", ".join(f"{k} {_h(v)} h" for v, k in cats)
                      + f"  ·  mechanical {e['mechanical_share'] * 100:.0f}%")
    first = doc["backends"][0]["id"]
    files = doc["effort"].get(first, {}).get("top_files", [])[:top]
    if files:
        ft = Table(title=f"Top files by cost ({first})", title_justify="left",
                   box=box.SIMPLE_HEAD if narrow else box.HEAVY_HEAD, pad_edge=not narrow)
        ft.add_column("file", overflow="fold")  # a long path wraps; the numbers never shrink to "…"
        for b in doc["backends"]:
            ft.add_column(f"{b['id']} h", justify="right", no_wrap=True)
        per = {b["id"]: {f["path"]: f["hours"] for f in doc["effort"].get(b["id"], {}).get("top_files", [])}
               for b in doc["backends"]}
        for f in files:
            ft.add_row(f["path"], *[_h(per[b["id"]].get(f["path"], 0.0)) if f["path"] in per[b["id"]] else "·"
                                    for b in doc["backends"]])
        console.print(ft)
    if doc["summary"]["skipped"]:
        console.print(f"[dim]{doc['summary']['skipped']} file(s) skipped or partly scanned; see the report's "
                      f"'skipped' list.[/dim]")


def strategy_line(e: dict[str, Any]) -> str:
    """`10 vendor-op, 13 torch-composite; parity: rewrite 341 h` for one backend's kernel units."""
    counts = [f"{n} {s}" for s, n in (e.get("strategy_counts") or {}).items() if n]
    if not counts:
        return ""
    parity = (e.get("parity") or {}).get("hours", 0)
    return ", ".join(counts) + (f"; kernel parity +{_h(parity)} h ({e.get('kernel_action', '')} what was "
                                f"replaced or left out)" if parity else "")


def project_lines(project: dict[str, Any]) -> list[str]:
    """What the estimate found about the code: abstractions, optional native code, ROCm code left out."""
    lines = []
    found = [f"{a['label']} ({', '.join(a['symbols'][:3])}; {a['files']} file(s))" for a in project.get("abstractions", [])]
    if found:
        lines.append("found: " + "; ".join(found))
    if project.get("optional_native"):
        lines.append(f"kernels are optional: {project['optional_native']}")
    if project.get("rocm_branches") or project.get("excluded_kernels") or (project.get("paths") or {}).get("platform"):
        lines.append(f"not priced (ROCm/HIP code): {project.get('rocm_branches', 0)} #ifdef USE_ROCM branch(es), "
                     f"{(project.get('paths') or {}).get('platform', 0)} file(s) in ROCm/HIP paths, "
                     f"{project.get('excluded_kernels', 0)} kernel(s)")
    return lines


def statistics_lines(doc: dict[str, Any]) -> list[str]:
    """`scan --statistics`: findings per family (most first), with each backend's status counts, like
    `ruff --statistics`. Plain text, one family a line."""
    from collections import Counter, defaultdict

    bids = [b["id"] for b in doc["backends"]]
    per_family: Counter[str] = Counter()
    statuses: dict[str, dict[str, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))
    for f in doc["findings"]:
        fam = f.get("family", "") or "cuda"
        per_family[fam] += 1
        for bid, v in f["verdicts"].items():
            statuses[fam][bid][v.get("status", "")] += 1
    order = list(STATUS_STYLE)
    lines = []
    width = max([len(f) for f in per_family] + [6])
    for fam, n in sorted(per_family.items(), key=lambda kv: (-kv[1], kv[0])):
        parts = []
        for bid in bids:
            c = statuses[fam][bid]
            worst = next((s for s in reversed(order) if c.get(s)), "")
            if worst:
                parts.append(f"{bid} {worst} {c[worst]}")
        lines.append(f"{n:>7}  {fam:<{width}}  worst: " + ", ".join(parts))
    lines.append(f"{sum(per_family.values()):>7}  findings in {len(per_family)} families")
    return lines
