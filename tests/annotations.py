"""Read expected findings annotated on fixture lines (pylint-functional style).

A line ending in ``# [torch.cuda.synchronize]`` (Python, CMake, requirements) or ``// [cudaMalloc, cudaFree]``
(C/C++/CUDA) expects exactly those symbols on that line. A fixture with no annotation expects no finding.
An annotation may name a symbol several times (``// [atomicAdd, atomicAdd]``) when it occurs several times.
"""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

_ANNOT = re.compile(r"(?:#|//)\s*\[([^\[\]]+)\]\s*$")


def expected(path: Path) -> Counter[tuple[int, str]]:
    """(line, symbol) pairs the fixture expects, with multiplicity."""
    out: Counter[tuple[int, str]] = Counter()
    text = path.read_text(encoding="utf-8")
    for n, line in enumerate(text.splitlines(), start=1):
        m = _ANNOT.search(line)
        if m:
            for sym in m.group(1).split(","):
                sym = sym.strip()
                if sym:
                    out[(n, sym)] += 1
    return out


def found(uses) -> Counter[tuple[int, str]]:
    return Counter((u.line, u.symbol) for u in uses)


def diff(exp: Counter, got: Counter) -> str:
    """Readable difference, empty when equal."""
    missing = exp - got
    extra = got - exp
    lines = [f"  missing line {ln}: {sym}" for (ln, sym) in sorted(missing)]
    lines += [f"  unexpected line {ln}: {sym}" for (ln, sym) in sorted(extra)]
    return "\n".join(lines)
