"""Python scanner: CUDA ties resolved through imports and aliases, reported at their use site.

The stdlib `ast` walk (python_ast.py) does the work: it is about 20 times faster than the libcst walker and
needs no libcst import, which keeps `portcheck check` quick. libcst (python_cst.py, imported only when needed)
reads what the running interpreter's parser rejects but libcst's grammar knows (syntax newer than the
interpreter). Files no parser accepts (Python 2, broken code) are scanned line by line for the unambiguous
patterns (python_text.py) and reported as partly scanned, with the reason.
"""
from __future__ import annotations

import re

from ..model import ApiUse
from . import ScanOutput, parse_python
from .python_ast import AstWalker

TRIGGER = re.compile(r"cuda|CUDA|nccl|NCCL|cudnn|flash_attn|xformers|apex|bitsandbytes|triton|cupy|pycuda|numba"
                     r"|deepspeed|cpp_extension|transformer_engine|deep_gemm|pynvml|environ|getenv|torch")


def scan_python(path: str, text: str, tables) -> ScanOutput:
    """Find CUDA ties in one Python file; never raises (a scanner bug costs one file, reported, not the scan)."""
    out = ScanOutput()
    if not TRIGGER.search(text):
        return out
    try:
        try:
            tree = parse_python(text)
        except SyntaxError as exc:
            return _not_parsed(out, path, text, tables, f"syntax error at line {exc.lineno}: {exc.msg}",
                               newer_syntax="nested" not in (exc.msg or ""))
        except (RecursionError, MemoryError):
            return _not_parsed(out, path, text, tables, "nesting too deep to parse", newer_syntax=False)
        except ValueError as exc:  # source with NUL bytes
            return _not_parsed(out, path, text, tables, f"cannot parse: {exc}", newer_syntax=False)
        walker = AstWalker(tables, text)
        walker.walk(tree)
        lines = walker.src.lines
        for where, symbol, kind, confidence, detail, family in walker.hits:
            if callable(where):
                where = where()
                if where is None:
                    continue
            line, col, end_line, end_col = where
            source = lines[line - 1] if 0 < line <= len(lines) else ""
            out.uses.append(ApiUse(path, line, col, end_line, end_col, "python", kind, symbol, family, source,
                                   confidence, detail))
        out.uses.sort(key=lambda u: (u.line, u.column, u.symbol))
    except RecursionError:
        out.uses.clear()
        out.partial = "nesting too deep; not scanned"
    except Exception as exc:  # noqa: BLE001 - a scanner bug must cost one file, not the scan
        out.uses.clear()
        out.partial = f"python scanner error: {type(exc).__name__}: {exc}; not scanned"
    return out


def _not_parsed(out: ScanOutput, path: str, text: str, tables, reason: str, newer_syntax: bool) -> ScanOutput:
    """libcst for syntax newer than this interpreter; otherwise the line-level scan, reported as partial."""
    from .python_text import cst_may_try, textual_uses  # only for files the parser rejects

    if newer_syntax and cst_may_try(text):
        from .python_cst import scan_cst  # imports libcst: only here
        if scan_cst(path, text, tables, out):
            return out
    from .pyrules import Rules
    out.uses = textual_uses(path, text, Rules(tables))
    out.partial = f"{reason}; scanned as text only"
    return out
