"""Inline suppressions in Python and C/C++: grammar, which names cover which findings, and reporting."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from portcheck.model import ApiUse, Suppression
from portcheck.suppress import matches, split_suppressed

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "guard"
_CLI = [sys.executable, "-c", "import sys; from portcheck.cli import main; sys.exit(main())"]


def _use(symbol: str, family: str, source: str = "", line: int = 1, kind: str = "call") -> ApiUse:
    return ApiUse("m.py", line, 1, line, 2, "python", kind, symbol, family, source)


@pytest.mark.parametrize("token, symbol, family, expected", [
    ("cudaMalloc", "cudaMalloc", "cuda-runtime.memory", True),
    ("cudaMalloc", "cudaMallocHost", "cuda-runtime.memory", False),  # a name is not a prefix
    ("cudaMalloc*", "cudaMallocHost", "cuda-runtime.memory", True),  # unless it says so
    ("*", "cudaMallocHost", "cuda-runtime.memory", True),
    ("cuda-runtime", "cudaMalloc", "cuda-runtime.memory", True),  # parent family
    ("cuda-runtime.memory", "cudaMalloc", "cuda-runtime.memory", True),
    ("cuda-runtime.mem", "cudaMalloc", "cuda-runtime.memory", False),
    ("cuda", "cudaMalloc", "cuda-runtime.memory", False),
    ("nccl", "ncclAllReduce", "nccl", True),
    ("torch.cuda", "torch.cuda.synchronize", "torch.cuda", True),  # dotted parent
    ("torch.cuda.sync", "torch.cuda.synchronize", "torch.cuda", False),
    ("torch.cuda.synchronize", "torch.cuda.synchronize", "torch.cuda", True),
    ("torch.cuda.empty_cache", "torch.cuda.synchronize", "torch.cuda", False),
    ("cuda", "device:cuda", "torch.device", True),  # the bare part of a prefixed symbol
    ("device:cuda", "device:cuda", "torch.device", True),
    ("device", "device:cuda", "torch.device", False),
    ("at::cuda", "at::cuda::getCurrentCUDAStream", "torch-cpp.cuda", True),  # :: parent
    ("at::cu", "at::cuda::getCurrentCUDAStream", "torch-cpp.cuda", False),
    ("flash-attn", "pip:flash-attn", "build.requirements", True),
])
def test_which_names_cover_which_symbols(token, symbol, family, expected):
    assert matches(token, _use(symbol, family)) is expected


@pytest.mark.parametrize("source, suppressed, reason", [
    ("torch.cuda.synchronize()  # portcheck: ignore", True, ""),
    ("torch.cuda.synchronize()  # portcheck: ignore -- CUDA-only tool", True, "CUDA-only tool"),
    ("torch.cuda.synchronize()  # portcheck: ignore[torch.cuda.synchronize]", True, ""),
    ("torch.cuda.synchronize()  #portcheck:ignore[torch.cuda.synchronize]--terse", True, "terse"),
    ("torch.cuda.synchronize()  # portcheck: ignore[cudaMalloc, torch.cuda] -- two names", True, "two names"),
    ("torch.cuda.synchronize()  # portcheck: ignore[cudaMalloc] -- another symbol", False, None),
    ("torch.cuda.synchronize()  # portcheck: ignore  # noqa: E501", True, ""),
    ("torch.cuda.synchronize()  # noqa: E501  # portcheck: ignore -- second comment", True, "second comment"),
    ("torch.cuda.synchronize()  # portcheck: ignore[torch.cuda] -- see issue #12", True, "see issue #12"),
    ("torch.cuda.synchronize()  // portcheck: ignore -- C++ comment style", True, "C++ comment style"),
    ("torch.cuda.synchronize()  /* portcheck: ignore[torch.cuda] -- block */", True, "block"),
    ("torch.cuda.synchronize()  # portcheck: ignored", False, None),  # not the keyword
    ("torch.cuda.synchronize()  # portcheck: ignore this", False, None),  # trailing words are not a reason
    ("torch.cuda.synchronize()  # PORTCHECK: IGNORE", False, None),
    ("print('# portcheck: ignore'); torch.cuda.synchronize()", False, None),  # in a string, not ending the line
    ("# portcheck: ignore", True, ""),
])
def test_suppression_grammar(source, suppressed, reason):
    use = _use("torch.cuda.synchronize", "torch.cuda", source, line=7)
    kept, silenced = split_suppressed([use])
    if suppressed:
        assert (kept, silenced) == ([], [Suppression("m.py", 7, "torch.cuda.synchronize", reason)])
    else:
        assert (kept, silenced) == ([use], [])


def test_split_keeps_order_and_applies_per_use():
    src = "cudaMemcpy(d, h, n, cudaMemcpyHostToDevice); // portcheck: ignore[cudaMemcpy] -- legacy"
    a = _use("cudaMemcpy", "cuda-runtime.memory", src, line=3)
    b = _use("cudaMemcpyHostToDevice", "cuda-runtime.memory", src, line=3, kind="constant")
    c = _use("cudaFree", "cuda-runtime.memory", "cudaFree(d);", line=4)
    kept, silenced = split_suppressed([a, b, c])
    assert kept == [b, c]  # the comment names cudaMemcpy only: the enum on the same line still counts
    assert silenced == [Suppression("m.py", 3, "cudaMemcpy", "legacy")]


# ------------------------------------------------------------------------------------ through the real CLI
def _run(args: list[str], cwd: Path, cache: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache), "NO_COLOR": "1"}
    return subprocess.run(_CLI + args, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture()
def tree(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    for name in ("suppress_cases.py", "suppress_cases.cu", "suppressed.py"):
        shutil.copy(FIXTURES / name, tmp_path / name)
    return tmp_path


def test_suppressed_findings_are_listed_separately_in_the_json_report(tree, tmp_path_factory):
    res = _run(["scan", ".", "--format", "json", "--output", "-", "-q"], tree, tmp_path_factory.mktemp("cache"))
    assert res.returncode == 0, res.stderr
    doc = json.loads(res.stdout)
    assert [(f["path"], f["line"], f["symbol"]) for f in doc["findings"]] == [
        ("suppress_cases.cu", 1, "cuda_runtime.h"),
        ("suppress_cases.cu", 5, "cudaMallocHost"),
        ("suppress_cases.cu", 8, "cudaFree"),
        ("suppress_cases.py", 5, "torch.cuda.synchronize"),
        ("suppress_cases.py", 7, "torch.cuda.list_gpu_processes"),
        ("suppress_cases.py", 12, "torch.cuda.synchronize"),
    ]
    assert doc["suppressed"] == [
        {"path": "suppress_cases.cu", "line": 4, "symbol": "cudaMalloc", "reason": "legacy path"},
        {"path": "suppress_cases.cu", "line": 6, "symbol": "cudaMemcpy", "reason": ""},
        {"path": "suppress_cases.cu", "line": 6, "symbol": "cudaMemcpyHostToDevice", "reason": ""},
        {"path": "suppress_cases.cu", "line": 7, "symbol": "cudaDeviceSynchronize",
         "reason": "a family covers its members"},
        {"path": "suppress_cases.py", "line": 3, "symbol": "torch.cuda.synchronize", "reason": ""},
        {"path": "suppress_cases.py", "line": 4, "symbol": "torch.cuda.synchronize", "reason": ""},
        {"path": "suppress_cases.py", "line": 6, "symbol": "torch.cuda.empty_cache",
         "reason": "a parent module covers its members"},
        {"path": "suppress_cases.py", "line": 8, "symbol": "torch.cuda.list_gpu_processes",
         "reason": "an explicit wildcard is"},
        {"path": "suppress_cases.py", "line": 9, "symbol": "torch.cuda.empty_cache", "reason": "one of several names"},
        {"path": "suppress_cases.py", "line": 10, "symbol": "torch.cuda.synchronize",
         "reason": "after another comment"},
        {"path": "suppress_cases.py", "line": 11, "symbol": "torch.cuda.synchronize", "reason": ""},
        {"path": "suppressed.py", "line": 6, "symbol": "torch.cuda.list_gpu_processes",
         "reason": "debug aid, CUDA hosts only"},
    ]
    assert doc["summary"]["suppressed"] == 12
    assert doc["summary"]["findings"] == 6
    assert {f["path"]: (f["findings"], f["suppressed"]) for f in doc["files"]} == {
        "suppress_cases.cu": (3, 4), "suppress_cases.py": (3, 7), "suppressed.py": (0, 1)}


def test_per_file_ignores_are_listed_with_their_reason(tree, tmp_path_factory):
    (tree / "pyproject.toml").write_text('[tool.portcheck.per-file-ignores]\n"*.cu" = ["cuda-runtime.memory"]\n')
    res = _run(["scan", ".", "--format", "json", "--output", "-", "-q"], tree, tmp_path_factory.mktemp("cache"))
    doc = json.loads(res.stdout)
    assert [(f["path"], f["line"], f["symbol"]) for f in doc["findings"] if f["path"].endswith(".cu")] == [
        ("suppress_cases.cu", 1, "cuda_runtime.h")]  # family cuda-runtime: the parent, not covered by its child
    by_reason = sorted((s["line"], s["symbol"], s["reason"]) for s in doc["suppressed"] if s["path"].endswith(".cu"))
    assert by_reason == [
        (4, "cudaMalloc", "legacy path"),
        (5, "cudaMallocHost", "per-file-ignores in configuration"),
        (6, "cudaMemcpy", ""),
        (6, "cudaMemcpyHostToDevice", ""),
        (7, "cudaDeviceSynchronize", "a family covers its members"),
        (8, "cudaFree", "per-file-ignores in configuration"),
    ]


def test_check_passes_a_suppressed_line_and_fails_one_naming_another_symbol(tree, tmp_path_factory):
    cache = tmp_path_factory.mktemp("cache")
    res = _run(["check", "suppressed.py"], tree, cache)
    assert (res.returncode, res.stdout) == (0, "")
    res = _run(["check", "--fail-on", "rename", "--fail-on", "missing", "suppress_cases.py"], tree, cache)
    assert res.returncode == 1
    assert [line.split(" ", 1)[0] for line in res.stdout.splitlines()] == [
        "suppress_cases.py:5:1:", "suppress_cases.py:7:1:", "suppress_cases.py:12:1:",
        # and the suppressions that silence nothing (issue 16): they fail the check as ruff's RUF100 does
        "suppress_cases.py:5:27:", "suppress_cases.py:7:34:", "suppress_cases.py:9:27:"]


# --------------------------------------------------------- issue 16: unused / unknown suppressions, blocks
from portcheck.suppress import suppress_file  # noqa: E402

KERNEL = """#include <cuda_runtime.h>
// portcheck: ignore-begin[kernel] -- prototype kernel, ported by hand in Q3
__global__ void scale(float *x, float a, int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) x[i] = a * x[i];
}
// portcheck: ignore-end
void run(float *x, int n) { scale<<<1, 32>>>(x, 2.0f, n); cudaDeviceSynchronize(); }
"""


def test_block_suppression_covers_a_kernel(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "k.cu").write_text(KERNEL)
    cache = tmp_path / "cache"
    res = _run(["check", "--fail-on", "adapt", "k.cu"], tmp_path, cache)
    # only the lines outside the block remain: the include on line 1 and the launch on line 8
    assert [line.split(" ", 1)[0] for line in res.stdout.splitlines()] == ["k.cu:1:11:", "k.cu:8:34:"], res.stdout
    res = _run(["scan", ".", "-q", "--no-cache", "-f", "json"], tmp_path, cache)
    doc = json.loads(res.stdout)
    assert sorted({(s["line"], s["symbol"]) for s in doc["suppressed"]}) == [
        (3, "__global__"), (4, "blockDim"), (4, "blockIdx"), (4, "threadIdx")]
    assert {s["reason"] for s in doc["suppressed"]} == {"prototype kernel, ported by hand in Q3"}
    assert "suppression_problems" not in doc


def test_unused_and_unknown_suppressions_are_reported(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "a.py").write_text(
        "import torch\n"
        "torch.cuda.synchronize()  # portcheck: ignore[torch.cuda.synchronise] -- typo\n"
        "x = 1  # portcheck: ignore -- nothing here\n"
        "torch.cuda.empty_cache()  # portcheck: ignore[torch.cuda.empty_cache, nccl]\n")
    (tmp_path / "clean.py").write_text("y = 2  # portcheck: ignore[cudaMalloc]\n")  # no CUDA in the file at all
    (tmp_path / "b.cu").write_text("// portcheck: ignore-end\nint f();\n// portcheck: ignore-begin\nint g();\n")
    cache = tmp_path / "cache"
    res = _run(["check", "a.py", "clean.py", "b.cu", "--fail-on", "none"], tmp_path, cache)
    assert res.returncode == 1
    assert res.stdout.splitlines() == [
        "a.py:2:27: suppression names 'torch.cuda.synchronise', which is no symbol or family portcheck knows "
        "[unknown-name]",
        "a.py:3:8: unused suppression: no finding on this line [unused]",
        "a.py:4:27: suppression: 'nccl' matches no finding on this line [unused-name]",
        "b.cu:1:1: portcheck: ignore-end without an ignore-begin [stray-end]",
        "b.cu:3:1: portcheck: ignore-begin without an ignore-end: it runs to the end of the file [unclosed-block]",
        "b.cu:3:1: unused ignore-begin block: no finding in it [unused]",
        "clean.py:1:8: unused suppression: no finding on this line matches cudaMalloc [unused]",
    ]
    assert res.stderr.startswith("portcheck: 7 suppression comment(s) silence nothing or name something unknown")
    res = _run(["check", "a.py", "--fail-on", "none", "--output-format", "github", "--exit-zero"], tmp_path, cache)
    assert res.returncode == 0
    assert res.stdout.splitlines()[1] == ("::warning file=a.py,line=3,col=8,title=portcheck%3A unused suppression::"
                                          "unused suppression: no finding on this line")
    res = _run(["scan", ".", "-q", "--no-cache", "-f", "json"], tmp_path, cache)
    probs = json.loads(res.stdout)["suppression_problems"]
    assert [(p["path"], p["line"], p["kind"]) for p in probs] == [
        ("a.py", 2, "unknown-name"), ("a.py", 3, "unused"), ("a.py", 4, "unused-name"), ("b.cu", 1, "stray-end"),
        ("b.cu", 3, "unclosed-block"), ("b.cu", 3, "unused"), ("clean.py", 1, "unused")]
    res = _run(["scan", ".", "--no-cache"], tmp_path, cache)
    assert "a.py:3:8: unused suppression: no finding on this line [unused]" in res.stdout


def test_a_typo_in_per_file_ignores_is_reported(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "a.py").write_text("import torch\ntorch.cuda.synchronize()\n")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.portcheck.per-file-ignores]\n"a.py" = ["torch.cuda.synchronise", "torch.cuda"]\n')
    res = _run(["check", "a.py"], tmp_path, tmp_path / "cache")
    assert res.returncode == 0
    assert res.stderr == (f"portcheck: warning: {tmp_path / 'pyproject.toml'}: per-file-ignores.\"a.py\": "
                          "'torch.cuda.synchronise' is no symbol or family portcheck knows; it silences nothing\n")


def test_suppress_file_unit():
    uses = [_use("torch.cuda.synchronize", "torch.cuda", "torch.cuda.synchronize()", line=2),
            _use("torch.cuda.synchronize", "torch.cuda", "torch.cuda.synchronize()", line=4)]
    text = "# portcheck: ignore-begin[torch.cuda]\ntorch.cuda.synchronize()\n# portcheck: ignore-end\n" \
           "torch.cuda.synchronize()\n"
    kept, silenced, problems = suppress_file("m.py", text, uses)
    assert [u.line for u in kept] == [4] and [s.line for s in silenced] == [2] and problems == []
