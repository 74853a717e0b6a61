"""Baselines: `baseline write` records today's findings; scan/check --baseline report only what is new."""
from __future__ import annotations

from tests.cli_helpers import CLI, run_cli

import hashlib
import json
import os
from pathlib import Path

import pytest

_CLI = CLI

LEGACY = '''import torch


def report() -> str:
    torch.cuda.synchronize()
    return torch.cuda.list_gpu_processes()
'''

# The same file later: the old lines moved down by three, their indentation changed, and two new ties added
# (one an exact copy of a baselined line: a baseline accepts each recorded line as often as it was recorded).
LEGACY_LATER = '''import torch

HEADER = "three lines above the old code"


def report() -> str:
        torch.cuda.synchronize()
        return   torch.cuda.list_gpu_processes()


def again() -> str:
    torch.cuda.synchronize()
    return torch.cuda.list_gpu_processes(1)
'''

KERNEL = '''#include <cuda_runtime.h>

void alloc(float **p, size_t n) { cudaMalloc((void **)p, n); }
'''


_run = run_cli


@pytest.fixture()
def repo(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "legacy.py").write_text(LEGACY, encoding="utf-8")
    (tmp_path / "kern.cu").write_text(KERNEL, encoding="utf-8")
    return tmp_path


def _fp(path: str, kind: str, symbol: str, text: str) -> str:
    """The documented fingerprint, computed independently of portcheck: no line number in it."""
    return hashlib.sha1("\x1f".join((path, kind, symbol, " ".join(text.split()))).encode()).hexdigest()[:16]


def _entry(path: str, kind: str, symbol: str, text: str) -> dict:
    return {"fingerprint": _fp(path, kind, symbol, text), "path": path, "kind": kind, "symbol": symbol,
            "line_text": text}


def test_baseline_write_is_exact_and_deterministic(repo, cache):
    res = _run(["baseline", "write"], repo, cache)
    assert (res.returncode, res.stderr) == (0, "portcheck: wrote 4 finding(s) to portcheck-baseline.json\n")
    first = (repo / "portcheck-baseline.json").read_bytes()
    assert json.loads(first) == {"portcheck_baseline": 1, "count": 4, "entries": [
        _entry("kern.cu", "call", "cudaMalloc", "void alloc(float **p, size_t n) { cudaMalloc((void **)p, n); }"),
        _entry("kern.cu", "include", "cuda_runtime.h", "#include <cuda_runtime.h>"),
        _entry("src/legacy.py", "call", "torch.cuda.list_gpu_processes", "return torch.cuda.list_gpu_processes()"),
        _entry("src/legacy.py", "call", "torch.cuda.synchronize", "torch.cuda.synchronize()"),
    ]}
    os.utime(repo / "kern.cu")  # same content, new mtime: still the same bytes
    res = _run(["baseline", "write", ".", "-o", "again.json"], repo, cache)
    assert res.returncode == 0
    assert (repo / "again.json").read_bytes() == first
    assert first.endswith(b"]\n}\n") and first.isascii()


def test_scan_with_baseline_reports_only_new_findings(repo, cache):
    assert _run(["baseline", "write", "-o", "ci/baseline.json"], repo, cache).returncode == 0
    res = _run(["scan", ".", "--baseline", "ci/baseline.json", "--format", "json", "-o", "-", "-q"], repo, cache)
    doc = json.loads(res.stdout)
    assert (doc["findings"], doc["scan"]["baselined"]) == ([], 4)
    (repo / "src" / "legacy.py").write_text(LEGACY_LATER, encoding="utf-8")
    res = _run(["scan", ".", "--baseline", "ci/baseline.json", "--format", "json", "-o", "-", "-q"], repo, cache)
    doc = json.loads(res.stdout)
    assert [(f["path"], f["line"], f["symbol"]) for f in doc["findings"]] == [
        ("src/legacy.py", 12, "torch.cuda.synchronize"),  # the second copy of a line recorded once
        ("src/legacy.py", 13, "torch.cuda.list_gpu_processes"),
    ]
    assert doc["scan"]["baselined"] == 4
    assert doc["summary"]["findings"] == 2


def test_check_with_baseline_from_config_fails_only_on_new_ties(repo, cache):
    (repo / "pyproject.toml").write_text('[tool.portcheck]\nbaseline = "ci/portcheck-baseline.json"\n')
    res = _run(["baseline", "write"], repo, cache)  # writes where the configuration says
    assert res.stderr == "portcheck: wrote 4 finding(s) to " + str(repo / "ci" / "portcheck-baseline.json") + "\n"
    assert _run(["check", "src/legacy.py", "kern.cu"], repo, cache).returncode == 0
    (repo / "src" / "legacy.py").write_text(LEGACY_LATER, encoding="utf-8")
    res = _run(["check", "src/legacy.py", "kern.cu"], repo, cache)
    assert res.returncode == 1
    assert [line.split(" ", 1)[0] for line in res.stdout.splitlines()] == ["src/legacy.py:13:12:"]
    res = _run(["check", "--fail-on", "rename", "src/legacy.py"], repo, cache)  # rename or worse: the new rename too
    assert [line.split(" ", 1)[0] for line in res.stdout.splitlines()] == ["src/legacy.py:12:5:", "src/legacy.py:13:12:"]
    res = _run(["check", "--fail-on", "rename,adapt", "src/legacy.py"], repo, cache)  # a list: exactly those
    assert [line.split(" ", 1)[0] for line in res.stdout.splitlines()] == ["src/legacy.py:12:5:"]


def test_edited_or_moved_files_resurface(repo, cache):
    """The fingerprint holds the path and the line text: an edit of the line or a file move is new code."""
    assert _run(["baseline", "write"], repo, cache).returncode == 0
    (repo / "src" / "legacy.py").write_text(LEGACY.replace("processes()", "processes(0)"), encoding="utf-8")
    (repo / "kern.cu").rename(repo / "kernels.cu")
    res = _run(["scan", ".", "--baseline", "portcheck-baseline.json", "--format", "json", "-o", "-", "-q"],
               repo, cache)
    doc = json.loads(res.stdout)
    assert [(f["path"], f["line"], f["symbol"]) for f in doc["findings"]] == [
        ("kernels.cu", 1, "cuda_runtime.h"), ("kernels.cu", 3, "cudaMalloc"),
        ("src/legacy.py", 6, "torch.cuda.list_gpu_processes")]
    assert doc["scan"]["baselined"] == 1  # torch.cuda.synchronize(), untouched


@pytest.mark.parametrize("content, message", [
    (None, "baseline file not found (create it with `portcheck baseline write`)"),
    ('{"entries": []}', "not a portcheck baseline (version 1)"),
    ('{"portcheck_baseline": 1, "entries": [{"path": "a.py"}]}', "entries[0]: field 'fingerprint' is required"),
])
def test_bad_baseline_is_one_line(repo, cache, content, message):
    if content is not None:
        (repo / "b.json").write_text(content)
    for args in (["check", "--baseline", "b.json", "src/legacy.py"],
                 ["scan", ".", "--baseline", "b.json", "-q"]):
        res = _run(args, repo, cache)
        assert (res.returncode, res.stdout, res.stderr) == (2, "", f"portcheck: error: b.json: {message}\n")


def test_truncated_baseline_is_one_line(repo, cache):
    (repo / "b.json").write_text('{"portcheck_baseline": 1, "entries": [')
    res = _run(["check", "--baseline", "b.json", "src/legacy.py"], repo, cache)
    assert res.returncode == 2
    assert res.stderr.startswith("portcheck: error: b.json: not a portcheck baseline: Expecting value")
    assert res.stderr.count("\n") == 1
