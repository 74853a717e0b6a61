"""Cheap byte-level tests that decide whether a file needs a parse at all (most files mention no CUDA)."""
from __future__ import annotations

import re

# A file that matches none of these cannot produce a finding for that scanner. tests/test_prefilter.py checks
# every catalog symbol against them, so a new family cannot silently fall through.
PREFILTERS: dict[str, re.Pattern[bytes]] = {
    "python": re.compile(
        rb"cuda|CUDA|nccl|NCCL|cudnn|torch|flash_attn|xformers|apex|bitsandbytes|triton|cupy|pycuda|numba|deepspeed"
        rb"|cpp_extension|transformer_engine|deep_gemm|pynvml|nvidia|environ|getenv|nvtx|CUBLAS|CUDNN|PYTORCH_"
        rb"|mamba_ssm|causal_conv1d|flashinfer"),
    "cuda": re.compile(
        rb"cu|CU|nccl|NCCL|nvtx|NVTX|nvrtc|NVRTC|npp|NPP|nvjpeg|NVJPEG|__|<<<|warpSize|threadIdx|blockIdx|blockDim"
        rb"|gridDim|atomic|asm|wmma|mma|thrust|cutlass|cute|half|bfloat16|fp8|tex[123]D|surf[123]D|C10_|AT_|at::k"
        rb"|is_cuda|CUDA|dim3|clock64|Cubemap|texture|surface|cooperative_groups|THC|PhiloxCuda|_types\.h"
        rb"|_functions\.h|_intrinsics\.h|math_|nvblas|nvToolsExt|_launch_parameters|host_(?:defines|config)"
        rb"|channel_descriptor|Cupti|NVBLAS|NVCL|NVFFT|Npp|CIG_|Info|cl_|libraryPropertyType|pi\b|pif\b|bessel|erf"
        rb"|fdividef|h2|\bh[a-z]+\d*\b|mul24|mul64hi|norm|rcbrt|rhypot|rsqrt"),
    "cmake": re.compile(rb"CUDA|cuda|nvcc|NVCC"),
    "setup": re.compile(rb"nvcc|cuda|CUDA|gencode|compute_|sm_\d"),
    "requirements": re.compile(rb"(?i)flash|xformers|apex|bitsandbytes|triton|cupy|pycuda|nvidia|cu1\d|deepspeed"
                               rb"|transformer|gemm|nvml|mamba|causal|vllm|flashinfer|tensorrt|numba|cuda"),
    "pyproject": re.compile(rb"(?i)flash|xformers|apex|bitsandbytes|triton|cupy|pycuda|nvidia|cu1\d|deepspeed"
                            rb"|transformer|gemm|nvml|mamba|causal|vllm|flashinfer|tensorrt|numba|cuda"),
    # project signals for the effort model (scanners/signals.py)
    "signals": re.compile(rb"get_accelerator|torch\.accelerator|accelerate|current_platform|Accelerator|OpBuilder"
                          rb"|register_kernel|library\.impl|Builder|op_builder|Backend|Platform|\.def\s*\(|\.impl\s*\(|TORCH_LIBRARY|ROCM|HIP"),
}


# signals also reports guarded imports of CUDA-only packages: whatever the python prefilter lets through
PREFILTERS["signals"] = re.compile(PREFILTERS["signals"].pattern + rb"|" + PREFILTERS["python"].pattern)


def needs_scan(scanner: str, data: bytes) -> bool:
    rx = PREFILTERS.get(scanner)
    return rx is None or rx.search(data) is not None
