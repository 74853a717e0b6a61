"""How much of a real scan rests on inference: the share of findings per backend whose verdict's evidence is
`verified`, `mapped` or `inferred` (issue 14's done-when: at most 10 % inferred per backend).

    python benchmarks/evidence_shares.py vllm=/path/to/vllm apex=/path/to/apex [--top 15] [--target cann:950]

Each NAME=PATH is scanned once (all backends, no cache) with the portcheck importable from this interpreter; the
script prints a Markdown table of the shares and, with --top N, the N largest groups of inferred findings per
backend (symbol, status, rule), which is where the next table work pays most. --json FILE keeps the numbers.
A repository is read from a plain tree: export one with `git archive` (or benchmarks/calibration.py's rebuild()
for a snapshot with missing blobs).
"""
from __future__ import annotations

import argparse
import collections
import json
import subprocess
import sys
import tempfile
from pathlib import Path

EVIDENCE = ("verified", "mapped", "inferred")


def scan(path: Path, targets: list[str]) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "scan.json"
        cmd = [sys.executable, "-m", "portcheck", "scan", str(path), "-f", "json", "-o", str(out), "-q", "--no-cache"]
        for t in targets:
            cmd += ["--target", t]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if not out.exists():
            raise SystemExit(f"evidence_shares: scanning {path} failed: {proc.stderr.strip().splitlines()[-1:]}")
        return json.loads(out.read_text())


def shares(report: dict) -> dict[str, dict[str, float | int]]:
    """{backend: {total, verified, mapped, inferred (counts), inferred_pct}} from a JSON report's summary."""
    result = {}
    for backend, counts in report["summary"]["by_evidence"].items():
        total = sum(counts.values())
        row: dict[str, float | int] = {"total": total}
        row.update({e: counts.get(e, 0) for e in EVIDENCE})
        row["inferred_pct"] = round(100 * counts.get("inferred", 0) / total, 1) if total else 0.0
        result[backend] = row
    return result


def inferred_groups(report: dict, backend: str) -> collections.Counter:
    groups: collections.Counter = collections.Counter()
    for f in report["findings"]:
        v = f["verdicts"].get(backend)
        if v and v.get("evidence") == "inferred":
            groups[(f["symbol"], v["status"], v["rule"])] += 1
    return groups


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("repos", nargs="+", metavar="NAME=PATH")
    ap.add_argument("--top", type=int, default=0, help="list the N largest inferred groups per backend")
    ap.add_argument("--target", action="append", default=[], help="hardware target(s), as for portcheck scan")
    ap.add_argument("--json", type=Path, help="write the shares as JSON here")
    args = ap.parse_args(argv)
    table: dict[str, dict] = {}
    backends: list[str] = []
    for spec in args.repos:
        name, sep, path = spec.partition("=")
        if not sep or not Path(path).is_dir():
            ap.error(f"'{spec}': expected NAME=PATH with PATH a directory")
        report = scan(Path(path), args.target)
        table[name] = shares(report)
        backends = backends or list(table[name])
        if args.top:
            for b in backends:
                print(f"\n{name} {b}: largest groups of inferred findings")
                for (symbol, status, rule), n in inferred_groups(report, b).most_common(args.top):
                    print(f"  {n:6d}  {symbol}  ({status}, {rule})")
    print("\n| repository | " + " | ".join(f"{b} inferred" for b in backends) + " |")
    print("|---|" + "--:|" * len(backends))
    for name, row in table.items():
        cells = [f"{row[b]['inferred_pct']} % of {row[b]['total']:,}" for b in backends]
        print(f"| {name} | " + " | ".join(cells) + " |")
    if args.json:
        args.json.write_text(json.dumps(table, indent=1) + "\n")
    worst = max(row[b]["inferred_pct"] for row in table.values() for b in backends)
    print(f"\nlargest inferred share: {worst} % (issue 14's bar: 10 %)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
