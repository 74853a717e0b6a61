"""The command line as a user runs it: scan, explain, mappings, render; errors are one line, never a traceback."""
from __future__ import annotations

import json
import os
import subprocess
import tempfile
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "ddp_cuda_demo"
CACHE = tempfile.mkdtemp(prefix="portcheck-test-cache-")


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "NO_COLOR": "1", "HOME": CACHE, "XDG_CACHE_HOME": CACHE}
    return subprocess.run([sys.executable, "-m", "portcheck", *args], capture_output=True, text=True,
                          cwd=cwd or ROOT, env=env)


def test_scan_example_terminal_and_json(tmp_path):
    out = tmp_path / "r.json"
    p = run("scan", str(EXAMPLE), "--no-cache", "-f", "json", "-o", str(out), cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    assert "Porting effort per backend" in p.stdout
    assert "Traceback" not in p.stderr
    doc = json.loads(out.read_text())
    assert doc["schema_version"] == "1.0"
    assert [b["id"] for b in doc["backends"]] == ["cann", "musa", "neuware"]
    for b in ("cann", "musa", "neuware"):
        e = doc["effort"][b]
        assert e["low"] <= e["hours"] <= e["high"] and e["hours"] > 0
        assert doc["backends"][["cann", "musa", "neuware"].index(b)]["versions"]
    syms = {f["symbol"] for f in doc["findings"]}
    assert {"torch.cuda.amp.autocast", "backend:nccl", "__shfl_xor_sync", "atomicAdd", "<<<>>>",
            "at::cuda::getCurrentCUDAStream", "cmake:CUDA-language"} <= syms
    assert doc["effort"]["cann"]["hours"] > doc["effort"]["musa"]["hours"]
    assert doc["kernels"] and all(k["path"].startswith("csrc/") for k in doc["kernels"])


def test_explain_cudamemcpy_text_and_json():
    p = run("explain", "cudaMemcpy")
    assert p.returncode == 0, p.stderr
    lines = p.stdout.splitlines()
    assert lines[0].startswith("cudaMemcpy  [cuda-runtime.memory")
    body = "\n".join(lines)
    assert "cann     adapt    aclrtMemcpy" in body
    assert "musa     rename   musaMemcpy" in body
    assert "neuware  adapt    cnrtMemcpy" in body
    data = json.loads(run("explain", "cudaMemcpy", "--format", "json").stdout)
    assert data["verdicts"]["cann"]["target"] == "aclrtMemcpy"
    assert "destMax" in data["verdicts"]["cann"]["note"]
    assert data["verdicts"]["cann"]["versions"]


@pytest.mark.parametrize("symbol", ["torch.cuda.CUDAGraph", "__shfl_xor_sync", "flash_attn"])
def test_explain_answers_for_issue_examples(symbol):
    data = json.loads(run("explain", symbol, "--format", "json").stdout)
    assert data["recognised"]
    assert set(data["verdicts"]) == {"cann", "musa", "neuware"}
    assert all(v["status"] != "unknown" for v in data["verdicts"].values()), data["verdicts"]


def test_explain_unknown_symbol_suggests_close_names():
    p = run("explain", "cudaMemcpyy")
    assert p.returncode == 3  # not 1, which means "check found ties"
    assert "not in the portcheck catalog" in p.stdout
    assert "cudaMemcpy" in p.stdout.splitlines()[1]


def test_mappings_browse_filters():
    p = run("mappings", "--backend", "cann", "--family", "cusparse", "--status", "missing", "--format", "json")
    assert p.returncode == 0, p.stderr
    rows = json.loads(p.stdout)
    assert rows and all(r["family"].startswith("cusparse") for r in rows)
    assert all(r["verdicts"]["cann"]["status"] == "missing" for r in rows)


def test_render_rerenders_saved_json(tmp_path):
    out = tmp_path / "r.json"
    assert run("scan", str(EXAMPLE), "--no-cache", "-q", "-f", "json", "-o", str(out), cwd=tmp_path).returncode == 0
    p = run("render", str(out), "-f", "md", "-o", str(tmp_path / "r.md"), cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    assert (tmp_path / "r.md").read_text().startswith("#")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    p = run("render", str(bad), "-f", "md", "-o", "-")
    assert p.returncode == 2 and p.stderr.startswith("portcheck: error: ") and "Traceback" not in p.stderr


def test_usage_errors_exit_2_with_one_line(tmp_path):
    p = run("scan", str(EXAMPLE), "-f", "pdf", "-o", "x")
    assert p.returncode == 2
    p = run("scan", str(EXAMPLE), "-b", "rocm", "-q", "--no-cache")
    assert p.returncode == 2
    assert p.stderr.strip().count("\n") == 0 and "unknown backend 'rocm'" in p.stderr
    bad = tmp_path / "maps"
    (bad / "cann").mkdir(parents=True)
    (bad / "cann" / "backend.yaml").write_text("id: cann\nname: x\n")
    (bad / "cann" / "broken.yaml").write_text("entries:\n  - symbol: cudaMalloc\n    status: renamed\n    ref: me\n")
    p = run("scan", str(EXAMPLE), "--mappings", str(bad), "-q", "--no-cache")
    assert p.returncode == 2
    assert "broken.yaml: entry 'cudaMalloc': field 'status': 'renamed' is not one of" in p.stderr
    assert "Traceback" not in p.stderr


def test_scan_fail_on_is_a_ci_gate(tmp_path):
    p = run("scan", str(EXAMPLE), "-q", "--fail-on", "missing", cwd=tmp_path)
    assert p.returncode == 1 and p.stderr.startswith("portcheck: ") and "fail-on all backends: missing, unknown" in p.stderr
    p = run("scan", str(EXAMPLE), "-q", "--fail-on", "unknown", "-b", "cann", cwd=tmp_path)
    assert p.returncode == 0, p.stderr
