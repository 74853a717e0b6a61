"""How long the first Ctrl-C takes to end a scan, and whether anything is left behind.

    python benchmarks/bench_interrupt.py [--runs 10] [--tree DIR]

A terminal's Ctrl-C sends SIGINT to the whole foreground process group (the scan and its pool workers); `timeout -s
INT` and `kill -INT` send it to the main process only. Each run starts a real `portcheck scan --no-cache -j 2` on a
tree large enough for the process pool, sends SIGINT after a delay that varies run to run (so it lands in
discovery, in the pool, in matching or while writing), and records: seconds from the signal to exit, exit code,
stderr, and any process of the scan still alive 5 s later.
"""
from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.proc_helpers import group_alive, write_pool_tree as make_tree  # noqa: E402

# the installed `portcheck` program (as a user runs it), next to this interpreter
CLI = [str(Path(sys.executable).parent / "portcheck")]


def one_run(tree: Path, delay: float, whole_group: bool, out: Path) -> dict:
    env = {**os.environ, "NO_COLOR": "1", "XDG_CACHE_HOME": str(out.parent / "xdg")}
    proc = subprocess.Popen(CLI + ["scan", str(tree), "--no-cache", "-j", "2", "-f", "json", "-o", str(out)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, start_new_session=True)
    time.sleep(delay)
    sent = time.monotonic()
    if proc.poll() is not None:
        return {"delay": delay, "finished_first": True}
    if whole_group:
        os.killpg(proc.pid, signal.SIGINT)
    else:
        proc.send_signal(signal.SIGINT)
    try:
        _, err = proc.communicate(timeout=30)
        took = time.monotonic() - sent
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        _, err = proc.communicate()
        took = float("inf")
    time.sleep(0.2)
    left = group_alive(proc.pid)
    deadline = time.monotonic() + 5
    while left and time.monotonic() < deadline:
        time.sleep(0.1)
        left = group_alive(proc.pid)
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    return {"delay": delay, "seconds": took, "code": proc.returncode, "stderr": err.decode(errors="replace").strip(),
            "left_behind": len(left), "report_written": out.exists()}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--tree", type=Path, default=None)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="pc-int-") as tmp:
        tree = args.tree or Path(tmp) / "tree"
        if args.tree is None:
            make_tree(tree)
        worst = 0.0
        for group in (False, True):
            for i in range(args.runs):
                out = Path(tmp) / f"r{i}.json"
                r = one_run(tree, 0.4 + 0.35 * i, group, out)
                if out.exists():
                    out.unlink()
                if r.get("finished_first"):
                    print(f"{'group' if group else 'main '} delay {r['delay']:.2f}s: finished before the signal")
                    continue
                worst = max(worst, r["seconds"])
                print(f"{'group' if group else 'main '} delay {r['delay']:.2f}s: exit {r['code']} after "
                      f"{r['seconds']:.2f}s, left behind {r['left_behind']}, report {r['report_written']}, "
                      f"stderr {r['stderr'][-100:]!r}")
        print(f"worst: {worst:.2f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
