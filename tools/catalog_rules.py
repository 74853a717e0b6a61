"""Decide the family and kind of a CUDA-side name (the heuristics behind tools/build_catalog.py)."""
from __future__ import annotations

import re

# ---------------------------------------------------------------------------------------------- exclusions
# Names starting with "__" (intrinsics, __nv_* builtins, compiler macros) belong to the kernel-language catalog
# kept by the C++ scanner's owner; keeping them out here avoids duplicate catalog entries.
# Names starting with a single "_" are reserved implementation identifiers (header guards, internal helpers such
# as _curand_box_muller): no project spells them, so they would only add noise.
# The remaining exclusions are words the mapping sources list but which are not API symbols: parameter and field
# names (nCudaDeviceId, pCubin), namespaces and generic words (cu, cuda, cubin), non-CUDA libraries (NvSci, WGL),
# and names other catalog files own (torch C++ macros, fp16 types, the nvcuda namespace).
NOT_API: frozenset[str] = frozenset({
    "cu", "cuda", "cubin", "cubinCrc", "cubinOut", "cubinSize", "fatCubin", "fatCubinHandle", "funcComputeCubinCrc",
    "pCubin", "nCudaDevAttrComputeCapabilityMajor", "nCudaDevAttrComputeCapabilityMinor", "nCudaDeviceId",
    "nCutoffValue", "pCudaDeviceCount", "pCudaDevices", "pCudaResource", "nvlinkVersion", "nvswitchConnected",
    "physicalNvLinkCount", "HGPUNV", "WGL_NV_gpu_affinity", "cuda_profiler_H", "nvSciBufObject", "nvSciSync",
    "nvSciSyncAttrList", "nvSciSyncObj", "nvstd", "nvfunctional", "nv_weak", "MAX_CUDA_DESCRIPTOR_GPUS",
    "memoryBarrier", "texture", "cuda_stream",
    "cudaHostFree",  # torchada maps it defensively; CUDA's function is cudaFreeHost
    # musify renames these words inside CUPTI record fields and comments; no CUDA header declares them
    "cuContextId", "cuDeviceId", "cuProcessId", "cuStreamId", "cuThreadId", "cuFormat", "cudaEventId",
    "CUDAContext", "CUB_CPLUSPLUS",
    # deprecation and namespace helper macros of the library headers
    "CUDNN_DEPRECATED_ENUM", "CURAND_STD", "CUSPARSE_DEPRECATED_ENUM_REPLACE_WITH", "CUSPARSE_DEPRECATED_REPLACE_WITH",
    "CUSPARSE_DEPRECATED_TYPE",  # Caffe2's CUDAContext class; a CUB macro (the cub family)
    # torchada's whole-word renames of library names: words, not symbols
    "cublas", "CUBLAS", "cudnn", "CUDNN", "cufft", "CUFFT", "curand", "CURAND", "cusolver", "CUSOLVER", "cusparse",
    "CUSPARSE", "nccl", "NCCL", "GLenum", "GLuint", "REGISTER_CUDA_OPERATOR", "REGISTER_CUDA_OPERATOR_CREATOR",
})
OTHER_OWNERS: frozenset[str] = frozenset({
    "nv_bfloat16", "nv_bfloat162", "nv_half", "nv_half2", "nvcuda",  # kernel.fp16 / kernel.tensor-core
})
_OTHER_PREFIXES = ("TORCH_", "AT_", "C10_")  # PyTorch C++ macros: torch-cpp catalog

# Device math functions (hipify-perl's device-function lists) that are CUDA's own: the C/C++ standard, POSIX and
# GNU libm names (expf, sincos, j0, norm, min, ...) and the legacy one-word helpers a project may well define itself
# (umin, saturate, float2int, ...) are left out on purpose, or every host file calling expf would be a finding.
CUDA_ONLY_MATH: frozenset[str] = frozenset({
    "rsqrt", "rsqrtf", "sinpi", "sinpif", "cospi", "cospif", "sincospi", "sincospif", "rnorm", "rnormf",
    "rnorm3d", "rnorm3df", "rnorm4d", "rnorm4df", "normf", "norm3d", "norm3df", "norm4d", "norm4df", "rhypot",
    "rhypotf", "rcbrt", "rcbrtf", "normcdf", "normcdff", "normcdfinv", "normcdfinvf", "erfinv", "erfinvf",
    "erfcinv", "erfcinvf", "erfcx", "erfcxf", "cyl_bessel_i0", "cyl_bessel_i0f", "cyl_bessel_i1", "cyl_bessel_i1f",
    "fdividef", "mul24", "umul24", "mul64hi",
    "hceil", "hcos", "hexp", "hexp10", "hexp2", "hfloor", "hlog", "hlog10", "hlog2", "hrcp", "hrint", "hrsqrt",
    "hsin", "hsqrt", "htrunc", "h2ceil", "h2cos", "h2exp", "h2exp10", "h2exp2", "h2floor", "h2log", "h2log10",
    "h2log2", "h2rcp", "h2rint", "h2rsqrt", "h2sin", "h2sqrt", "h2trunc", "make_half2", "make_bfloat162",
})

# --------------------------------------------------------------------------------------------- library families
# First match wins. Library prefixes come before the runtime/driver ones (cudaLibMg* is cuSOLVER-Mg, cuC* is the
# cuComplex.h arithmetic, not the driver API).
_LIBRARY_RULES: tuple[tuple[str, str], ...] = (
    (r"\w+_v\d+_params(_st)?$", "cupti"),  # CUPTI's generated callback parameter structs (cudaMalloc_v3020_params)
    (r"cublasLt|CUBLASLT_", "cublaslt"),
    (r"cublas|CUBLAS|NVBLAS_", "cublas"),
    (r"cudnn|CUDNN", "cudnn"),
    (r"cufft|CUFFT|LIB_FORMAT_CUFFT$|MAX_CUFFT_ERROR$|NVFFT_|cudaLibXt|cudaXt", "cufft"),  # cudalibxt.h: cufftXt
    (r"curand|CURAND", "curand"),
    (r"cusolver|CUSOLVER|CUDALIBMG_|cudaLibMg|DISABLE_CUSOLVER_DEPRECATED$|syevjInfo|gesvdjInfo"
     r"|csr(qr|chol|lu)Info", "cusolver"),  # cusolverSp's csrqrInfo_t before cuSPARSE's csr*Info_t
    (r"cusparse|CUSPARSE|DISABLE_CUSPARSE_DEPRECATED$|pruneInfo|(csr|bsr|csc)\w*Info(_t)?$|csru2csrInfo", "cusparse"),
    (r"cupti|CUPTI|CUpti|Cupti", "cupti"),
    (r"nvtx|NVTX", "nvtx"),
    (r"nvrtc|NVRTC", "nvrtc"),
    (r"npp[a-zA-Z]|NPP|Npp|NV_NPP", "npp"),
    (r"nvjpeg|NVJPEG", "nvjpeg"),
    (r"p?nccl[A-Z]|NCCL_", "nccl"),
    (r"cuC(add|sub|mul|div|abs|real|imag|fma)f?$|cuConjf?$|cuComplex|cuFloatComplex|cuDoubleComplex"
     r"|make_cu(Float|Double)?Complex$", "cuda-math"),  # cuComplex.h (cuCtxCreate is the driver API)
    (r"(CR_)?CUDART_(?!VERSION$|CB$|DEVICE$)", "cuda-math"),  # math_constants.h
)
_LIBRARY_RX = [(re.compile(p), fam) for p, fam in _LIBRARY_RULES]

_RUNTIME_RX = re.compile(
    r"cuda[A-Z_]|make_cuda[A-Z]|CUDART(API|_VERSION$|_CB$|_DEVICE$)|CUDA_[RC]_\d|CUDA_IPC_HANDLE_SIZE$"
    r"|CUDA_API_PER_THREAD_DEFAULT_STREAM$|libraryPropertyType|textureReference$|surfaceReference$")
_DRIVER_RX = re.compile(r"cu[A-Z]|CU[A-Za-z_]|CUDA_|CUDA[A-Z]+_H$|CUDAAPI$|PFN_cu|cuuint(32|64)_t$"
                        r"|NVCL_|cl_(context|event)_flags|CIG_DATA_TYPE_")  # cuda.h's OpenCL-interop scheduling flags

# Runtime sub-families, tried in order on the full name; the first match wins. Error names come first because
# cudaErrorMemoryAllocation is an error code, not memory management; graph and IPC come before stream and event
# because cudaGraphAddEventRecordNode and cudaIpcGetEventHandle belong to graphs and IPC; copies come before
# textures because cudaMemcpy2DToArray is a copy.
_RUNTIME_SUBFAMILIES: tuple[tuple[str, str], ...] = (
    (r"cuda(Error|Success$|GetLastError|PeekAtLastError|GetErrorName|GetErrorString)", "error"),
    (r"cuda\w*(Graph(?!ics)|Capture|Capturing|UserObject|NodeParams|NodeType|Node_t|DependencyType)"
     r"|cudaKernelNode|cudaHostNode", "graph"),
    (r"cuda\w*Ipc|CUDA_IPC_", "ipc"),
    (r"cuda\w*(Graphics|GL[A-Z_]|GL$|EGL|Egl|D3D|DX|VDPAU|Vdpau|NvSci|External(Memory|Semaphore)|Wgl|WGL)", "interop"),
    (r"cuda\w*(Peer|P2P)", "peer"),
    (r"cuda\w*(Memcpy|Memset)|make_cuda", "memory"),
    (r"cuda\w*(Texture|Surface|Tex[A-Z]|tex|Array|ChannelFormat|CreateChannelDesc|Resource(Desc|View|Type)"
     r"|FilterMode|AddressMode|ReadMode|BoundaryMode|Mipmapped|FormatMode|ResViewFormat)|textureReference|surfaceReference", "texture"),
    (r"cudaStream|CUDA_API_PER_THREAD_DEFAULT_STREAM|cudaSyncPolicy|cudaSynchronizationPolicy", "stream"),
    (r"cuda\w*Event", "event"),
    (r"cuda\w*(Launch|Func|Occupancy|Kernel|ConfigureCall|SetupArgument|SetDoubleFor|Library|GetFuncBySymbol"
     r"|SharedMemConfig|SharedCarveout|SharedmemCarveout|ClusterSchedulingPolicy|Dim3|LaunchAttribute|CG[A-Z]"
     r"|GetParameterBuffer|Occ[A-Z]|GridDependency|TriggerProgrammatic)", "launch"),
    (r"cuda\w*(Malloc|Free|Mem|Host(Alloc|Register|Unregister|GetDevicePointer|GetFlags)|Pointer|Pitched|Extent"
     r"|Pos$|Symbol|Managed|Prefetch|Advise|Access(Policy|Property))", "memory"),
    (r"cuda\w*(Device|Dev[A-Z]|Thread|Limit|ComputeMode|ChooseDevice|CpuDeviceId|InvalidDeviceId|InitDevice"
     r"|GetDevice|SetDevice|SetValidDevices|DriverGetVersion|RuntimeGetVersion|Uuid|FlushGPUDirectRDMA"
     r"|GPUDirectRDMA|CtxResetPersistingL2Cache)", "device"),
)
_RUNTIME_SUB_RX = [(re.compile(p), sub) for p, sub in _RUNTIME_SUBFAMILIES]


def excluded(name: str) -> str:
    """Return why a name stays out of this catalog ('' when it belongs here)."""
    if name.startswith("__"):
        return "double underscore: kernel-language catalog"
    if name.startswith("_"):
        return "reserved implementation identifier"
    if name in NOT_API:
        return "not an API symbol"
    if name in OTHER_OWNERS or name.startswith(_OTHER_PREFIXES):
        return "owned by another catalog file"
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        return "not an identifier"
    return ""


def family_of(name: str) -> str:
    """Return the catalog family of a CUDA-side name, or '' when no rule claims it."""
    if name in CUDA_ONLY_MATH:
        return "cuda-math"
    for rx, fam in _LIBRARY_RX:
        if rx.match(name):
            return fam
    if _RUNTIME_RX.match(name):
        for rx, sub in _RUNTIME_SUB_RX:
            if rx.match(name):
                return f"cuda-runtime.{sub}"
        return ""  # decided with the kind: functions stay in cuda-runtime, the rest go to .types
    if _DRIVER_RX.match(name):
        return "cuda-driver"
    return ""


def is_runtime(name: str) -> bool:
    """Is this a runtime-API name (cuda_runtime_api.h, driver_types.h, library_types.h ...)?"""
    return bool(_RUNTIME_RX.match(name)) and not any(rx.match(name) for rx, _ in _LIBRARY_RX)


_ALL_CAPS = re.compile(r"[A-Z][A-Z0-9_]*(x[0-9A-Z_]+)*")  # CUDNN_DATA_INT8x4 is still an enum constant
_MACRO = re.compile(r".*_H_?$|[A-Z]+(WIN)?API(_CDECL)?$|CUDART_(CB|DEVICE)$")  # header guards, linkage macros

# HIPIFY's CUDA2HIP maps say what each name is: CONV_TYPE, CONV_NUMERIC_LITERAL, CONV_DEFINE, or an API area
# (CONV_MEMORY, CONV_LIB_FUNC, ...) for functions. hipify-perl's statistics categories use the same words.
HIP_KINDS = {"CONV_TYPE": "type", "CONV_DEVICE_TYPE": "type", "CONV_NUMERIC_LITERAL": "constant",
             "CONV_DEFINE": "constant", "type": "type", "device_type": "type", "numeric_literal": "constant",
             "define": "constant", "literal": "constant"}

# Runtime API sections of HIPIFY's maps (= the CUDA Runtime API reference modules) -> sub-family, used for
# functions no name rule claims.
HIP_RUNTIME_SECTIONS = {
    "DEVICE": "device", "DEVICE_DEPRECATED": "device", "THREAD_DEPRECATED": "device", "VERSION": "device",
    "ERROR": "error", "STREAM": "stream", "EVENT": "event", "EXECUTION": "launch", "EXECUTION_DEPRECATED": "launch",
    "EXECUTION_REMOVED": "launch", "OCCUPANCY": "launch", "MEMORY": "memory", "MEMORY_DEPRECATED": "memory",
    "ORDERED_MEMORY": "memory", "UNIFIED": "memory", "PEER": "peer", "TEXTURE": "texture",
    "TEXTURE_REMOVED": "texture", "SURFACE": "texture", "SURFACE_REMOVED": "texture", "GRAPH": "graph",
    "EXTERNAL_RES": "interop", "OPENGL": "interop", "OPENGL_DEPRECATED": "interop", "D3D9": "interop",
    "D3D9_DEPRECATED": "interop", "D3D10": "interop", "D3D10_DEPRECATED": "interop", "D3D11": "interop",
    "D3D11_DEPRECATED": "interop", "VDPAU": "interop", "EGL": "interop", "GRAPHICS": "interop",
}


# Kinds no source states and no name rule gets right (device_functions.h's rounding-mode enum).
KNOWN_KINDS = {"cudaRoundMode": "type", "cudaRoundNearest": "constant", "cudaRoundZero": "constant",
               "cudaRoundPosInf": "constant", "cudaRoundMinInf": "constant"}


def kind_of(name: str, hip_kind: str = "") -> str:
    """Return function | type | constant | macro, preferring what HIPIFY's maps say the name is."""
    if name in KNOWN_KINDS:
        return KNOWN_KINDS[name]
    if hip_kind == "type":
        return "type"
    if _MACRO.fullmatch(name) and _ALL_CAPS.fullmatch(name):
        return "macro"
    if hip_kind:
        return hip_kind
    if _ALL_CAPS.fullmatch(name):
        return "constant"
    if re.search(r"(_t|_st|_enum|_params)$", name) or name[0].isupper():
        return "type"
    return "function"


def runtime_family(name: str, kind: str, section: str = "") -> str:
    """Return the cuda-runtime sub-family: name rules, then HIPIFY's section, then .types or the parent."""
    fam = family_of(name)
    if fam:
        return fam
    if kind == "function" and section in HIP_RUNTIME_SECTIONS:
        return f"cuda-runtime.{HIP_RUNTIME_SECTIONS[section]}"
    return "cuda-runtime" if kind == "function" else "cuda-runtime.types"


def classify(name: str, hip_kind: str = "", section: str = "") -> tuple[str, str]:
    """Return (family, kind) for a name that is not excluded; family '' means unclassified."""
    kind = kind_of(name, hip_kind)
    if is_runtime(name) and name not in CUDA_ONLY_MATH:
        return runtime_family(name, kind, section), kind
    return family_of(name), kind
