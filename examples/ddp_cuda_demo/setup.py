"""Build the fused CUDA extension: `pip install -e .` (needs nvcc and a CUDA build of PyTorch)."""
import os

from setuptools import setup
from torch.utils.cpp_extension import BuildExtension, CUDAExtension

# A100 and H100 by default; export TORCH_CUDA_ARCH_LIST="8.6" for RTX 30xx cards.
os.environ.setdefault("TORCH_CUDA_ARCH_LIST", "8.0;9.0")

nvcc_flags = [
    "-O3",
    "--use_fast_math",
    "--expt-relaxed-constexpr",
    "-lineinfo",
]
if os.environ.get("FUSED_OPS_DEBUG") == "1":
    nvcc_flags += ["-G", "-Xptxas=-v"]

setup(
    name="ddp-cuda-demo",
    version="0.1.0",
    py_modules=["model", "ops", "triton_ops", "train"],
    ext_modules=[
        CUDAExtension(
            name="fused_ops_cuda",
            sources=["csrc/bindings.cpp", "csrc/fused_ops.cu"],
            extra_compile_args={"cxx": ["-O3", "-std=c++17"], "nvcc": nvcc_flags},
        )
    ],
    cmdclass={"build_ext": BuildExtension},
)
