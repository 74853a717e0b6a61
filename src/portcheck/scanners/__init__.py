"""Language scanners: each turns one file's text into backend-agnostic ApiUse records.

A scanner is a function ``scan(path, text, tables) -> ScanOutput`` where ``path`` is the file's path relative
to the scan root (POSIX), ``text`` its decoded content (``fileio.decode``: lone CRs already turned into LFs) and
``tables`` the loaded mapping tables (for the catalog of real CUDA names). Scanners know languages, never
backends: they must not look at verdicts. They never raise on bad input: a file they cannot parse yields
``partial`` with a reason, and whatever could still be found.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from ..model import ApiUse, KernelInfo
    from ..tables import Tables


@dataclass
class ScanOutput:
    uses: list["ApiUse"] = field(default_factory=list)
    kernels: list["KernelInfo"] = field(default_factory=list)
    partial: str = ""  # non-empty: the file was scanned only in part, and why
    markers: list["ApiUse"] = field(default_factory=list)  # project signals for the effort model (signals.py)


Scanner = Callable[[str, str, "Tables"], ScanOutput]

# scanner name -> "module:function"; imported lazily so `portcheck check` on one language stays fast.
SCANNERS: dict[str, str] = {
    "python": "portcheck.scanners.python:scan_python",
    "cuda": "portcheck.scanners.cuda:scan_cuda",
    "cmake": "portcheck.scanners.build:scan_cmake",
    "setup": "portcheck.scanners.build:scan_setup",
    "requirements": "portcheck.scanners.build:scan_requirements",
    "pyproject": "portcheck.scanners.build:scan_pyproject",
    "signals": "portcheck.scanners.signals:scan_signals",
}

_loaded: dict[str, Scanner] = {}


def parse_python(text: str, filename: str = "<unknown>"):
    """ast.parse without printing the scanned code's own SyntaxWarnings (invalid escapes...) on our stderr."""
    import ast
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ast.parse(text, filename=filename)


def get_scanner(name: str) -> Scanner:
    fn = _loaded.get(name)
    if fn is None:
        mod, _, attr = SCANNERS[name].partition(":")
        fn = _loaded[name] = getattr(importlib.import_module(mod), attr)
    return fn
