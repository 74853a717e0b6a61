"""The data model: what scanners emit, what matching adds, what reporters read."""
from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any, NamedTuple

SCHEMA_VERSION = "1.0"

# The closed status vocabulary (DESIGN.md section 3). Order = from cheapest to most expensive.
STATUSES: tuple[str, ...] = ("rename", "adapt", "partial", "missing", "unknown")

# What an ApiUse is, syntactically.
KINDS: tuple[str, ...] = (
    "call", "attribute", "type", "constant", "include", "import", "macro", "kernel-def",
    "device-function", "launch", "intrinsic", "qualifier", "asm", "device-string", "backend-string",
    "env-var", "decorator", "build", "dependency", "namespace", "method", "identifier",
)

CONFIDENCES: tuple[str, ...] = ("resolved", "syntactic", "textual")

# How a verdict is known (issue 14): `verified` = the vendor name was found in a vendor list, header or source
# (the ref cites it); `mapped` = a vendor tool's map says so, not confirmed in headers; `inferred` = a family
# default, a prefix rule or no table row at all.
EVIDENCE: tuple[str, ...] = ("verified", "mapped", "inferred")


def _positional(self):
    """`__reduce__` of the slotted dataclasses: positional re-construction unpickles ~40 % faster than the
    slots `__setstate__` (cache loads)."""
    return (type(self), tuple(getattr(self, name) for name in self.__slots__))


@dataclass(frozen=True, slots=True)
class ApiUse:
    """One place where code is tied to CUDA; backend-agnostic."""

    path: str  # relative to the scan root, POSIX separators
    line: int  # 1-based
    column: int  # 1-based
    end_line: int
    end_column: int
    language: str  # python | cuda | cpp | cmake | build-python | requirements | toml
    kind: str
    symbol: str  # canonical CUDA-side name, e.g. torch.cuda.synchronize, cudaMalloc
    family: str = ""  # filled from the catalog when the scanner does not know it
    source: str = ""  # the source line, stripped of its newline
    confidence: str = "resolved"
    detail: str = ""  # scanner's extra words, e.g. "via alias tc" or the device string seen
    in_kernel: str = ""  # name of the enclosing __global__ kernel, if any

    __reduce__ = _positional


class Verdict(NamedTuple):
    """What one backend offers for one CUDA symbol (a NamedTuple: tables hold thousands, and load fast)."""

    status: str
    target: str = ""
    note: str = ""
    ref: str = ""
    rule: str = ""  # which table row decided: exact | family | prefix | package | default
    evidence: str = ""  # how it is known: verified | mapped | inferred (EVIDENCE)

    def __reduce__(self):  # C-level reconstruction (fast cache loads)
        return (tuple.__new__, (Verdict, tuple(self)))


@dataclass(frozen=True, slots=True)
class KernelInfo:
    """A __global__ kernel and the hazardous features it uses."""

    path: str
    name: str
    line: int
    end_line: int
    lines: int
    features: tuple[str, ...] = ()  # sorted names from KERNEL_FEATURES
    feature_counts: tuple[tuple[str, int], ...] = ()

    __reduce__ = _positional


KERNEL_FEATURES: tuple[str, ...] = (
    "shared-memory", "dynamic-shared-memory", "warp-intrinsics", "warp-size-32", "full-lane-mask",
    "atomics", "inline-asm", "tensor-cores", "cooperative-groups", "syncthreads", "textures",
    "ldg", "fp16-bf16", "fp8", "device-calls",
)


@dataclass(frozen=True, slots=True)
class SkippedFile:
    path: str
    reason: str
    partial: bool = False  # True: scanned in part (e.g. decoded with replacement characters)

    __reduce__ = _positional


@dataclass(frozen=True, slots=True)
class Suppression:
    """A finding silenced by an inline `portcheck: ignore` comment."""

    path: str
    line: int
    symbol: str
    reason: str = ""

    __reduce__ = _positional


@dataclass(frozen=True, slots=True)
class Finding:
    use: ApiUse
    verdicts: tuple[tuple[str, Verdict], ...]  # (backend id, verdict), in backend order
    fingerprint: str

    __reduce__ = _positional

    def verdict(self, backend: str) -> Verdict | None:
        for b, v in self.verdicts:
            if b == backend:
                return v
        return None


def fingerprint(use: ApiUse) -> str:
    """A stable id for a finding: path, kind, symbol and line text, never the line number."""
    text = " ".join(use.source.split())
    raw = "\x1f".join((use.path, use.kind, use.symbol, text))
    return hashlib.sha1(raw.encode("utf-8", "surrogatepass")).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class FileReport:
    """What a scanner returned for one file."""

    path: str
    language: str
    lines: int
    size: int
    uses: tuple[ApiUse, ...] = ()
    kernels: tuple[KernelInfo, ...] = ()
    skipped: SkippedFile | None = None
    suppressed: tuple[Suppression, ...] = ()
    note: str = ""
    markers: tuple[ApiUse, ...] = ()  # project signals (scanners/signals.py): hints for the effort model, not ties
    problems: tuple = ()  # suppress.SuppressionProblem: suppression comments that silence nothing or name unknowns

    __reduce__ = _positional


@dataclass(frozen=True, slots=True)
class FileStat:
    """Per-file numbers for reports."""

    path: str
    language: str
    lines: int
    size: int
    findings: int
    suppressed: int = 0
    note: str = ""  # how the file was decoded, when it was not clean UTF-8

    __reduce__ = _positional


@dataclass(frozen=True)
class ScanResult:
    """The immutable result every reporter renders."""

    root: str
    findings: tuple[Finding, ...]
    kernels: tuple[KernelInfo, ...]
    files: tuple[FileStat, ...]
    skipped: tuple[SkippedFile, ...]
    suppressed: tuple[Suppression, ...]
    backends: tuple[dict[str, Any], ...]  # backend metadata (id, name, versions)
    effort: dict[str, Any] = field(default_factory=dict)  # per backend id
    metadata: dict[str, Any] = field(default_factory=dict)
    suppression_problems: tuple = ()  # suppress.SuppressionProblem, in path and line order


def as_dict(obj: Any) -> Any:
    """Plain-data view of a model object (dataclasses, tuples) for JSON."""
    return asdict(obj)
