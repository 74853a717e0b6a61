"""Helpers shared by the table generators in tools/ (imported by them; not a command)."""
from __future__ import annotations

import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def hand_written(backend: str, out: Path) -> set[str]:
    """Exact names with an entry in the backend's other table files than `out` (they decide; a generator leaves
    them alone)."""
    names: set[str] = set()
    for p in sorted((ROOT / "mappings" / backend).glob("*.yaml")):
        if p == out:
            continue
        for e in (yaml.safe_load(p.read_text(encoding="utf-8")) or {}).get("entries") or []:
            names.update(str(n) for n in ([e["symbol"]] if "symbol" in e else e.get("symbols") or []))
    return names


def code_only(source: str) -> str:
    """C/C++ source with comments and string / character literals blanked (newlines kept, so line numbers hold;
    `#include` lines kept whole): a name a generator cites must be written in code, not in a commented-out call or
    an error message."""
    out: list[str] = []
    i, n = 0, len(source)
    while i < n:
        c = source[i]
        if c == "#" and source.startswith("#include", i) and source[source.rfind("\n", 0, i) + 1:i].strip() == "":
            j = source.find("\n", i)
            j = n if j < 0 else j
            out.append(source[i:j])  # an include's path is code, not a string literal
            i = j
            continue
        if c == "/" and source.startswith("//", i):
            j = source.find("\n", i)
            j = n if j < 0 else j
        elif c == "/" and source.startswith("/*", i):
            j = source.find("*/", i + 2)
            j = n if j < 0 else j + 2
        elif c in "\"'":
            j = i + 1
            while j < n and source[j] != c and source[j] != "\n":
                j += 2 if source[j] == "\\" else 1
            j = min(j + 1, n)
        else:
            out.append(c)
            i += 1
            continue
        out.append("".join(ch if ch == "\n" else " " for ch in source[i:j]))
        i = j
    return "".join(out)


def fresh_tables(*outs: Path):
    """portcheck's tables as the other files make them: each generated file in `outs` is blanked first, so a previous
    output never decides what a family default or another row says."""
    for out in outs:
        out.write_text("entries: []\n", encoding="utf-8")
    if str(ROOT / "src") not in sys.path:
        sys.path.insert(0, str(ROOT / "src"))
    from portcheck.tables import load_tables

    return load_tables()
