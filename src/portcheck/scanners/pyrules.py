"""Rules of the Python scanner that are about Python APIs (device contexts, env access), kept apart from the walk."""
from __future__ import annotations

import re

# Calls whose first positional argument is a device (or device type).
DEVICE_CALLS = frozenset({
    "torch.device", "torch.autocast", "torch.amp.autocast", "torch.amp.GradScaler", "torch.Generator",
    "torch.get_device_module", "torch.cuda.amp.GradScaler",
})
# Keywords that take a device in any call.
DEVICE_KWARGS = frozenset({"device", "map_location", "device_type", "device_map", "device_ids", "output_device"})
ENV_CALLS = frozenset({"os.environ.get", "os.getenv", "os.environ.setdefault", "os.environ.pop", "os.putenv",
                       "os.unsetenv", "os.environ.__getitem__"})
PG_CALLS = frozenset({"torch.distributed.init_process_group", "torch.distributed.new_group",
                      "torch.distributed.new_subgroups", "torch.distributed.device_mesh.init_device_mesh"})
CUDA_PREFIXES = ("torch.cuda", "torch.backends.cudnn", "torch.backends.cuda")
# Environment variables are ties when the catalog lists them or they carry a CUDA/NCCL prefix; a string only
# counts inside an os.environ / getenv context, so project macros in C++ are never affected by this rule.
ENV_RX = re.compile(r"^(?:CUDA_|NCCL_|TORCH_NCCL_|PYTORCH_CUDA_|PYTORCH_NO_CUDA_|PYTORCH_NVML_|CUDNN_|CUBLAS_|"
                    r"CUBLASLT_|TORCH_CUDA_|TORCH_CUDNN_|NVIDIA_|NVTE_|CUPY_|TRITON_CUDA|NV_)[A-Z0-9_]*$")
DEVICE_RX = re.compile(r"^cuda(?::\d+)?$")
_SUBMODULES = ("memory.", "random.", "graphs.", "streams.", "amp.autocast_mode.", "amp.grad_scaler.")


def is_cuda_python(qual: str) -> bool:
    return any(qual == p or qual.startswith(p + ".") for p in CUDA_PREFIXES)


def canonical(qual: str, tables) -> str:
    """The catalog's name for a torch.cuda attribute (submodule paths fold into the re-exported torch.cuda.X)."""
    cat = tables.catalog
    if qual in cat:
        return qual
    if qual.startswith("torch.cuda."):
        rest = qual[len("torch.cuda."):]
        for sub in _SUBMODULES:
            if rest.startswith(sub):
                cand = "torch.cuda." + rest[len(sub):]
                if cand in cat:
                    return cand
                cand = "torch.cuda.amp." + rest[len(sub):]
                if sub.startswith("amp.") and cand in cat:
                    return cand
    return qual


def device_string(s: str) -> bool:
    return bool(DEVICE_RX.match(s.strip()))


def env_name_counts(name: str, tables) -> bool:
    entry = tables.catalog.get(name)
    if entry is not None and entry.family.startswith("env"):
        return True
    return bool(ENV_RX.match(name))


_DEFAULT_ROOTS = frozenset({"flash_attn", "xformers", "apex", "bitsandbytes", "triton", "cupy", "pycuda",
                            "numba.cuda", "deepspeed.ops", "transformer_engine", "deep_gemm", "pynvml",
                            "torch.utils.cpp_extension", "flashinfer", "vllm._C", "mamba_ssm", "causal_conv1d"})


def package_roots(tables) -> frozenset[str]:
    """Module roots of CUDA-only packages: catalog entries of kind `package` (data), else a built-in list."""
    roots = getattr(tables, "_package_roots", None)
    if roots is None:
        roots = frozenset(e.symbol for e in tables.catalog.values() if e.kind == "package") or _DEFAULT_ROOTS
        try:
            tables._package_roots = roots
        except AttributeError:
            pass
    return roots
