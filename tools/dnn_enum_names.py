"""Write mappings/cann/cudnn_acl.yaml and mappings/neuware/cnnl_names.yaml: cuDNN (and, for CNNL, cuBLAS / cuBLASLt)
data types, layouts, status codes, handle and descriptor calls with the vendor name that plays the same role, as
the vendor's own PyTorch port uses it.

A `CUDNN_DATA_FLOAT` or `cudnnStatus_t` finding on CANN or NeuWare used to rest on the cudnn family default
(`adapt`, `inferred`). The vendors' PyTorch back ends spell the same things in their own libraries:

- CANN: torch_npu (Ascend/pytorch@9e73e708) maps at::ScalarType to aclDataType in
  torch_npu/csrc/framework/utils/CalcuOpUtil.cpp (Float -> ACL_FLOAT, Half -> ACL_FLOAT16, BFloat16 -> ACL_BF16,
  ...), names formats ACL_FORMAT_NCHW / ACL_FORMAT_NHWC, and returns aclnnStatus from aclnn calls.
- NeuWare: torch_mlu (Cambricon/torch_mlu@d578002c) builds CNNL descriptors with cnnlDataType_t (CNNL_DTYPE_FLOAT,
  ...), cnnlTensorLayout_t (CNNL_LAYOUT_NHWC), checks cnnlStatus_t against CNNL_STATUS_SUCCESS and owns a
  cnnlHandle_t (cnnlCreate / cnnlSetQueue / cnnlDestroy); its matmuls use the same handle, cnnlStatus_t, tensor
  descriptors and a cnnlMatMulDescriptor_t whose CNNL_MATMUL_DESC_TRANSA/B attributes carry the transposition.

A few driver / runtime types the same ports use are here too (CUmemGenericAllocationHandle -> aclrtDrvMemHandle,
CUdeviceptr -> CNaddr, cudaIpcMemHandle_t -> cnrtIpcMemHandle, CUDA_SUCCESS -> CN_SUCCESS).

PAIRS below says which vendor name plays the CUDA name's role, and the file of the vendor's source that uses it
(recheck with --ascend-pytorch / --torch-mlu). Each catalog name whose verdict is a family default (cudnn, cublas,
cublaslt, cuda-driver, cuda-runtime) becomes an exact entry with the family's status (the call around it still
changes: aclnn's two-phase calls, CNNL's descriptors), the vendor name as target and `evidence: verified`. Names
with a hand-written entry are left to it.

    python tools/dnn_enum_names.py [--ascend-pytorch GIT_DIR] [--torch-mlu GIT_DIR]
"""
from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import tablegen  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
_CALCU = "torch_npu/csrc/framework/utils/CalcuOpUtil.cpp"
_CAST = "torch_mlu/csrc/aten/operators/cnnl/internal/cast_internal.cpp"
_DESC = "torch_mlu/csrc/aten/cnnl/cnnlOpDescriptors.cpp"
_TDESC = "torch_mlu/csrc/aten/cnnl/cnnlTensorDesc.cpp"
_HANDLE = "torch_mlu/csrc/aten/cnnl/cnnlHandle.cpp"
_ALLOC = "torch_mlu/csrc/framework/core/caching_allocator.cpp"
_ADDMM = "torch_mlu/csrc/aten/operators/cnnl/internal/addmm_internal.cpp"
_TRANS = ("transposition is the CNNL_MATMUL_DESC_TRANSA / CNNL_MATMUL_DESC_TRANSB matmul-descriptor attribute "
          "(0 or 1), set with cnnlSetMatMulDescAttr")
_EXC = "torch_mlu/csrc/aten/utils/exceptions.h"
# backend -> (output, vendor repo@commit, {cuDNN name: (vendor name, vendor file that uses it)})
PAIRS = {
    "cann": (ROOT / "mappings" / "cann" / "cudnn_acl.yaml", "Ascend/pytorch@9e73e708", {
        "cudnnDataType_t": ("aclDataType", _CALCU),
        "CUDNN_DATA_FLOAT": ("ACL_FLOAT", _CALCU),
        "CUDNN_DATA_HALF": ("ACL_FLOAT16", _CALCU),
        "CUDNN_DATA_BFLOAT16": ("ACL_BF16", _CALCU),
        "CUDNN_DATA_DOUBLE": ("ACL_DOUBLE", _CALCU),
        "CUDNN_DATA_INT8": ("ACL_INT8", _CALCU),
        "CUDNN_DATA_INT32": ("ACL_INT32", _CALCU),
        "CUDNN_DATA_INT64": ("ACL_INT64", _CALCU),
        "CUDNN_DATA_UINT8": ("ACL_UINT8", _CALCU),
        "CUDNN_DATA_BOOLEAN": ("ACL_BOOL", _CALCU),
        "CUDNN_DATA_FP8_E4M3": ("ACL_FLOAT8_E4M3FN", _CALCU),
        "CUDNN_DATA_FP8_E5M2": ("ACL_FLOAT8_E5M2", _CALCU),
        "cudnnTensorFormat_t": ("aclFormat", "torch_npu/csrc/aten/common/FormatCastHelper.cpp"),
        "CUDNN_TENSOR_NCHW": ("ACL_FORMAT_NCHW", "torch_npu/csrc/core/NPUSerialization.cpp"),
        "CUDNN_TENSOR_NHWC": ("ACL_FORMAT_NHWC", "torch_npu/csrc/core/NPUSerialization.cpp"),
        "cudnnStatus_t": ("aclnnStatus", "torch_npu/csrc/core/npu/interface/OpInterface.cpp"),
        # driver / runtime types the same port uses
        "CUmemGenericAllocationHandle": ("aclrtDrvMemHandle", "torch_npu/csrc/core/npu/CachingHostAllocator.cpp",
                                         "the physical-memory handle of ACL's VMM calls (aclrtMallocPhysical, "
                                         "aclrtMapMem)"),
    }),
    "neuware": (ROOT / "mappings" / "neuware" / "cnnl_names.yaml", "Cambricon/torch_mlu@d578002c", {
        "cudnnDataType_t": ("cnnlDataType_t", _DESC),
        "CUDNN_DATA_FLOAT": ("CNNL_DTYPE_FLOAT", _DESC),
        "CUDNN_DATA_HALF": ("CNNL_DTYPE_HALF", _DESC),
        "CUDNN_DATA_BFLOAT16": ("CNNL_DTYPE_BFLOAT16",
                                "torch_mlu/csrc/aten/operators/cnnl/internal/baddbmm_internal.cpp"),
        "CUDNN_DATA_DOUBLE": ("CNNL_DTYPE_DOUBLE", _CAST),
        "CUDNN_DATA_INT8": ("CNNL_DTYPE_INT8", _CAST),
        "CUDNN_DATA_INT32": ("CNNL_DTYPE_INT32", _CAST),
        "CUDNN_DATA_INT64": ("CNNL_DTYPE_INT64", _CAST),
        "CUDNN_DATA_UINT8": ("CNNL_DTYPE_UINT8", _CAST),
        "CUDNN_DATA_BOOLEAN": ("CNNL_DTYPE_BOOL", _CAST),
        "cudnnTensorFormat_t": ("cnnlTensorLayout_t", _TDESC),
        "CUDNN_TENSOR_NCHW": ("CNNL_LAYOUT_NCHW", "torch_mlu/csrc/aten/cnnl/cnnlTensorDesc.h"),
        "CUDNN_TENSOR_NHWC": ("CNNL_LAYOUT_NHWC", _TDESC),
        "cudnnStatus_t": ("cnnlStatus_t", "torch_mlu/csrc/aten/cnnl/cnnlAlgorithms.h"),
        "CUDNN_STATUS_SUCCESS": ("CNNL_STATUS_SUCCESS", _EXC),
        "cudnnGetErrorString": ("cnnlGetErrorString", _EXC),
        "cudnnHandle_t": ("cnnlHandle_t", _HANDLE),
        "cudnnCreate": ("cnnlCreate", _HANDLE),
        "cudnnDestroy": ("cnnlDestroy", _HANDLE),
        "cudnnSetStream": ("cnnlSetQueue", _HANDLE),
        "cudnnTensorDescriptor_t": ("cnnlTensorDescriptor_t", "torch_mlu/csrc/aten/cnnl/cnnlHeuristicResult.cpp"),
        "cudnnCreateTensorDescriptor": ("cnnlCreateTensorDescriptor", _TDESC),
        "cudnnDestroyTensorDescriptor": ("cnnlDestroyTensorDescriptor", "torch_mlu/csrc/aten/cnnl/cnnlTensorDesc.h"),
        # cuBLAS / cuBLASLt: torch_mlu's matmuls are CNNL calls on the same handle and tensor descriptors
        "CUBLAS_STATUS_SUCCESS": ("CNNL_STATUS_SUCCESS", _EXC),
        "cublasStatus_t": ("cnnlStatus_t", "torch_mlu/csrc/aten/cnnl/cnnlAlgorithms.h"),
        "cublasDestroy": ("cnnlDestroy", _HANDLE),
        "cublasLtDestroy": ("cnnlDestroy", _HANDLE),
        "cublasOperation_t": ("CNNL_MATMUL_DESC_TRANSA", _ADDMM, _TRANS),
        "CUBLAS_OP_N": ("CNNL_MATMUL_DESC_TRANSA", _ADDMM, _TRANS),
        "CUBLAS_OP_T": ("CNNL_MATMUL_DESC_TRANSA", _ADDMM, _TRANS),
        "cublasLtMatmulDesc_t": ("cnnlMatMulDescriptor_t", "torch_mlu/csrc/aten/cnnl/cnnlHeuristicResult.cpp"),
        "cublasLtMatmulDescDestroy": ("cnnlMatMulDescDestroy", "torch_mlu/csrc/aten/cnnl/cnnlOpDescriptors.h"),
        "cublasLtMatmulDescSetAttribute": ("cnnlSetMatMulDescAttr", "torch_mlu/csrc/aten/cnnl/cnnlOpDescriptors.cpp"),
        "CUBLASLT_MATMUL_DESC_TRANSA": ("CNNL_MATMUL_DESC_TRANSA", _ADDMM),
        "CUBLASLT_MATMUL_DESC_TRANSB": ("CNNL_MATMUL_DESC_TRANSB", _ADDMM),
        "cublasLtMatrixLayout_t": ("cnnlTensorDescriptor_t", "torch_mlu/csrc/aten/cnnl/cnnlHeuristicResult.cpp",
                                   "a CNNL matmul takes tensor descriptors where cuBLASLt takes matrix layouts"),
        "cublasLtMatrixLayoutDestroy": ("cnnlDestroyTensorDescriptor", "torch_mlu/csrc/aten/cnnl/cnnlTensorDesc.h",
                                        "a CNNL matmul takes tensor descriptors where cuBLASLt takes matrix layouts"),
        # driver / runtime types the same port uses
        "CUdeviceptr": ("CNaddr", _ALLOC, "CNDrv's device address type"),
        "CUDA_SUCCESS": ("CN_SUCCESS", _EXC, "CNDrv's success code"),
        "cudaIpcMemHandle_t": ("cnrtIpcMemHandle", _ALLOC, "CNRT's inter-process memory handle"),
    }),
}
WHAT = {"cann": "torch_npu's name for the same thing in ACL/aclnn", "neuware": "torch_mlu's name for the same thing in CNNL"}



def build(tables, backend: str) -> str:
    b = tables.backend(backend)
    _out, repo, pairs = PAIRS[backend]
    libs = "cuDNN/cuBLAS/driver" if backend == "neuware" else "cuDNN/driver"
    lines = [f"# Generated by tools/dnn_enum_names.py: {libs} names -> the name {repo.split('@')[0]} uses for the same",
             f"# thing ({repo}). The family's status; evidence verified by the cited vendor file.",
             "evidence: verified", "entries:"]
    for sym in sorted(pairs):
        target, path, *why = pairs[sym]
        entry = tables.catalog.get(sym)
        if entry is None:
            continue
        ref = f"{repo} {path} (uses {target})"
        v = b.lookup(sym, entry.family)
        if v.rule != "family" and v.ref != ref:
            continue  # a hand-written entry decides
        lines += [f"  - symbol: {sym}", f"    status: {b.family_default(entry.family).status}",
                  f"    target: {target}", f"    note: \"{WHAT[backend]}: {target}{'; ' + why[0] if why else ''}\"",
                  f"    ref: \"{ref}\""]
    return "\n".join(lines) + "\n"


def check_files(backend: str, git_dir: Path) -> list[str]:
    """Pairs whose cited file does not use the vendor name as a whole word (empty when PAIRS is right)."""
    out = []
    for sym, (target, path, *_why) in PAIRS[backend][2].items():
        r = subprocess.run(["git", "--git-dir", str(git_dir), "grep", "-q", "-w", target, "HEAD", "--", path],
                           capture_output=True, check=False)
        if r.returncode != 0:
            out.append(f"{sym}: {path} does not use {target}")
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--ascend-pytorch", type=Path, help="git dir of Ascend/pytorch, to recheck the CANN files")
    ap.add_argument("--torch-mlu", type=Path, help="git dir of Cambricon/torch_mlu, to recheck the NeuWare files")
    args = ap.parse_args()
    diffs = (check_files("cann", args.ascend_pytorch) if args.ascend_pytorch else []) + \
        (check_files("neuware", args.torch_mlu) if args.torch_mlu else [])
    if diffs:
        print("\n".join(diffs), file=sys.stderr)
        return 1
    for backend, (out, _repo, _pairs) in PAIRS.items():
        out.write_text(build(tablegen.fresh_tables(out), backend), encoding="utf-8")
        print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
