"""A line-level fallback for Python files no parser accepts, and the guard in front of libcst.

libcst's native parser overflows the C stack (a segfault, not an exception) on deeply nested input: about 1,200
nested brackets or 5,000 chained operators with an 8 MB stack, so `cst_may_try` vets text before libcst sees it.
Files that no parser accepts (Python 2, broken code) get a textual scan of the unambiguous patterns, reported
with confidence `textual`, and the file is reported as partly scanned.
"""
from __future__ import annotations

import re

from ..model import ApiUse
from .pyrules import Rules, env_name_counts

NEWLINE = re.compile(r"\r\n?|\n")


def line_list(text: str) -> list[str]:
    """The file's lines as Python numbers them (\\n, \\r\\n, \\r only; not str.splitlines' form feeds)."""
    return NEWLINE.split(text)


def cst_may_try(text: str) -> bool:
    """After a stdlib syntax error (Python 3.12+ syntax on an older interpreter): is libcst safe to try?"""
    depth = best = 0
    for m in re.finditer(r"[()\[\]{}]", text):
        depth = depth + 1 if m.group() in "([{" else max(depth - 1, 0)
        best = max(best, depth)
    longest = max((len(x) for x in NEWLINE.split(text)), default=0)
    return best <= 60 and longest <= 4000


# ---------------------------------------------------------------------------------------------- textual fallback
_CHAIN = re.compile(r"\btorch\.(?:cuda|backends\.cudnn|backends\.cuda|version\.cuda)(?:\.[A-Za-z_]\w*)*")
_METHOD = re.compile(r"\.cuda\(")
_IS_CUDA = re.compile(r"\.is_cuda\b")
_IMPORT = re.compile(r"^\s*(?:import\s+([\w.]+)|from\s+([\w.]+)\s+import\b)")
_ENV = re.compile(r"""(["'])([A-Z][A-Z0-9_]{2,})\1""")
_DEVICE = re.compile(r"""(?:\b(?:device|map_location|device_type)\s*=\s*|\.to\(\s*|torch\.device\(\s*|==\s*)"""
                     r"""f?(["'])cuda(?::\d+|:\{[^}]*\})?\1""")
_PROSE = frozenset(" \t\r\n'\"rbuRBUfF")
_BACKEND = re.compile(r"""(?:\bbackend\s*=\s*|init_process_group\(\s*)(["'])nccl\1""")


def textual_uses(path: str, text: str, rules: Rules) -> list[ApiUse]:
    """Unambiguous patterns, line by line, skipping comments and docstring lines."""
    out: list[ApiUse] = []
    in_doc = ""
    for n, line in enumerate(NEWLINE.split(text), start=1):
        code = line
        if in_doc:
            if in_doc in line:
                in_doc = ""
            continue
        for q in ('"""', "'''"):
            if line.count(q) % 2 == 1:
                in_doc = q
                code = line[:line.index(q)]
                break
        code, bare = _split_code(code)
        if set(bare) <= _PROSE:
            continue  # blank, or nothing but a string literal: prose

        def add(start: int, end: int, kind: str, symbol: str, family: str, detail: str = "") -> None:
            out.append(ApiUse(path, n, start + 1, n, end + 1, "python", kind, symbol, family, line, "textual",
                              detail))

        m = _IMPORT.match(code)
        if m:
            mod = m.group(1) or m.group(2)
            if rules.in_package(mod):
                fam = rules.family(mod, "import")
                add(m.start(1) if m.group(1) else m.start(2), m.end(1) if m.group(1) else m.end(2), "import", mod,
                    fam)
            continue
        for m in _CHAIN.finditer(bare):
            sym = rules.is_tie(m.group())
            if sym is not None:
                kind = "call" if bare[m.end():m.end() + 1] == "(" else "attribute"
                add(m.start(), m.end(), kind, sym, rules.family(sym, kind))
        for m in _METHOD.finditer(bare):
            if not bare[:m.start()].endswith("torch"):
                add(m.start() + 1, m.end() - 1, "method", "Tensor.cuda", "torch.device")
        for m in _IS_CUDA.finditer(bare):
            add(m.start() + 1, m.end(), "attribute", "Tensor.is_cuda", "torch.device")
        env_ctx = "environ" in code or "getenv" in code
        for m in _ENV.finditer(code):
            name = m.group(2)
            entry = rules.tables.catalog.get(name)
            if (entry is not None and entry.family.startswith("env")) or (env_ctx and env_name_counts(name, rules.tables)):
                add(m.start(), m.end(), "env-var", name, rules.family(name, "env-var"))
        for m in _DEVICE.finditer(code):
            add(m.start(1), m.end(), "device-string", "device:cuda", "torch.device")
        for m in _BACKEND.finditer(code):
            add(m.start(1), m.end(), "backend-string", "backend:nccl", "torch.distributed")
    return out


def _split_code(line: str) -> tuple[str, str]:
    """(the line without its comment, the same with string contents blanked out), columns preserved."""
    quote = ""
    blank = list(line)
    i = 0
    while i < len(line):
        c = line[i]
        if quote:
            if c == "\\":
                blank[i] = " "
                if i + 1 < len(line):
                    blank[i + 1] = " "
                i += 1
            elif c == quote:
                quote = ""
            else:
                blank[i] = " "
        elif c in "'\"":
            quote = c
        elif c == "#":
            return line[:i], "".join(blank[:i])
        i += 1
    return line, "".join(blank)
