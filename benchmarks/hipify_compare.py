"""Compare portcheck's C/C++ findings with the (file, CUDA name) pairs hipify-perl reports, and print recall.

Example (paths are only examples):
    python benchmarks/hipify_compare.py /work/ext/vllm --sub csrc --hipify /work/ext/HIPIFY/bin/hipify-perl \
        --report vllm.json
    python benchmarks/hipify_compare.py /work/ext/apex --hipify .../hipify-perl --run-portcheck

Pair comparison (documented in benchmarks/README.md):
  * hipify pairs come from each file's "CONVERTED refs by names:" block of `hipify-perl -examine`, run on the
    findcode.sh file set under REPO/SUB with paths relative to REPO/SUB.
  * A pair is kept only if the name occurs in that file outside comments and string/char literals: as a whole
    word for identifiers, or, for a header name, as the basename of an `#include` directive's path.
  * A kept pair (file, name) is matched when portcheck has a finding in the same file whose symbol equals the
    name, or whose last `::` component equals it (`cub::X` covers X), or, for headers, whose symbol (the
    include path as written) has the same basename. An identifier hipify counted inside an include path
    (`CUDAContext` in `ATen/cuda/CUDAContext.h`) also matches portcheck's finding for that include.
"""
from __future__ import annotations

import argparse
import collections
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from hipify_common import (blank_c_source, find_code_files, has_word, include_paths, is_header_name,
                           occurs_in_code, parse_hipify_stats, run_hipify)

# What hipify-perl cannot see at all; counted from portcheck's findings in the same file set.
PORTCHECK_ONLY = {
    "NCCL": lambda f: f["symbol"].lower().startswith("nccl") or f["family"].startswith("nccl")
    or f["symbol"].rsplit("/", 1)[-1] == "nccl.h",
    "at::cuda / c10::cuda": lambda f: f["symbol"].startswith(("at::cuda", "c10::cuda", "ATen/cuda", "c10/cuda"))
    or f["family"] == "torch-cpp.cuda",
    "CUTLASS / CuTe": lambda f: f["symbol"].startswith(("cutlass", "cute")) or f["family"].startswith("cutlass"),
    "inline asm (PTX)": lambda f: f["kind"] == "asm",
}


def hipify_keys(name: str, includes: list[str]) -> set[str]:
    """Return the keys any one of which a portcheck finding in the same file must carry to match a hipify name.

    A header name matches an include of the same basename; an identifier matches itself, or the include whose
    path contains it as a word (hipify counts `CUDAContext` in `#include <ATen/cuda/CUDAContext.h>`)."""
    if is_header_name(name):
        return {"#include:" + name.rsplit("/", 1)[-1]}
    return {name} | {"#include:" + inc.rsplit("/", 1)[-1] for inc in includes if has_word(name, inc)}


def finding_keys(symbol: str, kind: str) -> set[str]:
    """Return every comparison key a portcheck finding's symbol satisfies."""
    keys = {symbol}
    if "::" in symbol:
        keys.add(symbol.rsplit("::", 1)[-1])
    if kind == "include" or is_header_name(symbol):
        keys.add("#include:" + symbol.rsplit("/", 1)[-1])
    return keys


def load_report(report: Path, report_root: Path, scan_root: Path) -> tuple[dict, dict[str, list[dict]], set[str]]:
    """Load a portcheck JSON report; return (report, findings by path relative to scan_root, scanned paths)."""
    data = json.loads(report.read_text(encoding="utf-8"))

    def rebase(p: str) -> str | None:
        absolute = (report_root / p).resolve()
        try:
            return absolute.relative_to(scan_root.resolve()).as_posix()
        except ValueError:
            return None

    by_path: dict[str, list[dict]] = collections.defaultdict(list)
    for f in data.get("findings", []):
        rel = rebase(f["path"])
        if rel is not None:
            by_path[rel].append(f)
    scanned = {r for r in (rebase(x["path"]) for x in data.get("files", [])) if r is not None}
    return data, by_path, scanned


def run_portcheck(scan_root: Path, portcheck: str) -> Path:
    """Run a full portcheck scan of scan_root into a temporary JSON report and return its path."""
    out = Path(tempfile.mkdtemp(prefix="hipcmp-")) / "report.json"
    subprocess.run([portcheck, "scan", str(scan_root), "--format", "json", "-o", str(out), "--no-cache", "-q"],
                   check=True, stdout=subprocess.DEVNULL)
    return out


def compare(scan_root: Path, hip_stats: dict[str, dict[str, int]], files: list[str],
            by_path: dict[str, list[dict]]) -> dict:
    """Compute kept, matched and missed pairs; return a result dict."""
    pairs = [(path, name) for path in sorted(hip_stats) for name in sorted(hip_stats[path])]
    kept: list[tuple[str, str]] = []
    dropped: list[tuple[str, str]] = []
    cache: dict[str, tuple[str, str]] = {}
    for path, name in pairs:
        if path not in cache:
            text = (scan_root / path).read_text(encoding="utf-8", errors="replace")
            cache[path] = (blank_c_source(text), blank_c_source(text, keep_strings=True))
        code, no_comments = cache[path]
        (kept if occurs_in_code(name, code, no_comments) else dropped).append((path, name))
    keys_by_path = {p: set().union(*(finding_keys(f["symbol"], f["kind"]) for f in fs)) for p, fs in by_path.items()}
    matched: list[tuple[str, str]] = []
    missed: list[tuple[str, str]] = []
    for p, n in kept:
        wanted = hipify_keys(n, include_paths(cache[p][1]))
        (matched if wanted & keys_by_path.get(p, set()) else missed).append((p, n))
    fileset = set(files)
    only: dict[str, dict[str, int]] = {}
    for label, pred in PORTCHECK_ONLY.items():
        hits = [(p, f) for p, fs in by_path.items() if p in fileset for f in fs if pred(f)]
        only[label] = {"findings": len(hits), "files": len({p for p, _ in hits}),
                       "distinct_symbols": len({f["symbol"] for _, f in hits})}
    return {"pairs": len(pairs), "kept": len(kept), "dropped": dropped, "matched": len(matched),
            "missed": missed, "portcheck_only": only,
            "recall": 100.0 * len(matched) / len(kept) if kept else 100.0}


def print_result(label: str, nfiles: int, res: dict, scanned: set[str], max_list: int) -> None:
    """Print one repository's comparison as Markdown-friendly text."""
    print(f"## {label}: {nfiles} C/C++ files")
    print(f"hipify pairs {res['pairs']}, kept (name outside comments/strings) {res['kept']}, "
          f"matched {res['matched']}, recall {res['recall']:.2f} %")
    missed = res["missed"]
    if missed:
        by_name = collections.Counter(n for _, n in missed)
        unscanned = sum(1 for p, _ in missed if p not in scanned)
        print(f"missed {len(missed)} pairs ({unscanned} in files portcheck did not scan); by name:")
        for name, count in by_name.most_common():
            print(f"  {name}: {count}")
        print("missed pairs (name  file):")
        for p, n in sorted(missed, key=lambda x: (x[1], x[0]))[:max_list]:
            print(f"  {n}  {p}{'' if p in scanned else '  [file not scanned]'}")
        if len(missed) > max_list:
            print(f"  ... {len(missed) - max_list} more")
    print("found by portcheck, not seen by hipify-perl (findings / files / distinct symbols):")
    for k, v in res["portcheck_only"].items():
        print(f"  {k}: {v['findings']} / {v['files']} / {v['distinct_symbols']}")
    print()


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, run hipify (and optionally portcheck), compare and print."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("repo", type=Path, help="repository work tree")
    ap.add_argument("--sub", default=".", help="sub-path to compare (e.g. csrc); default: the whole repo")
    ap.add_argument("--hipify", type=Path, required=True, help="path to hipify-perl")
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--report", type=Path, help="portcheck JSON report of REPO/SUB")
    src.add_argument("--run-portcheck", action="store_true", help="run `portcheck scan REPO/SUB` now")
    ap.add_argument("--report-root", type=Path, help="directory the report's paths are relative to "
                    "(default: REPO/SUB)")
    ap.add_argument("--portcheck", default="portcheck", help="portcheck executable")
    ap.add_argument("--label", help="name printed for this repository")
    ap.add_argument("--with-warnings", action="store_true",
                    help="run hipify without -quiet-warnings (same pairs, far slower)")
    ap.add_argument("--max-list", type=int, default=200, help="list at most this many missed pairs")
    ap.add_argument("--json-out", type=Path, help="also write the result as JSON")
    args = ap.parse_args(argv)

    scan_root = (args.repo / args.sub).resolve()
    files = find_code_files(scan_root)
    stderr, secs = run_hipify(args.hipify, scan_root, files, quiet_warnings=not args.with_warnings)
    hip_stats = parse_hipify_stats(stderr)
    report = run_portcheck(scan_root, args.portcheck) if args.run_portcheck else args.report
    _, by_path, scanned = load_report(report, (args.report_root or scan_root), scan_root)
    res = compare(scan_root, hip_stats, files, by_path)
    label = args.label or f"{args.repo.name}/{args.sub}".rstrip("/.")
    print(f"(hipify-perl -examine{'' if args.with_warnings else ' -quiet-warnings'}: {secs:.2f} s)")
    print_result(label, len(files), res, scanned, args.max_list)
    if args.json_out:
        out = dict(res, label=label, files=len(files), hipify_seconds=secs,
                   missed=[list(x) for x in res["missed"]], dropped=[list(x) for x in res["dropped"]])
        args.json_out.write_text(json.dumps(out, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
