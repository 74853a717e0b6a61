"""Write mappings/{cann,musa,neuware}/cudnn_frontend.yaml: cudnn_frontend's graph API and cuDNN's backend API
(`cudnn_frontend::TensorBuilder`, `OperationGraphBuilder`, `ExecutionPlan`, `CUDNN_BACKEND_*_DESCRIPTOR`,
`CUDNN_POINTWISE_*`, `cudnnBackendExecute`, ...) and, on CANN and NeuWare, cuDNN's legacy descriptor API
(`cudnnConvolutionForward`, `cudnnFindConvolutionForwardAlgorithmEx`, `cudnnPoolingForward`, `CUDNN_REDUCE_TENSOR_*`,
...; on MUSA musify's map already pairs those) with the vendor construct that does the same work, as the vendors' own
PyTorch back ends call it.

cudnn_frontend is NVIDIA's header-only C++ graph API over cuDNN's backend API: tensors, operations and a graph are
described, engines are picked by heuristics, an execution plan is built and run with a variant pack of device
pointers. No vendor ports it by name; each has the per-operator work under another shape:

- CANN (aclnn): one eager two-phase call per operator, `aclnnXxxGetWorkspaceSize(..., &workspaceSize, &executor)`
  then `aclnnXxx(workspace, workspaceSize, executor, stream)`; operands are aclTensor objects (aclCreateTensor:
  dims, strides, dtype, format and the device address). No graph, engine list or heuristics query: phase 1 builds
  the aclOpExecutor. Sources: Ascend/op-plugin@517f2e7d (the aclnn calls torch_npu makes), Ascend/pytorch@9e73e708,
  vllm-project/vllm-ascend@182b75ea (aclnn operators written against CANN's headers).
- NeuWare (CNNL): a call per operator on a cnnlHandle_t with descriptors and device pointers; convolutions pick an
  algorithm (cnnlGetConvolutionForwardAlgorithm with a preference) and a workspace size. Source:
  Cambricon/torch_mlu@d578002c.
- MUSA (muDNN C++ API): operator objects (musa::dnn::Convolution, Binary, Unary, Ternary, Reduce, BatchNorm)
  configured with SetMode / SetNdInfo and run on a musa::dnn::Handle, workspace through a MemoryHandler callback;
  Convolution::RunFusion fuses bias + add + activation, Convolution::GetRecommend*Algorithm picks the algorithm.
  Source: MooreThreads/torch_musa@8b583b3f.

ROWS below gives, per backend, the cuDNN names, the vendor construct, a note saying what changes and the vendor
uses that show it: (repo, file, literal text). The literal text must occur in that file at that commit; the line it
is first found on is recorded in tests/data/vendor_facts/dnn_frontend_uses.txt (a reduced copy: names and line
numbers only), which is what build() reads, so the tables regenerate on a fresh clone. Each name whose verdict
would otherwise be the cudnn family default becomes an exact entry with the family's status (`adapt`: the call
site is restructured), the vendor construct as target and `evidence: verified`; names another table decides (a
hand-written row, musify's map, tools/dnn_enum_names.py) are left to it. Constructs with no counterpart say what
replaces them (no graph object: the operator calls in order; no engine choice: phase 1 of the aclnn call) and cite
the vendor code that shows it; names with no vendor construct found (e.g. CUDNN_POINTWISE_GEN_INDEX on MUSA, where
torch_musa writes its own arange kernel) are not listed and keep the family default (`inferred`).

    python tools/dnn_frontend_names.py                 # write the three YAML files from the fact copy
    python tools/dnn_frontend_names.py --extract DIR   # rewrite the fact copy from the mirrors in DIR
    python tools/dnn_frontend_names.py --check DIR     # compare the fact copy with the mirrors in DIR
(DIR holds the bare git mirrors as DIR/<owner>+<name>/repo, e.g. /work/.mirror.)
"""
from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import tablegen  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
FACTS = ROOT / "tests" / "data" / "vendor_facts" / "dnn_frontend_uses.txt"
OUT = {b: ROOT / "mappings" / b / "cudnn_frontend.yaml" for b in ("cann", "musa", "neuware")}
# key -> (GitHub repo, commit, licence)
REPOS = {
    "op-plugin": ("Ascend/op-plugin", "517f2e7d0f202f38b76310706cb977ca2388ad21", "BSD-3-Clause"),
    "torch_npu": ("Ascend/pytorch", "9e73e708ab9350d203475609f36f8a43f6a0c2ab", "BSD-3-Clause"),
    "vllm-ascend": ("vllm-project/vllm-ascend", "182b75ea84ff13ece27b57391331ef8935410aea", "Apache-2.0"),
    "torch_mlu": ("Cambricon/torch_mlu", "d578002c0863bfa1ad30fae6b99e4fb3a79dff48", "BSD-3-Clause"),
    "torch_musa": ("MooreThreads/torch_musa", "8b583b3f2fd0d9d3d9e74b9ec588a25d8bed1a30", "BSD-3-Clause"),
}

# files
_OPAPI = "op_plugin/utils/op_api_common.h"
_OPBASE = "op_plugin/utils/op_api_common_base.h"
_CONV = "op_plugin/ops/opapi/ConvolutionKernelNpuOpApi.cpp"
_CONVBW = "op_plugin/ops/opapi/ConvolutionBackwardKernelNpuOpApi.cpp"
_OPYAML = "op_plugin/config/op_plugin_functions.yaml"
_NPUEXC = "torch_npu/csrc/core/npu/NPUException.h"
_ACLIF = "torch_npu/csrc/core/npu/interface/AclInterface.cpp"
_VA_OP = ("csrc/attention/kv_quant_sparse_attn_sharedkv_metadata/op_host/op_api/"
          "aclnn_kv_quant_sparse_attn_sharedkv_metadata.cpp")
_VA_EX = "csrc/attention/sparse_flash_attention/examples/test_aclnn_sparse_flash_attention.cpp"
_MCONV = "torch_mlu/csrc/aten/operators/cnnl/internal/convolution_forward_internal.cpp"
_MCONVBD = "torch_mlu/csrc/aten/operators/cnnl/internal/convolution_input_backward_internal.cpp"
_MCONVBF = "torch_mlu/csrc/aten/operators/cnnl/internal/convolution_fliter_backward_internal.cpp"
_MDESC = "torch_mlu/csrc/aten/cnnl/cnnlOpDescriptors.h"
_MTDESC = "torch_mlu/csrc/aten/cnnl/cnnlTensorDesc.cpp"
_MOPT = "torch_mlu/csrc/aten/operators/cnnl/internal/optensor_internal.cpp"
_MACT = "torch_mlu/csrc/aten/operators/cnnl/internal/activation_inertnal.cpp"
_MLOGIC = "torch_mlu/csrc/aten/operators/cnnl/logic.cpp"
_MRED = "torch_mlu/csrc/aten/operators/cnnl/internal/reduceOps_internal.cpp"
_MBN = "torch_mlu/csrc/aten/operators/cnnl/internal/native_batch_norm_internal.cpp"
_MBNB = "torch_mlu/csrc/aten/operators/cnnl/internal/native_batch_norm_backward_internal.cpp"
_MEXC = "torch_mlu/csrc/aten/utils/exceptions.h"
_UCONV = "torch_musa/csrc/aten/ops/Conv.cpp"
_UQCONV = "torch_musa/csrc/aten/quantized/mudnn/Conv.cpp"
_UUTIL = "torch_musa/csrc/aten/utils/Utils.cpp"
_UUTILH = "torch_musa/csrc/aten/utils/Utils.h"
_UBIN = "torch_musa/csrc/aten/ops/Binary.cpp"
_UACT = "torch_musa/csrc/aten/ops/Activation.cpp"
_UTER = "torch_musa/csrc/aten/ops/Ternary.cpp"
_URED = "torch_musa/csrc/aten/ops/Reduce.cpp"
_UBN = "torch_musa/csrc/aten/ops/BatchNorm.cpp"

_GRAPH = ("cudnn_frontend::OperationGraphBuilder", "cudnn_frontend::OperationGraph")
_PLAN = ("cudnn_frontend::ExecutionPlan", "cudnn_frontend::ExecutionPlanBuilder")
_HEUR = ("cudnn_frontend::EngineHeuristicsBuilder", "cudnn_frontend::EngineHeuristics",
         "cudnn_frontend::get_heuristics_list", "CUDNN_HEUR_MODE_INSTANT", "CUDNN_HEUR_MODE_A", "CUDNN_HEUR_MODE_B")
_ENGINE = ("cudnn_frontend::EngineBuilder", "cudnn_frontend::Engine", "cudnn_frontend::EngineConfigBuilder",
           "cudnn_frontend::EngineConfig", "cudnn_frontend::EngineConfigList")
_ERR = ("cudnn_frontend::cudnnException", "cudnn_frontend::throw_if")
_OPER = ("cudnn_frontend::OperationBuilder", "cudnn_frontend::Operation")
_CONVD = ("cudnn_frontend::ConvDescBuilder", "cudnn_frontend::ConvDesc")
_PWD = ("cudnn_frontend::PointWiseDescBuilder", "cudnn_frontend::PointWiseDesc",
        "CUDNN_BACKEND_OPERATION_POINTWISE_DESCRIPTOR", "CUDNN_BACKEND_POINTWISE_DESCRIPTOR")
_RED = ("cudnn_frontend::ReductionDescBuilder", "cudnn_frontend::ReductionDesc",
        "CUDNN_BACKEND_OPERATION_REDUCTION_DESCRIPTOR", "CUDNN_BACKEND_REDUCTION_DESCRIPTOR")
_NORMF = ("CUDNN_BACKEND_OPERATION_NORM_FORWARD_DESCRIPTOR", "CUDNN_BATCH_NORM", "cudnnBackendNormMode_t",
          "CUDNN_NORM_FWD_TRAINING", "cudnnBackendNormFwdPhase_t")
_DESC = ("cudnnBackendDescriptor_t", "cudnnBackendDescriptorType_t")
_HDR = ("cudnn_frontend.h", "cudnn_backend.h", "cudnn.h")
_NOGRAPH = ("virtual (intermediate) tensors of the graph become real device buffers, so a fused graph costs extra "
            "memory traffic")

# backend -> [(cuDNN names, target, note, [(repo key, file, literal text that occurs in it)])]
ROWS: dict[str, list[tuple[tuple[str, ...], str, str, list[tuple[str, str, str]]]]] = {
    "cann": [
        (("cudnn_frontend::TensorBuilder",), "aclCreateTensor",
         "aclCreateTensor(view dims, data type, strides, offset, format, storage dims, device address); no uid, "
         "alignment or virtual flag: " + _NOGRAPH,
         [("op-plugin", _OPBASE, "_aclCreateTensor"), ("vllm-ascend", _VA_EX, "aclCreateTensor(")]),
        (("cudnn_frontend::Tensor", "cudnn_frontend::Tensor_v8"), "aclTensor",
         "an aclTensor holds the device address too, so there is no separate variant pack; " + _NOGRAPH,
         [("op-plugin", _OPBASE, "typedef struct aclTensor aclTensor")]),
        (_OPER, "",
         "one eager two-phase aclnn call per graph node (aclnnConvolution, aclnnAdd, aclnnMul, aclnnRelu, ...): "
         "aclnnXxxGetWorkspaceSize (phase 1) returns the workspace size and an aclOpExecutor, aclnnXxx (phase 2) "
         "runs it on a stream",
         [("op-plugin", _OPAPI, "GetWorkspaceSize"), ("op-plugin", _OPAPI, "aclOpExecutor* executor"),
          ("vllm-ascend", _VA_EX, "aclnnSparseFlashAttentionGetWorkspaceSize(")]),
        (_GRAPH, "",
         "no operation graph in aclnn: build none and call the nodes' operators in order (aclnnConvolution takes the "
         "bias; then aclnnAdd / aclnnMul / aclnnRelu ...); " + _NOGRAPH,
         [("op-plugin", _CONV, "aclnnConvolution,"), ("op-plugin", _OPAPI, "GetWorkspaceSize")]),
        (_PLAN, "aclOpExecutor",
         "the executor phase 1 (aclnnXxxGetWorkspaceSize) returns is the plan of one operator, with its workspace "
         "size; there is no plan for a fused graph; torch_npu caches executors (PTAGetExecCache) as cuDNN code "
         "caches plans",
         [("op-plugin", _OPAPI, "aclOpExecutor* executor"), ("op-plugin", _OPAPI, "PTAGetExecCache")]),
        (_HEUR + _ENGINE, "",
         "no engine list, heuristics query or engine config: phase 1 of the aclnn call chooses the kernel itself; "
         "(aclnnXxxGetWorkspaceSize); drop this code; aclnnConvolution's only math knob is its cubeMathType "
         "argument",
         [("op-plugin", _OPAPI, "GetWorkspaceSize"), ("op-plugin", _CONV, "cube_math_type")]),
        (("cudnn_frontend::VariantPackBuilder", "cudnn_frontend::VariantPack"), "",
         "no variant pack: the data pointer is part of each aclTensor (aclCreateTensor's last argument) and the "
         "workspace is the first argument of aclnnXxx",
         [("op-plugin", _OPBASE, "void* tensor_data"),
          ("op-plugin", _OPAPI, "opApiFunc(workspace_addr, workspace_size, executor, acl_stream)")]),
        (("cudnnBackendExecute",), "",
         "phase 2 of the aclnn call, aclnnXxx(workspace, workspaceSize, executor, stream), runs the executor; there "
         "is no handle",
         [("op-plugin", _OPAPI, "opApiFunc(workspace_addr, workspace_size, executor, acl_stream)")]),
        (_CONVD, "aclnnConvolution",
         "no convolution descriptor: stride, padding, dilation (aclIntArray), transposed and groups are arguments of "
         "aclnnConvolution",
         [("op-plugin", _CONV, "aclnnConvolution,"), ("op-plugin", _OPBASE, "_aclCreateIntArray")]),
        (("CUDNN_CROSS_CORRELATION", "cudnnConvolutionMode_t"), "aclnnConvolution",
         "aclnnConvolution has no mode argument: it computes cross-correlation, as torch's convolution, which op-plugin "
         "implements with it; CUDNN_CONVOLUTION (true convolution) needs a flipped kernel",
         [("op-plugin", _CONV, "aclnnConvolution,")]),
        (("CUDNN_BACKEND_OPERATION_CONVOLUTION_FORWARD_DESCRIPTOR",), "aclnnConvolution",
         "the bias is an argument of the same call", [("op-plugin", _CONV, "aclnnConvolution,")]),
        (("CUDNN_BACKEND_OPERATION_CONVOLUTION_BACKWARD_DATA_DESCRIPTOR",
          "CUDNN_BACKEND_OPERATION_CONVOLUTION_BACKWARD_FILTER_DESCRIPTOR"), "aclnnConvolutionBackward",
         "one call for the input, weight and bias gradients; an output mask selects which are computed",
         [("op-plugin", _CONVBW, "aclnnConvolutionBackward,"), ("op-plugin", _CONVBW, "output_mask")]),
        (_PWD, "",
         "no pointwise descriptor: the mode picks the aclnn operator (aclnnAdd, aclnnMul, aclnnRelu, "
         "aclnnThresholdBackward, ...)",
         [("op-plugin", "op_plugin/ops/opapi/AddKernelNpuOpApi.cpp", "aclnnAdd"),
          ("op-plugin", "op_plugin/ops/opapi/MulKernelNpuOpApi.cpp", "aclnnMul")]),
        (("CUDNN_POINTWISE_ADD",), "aclnnAdd", "aclnnAdd(self, other, alpha, out)",
         [("op-plugin", "op_plugin/ops/opapi/AddKernelNpuOpApi.cpp", "aclnnAdd")]),
        (("CUDNN_POINTWISE_MUL",), "aclnnMul", "aclnnMul(self, other, out)",
         [("op-plugin", "op_plugin/ops/opapi/MulKernelNpuOpApi.cpp", "aclnnMul")]),
        (("CUDNN_POINTWISE_RELU_FWD",), "aclnnRelu", "aclnnRelu(self, out)",
         [("op-plugin", _OPYAML, "exec: aclnnRelu")]),
        (("CUDNN_POINTWISE_RELU_BWD",), "aclnnThresholdBackward",
         "relu's gradient is threshold_backward with threshold 0, as op-plugin runs it",
         [("op-plugin", _OPYAML, "exec: aclnnThresholdBackward")]),
        (("CUDNN_POINTWISE_CMP_LT",), "aclnnLtTensor", "",
         [("op-plugin", "op_plugin/ops/opapi/LtKernelNpuOpApi.cpp", "aclnnLtTensor")]),
        (("CUDNN_POINTWISE_CMP_GT",), "aclnnGtTensor", "",
         [("op-plugin", "op_plugin/ops/opapi/GtKernelNpuOpApi.cpp", "aclnnGtTensor")]),
        (("CUDNN_POINTWISE_LOGICAL_OR",), "aclnnLogicalOr", "",
         [("op-plugin", "op_plugin/ops/opapi/LogicalOrKernelNpuOpApi.cpp", "aclnnLogicalOr")]),
        (("CUDNN_POINTWISE_BINARY_SELECT",), "aclnnSWhere", "aclnnSWhere(condition, self, other, out)",
         [("op-plugin", "op_plugin/ops/opapi/WhereKernelNpuOpApi.cpp", "aclnnSWhere")]),
        (("CUDNN_POINTWISE_GEN_INDEX",), "aclnnArange",
         "aclnnArange makes a 1-D index; reshape / broadcast it for an index along one axis of a tensor",
         [("op-plugin", "op_plugin/ops/opapi/ArangeKernelNpuOpApi.cpp", "aclnnArange")]),
        (_RED + ("CUDNN_REDUCE_TENSOR_ADD",), "aclnnReduceSum",
         "the reduced dims are an aclIntArray argument (keepDims, dtype)",
         [("op-plugin", "op_plugin/ops/opapi/SumKernelNpuOpApi.cpp", "aclnnReduceSum")]),
        (_NORMF, "aclnnBatchNorm",
         "training / inference is a bool argument (with momentum and eps); the cross-device statistics of a group "
         "batch norm are separate calls (aclnnBatchNormGatherStatsWithCounts and an HCCL all-gather)",
         [("op-plugin", _OPYAML, "exec: aclnnBatchNorm"),
          ("op-plugin", _OPYAML, "exec: aclnnBatchNormGatherStatsWithCounts")]),
        (("CUDNN_BACKEND_OPERATION_NORM_BACKWARD_DESCRIPTOR",), "aclnnBatchNormBackward", "",
         [("op-plugin", "op_plugin/ops/opapi/BatchNormBackwardKernelNpuOpApi.cpp", "aclnnBatchNormBackward")]),
        (_ERR, "",
         "no exception: check each aclnnStatus against ACLNN_SUCCESS and read aclGetRecentErrMsg() (torch_npu: "
         "NPU_CHECK_ERROR)",
         [("vllm-ascend", _VA_OP, "return ACLNN_SUCCESS"), ("torch_npu", _ACLIF, "aclGetRecentErrMsg"),
          ("op-plugin", _OPAPI, "NPU_CHECK_ERROR(api_ret")]),
        (("CUDNN_STATUS_SUCCESS",), "ACLNN_SUCCESS", "the success value of aclnnStatus",
         [("vllm-ascend", _VA_OP, "return ACLNN_SUCCESS"), ("vllm-ascend", _VA_OP, "aclnnStatus")]),
        (("cudnnGetErrorString",), "aclGetRecentErrMsg",
         "no message per status code: the last error message of the calling thread",
         [("torch_npu", _ACLIF, "aclGetRecentErrMsg")]),
        (_DESC, "",
         "no generic descriptor: each role has its own object (aclTensor operand, aclIntArray integer list, "
         "aclOpExecutor prepared operator)",
         [("op-plugin", _OPBASE, "typedef struct aclTensor aclTensor"),
          ("op-plugin", _OPBASE, "typedef struct aclIntArray aclIntArray"),
          ("op-plugin", _OPBASE, "typedef struct aclOpExecutor aclOpExecutor")]),
        (("cudnnGetStream",), "",
         "no handle holds a stream: phase 2 of each aclnn call takes an aclrtStream (torch_npu passes its current "
         "NPU stream)",
         [("op-plugin", _OPAPI, "auto acl_stream = c10_npu::getCurrentNPUStream().stream(false)")]),
        (("CUDNN_VERSION",), "aclsysGetCANNVersion",
         "a runtime query of the installed CANN package version; no compile-time version macro was checked",
         [("torch_npu", _ACLIF, "TORCH_NPU_LOAD_FUNC(aclsysGetCANNVersion)")]),
        (_HDR, "aclnn/aclnn_base.h",
         "aclnn_base.h declares aclTensor and aclOpExecutor; each operator has its own header, "
         "aclnnop/aclnn_<op>.h",
         [("vllm-ascend", _VA_OP, '#include "aclnn/aclnn_base.h"'), ("vllm-ascend", _VA_EX, '#include "aclnnop/')]),
    ],
    "neuware": [
        (("cudnn_frontend::TensorBuilder",), "cnnlSetTensorDescriptorEx_v2",
         "after cnnlCreateTensorDescriptor; a CNNL tensor descriptor has layout, data type, dims and strides; no uid, alignment or virtual flag: "
         "device pointers are passed to each call and " + _NOGRAPH,
         [("torch_mlu", _MTDESC, "cnnlCreateTensorDescriptor"), ("torch_mlu", _MTDESC, "cnnlSetTensorDescriptorEx_v2")]),
        (("cudnn_frontend::Tensor", "cudnn_frontend::Tensor_v8"), "cnnlTensorDescriptor_t", _NOGRAPH,
         [("torch_mlu", "torch_mlu/csrc/aten/cnnl/cnnlHeuristicResult.cpp", "cnnlTensorDescriptor_t")]),
        (_OPER, "",
         "each node is one CNNL call on the handle (cnnlConvolutionForward, cnnlOpTensor, cnnlThreshold, cnnlReduce, "
         "...), with its descriptors, device pointers and workspace",
         [("torch_mlu", _MCONV, "cnnlConvolutionForward("), ("torch_mlu", _MOPT, "cnnlOpTensor(")]),
        (_GRAPH, "",
         "no operation graph: call the nodes' operators in order (cnnlConvolutionForward takes the bias; then "
         "cnnlOpTensor / cnnlThreshold ...); torch_mlu@d578002c calls no CNNL fused-ops API; " + _NOGRAPH,
         [("torch_mlu", _MCONV, "cnnlConvolutionForward("), ("torch_mlu", _MCONV, "bias_desc")]),
        (_PLAN, "",
         "the plan of one convolution is its algorithm (cnnlGetConvolutionForwardAlgorithm) and workspace size "
         "(cnnlGetConvolutionForwardWorkspaceSize); other CNNL operators have no algorithm, some a workspace "
         "(cnnlGet<Op>WorkspaceSize); no plan for a fused graph",
         [("torch_mlu", _MCONV, "cnnlGetConvolutionForwardAlgorithm("),
          ("torch_mlu", _MCONV, "cnnlGetConvolutionForwardWorkspaceSize(")]),
        (_HEUR, "cnnlGetConvolutionForwardAlgorithm",
         "convolutions ask CNNL for an algorithm with a preference such as CNNL_CONVOLUTION_FWD_FASTEST (backward: cnnlGetConvolutionBackwardDataAlgorithm "
         "/ cnnlGetConvolutionBackwardFilterAlgorithm); other operators have no engine choice",
         [("torch_mlu", _MCONV, "cnnlGetConvolutionForwardAlgorithm("),
          ("torch_mlu", _MCONV, "CNNL_CONVOLUTION_FWD_FASTEST"),
          ("torch_mlu", _MCONVBD, "cnnlGetConvolutionBackwardDataAlgorithm"),
          ("torch_mlu", _MCONVBF, "cnnlGetConvolutionBackwardFilterAlgorithm")]),
        (_ENGINE, "cnnlConvolutionForwardAlgo_t",
         "the engine (config) of a convolution is its CNNL algorithm; other operators have none",
         [("torch_mlu", _MCONV, "cnnlConvolutionForwardAlgo_t")]),
        (("cudnn_frontend::VariantPackBuilder", "cudnn_frontend::VariantPack"), "",
         "no variant pack: device pointers and the workspace are arguments of each CNNL call",
         [("torch_mlu", _MCONV, "cnnlConvolutionForward("), ("torch_mlu", _MCONV, "workspace_size")]),
        (("cudnnBackendExecute",), "",
         "each operator is its own call, cnnl<Op>(handle, descriptors, pointers, workspace), on the cnnlHandle_t (whose queue was set with cnnlSetQueue)",
         [("torch_mlu", _MCONV, "cnnlConvolutionForward(")]),
        (_CONVD, "cnnlSetConvolutionDescriptor",
         "after cnnlCreateConvolutionDescriptor: dims, padding, stride, dilation, groups and compute type; TF32 is cnnlSetConvolutionDescriptorAllowTF32",
         [("torch_mlu", _MDESC, "cnnlCreateConvolutionDescriptor"), ("torch_mlu", _MDESC, "cnnlSetConvolutionDescriptor(")]),
        (("CUDNN_CROSS_CORRELATION", "cudnnConvolutionMode_t"), "cnnlSetConvolutionDescriptor",
         "a CNNL convolution descriptor has no mode argument: it computes cross-correlation, as torch's convolution, which "
         "torch_mlu implements with it; CUDNN_CONVOLUTION (true convolution) needs a flipped kernel",
         [("torch_mlu", _MDESC, "cnnlSetConvolutionDescriptor(")]),
        (("CUDNN_BACKEND_OPERATION_CONVOLUTION_FORWARD_DESCRIPTOR",), "cnnlConvolutionForward",
         "the bias is an argument of the same call", [("torch_mlu", _MCONV, "cnnlConvolutionForward(")]),
        (("CUDNN_BACKEND_OPERATION_CONVOLUTION_BACKWARD_DATA_DESCRIPTOR",), "cnnlConvolutionBackwardData", "",
         [("torch_mlu", _MCONVBD, "cnnlConvolutionBackwardData(")]),
        (("CUDNN_BACKEND_OPERATION_CONVOLUTION_BACKWARD_FILTER_DESCRIPTOR",), "cnnlConvolutionBackwardFilter", "",
         [("torch_mlu", _MCONVBF, "cnnlConvolutionBackwardFilter(")]),
        (_PWD, "",
         "no pointwise descriptor: the mode picks the CNNL operator (cnnlOpTensor, cnnlLogicOp, cnnlThreshold, "
         "cnnlSelectV2, ...)",
         [("torch_mlu", _MOPT, "cnnlOpTensor("),
          ("torch_mlu", "torch_mlu/csrc/aten/operators/cnnl/internal/logic_internal.cpp", "cnnlLogicOp(")]),
        (("CUDNN_POINTWISE_ADD",), "CNNL_OP_TENSOR_ADD", "the cnnlOpTensor operation",
         [("torch_mlu", _MOPT, "cnnlOpTensor("), ("torch_mlu", "torch_mlu/csrc/aten/operators/cnnl/add.cpp",
                                                   "CNNL_OP_TENSOR_ADD")]),
        (("CUDNN_POINTWISE_MUL",), "CNNL_OP_TENSOR_MUL", "the cnnlOpTensor operation",
         [("torch_mlu", _MOPT, "cnnlOpTensor("), ("torch_mlu", "torch_mlu/csrc/aten/operators/cnnl/mul.cpp",
                                                   "CNNL_OP_TENSOR_MUL")]),
        (("CUDNN_POINTWISE_RELU_FWD",), "cnnlThreshold",
         "relu is threshold(x, 0, 0); torch_mlu itself routes aten::relu to clamp_min (cnnlClip_v2)",
         [("torch_mlu", _MACT, "cnnlThreshold("),
          ("torch_mlu", "torch_mlu/csrc/aten/operators/cnnl/internal/clamp_internel.cpp", "cnnlClip_v2(")]),
        (("CUDNN_POINTWISE_RELU_BWD",), "cnnlThresholdBackward", "relu's gradient is threshold_backward at 0",
         [("torch_mlu", _MACT, "cnnlThresholdBackward(")]),
        (("CUDNN_POINTWISE_CMP_LT",), "CNNL_LOGIC_OP_LT", "the cnnlLogicOp operation",
         [("torch_mlu", _MLOGIC, "CNNL_LOGIC_OP_LT")]),
        (("CUDNN_POINTWISE_CMP_GT",), "CNNL_LOGIC_OP_GT", "the cnnlLogicOp operation",
         [("torch_mlu", _MLOGIC, "CNNL_LOGIC_OP_GT")]),
        (("CUDNN_POINTWISE_LOGICAL_OR",), "CNNL_LOGIC_OP_OR", "the cnnlLogicOp operation",
         [("torch_mlu", _MLOGIC, "CNNL_LOGIC_OP_OR")]),
        (("CUDNN_POINTWISE_BINARY_SELECT",), "cnnlSelectV2", "torch_mlu's where",
         [("torch_mlu", "torch_mlu/csrc/aten/operators/cnnl/internal/where_internal.cpp", "cnnlSelectV2(")]),
        (("CUDNN_POINTWISE_GEN_INDEX",), "cnnlArange_v2",
         "a 1-D index; reshape / broadcast it for an index along one axis of a tensor",
         [("torch_mlu", "torch_mlu/csrc/aten/operators/cnnl/internal/arange_internal.cpp", "cnnlArange_v2(")]),
        (_RED, "cnnlReduce", "with a reduce descriptor (cnnlSetReduceDescriptor_v2) whose operation is CNNL_REDUCE_ADD",
         [("torch_mlu", _MRED, "cnnlReduce("), ("torch_mlu", "torch_mlu/csrc/aten/operators/cnnl/reduceOps.cpp", "reduce_stub(iter, CNNL_REDUCE_ADD")]),
        (("CUDNN_REDUCE_TENSOR_ADD",), "CNNL_REDUCE_ADD", "the reduce-descriptor operation of cnnlReduce",
         [("torch_mlu", "torch_mlu/csrc/aten/operators/cnnl/reduceOps.cpp", "reduce_stub(iter, CNNL_REDUCE_ADD")]),
        (_NORMF, "cnnlBatchNormForwardTraining_v2",
         "inference is cnnlBatchNormForwardInference; the cross-device statistics of a group batch norm are "
         "separate calls (cnnlSyncBatchNormGatherStatsWithCounts and a CNCL all-gather)",
         [("torch_mlu", _MBN, "cnnlBatchNormForwardTraining_v2("),
          ("torch_mlu", "torch_mlu/csrc/aten/operators/cnnl/internal/syncbn_internal.cpp",
           "cnnlSyncBatchNormGatherStatsWithCounts")]),
        (("CUDNN_BACKEND_OPERATION_NORM_BACKWARD_DESCRIPTOR",), "cnnlBatchNormBackward_v2", "",
         [("torch_mlu", _MBNB, "cnnlBatchNormBackward_v2(")]),
        (_ERR, "",
         "no exception: check each cnnlStatus_t against CNNL_STATUS_SUCCESS, message from cnnlGetErrorString "
         "(torch_mlu: TORCH_CNNL_CHECK)",
         [("torch_mlu", _MEXC, "CNNL_STATUS_SUCCESS"), ("torch_mlu", _MEXC, "cnnlGetErrorString")]),
        (_DESC, "",
         "no generic descriptor: each role has its own CNNL descriptor type (cnnlTensorDescriptor_t, the "
         "convolution descriptor, ...)",
         [("torch_mlu", "torch_mlu/csrc/aten/cnnl/cnnlHeuristicResult.cpp", "cnnlTensorDescriptor_t"),
          ("torch_mlu", _MDESC, "cnnlCreateConvolutionDescriptor")]),
        (("CUDNN_VERSION",), "cnnlGetLibVersion",
         "a runtime query (major, minor, patch) of the CNNL library, as torch_mlu checks it; no compile-time version "
         "macro was checked",
         [("torch_mlu", "codegen/templates/version.cpp", "get_lib_ver(cnnlGetLibVersion)")]),
        (_HDR, "cnnl.h", "CNNL's one header declares the operators and descriptors",
         [("torch_mlu", "torch_mlu/csrc/aten/cnnl/cnnlHandle.h", '#include "cnnl.h"')]),
    ],
    "musa": [
        (("cudnn_frontend::TensorBuilder", "cudnn_frontend::Tensor", "cudnn_frontend::Tensor_v8"),
         "musa::dnn::Tensor",
         "SetType, SetNdInfo(ndim, dims, strides), SetAddr(device address) on a musa::dnn::Tensor; no uid, alignment "
         "or virtual flag: " + _NOGRAPH,
         [("torch_musa", _UUTILH, "using muTensor = ::musa::dnn::Tensor"), ("torch_musa", _UUTIL, "SetNdInfo("),
          ("torch_musa", _UUTIL, "SetAddr(")]),
        (_OPER, "",
         "each node is one muDNN operator object (musa::dnn::Convolution, Binary, Unary, Reduce, BatchNorm), configured (SetMode, SetNdInfo, ...) and run on the handle",
         [("torch_musa", _UCONV, "::musa::dnn::Convolution c;"), ("torch_musa", _UBIN, "::musa::dnn::Binary")]),
        (_GRAPH, "musa::dnn::Convolution::RunFusion",
         "no operation graph: Convolution::RunFusion fuses a convolution with its bias, a residual add and an "
         "activation (FusedActivationDesc: IDENTITY, RELU, SILU, ...); other nodes are their own operator runs; "
         + _NOGRAPH,
         [("torch_musa", _UCONV, "RunFusion("), ("torch_musa", _UQCONV, "FusedActivationDesc::Mode::RELU")]),
        (_PLAN, "",
         "the plan of one convolution is the configured operator and the algorithm GetRecommendForwardAlgorithm "
         "returns; no plan for a fused graph",
         [("torch_musa", _UCONV, "::musa::dnn::Convolution::Algorithm algo"),
          ("torch_musa", _UCONV, "GetRecommendForwardAlgorithm(")]),
        (_HEUR, "musa::dnn::Convolution::GetRecommendForwardAlgorithm",
         "convolutions ask muDNN for an algorithm (backward: GetRecommendBackwardDataAlgorithm / "
         "GetRecommendBackwardFilterAlgorithm); other operators have no engine choice",
         [("torch_musa", _UCONV, "GetRecommendForwardAlgorithm("),
          ("torch_musa", _UCONV, "GetRecommendBackwardDataAlgorithm("),
          ("torch_musa", _UCONV, "GetRecommendBackwardFilterAlgorithm(")]),
        (_ENGINE, "musa::dnn::Convolution::Algorithm",
         "the engine (config) of a convolution is its muDNN algorithm; other operators have none",
         [("torch_musa", _UCONV, "::musa::dnn::Convolution::Algorithm algo")]),
        (("cudnn_frontend::VariantPackBuilder", "cudnn_frontend::VariantPack"),
         "",
         "no variant pack: each operand tensor carries its address (musa::dnn::Tensor::SetAddr); the workspace comes from an allocator callback "
         "passed to Run (torch_musa: InternalMemAlloc returns a ::musa::dnn::MemoryHandler)",
         [("torch_musa", _UUTIL, "SetAddr("), ("torch_musa", _UUTIL, "::musa::dnn::MemoryHandler InternalMemAlloc")]),
        (("cudnnBackendExecute",), "",
         "each operator object runs itself (Run(handle, ...), Convolution::RunFusion) on the musa::dnn::Handle (its stream set with SetStream)",
         [("torch_musa", _UCONV, "c.Run(h, out, in, ke, algo, InternalMemAlloc)"), ("torch_musa", _UCONV, "RunFusion(")]),
        (_CONVD, "musa::dnn::Convolution",
         "the descriptor's fields are set on the operator object itself: SetNdInfo(pad, stride, dilation), "
         "SetGroups, SetComputeMode",
         [("torch_musa", _UCONV, "c.SetNdInfo("), ("torch_musa", _UCONV, "c.SetGroups(groups)"),
          ("torch_musa", _UCONV, "c.SetComputeMode(")]),
        (("CUDNN_BACKEND_OPERATION_CONVOLUTION_FORWARD_DESCRIPTOR",), "musa::dnn::Convolution::Run",
         "Convolution::RunFusion takes the bias too", [("torch_musa", _UCONV, "RunFusion(")]),
        (("CUDNN_BACKEND_OPERATION_CONVOLUTION_BACKWARD_DATA_DESCRIPTOR",), "musa::dnn::Convolution::RunBwdData", "",
         [("torch_musa", _UCONV, "RunBwdData(")]),
        (("CUDNN_BACKEND_OPERATION_CONVOLUTION_BACKWARD_FILTER_DESCRIPTOR",), "musa::dnn::Convolution::RunBwdFilter",
         "", [("torch_musa", _UCONV, "RunBwdFilter(")]),
        (_PWD, "",
         "no pointwise descriptor: the mode is set (SetMode) on a Binary, Unary or Ternary operator",
         [("torch_musa", _UBIN, "using BINARY_MODE = ::musa::dnn::Binary::Mode"),
          ("torch_musa", _UBIN, "using UNARY_MODE = ::musa::dnn::Unary::Mode"),
          ("torch_musa", _UTER, "using TERNARY_MODE = ::musa::dnn::Ternary::Mode")]),
        (("CUDNN_POINTWISE_ADD",), "musa::dnn::Binary::Mode::ADD", "",
         [("torch_musa", _UBIN, "using BINARY_MODE = ::musa::dnn::Binary::Mode"), ("torch_musa", _UBIN, "BINARY_MODE::ADD")]),
        (("CUDNN_POINTWISE_MUL",), "musa::dnn::Binary::Mode::MUL", "",
         [("torch_musa", _UBIN, "using BINARY_MODE = ::musa::dnn::Binary::Mode"), ("torch_musa", _UBIN, "BINARY_MODE::MUL")]),
        (("CUDNN_POINTWISE_RELU_FWD",), "musa::dnn::Unary::Mode::RELU", "",
         [("torch_musa", _UACT, "using UNARY_MODE = ::musa::dnn::Unary::Mode"), ("torch_musa", _UACT, "UNARY_MODE::RELU")]),
        (("CUDNN_POINTWISE_RELU_BWD",), "musa::dnn::Binary::Mode::THRESHOLD_BW",
         "relu's gradient is threshold_backward at 0, which torch_musa runs as this Binary mode",
         [("torch_musa", _UBIN, "::musa::dnn::Binary::Mode::THRESHOLD_BW")]),
        (("CUDNN_POINTWISE_CMP_LT",), "musa::dnn::Binary::Mode::LT", "",
         [("torch_musa", _UBIN, "using BINARY_MODE = ::musa::dnn::Binary::Mode"), ("torch_musa", _UBIN, "BINARY_MODE::LT")]),
        (("CUDNN_POINTWISE_CMP_GT",), "musa::dnn::Binary::Mode::GT", "",
         [("torch_musa", _UBIN, "using BINARY_MODE = ::musa::dnn::Binary::Mode"), ("torch_musa", _UBIN, "BINARY_MODE::GT")]),
        (("CUDNN_POINTWISE_LOGICAL_OR",), "musa::dnn::Binary::Mode::LOGICAL_OR", "",
         [("torch_musa", _UBIN, "using BINARY_MODE = ::musa::dnn::Binary::Mode"),
          ("torch_musa", _UBIN, "BINARY_MODE::LOGICAL_OR")]),
        (("CUDNN_POINTWISE_BINARY_SELECT",), "musa::dnn::Ternary::Mode::SELECT", "torch_musa's where",
         [("torch_musa", _UTER, "using TERNARY_MODE = ::musa::dnn::Ternary::Mode"),
          ("torch_musa", _UTER, "TERNARY_MODE::SELECT")]),
        (_RED + ("CUDNN_REDUCE_TENSOR_ADD",), "musa::dnn::Reduce", "SetMode(Reduce::Mode::ADD)", [("torch_musa", _URED, "::musa::dnn::Reduce::Mode::ADD")]),
        (_NORMF, "musa::dnn::BatchNorm",
         "SetTraining; training runs RunComposite (running statistics updated), inference RunPure; SetMode PER_CHANNEL; the "
         "cross-device statistics of a group batch norm are separate calls",
         [("torch_musa", _UBN, "::musa::dnn::BatchNorm bn;"), ("torch_musa", _UBN, "bn.SetTraining("),
          ("torch_musa", _UBN, "bn.RunComposite(")]),
        (("CUDNN_BACKEND_OPERATION_NORM_BACKWARD_DESCRIPTOR",), "musa::dnn::BatchNorm::RunBwd", "",
         [("torch_musa", _UBN, "bn.RunBwd(")]),
        (_ERR, "",
         "no exception: check each musa::dnn::Status against Status::SUCCESS (torch_musa: CHECK_MUDNN_STATUS)",
         [("torch_musa", _UUTILH, "rst == ::musa::dnn::Status::SUCCESS")]),
        (("CUDNN_DATA_BOOLEAN",), "musa::dnn::Tensor::Type::BOOL", "set with Tensor::SetType",
         [("torch_musa", _UUTIL, "muTensor::Type::BOOL")]),
        (_DESC, "",
         "no generic descriptor: each role is its own muDNN C++ class (musa::dnn::Tensor, Convolution, Binary, ...)",
         [("torch_musa", _UUTILH, "using muTensor = ::musa::dnn::Tensor"), ("torch_musa", _UCONV, "::musa::dnn::Convolution c;")]),
        (_HDR, "mudnn.h", "muDNN's C++ API header, which torch_musa includes",
         [("torch_musa", _UCONV, "#include <mudnn.h>")]),
    ],
}

# ---------------------------------------------------------------------------------- the legacy cuDNN API (v7/v8)
# The same vendor constructs for cuDNN's descriptor API where no other table decides (MUSA: musify's map does).
_OPP = "op_plugin/ops/opapi/"
_MSOFT = "torch_mlu/csrc/aten/operators/cnnl/internal/softmax_internal.cpp"
_MPOOL = "torch_mlu/csrc/aten/operators/cnnl/internal/pooling_internal.cpp"
_MODESC = "torch_mlu/csrc/aten/cnnl/cnnlOpDescriptors.cpp"
_MREDOPS = "torch_mlu/csrc/aten/operators/cnnl/reduceOps.cpp"
_FWD_ALGO = ("cudnnGetConvolutionForwardAlgorithm_v7", "cudnnFindConvolutionForwardAlgorithm",
             "cudnnFindConvolutionForwardAlgorithmEx", "cudnnGetConvolutionForwardAlgorithmMaxCount")
_BWD_DATA_ALGO = ("cudnnGetConvolutionBackwardDataAlgorithm_v7", "cudnnFindConvolutionBackwardDataAlgorithm",
                  "cudnnFindConvolutionBackwardDataAlgorithmEx", "cudnnGetConvolutionBackwardDataAlgorithmMaxCount")
_BWD_FILTER_ALGO = ("cudnnGetConvolutionBackwardFilterAlgorithm_v7", "cudnnFindConvolutionBackwardFilterAlgorithm",
                    "cudnnFindConvolutionBackwardFilterAlgorithmEx",
                    "cudnnGetConvolutionBackwardFilterAlgorithmMaxCount")
_ALGO_T = ("cudnnConvolutionFwdAlgo_t", "cudnnConvolutionBwdDataAlgo_t", "cudnnConvolutionBwdFilterAlgo_t",
           "cudnnConvolutionFwdAlgoPerf_t", "cudnnConvolutionBwdDataAlgoPerf_t", "cudnnConvolutionBwdFilterAlgoPerf_t",
           "CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_GEMM", "CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_PRECOMP_GEMM",
           "CUDNN_CONVOLUTION_FWD_ALGO_GEMM", "CUDNN_CONVOLUTION_FWD_ALGO_DIRECT", "CUDNN_CONVOLUTION_FWD_ALGO_FFT",
           "CUDNN_CONVOLUTION_FWD_ALGO_FFT_TILING", "CUDNN_CONVOLUTION_FWD_ALGO_WINOGRAD",
           "CUDNN_CONVOLUTION_FWD_ALGO_WINOGRAD_NONFUSED", "CUDNN_CONVOLUTION_BWD_DATA_ALGO_0",
           "CUDNN_CONVOLUTION_BWD_DATA_ALGO_1", "CUDNN_CONVOLUTION_BWD_FILTER_ALGO_0",
           "CUDNN_CONVOLUTION_BWD_FILTER_ALGO_1")
_WS = ("cudnnGetConvolutionForwardWorkspaceSize", "cudnnGetConvolutionBackwardDataWorkspaceSize",
       "cudnnGetConvolutionBackwardFilterWorkspaceSize")
_CONV_SET = ("cudnnCreateConvolutionDescriptor", "cudnnSetConvolution2dDescriptor", "cudnnSetConvolutionNdDescriptor",
             "cudnnDestroyConvolutionDescriptor", "cudnnSetConvolutionGroupCount")
_FILTER = ("cudnnCreateFilterDescriptor", "cudnnSetFilter4dDescriptor", "cudnnSetFilterNdDescriptor",
           "cudnnDestroyFilterDescriptor")
_ACT_DESC = ("cudnnActivationDescriptor_t", "cudnnCreateActivationDescriptor", "cudnnSetActivationDescriptor",
             "cudnnDestroyActivationDescriptor", "cudnnActivationMode_t")
_POOL_DESC = ("cudnnPoolingDescriptor_t", "cudnnCreatePoolingDescriptor", "cudnnSetPooling2dDescriptor",
              "cudnnSetPoolingNdDescriptor", "cudnnDestroyPoolingDescriptor", "cudnnPoolingMode_t")
_OPT_DESC = ("cudnnOpTensorDescriptor_t", "cudnnCreateOpTensorDescriptor", "cudnnSetOpTensorDescriptor",
             "cudnnDestroyOpTensorDescriptor", "cudnnOpTensorOp_t")
_RED_DESC = ("cudnnReduceTensorDescriptor_t", "cudnnCreateReduceTensorDescriptor", "cudnnSetReduceTensorDescriptor",
             "cudnnDestroyReduceTensorDescriptor", "cudnnReduceTensorOp_t", "cudnnReduceTensorIndices_t")
_DROP_DESC = ("cudnnDropoutDescriptor_t", "cudnnCreateDropoutDescriptor", "cudnnSetDropoutDescriptor",
              "cudnnDestroyDropoutDescriptor", "cudnnDropoutGetStatesSize", "cudnnDropoutGetReserveSpaceSize")
_NOALGO = ("no algorithm choice: phase 1 (aclnnConvolutionGetWorkspaceSize / aclnnConvolutionBackwardGetWorkspaceSize) "
           "picks the kernel; drop the search; aclnnConvolution's only math knob is its cubeMathType argument")

LEGACY = {
    "cann": [
        (("cudnnConvolutionBackwardBias",), "aclnnConvolutionBackward",
         "the bias gradient is the third output of aclnnConvolutionBackward (output mask)",
         [("op-plugin", _CONVBW, "aclnnConvolutionBackward,"), ("op-plugin", _CONVBW, "output_mask")]),
        (("cudnnConvolutionBiasActivationForward",), "aclnnConvolution",
         "aclnnConvolution takes the bias; the activation (aclnnRelu ...) and the z-add (aclnnAdd) are their own calls",
         [("op-plugin", _CONV, "aclnnConvolution,"), ("op-plugin", _OPYAML, "exec: aclnnRelu")]),
        (_CONV_SET, "aclnnConvolution",
         "no convolution descriptor: stride, padding, dilation (aclIntArray) and groups are arguments of "
         "aclnnConvolution", [("op-plugin", _CONV, "aclnnConvolution,"), ("op-plugin", _OPBASE, "_aclCreateIntArray")]),
        (("cudnnSetConvolutionMathType", "cudnnMathType_t", "CUDNN_TENSOR_OP_MATH", "CUDNN_DEFAULT_MATH",
          "CUDNN_TENSOR_OP_MATH_ALLOW_CONVERSION"), "",
         "the precision knob is aclnnConvolution's cubeMathType argument (torch_npu derives it from its allow-HF32 "
         "setting)", [("op-plugin", _CONV, "cube_math_type")]),
        (_FILTER, "aclCreateTensor", "the weights are an aclTensor like any other operand",
         [("op-plugin", _OPBASE, "_aclCreateTensor")]),
        (_FWD_ALGO + _BWD_DATA_ALGO + _BWD_FILTER_ALGO + _ALGO_T, "", _NOALGO,
         [("op-plugin", _OPAPI, "GetWorkspaceSize"), ("op-plugin", _CONV, "cube_math_type")]),
        (_WS, "", "the workspace size comes out of phase 1 of the aclnn call, with the executor",
         [("op-plugin", _OPAPI, "GetWorkspaceSize"), ("op-plugin", _OPAPI, "aclOpExecutor* executor")]),
        (("cudnnBatchNormalizationForwardTraining", "cudnnBatchNormalizationForwardTrainingEx",
          "cudnnBatchNormalizationForwardInference", "CUDNN_BATCHNORM_SPATIAL"), "aclnnBatchNorm",
         "per-channel batch norm; training / inference is a bool argument; the Ex variants' fused add and activation "
         "are their own calls", [("op-plugin", _OPYAML, "exec: aclnnBatchNorm")]),
        (("cudnnBatchNormalizationBackward", "cudnnBatchNormalizationBackwardEx"), "aclnnBatchNormBackward", "",
         [("op-plugin", _OPP + "BatchNormBackwardKernelNpuOpApi.cpp", "aclnnBatchNormBackward")]),
        (("cudnnDeriveBNTensorDescriptor",), "aclCreateTensor",
         "no derived descriptor: scale, bias and the running statistics are plain aclTensors",
         [("op-plugin", _OPBASE, "_aclCreateTensor")]),
        (("cudnnActivationForward",), "",
         "one aclnn operator per mode: aclnnRelu, aclnnSigmoid, aclnnTanh, aclnnElu, aclnnHardtanh (clipped relu)",
         [("op-plugin", _OPYAML, "exec: aclnnRelu"), ("op-plugin", _OPYAML, "exec: aclnnSigmoid"),
          ("op-plugin", _OPP + "TanhKernelNpuOpApi.cpp", "aclnnTanh")]),
        (("cudnnActivationBackward",), "",
         "one aclnn operator per mode: aclnnThresholdBackward (relu), aclnnSigmoidBackward, aclnnTanhBackward",
         [("op-plugin", _OPYAML, "exec: aclnnThresholdBackward"), ("op-plugin", _OPYAML, "exec: aclnnSigmoidBackward"),
          ("op-plugin", _OPYAML, "exec: aclnnTanhBackward")]),
        (_ACT_DESC, "", "no activation descriptor: the mode picks the aclnn operator (aclnnRelu, aclnnSigmoid, ...)",
         [("op-plugin", _OPYAML, "exec: aclnnRelu"), ("op-plugin", _OPYAML, "exec: aclnnSigmoid")]),
        (("CUDNN_ACTIVATION_RELU",), "aclnnRelu", "", [("op-plugin", _OPYAML, "exec: aclnnRelu")]),
        (("CUDNN_ACTIVATION_SIGMOID",), "aclnnSigmoid", "", [("op-plugin", _OPYAML, "exec: aclnnSigmoid")]),
        (("CUDNN_ACTIVATION_TANH",), "aclnnTanh", "", [("op-plugin", _OPP + "TanhKernelNpuOpApi.cpp", "aclnnTanh")]),
        (("CUDNN_ACTIVATION_ELU",), "aclnnElu", "alpha is an argument", [("op-plugin", _OPYAML, "exec: aclnnElu")]),
        (("CUDNN_ACTIVATION_CLIPPED_RELU",), "aclnnHardtanh", "clipped relu is hardtanh with min 0 and max = coef",
         [("op-plugin", _OPYAML, "exec: aclnnHardtanh")]),
        (("cudnnSoftmaxForward", "cudnnSoftmaxMode_t", "CUDNN_SOFTMAX_MODE_CHANNEL", "CUDNN_SOFTMAX_MODE_INSTANCE",
          "cudnnSoftmaxAlgorithm_t", "CUDNN_SOFTMAX_ACCURATE"), "aclnnSoftmax",
         "the dimension is an argument (no CHANNEL / INSTANCE mode) and there is no algorithm argument; "
         "CUDNN_SOFTMAX_LOG is aclnnLogSoftmax",
         [("op-plugin", _OPYAML, "exec: aclnnSoftmax"), ("op-plugin", _OPYAML, "exec: aclnnLogSoftmax")]),
        (("cudnnSoftmaxBackward",), "aclnnSoftmaxBackward", "the log variant is aclnnLogSoftmaxBackward",
         [("op-plugin", _OPYAML, "exec: aclnnSoftmaxBackward"), ("op-plugin", _OPYAML, "exec: aclnnLogSoftmaxBackward")]),
        (("CUDNN_SOFTMAX_LOG",), "aclnnLogSoftmax", "", [("op-plugin", _OPYAML, "exec: aclnnLogSoftmax")]),
        (("cudnnPoolingForward",), "",
         "aclnnMaxPool2dWithIndices (max) or aclnnAvgPool2d (average, countIncludePad argument)",
         [("op-plugin", _OPP + "MaxPool2dWithIndicesKernelNpuOpApi.cpp", "aclnnMaxPool2dWithIndices"),
          ("op-plugin", _OPP + "AvgPool2dKernelNpuOpApi.cpp", "aclnnAvgPool2d")]),
        (("cudnnPoolingBackward",), "", "aclnnMaxPool2dWithIndicesBackward (max) or aclnnAvgPool2dBackward (average)",
         [("op-plugin", _OPP + "MaxPool2dWithIndicesBackwardKernelNpuOpApi.cpp", "aclnnMaxPool2dWithIndicesBackward"),
          ("op-plugin", _OPP + "AvgPool2dBackwardKernelNpuOpApi.cpp", "aclnnAvgPool2dBackward")]),
        (_POOL_DESC, "", "no pooling descriptor: kernel size, stride and padding are aclIntArray arguments of the "
         "pooling operator (aclnnMaxPool2dWithIndices, aclnnAvgPool2d)",
         [("op-plugin", _OPP + "MaxPool2dWithIndicesKernelNpuOpApi.cpp", "aclnnMaxPool2dWithIndices"),
          ("op-plugin", _OPBASE, "_aclCreateIntArray")]),
        (("CUDNN_POOLING_MAX", "CUDNN_POOLING_MAX_DETERMINISTIC"), "aclnnMaxPool2dWithIndices", "",
         [("op-plugin", _OPP + "MaxPool2dWithIndicesKernelNpuOpApi.cpp", "aclnnMaxPool2dWithIndices")]),
        (("CUDNN_POOLING_AVERAGE_COUNT_INCLUDE_PADDING", "CUDNN_POOLING_AVERAGE_COUNT_EXCLUDE_PADDING"),
         "aclnnAvgPool2d", "padding counted or not: aclnnAvgPool2d's countIncludePad argument",
         [("op-plugin", _OPP + "AvgPool2dKernelNpuOpApi.cpp", "aclnnAvgPool2d")]),
        (("cudnnOpTensor",), "",
         "one aclnn operator per op: aclnnAdd, aclnnMul, aclnnMaximum, aclnnMinimum, aclnnSqrt, aclnnLogicalNot; "
         "alpha / beta scaling with aclnnMuls",
         [("op-plugin", _OPP + "AddKernelNpuOpApi.cpp", "aclnnAdd"), ("op-plugin", _OPP + "MulKernelNpuOpApi.cpp",
                                                                      "aclnnMuls")]),
        (_OPT_DESC, "", "no op-tensor descriptor: the op picks the aclnn operator (aclnnAdd, aclnnMul, ...)",
         [("op-plugin", _OPP + "AddKernelNpuOpApi.cpp", "aclnnAdd")]),
        (("CUDNN_OP_TENSOR_ADD", "cudnnAddTensor"), "aclnnAdd",
         "aclnnAdd's alpha scales the second operand; a beta on the output needs aclnnMuls",
         [("op-plugin", _OPP + "AddKernelNpuOpApi.cpp", "aclnnAdd")]),
        (("CUDNN_OP_TENSOR_MUL",), "aclnnMul", "", [("op-plugin", _OPP + "MulKernelNpuOpApi.cpp", "aclnnMul")]),
        (("CUDNN_OP_TENSOR_MAX",), "aclnnMaximum", "", [("op-plugin", _OPP + "MaxKernelNpuOpApi.cpp", "aclnnMaximum")]),
        (("CUDNN_OP_TENSOR_MIN",), "aclnnMinimum", "", [("op-plugin", _OPP + "MinKernelNpuOpApi.cpp", "aclnnMinimum")]),
        (("CUDNN_OP_TENSOR_SQRT",), "aclnnSqrt", "", [("op-plugin", _OPYAML, "exec: aclnnSqrt")]),
        (("CUDNN_OP_TENSOR_NOT",), "aclnnLogicalNot", "", [("op-plugin", _OPYAML, "exec: aclnnLogicalNot")]),
        (("cudnnScaleTensor",), "aclnnInplaceMuls", "", [("op-plugin", _OPP + "MulKernelNpuOpApi.cpp",
                                                          "aclnnInplaceMuls")]),
        (("cudnnSetTensor",), "aclnnInplaceFillScalar", "", [("op-plugin", _OPP + "FillKernelNpuOpApi.cpp",
                                                              "aclnnInplaceFillScalar")]),
        (("cudnnReduceTensor",), "",
         "one aclnn operator per reduction: aclnnReduceSum, aclnnAmax, aclnnAmin, aclnnProd, aclnnMean, aclnnNorm",
         [("op-plugin", _OPP + "SumKernelNpuOpApi.cpp", "aclnnReduceSum"), ("op-plugin", _OPYAML, "exec: aclnnAmax"),
          ("op-plugin", _OPP + "MeanKernelNpuOpApi.cpp", "aclnnMean")]),
        (_RED_DESC, "", "no reduce descriptor: the reduction picks the aclnn operator; dims are an aclIntArray argument",
         [("op-plugin", _OPP + "SumKernelNpuOpApi.cpp", "aclnnReduceSum"), ("op-plugin", _OPBASE, "_aclCreateIntArray")]),
        (("cudnnGetReductionWorkspaceSize",), "", "the workspace size comes out of phase 1 of the aclnn call",
         [("op-plugin", _OPAPI, "GetWorkspaceSize")]),
        (("CUDNN_REDUCE_TENSOR_MAX",), "aclnnAmax", "", [("op-plugin", _OPYAML, "exec: aclnnAmax")]),
        (("CUDNN_REDUCE_TENSOR_MIN",), "aclnnAmin", "", [("op-plugin", _OPYAML, "exec: aclnnAmin")]),
        (("CUDNN_REDUCE_TENSOR_MUL",), "aclnnProd", "", [("op-plugin", _OPP + "ProdKernelNpuOpApi.cpp", "aclnnProd")]),
        (("CUDNN_REDUCE_TENSOR_AVG",), "aclnnMean", "", [("op-plugin", _OPP + "MeanKernelNpuOpApi.cpp", "aclnnMean")]),
        (("CUDNN_REDUCE_TENSOR_NORM1", "CUDNN_REDUCE_TENSOR_NORM2"), "aclnnNorm", "p is an argument",
         [("op-plugin", _OPP + "NormKernelNpuOpApi.cpp", "aclnnNorm")]),
        (("cudnnDropoutForward",), "",
         "aclnnDropoutGenMask (mask from probability, seed and offset) then aclnnDropoutDoMask (apply and scale)",
         [("op-plugin", _OPP + "DropoutGenMaskKernelNpuOpApi.cpp", "aclnnDropoutGenMask"),
          ("op-plugin", _OPP + "NativeDropoutKernelNpuOpApi.cpp", "aclnnDropoutDoMask")]),
        (("cudnnDropoutBackward",), "aclnnDropoutDoMask", "apply the saved mask to the gradient",
         [("op-plugin", _OPP + "NativeDropoutKernelNpuOpApi.cpp", "aclnnDropoutDoMask")]),
        (_DROP_DESC, "", "no dropout descriptor, RNG state or reserve space: probability, seed and offset are arguments of "
         "aclnnDropoutGenMask, whose mask tensor replaces the reserve space",
         [("op-plugin", _OPP + "DropoutGenMaskKernelNpuOpApi.cpp", "aclnnDropoutGenMask")]),
    ],
    "neuware": [
        (("cudnnConvolutionForward",), "cnnlConvolutionForward", "takes the bias too",
         [("torch_mlu", _MCONV, "cnnlConvolutionForward(")]),
        (("cudnnConvolutionBackwardData",), "cnnlConvolutionBackwardData", "",
         [("torch_mlu", _MCONVBD, "cnnlConvolutionBackwardData(")]),
        (("cudnnConvolutionBackwardFilter",), "cnnlConvolutionBackwardFilter", "",
         [("torch_mlu", _MCONVBF, "cnnlConvolutionBackwardFilter(")]),
        (("cudnnConvolutionBackwardBias",), "cnnlBiasAddBackward_v2", "",
         [("torch_mlu", "torch_mlu/csrc/aten/operators/cnnl/internal/convolution_bias_backward_internal.cpp",
           "cnnlBiasAddBackward_v2(")]),
        (("cudnnConvolutionBiasActivationForward",), "cnnlConvolutionForward",
         "cnnlConvolutionForward takes the bias; the activation (cnnlActivationForward) and the z-add (cnnlOpTensor) "
         "are their own calls", [("torch_mlu", _MCONV, "cnnlConvolutionForward("), ("torch_mlu", _MCONV, "bias_desc")]),
        (("cudnnCreateConvolutionDescriptor",), "cnnlCreateConvolutionDescriptor", "",
         [("torch_mlu", _MDESC, "cnnlCreateConvolutionDescriptor")]),
        (("cudnnDestroyConvolutionDescriptor",), "cnnlDestroyConvolutionDescriptor", "",
         [("torch_mlu", _MDESC, "cnnlDestroyConvolutionDescriptor")]),
        (("cudnnSetConvolution2dDescriptor", "cudnnSetConvolutionNdDescriptor", "cudnnSetConvolutionGroupCount"),
         "cnnlSetConvolutionDescriptor",
         "one call for dims, padding, stride, dilation, groups and compute type (no mode argument)",
         [("torch_mlu", _MDESC, "cnnlSetConvolutionDescriptor(")]),
        (("cudnnSetConvolutionMathType",), "cnnlSetConvolutionDescriptorAllowTF32",
         "TF32 on or off is the math knob torch_mlu sets on a convolution descriptor",
         [("torch_mlu", _MDESC, "cnnlSetConvolutionDescriptorAllowTF32")]),
        (("cudnnFilterDescriptor_t",), "cnnlTensorDescriptor_t", "weights are a tensor descriptor with a layout",
         [("torch_mlu", "torch_mlu/csrc/aten/cnnl/cnnlHeuristicResult.cpp", "cnnlTensorDescriptor_t")]),
        (("cudnnCreateFilterDescriptor",), "cnnlCreateTensorDescriptor", "", [("torch_mlu", _MTDESC,
                                                                               "cnnlCreateTensorDescriptor")]),
        (("cudnnSetFilter4dDescriptor", "cudnnSetFilterNdDescriptor"), "cnnlSetTensorDescriptor_v2",
         "weights are a tensor descriptor with a layout (torch_mlu uses CNNL_LAYOUT_HWCN for depthwise weights)",
         [("torch_mlu", "torch_mlu/csrc/aten/cnnl/cnnlTensorDescriptors.cpp", "cnnlSetTensorDescriptor_v2"),
          ("torch_mlu", _MCONV, "CNNL_LAYOUT_HWCN")]),
        (("cudnnDestroyFilterDescriptor",), "cnnlDestroyTensorDescriptor", "",
         [("torch_mlu", "torch_mlu/csrc/aten/cnnl/cnnlTensorDesc.h", "cnnlDestroyTensorDescriptor")]),
        (_FWD_ALGO, "cnnlGetConvolutionForwardAlgorithm",
         "CNNL returns one algorithm for a preference (CNNL_CONVOLUTION_FWD_FASTEST); no timed search or perf list",
         [("torch_mlu", _MCONV, "cnnlGetConvolutionForwardAlgorithm("), ("torch_mlu", _MCONV,
                                                                         "CNNL_CONVOLUTION_FWD_FASTEST")]),
        (_BWD_DATA_ALGO, "cnnlGetConvolutionBackwardDataAlgorithm",
         "CNNL returns one algorithm for a preference (CNNL_CONVOLUTION_BWD_DATA_FASTEST); no timed search",
         [("torch_mlu", _MCONVBD, "cnnlGetConvolutionBackwardDataAlgorithm")]),
        (_BWD_FILTER_ALGO, "cnnlGetConvolutionBackwardFilterAlgorithm",
         "CNNL returns one algorithm for a preference (CNNL_CONVOLUTION_BWD_FILTER_FASTEST); no timed search",
         [("torch_mlu", _MCONVBF, "cnnlGetConvolutionBackwardFilterAlgorithm")]),
        (("cudnnConvolutionFwdAlgo_t",), "cnnlConvolutionForwardAlgo_t", "",
         [("torch_mlu", _MCONV, "cnnlConvolutionForwardAlgo_t")]),
        (("cudnnConvolutionBwdDataAlgo_t",), "cnnlConvolutionBwdDataAlgo_t", "",
         [("torch_mlu", _MCONVBD, "cnnlConvolutionBwdDataAlgo_t")]),
        (("cudnnConvolutionBwdFilterAlgo_t",), "cnnlConvolutionBwdFilterAlgo_t", "",
         [("torch_mlu", _MCONVBF, "cnnlConvolutionBwdFilterAlgo_t")]),
        (("cudnnConvolutionFwdPreference_t",), "cnnlConvolutionFwdPreference_t", "",
         [("torch_mlu", _MCONV, "cnnlConvolutionFwdPreference_t")]),
        (("cudnnConvolutionBwdDataPreference_t",), "cnnlConvolutionBwdDataPreference_t", "",
         [("torch_mlu", _MCONVBD, "cnnlConvolutionBwdDataPreference_t")]),
        (("cudnnConvolutionBwdFilterPreference_t",), "cnnlConvolutionBwdFilterPreference_t", "",
         [("torch_mlu", _MCONVBF, "cnnlConvolutionBwdFilterPreference_t")]),
        (("CUDNN_CONVOLUTION_FWD_PREFER_FASTEST",), "CNNL_CONVOLUTION_FWD_FASTEST", "",
         [("torch_mlu", _MCONV, "CNNL_CONVOLUTION_FWD_FASTEST")]),
        (("CUDNN_CONVOLUTION_BWD_DATA_PREFER_FASTEST",), "CNNL_CONVOLUTION_BWD_DATA_FASTEST", "",
         [("torch_mlu", _MCONVBD, "CNNL_CONVOLUTION_BWD_DATA_FASTEST")]),
        (("CUDNN_CONVOLUTION_BWD_FILTER_PREFER_FASTEST",), "CNNL_CONVOLUTION_BWD_FILTER_FASTEST", "",
         [("torch_mlu", _MCONVBF, "CNNL_CONVOLUTION_BWD_FILTER_FASTEST")]),
        (("cudnnGetConvolutionForwardWorkspaceSize",), "cnnlGetConvolutionForwardWorkspaceSize", "",
         [("torch_mlu", _MCONV, "cnnlGetConvolutionForwardWorkspaceSize(")]),
        (("cudnnGetConvolutionBackwardDataWorkspaceSize",), "cnnlGetConvolutionBackwardDataWorkspaceSize", "",
         [("torch_mlu", _MCONVBD, "cnnlGetConvolutionBackwardDataWorkspaceSize")]),
        (("cudnnGetConvolutionBackwardFilterWorkspaceSize",), "cnnlGetConvolutionBackwardFilterWorkspaceSize", "",
         [("torch_mlu", _MCONVBF, "cnnlGetConvolutionBackwardFilterWorkspaceSize")]),
        (("cudnnBatchNormalizationForwardTraining", "cudnnBatchNormalizationForwardTrainingEx"),
         "cnnlBatchNormForwardTraining_v2", "the Ex variant's fused add and activation are their own calls",
         [("torch_mlu", _MBN, "cnnlBatchNormForwardTraining_v2(")]),
        (("cudnnBatchNormalizationForwardInference",), "cnnlBatchNormForwardInference", "",
         [("torch_mlu", _MBN, "cnnlBatchNormForwardInference")]),
        (("cudnnBatchNormalizationBackward", "cudnnBatchNormalizationBackwardEx"), "cnnlBatchNormBackward_v2", "",
         [("torch_mlu", _MBNB, "cnnlBatchNormBackward_v2(")]),
        (("cudnnGetBatchNormalizationForwardTrainingExWorkspaceSize",), "cnnlGetBatchNormForwardWorkspaceSize", "",
         [("torch_mlu", _MBN, "cnnlGetBatchNormForwardWorkspaceSize")]),
        (("cudnnGetBatchNormalizationBackwardExWorkspaceSize",), "cnnlGetBatchNormBackwardWorkspaceSize", "",
         [("torch_mlu", _MBNB, "cnnlGetBatchNormBackwardWorkspaceSize")]),
        (("CUDNN_BATCHNORM_SPATIAL",), "CNNL_BATCHNORM_SPATIAL", "", [("torch_mlu", _MBNB, "CNNL_BATCHNORM_SPATIAL")]),
        (("CUDNN_BATCHNORM_OPS_BN",), "CNNL_BATCHNORM_OPS_BN", "", [("torch_mlu", _MBNB, "CNNL_BATCHNORM_OPS_BN")]),
        (("cudnnActivationForward",), "cnnlActivationForward", "", [("torch_mlu", _MACT, "cnnlActivationForward(")]),
        (("cudnnActivationBackward",), "cnnlActivationBackward", "", [("torch_mlu", _MACT, "cnnlActivationBackward(")]),
        (("cudnnActivationDescriptor_t",), "cnnlActivationDescriptor_t", "",
         [("torch_mlu", _MBNB, "cnnlActivationDescriptor_t")]),
        (("cudnnCreateActivationDescriptor",), "cnnlCreateActivationDescriptor", "",
         [("torch_mlu", _MDESC, "cnnlCreateActivationDescriptor")]),
        (("cudnnDestroyActivationDescriptor",), "cnnlDestroyActivationDescriptor", "",
         [("torch_mlu", _MDESC, "cnnlDestroyActivationDescriptor")]),
        (("cudnnSetActivationDescriptor",), "cnnlSetActivationDescriptor_v6",
         "more arguments: computation preference, NaN propagation, coefficients (torch_mlu also uses _v5)",
         [("torch_mlu", _MODESC, "cnnlSetActivationDescriptor_v6(")]),
        (("CUDNN_ACTIVATION_SIGMOID",), "CNNL_ACTIVATION_SIGMOID", "",
         [("torch_mlu", "torch_mlu/csrc/aten/operators/cnnl/activation.cpp", "CNNL_ACTIVATION_SIGMOID")]),
        (("CUDNN_ACTIVATION_TANH",), "CNNL_ACTIVATION_TANH", "",
         [("torch_mlu", "torch_mlu/csrc/aten/operators/cnnl/activation.cpp", "CNNL_ACTIVATION_TANH")]),
        (("CUDNN_ACTIVATION_IDENTITY",), "CNNL_ACTIVATION_IDENTITY", "",
         [("torch_mlu", _MBN, "CNNL_ACTIVATION_IDENTITY")]),
        (("CUDNN_ACTIVATION_SWISH",), "CNNL_ACTIVATION_SILU", "silu is swish with beta 1; other betas are not covered",
         [("torch_mlu", "torch_mlu/csrc/aten/operators/cnnl/activation.cpp", "CNNL_ACTIVATION_SILU")]),
        (("CUDNN_PROPAGATE_NAN",), "CNNL_PROPAGATE_NAN", "", [("torch_mlu", _MODESC, "CNNL_PROPAGATE_NAN")]),
        (("CUDNN_NOT_PROPAGATE_NAN",), "CNNL_NOT_PROPAGATE_NAN", "", [("torch_mlu", _MODESC, "CNNL_NOT_PROPAGATE_NAN")]),
        (("cudnnSoftmaxForward",), "cnnlSoftmaxForward", "", [("torch_mlu", _MSOFT, "cnnlSoftmaxForward")]),
        (("cudnnSoftmaxBackward",), "cnnlSoftmaxBackward", "", [("torch_mlu", _MSOFT, "cnnlSoftmaxBackward")]),
        (("CUDNN_SOFTMAX_ACCURATE",), "CNNL_SOFTMAX_ACCURATE", "",
         [("torch_mlu", "torch_mlu/csrc/aten/operators/cnnl/softmax.cpp", "CNNL_SOFTMAX_ACCURATE")]),
        (("CUDNN_SOFTMAX_LOG",), "CNNL_SOFTMAX_LOG", "",
         [("torch_mlu", "torch_mlu/csrc/aten/operators/cnnl/softmax.cpp", "CNNL_SOFTMAX_LOG")]),
        (("cudnnPoolingForward",), "cnnlPoolingForward", "", [("torch_mlu", _MPOOL, "cnnlPoolingForward(")]),
        (("cudnnPoolingBackward",), "cnnlPoolingBackward", "", [("torch_mlu", _MPOOL, "cnnlPoolingBackward(")]),
        (("cudnnCreatePoolingDescriptor",), "cnnlCreatePoolingDescriptor", "",
         [("torch_mlu", _MDESC, "cnnlCreatePoolingDescriptor")]),
        (("cudnnDestroyPoolingDescriptor",), "cnnlDestroyPoolingDescriptor", "",
         [("torch_mlu", _MDESC, "cnnlDestroyPoolingDescriptor")]),
        (("cudnnSetPooling2dDescriptor",), "cnnlSetPooling2dDescriptor_v2", "",
         [("torch_mlu", _MODESC, "cnnlSetPooling2dDescriptor_v2")]),
        (("cudnnSetPoolingNdDescriptor",), "cnnlSetPoolingNdDescriptor_v2", "",
         [("torch_mlu", _MODESC, "cnnlSetPoolingNdDescriptor_v2")]),
        (("CUDNN_POOLING_MAX",), "CNNL_POOLING_MAX", "",
         [("torch_mlu", "torch_mlu/csrc/aten/operators/cnnl/internal/adaptive_pooling_internal.cpp",
           "CNNL_POOLING_MAX")]),
        (("CUDNN_POOLING_AVERAGE_COUNT_INCLUDE_PADDING",), "CNNL_POOLING_AVERAGE_COUNT_INCLUDE_PADDING", "",
         [("torch_mlu", "torch_mlu/csrc/aten/operators/cnnl/internal/adaptive_pooling_internal.cpp",
           "CNNL_POOLING_AVERAGE_COUNT_INCLUDE_PADDING")]),
        (("CUDNN_POOLING_AVERAGE_COUNT_EXCLUDE_PADDING",), "CNNL_POOLING_AVERAGE_COUNT_EXCLUDE_PADDING", "",
         [("torch_mlu", _MPOOL, "CNNL_POOLING_AVERAGE_COUNT_EXCLUDE_PADDING")]),
        (("cudnnOpTensor",), "cnnlOpTensor", "", [("torch_mlu", _MOPT, "cnnlOpTensor(")]),
        (("cudnnAddTensor",), "cnnlOpTensor", "C = alpha*A + beta*C as cnnlOpTensor with CNNL_OP_TENSOR_ADD",
         [("torch_mlu", _MOPT, "cnnlOpTensor("), ("torch_mlu", "torch_mlu/csrc/aten/operators/cnnl/add.cpp",
                                                   "CNNL_OP_TENSOR_ADD")]),
        (("cudnnCreateOpTensorDescriptor",), "cnnlCreateOpTensorDescriptor", "",
         [("torch_mlu", _MDESC, "cnnlCreateOpTensorDescriptor")]),
        (("cudnnSetOpTensorDescriptor",), "cnnlSetOpTensorDescriptor", "",
         [("torch_mlu", _MODESC, "cnnlSetOpTensorDescriptor")]),
        (("cudnnDestroyOpTensorDescriptor",), "cnnlDestroyOpTensorDescriptor", "",
         [("torch_mlu", _MDESC, "cnnlDestroyOpTensorDescriptor")]),
        (("CUDNN_OP_TENSOR_ADD",), "CNNL_OP_TENSOR_ADD", "",
         [("torch_mlu", "torch_mlu/csrc/aten/operators/cnnl/add.cpp", "CNNL_OP_TENSOR_ADD")]),
        (("CUDNN_OP_TENSOR_MUL",), "CNNL_OP_TENSOR_MUL", "",
         [("torch_mlu", "torch_mlu/csrc/aten/operators/cnnl/mul.cpp", "CNNL_OP_TENSOR_MUL")]),
        (("cudnnReduceTensor",), "cnnlReduce", "", [("torch_mlu", _MRED, "cnnlReduce(")]),
        (("cudnnCreateReduceTensorDescriptor",), "cnnlCreateReduceDescriptor", "",
         [("torch_mlu", _MDESC, "cnnlCreateReduceDescriptor")]),
        (("cudnnSetReduceTensorDescriptor",), "cnnlSetReduceDescriptor_v2", "",
         [("torch_mlu", _MODESC, "cnnlSetReduceDescriptor_v2")]),
        (("cudnnDestroyReduceTensorDescriptor",), "cnnlDestroyReduceDescriptor", "",
         [("torch_mlu", _MDESC, "cnnlDestroyReduceDescriptor")]),
        (("cudnnGetReductionWorkspaceSize",), "cnnlGetReduceOpWorkspaceSize", "",
         [("torch_mlu", _MRED, "cnnlGetReduceOpWorkspaceSize")]),
        (("CUDNN_REDUCE_TENSOR_MAX",), "CNNL_REDUCE_MAX", "", [("torch_mlu", _MREDOPS, "CNNL_REDUCE_MAX")]),
        (("CUDNN_REDUCE_TENSOR_MIN",), "CNNL_REDUCE_MIN", "", [("torch_mlu", _MREDOPS, "CNNL_REDUCE_MIN")]),
        (("CUDNN_REDUCE_TENSOR_MUL",), "CNNL_REDUCE_MUL", "", [("torch_mlu", _MREDOPS, "CNNL_REDUCE_MUL")]),
        (("CUDNN_REDUCE_TENSOR_AVG",), "CNNL_REDUCE_AVG", "", [("torch_mlu", _MREDOPS, "CNNL_REDUCE_AVG")]),
        (("CUDNN_REDUCE_TENSOR_NORM1",), "CNNL_REDUCE_NORM1", "", [("torch_mlu", _MREDOPS, "CNNL_REDUCE_NORM1")]),
        (("CUDNN_REDUCE_TENSOR_NORM2",), "CNNL_REDUCE_NORM2", "", [("torch_mlu", _MREDOPS, "CNNL_REDUCE_NORM2")]),
        (("CUDNN_REDUCE_TENSOR_NO_INDICES",), "CNNL_REDUCE_NO_INDICES", "",
         [("torch_mlu", _MREDOPS, "CNNL_REDUCE_NO_INDICES")]),
        (("CUDNN_REDUCE_TENSOR_FLATTENED_INDICES",), "CNNL_REDUCE_FLATTENED_INDICES", "",
         [("torch_mlu", _MREDOPS, "CNNL_REDUCE_FLATTENED_INDICES")]),
        (("cudnnSetTensor",), "cnnlFill_v3", "",
         [("torch_mlu", "torch_mlu/csrc/aten/operators/cnnl/internal/fill_internal.cpp", "cnnlFill_v3(")]),
        (("cudnnScaleTensor",), "cnnlTransform_v2",
         "cnnlTransform_v2 computes y = alpha*x + beta with scalar beta: scaling is alpha with beta 0 (y may be x)",
         [("torch_mlu", "torch_mlu/csrc/aten/operators/cnnl/internal/transform_internal.cpp", "cnnlTransform_v2(")]),
        (("cudnnDropoutForward",), "cnnlFusedDropout_v3",
         "mask and scale in one call; the random state comes from torch_mlu's generator, not a states buffer",
         [("torch_mlu", "torch_mlu/csrc/aten/operators/cnnl/internal/fused_dropout_internal.cpp",
           "cnnlFusedDropout_v3(")]),
    ],
}
for _b, _rows in LEGACY.items():
    ROWS[_b] += _rows


# ------------------------------------------------------------------------------------------------- the fact copy
def _uses() -> list[tuple[str, str, str]]:
    """Every (repo key, file, literal) the rows cite, sorted and unique."""
    return sorted({ev for rows in ROWS.values() for _n, _t, _note, evs in rows for ev in evs})


def _first_line(source: str, text: str) -> int:
    """1-based number of the first line holding `text` in code (not in a comment) and not glued to a longer
    identifier (`aclnnAdd` is not found in `aclnnAdds`), else 0."""
    pat = re.compile((r"(?<![\w])" if text[0].isalnum() or text[0] == "_" else "") + re.escape(text) +
                     (r"(?![\w])" if text[-1].isalnum() or text[-1] == "_" else ""))
    for n, l in enumerate(source.splitlines(), 1):
        code = l.split("//", 1)[0] if not text.startswith("#include") else l
        if pat.search(re.sub(r"/\*.*?\*/", "", code)) and not re.match(r"\s*(/\*|\*(\s|/|$))", code):
            return n
    return 0


def extract(mirrors: Path) -> str:
    """The fact copy: for each cited literal, the first line of the file at the pinned commit that contains it."""
    lines = ["# Vendor uses behind mappings/*/cudnn_frontend.yaml (tools/dnn_frontend_names.py): the line of a vendor",
             "# file at a pinned commit where a literal first occurs. Names and line numbers only, no code.",
             "# Sources (licences): " + "; ".join(f"{r}@{c[:8]} ({lic})" for r, c, lic in REPOS.values()) + ".",
             "# Regenerate: python tools/dnn_frontend_names.py --extract /work/.mirror",
             "# format: repo<TAB>file<TAB>line<TAB>literal"]
    for key, path, text in _uses():
        repo, commit, _lic = REPOS[key]
        git_dir = mirrors / repo.replace("/", "+") / "repo"
        r = subprocess.run(["git", "--git-dir", str(git_dir), "show", f"{commit}:{path}"],
                           capture_output=True, text=True, check=False)
        line = _first_line(r.stdout, text) if r.returncode == 0 else 0
        if not line:
            raise SystemExit(f"{repo}@{commit[:8]} {path} does not contain {text!r} as whole words")
        lines.append(f"{key}\t{path}\t{line}\t{text}")
    return "\n".join(lines) + "\n"


def read_facts(path: Path = FACTS) -> dict[tuple[str, str, str], int]:
    out = {}
    for l in path.read_text(encoding="utf-8").splitlines():
        if l.startswith("#") or not l.strip():
            continue
        key, file, line, text = l.split("\t", 3)
        out[(key, file, text)] = int(line)
    return out


# ------------------------------------------------------------------------------------------------------- tables
def _family(tables, sym: str) -> str:
    entry = tables.catalog.get(sym)
    if entry is not None:
        return entry.family
    from portcheck.scanners.cuda_names import namespace_family
    return namespace_family(sym)



def _ref(evs, facts) -> str:
    parts = []
    for key, path, text in evs:
        if (key, path, text) not in facts:
            raise SystemExit(f"{key} {path}: {text!r} is not in {FACTS.name} (run --extract)")
        repo, commit, _lic = REPOS[key]
        parts.append(f"{repo}@{commit[:8]} {path}:{facts[(key, path, text)]} ({text.rstrip(',(').strip()})")
    return "; ".join(parts)


def build(tables, backend: str, facts: dict | None = None) -> str:
    facts = read_facts() if facts is None else facts
    b = tables.backend(backend)
    lines = ["# Generated by tools/dnn_frontend_names.py: cudnn_frontend / cuDNN backend-API constructs -> the vendor",
             "# construct doing the same work, cited where the vendor's own code uses it (tests/data/vendor_facts/",
             "# dnn_frontend_uses.txt). The cudnn family's status; evidence verified by the cited vendor files.",
             "evidence: verified", "entries:"]
    rows = {}
    for names, target, note, evs in ROWS[backend]:
        ref = _ref(evs, facts)
        if any(c.isspace() for c in target) or not (target or note):
            raise SystemExit(f"{backend} {names[0]}: the target is one name (a description goes in the note)")
        for sym in names:
            if sym in rows:
                raise SystemExit(f"{backend}: {sym} is in two rows")
            rows[sym] = (target, note, ref)
    for sym in sorted(rows):
        target, note, ref = rows[sym]
        fam = _family(tables, sym)
        if not (fam == "cudnn" or fam.startswith("cudnn.")):
            raise SystemExit(f"{sym} is not a cudnn-family name (family {fam!r})")
        v = b.lookup(sym, fam)
        if v.rule != "family" and v.ref != ref:
            continue  # another table decides (a hand-written row, musify's map, dnn_enum_names.py)
        lines += [f"  - symbol: {json.dumps(sym)}", f"    status: {b.family_default(fam).status}",
                  f"    target: {json.dumps(target)}"]
        if note:
            lines.append(f"    note: {json.dumps(note)}")
        lines.append(f"    ref: {json.dumps(ref)}")
    return "\n".join(lines) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--extract", type=Path, metavar="DIR", help="rewrite the fact copy from the mirrors in DIR")
    ap.add_argument("--check", type=Path, metavar="DIR", help="compare the fact copy with the mirrors in DIR")
    args = ap.parse_args()
    if args.check:
        fresh = extract(args.check)
        if fresh != FACTS.read_text(encoding="utf-8"):
            print(f"{FACTS} differs from the mirrors in {args.check}", file=sys.stderr)
            return 1
        print("fact copy matches the mirrors")
        return 0
    if args.extract:
        FACTS.write_text(extract(args.extract), encoding="utf-8")
        print(f"wrote {FACTS}")
    tables = tablegen.fresh_tables(*OUT.values())
    for backend, out in OUT.items():
        out.write_text(build(tables, backend), encoding="utf-8")
        print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
