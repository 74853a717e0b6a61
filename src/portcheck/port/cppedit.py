"""C, C++ and CUDA rewrites as byte-range replacements at the places the CUDA scanner found (tree-sitter).

The scanner already parses with tree-sitter-cuda, blanks comments, string and character literals (also inside
macro bodies, which the grammar hands over as raw text) and reports each CUDA name with its byte range. This module
replaces exactly those ranges whose verdict is `rename` with a target; every other byte stays as it is.

Preprocessor handling, stated once:
- `#if` / `#ifdef` / `#else` branches are not evaluated: tree-sitter parses every branch, so a name is renamed in
  whichever branch it appears (a name in a `#ifdef USE_ROCM` branch is a HIP name and not a CUDA finding, so such
  branches do not change). Names in `#if` conditions (`CUDA_VERSION`) are renamed like any other name.
- Names in `#define` bodies are renamed token by token (strings and comments in the body are lexed out first);
  names a macro builds by token pasting (`cuda##Malloc`) are not seen and stay.
- `#include <header>` paths are replaced where the tables name the vendor header (a target written with its
  delimiters, `"torch_musa/csrc/core/MUSAGuard.h"`, replaces the `<...>` too); `#include MACRO` stays.
- A region tree-sitter could not fit to the grammar (an ERROR node, e.g. a top-level macro call) is still edited
  token by token: its comments and strings are lexed as such. A file whose ERROR regions hold bytes no C/C++ code
  has outside strings and comments (`@`, `$`, a backquote), or whose whole tree is an ERROR, is not C/C++: it is
  left untouched and listed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from ..fileio import normalize
from ..model import ApiUse, Verdict
from ..scanners import ScanOutput
from . import Edit

_QUALIFIED = re.compile(r"^(?:::)?[A-Za-z_]\w*(?:::[A-Za-z_]\w*)*$")
_HEADER = re.compile(r"^(?:[\w./+-]+|\"[\w./+-]+\"|<[\w./+-]+>)$")  # a target with delimiters replaces them too

Lookup = Callable[[ApiUse], "Verdict | None"]


@dataclass
class CppEdits:
    new_data: bytes | None = None
    edits: list[Edit] = field(default_factory=list)
    handled: set[tuple[int, int, str]] = field(default_factory=set)
    not_done: dict[tuple[int, int, str], str] = field(default_factory=dict)
    error: str = ""


_FOREIGN = re.compile(rb"[@$`]")  # never in C/C++ code outside strings and comments
_LEXEMES = frozenset({"comment", "string_literal", "raw_string_literal", "char_literal", "system_lib_string"})


def _foreign_code(root, src: bytes) -> bool:
    """Do tree-sitter's ERROR regions hold bytes no C/C++ code has (outside strings and comments)?

    A region the grammar cannot fit (a top-level macro call such as `FOR_EACH(INST, nv_half, nv_half)`) is still
    C tokens and is edited; bytes like `@`, `$` or a backquote there mean the text is not C/C++ at all."""
    stack = [root]
    while stack:
        n = stack.pop()
        if n.type == "ERROR":
            skip = []
            inner = [n]
            while inner:
                m = inner.pop()
                if m.type in _LEXEMES:
                    skip.append((m.start_byte, m.end_byte))
                else:
                    inner.extend(m.children)
            pos = n.start_byte
            for a, b in sorted(skip) + [(n.end_byte, n.end_byte)]:
                if a > pos and _FOREIGN.search(src, pos, a):
                    return True
                pos = max(pos, b)
            continue
        if n.has_error:
            stack.extend(n.children)
    return False


def rewrite_cpp(path: str, data: bytes, tables, lookup: Lookup) -> CppEdits:
    """Plan and apply the rename edits of one C/C++/CUDA file (raw bytes in, raw bytes out)."""
    from ..scanners.cuda import _parser, _Scan

    bom = b"\xef\xbb\xbf" if data.startswith(b"\xef\xbb\xbf") else b""
    body = data[len(bom):]
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return CppEdits(error="not UTF-8: left as it is")
    text = normalize(text)  # lone CRs -> LFs, same length: byte offsets hold for the original bytes
    src = text.encode("utf-8", "surrogatepass")
    if len(src) != len(body):
        return CppEdits(error="cannot map positions back to the file: left as it is")
    root = _parser().parse(src).root_node
    if root.type == "ERROR" or (root.has_error and _foreign_code(root, src)):
        return CppEdits(error="tree-sitter cannot parse it as C/C++")
    out = ScanOutput()
    scan = _Scan(path, text, tables, out)
    scan.run()
    # byte offset -> (line, column) as the scanner reports them (ApiUse in the same order as the raw list)
    result = CppEdits()
    spans: list[tuple[int, int, bytes]] = []
    raw = sorted(scan.raw)
    uses = out.uses
    if len(uses) != len(raw):
        return CppEdits(error="scanner output does not line up: left as it is")
    for (s, e, symbol, family, kind, detail, textual), use in zip(raw, uses):
        v = lookup(use)
        key = (use.line, use.column, use.symbol)
        if v is None or v.status != "rename":
            continue
        target = v.target
        old = src[s:e].decode("utf-8", "replace")
        if not target or target == symbol:
            continue  # the name stays on this backend
        ok = _HEADER.match(target) if kind == "include" else _QUALIFIED.match(target)
        if not ok:
            result.not_done[key] = f"target {target!r} is not a plain name"
            continue
        new = target
        if kind == "method":  # `x.is_cuda()`: the range is the member name only
            new = target.rpartition("::")[2]
        if kind != "include" and old.startswith("::") and not new.startswith("::"):
            new = "::" + new
        if kind == "include" and target[0] in "<\"":
            if s == 0 or e >= len(src) or src[s - 1:s] not in (b"<", b'"') or src[e:e + 1] not in (b">", b'"'):
                result.not_done[key] = "the include has no delimiters to replace"
                continue
            s, e = s - 1, e + 1
            old = src[s:e].decode("utf-8", "replace")
        if new == old:
            continue
        spans.append((s, e, new.encode("utf-8")))
        result.edits.append(Edit(path, use.line, use.column, symbol, kind, old, new))
        result.handled.add(key)
    if not spans:
        return result
    spans.sort()
    parts: list[bytes] = []
    last = 0
    for s, e, new in spans:
        if s < last:  # overlapping findings (should not happen): keep the first
            continue
        parts.append(body[last:s])
        parts.append(new)
        last = e
    parts.append(body[last:])
    new_data = bom + b"".join(parts)
    if new_data != data:
        result.new_data = new_data
    return result
