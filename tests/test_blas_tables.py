"""Issue 14, evidence for cuBLAS / cuBLASLt names (tools/blas_names.py): mappings/cann/blas_ops.yaml,
mappings/neuware/blas_cnnl.yaml and mappings/musa/blas_musa.yaml are regenerated from the committed fact copy
(tests/data/vendor_facts/blas_vendor_names.txt) and compared; exact verdicts for real names; a fixture written like
apex's fused dense layer scanned end to end on the default chips and on the Ascend 950."""
from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
import yaml

from portcheck.engine import ScanOptions, run_scan
from portcheck.tables import load_tables

ROOT = Path(__file__).resolve().parent.parent
FIX = Path(__file__).parent / "fixtures" / "blas"
sys.path.insert(0, str(ROOT / "tools"))

import blas_names as gen  # noqa: E402


@pytest.fixture(scope="module")
def tables():
    return load_tables()


@pytest.fixture(scope="module")
def facts():
    return gen.read_facts()


def _scan(tables, targets=None):
    result = run_scan(FIX, ScanOptions(jobs=1, targets=targets or {}), tables)
    out: dict[tuple[int, str], dict] = {}
    for f in result.findings:
        out.setdefault((f.use.line, f.use.symbol), dict(f.verdicts))
    return out


# ------------------------------------------------------------------------------------------- regenerate + compare
@pytest.mark.parametrize("backend", ["cann", "neuware", "musa"])
def test_tables_are_the_generator_output_from_the_fact_copy(tables, facts, backend):
    text = gen.OUT[backend].read_text(encoding="utf-8")
    assert text == gen.build(tables, backend, facts)
    data = yaml.safe_load(text)
    assert data["evidence"] == "verified"
    b = tables.backend(backend)
    known = {src for kind in ("uses", "declared", "musa") for src, _ in facts[kind].values()}
    cited = 0
    for e in data["entries"]:
        v = b.lookup(e["symbol"], tables.catalog[e["symbol"]].family)
        assert (v.rule, v.evidence, v.status) == ("exact", e.get("evidence", "verified"), e["status"]), e
        # every vendor file the ref cites is one the fact copy records
        for src in re.findall(r"([\w./+-]+@[0-9a-f]{8} [\w./+-]+) \((?:uses|declares|#defines) ", e["ref"]):
            assert src in known, src
            cited += 1
    assert cited >= len(data["entries"]) > 100


def test_fact_copy_names_its_sources(facts):
    head = [l for l in gen.FACTS.read_text(encoding="utf-8").splitlines() if l.startswith("#")]
    assert any("hicann/ops-blas" in l and "Licen" in l for l in head)
    assert {s.split("@")[0] for s, _ in facts["uses"].values()} == {"Ascend/op-plugin", "Ascend/pytorch",
                                                                    "Cambricon/torch_mlu"}
    assert {s.split("@")[0] for s, _ in facts["musa"].values()} <= {r[1] for r in gen.MUSA_REPOS}
    # the one product-support fact the CANN rows rest on: aclBLASLt runs on the 950 and not on A2/A3
    assert facts["support"]["aclblasLtMatmul"] == ("hicann/ops-blas@35101c89 blasLt/README.md", "950")


def test_a_rule_whose_vendor_name_is_not_in_the_facts_writes_nothing(tables, facts):
    cut = {k: dict(v) for k, v in facts.items()}
    del cut["uses"]["aclnnGelu"]
    del cut["uses"]["CNNL_MATMUL_EPI_BIAS"]
    cann = yaml.safe_load(gen.build(tables, "cann", cut))["entries"]
    mlu = yaml.safe_load(gen.build(tables, "neuware", cut))["entries"]
    assert "CUBLASLT_EPILOGUE_GELU_BIAS" not in {e["symbol"] for e in cann}
    assert "CUBLASLT_EPILOGUE_BIAS" in {e["symbol"] for e in cann}  # aclnnAddmm alone
    assert "CUBLASLT_EPILOGUE_BIAS" not in {e["symbol"] for e in mlu}
    # and no A2/A3 "missing" is written when the README would list A2 or A3 as supported
    cut["support"]["aclblasLtMatmul"] = (cut["support"]["aclblasLtMatmul"][0], "950,910b")
    assert not [e for e in yaml.safe_load(gen.build(tables, "cann", cut))["entries"] if e["status"] == "missing"]


def test_every_aclblaslt_name_in_the_cann_tables_is_declared_by_ops_blas(facts):
    names = set()
    for path in (ROOT / "mappings" / "cann").glob("*.yaml"):
        names |= set(re.findall(r"\btarget: \"?((?:aclblas|ACLBLAS)\w*|cann_ops_blasLt\.h)", path.read_text()))
    assert {"aclblasLtMatmul", "aclblasLtMatmulAlgoGetHeuristic", "ACLBLASLT_MATMUL_DESC_TRANSA"} <= names
    assert names <= set(facts["declared"])


# ------------------------------------------------------------------------------------------- verdicts for real names
def test_cann_cublaslt_is_missing_on_a2_a3_with_the_aclnn_replacement_and_partial_on_950(tables):
    b = tables.backend("cann")
    v = b.lookup("cublasLtMatrixLayoutInit", "cublaslt")
    assert (v.status, v.target, v.evidence, v.rule) == ("missing", "", "verified", "exact")
    assert "aclCreateTensor" in v.note and v.ref.startswith("hicann/ops-blas@35101c89 blasLt/README.md")
    assert "Ascend/op-plugin@517f2e7d op_plugin/utils/op_api_common.cpp (uses aclCreateTensor)" in v.ref
    v = b.lookup("CUBLASLT_EPILOGUE_GELU_AUX_BIAS", "cublaslt")
    assert (v.status, v.evidence) == ("missing", "verified") and "aclnnGelu" in v.note
    assert "op_plugin/ops/opapi/GeluOutKernelNpuOpApi.cpp (uses aclnnGelu)" in v.ref
    on950 = {s: b.target_differences(s, "cublaslt")["950"] for s in
             ("CUBLASLT_MATMUL_DESC_TRANSA", "cublasLtMatmulDescInit", "cublasLtMatrixLayoutInit",
              "CUBLASLT_EPILOGUE_GELU_AUX_BIAS", "CUBLASLT_EPILOGUE_DEFAULT", "cublasLtMatmul")}
    assert (on950["CUBLASLT_MATMUL_DESC_TRANSA"].status, on950["CUBLASLT_MATMUL_DESC_TRANSA"].target) == \
        ("partial", "ACLBLASLT_MATMUL_DESC_TRANSA")
    assert on950["cublasLtMatmulDescInit"].target == "aclblasLtMatmulDescInit"
    assert on950["cublasLtMatmul"].target == "aclblasLtMatmul" and "MXFP8" in on950["cublasLtMatmul"].note
    # aclBLASLt has no MatrixLayoutInit, and declares the GELU epilogues without supporting them
    assert (on950["cublasLtMatrixLayoutInit"].status, on950["cublasLtMatrixLayoutInit"].target) == ("missing", "")
    assert on950["CUBLASLT_EPILOGUE_GELU_AUX_BIAS"].status == "missing"
    assert "declares ACLBLASLT_EPILOGUE_GELU_AUX_BIAS" in on950["CUBLASLT_EPILOGUE_GELU_AUX_BIAS"].note
    assert on950["CUBLASLT_EPILOGUE_DEFAULT"].target == "ACLBLASLT_EPILOGUE_DEFAULT"


def test_cann_cublas_enums_name_the_aclnn_construct(tables):
    b = tables.backend("cann")
    want = {"cublasGemmAlgo_t": "aclnnMatmul", "CUBLAS_GEMM_DEFAULT_TENSOR_OP": "aclnnMatmul",
            "CUBLAS_COMPUTE_32F": "aclnnMatmul", "CUBLAS_COMPUTE_32I": "aclnnQuantMatmulV5",
            "cublasDataType_t": "aclDataType", "CUBLAS_VERSION": "aclsysGetCANNVersion",
            "CUBLAS_STATUS_NOT_SUPPORTED": "aclnnStatus"}
    for sym, target in want.items():
        v = b.lookup(sym, "cublas")
        assert (v.status, v.target, v.evidence) == ("adapt", target, "verified"), sym
        assert b.target_differences(sym, "cublas")["950"] == v, sym  # the aclnn route holds on every chip
    assert "cubeMathType" in b.lookup("CUBLAS_GEMM_DEFAULT_TENSOR_OP", "cublas").note


def test_neuware_names_the_cnnl_matmul_calls_torch_mlu_makes(tables):
    b = tables.backend("neuware")
    want = {"CUBLASLT_EPILOGUE_BIAS": "CNNL_MATMUL_EPI_BIAS",
            "CUBLASLT_MATMUL_DESC_BIAS_POINTER": "cnnlSetMatMulExBias",
            "CUBLASLT_MATMUL_DESC_EPILOGUE": "CNNL_MATMUL_EX_DESC_EPILOGUE_TYPE",
            "cublasLtMatmulHeuristicResult_t": "cnnlMatMulExHeuristicResult",
            "cublasLtMatmulAlgoGetHeuristic": "cnnlGetMatMulExAlgoHeuristic", "cublasLtHandle_t": "cnnlHandle_t",
            "CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES": "cnnlGetMatMulExHeuristicResult",
            "cublasGemmAlgo_t": "cnnlGetMatMulAlgoHeuristic", "CUBLAS_TENSOR_OP_MATH": "CNNL_MATMUL_ALLOW_TF32",
            "cublas_v2.h": "cnnl.h"}
    for sym, target in want.items():
        v = b.lookup(sym, tables.catalog[sym].family)
        assert (v.status, v.target, v.evidence) == ("adapt", target, "verified"), sym
    assert b.lookup("CUBLASLT_EPILOGUE_BIAS", "cublaslt").ref == \
        "Cambricon/torch_mlu@d578002c torch_mlu/csrc/aten/operators/cnnl/internal/addmm_bias_internal.cpp " \
        "(uses CNNL_MATMUL_EPI_BIAS, cnnlMatMulEx)"
    assert b.lookup("cublasLtMatmul", "cublaslt").target == "cnnlMatMulEx_v2"  # the hand-written row stays
    # no CNNL name for a handle's stream getter was found: the family default stays, inferred
    assert b.lookup("cublasGetStream", "cublas").evidence == "inferred"


def test_musa_renames_backed_by_moore_threads_code_and_the_unconfirmed_inits(tables):
    b = tables.backend("musa")
    v = b.lookup("CUBLASLT_EPILOGUE_GELU_AUX_BIAS", "cublaslt")
    assert (v.status, v.target, v.evidence) == ("rename", "MUBLASLT_EPILOGUE_GELU_AUX_BIAS", "verified")
    assert v.ref == ("MooreThreads/paddle_musa@67bb97f5 backends/musa/hack/paddle_backend_dyload_hack/"
                     "mublasLt_dynload.h (#defines CUBLASLT_EPILOGUE_GELU_AUX_BIAS as MUBLASLT_EPILOGUE_GELU_AUX_BIAS)")
    v = b.lookup("CUBLAS_GEMM_DEFAULT_TENSOR_OP", "cublas")
    assert (v.status, v.target, v.evidence) == ("rename", "MUBLAS_GEMM_DEFAULT_TENSOR_OP", "verified")
    # issue 14: musify pairs mublasLt*Init but no Moore Threads source writes them: partial, "unverified", mapped,
    # pointing at the Create call paddle_musa does write
    for sym in ("cublasLtMatrixLayoutInit", "cublasLtMatmulDescInit", "cublasLtMatmulPreferenceInit"):
        v = b.lookup(sym, "cublaslt")
        assert (v.status, v.target, v.evidence) == ("partial", "mu" + sym[2:], "mapped"), sym
        assert v.note.startswith("unverified: musify pairs it") and ("mu" + sym[2:-4] + "Create") in v.note
        assert "paddle_musa@67bb97f5" in v.ref
    assert b.lookup("cublasInit", "cublas").rule == "prefix"  # the legacy v1 init is not a descriptor Init
    assert b.lookup("cublasLtMatmulAlgoInit", "cublaslt").evidence == "verified"  # paddle_musa defines it


# ------------------------------------------------------------------------------------------- a fixture, end to end
def test_fixture_scan_default_chips(tables):
    got = _scan(tables)
    ev = {k: {b: v.evidence for b, v in vs.items()} for k, vs in got.items()}
    blas = {k for k in got if re.match(r"(?i)^cublas", k[1])}
    assert len(blas) == 35
    # every cuBLAS / cuBLASLt finding is verified on CANN, and on NeuWare but CUBLAS_STATUS_NOT_SUPPORTED (torch_mlu
    # writes CNNL_STATUS_NOT_SUPPORTED only inside strings of its Python tests: no citation in code); on MUSA only the
    # unconfirmed Inits and CUBLAS_VERSION rest on musify's map
    assert {k for k in blas if ev[k]["cann"] != "verified"} == set()
    assert {k for k in blas if ev[k]["neuware"] != "verified"} == {(25, "CUBLAS_STATUS_NOT_SUPPORTED")}
    assert {k[1] for k in blas if ev[k]["musa"] != "verified"} == {
        "cublasLtMatmulDescInit", "cublasLtMatrixLayoutInit", "cublasLtMatmulPreferenceInit", "CUBLAS_VERSION"}
    assert {ev[k]["musa"] for k in blas if ev[k]["musa"] != "verified"} == {"mapped"}
    v = got[(11, "CUBLASLT_EPILOGUE_GELU_AUX_BIAS")]
    assert (v["cann"].status, v["neuware"].target, v["musa"].target) == \
        ("missing", "cnnlActivationForward", "MUBLASLT_EPILOGUE_GELU_AUX_BIAS")
    assert (got[(16, "CUBLASLT_MATMUL_DESC_BIAS_POINTER")]["neuware"].target,
            got[(23, "CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES")]["neuware"].target) == \
        ("cnnlSetMatMulExBias", "cnnlGetMatMulExHeuristicResult")
    assert got[(30, "cublasGemmAlgo_t")]["cann"].target == "aclnnMatmul"


def test_fixture_scan_on_the_950(tables):
    """`--target cann:950`: the cuBLASLt names aclBLASLt declares become partial with its name; the rest (no
    MatrixLayoutInit / PreferenceInit in aclBLASLt, epilogues other than DEFAULT unsupported) stay missing."""
    base, t950 = _scan(tables), _scan(load_tables(), {"cann": "950"})
    changed = {k[1]: (t950[k]["cann"].status, t950[k]["cann"].target) for k in base
               if (base[k]["cann"].status, base[k]["cann"].target) != (t950[k]["cann"].status, t950[k]["cann"].target)}
    lt = ["cublasLtHandle_t", "cublasLtMatmulDescOpaque_t", "cublasLtMatrixLayoutOpaque_t",
          "cublasLtMatmulPreferenceOpaque_t", "cublasLtMatmulHeuristicResult_t", "cublasLtEpilogue_t",
          "cublasLtMatmulDescInit", "cublasLtMatmulDescSetAttribute", "cublasLtMatmulPreferenceSetAttribute",
          "cublasLtMatmulAlgoGetHeuristic", "cublasLtMatmul"]
    want = {s: ("partial", "aclblasLt" + s[len("cublasLt"):]) for s in lt}
    want.update({"cublasLt.h": ("partial", "cann_ops_blasLt.h"),
                 "CUBLASLT_MATMUL_DESC_TRANSA": ("partial", "ACLBLASLT_MATMUL_DESC_TRANSA"),
                 "CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES": ("partial", "ACLBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES")})
    assert changed == want
    assert all(t950[k]["cann"].evidence == "verified" for k in t950 if k[1] in want)
    for k in ((19, "cublasLtMatrixLayoutInit"), (22, "cublasLtMatmulPreferenceInit"),
              (11, "CUBLASLT_EPILOGUE_GELU_AUX_BIAS"), (16, "CUBLASLT_MATMUL_DESC_BIAS_POINTER")):
        assert (t950[k]["cann"].status, t950[k]["cann"].evidence) == ("missing", "verified"), k
    # cuBLAS names keep the aclnn verdict on the 950
    assert t950[(30, "cublasGemmAlgo_t")]["cann"] == base[(30, "cublasGemmAlgo_t")]["cann"]


def test_a_name_vendor_code_writes_only_in_comments_or_strings_is_no_evidence(tables):
    """paddle_musa mentions mublasSgetrsBatched only in a commented-out call and in "currently there are not
    mublasSgetrsBatched." (blas_impl.mu.h): that is no rename (found in review of the generated table)."""
    import tablegen
    src = 'f(); // PADDLE_ENFORCE(mublasSgetrsBatched(args...));\nthrow Unimplemented("no mublasSgetrsBatched.");\n' \
          '#include "cnnl.h"\n/* mublasX\n */ mublasSgemm(h, \'c\');\n'
    code = tablegen.code_only(src)
    assert "mublasSgetrsBatched" not in code and "mublasX" not in code and "'c'" not in code
    assert '#include "cnnl.h"' in code and "mublasSgemm(h," in code and code.count("\n") == src.count("\n")
    facts = gen.read_facts()["musa"]
    for name in ("mublasSgetrsBatched", "mublasDgetrsBatched", "mublasSmatinvBatched", "mublasCgetrfBatched"):
        assert name not in facts, name
    musa = tables.backend("musa")
    for sym in ("cublasSgetrsBatched", "cublasSmatinvBatched", "cublasZmatinvBatched"):
        v = musa.lookup(sym, "cublas")
        assert not (v.status == "rename" and v.evidence == "verified"), sym
    assert facts["mublasSgemm"][0].startswith("MooreThreads/")  # a name paddle_musa writes in code stays
