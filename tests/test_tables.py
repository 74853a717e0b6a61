"""Checks that keep the cann/musa/neuware mapping tables honest (issue 3).

Vendor name lists live in tests/data/vendor_facts/ (copies with source and licence headers), so these tests
pass on a fresh clone.
"""
from __future__ import annotations

import csv
import io
import re
from functools import lru_cache
from pathlib import Path

import pytest
import yaml

from portcheck.model import STATUSES
from portcheck.tables import load_tables

ROOT = Path(__file__).resolve().parent.parent
MAPPINGS = ROOT / "mappings"
FACTS = Path(__file__).resolve().parent / "data" / "vendor_facts"
BACKENDS = ("cann", "musa", "neuware")
RULE = {"DR": {"rename"}, "EQ": {"adapt"}, "PA": {"partial"}, "NO": {"missing"}, "UNV": {"partial", "unknown"}}


@lru_cache(maxsize=1)
def tables():
    return load_tables()


def lines(name: str) -> list[str]:
    """Non-comment lines of a fact file."""
    return [l.rstrip("\n") for l in (FACTS / name).read_text(encoding="utf-8").splitlines()
            if l.strip() and not l.startswith("#")]


def rows(name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO("\n".join(lines(name)))))


def raw_entries(backend: str):
    """(file, kind, item) for every entry, prefix rule and family default of a backend's YAML files."""
    for p in sorted((MAPPINGS / backend).glob("*.yaml")):
        if p.name == "backend.yaml":
            continue
        data = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
        for kind in ("entries", "prefixes", "families"):
            for item in data.get(kind) or []:
                yield p.name, kind, item


def names_of(item: dict) -> list[str]:
    return [str(item["symbol"])] if "symbol" in item else [str(s) for s in item["symbols"]]


# ------------------------------------------------------------------------------------------ schema and shape

def test_backends_load_with_their_metadata():
    t = tables()
    assert [b.id for b in t.backends][:3] == ["cann", "musa", "neuware"]
    meta = {b.id: (b.order, b.kernel_model, b.device) for b in t.backends}
    assert meta["cann"] == (1, "simd", "npu")
    assert meta["musa"] == (2, "simt", "musa")
    assert meta["neuware"] == (3, "simd", "mlu")
    assert t.backend("cann").versions["torch_npu"].startswith("2.14.0")
    assert t.backend("musa").versions["torch_musa"].startswith("2.7.1")
    assert t.backend("neuware").versions["torch_mlu"].startswith("r2.4")
    for b in BACKENDS:
        raw = yaml.safe_load((MAPPINGS / b / "backend.yaml").read_text(encoding="utf-8"))
        assert raw["op_support"] == "op_support.csv"
        text = (MAPPINGS / b / "backend.yaml").read_text(encoding="utf-8")
        assert "UNV -> partial" in text and "UNV -> unknown" in text  # the documented status rule


@pytest.mark.parametrize("backend", BACKENDS)
def test_no_duplicate_symbols_rules_or_family_defaults(backend):
    seen: dict[str, str] = {}
    rules: set[tuple] = set()
    fams: set[str] = set()
    for fname, kind, item in raw_entries(backend):
        if kind == "entries":
            for n in names_of(item):
                assert n not in seen, f"{backend}: {n} in {fname} and {seen.get(n)}"
                seen[n] = fname
        elif kind == "prefixes":
            key = (item["from"], tuple(item["families"]))
            assert key not in rules, f"{backend}: duplicate prefix rule {key}"
            rules.add(key)
        else:
            assert item["family"] not in fams, f"{backend}: duplicate family default {item['family']}"
            fams.add(item["family"])


@pytest.mark.parametrize("backend", BACKENDS)
def test_statuses_refs_and_target_rule(backend):
    for fname, kind, item in raw_entries(backend):
        where = f"{backend}/{fname} {kind} {item.get('symbol') or item.get('symbols') or item.get('from') or item.get('family')}"
        assert item["status"] in STATUSES, where
        assert str(item.get("ref", "")).strip(), where
        target, note = str(item.get("target") or ""), str(item.get("note") or "").strip()
        # target is one exact name; a description ("rewrite as ...") lives in the note with an empty target
        assert not re.search(r"\s", target), f"{where}: target {target!r} is a description, not a name"
        if item["status"] == "missing":
            assert target == "", f"{where}: missing must not name a target"
        if not target:
            assert note, f"{where}: an empty target needs a note saying what to do"
        if item["status"] == "unknown":
            assert note.startswith("unverified:"), where


def test_every_family_has_a_default_on_every_backend():
    t = tables()
    for b in t.backends[:3]:
        for fid in t.families:
            fam = fid
            while fam and fam not in b.family_defaults:
                fam = fam.rpartition(".")[0]
            assert fam, f"{b.id}: family {fid} has no default (nor does any parent)"


# ------------------------------------------------------------------------------------------ targets exist

def _with_members(names: set[str]) -> set[str]:
    """Names plus their parent modules/classes, so module and method targets of listed names pass."""
    out = set(names)
    for n in names:
        parts = n.split(".")
        out.update(".".join(parts[:i]) for i in range(2, len(parts)))
    return out


@lru_cache(maxsize=1)
def npu_names() -> set[str]:
    api = set(lines("torch_npu_api.txt"))
    api |= {"torch_npu." + op for op in lines("torch_npu_custom_ops.txt")}
    api |= {l.split("\t")[1] for l in lines("transfer_to_npu_replacements.txt") if "\t" in l}
    api |= {r["npu_name"] for r in rows("torch_npu_native_cuda_api_support.csv") if r["npu_name"]}
    return _with_members({re.sub(r"^torch\.npu\.", "torch_npu.npu.", n) for n in api})


@lru_cache(maxsize=1)
def musa_names() -> set[str]:
    return _with_members({l.split(" ")[0] for l in lines("torch_musa_api.txt")} | source_names("musa"))


def source_names(backend: str) -> set[str]:
    """Names checked in the vendor's source outside its public lists (source_names.txt says where)."""
    return {l.split("\t")[1] for l in lines("source_names.txt") if l.split("\t")[0] == backend}


@lru_cache(maxsize=1)
def mlu_names() -> set[str]:
    names = set(lines("torch_mlu_api.txt"))
    names |= {r["corresponding_mlu_api"] for r in rows("torch_mlu_cuda_equivalents.csv")}
    names |= {l.split("\t")[1] for l in lines("torch_mlu_gpu_migration_replacements.txt") if "\t" in l}
    return _with_members(names | source_names("neuware"))


def _method_of_listed(target: str, names: set[str]) -> bool:
    parent, _, _ = target.rpartition(".")
    return parent in names and parent.rpartition(".")[2][:1].isupper()


def _targets(backend: str):
    for fname, kind, item in raw_entries(backend):
        if item.get("target"):
            yield fname, str(item["target"]), item


def test_cann_targets_exist_in_the_torch_npu_and_acl_lists():
    funcs = {l.split("\t")[0] for l in lines("acl_runtime_api.txt")}
    types = {l.split("\t")[0] for l in lines("acl_types.txt")}
    for fname, target, _ in _targets("cann"):
        if target.startswith(("torch_npu.", "torch.npu.")):
            norm = re.sub(r"^torch\.npu\.", "torch_npu.npu.", target)
            assert norm in npu_names() or _method_of_listed(norm, npu_names()), f"{fname}: {target}"
        elif re.fullmatch(r"(acl|Hccl)\w*", target):
            assert target in funcs or target in types, f"{fname}: {target} not in the ACL/HCCL lists"


def test_musa_targets_exist_in_torch_musa_or_the_confirmed_rename_lists():
    confirmed = {r["musa_name"] for r in rows("torchada_mapping.csv")}
    confirmed |= {l.split("\t")[1] for l in lines("llama_cpp_musa_renames.txt")}
    for fname, target, item in _targets("musa"):
        if target.startswith(("torch.musa.", "torch_musa.", "torch.backends.mudnn.")):
            assert target in musa_names() or _method_of_listed(target, musa_names()), f"{fname}: {target}"
        if fname == "torchada.yaml":  # every generated exact rename is backed by torchada or llama.cpp
            assert target in confirmed, f"{fname}: {target} not confirmed"


def test_neuware_targets_exist_in_the_torch_mlu_and_bang_lists():
    bang = set(lines("bang_intrinsics_used_in_mlu_ops.txt"))
    for fname, target, _ in _targets("neuware"):
        if target.startswith(("torch.mlu.", "torch_mlu.", "torch.backends.mlu", "torch.backends.cnnl",
                              "torch.distributed.ProcessGroupCNCL", "torch.distributed.is_cncl")):
            assert target in mlu_names() or _method_of_listed(target, mlu_names()), f"{fname}: {target}"
        if target.startswith("__bang_"):
            assert target in bang, f"{fname}: {target}"


def test_neuware_env_entries_follow_cambricons_env_map():
    b = tables().backend("neuware")
    for r in rows("torch_mlu_env_var_mapping.csv"):
        v = b.lookup(r["cuda_env_var"], "env")
        assert (v.status, v.target) == (("adapt", r["mlu_env_var"]) if r["mlu_env_var"] else ("missing", ""))


# ------------------------------------------------------------------------------------------ vendor-apis.md rows

@lru_cache(maxsize=1)
def vendor_rows() -> list[dict]:
    return yaml.safe_load((FACTS / "vendor_apis_rows.yaml").read_text(encoding="utf-8"))


def test_all_147_rows_are_encoded():
    rs = vendor_rows()
    assert [r["row"] for r in rs] == list(range(1, 148))
    assert sorted(r["row"] for r in rs if "skip" in r) == [47, 58, 61, 63, 122]
    assert all(r.get("checks") for r in rs if "skip" not in r)


# Rows with nothing to look up (no CUDA-side symbol) carry a reason in the YAML and are listed exactly in
# test_all_147_rows_are_encoded; every other row is checked here.
@pytest.mark.parametrize("row", [r["row"] for r in vendor_rows() if "skip" not in r])
def test_vendor_apis_row(row):
    rec = vendor_rows()[row - 1]
    t = tables()
    for chk in rec["checks"]:
        fam = t.family_of(chk["symbol"]) or chk["family"]
        for b in BACKENDS:
            want = chk[b]
            got = t.backend(b).lookup(chk["symbol"], fam)
            assert (got.status, got.target) == (want["status"], want["target"]), f"#{row} {b} {chk['symbol']}"
            allowed = set().union(*(RULE[c] for c in rec["codes"][b]))
            if got.status not in allowed:
                # disagreeing with the source needs a reason here and a comment in the backend's YAML
                assert want.get("why"), f"#{row} {b} {chk['symbol']}: {got.status} vs {rec['codes'][b]} without why"
                text = "\n".join(p.read_text(encoding="utf-8") for p in (MAPPINGS / b).glob("*.yaml"))
                comments = [l for l in text.splitlines() if l.lstrip().startswith("#")]
                assert any(re.search(rf"vendor-apis\.md[^\n]*#{row}(?!\d)", c) for c in comments), f"#{row} {b}"


# ------------------------------------------------------------------------------------------ facts that must hold

def test_issue_examples_for_cudamemcpy():
    t = tables()
    cann, musa, mlu = (t.backend(b).lookup("cudaMemcpy", "cuda-runtime.memory") for b in BACKENDS)
    assert (cann.status, cann.target) == ("adapt", "aclrtMemcpy") and "destMax" in cann.note
    assert (musa.status, musa.target) == ("rename", "musaMemcpy")
    assert (mlu.status, mlu.target) == ("adapt", "cnrtMemcpy") and "direction enum" in mlu.note


@pytest.mark.parametrize("symbol,family", [("__global__", "kernel.definition"), ("<<<>>>", "kernel.launch"),
                                           ("__shared__", "kernel.memory-space"), ("__syncthreads", "kernel.sync")])
def test_kernels_are_rewrites_on_simd_backends(symbol, family):
    t = tables()
    for b in ("cann", "neuware"):
        v = t.backend(b).lookup(symbol, family)
        assert v.status == "adapt" and v.rule == "exact", (b, symbol)
        assert v.note  # what the rewrite becomes
    assert "Atlas 350" in t.backend("cann").lookup("__global__", "kernel.definition").note
    assert "CANN 9.0" in t.backend("cann").lookup("__syncthreads", "kernel.sync").note
    assert "rewrite" in t.backend("neuware").lookup("__global__", "kernel.definition").note
    assert t.backend("musa").lookup(symbol, family).status == "rename"


@pytest.mark.parametrize("symbol", ["__shfl_xor_sync", "__ballot_sync", "warpSize", "__reduce_or_sync"])
def test_warp_code(symbol):
    t = tables()
    fam = "kernel.builtin" if symbol == "warpSize" else "kernel.warp"
    cann, musa, mlu = (t.backend(b).lookup(symbol, fam) for b in BACKENDS)
    assert cann.status == "missing" and "Atlas 350" in cann.note and "CANN 9.0" in cann.note
    assert mlu.status == "missing"
    assert musa.status == "partial"
    assert "128" in musa.note and "MP21/MP22" in musa.note and "MP31" in musa.note and "32" in musa.note


def test_inline_ptx_is_missing_everywhere():
    t = tables()
    assert [t.backend(b).lookup("asm", "kernel.asm").status for b in BACKENDS] == ["missing"] * 3


def test_musa_prefix_rules_are_name_level_and_family_limited():
    b = tables().backend("musa")
    v = b.lookup("cudaMemcpy3DPeerAsync", "cuda-runtime.memory")
    assert (v.status, v.target, v.rule) == ("rename", "musaMemcpy3DPeerAsync", "prefix")
    assert "verify the symbol exists in your MUSA SDK" in v.note
    assert b.lookup("CUDA_ERROR_INVALID_HANDLE", "cuda-driver").target == "MUSA_ERROR_INVALID_HANDLE"
    assert b.lookup("cuMemsetD8", "cuda-driver").target == "muMemsetD8"
    assert b.lookup("cusparseSpMM", "cusparse")[:2] == ("partial", "musparseSpMM")
    assert b.lookup("cudaFooBar", "torch-cpp.cuda").rule == "family"  # cuda->musa does not leak out of its families
    confirmed = b.lookup("cudaMalloc", "cuda-runtime.memory")
    assert confirmed.rule == "exact" and "torchada" in confirmed.ref
    for rule in b.prefixes:
        assert re.search(r"verify the (symbol|header) exists", rule.verdict.note), rule.from_


def test_family_defaults_from_the_facts():
    t = tables()
    assert t.backend("cann").lookup("cusparseSpMV", "cusparse").status == "missing"
    assert t.backend("neuware").lookup("cusparseSpMV", "cusparse").status == "missing"
    v = t.backend("neuware").lookup("cusolverDnDgesvd", "cusolver")  # issue 14: CNNL solvers torch_mlu calls
    assert v.status == "partial" and "cnnlSvd (gesvd)" in v.note and "{svd,qr,inverse,det}_internal.cpp" in v.ref
    assert t.backend("cann").lookup("torch.cuda.get_arch_list", "torch.cuda.device").status == "missing"


COMMON = [("cudaMalloc", "cuda-runtime.memory"), ("cudaMemcpyAsync", "cuda-runtime.memory"),
          ("cudaStreamCreate", "cuda-runtime.stream"), ("cudaEventRecord", "cuda-runtime.event"),
          ("cublasGemmEx", "cublas"), ("cublasGemmStridedBatchedEx", "cublas"),
          ("at::cuda::getCurrentCUDAStream", "torch-cpp.cuda"), ("c10::cuda::CUDAGuard", "torch-cpp.cuda"),
          ("torch.cuda.synchronize", "torch.cuda.device"), ("torch.cuda.memory_allocated", "torch.cuda.memory"),
          ("ncclAllReduce", "nccl"), ("__syncthreads", "kernel.sync"), ("atomicAdd", "kernel.atomic"),
          ("flash_attn", "python-package.flash_attn"), ("xformers", "python-package.xformers"),
          ("apex", "python-package.apex"), ("bitsandbytes", "python-package.bitsandbytes"),
          ("triton", "python-package.triton"), ("cupy", "python-package.cupy"), ("pycuda", "python-package.pycuda"),
          ("numba.cuda", "python-package.numba"), ("deepspeed", "python-package.deepspeed"),
          ("torch.utils.cpp_extension.CUDAExtension", "cpp-extension"), ("CUDA_VISIBLE_DEVICES", "env"),
          ("cmake:CUDA-language", "build.cmake"), ("nvcc-flags", "build.setup"), ("device:cuda", "torch.device"),
          ("backend:nccl", "torch.distributed"), ("Tensor.cuda", "torch.device"), ("Tensor.is_cuda", "torch.device")]


@pytest.mark.parametrize("symbol,family", COMMON)
def test_common_names_have_exact_entries(symbol, family):
    for b in tables().backends[:3]:
        v = b.lookup(symbol, family)
        assert v.rule == "exact" and v.status != "unknown", (b.id, symbol, v)


# ------------------------------------------------------------------------------------------ op support

@lru_cache(maxsize=1)
def op_filter() -> dict:
    return yaml.safe_load((FACTS / "op_support_filter.yaml").read_text(encoding="utf-8"))


def keep_api(api: str, exact: set[str]) -> bool:
    """The documented filter: operator namespaces only, minus device-independent names."""
    f = op_filter()
    if not api.startswith("torch.") or api in exact:
        return False
    if not (any(api.startswith(ns) for ns in f["keep_namespaces"]) or "." not in api[len("torch."):]):
        return False
    if any(api.startswith(p) for p in f["drop_prefixes"]) or any(re.search(p, api) for p in f["drop_patterns"]):
        return False
    return api not in set(f["drop_names"])


def op_csv(backend: str) -> list[dict[str, str]]:
    return list(csv.DictReader((MAPPINGS / backend / "op_support.csv").open(encoding="utf-8")))


def test_cann_op_support_is_huaweis_unsupported_list_filtered():
    exact = set(tables().backend("cann").exact)
    want = {a for a in lines("npu_torch_api_unsupported_2_8.txt") if keep_api(a, exact)}
    got = op_csv("cann")
    assert {r["api"] for r in got} == want
    gaps = tables().backend("cann").op_support
    assert gaps["torch.nn.AdaptiveMaxPool2d"].status == "missing" and "torch.nn.RNN" in gaps
    assert "torch.compile" not in gaps and "torch.fx.Node.args" not in gaps and "torch.quantize_per_tensor" not in gaps


def test_cann_op_support_is_regenerated_from_huaweis_per_hardware_docs():
    """Issue 14: the migration tool's list said nn.GRU, nn.MaxPool2d, clip_grad_norm_, nn.MultiheadAttention and
    F.conv3d are unsupported; torch_npu's per-API docs say they run on Atlas A2/A3. op_support.csv is what
    tools/cann_op_support.py builds from both, byte for byte, and no row the docs mark supported on the default
    target (Atlas A2 = 910B) is a `missing` gap."""
    import sys
    sys.path.insert(0, str(ROOT / "tools"))
    import cann_op_support as gen

    exact = set(tables().backend("cann").exact)
    per_api = gen.read_per_api()
    assert (MAPPINGS / "cann" / "op_support.csv").read_text(encoding="utf-8") == gen.render(gen.build_rows(exact,
                                                                                                           per_api))
    docs = {r["api"]: r for r in per_api}
    b = tables().backend("cann")
    supported_on_a2 = sorted(a for a in docs if docs[a]["a2"] == "true" and a in {r["api"] for r in op_csv("cann")})
    assert supported_on_a2 == [
        "torch.cdist", "torch.linalg.lstsq", "torch.nn.ConvTranspose3d", "torch.nn.GRU", "torch.nn.MaxPool2d",
        "torch.nn.MultiheadAttention", "torch.nn.MultiheadAttention.forward", "torch.nn.TransformerEncoder.forward",
        "torch.nn.functional.conv3d", "torch.nn.functional.conv_transpose3d", "torch.nn.functional.grid_sample",
        "torch.nn.functional.max_pool1d", "torch.nn.functional.max_pool3d", "torch.nn.utils.clip_grad_norm_"]
    for api in supported_on_a2:
        v = b.op_gap(api)
        assert v is None or (v.status == "partial" and v.note == docs[api]["limitations"]), api
    assert b.op_gap("torch.nn.GRU").note == "不支持`dropout`参数 | 不支持变长序列输入"
    t = tables()
    keep = t.selection()
    try:
        t.select_targets({"cann": "950"})
        assert b.op_gap("torch.nn.functional.conv3d").status == "missing"
        assert b.op_gap("torch.nn.GRU").status == "partial"
        t.select_targets({"cann": "910c"})
        assert b.op_gap("torch.nn.functional.conv3d").status == "partial"
    finally:
        t.select_targets(keep)


def test_neuware_op_support_is_cambricons_list_filtered():
    exact = set(tables().backend("neuware").exact)
    src = {r["api"]: r for r in rows("mlu_torch_api_gaps.csv")}
    want = {a for a in src if keep_api(a, exact)}
    got = {r["api"]: r for r in op_csv("neuware")}
    assert set(got) == want
    gaps = tables().backend("neuware").op_support
    for api in ("torch.no_grad", "torch.einsum", "torch.is_complex", "torch.nn.Module.named_parameters",
                "torch.ao.nn.quantized.Linear", "torch.cuda.utilization"):
        assert api not in gaps, api
    lim = [a for a, r in got.items() if r["supported"] == "true"]
    assert lim and all(gaps[a].status == "partial" and gaps[a].note == got[a]["limitations"] for a in lim)
    # issue 14: "false" in Cambricon's list often means "not verified": unknown, never missing; an API whose aten op
    # torch_mlu registers with an MLU kernel (codegen/mlu_functions.yaml) is partial
    assert gaps["torch.linalg.eigvals"].status == "unknown" and "not verified" in gaps["torch.linalg.eigvals"].note
    assert not any(v.status == "missing" for v in gaps.values())
    assert gaps["torch.nn.MultiheadAttention"].status == "partial"
    assert "_native_multi_head_attention" in gaps["torch.nn.MultiheadAttention"].note


def test_musa_publishes_no_op_gap_list():
    assert op_csv("musa") == [] and tables().backend("musa").op_support == {}


def test_notice_credits_the_derived_data():
    text = (ROOT / "NOTICE").read_text(encoding="utf-8")
    for needle in ("torch_npu", "BSD-3", "torch_musa", "torchada", "MIT", "torch_mlu", "Mulan PSL v2", "musify",
                   "llama.cpp", "mlu-ops", "Apache-2.0"):
        assert needle in text, needle
