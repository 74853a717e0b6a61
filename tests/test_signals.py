"""Project signals for the effort model (scanners/signals.py): exact markers at exact lines."""
from __future__ import annotations

import pytest

from portcheck.scanners.signals import rocm_branches, scan_signals
from portcheck.tables import load_tables


@pytest.fixture(scope="module")
def tables():
    return load_tables()


def _markers(path: str, text: str, tables=None) -> list[tuple[str, int, int, str]]:
    return [(m.family, m.line, m.end_line, m.symbol) for m in scan_signals(path, text, tables).markers]


ROCM = """#include <cuda_fp16.h>
#ifdef USE_ROCM
  #include <hip/hip_fp16.h>
  #define WARP 64
#else
  #define WARP 32
#endif
#ifndef USE_ROCM
  __device__ int lane() { return threadIdx.x & 31; }
#else
  __device__ int lane() { return threadIdx.x & 63; }
  #if defined(__gfx90a__)
    #define MI200 1
  #endif
#endif
#if defined(USE_ROCM) && defined(ENABLE_FP8)
  using fp8 = hip_fp8;
#elif CUDA_VERSION >= 11080
  using fp8 = __nv_fp8_e4m3;
#endif
#if CUDA_VERSION >= 11000 \\
    && !defined(USE_ROCM)
  int cuda_only = 1;
#endif
"""


def test_rocm_branches_are_the_lines_only_rocm_compiles():
    found = [(m.line, m.end_line) for m in rocm_branches("k.cu", ROCM.split("\n"))]
    # #ifdef USE_ROCM: lines 2-4 (closed by #else); #ifndef's #else branch: 10-15; `defined(USE_ROCM) && ...`: 16-17.
    # A CUDA_VERSION test (line 20) is not a platform branch, even with `!defined(USE_ROCM)` in it.
    assert found == [(2, 4), (10, 15), (16, 17)]


def test_cpp_bindings_and_rocm_markers():
    text = ('#include <torch/extension.h>\n'
            'PYBIND11_MODULE(TORCH_EXTENSION_NAME, m) {\n'
            '  m.def("rms_norm", &rms_norm, "RMSNorm");\n'
            '  ops.def("rotary_embedding(Tensor positions) -> ()");\n'
            '}\n'
            'TORCH_LIBRARY(_C, ops) {}\n'
            '#ifdef USE_ROCM\n'
            'int x;\n'
            '#endif\n')
    assert _markers("csrc/torch_bindings.cpp", text) == [
        ("marker.binding", 3, 3, "rms_norm"), ("marker.binding", 4, 4, "rotary_embedding"),
        ("marker.binding", 6, 6, "TORCH_LIBRARY _C"), ("marker.rocm-branch", 7, 9, "USE_ROCM")]


def test_python_abstractions_builders_and_fallbacks(tables):
    text = ("import torch\n"                                                   # 1
            "from accelerate import Accelerator\n"                             # 2
            "from deepspeed.accelerator import get_accelerator\n"              # 3
            "# get_accelerator() in a comment is no signal\n"                  # 4
            "dev = get_accelerator().device_name()\n"                          # 5
            "n = torch.accelerator.device_count()\n"                           # 6
            "class CUDA_Accelerator(DeepSpeedAccelerator):\n"                  # 7
            "    pass\n"                                                       # 8
            "class FusedAdamBuilder(CUDAOpBuilder):\n"                         # 9
            "    pass\n"                                                       # 10
            "mod = FusedAdamBuilder().load()\n"                                # 11
            "@register_kernel(\"bitsandbytes::dequantize_4bit\", \"default\")\n"  # 12
            "def _(A): ...\n"                                                  # 13
            "class CPUBackend(Backend):\n"                                     # 14
            "    pass\n"                                                       # 15
            "try:\n"                                                           # 16
            "    import flash_attn\n"                                          # 17
            "except ImportError:\n"                                            # 18
            "    from deepspeed.ops.adam import FusedAdam\n"                   # 19
            "import triton\n")                                                 # 20
    assert _markers("pkg/mod.py", text, tables) == [
        ("marker.guarded-import", 17, 17, "flash_attn"),
        ("marker.guarded-import", 19, 19, "deepspeed.ops"),
        ("marker.accelerator", 2, 2, "accelerate"),
        ("marker.accelerator", 5, 5, "get_accelerator()"),
        ("marker.accelerator", 6, 6, "torch.accelerator"),
        ("marker.accelerator", 7, 7, "CUDA_Accelerator"),
        ("marker.op-builder", 9, 9, "FusedAdamBuilder"),
        ("marker.op-load", 11, 11, "op builder load"),
        ("marker.torch-fallback", 12, 12, "default kernel"),
        ("marker.torch-fallback", 14, 14, "CPUBackend"),
    ]


def test_plain_files_have_no_markers(tables):
    assert _markers("a.py", "import torch\nx = torch.zeros(3).cuda()\n", tables) == []
    assert _markers("k.cu", "__global__ void k() {}\n") == []
