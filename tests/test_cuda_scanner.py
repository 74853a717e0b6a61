"""The CUDA/C/C++ scanner against annotated fixtures (tests/fixtures/cuda), plus kernels, positions and bad input."""
from __future__ import annotations

from pathlib import Path

import pytest

from portcheck.model import KERNEL_FEATURES, KINDS, ApiUse
from portcheck.scanners import get_scanner
from portcheck.scanners import cuda as cuda_mod
from portcheck.scanners.cuda import _parser, query_captures, scan_cuda, walk_captures
from portcheck.tables import load_tables
from tests.annotations import diff, expected, found

FIXTURES = Path(__file__).parent / "fixtures" / "cuda"
ALL = sorted(p.name for p in FIXTURES.iterdir() if p.is_file())
NEGATIVE = [n for n in ALL if n.startswith("neg_")]


@pytest.fixture(scope="module")
def tables():
    return load_tables()


def scan(name: str, tables, path: str | None = None):
    return scan_cuda(path or name, (FIXTURES / name).read_text(encoding="utf-8"), tables)


def use_at(uses: list[ApiUse], line: int, symbol: str) -> ApiUse:
    hits = [u for u in uses if u.line == line and u.symbol == symbol]
    assert len(hits) == 1, f"{symbol} on line {line}: {hits}"
    return hits[0]


@pytest.mark.parametrize("name", ALL)
def test_fixture_annotations_match_findings_exactly(name, tables):
    out = scan(name, tables)
    assert out.partial == ""
    assert diff(expected(FIXTURES / name), found(out.uses)) == ""


@pytest.mark.parametrize("name", NEGATIVE)
def test_negative_fixtures_produce_nothing(name, tables):
    out = scan(name, tables)
    assert out.uses == [] and out.kernels == []


def test_every_fixture_bullet_is_covered(tables):
    kinds = {u.kind for n in ALL for u in scan(n, tables).uses}
    assert {"call", "type", "constant", "macro", "include", "kernel-def", "device-function", "launch", "intrinsic",
            "qualifier", "asm", "namespace", "method"} <= kinds
    assert kinds <= set(KINDS)


def test_scanner_is_registered():
    assert get_scanner("cuda") is scan_cuda


def test_parser_and_query_are_built_once():
    first = _parser()
    query_captures(first.parse(b"int x;").root_node)
    query = cuda_mod._state["query"]
    query_captures(first.parse(b"int y;").root_node)
    assert _parser() is first and cuda_mod._state["query"] is query


@pytest.mark.parametrize("name", ALL)
def test_tree_walk_captures_what_the_query_captures(name):
    """The Python walk (first files of a process) and the compiled query see the same nodes, in the same order
    (the scanner keeps the first of several same-named device functions)."""
    tree = _parser().parse((FIXTURES / name).read_bytes())

    def spans(caps):
        return {k: [(n.start_byte, n.end_byte, n.type) for n in v] for k, v in caps.items()}
    walked = spans(walk_captures(tree.root_node))
    assert walked == spans(query_captures(tree.root_node))
    assert walked.get("skip")  # every fixture has comments: the comparison is not of two empty dicts


@pytest.mark.parametrize("name", ALL)
def test_query_path_gives_the_walk_path_findings(name, tables, monkeypatch):
    text = (FIXTURES / name).read_text(encoding="utf-8")
    monkeypatch.setattr(cuda_mod, "WALK_FILES", 0)
    by_query = scan_cuda(name, text, tables)
    monkeypatch.setattr(cuda_mod, "WALK_FILES", 10**9)
    monkeypatch.delitem(cuda_mod._state, "query", raising=False)
    by_walk = scan_cuda(name, text, tables)
    assert (by_query.uses, by_query.kernels) == (by_walk.uses, by_walk.kernels)
    assert by_walk.uses or name.startswith("neg_")


def test_positions_language_and_source(tables):
    out = scan("runtime_api.cu", tables)
    u = use_at(out.uses, 15, "cudaMalloc")
    assert (u.path, u.line, u.column, u.end_line, u.end_column) == ("runtime_api.cu", 15, 21, 15, 31)
    assert (u.language, u.kind, u.family, u.confidence, u.in_kernel) == (
        "cuda", "call", "cuda-runtime.memory", "syntactic", "")
    assert u.source == "  cudaError_t err = cudaMalloc(&dev, n * sizeof(float));  // [cudaError_t, cudaMalloc]"
    free = use_at(out.uses, 22, "cudaFree")  # `::cudaFree`: the symbol drops the leading `::`, the column skips it
    assert (free.column, free.end_column) == (5, 13)
    assert use_at(out.uses, 7, "cudaStream_t").kind == "type"
    assert use_at(out.uses, 20, "cudaMemcpyHostToDevice").kind == "constant"
    cpp = scan("libraries.cpp", tables).uses
    assert {u.language for u in cpp} == {"cpp"}


def test_columns_count_characters_not_bytes(tables):
    out = scan_cuda("u.cu", "// é\nint x = 1; /* größe */ float* p; cudaMalloc(&p, 4); /* ü */ cudaFree(p);\n", tables)
    assert [(u.line, u.column, u.end_column, u.symbol) for u in out.uses] == [
        (2, 34, 44, "cudaMalloc"), (2, 61, 69, "cudaFree")]  # 36 and 64 if ö, ß and ü were counted as bytes
    assert out.uses[0].source == "int x = 1; /* größe */ float* p; cudaMalloc(&p, 4); /* ü */ cudaFree(p);"


def test_huge_lines_keep_a_window_of_source(tables):
    line = "int a = " + "x + " * 1000 + "cudaMalloc + " + "y + " * 1000 + "0;"
    (u,) = scan_cuda("big.cu", line + "\n", tables).uses
    assert (u.line, u.column, u.end_column) == (1, 4009, 4019)
    assert len(u.source) == 1002 and u.source.startswith("…") and u.source.endswith("…")
    assert u.source[501:511] == "cudaMalloc"


def test_macro_bodies_and_error_regions_are_textual(tables):
    macros = scan("macros.cu", tables).uses
    assert use_at(macros, 2, "cudaGetErrorString").confidence == "textual"
    assert {u.confidence for u in macros if u.line == 12} == {"syntactic"}  # #if conditions are parsed
    assert use_at(macros, 22, "cudaMalloc").confidence == "syntactic"
    broken = scan("error_region.cu", tables).uses
    assert [(u.line, u.symbol, u.confidence) for u in broken] == [
        (3, "cudaMalloc", "textual"), (4, "cudaFree", "textual")]


def test_kernel_definitions_launches_and_memory_spaces(tables):
    uses = scan("kernels.cu", tables).uses
    k = use_at(uses, 10, "__global__")
    assert (k.kind, k.family, k.detail, k.in_kernel, k.confidence) == (
        "kernel-def", "kernel.definition", "scale_kernel", "scale_kernel", "syntactic")
    macro_bounds = use_at(uses, 24, "__global__")  # the grammar splits this one; found textually
    assert (macro_bounds.kind, macro_bounds.detail, macro_bounds.confidence) == (
        "kernel-def", "macro_bounds_kernel", "textual")
    assert use_at(uses, 28, "__global__").kind == "qualifier"  # a declaration only
    assert (use_at(uses, 6, "__device__").kind, use_at(uses, 6, "__device__").detail) == ("device-function", "square")
    assert use_at(uses, 4, "__device__").kind == "qualifier"  # a __device__ variable
    launch = use_at(uses, 32, "<<<>>>")
    assert (launch.kind, launch.family, launch.detail, launch.column) == ("launch", "kernel.launch", "scale_kernel", 15)
    assert use_at(uses, 33, "<<<>>>").detail == "reduce_kernel"
    assert use_at(uses, 18, "extern __shared__").in_kernel == "reduce_kernel"
    assert use_at(uses, 11, "threadIdx").in_kernel == "scale_kernel"
    assert use_at(uses, 30, "cudaStream_t").in_kernel == ""


def test_kernel_infos(tables):
    kernels = {k.name: k for k in scan("kernels.cu", tables).kernels}
    assert sorted(kernels) == ["macro_bounds_kernel", "reduce_kernel", "scale_kernel"]
    k = kernels["reduce_kernel"]
    assert (k.path, k.line, k.end_line, k.lines) == ("kernels.cu", 16, 22, 7)
    assert k.features == ("dynamic-shared-memory", "shared-memory", "syncthreads")
    assert k.feature_counts == (("dynamic-shared-memory", 1), ("shared-memory", 2), ("syncthreads", 1))
    assert kernels["scale_kernel"].feature_counts == (("device-calls", 2),)  # square() and twice()
    assert (kernels["macro_bounds_kernel"].line, kernels["macro_bounds_kernel"].end_line) == (24, 26)


def test_warp_kernel_features(tables):
    kernels = {k.name: k for k in scan("warp_atomics.cu", tables).kernels}
    # the kernel inherits what its __device__ helper warp_sum uses (one shuffle, one full mask, width 32 and 16)
    assert kernels["warp_kernel"].feature_counts == (
        ("atomics", 3), ("device-calls", 1), ("full-lane-mask", 2), ("inline-asm", 1), ("ldg", 1),
        ("warp-intrinsics", 5), ("warp-size-32", 4))
    assert (kernels["warp_kernel"].line, kernels["warp_kernel"].end_line) == (10, 24)
    assert kernels["portable_kernel"].features == ()  # threadIdx.x % warpSize is not a fixed-width assumption


def test_tensor_core_cooperative_groups_fp_texture_features(tables):
    tc = {k.name: k.feature_counts for k in scan("tensor_cores.cu", tables).kernels}
    assert tc == {"wmma_kernel": (("fp16-bf16", 3), ("tensor-cores", 9)),
                  "ptx_mma_kernel": (("inline-asm", 1), ("tensor-cores", 1))}
    (cg,) = scan("cooperative_groups.cu", tables).kernels
    assert cg.feature_counts == (("cooperative-groups", 7), ("warp-size-32", 1))  # tiled_partition<32>
    (fp,) = scan("fp16.cu", tables).kernels
    assert fp.feature_counts == (("fp16-bf16", 11), ("fp8", 2))
    (tex,) = scan("textures.cu", tables).kernels
    assert tex.feature_counts == (("textures", 5),)
    for name in ALL:
        for k in scan(name, tables).kernels:
            assert set(k.features) <= set(KERNEL_FEATURES) and list(k.features) == sorted(k.features)


@pytest.mark.parametrize("source, features", [
    ("int lane = threadIdx.x % 32;", (("warp-size-32", 1),)),
    ("int w = threadIdx.x >> 5; int l = threadIdx.x & 0x1f;", (("warp-size-32", 2),)),
    ("if (lane_id < 32) x[0] = 1;", (("warp-size-32", 1),)),
    ("for (int o = 16; o >= 1; o >>= 1) v += __shfl_down_sync(~0u, v, o);",
     (("warp-intrinsics", 1), ("warp-size-32", 1))),
    ("v = __shfl_sync(0xFFFFFFFFu, v, 0);", (("full-lane-mask", 1), ("warp-intrinsics", 1))),
    ("int n = 64 / 4;", ()),
])
def test_fixed_width_patterns(source, features, tables):
    src = f"__global__ void k(float* x) {{\n  int lane = 0; float v = 0;\n  {source}\n}}\n"
    (k,) = scan_cuda("k.cu", src, tables).kernels
    assert k.feature_counts == features


def test_qualified_names_keep_their_canonical_spelling(tables):
    uses = scan("cooperative_groups.cu", tables).uses
    u = use_at(uses, 6, "cooperative_groups::this_thread_block")
    assert (u.detail, u.kind, u.family) == (
        "written cg::this_thread_block", "intrinsic", "kernel.cooperative-groups")
    alias = use_at(uses, 3, "cooperative_groups")
    assert (alias.kind, alias.column) == ("namespace", 16)
    torch = scan("torch_ext.cpp", tables).uses
    assert use_at(torch, 14, "at::kCUDA").detail == "written torch::kCUDA"
    assert use_at(torch, 29, "at::cuda::getCurrentCUDAStream").detail == "written cuda::getCurrentCUDAStream"
    assert use_at(torch, 22, "at::cuda::SomeFutureHelper").family == "torch-cpp.cuda"  # not listed, still at::cuda


@pytest.mark.parametrize("text", [
    "", "\x00\x01\x02 binary \xff\xfe cudaMalloc \x00", "{" * 5000 + "cudaFree(p);" + "}" * 10,
    "__global__ void k( {{{ <<<< >>>> asm( \"", "#define X(a) \"unterminated cudaMalloc\n__device__",
    "\ud800 lone surrogate cudaMalloc(p);", "template<" * 2000, "__global__ void k(){" + "x;" * 20000,
])
def test_garbage_never_raises(text, tables):
    out = scan_cuda("bad.cu", text, tables)
    assert out.partial == ""  # handled, not caught: the scanner's own safety net did not fire


def test_binary_ish_input_still_finds_real_names(tables):
    out = scan_cuda("bad.cu", "\x00\x01 garbage \x02\nvoid f() { cudaMalloc(&p, 1); }\n", tables)
    assert [(u.line, u.symbol) for u in out.uses] == [(2, "cudaMalloc")]


def test_internal_error_returns_partial(tables, monkeypatch):
    import portcheck.scanners.cuda as mod

    def boom(*args, **kwargs):
        raise RuntimeError("boom")
    monkeypatch.setattr(mod._Scan, "_launches", boom)
    out = scan_cuda("x.cu", "void f() { cudaMalloc(&p, 1); }", tables)
    assert out.partial == "cuda scanner stopped early: RuntimeError: boom"
    assert [(u.line, u.column, u.symbol) for u in out.uses] == [(1, 12, "cudaMalloc")]  # found before the failure


def test_half_in_cpp_needs_fp16_evidence(tables):
    body = "void f(const half* p, int n) { half x = p[0]; }\n"
    assert scan_cuda("a.cpp", body, tables).uses == []
    with_header = scan_cuda("a.cpp", "#include <cuda_fp16.h>\n" + body, tables).uses
    assert [(u.line, u.symbol, u.column) for u in with_header] == [
        (1, "cuda_fp16.h", 11), (2, "half", 14), (2, "half", 32)]


def test_device_operator_without_a_name_does_not_hang(tmp_path, tables):
    """DeepSpeed's fused_lamb kernel: a `__device__ operator T*()` helper once sent the callee count into an
    endless loop (find of an empty name); the scan hit the parse time limit instead of finishing."""
    from portcheck.engine import ScanOptions, run_scan
    (tmp_path / "k.cu").write_text(
        "template <typename T> struct SharedMemory {\n"
        "    __device__ inline operator T*() { extern __shared__ int s[]; return (T*)s; }\n"
        "};\n"
        "__device__ float helper(float x) { return __shfl_xor_sync(0xffffffff, x, 1); }\n"
        "__global__ void k(float* a) { float* s = SharedMemory<float>(); a[0] = helper(s[0]); }\n",
        encoding="utf-8")
    res = run_scan(tmp_path, ScanOptions(jobs=1, parse_timeout=5), tables)
    assert list(res.skipped) == []
    (kernel,) = res.kernels
    assert (kernel.name, kernel.line) == ("k", 5)
    assert {"warp-intrinsics", "full-lane-mask", "device-calls"} <= set(kernel.features)
