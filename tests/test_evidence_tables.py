"""Issue 14, evidence strength: tables that replace a family default (`inferred`) with per-name evidence. Each is
built by a generator in tools/ from a vendor source; the test regenerates it and compares, then checks verdicts
of a real scan."""
from __future__ import annotations

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


@pytest.fixture(scope="module")
def tables():
    return load_tables()


@pytest.fixture(scope="module")
def scan(tables, tmp_path_factory):
    """Verdicts of a real scan of three fixture files: a Triton kernel, a cuDNN-using C++ file, a half/bf16 kernel."""
    root = tmp_path_factory.mktemp("ev")
    shutil.copy(FIX / "python" / "packages.py", root / "packages.py")
    shutil.copy(FIX / "cuda" / "libraries.cpp", root / "libraries.cpp")
    shutil.copy(FIX / "cuda" / "fp16.cu", root / "fp16.cu")
    result = run_scan(root, ScanOptions(jobs=1), tables)
    return {(f.use.path, f.use.line, f.use.symbol): dict(f.verdicts) for f in result.findings}


def _family_default(b, fam: str):
    while fam not in b.family_defaults:
        fam = fam.rpartition(".")[0]
    return b.family_defaults[fam]


# ------------------------------------------------------------ Triton on MUSA and NeuWare (FlagTree vendor back ends)
def test_musa_and_mlu_triton_tables_are_the_flagtree_exports(tables):
    import flagtree_triton_names as gen

    for backend, rel in (("musa", "musa/triton_musa.yaml"), ("neuware", "neuware/triton_mlu.yaml")):
        text = (ROOT / "mappings" / rel).read_text(encoding="utf-8")
        assert text == gen.build(tables, backend)
        data = yaml.safe_load(text)
        fam = tables.backend(backend).family_defaults["python-package.triton"]
        assert data["evidence"] == "verified"
        assert {e["status"] for e in data["entries"]} == {fam.status}
        assert all(e["target"] == e["symbol"] for e in data["entries"])
    musa = {e["symbol"] for e in yaml.safe_load((ROOT / "mappings/musa/triton_musa.yaml").read_text())["entries"]}
    mlu = {e["symbol"] for e in yaml.safe_load((ROOT / "mappings/neuware/triton_mlu.yaml").read_text())["entries"]}
    assert len(musa) == 147 and len(mlu) == 158
    # the Cambricon front end adds its own ops; the Triton 3.1 front end the MUSA back end compiles lacks them
    assert {"triton.language.masked_select", "triton.language.scatter", "triton.language.gather"} <= mlu - musa
    assert "triton.language.const_pointer_type" in musa - mlu


def test_triton_kernel_verdicts_in_a_real_scan(scan):
    load = scan[("packages.py", 16, "triton.language.load")]
    for backend, path in (("musa", "python/triton/language/__init__.py"),
                          ("neuware", "third_party/cambricon/python/triton/language/__init__.py")):
        v = load[backend]
        assert (v.status, v.target, v.rule, v.evidence) == ("partial", "triton.language.load", "exact", "verified")
        assert v.ref == f"flagos-ai/FlagTree@0bb47ea4 {path} (__all__)"
    pid = scan[("packages.py", 15, "triton.language.program_id")]
    assert pid["musa"].ref == "flagos-ai/FlagTree@0bb47ea4 python/triton/language/__init__.py (__all__)"
    assert pid["neuware"].evidence == "verified"
    # a hand-written row keeps deciding (triton.jit on MUSA cites vendor-apis.md)
    assert scan[("packages.py", 13, "triton.jit")]["musa"].ref.startswith("vendor-apis.md #142")


# ------------------------------------------------------------------------------ cuDNN on MUSA: musify's names
def test_musa_cudnn_table_is_musifys_dnn_map(tables):
    import musa_cudnn_names as gen

    pairs = gen.musify_dnn_pairs()
    assert pairs["CUDNN_DATA_FLOAT"] == ("MUDNN_DATA_FLOAT", "musify dnn-naming.json")
    assert pairs["cudnn.h"] == ("mudnn.h", "musify dnn-header.json")
    text = (ROOT / "mappings" / "musa" / "cudnn_musify.yaml").read_text(encoding="utf-8")
    assert text == gen.build(tables, pairs)
    data = yaml.safe_load(text)
    b = tables.backend("musa")
    assert data["evidence"] == "mapped" and len(data["entries"]) == 588
    for e in data["entries"]:
        fam = tables.catalog[e["symbol"]].family
        assert e["target"] == pairs[e["symbol"]][0], e
        assert e["status"] == _family_default(b, fam).status == "adapt", e
        assert b.lookup(e["symbol"], fam).evidence == "mapped"


def test_musa_cudnn_verdicts_in_a_real_scan(scan):
    status = scan[("libraries.cpp", 15, "cudnnStatus_t")]["musa"]
    assert (status.status, status.target, status.rule, status.evidence) == ("adapt", "mudnnStatus_t", "exact",
                                                                            "mapped")
    assert status.ref.startswith("MooreThreads/torch_musa@8b583b3f torch_musa/utils/mapping/dnn-naming.json")
    # CANN and NeuWare: the name torch_npu / torch_mlu use for the same thing (tools/dnn_enum_names.py)
    cann, mlu = (scan[("libraries.cpp", 15, "cudnnStatus_t")][b] for b in ("cann", "neuware"))
    assert (cann.status, cann.target, cann.evidence) == ("adapt", "aclnnStatus", "verified")
    assert cann.ref == "Ascend/pytorch@9e73e708 torch_npu/csrc/core/npu/interface/OpInterface.cpp (uses aclnnStatus)"
    assert (mlu.status, mlu.target, mlu.evidence) == ("adapt", "cnnlStatus_t", "verified")


# ------------------------------------------------- half / bf16 intrinsics: BANG C (NeuWare) and Ascend C (CANN A2/A3)
def test_neuware_bang_table_names_intrinsics_cambricons_kernels_call(tables):
    import neuware_bang_names as gen

    known = gen.facts_names()
    assert len(known) == 115 and "__bang_half2float" in known
    text = (ROOT / "mappings" / "neuware" / "bang_fp16.yaml").read_text(encoding="utf-8")
    assert text == gen.build(tables, known)
    data = yaml.safe_load(text)
    b = tables.backend("neuware")
    assert data["evidence"] == "verified" and len(data["entries"]) == len(gen.PAIRS) == 35
    for e in data["entries"]:
        fam = tables.catalog[e["symbol"]].family
        assert e["target"] == gen.PAIRS[e["symbol"]][0] and e["target"] in known, e
        assert e["status"] == _family_default(b, fam).status, e
        assert e["ref"].startswith(f"Cambricon/mlu-ops@73adc65d {gen.FILES[e['target']]} (calls {e['target']};")
    # a BANG name that is not in the list of intrinsics Cambricon's kernels call is refused
    with pytest.raises(SystemExit, match="__bang_half2float is not in bang_intrinsics_used_in_mlu_ops.txt"):
        gen.build(tables, known - {"__bang_half2float"})


def test_half_intrinsic_verdicts_in_a_real_scan(scan):
    conv = scan[("fp16.cu", 4, "__float2half")]
    assert (conv["neuware"].status, conv["neuware"].target, conv["neuware"].evidence) == \
        ("partial", "__bang_float2half_rn", "verified")
    assert conv["neuware"].ref.startswith("Cambricon/mlu-ops@73adc65d kernels/utils/common.h")
    assert (conv["cann"].status, conv["cann"].target, conv["cann"].evidence) == ("adapt", "AscendC::Cast", "verified")
    assert "RoundMode::CAST_RINT" in conv["cann"].note
    assert conv["cann"].ref == "cannmirror/asc-devkit@0da921b9 include/basic_api/kernel_operator_vec_vconv_intf.h (Cast)"
    mul = scan[("fp16.cu", 7, "__hmul")]
    assert (mul["cann"].target, mul["cann"].evidence, mul["neuware"].target, mul["neuware"].evidence) == \
        ("AscendC::Mul", "verified", "__bang_mul", "verified")
    # no counterpart named for the paired type: it stays on the family default, inferred
    pair = scan[("fp16.cu", 6, "__halves2half2")]
    assert (pair["cann"].evidence, pair["neuware"].evidence) == ("inferred", "inferred")


def test_cudnn_types_and_enums_name_what_torch_npu_and_torch_mlu_use(tables):
    import dnn_enum_names as gen

    for backend, rel, count in (("cann", "cann/cudnn_acl.yaml", 17), ("neuware", "neuware/cnnl_names.yaml", 35)):
        text = (ROOT / "mappings" / rel).read_text(encoding="utf-8")
        assert text == gen.build(tables, backend)
        data = yaml.safe_load(text)
        b = tables.backend(backend)
        assert data["evidence"] == "verified" and len(data["entries"]) == count
        pairs = gen.PAIRS[backend][2]
        for e in data["entries"]:
            fam = tables.catalog[e["symbol"]].family
            assert (e["status"], e["target"]) == (_family_default(b, fam).status, pairs[e["symbol"]][0]), e
            assert b.lookup(e["symbol"], fam).evidence == "verified"
    cann, mlu = tables.backend("cann"), tables.backend("neuware")
    assert (cann.lookup("CUDNN_DATA_HALF", "cudnn").target, mlu.lookup("CUDNN_DATA_HALF", "cudnn").target) == \
        ("ACL_FLOAT16", "CNNL_DTYPE_HALF")
    assert cann.lookup("CUDNN_TENSOR_NHWC", "cudnn").ref == \
        "Ascend/pytorch@9e73e708 torch_npu/csrc/core/NPUSerialization.cpp (uses ACL_FORMAT_NHWC)"
    v = mlu.lookup("cublasLtMatmulDescSetAttribute", "cublaslt")
    assert (v.status, v.target, v.evidence) == ("adapt", "cnnlSetMatMulDescAttr", "verified")
    assert mlu.lookup("CUBLAS_OP_T", "cublas").target == "CNNL_MATMUL_DESC_TRANSA"
    v = cann.lookup("CUmemGenericAllocationHandle", "cuda-driver")
    assert (v.status, v.target, v.evidence) == ("partial", "aclrtDrvMemHandle", "verified")
    assert (mlu.lookup("CUdeviceptr", "cuda-driver").target, mlu.lookup("cudaIpcMemHandle_t", "cuda-runtime.ipc").target) \
        == ("CNaddr", "cnrtIpcMemHandle")
    assert mlu.lookup("cublasLtMatmul", "cublaslt").target == "cnnlMatMulEx_v2"  # the hand-written row
    # a hand-written row keeps deciding; a name neither port names keeps the family default, inferred
    assert cann.lookup("cudnnCreate", "cudnn").rule == "exact" and "cnnlCreate" not in cann.lookup("cudnnCreate",
                                                                                                 "cudnn").ref
    assert cann.lookup("cudnn_frontend::Tensor", "cudnn").evidence == "inferred"


# ------------------------------------------------------- torch C++ device checks: what torch_npu / torch_mlu write
def test_torch_cpp_device_names_cite_the_vendor_ports_cpp(tables):
    cann, mlu = tables.backend("cann"), tables.backend("neuware")
    for b, repo in ((cann, "Ascend/pytorch@9e73e708 torch_npu/csrc/"),
                    (mlu, "Cambricon/torch_mlu@d578002c torch_mlu/csrc/")):
        v = b.lookup("at::Tensor::is_cuda", "torch-cpp.dispatch")
        assert (v.status, v.target, v.evidence) == ("rename", "at::Tensor::is_privateuseone", "verified")
        assert v.ref.startswith(repo) and "is_privateuseone()" in v.ref
        v = b.lookup("c10::DispatchKey::CUDA", "torch-cpp.dispatch")
        assert (v.status, v.target, v.evidence) == ("rename", "c10::DispatchKey::PrivateUse1", "verified")
    v = mlu.lookup("at::cuda::getCurrentDeviceProperties", "torch-cpp.cuda")
    assert (v.status, v.target, v.evidence) == ("adapt", "torch_mlu::getDeviceProperties", "verified")
    # torch_npu has no cudaDeviceProp getter in its C++ API: one aclrtGetDeviceInfo query per attribute
    # (tools/misc_evidence.py, cited from torch_npu's own Module.cpp)
    v = cann.lookup("at::cuda::getCurrentDeviceProperties", "torch-cpp.cuda")
    assert (v.status, v.target, v.evidence) == ("adapt", "aclrtGetDeviceInfo", "verified")
    assert v.ref.startswith("Ascend/pytorch@9e73e708 torch_npu/csrc/npu/Module.cpp:")


def test_musa_torch_cpp_names_torch_musa_writes(tables):
    """mappings/musa/torch_cpp_musa.yaml (tools/musa_torch_cpp_names.py): an at::cuda / c10::cuda name is a verified
    rename when torch_musa's C++ writes its musa counterpart, cited by file; the others keep the family default."""
    import musa_torch_cpp_names as gen

    data = yaml.safe_load((ROOT / "mappings" / "musa" / "torch_cpp_musa.yaml").read_text(encoding="utf-8"))
    b = tables.backend("musa")
    assert data["evidence"] == "verified" and len(data["entries"]) == 20
    for e in data["entries"]:
        assert e["target"] == gen.musa_name(e["symbol"]) and e["status"] == "rename", e
        assert e["ref"].startswith("MooreThreads/torch_musa@8b583b3f torch_musa/csrc/")
        assert e["ref"].endswith(f"(uses {e['target']})")
    assert gen.musa_name("at::cuda::getCurrentCUDAStream") == "at::musa::getCurrentMUSAStream"
    v = b.lookup("at::cuda::getCurrentDeviceProperties", "torch-cpp.cuda")
    assert (v.target, v.evidence) == ("at::musa::getCurrentDeviceProperties", "verified")
    # the rest of the candidates: torch_musa does not write the musa name, so the family default stays
    done = {e["symbol"] for e in data["entries"]}
    # (c10::cuda::CUDACachingAllocator::get / ::CUDAAllocator are decided by evidence_misc.yaml: torch_musa's
    # namespace is c10::musa::MUSACachingAllocator, which musa_name() does not form)
    assert len(gen.candidates(tables)) == 17 and not done & set(gen.candidates(tables))
    assert b.lookup("c10::DispatchKey::CUDA", "torch-cpp.dispatch").target == "c10::DispatchKey::PrivateUse1"
