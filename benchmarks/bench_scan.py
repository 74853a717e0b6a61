"""Time portcheck against hipify-perl on real repositories, on a synthetic tree, and `portcheck check`.

    python benchmarks/bench_scan.py repos --hipify HIPIFY/bin/hipify-perl --runs 3 \
        /work/ext/apex /work/ext/DeepSpeed:csrc /work/ext/vllm:csrc /work/ext/bitsandbytes:csrc
    python benchmarks/bench_scan.py synthetic --files 100000 --size-mb 1000 --dir /tmp/synth
    python benchmarks/bench_scan.py check --runs 7 FILE1 FILE2 FILE3 FILE4 FILE5

A target is REPO[:SUB][=LABEL]. Both tools run in the same sitting on the same file set: hipify-perl gets the
findcode.sh C/C++ files under REPO/SUB, portcheck scans REPO/SUB whole (Python, C/C++, build files, matching,
effort, JSON written). Times are wall-clock medians; ratio = portcheck / hipify (the target is < 0.5).
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from hipify_common import find_code_files, run_hipify


def parse_target(spec: str) -> tuple[Path, str, str]:
    """Split REPO[:SUB][=LABEL] into (repo, sub, label)."""
    spec, _, label = spec.partition("=")
    repo, _, sub = spec.partition(":")
    sub = sub or "."
    return Path(repo), sub, label or (Path(repo).name + ("" if sub == "." else "/" + sub))


def tree_memory_kb(pid: int) -> tuple[int, int]:
    """Return (summed PSS, largest RSS) in kB over pid and all its descendants, from /proc.

    PSS splits pages shared by forked workers among them, so the sum is the tree's real footprint; a sum of RSS
    would count the parent's copy-on-write tables once per worker."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                fields = f.read().rsplit(b")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry))  # fields[1] is the parent pid
        except (OSError, IndexError, ValueError):
            continue  # the process ended while we looked
    pss_total, rss_max, stack = 0, 0, [pid]
    while stack:
        p = stack.pop()
        stack.extend(children.get(p, []))
        try:
            with open(f"/proc/{p}/smaps_rollup", encoding="ascii") as f:
                for line in f:
                    if line.startswith("Rss:"):
                        rss_max = max(rss_max, int(line.split()[1]))
                    elif line.startswith("Pss:"):
                        pss_total += int(line.split()[1])
        except (OSError, ValueError):
            continue
    return pss_total, rss_max


def timed(cmd: list[str], cwd: Path | None = None, sample_memory: bool = False) -> dict[str, float]:
    """Run cmd; return wall and child CPU seconds and, if asked, peak tree PSS and largest RSS in MB."""
    before = os.times()
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = [0, 0]
    if sample_memory:
        def sample() -> None:
            while proc.poll() is None:
                pss, rss = tree_memory_kb(proc.pid)
                peak[0], peak[1] = max(peak[0], pss), max(peak[1], rss)
                time.sleep(0.1)
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
    _, err = proc.communicate()
    wall = time.perf_counter() - start
    after = os.times()
    if proc.returncode not in (0, 1):  # 1 is a policy result for `check`, not a failure
        raise RuntimeError(f"{' '.join(cmd[:3])} ... exited {proc.returncode}: {err.decode(errors='replace')[-800:]}")
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    if sample_memory:
        sampler.join()
    return {"wall": wall, "cpu": cpu, "pss_mb": peak[0] / 1024, "rss_mb": peak[1] / 1024}


def portcheck_scan_cmd(portcheck: str, root: Path, out: Path, jobs: int | None, cache_dir: Path | None) -> list[str]:
    """Build the `portcheck scan` command line (cold when cache_dir is None)."""
    cmd = [portcheck, "scan", str(root), "--format", "json", "-o", str(out), "-q"]
    cmd += ["--no-cache"] if cache_dir is None else ["--cache-dir", str(cache_dir)]
    if jobs:
        cmd += ["--jobs", str(jobs)]
    return cmd


def cmd_repos(args: argparse.Namespace) -> int:
    """Time hipify-perl and portcheck (cold, optionally warm) on each target; print a Markdown table."""
    rows = []
    tmp = Path(tempfile.mkdtemp(prefix="bench-"))
    try:
        for spec in args.targets:
            repo, sub, label = parse_target(spec)
            root = (repo / sub).resolve()
            files = find_code_files(root)
            hip, cold, warm = [], [], []
            for _ in range(args.runs):
                if not args.skip_hipify:
                    hip.append(run_hipify(args.hipify, root, files, quiet_warnings=not args.with_warnings)[1])
                cold.append(timed(portcheck_scan_cmd(args.portcheck, root, tmp / "r.json", args.jobs, None))["wall"])
            if args.warm:
                cache = tmp / ("cache-" + label.replace("/", "_"))
                timed(portcheck_scan_cmd(args.portcheck, root, tmp / "r.json", args.jobs, cache))  # fill the cache
                for _ in range(args.runs):
                    warm.append(timed(portcheck_scan_cmd(args.portcheck, root, tmp / "r.json", args.jobs,
                                                         cache))["wall"])
            rows.append((label, len(files), hip, cold, warm))
            print(f"[{label}] hipify {hip} portcheck {cold} warm {warm}", file=sys.stderr)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    mode = "-examine" + ("" if args.with_warnings else " -quiet-warnings")
    print(f"| repo | C/C++ files | hipify-perl {mode} s | portcheck scan s | ratio | warm s |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, n, hip, cold, warm in rows:
        h = statistics.median(hip) if hip else None
        c = statistics.median(cold)
        w = f"{statistics.median(warm):.2f}" if warm else "not measured"
        print(f"| {label} | {n} | {f'{h:.2f}' if h else 'not measured'} | {c:.2f} | "
              f"{f'{c / h:.2f}' if h else '-'} | {w} |")
    print(f"\nmedian of {args.runs} run(s); portcheck --jobs {args.jobs or 'default'}; ratio = portcheck / hipify; "
          f"{os.cpu_count()} cores, load average at the end {os.getloadavg()[0]:.1f}")
    return 0


def tree_size(root: Path) -> tuple[int, int]:
    """Return (files, bytes) under root."""
    n = b = 0
    for dirpath, _, names in os.walk(root):
        for name in names:
            n += 1
            b += os.path.getsize(os.path.join(dirpath, name))
    return n, b


def cmd_synthetic(args: argparse.Namespace) -> int:
    """Generate (or reuse) a synthetic tree and time cold scans of its 10 %, 30 % and 100 % sub-trees."""
    from synth_tree import generate
    root = args.dir
    if not root.exists() or not any(root.iterdir()):
        t0 = time.perf_counter()
        stats = generate(root, args.files, args.size_mb, args.seed)
        print(f"generated {stats['files']} files, {stats['bytes'] / 1e6:.0f} MB in {time.perf_counter() - t0:.0f} s",
              file=sys.stderr)
    out = Path(tempfile.mkdtemp(prefix="bench-synth-")) / "r.json"
    print("| tree | files | MB | wall s | files/s | MB/s | CPU s | cores busy | peak PSS MB (all processes) "
          "| peak RSS MB (largest process) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for sub, label in (("s30/s10", "10 %"), ("s30", "30 %"), (".", "100 %")):
        target = root / sub
        n, b = tree_size(target)
        runs = [timed(portcheck_scan_cmd(args.portcheck, target, out, args.jobs, None), sample_memory=True)
                for _ in range(args.runs)]
        wall = statistics.median(r["wall"] for r in runs)
        cpu = statistics.median(r["cpu"] for r in runs)
        pss = max(r["pss_mb"] for r in runs)
        rss = max(r["rss_mb"] for r in runs)
        print(f"| {label} | {n} | {b / 1e6:.0f} | {wall:.1f} | {n / wall:.0f} | {b / 1e6 / wall:.1f} | {cpu:.1f} | "
              f"{cpu / wall:.2f} | {pss:.0f} | {rss:.0f} |", flush=True)
    print(f"\nmedian of {args.runs} run(s); {os.cpu_count()} cores, load average at the end {os.getloadavg()[0]:.1f}")
    shutil.rmtree(out.parent, ignore_errors=True)
    if not args.keep and args.generated_here:
        shutil.rmtree(root, ignore_errors=True)
    return 0


COMMENT = {".py": "#", ".cmake": "#", ".txt": "#", ".toml": "#", ".in": "#"}  # others: C/C++ comments


def cmd_check(args: argparse.Namespace) -> int:
    """Time `portcheck check FILES` as a commit sees it: the files changed since the last run (median wall).

    The files are copied into a scratch git-less directory and each run appends a distinct comment line to
    every one, so the per-file result cache misses as it does for freshly edited files; the compiled mapping
    tables stay cached (built once per install). `--warm` times unchanged files (result-cache hits) too.
    """
    work = Path(tempfile.mkdtemp(prefix="bench-check-"))
    try:
        copies = []
        for i, f in enumerate(args.files):
            dest = work / f"{i}_{f.name}"
            shutil.copyfile(f, dest)
            copies.append(dest)
        cmd = [args.portcheck, "check", *[c.name for c in copies]]
        timed(cmd, cwd=work)  # tables compiled and cached once, as after `pip install`
        cold, warm = [], []
        for run in range(args.runs):
            for c in copies:
                mark = COMMENT.get(c.suffix, "//")
                with c.open("a", encoding="utf-8") as fh:
                    fh.write(f"\n{mark} bench run {run} {time.time_ns()}\n")
            cold.append(timed(cmd, cwd=work)["wall"])
            warm.append(timed(cmd, cwd=work)["wall"])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("| command | files | case | median wall s | min s | max s |")
    print("|---|---:|---|---:|---:|---:|")
    for case, times in (("changed files (cache miss)", cold), ("unchanged files (cache hit)", warm)):
        print(f"| portcheck check | {len(args.files)} | {case} | {statistics.median(times):.3f} | {min(times):.3f} | "
              f"{max(times):.3f} |")
    print(f"\n{args.runs} runs each; load average at the end {os.getloadavg()[0]:.1f}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Parse arguments and run one benchmark mode."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--portcheck", default=shutil.which("portcheck") or "portcheck", help="portcheck executable")
    common.add_argument("--runs", type=int, default=3, help="runs per measurement (median reported)")
    common.add_argument("--jobs", type=int, help="portcheck --jobs (default: portcheck's own default)")
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="mode", required=True)
    r = sub.add_parser("repos", parents=[common], help="portcheck vs hipify-perl on real repositories")
    r.add_argument("--hipify", type=Path, required=True, help="path to hipify-perl")
    r.add_argument("--with-warnings", action="store_true",
                   help="run hipify without -quiet-warnings (its per-line warning pass; minutes per repo)")
    r.add_argument("--skip-hipify", action="store_true", help="time portcheck only")
    r.add_argument("--warm", action="store_true", help="also time warm runs through a fresh cache dir")
    r.add_argument("targets", nargs="+", help="REPO[:SUB][=LABEL]")
    s = sub.add_parser("synthetic", parents=[common], help="generate a synthetic tree and time scans of 10/30/100 % of it")
    s.add_argument("--files", type=int, default=100_000)
    s.add_argument("--size-mb", type=float, default=1000.0)
    s.add_argument("--seed", type=int, default=1)
    s.add_argument("--dir", type=Path, help="tree location (reused if it exists; default: a temp dir, deleted)")
    s.add_argument("--keep", action="store_true", help="keep a generated tree")
    c = sub.add_parser("check", parents=[common], help="time `portcheck check` on a few files")
    c.add_argument("files", nargs="+", type=Path)
    args = ap.parse_args(argv)
    if args.mode == "repos":
        return cmd_repos(args)
    if args.mode == "synthetic":
        args.generated_here = args.dir is None or not args.dir.exists() or not any(args.dir.iterdir())
        args.dir = args.dir or Path(tempfile.mkdtemp(prefix="synth-"))
        return cmd_synthetic(args)
    return cmd_check(args)


if __name__ == "__main__":
    sys.exit(main())
