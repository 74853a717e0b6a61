"""Print the catalog's size by family and kind, and per backend how each catalog symbol is decided.

    python tools/catalog_coverage.py [--families] [--backends] [--mappings DIR ...]
"""
from __future__ import annotations

import argparse
import time
from collections import Counter, defaultdict
from pathlib import Path

from portcheck.tables import Tables, load_tables


def family_table(tables: Tables) -> list[tuple[str, int, str]]:
    """Return (family, symbols, kinds) rows, one per family that has catalog entries, sorted by family."""
    counts: Counter[str] = Counter()
    kinds: dict[str, Counter[str]] = defaultdict(Counter)
    for entry in tables.catalog.values():
        counts[entry.family] += 1
        kinds[entry.family][entry.kind] += 1
    return [(fam, counts[fam], ", ".join(f"{k} {n}" for k, n in sorted(kinds[fam].items())))
            for fam in sorted(counts)]


def top_level_table(tables: Tables) -> list[tuple[str, int]]:
    """Return (top-level family, symbols) rows: cuda-runtime.memory counts under cuda-runtime."""
    counts: Counter[str] = Counter(e.family.split(".")[0] for e in tables.catalog.values())
    return sorted(counts.items())


def backend_table(tables: Tables) -> list[tuple[str, int, int, int, int]]:
    """Return (backend, exact, wildcard or prefix, family default, nothing) counts over the catalog."""
    rows = []
    for backend in tables.backends:
        rules: Counter[str] = Counter()
        for entry in tables.catalog.values():
            rules[backend.lookup(entry.symbol, entry.family).rule] += 1
        rows.append((backend.id, rules["exact"], rules["wildcard"] + rules["prefix"], rules["family"],
                     rules["default"]))
    return rows


def main(argv: list[str] | None = None) -> int:
    """Load the tables and print the coverage tables."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mappings", type=Path, nargs="*", default=[], help="extra mapping folders")
    ap.add_argument("--families", action="store_true", help="one row per (sub-)family instead of per top level")
    ap.add_argument("--backends", action="store_true", help="also print per-backend decision counts")
    args = ap.parse_args(argv)
    start = time.perf_counter()
    tables = load_tables(args.mappings)
    elapsed = time.perf_counter() - start
    print(f"catalog: {len(tables.catalog)} symbols in {len(tables.families)} declared families "
          f"(loaded in {elapsed:.2f} s, uncached)")
    if args.families:
        for fam, n, kinds in family_table(tables):
            print(f"  {fam:34} {n:6}  {kinds}")
    else:
        for fam, n in top_level_table(tables):
            print(f"  {fam:34} {n:6}")
    if args.backends:
        print(f"\n  {'backend':10} {'exact':>7} {'prefix':>7} {'family':>7} {'nothing':>7}")
        for bid, exact, prefix, family, nothing in backend_table(tables):
            print(f"  {bid:10} {exact:7} {prefix:7} {family:7} {nothing:7}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
