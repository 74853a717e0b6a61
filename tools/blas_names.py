"""Write mappings/cann/blas_ops.yaml, mappings/neuware/blas_cnnl.yaml and mappings/musa/blas_musa.yaml: cuBLAS and
cuBLASLt names (descriptors, layouts, preferences, heuristics, epilogues, compute types, algorithms, status codes,
versions) with the vendor construct that does their work, as the vendor's own code writes it.

Before, most of these names rested on the cublas / cublaslt family default (`inferred`). The vendors' code says:

- CANN. On Atlas A2/A3 (910B/910C) a matmul is an aclnn operator call, as torch_npu's op-plugin makes it
  (Ascend/op-plugin): aclnnMatmul / aclnnBatchMatMul with a cubeMathType precision argument, aclnnAddmm for a
  bias, aclnnGelu / aclnnRelu / aclnnGeluBackward / aclnnThresholdBackward / aclnnReduceSum for the epilogues,
  aclnnQuantMatmulV5 for int8 and scaled matmuls, operands as aclTensor objects (aclCreateTensor) and alpha/beta as
  aclScalar (aclCreateScalar). There is no descriptor, layout, preference or heuristic object, and the cuBLASLt-like
  library CANN does have, aclBLASLt in hicann/ops-blas (include/cann_ops_blasLt.h: aclblasLtMatmul,
  aclblasLtMatmulDescCreate, ACLBLASLT_EPILOGUE_*, ...), is documented as not supported on A2/A3
  (blasLt/README.md): the cuBLASLt names stay `missing` there, evidence verified by that README, and the note names
  the aclnn op that takes over. On the Ascend 950 (target "950") aclBLASLt exists with limits (FP32 / MXFP8 / MXFP4
  inputs, ACLBLAS_COMPUTE_32F, row-major layouts, epilogue ACLBLASLT_EPILOGUE_DEFAULT only): a name whose aclblasLt
  counterpart the header declares is `partial` there with that name; an epilogue other than DEFAULT stays missing.
  cuBLAS names get no 950 verdict: the aclnn route works on every chip, and aclBLAS (include/cann_ops_blas.h:
  aclblasGemmEx, ACLBLAS_GEMM_DEFAULT, ...), whose GEMMs run on the 950 only (blas/gemm/README.md), is an
  alternative there that the notes do not claim.
- NeuWare: torch_mlu (Cambricon/torch_mlu) runs matmuls through CNNL: cnnlMatMul_v2 on a cnnlMatMulDescriptor_t,
  and for a fused bias cnnlMatMulEx on a cnnlMatMulExDescriptor_t (CNNL_MATMUL_EX_DESC_EPILOGUE_TYPE =
  CNNL_MATMUL_EPI_BIAS, cnnlSetMatMulExBias), algorithms from cnnlGetMatMulExAlgoHeuristic and
  cnnlGetMatMulExHeuristicResult (which also returns the workspace size), tensor descriptors
  (cnnlSetTensorDescriptorEx_v2) for matrix layouts, the accumulation type as the output descriptor's on-chip type
  (cnnlSetTensorDescriptorOnchipDataType), CNNL_MATMUL_ALLOW_TF32 for TF32, activations as separate CNNL calls.
- MUSA: a cuBLAS / cuBLASLt name whose musify rename (mappings/musa/musify.csv) Moore Threads' own code writes -
  torch_musa's C++, paddle_musa (whose mublasLt_dynload.h also #defines each cuBLASLt name to its muBLASLt name),
  tensorflow_musa_extension, onnxruntime-musa - is a verified rename, cited by the first such file.

Every target is looked up in a reduced copy of the vendor sources, tests/data/vendor_facts/blas_vendor_names.txt
(`--extract` rebuilds it from the mirrors); a rule whose vendor name is not found there writes nothing, so the name
keeps its family default. Names with a hand-written entry (or another generated table's) are left to it.

    python tools/blas_names.py --extract     # rebuild the fact copy from /work/.mirror (needs the mirrors)
    python tools/blas_names.py               # write the three tables from the fact copy
"""
from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import tablegen  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
FACTS = ROOT / "tests" / "data" / "vendor_facts" / "blas_vendor_names.txt"
OUT = {"cann": ROOT / "mappings" / "cann" / "blas_ops.yaml",
       "neuware": ROOT / "mappings" / "neuware" / "blas_cnnl.yaml",
       "musa": ROOT / "mappings" / "musa" / "blas_musa.yaml"}
MIRROR = Path("/work/.mirror")
FAMILIES = ("cublas", "cublaslt")

# --------------------------------------------------------------------------------------------------- CANN rules
# (pattern, A2/A3 verdict) in order; the first pattern that matches a catalog name decides. A verdict is
# (status, target, note, [vendor names the ref cites]); status "family" means the family default's status.
_NO_LT = "aclBLASLt (hicann/ops-blas) is not supported on Atlas A2/A3; "
_HEUR = _NO_LT + "no algorithm query or configuration: aclnn matmul ops (aclnnMatmul) pick their kernel and tiling"
_PREF = _NO_LT + ("no preference object: an aclnn op reports the workspace it needs (aclnnXxxGetWorkspaceSize) and "
                  "chooses its kernel (aclnnMatmul)")
_LAYOUT = _NO_LT + ("no matrix layout: operands are aclTensor objects (aclCreateTensor with shape, strides and "
                    "format; a transposed or batched view is a stride change) passed to aclnnMatmul / "
                    "aclnnBatchMatMul")
_DESC = _NO_LT + ("no matmul descriptor: its settings become the aclnn op called and its arguments (aclnnMatmul, "
                  "aclnnAddmm for a bias, the cubeMathType argument for precision)")
CANN_RULES: list[tuple[str, tuple]] = [
    # cuBLAS enums and macros (family status: adapt)
    (r"^cublasGemmAlgo_t$|^CUBLAS_GEMM_\w+$",
     ("family", "aclnnMatmul", "no algorithm argument on A2/A3: the aclnn matmul ops (aclnnMatmul, aclnnBatchMatMul) "
      "pick their kernel; drop the algorithm and set precision with the op's cubeMathType argument",
      ["aclnnMatmul", "aclnnBatchMatMul"])),
    (r"^CUBLAS_COMPUTE_32I(_PEDANTIC)?$",
     ("family", "aclnnQuantMatmulV5", "int8 GEMMs with integer accumulation are quantized matmul ops on NPU "
      "(aclnnQuantMatmulV5, as torch_npu's npu_quant_matmul calls it), with scale tensors instead of a compute type",
      ["aclnnQuantMatmulV5"])),
    (r"^cublasComputeType_t$|^CUBLAS_COMPUTE_\w+$",
     ("family", "aclnnMatmul", "no compute-type enum: precision is the cubeMathType argument of the aclnn matmul "
      "ops (aclnnMatmul, aclnnAddmm), as op-plugin passes it", ["aclnnMatmul", "aclnnAddmm"])),
    (r"^cublasDataType_t$",
     ("family", "aclDataType", "aclnn tensors carry an aclDataType (ACL_FLOAT16, ACL_BF16, ...) set in "
      "aclCreateTensor", ["aclDataType", "aclCreateTensor"])),
    (r"^cublasPointerMode_t$|^CUBLAS_POINTER_MODE_\w+$",
     ("family", "aclCreateScalar", "alpha and beta of aclnn matmul ops (aclnnAddmm) are aclScalar objects "
      "(aclCreateScalar) built on the host; a device-side alpha becomes a tensor operand",
      ["aclCreateScalar", "aclnnAddmm"])),
    (r"^CUBLAS_STATUS_\w+$",
     ("family", "aclnnStatus", "aclnn calls return an aclnnStatus (0 = success) instead of a cuBLAS status enum",
      ["aclnnStatus"])),
    (r"^CUBLAS_VER(SION|_MAJOR|_MINOR|_PATCH|_BUILD)$",
     ("family", "aclsysGetCANNVersion", "no cuBLAS version macro: query the CANN version at run time "
      "(aclsysGetCANNVersion); compile-time guards written for cuBLAS versions are dropped",
      ["aclsysGetCANNVersion"])),
    # cuBLASLt (family status: missing)
    (r"^cublasLt\.h$",
     ("family", "", _NO_LT + "include the aclnn op headers (aclnnop/aclnn_*.h) of the ops used (aclnnMatmul, "
      "aclnnAddmm)", ["aclnnMatmul", "aclnnAddmm"])),
    (r"^CUBLASLT_MATMUL_DESC_TRANS[ABC]$",
     ("family", "", _NO_LT + "transposition is a transposed aclTensor view (aclCreateTensor strides) given to "
      "aclnnMatmul", ["aclCreateTensor", "aclnnMatmul"])),
    (r"^CUBLASLT_MATMUL_DESC_BIAS_\w+$",
     ("family", "", _NO_LT + "a bias is the self operand of aclnnAddmm (out = beta*self + alpha*mat1@mat2)",
      ["aclnnAddmm"])),
    (r"^CUBLASLT_MATMUL_DESC_EPILOGUE$",
     ("family", "", _NO_LT + "an epilogue becomes separate aclnn ops after the matmul (aclnnAddmm for the bias, "
      "aclnnGelu / aclnnRelu for the activation)", ["aclnnAddmm", "aclnnGelu", "aclnnRelu"])),
    (r"^CUBLASLT_MATMUL_DESC_EPILOGUE_AUX_\w+$",
     ("family", "", _NO_LT + "no auxiliary epilogue output: keep the pre-activation output of aclnnAddmm as a "
      "tensor and pass it to the backward op (aclnnGeluBackward)", ["aclnnAddmm", "aclnnGeluBackward"])),
    (r"^CUBLASLT_MATMUL_DESC_(COMPUTE_TYPE|SCALE_TYPE|FAST_ACCUM)$",
     ("family", "", _NO_LT + "precision is the cubeMathType argument of aclnnMatmul / aclnnAddmm",
      ["aclnnMatmul", "aclnnAddmm"])),
    (r"^CUBLASLT_MATMUL_DESC_POINTER_MODE$|^cublasLtPointerMode_t$|^CUBLASLT_POINTER_MODE_\w+$",
     ("family", "", _NO_LT + "alpha/beta are aclScalar objects (aclCreateScalar); per-row device scale vectors are "
      "the scale tensors of aclnnQuantMatmulV5", ["aclCreateScalar", "aclnnQuantMatmulV5"])),
    (r"^CUBLASLT_MATMUL_DESC_[ABCD]_SCALE_\w+$|^CUBLASLT_MATMUL_DESC_AMAX_D_POINTER$",
     ("family", "", _NO_LT + "scaled (fp8 / int8) matmuls are aclnnQuantMatmulV5 calls whose scales are tensor "
      "operands", ["aclnnQuantMatmulV5"])),
    (r"^cublasLtMatmulDesc(Create|Init|Destroy|SetAttribute|GetAttribute|_t|Opaque_t|Attributes_t)$",
     ("family", "", _DESC, ["aclnnMatmul", "aclnnAddmm"])),
    (r"^cublasLtMatrixLayout(Create|Init|Destroy|SetAttribute|GetAttribute|_t|Opaque_t|Attribute_t)$"
     r"|^CUBLASLT_MATRIX_LAYOUT_\w+$|^cublasLtOrder_t$|^CUBLASLT_ORDER_\w+$",
     ("family", "", _LAYOUT, ["aclCreateTensor", "aclnnMatmul", "aclnnBatchMatMul"])),
    (r"^cublasLtMatmulPreference(Create|Init|Destroy|SetAttribute|GetAttribute|_t|Opaque_t|Attributes_t)$"
     r"|^CUBLASLT_MATMUL_PREF_\w+$",
     ("family", "", _PREF, ["aclnnMatmul"])),
    (r"^cublasLtMatmulHeuristicResult_t$|^cublasLtMatmulAlgo(_t|Init|GetIds|Check|CapGetAttribute|"
     r"ConfigSetAttribute|ConfigGetAttribute|GetHeuristic)$|^cublasLtMatmulAlgo(Cap|Config)Attributes_t$"
     r"|^CUBLASLT_ALGO_\w+$|^CUBLASLT_MATMUL_(TILE|STAGES)_\w+$|^cublasLtMatmul(Tile|Stages)_t$"
     r"|^cublasLtReductionScheme_t$|^CUBLASLT_REDUCTION_SCHEME_\w+$",
     ("family", "", _HEUR, ["aclnnMatmul"])),
    (r"^cublasLtEpilogue_t$|^CUBLASLT_EPILOGUE_DEFAULT$",
     ("family", "", _NO_LT + "no epilogue enum: the plain matmul is aclnnMatmul, a fused bias aclnnAddmm, an "
      "activation a following aclnnGelu / aclnnRelu", ["aclnnMatmul", "aclnnAddmm", "aclnnGelu", "aclnnRelu"])),
    (r"^CUBLASLT_EPILOGUE_BIAS$",
     ("family", "", _NO_LT + "matmul plus bias is aclnnAddmm (bias as self, beta = 1)", ["aclnnAddmm"])),
    (r"^CUBLASLT_EPILOGUE_RELU(_AUX)?(_BIAS)?$",
     ("family", "", _NO_LT + "aclnnAddmm (bias) or aclnnMatmul, then aclnnRelu; an AUX output is the tensor "
      "before aclnnRelu", ["aclnnAddmm", "aclnnRelu"])),
    (r"^CUBLASLT_EPILOGUE_GELU(_AUX)?(_BIAS)?$",
     ("family", "", _NO_LT + "aclnnAddmm (bias) or aclnnMatmul, then aclnnGelu; an AUX output is the tensor "
      "before aclnnGelu", ["aclnnAddmm", "aclnnGelu"])),
    (r"^CUBLASLT_EPILOGUE_DGELU(_BGRAD)?$",
     ("family", "", _NO_LT + "GELU gradient with aclnnGeluBackward on the saved pre-activation; a bias gradient "
      "is a column sum (aclnnReduceSum)", ["aclnnGeluBackward", "aclnnReduceSum"])),
    (r"^CUBLASLT_EPILOGUE_DRELU(_BGRAD)?$",
     ("family", "", _NO_LT + "ReLU gradient with aclnnThresholdBackward on the saved pre-activation; a bias "
      "gradient is a column sum (aclnnReduceSum)", ["aclnnThresholdBackward", "aclnnReduceSum"])),
    (r"^CUBLASLT_EPILOGUE_BGRAD[AB]$",
     ("family", "", _NO_LT + "a bias gradient is a sum over the batch dimension (aclnnReduceSum) next to the "
      "matmul", ["aclnnReduceSum"])),
]
# cuBLASLt names whose 950 (aclBLASLt) counterpart is not the mechanical one: {cuda: (status, name, note)}
CANN_950_PAIRS = {
    "cublasLt.h": ("partial", "cann_ops_blasLt.h", "aclBLASLt's header (hicann/ops-blas, libops_blasLt.so)"),
}
_LT_950 = ("aclBLASLt on the 950 (hicann/ops-blas, libops_blasLt.so): FP32, MXFP8 or MXFP4 inputs only, "
           "ACLBLAS_COMPUTE_32F, row-major layouts (ACLBLASLT_ORDER_ROW), epilogue ACLBLASLT_EPILOGUE_DEFAULT only")
_LT_950_UNSUPPORTED = re.compile(r"^CUBLASLT_EPILOGUE_(?!DEFAULT$)\w+$|^CUBLASLT_MATMUL_DESC_(EPILOGUE\w*|BIAS_\w+)$")

# ------------------------------------------------------------------------------------------------ NeuWare rules
_CNNL_EX = "cnnlMatMulEx on a cnnlMatMulExDescriptor_t, as torch_mlu's addmm with bias calls it"
NEUWARE_RULES: list[tuple[str, tuple]] = [
    (r"^cublasLt\.h$|^cublas(_v2|_api)?\.h$",
     ("family", "cnnl.h", "one CNNL header for BLAS and DNN ops", ["cnnl.h"])),
    (r"^cublasGemmAlgo_t$|^CUBLAS_GEMM_\w+$",
     ("family", "cnnlGetMatMulAlgoHeuristic", "no fixed algorithm enum: CNNL picks the matmul algorithm by "
      "heuristic (cnnlGetMatMulAlgoHeuristic, cnnlGetMatMulExAlgoHeuristic)", ["cnnlGetMatMulAlgoHeuristic"])),
    (r"^CUBLAS_COMPUTE_32F_FAST_TF32$|^CUBLAS_TF32_TENSOR_OP_MATH$",
     ("family", "CNNL_MATMUL_ALLOW_TF32", "TF32 is the CNNL_MATMUL_ALLOW_TF32 attribute of each matmul descriptor",
      ["CNNL_MATMUL_ALLOW_TF32"])),
    (r"^cublasComputeType_t$|^CUBLAS_COMPUTE_\w+$",
     ("family", "cnnlSetTensorDescriptorOnchipDataType", "no compute-type enum: the accumulation type is the "
      "on-chip data type of the output tensor descriptor (cnnlSetTensorDescriptorOnchipDataType, e.g. "
      "CNNL_DTYPE_FLOAT)", ["cnnlSetTensorDescriptorOnchipDataType"])),
    (r"^cublasSetMathMode$|^cublasGetMathMode$|^cublasMath_t$|^CUBLAS_(DEFAULT|TENSOR_OP|PEDANTIC)_MATH$",
     ("family", "CNNL_MATMUL_ALLOW_TF32", "no handle-wide math mode: torch_mlu sets TF32 per matmul with the "
      "CNNL_MATMUL_ALLOW_TF32 descriptor attribute", ["CNNL_MATMUL_ALLOW_TF32"])),
    (r"^cublasDataType_t$",
     ("family", "cnnlDataType_t", "CNNL tensor descriptors carry a cnnlDataType_t (CNNL_DTYPE_HALF, ...)",
      ["cnnlDataType_t"])),
    (r"^CUBLAS_STATUS_NOT_SUPPORTED$",
     ("family", "CNNL_STATUS_NOT_SUPPORTED", "CNNL calls return cnnlStatus_t", ["CNNL_STATUS_NOT_SUPPORTED"])),
    (r"^CUBLAS_STATUS_INVALID_VALUE$",
     ("family", "CNNL_STATUS_BAD_PARAM", "CNNL calls return cnnlStatus_t", ["CNNL_STATUS_BAD_PARAM"])),
    (r"^CUBLAS_STATUS_\w+$",
     ("family", "cnnlStatus_t", "CNNL calls return cnnlStatus_t (CNNL_STATUS_SUCCESS, CNNL_STATUS_BAD_PARAM, ...)",
      ["cnnlStatus_t"])),
    (r"^CUBLAS_VER(SION|_MAJOR|_MINOR|_PATCH|_BUILD)$",
     ("family", "cnnlGetLibVersion", "query CNNL's version with cnnlGetLibVersion (as torch_mlu's version report "
      "does); compile-time guards written for cuBLAS versions are dropped", ["cnnlGetLibVersion"])),
    (r"^cublasLtCreate$",
     ("family", "cnnlCreate", "one CNNL handle (cnnlCreate, bound to a queue with cnnlSetQueue) serves BLAS and DNN "
      "ops", ["cnnlCreate", "cnnlSetQueue"])),
    (r"^cublasLtHandle_t$",
     ("family", "cnnlHandle_t", "one CNNL handle serves BLAS and DNN ops", ["cnnlHandle_t"])),
    (r"^cublasLtMatmulDescCreate$",
     ("family", "cnnlCreateMatMulExDescriptor", "the fused-epilogue matmul descriptor (" + _CNNL_EX + "); "
      "cnnlMatMulDescCreate for a plain cnnlMatMul_v2", ["cnnlCreateMatMulExDescriptor", "cnnlMatMulDescCreate"])),
    (r"^cublasLtMatrixLayoutCreate$",
     ("family", "cnnlCreateTensorDescriptor", "a matrix layout is a CNNL tensor descriptor (cnnlCreateTensorDescriptor"
      " + cnnlSetTensorDescriptorEx_v2 for dims and strides)", ["cnnlCreateTensorDescriptor",
                                                                "cnnlSetTensorDescriptorEx_v2"])),
    (r"^cublasLtMatmulPreferenceCreate$",
     ("family", "cnnlMatMulExPrefer_t", "no preference object: cnnlGetMatMulExAlgoHeuristic takes a "
      "cnnlMatMulExPrefer_t value", ["cnnlMatMulExPrefer_t", "cnnlGetMatMulExAlgoHeuristic"])),
    (r"^cublasLtMatmulAlgoGetHeuristic$",
     ("family", "cnnlGetMatMulExAlgoHeuristic", "CNNL's heuristic query (one algorithm per call in torch_mlu); read "
      "the algorithm and workspace size with cnnlGetMatMulExHeuristicResult",
      ["cnnlGetMatMulExAlgoHeuristic", "cnnlGetMatMulExHeuristicResult"])),
    (r"^cublasLtMatmulDescOpaque_t$",
     ("family", "cnnlMatMulDescriptor_t", "no caller-owned descriptor storage: hold a cnnlMatMulDescriptor_t from "
      "cnnlMatMulDescCreate (cnnlCreateMatMulExDescriptor for a fused bias)", ["cnnlMatMulDescriptor_t"])),
    (r"^cublasLtMatmulDescInit$",
     ("family", "cnnlMatMulDescCreate", "CNNL allocates the descriptor (cnnlMatMulDescCreate, or "
      "cnnlCreateMatMulExDescriptor for a fused bias); free it with cnnlMatMulDescDestroy",
      ["cnnlMatMulDescCreate", "cnnlCreateMatMulExDescriptor"])),
    (r"^cublasLtMatmulDescAttributes_t$",
     ("family", "cnnlMatMulDescAttribute_t", "CNNL's matmul descriptor attributes (CNNL_MATMUL_DESC_TRANSA, "
      "CNNL_MATMUL_ALLOW_TF32, ...)", ["cnnlMatMulDescAttribute_t"])),
    (r"^CUBLASLT_MATMUL_DESC_EPILOGUE$",
     ("family", "CNNL_MATMUL_EX_DESC_EPILOGUE_TYPE", "the epilogue is an attribute of the cnnlMatMulEx descriptor ("
      + _CNNL_EX + ")", ["CNNL_MATMUL_EX_DESC_EPILOGUE_TYPE", "cnnlMatMulEx"])),
    (r"^CUBLASLT_MATMUL_DESC_BIAS_POINTER$",
     ("family", "cnnlSetMatMulExBias", "the bias is set with its tensor descriptor and pointer by "
      "cnnlSetMatMulExBias (" + _CNNL_EX + ")", ["cnnlSetMatMulExBias", "cnnlMatMulEx"])),
    (r"^CUBLASLT_MATMUL_DESC_EPILOGUE_AUX_(POINTER|LD)$",
     ("family", "cnnlActivationForward", "no auxiliary epilogue output: the matmul output is the input you give "
      "cnnlActivationForward; keep it for the backward pass", ["cnnlActivationForward"])),
    (r"^CUBLASLT_MATMUL_DESC_(COMPUTE_TYPE|SCALE_TYPE)$",
     ("family", "cnnlSetTensorDescriptorOnchipDataType", "the accumulation type is the output descriptor's "
      "on-chip data type", ["cnnlSetTensorDescriptorOnchipDataType"])),
    (r"^cublasLtEpilogue_t$",
     ("family", "cnnlMatMulEpilogueType_t", "CNNL's matmul epilogue type (" + _CNNL_EX + ")",
      ["cnnlMatMulEpilogueType_t"])),
    (r"^CUBLASLT_EPILOGUE_DEFAULT$",
     ("family", "cnnlMatMul_v2", "no epilogue: the plain CNNL matmul", ["cnnlMatMul_v2"])),
    (r"^CUBLASLT_EPILOGUE_BIAS$",
     ("family", "CNNL_MATMUL_EPI_BIAS", "bias epilogue of cnnlMatMulEx (" + _CNNL_EX + ")",
      ["CNNL_MATMUL_EPI_BIAS", "cnnlMatMulEx"])),
    (r"^CUBLASLT_EPILOGUE_GELU(_AUX)?(_BIAS)?$",
     ("family", "cnnlActivationForward", "no fused GELU: cnnlMatMulEx (CNNL_MATMUL_EPI_BIAS for the bias), then "
      "cnnlActivationForward with CNNL_ACTIVATION_GELU; an AUX output is the tensor before the activation",
      ["cnnlActivationForward", "CNNL_ACTIVATION_GELU", "CNNL_MATMUL_EPI_BIAS"])),
    (r"^CUBLASLT_EPILOGUE_RELU(_AUX)?(_BIAS)?$",
     ("family", "cnnlClip_v2", "no fused ReLU: the matmul (CNNL_MATMUL_EPI_BIAS for the bias), then a clamp at 0 "
      "with cnnlClip_v2 (torch_mlu runs relu as clamp_min); an AUX output is the tensor before the clamp",
      ["cnnlClip_v2", "CNNL_MATMUL_EPI_BIAS"])),
    (r"^CUBLASLT_EPILOGUE_DGELU(_BGRAD)?$",
     ("family", "cnnlActivationBackward", "GELU gradient with cnnlActivationBackward on the saved pre-activation; "
      "a bias gradient with cnnlBiasAddBackward_v2", ["cnnlActivationBackward", "cnnlBiasAddBackward_v2"])),
    (r"^CUBLASLT_EPILOGUE_DRELU(_BGRAD)?$",
     ("family", "cnnlThresholdBackward", "ReLU gradient with cnnlThresholdBackward on the saved pre-activation; "
      "a bias gradient with cnnlBiasAddBackward_v2", ["cnnlThresholdBackward", "cnnlBiasAddBackward_v2"])),
    (r"^CUBLASLT_EPILOGUE_BGRAD[AB]$",
     ("family", "cnnlBiasAddBackward_v2", "a bias gradient is a separate reduction (cnnlBiasAddBackward_v2, as "
      "torch_mlu computes convolution bias gradients)", ["cnnlBiasAddBackward_v2"])),
    (r"^cublasLtMatrixLayoutOpaque_t$",
     ("family", "cnnlTensorDescriptor_t", "a CNNL matmul takes tensor descriptors where cuBLASLt takes matrix "
      "layouts", ["cnnlTensorDescriptor_t"])),
    (r"^cublasLtMatrixLayout(Init|SetAttribute|Attribute_t)$|^CUBLASLT_MATRIX_LAYOUT_\w+$|^cublasLtOrder_t$"
     r"|^CUBLASLT_ORDER_(ROW|COL)$",
     ("family", "cnnlSetTensorDescriptorEx_v2", "a matrix layout is a CNNL tensor descriptor: rows/cols become "
      "dims, ld and batch offset become strides, the type its cnnlDataType_t (cnnlCreateTensorDescriptor + "
      "cnnlSetTensorDescriptorEx_v2)", ["cnnlSetTensorDescriptorEx_v2", "cnnlCreateTensorDescriptor"])),
    (r"^cublasLtMatmulPreference(Init|SetAttribute|_t|Opaque_t|Attributes_t|Destroy)$",
     ("family", "cnnlMatMulExPrefer_t", "no preference object with attributes: cnnlGetMatMulExAlgoHeuristic takes "
      "a cnnlMatMulExPrefer_t value", ["cnnlMatMulExPrefer_t", "cnnlGetMatMulExAlgoHeuristic"])),
    (r"^CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES$",
     ("family", "cnnlGetMatMulExHeuristicResult", "no workspace cap: cnnlGetMatMulExHeuristicResult returns the "
      "chosen algorithm and the workspace size it needs; allocate that", ["cnnlGetMatMulExHeuristicResult"])),
    (r"^cublasLtMatmulHeuristicResult_t$",
     ("family", "cnnlMatMulExHeuristicResult", "CNNL's heuristic result object (cnnlCreateMatMulExHeuristicResult;"
      " read with cnnlGetMatMulExHeuristicResult)", ["cnnlMatMulExHeuristicResult",
                                                     "cnnlCreateMatMulExHeuristicResult"])),
    (r"^cublasLtMatmulAlgo_t$",
     ("family", "cnnlMatMulExAlgo", "CNNL's matmul algorithm object (cnnlCreateMatMulExAlgo)",
      ["cnnlMatMulExAlgo", "cnnlCreateMatMulExAlgo"])),
    (r"^cublasLtMatmulAlgo(Init|GetIds|Check|CapGetAttribute|ConfigSetAttribute|ConfigGetAttribute)$"
     r"|^CUBLASLT_ALGO_\w+$|^CUBLASLT_MATMUL_(TILE|STAGES)_\w+$|^CUBLASLT_REDUCTION_SCHEME_\w+$",
     ("family", "cnnlGetMatMulExAlgoHeuristic", "no algorithm enumeration or configuration: take the algorithm "
      "cnnlGetMatMulExAlgoHeuristic returns", ["cnnlGetMatMulExAlgoHeuristic"])),
]

# MUSA: Moore Threads' own repositories (mirror name, search paths, paths excluded: the musify maps themselves)
MUSA_REPOS = [("MooreThreads+torch_musa", "MooreThreads/torch_musa", ["torch_musa/csrc"]),
              ("MooreThreads+paddle_musa", "MooreThreads/paddle_musa", ["backends"]),
              ("MooreThreads+tensorflow_musa_extension", "MooreThreads/tensorflow_musa_extension", ["musa_ext"]),
              ("MooreThreads+onnxruntime-musa", "MooreThreads/onnxruntime-musa", ["musa"])]
# CANN / NeuWare sources searched for the vendor names the rules cite, in order
CANN_REPOS = [("Ascend+op-plugin", "Ascend/op-plugin", ["op_plugin/ops", "op_plugin/utils", "op_plugin/config"]),
              ("Ascend+pytorch", "Ascend/pytorch", ["torch_npu/csrc", "third_party/acl/libs"])]
OPS_BLAS = ("hicann+ops-blas", "hicann/ops-blas")
OPS_BLAS_HEADERS = ["include/cann_ops_blas_common.h", "include/cann_ops_blas.h", "include/cann_ops_blasLt.h"]
# APIs whose per-product support the 950 verdicts rest on: (name, README)
OPS_BLAS_SUPPORT = [("aclblasLtMatmul", "blasLt/README.md")]
NEUWARE_REPOS = [("Cambricon+torch_mlu", "Cambricon/torch_mlu", ["torch_mlu/csrc", "codegen", "test/torch_ops"])]


# ----------------------------------------------------------------------------------------------------- facts
def read_facts(path: Path = FACTS) -> dict[str, dict]:
    """kind -> {name: (source, extra)}."""
    out: dict[str, dict] = {"declared": {}, "support": {}, "uses": {}, "musa": {}}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        kind, name, src, *extra = line.split("\t")
        out[kind].setdefault(name, (src, extra[0] if extra else ""))
    return out


def _git(git_dir: Path, *args: str) -> str:
    return subprocess.run(["git", "--git-dir", str(git_dir), *args], capture_output=True, text=True,
                          check=False).stdout


# the file to cite when it writes the name (otherwise the first file, sorted, of the search paths)
PREFER = {"aclnnMatmul": "op_plugin/ops/opapi/MatmulKernelNpuOpApi.cpp",
          "aclnnBatchMatMul": "op_plugin/ops/opapi/BmmKernelNpuOpApi.cpp",
          "aclCreateTensor": "op_plugin/utils/op_api_common.cpp",
          "aclDataType": "op_plugin/utils/op_api_common.cpp",
          "cnnlMatMul_v2": "torch_mlu/csrc/aten/operators/cnnl/internal/addmm_internal.cpp",
          "cnnlMatMulDescriptor_t": "torch_mlu/csrc/aten/cnnl/cnnlHeuristicResult.cpp"}


def _writes(git_dir: Path, sha: str, path: str, name: str) -> bool:
    """Does the file write `name` in code (not only in a comment, a commented-out call or a string)?"""
    code = tablegen.code_only(_git(git_dir, "show", f"{sha}:{path}"))
    return re.search(r"(?<![\w])" + re.escape(name) + r"(?![\w])", code) is not None


def _first_file(git_dir: Path, sha: str, name: str, paths: list[str]) -> str:
    pref = PREFER.get(name)
    if pref and _git(git_dir, "grep", "-l", "-w", "-F", name, sha, "--", pref).strip() and \
            _writes(git_dir, sha, pref, name):
        return pref
    for p in paths:
        hits = _git(git_dir, "grep", "-l", "-w", "-F", name, sha, "--", p).split()
        for f in sorted(h.split(":", 1)[1] for h in hits):
            if _writes(git_dir, sha, f, name):
                return f
    return ""


def _readme_support(text: str, api: str) -> dict[str, bool]:
    """The '产品支持情况' (product support) list under '### api' in an ops-blas README:
    {'950': bool, '910c': bool, '910b': bool}."""
    m = re.search(rf"^### {re.escape(api)}\s*$(.*?)(?=^### |\Z)", text, re.S | re.M)
    body = m.group(1) if m else ""
    out = {}
    for tid, key in (("950", "Ascend 950PR"), ("910c", "Atlas A3"), ("910b", "Atlas A2")):
        line = next((l for l in body.splitlines() if l.lstrip("- ").startswith(key)), "")
        if line:
            out[tid] = line.rstrip().endswith("：支持") or line.rstrip().endswith(":支持")
    return out


def extract(tables, mirror: Path = MIRROR) -> str:
    """The reduced fact copy, from the mirrors."""
    lines = ["# Vendor names behind mappings/{cann/blas_ops,neuware/blas_cnnl,musa/blas_musa}.yaml "
             "(tools/blas_names.py --extract; reduced copies, names and file paths only).",
             "# Sources: hicann/ops-blas (CANN Open Software License 2.0), Ascend/op-plugin and Ascend/pytorch "
             "(BSD-3-Clause), Cambricon/torch_mlu (BSD-3-Clause),",
             "# MooreThreads/torch_musa (BSD-3-Clause), MooreThreads/paddle_musa (Apache-2.0), "
             "MooreThreads/tensorflow_musa_extension and MooreThreads/onnxruntime-musa (see their LICENSE files).",
             "# kind<TAB>vendor name<TAB>repo@commit path<TAB>extra",
             "#   declared: declared in an ops-blas public header; support: the README's product list (extra = the "
             "targets that support it);",
             "#   uses: a file of the vendor's code that writes the name; musa: a Moore Threads file that writes the "
             "name (extra = the CUDA name it #defines to it, if any)"]
    # ops-blas headers and READMEs
    gd = mirror / OPS_BLAS[0] / "repo"
    sha = _git(gd, "rev-parse", "HEAD").strip()
    declared: dict[str, str] = {}
    for h in OPS_BLAS_HEADERS:
        for n in re.findall(r"\b(?:aclblas|ACLBLAS)\w*", _git(gd, "show", f"{sha}:{h}")):
            declared.setdefault(n, h)
    wanted = {c for c in (cann_950_name(s) for s in tables.catalog if s.startswith(("cublasLt", "CUBLASLT_"))) if c}
    wanted |= {p[1] for p in CANN_950_PAIRS.values()}
    for n in sorted(wanted & set(declared)):
        lines.append(f"declared\t{n}\t{OPS_BLAS[1]}@{sha[:8]} {declared[n]}")
    if "cann_ops_blasLt.h" in wanted:
        lines.append(f"declared\tcann_ops_blasLt.h\t{OPS_BLAS[1]}@{sha[:8]} include/cann_ops_blasLt.h")
    for api, readme in OPS_BLAS_SUPPORT:
        sup = _readme_support(_git(gd, "show", f"{sha}:{readme}"), api)
        lines.append(f"support\t{api}\t{OPS_BLAS[1]}@{sha[:8]} {readme}\t"
                     + ",".join(t for t, ok in sup.items() if ok))
    # names the CANN / NeuWare rules cite
    for repos, rules in ((CANN_REPOS, CANN_RULES), (NEUWARE_REPOS, NEUWARE_RULES)):
        names = sorted({n for _, v in rules for n in v[3]} | {v[1] for _, v in rules if v[1]})
        heads = {r[0]: _git(mirror / r[0] / "repo", "rev-parse", "HEAD").strip() for r in repos}
        for n in names:
            for mname, repo, paths in repos:
                f = _first_file(mirror / mname / "repo", heads[mname], n, paths)
                if f:
                    lines.append(f"uses\t{n}\t{repo}@{heads[mname][:8]} {f}")
                    break
    # MUSA: musify's names for the catalog's cuBLAS / cuBLASLt names, written by Moore Threads' code
    musa = tables.backend("musa")
    targets = sorted({musa.renames[s][0] for s, e in tables.catalog.items()
                      if e.family in FAMILIES and s in musa.renames})
    heads = {r[0]: _git(mirror / r[0] / "repo", "rev-parse", "HEAD").strip() for r in MUSA_REPOS}
    defines: dict[str, tuple[str, str]] = {}  # MUSA name -> (the CUDA name #defined to it, "repo@sha path")
    for mname, repo, paths in MUSA_REPOS:
        for hit in sorted(_git(mirror / mname / "repo", "grep", "-E", r"^#define\s+(cu|CU)\w+\s+(mu|MU)\w+\s*$",
                               heads[mname], "--", *paths).splitlines()):
            where, text = hit.split(":", 1)[1].split(":", 1)
            _, cu, mu = text.split()
            defines.setdefault(mu, (cu, f"{repo}@{heads[mname][:8]} {where}"))
    for n in targets:
        if n in defines:
            lines.append(f"musa\t{n}\t{defines[n][1]}\t{defines[n][0]}")
            continue
        for mname, repo, paths in MUSA_REPOS:
            f = _first_file(mirror / mname / "repo", heads[mname], n, paths)
            if f:
                lines.append(f"musa\t{n}\t{repo}@{heads[mname][:8]} {f}\t")
                break
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------------------------------- build
def cann_950_name(sym: str) -> str:
    for a, b in (("cublasLt", "aclblasLt"), ("CUBLASLT_", "ACLBLASLT_"), ("cublas", "aclblas"),
                 ("CUBLAS_", "ACLBLAS_")):
        if sym.startswith(a):
            return b + sym[len(a):]
    return ""



def own_symbols(backend: str) -> set[str]:
    """The names this tool's current output for the backend holds (so a regenerate-and-compare sees past them)."""
    path = OUT[backend]
    if not path.exists():
        return set()
    return {m.group(1) for m in re.finditer(r'^  - symbol: "(.*)"$', path.read_text(encoding="utf-8"), re.M)}


def base_lookup(b, sym: str, fam: str, own: set[str]):
    """The verdict without this tool's own row for the name."""
    if sym not in own or sym not in b.exact:
        return b.lookup(sym, fam, True)
    mine = b.exact.pop(sym)
    try:
        return b.lookup(sym, fam, True)
    finally:
        b.exact[sym] = mine


def candidates(tables, backend: str) -> list[tuple[str, str]]:
    """Catalog cuBLAS / cuBLASLt names whose verdict, this tool's rows aside, is a family default or a prefix guess
    (not a hand-written or another tool's row)."""
    b, own = tables.backend(backend), own_symbols(backend)
    return [(s, e.family) for s, e in sorted(tables.catalog.items())
            if e.family in FAMILIES and base_lookup(b, s, e.family, own).rule in ("family", "prefix")]


def _q(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _ref(facts: dict, names: list[str]) -> str:
    by_src: dict[str, list[str]] = {}
    for n in names:
        by_src.setdefault(facts["uses"][n][0], []).append(n)
    return "; ".join(f"{src} (uses {', '.join(ns)})" for src, ns in by_src.items())


def _rule(rules, sym: str):
    return next((v for pat, v in rules if re.search(pat, sym)), None)


def _cann_950(facts: dict, sym: str) -> dict | None:
    """The 950 verdict of a cuBLASLt name: aclBLASLt's counterpart when its header declares one. (cuBLAS names get
    none: the aclnn route of the A2/A3 verdict works on the 950 too; aclBLAS is an alternative there.)"""
    if not (sym.startswith(("cublasLt", "CUBLASLT_")) or sym == "cublasLt.h"):
        return None
    src, sup = facts["support"]["aclblasLtMatmul"]
    if "950" not in sup.split(","):
        return None
    if _LT_950_UNSUPPORTED.search(sym):
        name = cann_950_name(sym)
        if name not in facts["declared"]:
            return None
        return {"status": "missing", "target": "",
                "note": f"aclBLASLt declares {name} but supports only ACLBLASLT_EPILOGUE_DEFAULT on the 950; "
                        "run the epilogue as separate aclnn ops",
                "ref": f"{facts['declared'][name][0]} (declares {name}); {src} (epilogue: ACLBLASLT_EPILOGUE_DEFAULT "
                       "only)"}
    status, name, note = CANN_950_PAIRS.get(sym, ("partial", cann_950_name(sym), ""))
    if name not in facts["declared"]:
        return None
    return {"status": status, "target": name, "note": f"{note}; {_LT_950}" if note else _LT_950,
            "ref": f"{facts['declared'][name][0]} (declares {name}); {src} (aclblasLtMatmul: 950 only)"}


def build(tables, backend: str, facts: dict | None = None) -> str:
    facts = facts or read_facts()
    b, own = tables.backend(backend), own_symbols(backend)
    head = {"cann": "cuBLAS/cuBLASLt names -> the aclnn ops torch_npu's op-plugin calls on Atlas A2/A3 and, on "
                    "the 950, aclBLAS/aclBLASLt (hicann/ops-blas)",
            "neuware": "cuBLAS/cuBLASLt names -> the CNNL matmul API as torch_mlu calls it",
            "musa": "cuBLAS/cuBLASLt names whose musify rename Moore Threads' own code writes"}[backend]
    lines = [f"# Generated by tools/blas_names.py from tests/data/vendor_facts/blas_vendor_names.txt: {head}.",
             "# Family status kept (rename for MUSA); evidence verified by the cited vendor file.",
             "evidence: verified", "entries:"]
    for sym, fam in candidates(tables, backend):
        fam_v = b.family_default(fam)
        if backend == "musa":
            v = base_lookup(b, sym, fam, own)
            if v.rule != "prefix" or v.evidence != "mapped":
                continue
            create = v.target[:-len("Init")] + "Create" if sym.startswith("cublasLt") and sym.endswith("Init") else ""
            if v.target not in facts["musa"] and create in facts["musa"]:
                # issue 14: musify pairs cublasLt*Init, but no Moore Threads code writes the muBLASLt name
                note = (f"unverified: musify pairs it, but no Moore Threads code writes {v.target}; {create}, which "
                        "they do write, does the same with a library-allocated descriptor (free it with the "
                        "matching Destroy)")
                csrc, ccu = facts["musa"][create]
                ref = f"{v.ref}; {csrc} ({f'#defines {ccu} as {create}' if ccu else f'uses {create}'})"
                lines += [f"  - symbol: {_q(sym)}", "    status: partial", f"    target: {_q(v.target)}",
                          f"    note: {_q(note)}", f"    ref: {_q(ref)}", "    evidence: mapped"]
                continue
            if v.target not in facts["musa"]:
                continue
            src, cu = facts["musa"][v.target]
            why = f"#defines {cu} as {v.target}" if cu == sym else f"uses {v.target}"
            lines += [f"  - symbol: {_q(sym)}", f"    status: {v.status}", f"    target: {_q(v.target)}",
                      f"    note: {_q('musify renames it; Moore Threads code writes ' + v.target)}",
                      f"    ref: {_q(f'{src} ({why})')}"]
            continue
        rule = _rule(CANN_RULES if backend == "cann" else NEUWARE_RULES, sym)
        if rule is None:
            continue
        status, target, note, cites = rule
        if not all(n in facts["uses"] for n in cites) or (target and target not in facts["uses"]
                                                          and target not in cites):
            continue
        status = fam_v.status if status == "family" else status
        ref = _ref(facts, cites)
        if backend == "cann" and status == "missing":
            src, sup = facts["support"]["aclblasLtMatmul"]
            if "910b" in sup.split(",") or "910c" in sup.split(","):
                continue  # the absence on A2/A3 is what the row claims
            ref = f"{src} (aclblasLtMatmul: not supported on Atlas A2/A3); {ref}"
        lines += [f"  - symbol: {_q(sym)}", f"    status: {status}"]
        if target:
            lines.append(f"    target: {_q(target)}")
        lines += [f"    note: {_q(note)}", f"    ref: {_q(ref)}"]
        if backend == "cann":
            t = _cann_950(facts, sym)
            if t:
                body = ", ".join(f"{k}: {_q(v)}" for k, v in t.items() if v or k != "target")
                lines += ["    targets:", f'      "950": {{{body}, evidence: verified}}']
    return "\n".join(lines) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--extract", action="store_true", help="rebuild the fact copy from the mirrors first")
    ap.add_argument("--mirror", type=Path, default=MIRROR)
    args = ap.parse_args()
    tables = tablegen.fresh_tables(*OUT.values())
    if args.extract:
        FACTS.write_text(extract(tables, args.mirror), encoding="utf-8")
        print(f"wrote {FACTS}")
    facts = read_facts()
    for backend, path in OUT.items():
        text = build(tables, backend, facts)
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path} ({text.count('  - symbol:')} names)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
