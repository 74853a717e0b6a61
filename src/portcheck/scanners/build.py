"""Scan build and dependency files (CMake, setup.py, requirements, pyproject.toml) for CUDA ties.

Which names count is data: the `build.*` families of the catalog (mappings/catalog/build.yaml). This module
knows only the languages: a small CMake tokenizer, the `ast` module for setup.py, pip's requirement-line
grammar and a position-keeping TOML lexer (tomllib only validates; it reports no positions).
"""
from __future__ import annotations

import ast
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from fnmatch import fnmatchcase

from ..model import ApiUse
from ..tables import Tables
from . import ScanOutput

# ----------------------------------------------------------------------------------------------- shared


class _Text:
    """Offsets to 1-based (line, column) and line text, for one file."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def pos(self, off: int) -> tuple[int, int]:
        i = bisect_right(self.starts, off) - 1
        return i + 1, off - self.starts[i] + 1

    def line(self, n: int) -> str:
        start = self.starts[n - 1]
        end = self.text.find("\n", start)
        return self.text[start:end if end >= 0 else len(self.text)].rstrip("\r")


@dataclass
class _Hit:
    off: int
    length: int
    symbol: str
    detail: str = ""
    textual: bool = False  # a pattern-only name the catalog does not list


def _uses(path: str, tx: _Text, hits: list[_Hit], tables: Tables, language: str, kind: str,
          default_family: str) -> list[ApiUse]:
    out = []
    for h in hits:
        line, col = tx.pos(h.off)
        end_line, end_col = tx.pos(h.off + h.length)
        entry = tables.catalog.get(h.symbol)
        family = entry.family if entry is not None else default_family
        out.append(ApiUse(path, line, col, end_line, end_col, language, kind, h.symbol, family, tx.line(line),
                          "textual" if h.textual else "syntactic", h.detail))
    out.sort(key=lambda u: (u.line, u.column, u.symbol))
    return out


@dataclass
class _Index:
    """The build part of the catalog, arranged for matching."""

    words: frozenset[str]  # `cmake:WORD` entries: properties, FindCUDA variables and commands
    word_re: re.Pattern[str] | None
    pip_exact: dict[str, str] = field(default_factory=dict)  # normalised name -> symbol
    pip_globs: list[tuple[str, str]] = field(default_factory=list)  # (pattern, symbol), longest first
    pip_local: dict[str, str] = field(default_factory=dict)  # base name -> `pip:<base>+cuXXX`


_index_cache: dict[int, tuple[object, _Index]] = {}


def _index(tables: Tables) -> _Index:
    cached = _index_cache.get(id(tables))
    if cached is not None and cached[0] is tables.catalog:
        return cached[1]
    words = set()
    ix = _Index(frozenset(), None)
    for sym in tables.catalog:
        if sym.startswith("cmake:") and re.fullmatch(r"[A-Za-z_]\w*", sym[6:]):
            words.add(sym[6:])
        elif sym.startswith("pip:"):
            name = sym[4:]
            if name.endswith("+cuXXX"):
                ix.pip_local[_normalise(name[:-6])] = sym
            elif "*" in name:
                ix.pip_globs.append((_normalise(name), sym))
            else:
                ix.pip_exact[_normalise(name)] = sym
    ix.words = frozenset(words)
    if words:
        alt = "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))
        ix.word_re = re.compile(rf"(?<!\w)(?:{alt})(?!\w)")
    ix.pip_globs.sort(key=lambda t: -len(t[0]))
    _index_cache[id(tables)] = (tables.catalog, ix)
    return ix


# nvcc-only options: a token naming one of these is a flag for nvcc, not for a host compiler.
_NVCC_OPTS = frozenset({
    "-gencode", "--generate-code", "--gpu-architecture", "--gpu-code", "--expt-relaxed-constexpr",
    "--expt-extended-lambda", "--extended-lambda", "-Xcompiler", "--compiler-options", "-Xptxas",
    "--ptxas-options", "-Xcudafe", "-Xfatbin", "-Xnvlink", "-Xarchive", "--use_fast_math", "-use_fast_math",
    "-lineinfo", "--generate-line-info", "-ccbin", "--compiler-bindir", "--default-stream", "-default-stream",
    "-dlto", "--dlink-time-opt", "-rdc", "--relocatable-device-code", "-maxrregcount", "--maxrregcount", "--ftz",
    "-ftz", "--prec-div", "-prec-div", "--prec-sqrt", "-prec-sqrt", "--fmad", "-fmad", "--diag-suppress",
    "-diag-suppress", "--diag_suppress", "-Wno-deprecated-gpu-targets", "--resource-usage", "-res-usage",
    "--device-debug", "--threads", "--keep-device-functions",
})
_ARCH_VALUE = re.compile(r"^(?:sm|compute|lto)_\d+[a-z]?$|^(?:native|all|all-major)$")
_NVCC_PATTERNS = re.compile(r"^-[DU]__CUDA_NO_\w+|^arch=(?:compute|sm)_\w+")
# Options taking a separate value that may look like a plain word (`-ccbin gcc`).
_VALUE_OPTS = frozenset({"-ccbin", "--compiler-bindir", "--default-stream", "-default-stream", "-Xcompiler",
                         "--compiler-options", "-Xptxas", "--ptxas-options", "-arch", "-code", "--threads"})
_PLAIN_WORD = re.compile(r"^[A-Za-z]{2,}[.,:!?]?$")


def _nvcc_flag(tok: str, prev: str) -> bool:
    """Is this token an nvcc-only option (or the value of -arch/-code)?"""
    head, eq, value = tok.partition("=")
    if head in _NVCC_OPTS or _NVCC_PATTERNS.match(tok):
        return True
    if head in ("-arch", "-code"):
        return bool(eq) and bool(_ARCH_VALUE.match(value.split(",")[0]))
    return prev in ("-arch", "-code") and bool(_ARCH_VALUE.match(tok))


def _flag_list(tokens: list[str]) -> bool:
    """A string of options rather than prose: no plain word except as an option's value."""
    prev = ""
    for t in tokens:
        if _PLAIN_WORD.match(t) and prev not in _VALUE_OPTS:
            return False
        prev = t
    return True


def _flags_in(s: str) -> list[tuple[int, str]]:
    """(offset, token) of the nvcc options in a flag-list string; [] for prose."""
    toks = [(m.start(), m.group()) for m in re.finditer(r"[^\s;]+", s)]
    if not _flag_list([t for _, t in toks]):
        return []
    out, prev = [], ""
    for off, t in toks:
        if _nvcc_flag(t, prev):
            out.append((off, t))
        prev = t
    return out


# ----------------------------------------------------------------------------------------------- CMake

@dataclass
class _Arg:
    kind: str  # u (unquoted) | q (quoted) | b (bracket)
    text: str  # raw content, without quotes or brackets
    off: int  # file offset of the content's first character


@dataclass
class _Cmd:
    name: str
    off: int
    args: list[_Arg]


_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_BRACKET_OPEN = re.compile(r"\[(=*)\[")


def _skip_comment(text: str, i: int) -> int:
    """At `#`: return the offset after the comment (line or bracket), or -1 for an unterminated bracket."""
    m = _BRACKET_OPEN.match(text, i + 1)
    if m is not None:
        end = text.find("]" + m.group(1) + "]", m.end())
        return -1 if end < 0 else end + len(m.group(1)) + 2
    end = text.find("\n", i)
    return len(text) if end < 0 else end


def _cmake_commands(text: str) -> tuple[list[_Cmd], str]:
    """Tokenize CMake into command invocations; stop with a reason at the first unterminated construct."""
    cmds: list[_Cmd] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "#":
            i = _skip_comment(text, i)
            if i < 0:
                return cmds, "unterminated bracket comment"
            continue
        m = _IDENT.match(text, i) if (c.isalpha() or c == "_") else None
        if m is None:
            i += 1
            continue
        j = m.end()
        while j < n and text[j] in " \t":
            j += 1
        if j >= n or text[j] != "(":
            i = m.end()
            continue
        cmd = _Cmd(m.group(), m.start(), [])
        i, err = _cmake_args(text, j + 1, cmd.args)
        cmds.append(cmd)
        if err:
            line = text.count("\n", 0, cmd.off) + 1
            return cmds, f"{err} in {cmd.name}() at line {line}"
    return cmds, ""


def _cmake_args(text: str, i: int, args: list[_Arg]) -> tuple[int, str]:
    n, depth = len(text), 1
    while i < n:
        c = text[i]
        if c in " \t\r\n":
            i += 1
        elif c == "#":
            i = _skip_comment(text, i)
            if i < 0:
                return n, "unterminated bracket comment"
        elif c == "(":
            depth, i = depth + 1, i + 1
        elif c == ")":
            depth, i = depth - 1, i + 1
            if depth == 0:
                return i, ""
        elif c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            if j >= n:
                return n, "unterminated quoted argument"
            args.append(_Arg("q", text[i + 1:j], i + 1))
            i = j + 1
        elif c == "[" and (m := _BRACKET_OPEN.match(text, i)) is not None:
            close = text.find("]" + m.group(1) + "]", m.end())
            if close < 0:
                return n, "unterminated bracket argument"
            args.append(_Arg("b", text[m.end():close], m.end()))
            i = close + len(m.group(1)) + 2
        else:
            j = i
            while j < n and text[j] not in ' \t\r\n()#':
                if text[j] == "\\":
                    j += 2
                elif text[j] == '"':  # legacy unquoted argument: -DX="a b"
                    k = text.find('"', j + 1)
                    j = n if k < 0 else k + 1
                else:
                    j += 1
            args.append(_Arg("u", text[i:j], i))
            i = j
    return n, "unterminated command (missing ')')"


_CMAKE_CUDA_VAR = re.compile(r"(?<!\w)CMAKE_CUDA_\w+")
_CUDA_TARGET = re.compile(r"(?<![\w:])CUDA::\w+")
_VAR_REF = re.compile(r"\$\{(\w+)\}")
_GENEX_HEAD = re.compile(r"^(?:\$<(?:[^<>:]|\$<[^<>]*>)*:)+")
_PROJECT_VALUE_KEYS = frozenset({"VERSION", "DESCRIPTION", "HOMEPAGE_URL"})


def _elements(arg: _Arg) -> list[tuple[int, str]]:
    """(offset, element) of a CMake list argument, split on `;`."""
    return [(arg.off + m.start(), m.group()) for m in re.finditer(r"[^;]+", arg.text)]


def _cmake_hits(cmd: _Cmd, ix: _Index, catalog: dict) -> list[_Hit]:
    found: dict[str, _Hit] = {}  # one hit per symbol per command: a multi-line set() is one edit

    def add(sym: str, off: int, length: int, detail: str = "", textual: bool = False) -> None:
        if sym not in found:
            found[sym] = _Hit(off, length, sym, detail, textual)

    name = cmd.name.lower()
    if name in ix.words:
        add("cmake:" + name, cmd.off, len(cmd.name))
    args = cmd.args
    if name == "project":
        lang_args, skip = [], True  # the first argument is the project's name
        for a in args:
            if not skip:
                lang_args.append(a)
            skip = a.kind == "u" and a.text in _PROJECT_VALUE_KEYS
    else:
        lang_args = args if name in ("enable_language", "check_language") else []
    for a in lang_args:
        for off, el in _elements(a):
            if el == "CUDA":
                add("cmake:CUDA-language", off, 4, f"{name}(CUDA)")
    if name == "find_package" and args and args[0].kind == "u":
        sym = f"cmake:find_package({args[0].text})"
        if sym in catalog:
            add(sym, args[0].off, len(args[0].text))
    flags: list[tuple[int, str]] = []
    for a in args:
        if a.kind == "u":
            if ix.word_re is not None:
                for m in ix.word_re.finditer(a.text):
                    add("cmake:" + m.group(), a.off + m.start(), len(m.group()))
            for rx in (_CMAKE_CUDA_VAR, _CUDA_TARGET):
                for m in rx.finditer(a.text):
                    add(m.group(), a.off + m.start(), len(m.group()), textual=m.group() not in catalog)
            prev = ""
            for off, el in _elements(a):
                head = _GENEX_HEAD.match(el)
                core = el[head.end():] if head else el
                core = core.rstrip(">") if head else core
                start = off + (head.end() if head else 0)
                for m in re.finditer(r"[^\s]+", core):
                    if _nvcc_flag(m.group(), prev):
                        flags.append((start + m.start(), m.group()))
                    prev = m.group()
            continue
        # Quoted and bracket arguments are text: only whole list elements count, never words in prose.
        for off, el in _elements(a):
            if el in ix.words:
                add("cmake:" + el, off, len(el))
            elif _CMAKE_CUDA_VAR.fullmatch(el) or _CUDA_TARGET.fullmatch(el):
                add(el, off, len(el), textual=el not in catalog)
        if a.kind == "q":  # ${VAR} in a quoted argument is still evaluated
            for m in _VAR_REF.finditer(a.text):
                var = m.group(1)
                if var in ix.words:
                    add("cmake:" + var, a.off + m.start(1), len(var))
                elif var.startswith("CMAKE_CUDA_"):
                    add(var, a.off + m.start(1), len(var), textual=var not in catalog)
        if name != "message":
            flags.extend((a.off + o, t) for o, t in _flags_in(_VAR_REF.sub(lambda m: " " * len(m.group()), a.text)))
    if flags:
        flags.sort()
        add("nvcc-flags", flags[0][0], len(flags[0][1]), " ".join(t for _, t in flags))
    return list(found.values())


def scan_cmake(path: str, text: str, tables: Tables) -> ScanOutput:
    """Find CUDA language, toolkit, targets, variables and nvcc options in a CMake file."""
    ix = _index(tables)
    cmds, err = _cmake_commands(text)
    hits = [h for cmd in cmds for h in _cmake_hits(cmd, ix, tables.catalog)]
    return ScanOutput(_uses(path, _Text(text), hits, tables, "cmake", "build", "build.cmake"), [], err)
