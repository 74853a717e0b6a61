"""Tests for the benchmark helpers: run with `python -m pytest benchmarks/test_benchmarks.py -q`."""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from hipify_common import (blank_c_source, find_code_files, occurs_in_code,  # noqa: E402
                           parse_hipify_stats)
from hipify_compare import compare, finding_keys, hipify_keys  # noqa: E402
from synth_tree import generate  # noqa: E402

STDERR = """  warning: a.cu:#3 : cudaFooBar(x);

[HIPIFY] info: file './a.cu' statistics:
  CONVERTED refs count: 3
  TOTAL lines of code: 9
  WARNINGS: 0
[HIPIFY] info: CONVERTED refs by names:
  cudaMalloc => hipMalloc: 2
  cuda_runtime.h => hip/hip_runtime.h: 1

[HIPIFY] info: file 'sub/b.h' statistics:
  CONVERTED refs count: 0
  TOTAL lines of code: 4
  WARNINGS: 1
[HIPIFY] info: CONVERTED refs by names:

[HIPIFY] info: file 'GLOBAL' statistics:
  CONVERTED refs count: 3
  TOTAL lines of code: 13
  WARNINGS: 1
[HIPIFY] info: CONVERTED refs by names:
  cudaMalloc => hipMalloc: 2
  cuda_runtime.h => hip/hip_runtime.h: 1
"""


def test_parse_hipify_stats_reads_per_file_names_and_drops_global() -> None:
    assert parse_hipify_stats(STDERR) == {"a.cu": {"cudaMalloc": 2, "cuda_runtime.h": 1}, "sub/b.h": {}}


def test_blank_c_source_blanks_comments_strings_and_chars_but_keeps_lines() -> None:
    src = 'int a = 1\'000; // cudaFree\n/* cudaMalloc\n */ f("cudaMemcpy", \'c\', R"x(cudaEvent_t)x");\n'
    assert blank_c_source(src) == ("int a = 1'000;            \n             \n"
                                   "    f(\"          \", ' ', R\"               \");\n")


def test_blank_c_source_keep_strings_only_removes_comments() -> None:
    src = '#include "cuda_fp16.h" // cuda.h\nx = "cudaFree";\n'
    assert blank_c_source(src, keep_strings=True) == '#include "cuda_fp16.h" ' + " " * 9 + '\nx = "cudaFree";\n'


def test_blank_c_source_line_comment_continues_after_backslash() -> None:
    assert blank_c_source("// a \\\ncudaFree\nx") == "      \n        \nx"


def test_occurs_in_code_identifiers_headers_and_include_paths() -> None:
    src = '#include "ATen/cuda/CUDAContext.h"\n#include <cuda_runtime.h>\n// cudaFree\nputs("cudaMalloc");\ncudaStream_t s;\n'
    code, nocom = blank_c_source(src), blank_c_source(src, keep_strings=True)
    assert occurs_in_code("cudaStream_t", code, nocom)
    assert not occurs_in_code("cudaFree", code, nocom)
    assert not occurs_in_code("cudaMalloc", code, nocom)
    assert occurs_in_code("cuda_runtime.h", code, nocom)
    assert not occurs_in_code("cuda.h", code, nocom)
    assert occurs_in_code("CUDAContext", code, nocom)


def test_keys_cover_qualified_names_and_include_basenames() -> None:
    assert finding_keys("cub::BlockReduce", "type") == {"cub::BlockReduce", "BlockReduce"}
    assert finding_keys("ATen/cuda/CUDAContext.h", "include") == {"ATen/cuda/CUDAContext.h", "#include:CUDAContext.h"}
    assert hipify_keys("cub/cub.cuh", []) == {"#include:cub.cuh"}
    assert hipify_keys("CUDAContext", ["ATen/cuda/CUDAContext.h", "vector"]) == {"CUDAContext", "#include:CUDAContext.h"}


def test_compare_counts_kept_matched_and_missed_pairs(tmp_path: Path) -> None:
    (tmp_path / "k.cu").write_text('#include <cuda_runtime.h>\n// cudaFree(p);\ncudaMalloc(&p, 4);\n'
                                   'cudaStream_t s;\n')
    stats = {"k.cu": {"cuda_runtime.h": 1, "cudaFree": 1, "cudaMalloc": 1, "cudaStream_t": 1}}
    findings = {"k.cu": [{"symbol": "cuda_runtime.h", "kind": "include", "family": "cuda-runtime"},
                         {"symbol": "cudaMalloc", "kind": "call", "family": "cuda-runtime.memory"},
                         {"symbol": "ncclAllReduce", "kind": "call", "family": "nccl"}]}
    res = compare(tmp_path, stats, ["k.cu"], findings)
    assert (res["pairs"], res["kept"], res["matched"]) == (4, 3, 2)
    assert res["dropped"] == [("k.cu", "cudaFree")]
    assert res["missed"] == [("k.cu", "cudaStream_t")]
    assert res["portcheck_only"]["NCCL"] == {"findings": 1, "files": 1, "distinct_symbols": 1}
    assert round(res["recall"], 2) == 66.67


def test_find_code_files_uses_findcode_extensions(tmp_path: Path) -> None:
    for name in ("a.cu", "b.CU", "c.Cu", "d.py", "e/f.cuh", "e/g.hdl", "h.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    assert find_code_files(tmp_path) == ["a.cu", "b.CU", "e/f.cuh", "e/g.hdl"]


def test_generate_writes_nested_layers_deterministically(tmp_path: Path) -> None:
    a = generate(tmp_path / "a", 200, 0.2, seed=3)
    b = generate(tmp_path / "b", 200, 0.2, seed=3)
    assert a == b and a["files"] == 200
    count = lambda p: sum(1 for f in p.rglob("*") if f.is_file())
    assert count(tmp_path / "a" / "s30" / "s10") == 20
    assert count(tmp_path / "a" / "s30") == 60
    assert sorted(x.name for x in (tmp_path / "a").rglob("*") if x.is_file()) == \
        sorted(x.name for x in (tmp_path / "b").rglob("*") if x.is_file())


def test_evidence_shares_on_the_bundled_example(tmp_path: Path) -> None:
    from evidence_shares import main
    out = tmp_path / "shares.json"
    example = Path(__file__).parent.parent / "examples" / "ddp_cuda_demo"
    assert main([f"demo={example}", "--json", str(out)]) == 0
    import json
    table = json.loads(out.read_text())["demo"]
    assert set(table) == {"cann", "musa", "neuware"}
    for row in table.values():
        assert row["verified"] + row["mapped"] + row["inferred"] == row["total"] > 0
        assert row["inferred_pct"] == round(100 * row["inferred"] / row["total"], 1)
