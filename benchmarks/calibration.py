"""Calibration of the effort model against real, public ports (docs/effort-model.md, "Calibration").

For every case in calibration_cases.yaml whose pre-port tree can be rebuilt from a git mirror, this script rebuilds
that tree in a temporary folder (from git; no fetched code is ever written into this repository), scans it with
portcheck for the case's backend, and prints the estimate beside the real port:

    python benchmarks/calibration.py --mirrors /work/.mirror            # all cases
    python benchmarks/calibration.py --mirrors /work/.mirror --case lightllm-musa --json out.json

A mirror is a bare git repository (the `fetch` tool's snapshot) at MIRRORS/<owner>+<name>/repo holding the
pre-port commit. Each case's `calibration` block says what the port's real size is (person-days, a low-high
interval, with its basis) and which figure it is compared with: `working` (the working-port figure) or `full`
(working port plus kernel parity: for ports that re-implemented the kernels natively). The estimate compared is
the figure less the environment-and-CI item: the public ports were made by vendor engineers whose environment
existed; the report keeps that item.

Verdict per case: `ok` when 0.5 <= estimate / real <= 2 and the real figure lies inside the estimate's low-high
range, where `real` is the geometric mean of the case's interval.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent


def rebuild(mirror: Path, commit: str, dest: Path) -> int:
    """Write the tree of `commit` into dest; blobs absent from the snapshot (files of 4 MiB and more) are left out.
    Returns the number of files left out."""
    dest.mkdir(parents=True, exist_ok=True)
    git = ["git", f"--git-dir={mirror}"]
    archive = subprocess.run(git + ["archive", commit], capture_output=True)
    if archive.returncode == 0:
        subprocess.run(["tar", "-x", "-C", str(dest)], input=archive.stdout, check=True)
        return 0
    listing = subprocess.run(git + ["ls-tree", "-r", "-z", commit], capture_output=True, check=True).stdout
    entries = []
    for rec in listing.split(b"\0"):
        if not rec:
            continue
        meta, _, path = rec.partition(b"\t")
        mode, kind, sha = meta.split()
        if kind == b"blob" and mode != b"120000":
            entries.append((sha.decode(), path.decode("utf-8", "surrogateescape")))
    proc = subprocess.Popen(git + ["cat-file", "--batch"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    missing = 0
    assert proc.stdin is not None and proc.stdout is not None
    for sha, path in entries:
        proc.stdin.write(sha.encode() + b"\n")
        proc.stdin.flush()
        header = proc.stdout.readline().split()
        if len(header) < 3 or header[1] == b"missing":
            missing += 1
            continue
        data = proc.stdout.read(int(header[2]))
        proc.stdout.read(1)
        target = dest / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    proc.stdin.close()
    proc.wait()
    return missing


def scan(tree: Path, backend: str, out: Path, targets: list[str]) -> dict:
    cmd = [sys.executable, "-m", "portcheck", "scan", str(tree), "-b", backend, "-f", "json", "-o", str(out),
           "--no-cache", "-q"]
    for t in targets:
        cmd += ["--target", t]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode not in (0, 1):  # 1: a --fail-on policy in the scanned project's own configuration
        raise RuntimeError(f"portcheck scan {tree} failed ({proc.returncode}): {proc.stderr.strip()[-500:]}")
    return json.loads(out.read_text(encoding="utf-8"))


def compare(case: dict, effort: dict) -> dict:
    cal = case["calibration"]
    lo_real, hi_real = cal["real_pd"]
    real = math.sqrt(lo_real * hi_real)
    hpd = 6.0
    env = sum(i["hours"] for i in effort["line_items"] if i["what"] == "environment and CI set-up")
    env_lo = sum(i["low"] for i in effort["line_items"] if i["what"] == "environment and CI set-up")
    env_hi = sum(i["high"] for i in effort["line_items"] if i["what"] == "environment and CI set-up")
    if "working" not in effort:  # a report of portcheck before 2026-12 (one figure): compare that
        h, lo, hi = effort["hours"], effort["low"], effort["high"]
    elif cal["compare"] == "full":
        h = effort["working"]["hours"] + effort["parity"]["hours"]
        lo = effort["working"]["low"] + effort["parity"]["low"]
        hi = effort["working"]["high"] + effort["parity"]["high"]
    else:
        h, lo, hi = effort["working"]["hours"], effort["working"]["low"], effort["working"]["high"]
    est, est_lo, est_hi = (h - env) / hpd, (lo - env_lo) / hpd, (hi - env_hi) / hpd
    ratio = est / real if real else math.inf
    inside = est_lo <= real <= est_hi
    return {"id": case["id"], "backend": case["backend"], "compare": cal["compare"], "real_pd": [lo_real, hi_real],
            "real_point": round(real, 1), "estimate_pd": round(est, 1), "estimate_range": [round(est_lo, 1),
                                                                                           round(est_hi, 1)],
            "ratio": round(ratio, 2), "inside": inside, "ok": 0.5 <= ratio <= 2 and inside,
            "scored": not cal.get("subset"),
            "tuned_on": bool(cal.get("tuned_on")), "basis": cal.get("basis", "")}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mirrors", default=os.environ.get("PORTCHECK_MIRRORS", "/work/.mirror"),
                    help="folder of git mirrors named <owner>+<name>/repo")
    ap.add_argument("--cases", default=str(HERE / "calibration_cases.yaml"))
    ap.add_argument("--case", action="append", default=[], help="only these case ids")
    ap.add_argument("--work", default="", help="keep rebuilt trees and reports here (default: a temporary folder)")
    ap.add_argument("--json", default="", help="write the comparison table as JSON")
    ap.add_argument("--rescan", action="store_true", help="scan again even when a report of the case is in --work")
    args = ap.parse_args()
    cases = yaml.safe_load(Path(args.cases).read_text(encoding="utf-8"))["cases"]
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="portcheck-calibration-"))
    rows, skipped = [], []
    for case in cases:
        if args.case and case["id"] not in args.case:
            continue
        cal = case.get("calibration")
        pre = case.get("pre_port") or {}
        if not cal or cal.get("skip"):
            skipped.append((case["id"], (cal or {}).get("skip", "no calibration block")))
            continue
        mirror = Path(args.mirrors) / Path(str(pre.get("mirror", ""))).parent.name / "repo"
        if not mirror.is_dir():
            skipped.append((case["id"], f"no mirror at {mirror}"))
            continue
        tree = work / case["id"]
        if not tree.is_dir():
            missing = rebuild(mirror, pre["commit"], tree)
            if missing:
                print(f"{case['id']}: {missing} files absent from the snapshot were left out", file=sys.stderr)
        try:
            doc = scan(tree / cal.get("subdir", ""), case["backend"], work / f"{case['id']}.json",
                       cal.get("targets", []))
        except RuntimeError as exc:
            skipped.append((case["id"], str(exc)))
            continue
        rows.append(compare(case, doc["effort"][case["backend"]]))
    print(f"{'case':24} {'backend':8} {'figure':7} {'real pd':>12} {'point':>6} {'estimate':>9} {'range':>13} "
          f"{'ratio':>6}  verdict")
    for r in rows:
        rng = f"{r['estimate_range'][0]}-{r['estimate_range'][1]}"
        real = f"{r['real_pd'][0]}-{r['real_pd'][1]}"
        verdict = ("ok" if r["ok"] else "OFF") if r["scored"] else "not scored (a subset of the ops)"
        print(f"{r['id']:24} {r['backend']:8} {r['compare']:7} {real:>12} {r['real_point']:>6} "
              f"{r['estimate_pd']:>9} {rng:>13} {r['ratio']:>6}  {verdict}")
    for cid, why in skipped:
        print(f"{cid:24} skipped: {why}")
    scored = [r for r in rows if r["scored"]]
    ok = sum(r["ok"] for r in scored)
    within = sum(0.5 <= r["ratio"] <= 2 for r in scored)
    inside = sum(r["inside"] for r in scored)
    print(f"\n{ok}/{len(scored)} scored cases ok (estimate within 0.5-2x of the real figure and the real figure "
          f"inside the range); within 0.5-2x: {within}/{len(scored)}; real inside the range: {inside}/{len(scored)}")
    if args.json:
        Path(args.json).write_text(json.dumps({"rows": rows, "skipped": skipped}, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
