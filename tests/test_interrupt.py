"""Ctrl-C ends a scan at once, at any moment, with one line and exit 130, and leaves nothing behind (issue 16, item
1). The real `portcheck` program in a subprocess, interrupted with SIGINT as a terminal sends it (to the whole
process group: the scan and its pool workers) and as `timeout -s INT` / `kill -INT` send it (to the main process).
How fast it stops is measured by benchmarks/bench_interrupt.py; here a stop that takes more than 20 s is a hang."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .proc_helpers import group_alive as _group_alive
from .proc_helpers import write_pool_tree

PROGRAM = Path(sys.executable).parent / "portcheck"


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    """Large enough for the process pool; tens of seconds of scanning on 2 jobs."""
    return write_pool_tree(tmp_path_factory.mktemp("int") / "tree")


def _interrupt(args: list[str], delay: float, whole_group: bool, cwd: Path, xdg: Path) -> tuple[int, str, list[int]]:
    if not PROGRAM.exists():
        pytest.fail(f"{PROGRAM} not found: install portcheck in this environment (pip install -e .)", pytrace=False)
    env = {**os.environ, "NO_COLOR": "1", "XDG_CACHE_HOME": str(xdg)}
    proc = subprocess.Popen([str(PROGRAM), *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env,
                            cwd=cwd, start_new_session=True)
    try:
        time.sleep(delay)
        if whole_group:
            os.killpg(proc.pid, signal.SIGINT)
        else:
            proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=20)  # before the fix: 5 of 10 vllm scans never exited
        deadline = time.monotonic() + 5
        left = _group_alive(proc.pid)
        while left and time.monotonic() < deadline:
            time.sleep(0.05)
            left = _group_alive(proc.pid)
        return proc.returncode, err.decode(errors="replace"), left
    finally:
        for pid in _group_alive(proc.pid):
            os.kill(pid, signal.SIGKILL)
        if proc.poll() is None:
            proc.kill()
            proc.wait()


@pytest.mark.parametrize("whole_group", [True, False], ids=["terminal-ctrl-c", "kill-main"])
def test_first_ctrl_c_ends_a_pool_scan_at_any_moment(tree, tmp_path, whole_group):
    # from the start (imports, option parsing) through discovery, the pool and matching; the first ~50 ms belong
    # to the interpreter's own start-up, before any portcheck code runs
    outcomes = []
    for delay in (0.15, 0.4, 1.0, 2.0, 3.0, 4.0):
        out = tmp_path / f"r{delay}.json"
        code, err, left = _interrupt(["scan", str(tree), "--no-cache", "-j", "2", "-f", "json", "-o", str(out)],
                                     delay, whole_group, tmp_path, tmp_path / "xdg")
        outcomes.append((delay, code, err.strip(), left, out.exists()))
    for delay, code, err, left, written in outcomes:
        assert code == 130, (delay, code, err)
        assert err.count("\n") == 0 and err.startswith("portcheck: interrupted"), (delay, err)
        assert left == [] and not written, (delay, left, written)


def test_ctrl_c_in_check_is_one_line(tree, tmp_path):
    files = sorted(str(p.relative_to(tree)) for p in tree.rglob("*.cu"))
    code, err, left = _interrupt(["check", "--fail-on", "rename", *files], 1.5, True, tree, tmp_path / "xdg")
    assert (code, err.strip(), left) == (130, "portcheck: interrupted", [])
