"""The calibration benchmark's data and its pieces (benchmarks/calibration.py): the cases file is complete, a pre-port
tree is rebuilt from a real git repository, and the comparison applies the documented rule."""
from __future__ import annotations

import importlib.util
import math
import subprocess
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("calibration", ROOT / "benchmarks" / "calibration.py")
calibration = importlib.util.module_from_spec(spec)
spec.loader.exec_module(calibration)


def test_every_case_says_what_it_is_compared_with():
    cases = yaml.safe_load((ROOT / "benchmarks" / "calibration_cases.yaml").read_text(encoding="utf-8"))["cases"]
    assert len(cases) == 16
    scored = 0
    for c in cases:
        assert c["backend"] in ("cann", "musa", "neuware"), c["id"]
        cal = c["calibration"]
        if cal.get("skip"):
            continue
        lo, hi = cal["real_pd"]
        assert 0 < lo < hi and cal["compare"] in ("working", "full") and cal["basis"], c["id"]
        assert len(c["pre_port"]["commit"]) == 40 and c["pre_port"]["mirror"], c["id"]
        scored += not cal.get("subset")
    assert scored == 13


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


def test_rebuild_writes_the_commit_tree(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    (repo / "csrc").mkdir()
    (repo / "csrc" / "k.cu").write_text("__global__ void k() {}\n")
    (repo / "train.py").write_text("import torch\n")
    _git(repo, "add", ".")
    _git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "pre-port")
    pre = _git(repo, "rev-parse", "HEAD")
    (repo / "train.py").write_text("import torch\nimport torch_npu\n")
    _git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qam", "port")
    dest = tmp_path / "tree"
    assert calibration.rebuild(repo / ".git", pre, dest) == 0
    assert (dest / "train.py").read_text() == "import torch\n"
    assert (dest / "csrc" / "k.cu").read_text() == "__global__ void k() {}\n"


def _effort(working: float, parity: float, env: float = 16.0) -> dict:
    items = [{"what": "environment and CI set-up", "hours": env, "low": env * 0.35, "high": env * 2}]
    return {"working": {"hours": working, "low": working * 0.35, "high": working * 2},
            "parity": {"hours": parity, "low": parity * 0.3, "high": parity * 2.5}, "line_items": items}


def test_comparison_rule():
    case = {"id": "x", "backend": "musa", "calibration": {"real_pd": [2, 8], "compare": "working", "basis": "b"}}
    row = calibration.compare(case, _effort(working=16 + 30, parity=600))  # 30 h without the environment = 5 pd
    assert row["real_point"] == 4.0 and row["estimate_pd"] == 5.0 and row["ratio"] == 1.25
    assert math.isclose(row["estimate_range"][0], round((46 * 0.35 - 16 * 0.35) / 6, 1))
    assert row["inside"] and row["ok"]
    case["calibration"]["compare"] = "full"
    row = calibration.compare(case, _effort(working=16 + 30, parity=600))
    assert row["estimate_pd"] == 105.0 and not row["ok"]
