"""Project signals for the effort model: not CUDA ties, but facts that change what a port costs.

- `marker.accelerator`: the code reaches the device through an abstraction (DeepSpeed `get_accelerator()`,
  `torch.accelerator`, Hugging Face `accelerate`, a `current_platform` object) or implements one
  (`class CUDA_Accelerator(DeepSpeedAccelerator)`);
- `marker.op-builder`: kernels are built by per-accelerator op builders (`class FusedAdamBuilder(CUDAOpBuilder)`),
  so a backend without them still runs (the op is reported unavailable);
- `marker.torch-fallback`: a pure-PyTorch implementation is registered beside the kernels
  (`@register_kernel("pkg::op", "default")`, `torch.library.impl(..., "CompositeExplicitAutograd")`, a
  `class CPUBackend(Backend)` among per-device backends);
- `marker.op-load`: Python that loads such an op (`FusedAdamBuilder().load()`, `create_op_builder(...)`);
- `marker.guarded-import`: a CUDA-only package imported inside a block (try/except ImportError, an availability
  check, a function), i.e. an optional integration;
- `marker.binding`: an op a C++ extension exposes (`m.def("rms_norm", ...)`, `ops.def("rms_norm(...)")`);
- `marker.rocm-branch`: a preprocessor branch taken only on ROCm/HIP (`#ifdef USE_ROCM` ... `#else`); its
  `line`..`end_line` are the branch's lines.

Markers are found on the text with comments and strings left in place, line by line: they are hints for the
estimate, never findings, and a wrong one costs a discount, not a missed tie.
"""
from __future__ import annotations

import re

from ..model import ApiUse
from . import ScanOutput

_PY = [
    ("marker.accelerator", re.compile(r"\bget_accelerator\s*\(\s*\)"), "get_accelerator()"),
    ("marker.accelerator", re.compile(r"\btorch\.accelerator\.\w+"), "torch.accelerator"),
    ("marker.accelerator", re.compile(r"^\s*(?:from\s+accelerate(?:\.\w+)*\s+import|import\s+accelerate\b)"),
     "accelerate"),
    ("marker.accelerator", re.compile(r"\bcurrent_platform\.\w+"), "current_platform"),
    ("marker.accelerator", re.compile(r"^\s*class\s+(\w+)\s*\(\s*(?:\w+\.)*\w*Accelerator\s*\)"), None),
    ("marker.torch-fallback", re.compile(r"^\s*class\s+((?:CPU|Cpu|Default)\w*)\s*\(\s*(?:\w+\.)*\w*Backend\s*\)"), None),
    ("marker.accelerator", re.compile(r"^\s*class\s+(\w*(?:CPU|Cpu|CUDA|Cuda|ROCm|Rocm|XPU|Xpu|NPU|Npu|MPS|Mps|HPU|Hpu|MLU|Mlu"
                                      r"|MUSA|Musa)\w*)\s*\(\s*(?:\w+\.)*\w*(?:Backend|Platform)\s*\)"), None),
    ("marker.op-builder", re.compile(r"^\s*class\s+(\w+)\s*\(\s*(?:\w+\.)*\w*OpBuilder\s*\)"), None),
    ("marker.op-load", re.compile(r"\b(\w+Builder)\s*\(\s*\)\s*\.\s*load\s*\(|\b(?:create_op_builder|get_op_builder)\s*\("),
     "op builder load"),
    ("marker.torch-fallback",
     re.compile(r"""\bregister_kernel\s*\(\s*['"][\w:.]+['"]\s*,\s*['"](?:default|cpu)['"]"""), "default kernel"),
    ("marker.torch-fallback",
     re.compile(r"""\blibrary\.impl\s*\([^)]*['"](?:CompositeExplicitAutograd|CompositeImplicitAutograd|default)['"]"""),
     "composite kernel"),
]
_PY_FILTER = re.compile(r"get_accelerator|torch\.accelerator|accelerate|current_platform|Accelerator|OpBuilder"
                        r"|register_kernel|library\.impl|Builder|op_builder|Backend|Platform")

# An import that is not at the top of the module (inside try/except ImportError, `if is_x_available():` or a
# function): the package is an optional integration, not a hard dependency.
_GUARDED_IMPORT = re.compile(r"^[ \t]+(?:from[ \t]+([A-Za-z_][\w.]*)[ \t]+import\b|import[ \t]+([A-Za-z_][\w.]*))")

_BINDING = re.compile(r"""\b(?:m|ops|module|handle|\w+_ops)\s*\.\s*(?:def|impl)\s*\(\s*(?:TORCH_SELECTIVE_SCHEMA\s*\(\s*)?"(\w+)""")
_TORCH_LIBRARY = re.compile(r"\bTORCH_LIBRARY(?:_EXPAND|_IMPL|_FRAGMENT)?\s*\(\s*(\w+)")
_CPP_FILTER = re.compile(r"\.def\s*\(|\.impl\s*\(|TORCH_LIBRARY|ROCM|HIP")

# Preprocessor lines: `#if`, `#ifdef`, `#ifndef`, `#elif`, `#else`, `#endif` (line continuations are joined).
_PP = re.compile(r"^\s*#\s*(ifdef|ifndef|if|elif|else|endif)\b(.*)$")
_ROCM_NAME = r"(?:USE_ROCM|__HIP_PLATFORM_AMD__|__HIP_PLATFORM_HCC__|__HIPCC__|__HIP__|USE_HIP|__HIP_DEVICE_COMPILE__)"
_ROCM_IF = re.compile(r"^\s*\(?\s*(?:defined\s*\(?\s*" + _ROCM_NAME + r"\s*\)?|" + _ROCM_NAME + r")\s*\)?\s*(?:&&.*)?$")
_NOT_ROCM_IF = re.compile(r"^\s*!\s*defined\s*\(?\s*" + _ROCM_NAME + r"\s*\)?\s*$")
_COMMENT_TAIL = re.compile(r"\s*(?://.*|/\*.*)$")


def _use(path: str, line: int, end_line: int, text: str, language: str, family: str, symbol: str) -> ApiUse:
    return ApiUse(path, line, 1, end_line, len(text) + 1, language, "marker", symbol, family, text.strip()[:200],
                  "textual")


def scan_signals(path: str, text: str, tables=None) -> ScanOutput:
    out = ScanOutput()
    python = path.endswith((".py", ".pyi"))
    lines = text.split("\n")
    if python:
        roots = _package_roots(tables)
        if roots:
            for no, line in enumerate(lines, 1):
                if line[:1] in (" ", "\t"):
                    m = _GUARDED_IMPORT.match(line)
                    mod = (m.group(1) or m.group(2)) if m else ""
                    root = next((r for r in roots if mod == r or mod.startswith(r + ".")), None) if mod else None
                    if root is not None:
                        out.markers.append(_use(path, no, no, line, "python", "marker.guarded-import", root))
        if not _PY_FILTER.search(text):
            return out
        for no, line in enumerate(lines, 1):
            stripped = line.lstrip()
            if stripped.startswith("#") or not _PY_FILTER.search(line):
                continue
            for family, rx, name in _PY:
                m = rx.search(line)
                if m:
                    out.markers.append(_use(path, no, no, line, "python", family, name or m.group(1)))
                    break
        return out
    if not _CPP_FILTER.search(text):
        return out
    for no, line in enumerate(lines, 1):
        if ".def" in line or ".impl" in line:
            m = _BINDING.search(line)
            if m:
                out.markers.append(_use(path, no, no, line, "cpp", "marker.binding", m.group(1)))
        elif "TORCH_LIBRARY" in line:
            m = _TORCH_LIBRARY.search(line)
            if m:
                out.markers.append(_use(path, no, no, line, "cpp", "marker.binding", "TORCH_LIBRARY " + m.group(1)))
    out.markers.extend(rocm_branches(path, lines))
    return out


def _package_roots(tables) -> frozenset[str]:
    if tables is None:
        return frozenset()
    from .pyrules import package_roots

    return package_roots(tables)


def rocm_branches(path: str, lines: list[str]) -> list[ApiUse]:
    """The line ranges of preprocessor branches taken only when compiling for ROCm/HIP.

    `#ifdef USE_ROCM` / `#if defined(USE_ROCM)` (also with `&& more`) open a ROCm branch that ends at its `#elif`,
    `#else` or `#endif`; `#ifndef USE_ROCM` / `#if !defined(USE_ROCM)` make the `#else` branch the ROCm one.
    Nested conditions inside a ROCm branch stay in it. Anything else (`#if CUDA_VERSION >= 11000`) is not a
    platform branch.
    """
    found: list[ApiUse] = []
    # stack of [kind, start line of the current ROCm branch or 0]; kind: "rocm" (if-branch is ROCm),
    # "notrocm" (else-branch is ROCm) or "other"
    stack: list[list] = []
    i = 0
    n = len(lines)
    while i < n:
        line = lines[i]
        start = i
        while line.endswith("\\") and i + 1 < n:  # joined continuation lines
            i += 1
            line = line[:-1] + " " + lines[i]
        i += 1
        m = _PP.match(line)
        if m is None:
            continue
        op, cond = m.group(1), _COMMENT_TAIL.sub("", m.group(2)).strip()
        no = start + 1
        if op in ("if", "ifdef", "ifndef"):
            if op == "ifdef":
                kind = "rocm" if re.fullmatch(_ROCM_NAME, cond) else "other"
            elif op == "ifndef":
                kind = "notrocm" if re.fullmatch(_ROCM_NAME, cond) else "other"
            else:
                kind = "rocm" if _ROCM_IF.match(cond) else ("notrocm" if _NOT_ROCM_IF.match(cond) else "other")
            stack.append([kind, no if kind == "rocm" else 0])
        elif op in ("elif", "else") and stack:
            top = stack[-1]
            if top[1]:
                found.append(_use(path, top[1], no - 1, lines[top[1] - 1], "cpp", "marker.rocm-branch", "USE_ROCM"))
                top[1] = 0
            if op == "else" and top[0] == "notrocm":
                top[1] = no
            top[0] = "other" if op == "elif" else top[0]
        elif op == "endif" and stack:
            top = stack.pop()
            if top[1]:
                found.append(_use(path, top[1], no, lines[top[1] - 1], "cpp", "marker.rocm-branch", "USE_ROCM"))
    return found
