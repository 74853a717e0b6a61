"""Print how well the backend tables cover the CUDA catalog: catalog size by family, and per backend how many
catalog symbols get an exact entry, a wildcard entry, a prefix rule, a family default, or nothing (unknown).

Usage: python tools/mapping_coverage.py [--by-family] [--extra DIR ...]
       python tools/mapping_coverage.py --findings scan.json   # unknown share of a `portcheck scan --format json`
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

from portcheck.tables import Tables, load_tables

RULES = ("exact", "wildcard", "prefix", "family", "default")
LABELS = {"exact": "exact", "wildcard": "wildcard", "prefix": "prefix", "family": "family default",
          "default": "nothing"}


def top_family(fam: str) -> str:
    return fam.split(".")[0]


def coverage(tables: Tables) -> dict[str, dict[str, Counter]]:
    """backend -> {'rule': Counter(rule), 'status': Counter(status), 'unknown_by_family': Counter(family)}."""
    out: dict[str, dict[str, Counter]] = {}
    for b in tables.backends:
        rules, statuses, unknown = Counter(), Counter(), Counter()
        for entry in tables.catalog.values():
            v = b.lookup(entry.symbol, entry.family)
            rules[v.rule] += 1
            statuses[v.status] += 1
            if v.status == "unknown":
                unknown[top_family(entry.family)] += 1
        out[b.id] = {"rule": rules, "status": statuses, "unknown_by_family": unknown}
    return out


def print_catalog(tables: Tables, by_family: bool) -> None:
    fams = Counter(e.family for e in tables.catalog.values())
    tops: dict[str, int] = defaultdict(int)
    for fam, n in fams.items():
        tops[top_family(fam)] += n
    print(f"catalog: {len(tables.catalog)} symbols in {len(fams)} families")
    rows = sorted(fams.items()) if by_family else sorted(tops.items())
    for fam, n in rows:
        print(f"  {fam:<32} {n:>6}")


def print_coverage(tables: Tables) -> None:
    cov = coverage(tables)
    total = len(tables.catalog)
    head = "".join(f"{LABELS[r]:>16}" for r in RULES)
    print(f"\n{'backend':<10}{head}{'unknown status':>16}")
    for bid, c in cov.items():
        cells = "".join(f"{c['rule'][r]:>8} {100 * c['rule'][r] / max(total, 1):5.1f}%" for r in RULES)
        unk = c["status"]["unknown"]
        print(f"{bid:<10}{cells}{unk:>8} {100 * unk / max(total, 1):5.1f}%")
    print("\nstatus of catalog symbols per backend:")
    for bid, c in cov.items():
        print(f"  {bid:<9}" + "  ".join(f"{s} {c['status'][s]}" for s in ("rename", "adapt", "partial", "missing", "unknown")))
    for bid, c in cov.items():
        if c["unknown_by_family"]:
            worst = ", ".join(f"{f} {n}" for f, n in c["unknown_by_family"].most_common(6))
            print(f"  {bid} unknown by family: {worst}")


def print_findings(path: Path) -> None:
    """Unknown share per backend in a portcheck JSON report (findings[].verdicts)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    findings = data.get("findings") or []
    per: dict[str, Counter] = defaultdict(Counter)
    symbols: dict[str, Counter] = defaultdict(Counter)
    for f in findings:
        verdicts = f.get("verdicts") or {}
        items = verdicts.items() if isinstance(verdicts, dict) else ((v.get("backend"), v) for v in verdicts)
        for bid, v in items:
            per[bid][v.get("status")] += 1
            if v.get("status") == "unknown":
                symbols[bid][(f.get("use") or f).get("symbol", "?")] += 1
    print(f"{path}: {len(findings)} findings")
    for bid, c in per.items():
        n = sum(c.values())
        print(f"  {bid:<9} unknown {c['unknown']:>5} / {n} = {100 * c['unknown'] / max(n, 1):.2f}%"
              + (f"   top: {', '.join(f'{s} {k}' for s, k in symbols[bid].most_common(5))}" if symbols[bid] else ""))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--by-family", action="store_true", help="catalog sizes per family, not per top-level family")
    ap.add_argument("--extra", nargs="*", default=[], help="extra mapping folders (same layout)")
    ap.add_argument("--findings", nargs="*", default=[], help="portcheck JSON reports to summarise instead")
    args = ap.parse_args(argv)
    if args.findings:
        for p in args.findings:
            print_findings(Path(p))
        return 0
    tables = load_tables([Path(d) for d in args.extra])
    print_catalog(tables, args.by_family)
    print_coverage(tables)
    return 0


if __name__ == "__main__":
    sys.exit(main())
