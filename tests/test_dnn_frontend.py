"""Issue 14, evidence: cudnn_frontend's graph API and cuDNN's backend API on CANN, MUSA and NeuWare.

mappings/{cann,musa,neuware}/cudnn_frontend.yaml (tools/dnn_frontend_names.py) name the vendor construct doing the
work of each construct (aclnn two-phase calls, CNNL calls, muDNN operator objects), cited at the line of the
vendor's own PyTorch back end that uses it (tests/data/vendor_facts/dnn_frontend_uses.txt). The tests regenerate
the tables from that fact copy, check the copy against the mirrors when they are present, and scan a fixture."""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
import yaml

from portcheck.engine import ScanOptions, run_scan
from portcheck.tables import load_tables

ROOT = Path(__file__).resolve().parent.parent
FIX = Path(__file__).parent / "fixtures" / "cuda" / "cudnn_frontend.cpp"
MIRRORS = Path("/work/.mirror")
sys.path.insert(0, str(ROOT / "tools"))

import dnn_frontend_names as gen  # noqa: E402


@pytest.fixture(scope="module")
def tables():
    return load_tables()


@pytest.fixture(scope="module")
def scan(tables, tmp_path_factory):
    root = tmp_path_factory.mktemp("dnnfe")
    shutil.copy(FIX, root / "conv_bias_relu.cpp")
    result = run_scan(root, ScanOptions(jobs=1), tables)
    return {(f.use.line, f.use.symbol): dict(f.verdicts) for f in result.findings}


def test_tables_are_regenerated_from_the_fact_copy(tables):
    facts = gen.read_facts()
    for backend, count in (("cann", 190), ("musa", 57), ("neuware", 159)):
        text = gen.OUT[backend].read_text(encoding="utf-8")
        assert text == gen.build(tables, backend, facts), backend
        data = yaml.safe_load(text)
        assert data["evidence"] == "verified" and len(data["entries"]) == count, backend
        b = tables.backend(backend)
        assert {e["status"] for e in data["entries"]} == {b.family_defaults["cudnn"].status} == {"adapt"}
        for e in data["entries"]:
            v = b.lookup(e["symbol"], "cudnn")
            assert (v.rule, v.evidence, v.target) == ("exact", "verified", e["target"]), e
            # every citation is repo@commit file:line, a line the fact copy records
            for part in e["ref"].split("; "):
                repo_commit, where, _lit = part.split(" ", 2)
                path, line = where.rsplit(":", 1)
                assert (repo_commit, path, int(line)) in {
                    (f"{gen.REPOS[k][0]}@{gen.REPOS[k][1][:8]}", p, n) for (k, p, _t), n in facts.items()}, part


def test_the_fact_copy_names_its_sources_and_holds_every_cited_literal():
    text = gen.FACTS.read_text(encoding="utf-8")
    for repo, commit, licence in gen.REPOS.values():
        assert f"{repo}@{commit[:8]} ({licence})" in text
    facts = gen.read_facts()
    assert set(facts) == set(gen._uses())
    assert facts[("op-plugin", "op_plugin/ops/opapi/ConvolutionKernelNpuOpApi.cpp", "aclnnConvolution,")] == 344
    assert facts[("torch_musa", "torch_musa/csrc/aten/ops/Conv.cpp", "RunFusion(")] == 143


def test_a_literal_missing_from_the_fact_copy_is_refused(tables):
    facts = gen.read_facts()
    del facts[("torch_mlu", "torch_mlu/csrc/aten/operators/cnnl/internal/convolution_forward_internal.cpp",
               "cnnlGetConvolutionForwardAlgorithm(")]
    with pytest.raises(SystemExit, match="cnnlGetConvolutionForwardAlgorithm"):
        gen.build(tables, "neuware", facts)


def test_literals_are_found_as_whole_words_only():
    src = "EXEC_NPU_CMD(aclnnAdds, self, other);\nEXEC_NPU_CMD(aclnnAdd, self, other, alpha, out);\n"
    assert gen._first_line(src, "aclnnAdd") == 2
    assert gen._first_line(src, "EXEC_NPU_CMD(") == 1
    assert gen._first_line("exec: aclnnBatchNormStats\n", "exec: aclnnBatchNorm") == 0
    # comments do not count: the first use in code is cited
    src = "/*cnnlActivationDescriptor_t */ desc,\n * cnnlActivationDescriptor_t\n// cnnlActivationDescriptor_t\n" \
          "cnnlActivationDescriptor_t d;\n"
    assert gen._first_line(src, "cnnlActivationDescriptor_t") == 4
    assert gen._first_line("  *tensor = aclCreateTensor(shape);\n", "aclCreateTensor(") == 1


@pytest.mark.skipif(not all((MIRRORS / r.replace("/", "+") / "repo").is_dir() for r, _c, _l in gen.REPOS.values()),
                    reason="vendor mirrors not present (fresh clone)")
def test_fact_copy_matches_the_vendor_mirrors():
    assert gen.extract(MIRRORS) == gen.FACTS.read_text(encoding="utf-8")


def test_other_tables_keep_the_names_they_decide(tables):
    cann, musa, mlu = (tables.backend(b) for b in ("cann", "musa", "neuware"))
    v = musa.lookup("CUDNN_REDUCE_TENSOR_ADD", "cudnn")  # musify's pair (tools/musa_cudnn_names.py)
    assert (v.target, v.evidence) == ("MUDNN_REDUCE_TENSOR_ADD", "mapped")
    v = mlu.lookup("CUDNN_STATUS_SUCCESS", "cudnn")  # tools/dnn_enum_names.py
    assert (v.target, v.evidence) == ("CNNL_STATUS_SUCCESS", "verified") and "exceptions.h" in v.ref
    assert musa.lookup("cudnn.h", "cudnn").target == "mudnn.h"  # the hand-written row
    for name in ("cudnn_frontend::graph::Graph", "cudnn_frontend::graph::Tensor_attributes"):  # v1 API: no rows
        assert {b.lookup(name, "cudnn").evidence for b in (cann, musa, mlu)} == {"inferred"}


def test_conv_bias_relu_graph_verdicts_in_a_real_scan(scan):
    def v(line, sym, backend):
        x = scan[(line, sym)][backend]
        return x.status, x.target, x.evidence

    # the graph object: no counterpart on CANN / NeuWare (the operator calls in order), muDNN's fused convolution
    graph = scan[(50, "cudnn_frontend::OperationGraphBuilder")]
    assert v(50, "cudnn_frontend::OperationGraphBuilder", "cann") == ("adapt", "", "verified")
    assert graph["cann"].note.startswith("no operation graph in aclnn: build none and call the nodes' operators")
    assert v(50, "cudnn_frontend::OperationGraphBuilder", "musa") == \
        ("adapt", "musa::dnn::Convolution::RunFusion", "verified")
    assert "FusedActivationDesc::Mode::RELU" in graph["musa"].ref
    assert scan[(50, "cudnn_frontend::OperationGraphBuilder")]["neuware"].ref.startswith(
        "Cambricon/torch_mlu@d578002c torch_mlu/csrc/aten/operators/cnnl/internal/convolution_forward_internal.cpp:200")
    # tensors and operations
    assert v(6, "cudnn_frontend::TensorBuilder", "cann") == ("adapt", "aclCreateTensor", "verified")
    assert v(6, "cudnn_frontend::TensorBuilder", "musa") == ("adapt", "musa::dnn::Tensor", "verified")
    assert v(5, "cudnn_frontend::Tensor", "neuware") == ("adapt", "cnnlTensorDescriptor_t", "verified")
    assert v(31, "CUDNN_BACKEND_OPERATION_CONVOLUTION_FORWARD_DESCRIPTOR", "cann") == \
        ("adapt", "aclnnConvolution", "verified")
    assert v(31, "CUDNN_BACKEND_OPERATION_CONVOLUTION_FORWARD_DESCRIPTOR", "neuware") == \
        ("adapt", "cnnlConvolutionForward", "verified")
    assert v(28, "CUDNN_POINTWISE_ADD", "cann") == ("adapt", "aclnnAdd", "verified")
    assert v(28, "CUDNN_POINTWISE_ADD", "musa") == ("adapt", "musa::dnn::Binary::Mode::ADD", "verified")
    assert v(29, "CUDNN_POINTWISE_RELU_FWD", "neuware") == ("adapt", "cnnlThreshold", "verified")
    assert v(21, "CUDNN_CROSS_CORRELATION", "cann") == ("adapt", "aclnnConvolution", "verified")
    assert v(28, "CUDNN_POINTWISE_ADD", "neuware") == ("adapt", "CNNL_OP_TENSOR_ADD", "verified")
    # heuristics, plan, variant pack, execute
    assert v(51, "cudnn_frontend::EngineHeuristicsBuilder", "cann") == ("adapt", "", "verified")
    assert "cubeMathType" in scan[(51, "cudnn_frontend::EngineHeuristicsBuilder")]["cann"].note
    assert v(51, "cudnn_frontend::EngineHeuristicsBuilder", "neuware") == \
        ("adapt", "cnnlGetConvolutionForwardAlgorithm", "verified")
    assert v(53, "CUDNN_HEUR_MODE_INSTANT", "musa") == \
        ("adapt", "musa::dnn::Convolution::GetRecommendForwardAlgorithm", "verified")
    assert v(56, "cudnn_frontend::ExecutionPlanBuilder", "cann") == ("adapt", "aclOpExecutor", "verified")
    assert "::musa::dnn::MemoryHandler" in scan[(60, "cudnn_frontend::VariantPackBuilder")]["musa"].note
    assert v(61, "cudnnBackendExecute", "cann") == ("adapt", "", "verified")
    assert "aclnnXxx(workspace, workspaceSize, executor, stream)" in scan[(61, "cudnnBackendExecute")]["cann"].note
    assert v(62, "CUDNN_STATUS_SUCCESS", "cann") == ("adapt", "ACLNN_SUCCESS", "verified")
    assert v(62, "cudnn_frontend::throw_if", "musa") == ("adapt", "", "verified")
    assert "musa::dnn::Status against Status::SUCCESS" in scan[(62, "cudnn_frontend::throw_if")]["musa"].note
    assert v(2, "cudnn_frontend.h", "neuware") == ("adapt", "cnnl.h", "verified")
    # no muDNN operator found for an index generator (torch_musa writes its own arange kernel): family default
    assert v(66, "CUDNN_POINTWISE_GEN_INDEX", "musa") == ("adapt", "", "inferred")
    assert v(66, "CUDNN_POINTWISE_GEN_INDEX", "cann") == ("adapt", "aclnnArange", "verified")
    assert v(67, "cudnn_frontend::graph::Graph", "neuware")[2] == "inferred"


def test_legacy_cudnn_api_names_the_vendor_calls(tables):
    """The descriptor API (cuDNN v7/v8) where no other table decides: CNNL keeps cuDNN's shape (descriptors,
    algorithm preference, workspace query); aclnn has no descriptors and no algorithm choice."""
    cann, musa, mlu = (tables.backend(b) for b in ("cann", "musa", "neuware"))

    def v(b, name):
        x = b.lookup(name, "cudnn")
        return x.status, x.target, x.evidence

    assert v(mlu, "cudnnConvolutionForward") == ("adapt", "cnnlConvolutionForward", "verified")
    assert v(mlu, "cudnnFindConvolutionForwardAlgorithmEx") == \
        ("adapt", "cnnlGetConvolutionForwardAlgorithm", "verified")
    assert v(mlu, "CUDNN_CONVOLUTION_FWD_PREFER_FASTEST") == ("adapt", "CNNL_CONVOLUTION_FWD_FASTEST", "verified")
    assert v(mlu, "cudnnSetPooling2dDescriptor") == ("adapt", "cnnlSetPooling2dDescriptor_v2", "verified")
    assert v(mlu, "CUDNN_REDUCE_TENSOR_NORM2") == ("adapt", "CNNL_REDUCE_NORM2", "verified")
    assert v(mlu, "cudnnSoftmaxForward") == ("adapt", "cnnlSoftmaxForward", "verified")
    assert mlu.lookup("cudnnSoftmaxForward", "cudnn").ref == \
        "Cambricon/torch_mlu@d578002c torch_mlu/csrc/aten/operators/cnnl/internal/softmax_internal.cpp:67 " \
        "(cnnlSoftmaxForward)"
    assert v(cann, "cudnnFindConvolutionForwardAlgorithmEx") == ("adapt", "", "verified")
    assert "cubeMathType" in cann.lookup("cudnnFindConvolutionForwardAlgorithmEx", "cudnn").note
    assert v(cann, "cudnnSoftmaxForward") == ("adapt", "aclnnSoftmax", "verified")
    assert v(cann, "CUDNN_POOLING_AVERAGE_COUNT_EXCLUDE_PADDING") == ("adapt", "aclnnAvgPool2d", "verified")
    assert v(cann, "cudnnConvolutionBackwardBias") == ("adapt", "aclnnConvolutionBackward", "verified")
    assert v(cann, "cudnnConvolutionBackwardData") == ("adapt", "aclnnConvolutionBackward", "verified")  # libraries
    assert cann.lookup("cudnnConvolutionBackwardData", "cudnn").ref.startswith("Ascend/op-plugin@517f2e7d")
    assert v(cann, "cudnnConvolutionForward")[1] == "aclnnConvolution"  # the hand-written row
    # MUSA: musify's map keeps the legacy names (mapped); no row was added for them
    assert v(musa, "cudnnSoftmaxForward")[2] == "mapped"
    # names no vendor construct was checked for keep the family default
    assert v(mlu, "CUDNN_ACTIVATION_RELU")[2] == v(mlu, "cudnnRNNForward")[2] == "inferred"
