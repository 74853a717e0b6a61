"""Issue 14, evidence strength: mappings/*/evidence_misc.yaml (tools/misc_evidence.py) gives per-name verdicts for
families that rested on a family default or an "unverified" row, each citing the vendor source line that shows it.
The tables are regenerated from the committed source lines and compared; the verdicts of real fixture files are
checked name by name, per hardware target where the chips differ."""
from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import pytest
import yaml

from portcheck.engine import ScanOptions, run_scan
from portcheck.tables import load_tables

ROOT = Path(__file__).resolve().parent.parent
FIX = Path(__file__).parent / "fixtures"
sys.path.insert(0, str(ROOT / "tools"))
import misc_evidence as gen  # noqa: E402

MIRRORS = Path("/work/.mirror")


@pytest.fixture(scope="module")
def tables():
    return load_tables()


@pytest.fixture(scope="module")
def facts():
    return gen.read_facts(gen.FACTS.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def mute():
    return gen.read_mute_headers(gen.MUTE_HEADERS.read_text(encoding="utf-8"))


def test_tables_are_the_generator_output(facts, mute):
    for backend, out in gen.OUT.items():
        text = out.read_text(encoding="utf-8")
        assert text == gen.build(backend, facts, mute), f"{out} is stale: run python tools/misc_evidence.py"
        data = yaml.safe_load(text)
        assert data["evidence"] == "verified" and data["entries"]


def test_every_citation_is_a_committed_vendor_line(facts):
    """Each cited (source, path, pattern) has a line from the vendor file at a pinned commit, and the line matches."""
    cited = set(gen._all_srcs())
    assert cited == set(facts)  # no stale lines, none missing
    for (key, path, pat), (repo_sha, n, line) in facts.items():
        repo, _, sha = repo_sha.partition("@")
        assert repo == gen.SOURCES[key][0] and re.fullmatch(r"[0-9a-f]{8}", sha) and n > 0
        assert re.search(pat, line), (key, path, pat, line)
    head = [l for l in gen.FACTS.read_text(encoding="utf-8").splitlines() if l.startswith("#")]
    for repo, lic in gen.SOURCES.values():  # every quoted repository is named with its licence
        assert any(repo in h and lic in h for h in head), repo


def test_a_missing_or_wrong_line_stops_the_build(facts, mute):
    key = next(iter(facts))
    with pytest.raises(SystemExit, match="run tools/misc_evidence.py --facts"):
        gen.build("musa", {k: v for k, v in facts.items() if k != key}, mute)
    bad = dict(facts)
    bad[key] = (facts[key][0], facts[key][1], "a line that says something else")
    with pytest.raises(SystemExit, match="does not match"):
        gen.build("musa", bad, mute)


@pytest.mark.skipif(not (MIRRORS / "MooreThreads+vllm_musa" / "repo").is_dir(), reason="vendor mirrors not here")
def test_committed_lines_are_what_the_mirrors_hold():
    assert gen.collect_facts() == gen.FACTS.read_text(encoding="utf-8")
    assert gen.mute_headers_text() == gen.MUTE_HEADERS.read_text(encoding="utf-8")


def _without_row(tables, b, sym: str):
    """The verdict the other tables give `sym` once this file's exact (or wildcard) row is taken away."""
    if sym.endswith("::*"):
        prefix, keep = sym[:-1], b.wildcards
        b.wildcards = [(p, v) for p, v in keep if not (p == prefix and v.ref.startswith("MooreThreads/mutlass@"))]
        try:
            return b.lookup(prefix + "Tensor", _family(tables, prefix + "Tensor"), False)
        finally:
            b.wildcards = keep
    v = b.exact.pop(sym)
    try:
        return b.lookup(sym, _family(tables, sym), sym in tables.catalog)
    finally:
        b.exact[sym] = v


def _family(tables, sym: str) -> str:
    """The family the scanners give a name: catalog or pattern, else the include folder of a header path."""
    from portcheck.scanners.cuda_names import INCLUDE_FOLDERS, NAMESPACES

    fam = tables.family_of(sym)
    if fam:
        return fam
    heads = INCLUDE_FOLDERS + NAMESPACES + tuple((ns[:-2], f) for ns, f in NAMESPACES)  # a bare namespace too
    fam = next((f for head, f in heads if sym.startswith(head) and (head.endswith(("/", "::")) or sym == head)), "")
    if not fam and "." in sym:  # a Python name: the package's family, as the Python scanner files it
        fam = f"python-package.{sym.split('.')[0]}"
        fam = fam if fam in tables.families else ("cpp-extension" if sym.startswith("torch.utils.cpp_extension")
                                                  else "")
    return fam


def test_statuses_are_kept_unless_the_source_shows_otherwise(tables):
    """A row keeps the status the tables gave the name before (family default, wildcard row); the changes are
    listed in CHANGED with the reason and written as a comment into the table."""
    for backend, rows in gen.ROWS.items():
        b = tables.backend(backend)
        for syms, status, _target, _note, _srcs, _per in rows:
            for sym in syms:
                before = _without_row(tables, b, sym)
                if (backend, sym) in gen.CHANGED:  # a documented change (the row it replaced may be gone)
                    assert f"# {backend} {sym}: {gen.CHANGED[backend, sym]}" in gen.OUT[backend].read_text("utf-8")
                else:
                    assert before.status == status, (backend, sym, before)
    assert {k for k in gen.CHANGED} <= {(b, s) for b, rows in gen.ROWS.items() for syms, *_ in rows for s in syms}


def test_cuda_names_are_catalog_or_scanner_names(tables):
    """Every row names something the scanners report: a catalog name, a family-pattern name, a header in a CUDA
    include folder, or a name in (or of) a CUDA namespace."""
    for rows in gen.ROWS.values():
        for syms, *_ in rows:
            for sym in syms:
                assert _family(tables, sym), sym


# ------------------------------------------------------------------------------------- verdicts of a real scan
@pytest.fixture(scope="module")
def scan(tables, tmp_path_factory):
    root = tmp_path_factory.mktemp("misc")
    shutil.copy(FIX / "cuda" / "cooperative_groups.cu", root / "cooperative_groups.cu")
    shutil.copy(FIX / "cuda" / "kernels.cu", root / "kernels.cu")
    shutil.copy(FIX / "build" / "CMakeLists.txt", root / "CMakeLists.txt")
    shutil.copy(FIX / "build" / "setup.py", root / "setup.py")
    result = run_scan(root, ScanOptions(jobs=1), tables)
    return {(f.use.path, f.use.line, f.use.symbol): dict(f.verdicts) for f in result.findings}


def test_musa_cooperative_groups_in_a_real_scan(scan):
    tile = scan[("cooperative_groups.cu", 7, "cooperative_groups::tiled_partition")]["musa"]
    assert (tile.status, tile.target, tile.rule, tile.evidence) == \
        ("partial", "cooperative_groups::tiled_partition", "exact", "verified")
    assert tile.ref == "MooreThreads/vllm_musa@1a9e5690 csrc_musa/punica/bgmv/bgmv_impl.muh:178"
    assert "128 lanes" in tile.note and "quarter of a warp" in tile.note
    blk = scan[("cooperative_groups.cu", 6, "cooperative_groups::this_thread_block")]["musa"]
    assert (blk.status, blk.evidence, blk.ref) == \
        ("partial", "verified", "MooreThreads/vllm_musa@1a9e5690 csrc_musa/punica/bgmv/bgmv_impl.muh:30")
    grid = scan[("cooperative_groups.cu", 8, "cooperative_groups::this_grid")]["musa"]
    assert (grid.status, grid.evidence) == ("partial", "verified")
    assert grid.ref.startswith("MooreThreads/tilelang_musa@dd1cce9b src/target/codegen_musa.cc:1805; ")
    inc = scan[("cooperative_groups.cu", 2, "cooperative_groups.h")]["musa"]
    assert (inc.target, inc.evidence) == ("cooperative_groups.h", "verified")
    # the thread_block group: vllm_musa holds it as auto and calls block.sync() / block.thread_rank()
    tb = scan[("cooperative_groups.cu", 6, "cooperative_groups::thread_block")]["musa"]
    assert (tb.status, tb.rule, tb.evidence) == ("partial", "exact", "verified") and "as auto" in tb.note
    # no MUSA source uses cg::reduce or cg::plus: still the unverified wildcard row
    for line, sym in ((9, "cooperative_groups::reduce"), (9, "cooperative_groups::plus")):
        v = scan[("cooperative_groups.cu", line, sym)]["musa"]
        assert (v.status, v.rule, v.evidence) == ("partial", "wildcard", "inferred"), sym


def test_cooperative_groups_namespace_on_cann(scan, tables):
    v = scan[("cooperative_groups.cu", 3, "cooperative_groups")]["cann"]
    assert (v.status, v.rule, v.evidence) == ("missing", "exact", "verified")
    assert v.ref == "cannmirror/asc-devkit@0da921b9 docs/zh/api/SIMT-API/协作组/tiled_partition.md:12"
    on_950 = tables.backend("cann").target_differences("cooperative_groups", "kernel.cooperative-groups")["950"]
    assert (on_950.status, on_950.target) == ("partial", "cooperative_groups")
    assert "include/simt_api/cooperative_groups.h:24" in on_950.ref
    # NeuWare: no Cambricon source to cite, the family default stays
    assert scan[("cooperative_groups.cu", 3, "cooperative_groups")]["neuware"].evidence == "inferred"


def test_musa_tile_verdict_differs_on_s5000(tables):
    per = tables.backend("musa").target_differences("cooperative_groups::thread_block_tile",
                                                    "kernel.cooperative-groups")
    assert "quarter of a warp" in per["s4000"].note and "quarter of a warp" in per["s80"].note
    assert "32-lane warps" in per["s5000"].note and "quarter" not in per["s5000"].note
    assert {v.evidence for v in per.values()} == {"verified"}


def test_launch_bounds_in_a_real_scan(scan, tables):
    lb = scan[("kernels.cu", 16, "__launch_bounds__")]
    assert (lb["cann"].status, lb["cann"].target, lb["cann"].evidence) == ("adapt", "", "verified")
    assert (lb["neuware"].status, lb["neuware"].target, lb["neuware"].evidence) == \
        ("adapt", "__mlu_global__", "verified")
    assert lb["neuware"].ref.startswith("Cambricon/mlu-ops@73adc65d kernels/unary_op/unary_op_3pipeline.h:39")
    assert lb["musa"].status == "rename"  # the hand-written MUSA row keeps deciding
    v950 = tables.backend("cann").target_differences("__launch_bounds__", "kernel.definition")["950"]
    assert (v950.status, v950.target) == ("adapt", "__launch_bounds__") and "1..2048" in v950.note


def test_build_names_in_a_real_scan(scan):
    ver = scan[("CMakeLists.txt", 51, "CMAKE_CUDA_COMPILER_VERSION")]
    want = {"cann": ("CANN_VERSION", "vllm-project/vllm-ascend@182b75ea csrc/cmake/config.cmake:211"),
            "musa": ("REAL_MUSA_VERSION", "MooreThreads/torch_musa@8b583b3f cmake/utils.cmake:35"),
            "neuware": ("_cncc_version", "Cambricon/mlu-ops@73adc65d CMakeLists.txt:98")}
    for b, (target, ref) in want.items():
        v = ver[b]
        assert (v.status, v.target, v.rule, v.evidence) == ("adapt", target, "exact", "verified"), b
        assert v.ref.startswith(ref), (b, v.ref)
    src = scan[("setup.py", 31, "cuda-sources")]
    assert (src["musa"].target, src["neuware"].target, src["cann"].target) == (".mu", ".mlu", "ascendc_library")
    assert {v.evidence for v in src.values()} == {"verified"}


def test_musa_cute_is_mutlass_mute(tables):
    b = tables.backend("musa")
    v = b.lookup("cute::make_shape", "cutlass", False)
    assert (v.status, v.target, v.rule, v.evidence) == ("adapt", "mute::", "wildcard", "verified")
    assert b.lookup("cutlass::half_t", "cutlass", False).target == "mutlass::"  # CUTLASS proper stays mutlass::
    v = b.lookup("cute/tensor.hpp", "cutlass", False)
    assert (v.target, v.evidence, v.ref) == ("mute/tensor.hpp", "verified",
                                             "MooreThreads/mutlass@fde3e815 include/mute/tensor.hpp")
    # an SM90 header mutlass does not ship keeps the family default
    assert b.lookup("cute/arch/copy_sm90.hpp", "cutlass", False).evidence == "inferred"


def test_neuware_nccl_names_are_torch_mlus_cncl(tables):
    b = tables.backend("neuware")
    for cuda, cncl in (("ncclComm_t", "cnclComm_t"), ("ncclSum", "cnclSum"), ("ncclSuccess", "CNCL_RET_SUCCESS"),
                       ("ncclGetErrorString", "cnclGetErrorStr"), ("ncclBfloat16", "cnclBfloat16")):
        v = b.lookup(cuda, "nccl")
        assert (v.status, v.target, v.evidence) == ("adapt", cncl, "verified"), cuda
        assert v.ref.startswith("Cambricon/torch_mlu@d578002c torch_mlu/csrc/framework/distributed/")


def test_neuware_vmm_names_are_cambricons_vllm_port(tables):
    """vLLM's cumem allocator on MLU: Cambricon's vllm-mlu ports it to CNDrv (csrc/cnmem_allocator.cpp)."""
    b = tables.backend("neuware")
    for cuda, cn in (("CUmemGenericAllocationHandle", "CNmemGenericAllocationHandle"),
                     ("CUmemAllocationProp", "CNmemAllocationProp"), ("CUmemAccessDesc", "CNmemAccessDesc"),
                     ("cuMemUnmap", "cnMemUnmap"), ("cuMemAddressFree", "cnMemAddressFree"),
                     ("CU_MEM_ALLOC_GRANULARITY_MINIMUM", "CN_MEM_ALLOC_GRANULARITY_MINIMUM"),
                     ("CUstream", "CNqueue"), ("CUdevice", "CNdev")):
        v = b.lookup(cuda, "cuda-driver")
        assert (v.status, v.target, v.rule, v.evidence) == ("partial", cn, "exact", "verified"), cuda
        assert v.ref.startswith("Cambricon/vllm-mlu@8fa99fd9 csrc/cnmem_allocator.cpp:"), cuda
    pinned = b.lookup("CU_MEM_ALLOCATION_TYPE_PINNED", "cuda-driver")
    assert pinned.target == "CN_MEM_ALLOCATION_TYPE_DEFAULT" and "developer guide" in pinned.note
    # the hand-written CNDrv rows keep deciding (cuMemCreate -> cnMemCreate)
    assert b.lookup("cuMemCreate", "cuda-driver").target == "cnMemCreate"
    # contexts (vendor-apis.md #101 said UNV): vllm-mlu creates one, torch_mlu acquires the shared one
    assert (b.lookup("cuCtxCreate", "cuda-driver").status, b.lookup("cuCtxCreate", "cuda-driver").target) == \
        ("rename", "cnCtxCreate")
    v = b.lookup("cuDevicePrimaryCtxRetain", "cuda-driver")
    assert (v.status, v.target, v.evidence) == ("adapt", "cnSharedContextAcquire", "verified")
    assert v.ref.startswith("Cambricon/torch_mlu@d578002c torch_mlu/csrc/framework/core/MLUStream.cpp:")
    # CANN: what torch_npu's expandable segments use
    c = tables.backend("cann")
    assert c.lookup("CUmemAllocationProp", "cuda-driver").target == "aclrtPhysicalMemProp"
    assert c.lookup("CU_MEM_LOCATION_TYPE_DEVICE", "cuda-driver").ref.startswith(
        "Ascend/pytorch@9e73e708 torch_npu/csrc/core/npu/NPUCachingAllocator.cpp:")
    assert c.lookup("CUdeviceptr", "cuda-driver").target == "void*"


def test_flash_attn_internals_and_extensions_per_vendor(tables):
    cann, musa, mlu = (tables.backend(b) for b in ("cann", "musa", "neuware"))
    fwd = "flash_attn.flash_attn_interface._flash_attn_forward"
    v = cann.lookup(fwd, "python-package.flash_attn", False)
    assert (v.status, v.target, v.evidence) == ("adapt", "torch_npu.npu_fusion_attention", "verified")
    assert v.ref.startswith("shared/facts/torch_npu_api.txt (tests/data/vendor_facts/torch_npu_api.txt:")
    v = mlu.lookup(fwd, "python-package.flash_attn", False)
    assert (v.status, v.target, v.evidence) == ("partial", "torch.ops.aten._flash_attention_forward", "verified")
    per = musa.target_differences(fwd, "python-package.flash_attn", False)
    assert (per["s4000"].status, per["s4000"].evidence) == ("missing", "verified")  # mate is MP31-only
    assert (per["s5000"].status, per["s5000"].target) == ("partial", "mate.mha_interface._flash_attn_forward")
    assert per["s5000"].ref.startswith("MooreThreads/mate@3f58cc3e mate/mha_interface.py:")
    # torch_musa has a JIT loader after all (vendor-apis.md #56 said UNV)
    v = musa.lookup("torch.utils.cpp_extension.load", "cpp-extension")
    assert (v.status, v.target, v.evidence) == ("adapt", "torch_musa.utils.musa_extension.load", "verified")
    assert cann.lookup("torch.utils.cpp_extension.CppExtension", "cpp-extension").target == \
        "torch_npu.utils.cpp_extension.NpuExtension"
    v = musa.lookup("cudaLaunchKernelEx", "cuda-runtime.launch")
    assert (v.status, v.target, v.rule, v.evidence) == ("rename", "musaLaunchKernelEx", "exact", "verified")
    assert "numAttrs = 0" in musa.lookup("cudaLaunchAttributeCooperative", "cuda-runtime.launch").note
    v = cann.lookup("cupy.packbits", "python-package.cupy", False)
    assert (v.status, v.target, v.evidence) == ("adapt", "torch_npu.npu_sign_bits_pack", "verified")
    assert cann.lookup("cupy.asarray", "python-package.cupy", False).evidence == "inferred"  # no counterpart cited


def test_cute_on_cann_is_catlass_tla_and_the_default_queue_on_mlu(tables):
    cann, mlu = tables.backend("cann"), tables.backend("neuware")
    v = cann.lookup("cute", "cutlass", False)
    assert (v.status, v.target, v.evidence, v.ref) == ("adapt", "tla", "verified",
                                                       "hicann/catlass@0dfcf9df include/tla/tensor.hpp:19")
    assert cann.lookup("cute::make_shape", "cutlass", False).rule == "wildcard"  # the hand-written row decides
    v = mlu.lookup("cudaStreamDefault", "cuda-runtime.stream")
    assert (v.status, v.target, v.evidence) == ("partial", "torch_mlu::getCurrentMLUStream", "verified")
    assert "legacy default stream" in v.note


def test_triton_names_outside_all_and_torch_cuda_header(tables):
    for backend, ref in (("musa", "flagos-ai/FlagTree@0bb47ea4 python/triton/runtime/autotuner.py:"),
                         ("neuware", "flagos-ai/FlagTree@0bb47ea4 third_party/cambricon/python/triton/runtime/"
                                     "autotuner.py:"),
                         ("cann", "triton-lang/triton-ascend@a84b1eb5 python/triton/runtime/autotuner.py:")):
        v = tables.backend(backend).lookup("triton.runtime.autotuner.Config", "python-package.triton", False)
        assert (v.status, v.target, v.evidence) == ("partial", "triton.runtime.autotuner.Config", "verified")
        assert v.ref.startswith(ref), (backend, v.ref)
    facts = gen.read_facts(gen.FACTS.read_text(encoding="utf-8"))
    versions = {k[0] + ":" + k[1]: line for k, (_, _, line) in facts.items() if k[1].endswith("triton/__init__.py")}
    assert set(versions.values()) == {"__version__ = '3.1.0'", "__version__ = '3.2.0'", "__version__ = '3.5.0'"}
    v = tables.backend("cann").lookup("torch/cuda.h", "torch-cpp.cuda", False)
    assert (v.target, v.evidence) == ("torch_npu/csrc/libs/torch_npu.h", "verified")
    assert tables.backend("neuware").lookup("torch/cuda.h", "torch-cpp.cuda", False).target == "torch_mlu/torch_mlu.h"


def test_shared_address_conversion_per_ascend_chip(tables):
    per = tables.backend("cann").target_differences("__cvta_generic_to_shared", "kernel.load")
    assert (per["910b"].status, per["910b"].evidence) == ("missing", "verified")
    assert (per["950"].status, per["950"].target) == ("adapt", "__cvta_generic_to_ubuf")
    assert per["950"].ref.startswith("cannmirror/asc-devkit@0da921b9 include/simt_api/device_functions.h:")
    v = tables.backend("musa").lookup("__CUDACC_RTC__", "kernel.arch-macro")
    assert (v.target, v.evidence) == ("__MUSACC_RTC__", "verified")
