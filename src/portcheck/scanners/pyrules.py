"""Rules of the Python scanner that are about Python APIs (device contexts, env access), kept apart from the walk."""
from __future__ import annotations

import re
import weakref

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


# torch modules that serve CPU, CUDA and ROCm builds alike: only the members the catalog lists (CUDAExtension,
# CUDA_HOME, load, ...) are CUDA ties, not every name under them (ROCM_HOME, IS_HIP_EXTENSION, include_paths).
_LISTED_MEMBERS_ONLY = ("torch.utils.cpp_extension.",)

_DERIVED: dict[int, tuple[weakref.ref, dict]] = {}  # id(tables) -> (the tables, values derived from them)


def derived(tables) -> dict:
    """Values computed from the tables alone, kept beside them (not on them: they are pickled) for every file."""
    entry = _DERIVED.get(id(tables))
    if entry is None or entry[0]() is not tables:
        key = id(tables)
        try:
            ref = weakref.ref(tables, lambda _r, key=key: _DERIVED.pop(key, None))
        except TypeError:  # an object without weak references (a test double): nothing is kept
            return {}
        entry = _DERIVED[key] = (ref, {})
    return entry[1]


def package_roots(tables) -> frozenset[str]:
    """Module roots of CUDA-only packages: catalog entries of kind `package` (data), else a built-in list."""
    store = derived(tables)
    roots = store.get("package_roots")
    if roots is None:
        roots = store["package_roots"] = frozenset(
            e.symbol for e in tables.catalog.values() if e.kind == "package") or _DEFAULT_ROOTS
    return roots


class Rules:
    """What both walkers (ast and libcst) share: the alias table, the tie test, families and the list of hits."""

    def __init__(self, tables) -> None:
        self.tables = tables
        self.aliases: dict[str, str] = {"torch": "torch"}  # torch reached without an import (star imports)
        self.roots = package_roots(tables)
        store = derived(tables)
        if "op_gaps" not in store:
            store["op_gaps"] = tables.op_gap_apis
        self.op_gaps: frozenset[str] = store["op_gaps"]
        self.hits: list[tuple] = []  # where (node or position), symbol, kind, confidence, detail, family
        self._ties: dict[str, str | None] = store.setdefault("ties", {})  # a function of the tables alone

    def in_package(self, qual: str) -> bool:
        parts = qual.split(".")
        return any(".".join(parts[:i]) in self.roots for i in range(1, min(len(parts), 4) + 1))

    def is_tie(self, qual: str) -> str | None:
        """The symbol to report for a resolved dotted name, or None when it is not a CUDA tie."""
        try:
            return self._ties[qual]
        except KeyError:
            pass
        sym = self._ties[qual] = self._tie(qual)
        return sym

    def _tie(self, qual: str) -> str | None:
        if is_cuda_python(qual):
            return canonical(qual, self.tables)
        entry = self.tables.catalog.get(qual)
        if entry is not None and entry.kind not in ("device-string", "backend-string", "method", "env-var") and \
                self.tables.families[entry.family].language == "python":
            return qual
        if qual.startswith(_LISTED_MEMBERS_ONLY):  # e.g. cpp_extension.ROCM_HOME is PyTorch's AMD path, not CUDA
            return None
        if qual in self.op_gaps or self.in_package(qual):
            return qual
        return None

    def import_symbol(self, mod: str) -> str | None:
        """Imports are reported for CUDA-only packages; torch.cuda imports are reported where they are used."""
        if mod.startswith(_LISTED_MEMBERS_ONLY) and mod not in self.tables.catalog:
            return None
        return mod if self.in_package(mod) else None

    def import_from(self, mod: str, full: str) -> str | None:
        """`from mod import name` (full = mod.name): the symbol to report, or None."""
        if full.startswith(_LISTED_MEMBERS_ONLY):
            return full if full in self.tables.catalog else None
        return self.import_symbol(full) or (self.import_symbol(mod) and full)

    def add(self, where, symbol: str, kind: str, confidence: str = "resolved", detail: str = "") -> None:
        self.hits.append((where, symbol, kind, confidence, detail, self.family(symbol, kind)))

    def family(self, symbol: str, kind: str) -> str:
        """Family when the syntax decides it; otherwise '' and the engine asks the catalog."""
        if kind == "env-var":
            return "env.nccl" if symbol.startswith(("NCCL_", "TORCH_NCCL_")) else "env"
        if symbol in self.op_gaps and not is_cuda_python(symbol) and symbol not in self.tables.catalog:
            return "torch-op"
        parts = symbol.split(".")
        for root in (".".join(parts[:2]), parts[0]):
            entry = self.tables.catalog.get(root)
            if root in self.roots and entry is not None:
                return entry.family
        return ""
