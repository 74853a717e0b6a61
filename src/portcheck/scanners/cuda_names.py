"""Turn C/C++ tokens, qualified names and include paths into canonical CUDA symbols (see mappings/README.md)."""
from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from ..tables import Tables

# Namespaces whose every member is a CUDA tie, longest first: (prefix, family). `cuda::` alone is libcu++, but
# `cuda::getCurrentCUDAStream` inside `namespace at {` is ATen's: classify() tries at::cuda / c10::cuda first.
NAMESPACES: tuple[tuple[str, str], ...] = (
    ("at::cuda::", "torch-cpp.cuda"),
    ("c10::cuda::", "torch-cpp.cuda"),
    ("torch::cuda::", "torch-cpp.cuda"),
    ("cooperative_groups::", "kernel.cooperative-groups"),
    ("cudnn_frontend::", "cudnn"),
    ("nvcuda::", "kernel.tensor-core"),
    ("cutlass::", "cutlass"),
    ("thrust::", "thrust"),
    ("nvtx3::", "nvtx"),
    ("cute::", "cutlass"),
    ("cub::", "cub"),
    ("cuda::", "libcudacxx"),
)
# Literal heads searched for qualified names (besides recognised words); `wmma::` means nvcuda::wmma.
HEADS: tuple[bytes, ...] = (b"cuda::", b"cub::", b"thrust::", b"cutlass::", b"cute::", b"nvcuda::", b"wmma::",
                            b"cooperative_groups::", b"cudnn_frontend::", b"nvtx3::", b"DeviceType::CUDA",
                            b"DispatchKey::CUDA", b"kCUDA")

# Include folders whose every header is a CUDA tie: (prefix, family).
INCLUDE_FOLDERS: tuple[tuple[str, str], ...] = (
    ("ATen/cuda/", "torch-cpp.cuda"), ("ATen/native/cuda/", "torch-cpp.cuda"), ("ATen/cudnn/", "torch-cpp.cuda"),
    ("c10/cuda/", "torch-cpp.cuda"), ("THC/", "torch-cpp.cuda"), ("torch/csrc/cuda/", "torch-cpp.cuda"),
    ("cub/", "cub"), ("thrust/", "thrust"),
    ("cutlass/", "cutlass"), ("cute/", "cutlass"), ("cuda/", "libcudacxx"), ("nv/", "libcudacxx"),
    ("cooperative_groups/", "kernel.cooperative-groups"), ("nvtx3/", "nvtx"), ("cudnn_frontend/", "cudnn"),
    ("crt/", "cuda-runtime"),
)

# Names that are ordinary words in C++: reported only in a type context (checked by the scanner).
CONTEXT_WORDS = frozenset({"half", "texture", "surface"})
# Unqualified names that become CUDA names after `using namespace nvcuda::wmma` / `using namespace cooperative_groups`.
WMMA_BARE = frozenset({"fragment", "matrix_a", "matrix_b", "accumulator", "row_major", "col_major", "mem_row_major",
                       "mem_col_major", "load_matrix_sync", "store_matrix_sync", "mma_sync", "fill_fragment"})
CG_BARE = frozenset({"this_thread_block", "thread_block", "tiled_partition", "thread_block_tile", "grid_group",
                     "this_grid", "coalesced_threads", "coalesced_group", "this_cluster", "cluster_group"})
TORCH_HEADS = frozenset({"at", "c10", "torch"})

# Catalog kinds (as the table authors write them) -> ApiUse kinds.
KIND_MAP = {"function": "call", "enum": "constant", "enumerator": "constant", "define": "macro", "typedef": "type",
            "struct": "type", "class": "type", "variable": "identifier"}
_API_KINDS = frozenset({"call", "type", "constant", "macro", "intrinsic", "qualifier", "namespace", "method",
                        "kernel-def", "device-function", "launch", "asm", "include"})


class Name(NamedTuple):
    symbol: str
    family: str
    kind: str  # catalog kind or "" (decided from the context by api_kind)
    offset: int  # byte offset of the reported part inside the token
    length: int
    detail: str = ""


def namespace_family(name: str) -> str:
    """Family of a fully qualified name (or a bare namespace) that lives in a CUDA namespace, else ''."""
    for prefix, fam in NAMESPACES:
        if name.startswith(prefix) or name == prefix[:-2]:
            return fam
    return ""


def expand_alias(parts: list[str], aliases: dict[str, str]) -> list[str]:
    """Apply `namespace cg = cooperative_groups;` aliases and read `wmma::` as `nvcuda::wmma::`."""
    if parts[0] in aliases:
        parts = aliases[parts[0]].split("::") + parts[1:]
    if parts[0] == "wmma":
        parts = ["nvcuda"] + parts
    return parts


def classify(token: str, tables: Tables, aliases: dict[str, str], bare: dict[str, str]) -> Name | None:
    """Canonical CUDA name of one token (`cudaMalloc`, `::cudaFree`, `at::cuda::getCurrentCUDAStream`, ...)."""
    lead = 2 if token.startswith("::") else 0
    text = token[lead:]
    if "::" not in text:
        if text in bare:
            return Name(bare[text], tables.family_of(bare[text]) or namespace_family(bare[text]), "", lead,
                        len(text), f"written {text}")
        if text == "kCUDA":
            return Name("at::kCUDA", "torch-cpp.dispatch", "constant", lead, len(text), "written kCUDA")
        entry = tables.recognize(text)
        if entry is None:
            return None
        return Name(text, entry.family, entry.kind, lead, len(text))
    raw = text.split("::")
    if any(not p for p in raw):
        return None
    parts = expand_alias(raw, aliases)
    name = "::".join(parts)
    detail = f"written {text}" if name != text else ""
    if parts[-1] == "kCUDA" and len(parts) == 2 and parts[0] in TORCH_HEADS:
        return Name("at::kCUDA", "torch-cpp.dispatch", "constant", lead, len(text),
                    "" if text == "at::kCUDA" else f"written {text}")
    if len(parts) >= 2 and parts[-1] == "CUDA" and parts[-2] in ("DeviceType", "DispatchKey"):
        if len(parts) == 2 or (len(parts) == 3 and parts[0] in TORCH_HEADS):
            canon = f"c10::{parts[-2]}::CUDA"
            detail = "" if canon == text else f"written {text}"
            return Name(canon, "torch-cpp.dispatch", "constant", lead, len(text), detail)
    entry = tables.catalog.get(name)
    if entry is not None:
        return Name(name, entry.family, entry.kind, lead, len(text), detail)
    if parts[0] == "cuda":  # inside `namespace at {`, `cuda::X` is at::cuda::X
        for ns in ("at::cuda::", "c10::cuda::"):
            entry = tables.catalog.get(ns + "::".join(parts[1:]))
            if entry is not None:
                return Name(entry.symbol, entry.family, entry.kind, lead, len(text), f"written {text}")
    fam = namespace_family(name)
    if fam:
        return Name(name, fam, "", lead, len(text), detail)
    # A chain such as `Foo::cudaStream_t`: report its rightmost CUDA component.
    pos = len(text)
    for part in reversed(raw):
        pos -= len(part)
        entry = tables.recognize(part)
        if entry is not None and part not in CONTEXT_WORDS:
            return Name(part, entry.family, entry.kind, lead + pos, len(part))
        pos -= 2
    return None


def api_kind(catalog_kind: str, symbol: str, next_char: int) -> str:
    """ApiUse kind from the catalog's kind and the character after the token (`(` call, `<` template...)."""
    kind = KIND_MAP.get(catalog_kind, catalog_kind)
    if kind in _API_KINDS:
        return kind
    if next_char == 0x28:  # (
        return "call"
    last = symbol.rpartition("::")[2]
    if next_char == 0x3C or last.endswith("_t") or (last[:1].isupper() and not last.isupper()):  # <
        return "type"
    if last.isupper() or (last[:1].isupper() and "_" in last and last.replace("_", "").isupper()):
        return "constant"
    return "identifier"


def classify_include(path: str, tables: Tables) -> str:
    """Family of an included header (as written), or '' when it is not a CUDA header."""
    entry = tables.catalog.get(path)
    if entry is not None and entry.kind == "include":
        return entry.family
    for prefix, fam in INCLUDE_FOLDERS:
        if path.startswith(prefix):
            return fam
    if path.startswith("cooperative_groups"):
        return "kernel.cooperative-groups"
    return ""
