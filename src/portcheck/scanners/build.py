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
from . import ScanOutput, parse_python

# ----------------------------------------------------------------------------------------------- shared


_MAX_SOURCE = 2000  # characters of a source line kept in full


class _Text:
    """Offsets to 1-based (line, column) and line text, for one file."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.bom = text.startswith("\ufeff")
        self._lines: dict[int, str] = {}
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def pos(self, off: int) -> tuple[int, int]:
        i = bisect_right(self.starts, off) - 1
        return i + 1, off - self.starts[i] + 1

    def line(self, n: int) -> str:
        line = self._lines.get(n)
        if line is None:
            start = self.starts[n - 1]
            end = self.text.find("\n", start)
            line = self._lines[n] = self.text[start:end if end >= 0 else len(self.text)].rstrip("\r")
        return line

    def source(self, n: int, col: int) -> str:
        """The line as ApiUse.source; a huge (generated) line is cut to a window around the column."""
        line = self.line(n)
        if len(line) <= _MAX_SOURCE:
            return line
        start = max(col - 1 - 200, 0)  # every finding on a minified line must not carry the whole line
        return ("…" if start else "") + line[start:start + _MAX_SOURCE // 2] + "…"


def _blank_bom(text: str) -> str:
    """A leading BOM read as a space: lexers skip it and every offset stays the same."""
    return " " + text[1:] if text.startswith("\ufeff") else text


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
        out.append(ApiUse(path, line, col, end_line, end_col, language, kind, h.symbol, family, tx.source(line, col),
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
    for sym in tables.symbols_with_prefix("cmake:"):
        if re.fullmatch(r"[A-Za-z_]\w*", sym[6:]):
            words.add(sym[6:])
    for sym in tables.symbols_with_prefix("pip:"):
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
    if len(_index_cache) > 8:  # one Tables per process in practice; tests build a few
        _index_cache.clear()
    _index_cache[id(tables)] = (tables.catalog, ix)  # holding the catalog keeps its id from being reused
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
_NVCC_PATTERNS = re.compile(r"^-[DU]__CUDA_NO_\w+|^arch=(?:compute|sm)_")
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


_GENEX_HEAD = re.compile(r"^(?:\$<(?:[^<>:]|\$<[^<>]*>)*:)+")


def _tokens(s: str) -> list[tuple[int, str]]:
    """(offset, token) split on blanks and `;`, each unwrapped from CMake generator expressions ($<cond:...>)."""
    out = []
    for m in re.finditer(r"[^\s;]+", s):
        tok, off = m.group(), m.start()
        head = _GENEX_HEAD.match(tok)
        if head is not None:
            tok, off = tok[head.end():], off + head.end()
        tok = tok.rstrip(">") if tok.endswith(">") and "<" not in tok else tok
        if tok:
            out.append((off, tok))
    return out


def _flags_in(s: str) -> list[tuple[int, str]]:
    """(offset, token) of the nvcc options in a flag-list string; [] for prose."""
    toks = _tokens(s)
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
_CUDA_TARGET = re.compile(r"(?<!\w)(?<!::)CUDA::\w+")
_VAR_REF = re.compile(r"\$\{(\w+)\}")
_PROJECT_VALUE_KEYS = frozenset({"VERSION", "DESCRIPTION", "HOMEPAGE_URL"})


def _elements(arg: _Arg) -> list[tuple[int, str]]:
    """(offset, element) of a CMake list argument, split on `;`."""
    return [(arg.off + m.start(), m.group()) for m in re.finditer(r"[^;]+", arg.text)]


def _cmake_hits(cmd: _Cmd, ix: _Index, catalog: dict[str, object]) -> list[_Hit]:
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
    prev = ""  # `-arch sm_80` spans two arguments
    for a in args:
        if a.kind == "u":
            if ix.word_re is not None:
                for m in ix.word_re.finditer(a.text):
                    add("cmake:" + m.group(), a.off + m.start(), len(m.group()))
            for rx in (_CMAKE_CUDA_VAR, _CUDA_TARGET):
                for m in rx.finditer(a.text):
                    add(m.group(), a.off + m.start(), len(m.group()), textual=m.group() not in catalog)
            for off, tok in _tokens(a.text) if name != "message" else ():
                if _nvcc_flag(tok, prev):
                    flags.append((a.off + off, tok))
                prev = tok
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


# ----------------------------------------------------------------------------------------------- setup.py

def _node_span(tx: _Text, node: ast.AST) -> tuple[int, int]:
    """File offset and length of an ast node (ast columns count UTF-8 bytes, ours count characters)."""
    line = tx.line(node.lineno)  # type: ignore[attr-defined]
    shift = 1 if tx.bom and node.lineno == 1 else 0  # type: ignore[attr-defined]  # ast never sees the BOM
    raw = line[shift:].encode("utf-8", "surrogatepass")
    start = len(raw[:node.col_offset].decode("utf-8", "replace"))  # type: ignore[attr-defined]
    if getattr(node, "end_lineno", None) == node.lineno:  # type: ignore[attr-defined]
        end = len(raw[:node.end_col_offset].decode("utf-8", "replace"))  # type: ignore[attr-defined]
    else:
        end = len(line) - shift
    return tx.starts[node.lineno - 1] + shift + start, max(end - start, 1)  # type: ignore[attr-defined]


def _strings(node: ast.AST) -> list[str]:
    return [n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def _setup_hits(tree: ast.AST, tx: _Text) -> list[_Hit]:
    parents: dict[ast.AST, ast.AST] = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parents[child] = node
    hits: list[_Hit] = []
    covered: set[int] = set()  # strings already reported through an "nvcc" key

    def cover(node: ast.AST) -> None:
        covered.update(id(n) for n in ast.walk(node))

    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values):
                if isinstance(key, ast.Constant) and key.value == "nvcc":
                    hits.append(_Hit(*_node_span(tx, key), "nvcc-flags", " ".join(_strings(value))))
                    cover(value)
        elif isinstance(node, ast.keyword) and node.arg in ("nvcc", "extra_cuda_cflags"):
            hits.append(_Hit(_node_span(tx, node)[0], len(node.arg), "nvcc-flags", " ".join(_strings(node.value))))
            cover(node.value)
        elif isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and node.slice.value == "nvcc":
            hits.append(_Hit(*_node_span(tx, node.slice), "nvcc-flags"))
            stmt = node
            while not isinstance(stmt, ast.stmt) and stmt in parents:
                stmt = parents[stmt]
            cover(stmt)
    groups: dict[tuple[str, int], list[tuple[ast.AST, str]]] = {}
    for node in ast.walk(tree):
        if id(node) in covered or isinstance(parents.get(node), (ast.Expr, ast.JoinedStr)):
            continue  # docstrings, f-string pieces, flags already reported
        if isinstance(node, ast.JoinedStr):
            s = "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            s = node.value
        else:
            continue
        container = parents.get(node)
        while container is not None and not isinstance(container, (ast.List, ast.Tuple, ast.Set, ast.stmt)):
            container = parents.get(container)
        if s == "TORCH_CUDA_ARCH_LIST":
            hits.append(_Hit(*_node_span(tx, node), "nvcc-flags", s))
        elif _flags_in(s):
            groups.setdefault(("nvcc-flags", id(container)), []).append((node, s))
        elif s.endswith((".cu", ".cuh")) and not any(ch.isspace() for ch in s):
            groups.setdefault(("cuda-sources", id(container)), []).append((node, s))
    for (sym, _), members in groups.items():
        first = min(members, key=lambda m: (m[0].lineno, m[0].col_offset))  # type: ignore[attr-defined]
        detail = " ".join(t for _, s in members for _, t in _flags_in(s)) if sym == "nvcc-flags" else \
            ", ".join(s for _, s in members)
        hits.append(_Hit(*_node_span(tx, first[0]), sym, detail))
    return hits


def scan_setup(path: str, text: str, tables: Tables) -> ScanOutput:
    """Find nvcc flags and .cu sources in a setup.py, parsed with ast and never run.

    CUDAExtension / BuildExtension calls and imports are the Python scanner's; this adds what it cannot see.
    """
    tx = _Text(text)
    try:
        tree = parse_python(text[1:] if tx.bom else text, filename=path)
        hits = _setup_hits(tree, tx)
    except SyntaxError as exc:
        return ScanOutput([], [], f"setup.py does not parse (line {exc.lineno}): {exc.msg}")
    except (ValueError, RecursionError, MemoryError) as exc:
        return ScanOutput([], [], f"setup.py could not be analysed: {exc.__class__.__name__}")
    return ScanOutput(_uses(path, tx, hits, tables, "build-python", "build", "build.setup"), [], "")


# ----------------------------------------------------------------------------------------------- requirements

_NAME = re.compile(r"\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)")
_URL_START = re.compile(r"(?:[A-Za-z][A-Za-z0-9+.-]*://|(?:git|hg|svn|bzr)\+|file:|\.{1,2}[/\\]|/|~)")
_ARCHIVE = re.compile(r"\.(?:whl|zip|tar\.gz|tgz|tar\.bz2)(?:[#?].*)?$")
_CU_TAG = re.compile(r"(?:/|\+|%2[Bb])cu\d{2,3}(?!\d)")  # /whl/cu121, 2.1.0+cu121, %2Bcu121
_EGG = re.compile(r"[#&]egg=([A-Za-z0-9][A-Za-z0-9._-]*)")
_INDEX_OPTS = frozenset({"-i", "--index-url", "--extra-index-url", "-f", "--find-links"})


def _normalise(name: str) -> str:
    """PEP 503 name normalisation (a `*` of a catalog glob survives)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirement(s: str) -> tuple[str, int, bool] | None:
    """(name, offset of the name in s, pinned to a CUDA build?) of one PEP 508 requirement, URL or path."""
    stripped = s.strip()
    lead = len(s) - len(s.lstrip())
    if _URL_START.match(stripped) or _ARCHIVE.search(stripped):
        cuda = bool(_CU_TAG.search(stripped))
        egg = _EGG.search(stripped)
        if egg:
            return egg.group(1), lead + egg.start(1), cuda
        url = re.split(r"[#?]", stripped)[0].rstrip("/\\")
        seg = re.split(r"[/\\]", url)[-1]
        at = lead + url.rfind(seg)
        seg = seg.split("@")[0]
        if seg.endswith(".whl"):
            name = seg.split("-")[0]
        elif _ARCHIVE.search(seg):
            name = seg.rsplit("-", 1)[0]
        else:
            name = seg[:-4] if seg.endswith(".git") else seg
        m = _NAME.fullmatch(name)
        return (m.group(1), at, cuda) if m else None
    m = _NAME.match(s)
    if m is None:
        return None
    return m.group(1), m.start(1), bool(_CU_TAG.search(s[m.end():].split(";", 1)[0]))


def _pip_symbol(ix: _Index, name: str, cuda_build: bool) -> str | None:
    norm = _normalise(name)
    if cuda_build and norm in ix.pip_local:
        return ix.pip_local[norm]
    if norm in ix.pip_exact:
        return ix.pip_exact[norm]
    for pattern, sym in ix.pip_globs:
        if fnmatchcase(norm, pattern):
            return sym
    return None


def _requirement_hit(ix: _Index, s: str, base: int) -> _Hit | None:
    req = _requirement(s)
    if req is None:
        return None
    name, off, cuda = req
    sym = _pip_symbol(ix, name, cuda)
    if sym is None:
        return None
    tag = _CU_TAG.search(s) if sym.endswith("+cuXXX") else None
    detail = _normalise(name) + (f" {re.search(r'cu[0-9]+', tag.group()).group()}" if tag else "")  # type: ignore[union-attr]
    return _Hit(base + off, len(name), sym, detail)


def _logical_lines(text: str) -> list[tuple[str, list[int]]]:
    """pip's view of a requirements file: `\\` continuations joined, each char mapped to its file offset."""
    out: list[tuple[str, list[int]]] = []
    chars: list[str] = []
    offs: list[int] = []
    pos = 0
    for raw in text.splitlines(keepends=True):
        line = raw.rstrip("\r\n")
        cont = line.endswith("\\")
        piece = line[:-1] if cont else line
        chars.append(piece)
        offs.extend(range(pos, pos + len(piece)))
        pos += len(raw)
        if not cont:
            out.append(("".join(chars), offs))
            chars, offs = [], []
    if chars:
        out.append(("".join(chars), offs))
    return out


def scan_requirements(path: str, text: str, tables: Tables) -> ScanOutput:
    """Find CUDA-only wheels and CUDA builds of torch in a pip requirements or constraints file."""
    ix = _index(tables)
    hits: list[_Hit] = []
    bad = ""
    for s, offs in _logical_lines(_blank_bom(text)):
        comment = re.search(r"(?:^|\s)#", s)
        s = s[:comment.start()] if comment else s
        if not s.strip():
            continue
        if s.lstrip().startswith("-"):
            m = re.match(r"\s*(--?[A-Za-z][\w-]*)(?:\s*=\s*|\s+)?(\S*)", s)
            if m is None:
                continue
            opt, value = m.group(1), m.group(2)
            if opt in _INDEX_OPTS and value and _CU_TAG.search(value) and "pip:torch+cuXXX" in tables.catalog:
                hits.append(_Hit(offs[m.start(2)], len(value), "pip:torch+cuXXX", f"index {value}"))
            elif opt in ("-e", "--editable") and value:
                h = _requirement_hit(ix, value, 0)
                if h is not None:
                    hits.append(_Hit(offs[m.start(2) + h.off], h.length, h.symbol, h.detail))
            continue  # -r, -c, --hash, --pre ...: nothing CUDA-specific
        h = _requirement_hit(ix, s, 0)
        if h is not None:
            hits.append(_Hit(offs[h.off], h.length, h.symbol, h.detail))
        elif _requirement(s) is None and not bad and not re.match(r"\s*[.$~/\\]", s):
            bad = f"line {text.count(chr(10), 0, offs[0]) + 1}: not a requirement: {s.strip()[:60]}"
    return ScanOutput(_uses(path, _Text(text), hits, tables, "requirements", "dependency", "build.requirements"),
                      [], bad)


# ----------------------------------------------------------------------------------------------- pyproject.toml

class _TomlError(Exception):
    pass


class _TomlLexer:
    """Just enough TOML to know, for every key and string, its key path and file offset."""

    _SCALAR = re.compile(r"[^,\]}\s#]+")
    _BARE = re.compile(r"[A-Za-z0-9_-]+")

    def __init__(self, text: str) -> None:
        self.t = text
        self.i = 0
        self.items: list[tuple[tuple[str, ...], str, int, str]] = []  # (path, value, offset, "key" | "str")

    def run(self) -> str:
        """Lex the whole document; return why it stopped early, or ''."""
        table: tuple[str, ...] = ()
        try:
            while True:
                self._skip(newlines=True)
                if self.i >= len(self.t):
                    return ""
                if self.t[self.i] == "[":
                    close = "]]" if self.t.startswith("[[", self.i) else "]"
                    self.i += len(close)
                    keys = self._key()
                    self._skip()
                    self._expect(close)
                    table = tuple(k for k, _ in keys)
                    self.items.append((table, keys[-1][0], keys[-1][1], "key"))
                else:
                    keys = self._key()
                    self._skip()
                    self._expect("=")
                    path = table + tuple(k for k, _ in keys)
                    self.items.append((path, keys[-1][0], keys[-1][1], "key"))
                    self._value(path)
                self._skip()
                if self.i < len(self.t) and self.t[self.i] not in "\r\n":
                    raise _TomlError(f"unexpected {self.t[self.i]!r}")
        except _TomlError as exc:
            return f"{exc} at line {self.t.count(chr(10), 0, self.i) + 1}"
        except RecursionError:
            return "nesting too deep"

    def _skip(self, newlines: bool = False) -> None:
        t, ws = self.t, " \t\r\n" if newlines else " \t"
        while self.i < len(t):
            if t[self.i] in ws:
                self.i += 1
            elif t[self.i] == "#":
                end = t.find("\n", self.i)
                self.i = len(t) if end < 0 else end
            else:
                return

    def _expect(self, s: str) -> None:
        if not self.t.startswith(s, self.i):
            raise _TomlError(f"expected {s!r}")
        self.i += len(s)

    def _string(self) -> tuple[str, int]:
        """A string at self.i: (raw content, offset of the content); escapes are left as written."""
        t = self.t
        for delim in ('"""', "'''", '"', "'"):
            if t.startswith(delim, self.i):
                break
        start = self.i + len(delim)
        j = start
        while True:
            if j >= len(t) or (len(delim) == 1 and t[j] == "\n"):
                raise _TomlError("unterminated string")
            if delim[0] == '"' and t[j] == "\\":
                j += 2
            elif t.startswith(delim, j):
                self.i = j + len(delim)
                return t[start:j], start
            else:
                j += 1

    def _key(self) -> list[tuple[str, int]]:
        keys = []
        while True:
            self._skip()
            if self.i < len(self.t) and self.t[self.i] in "\"'":
                keys.append(self._string())
            else:
                m = self._BARE.match(self.t, self.i)
                if m is None:
                    raise _TomlError("expected a key")
                keys.append((m.group(), m.start()))
                self.i = m.end()
            self._skip()
            if not self.t.startswith(".", self.i):
                return keys
            self.i += 1

    def _value(self, path: tuple[str, ...]) -> None:
        self._skip()
        c = self.t[self.i] if self.i < len(self.t) else ""
        if c in "\"'":
            value, off = self._string()
            self.items.append((path, value, off, "str"))
        elif c == "[":
            self.i += 1
            while True:
                self._skip(newlines=True)
                if self.t.startswith("]", self.i):
                    self.i += 1
                    return
                self._value(path)
                self._skip(newlines=True)
                if self.t.startswith(",", self.i):
                    self.i += 1
                elif not self.t.startswith("]", self.i):
                    raise _TomlError("expected ',' or ']'")
        elif c == "{":
            self.i += 1
            while True:
                self._skip()
                if self.t.startswith("}", self.i):
                    self.i += 1
                    return
                keys = self._key()
                self._expect("=")
                sub = path + tuple(k for k, _ in keys)
                self.items.append((sub, keys[-1][0], keys[-1][1], "key"))
                self._value(sub)
                self._skip()
                if self.t.startswith(",", self.i):
                    self.i += 1
                elif not self.t.startswith("}", self.i):
                    raise _TomlError("expected ',' or '}'")
        else:
            m = self._SCALAR.match(self.t, self.i)
            if m is None:
                raise _TomlError("expected a value")
            self.i = m.end()


def _requirement_list(path: tuple[str, ...]) -> bool:
    """Is this key path an array of PEP 508 strings?"""
    return (path in (("project", "dependencies"), ("build-system", "requires"))
            or (len(path) == 3 and path[:2] == ("project", "optional-dependencies"))
            or (len(path) == 2 and path[0] == "dependency-groups"))


def _poetry_depth(path: tuple[str, ...]) -> int:
    """Length of the key path that names a Poetry dependency (0: not a Poetry dependency table)."""
    if path[:3] in (("tool", "poetry", "dependencies"), ("tool", "poetry", "dev-dependencies")):
        return 4
    if len(path) >= 6 and path[:3] == ("tool", "poetry", "group") and path[4] == "dependencies":
        return 6
    return 0


def scan_pyproject(path: str, text: str, tables: Tables) -> ScanOutput:
    """Find CUDA-only wheels and CUDA wheel indexes in pyproject.toml (PEP 621, PEP 735, Poetry, tool indexes)."""
    ix = _index(tables)
    lexer = _TomlLexer(_blank_bom(text))
    stopped = lexer.run()
    partial = ""
    try:
        import tomllib
    except ImportError:  # Python 3.10: the lexer alone decides
        partial = f"TOML lexer stopped: {stopped}" if stopped else ""
    else:
        try:
            tomllib.loads(_blank_bom(text))
        except tomllib.TOMLDecodeError as exc:
            partial = f"invalid TOML: {exc}"
        except (RecursionError, MemoryError):
            partial = "invalid TOML: too deeply nested"
        else:
            partial = f"TOML lexer stopped: {stopped}" if stopped else ""
    cuda_pins: dict[tuple[str, ...], str] = {}  # Poetry dependency key path -> cu121 of a +cu121 / whl/cu121 value
    for item_path, value, _, kind in lexer.items:
        depth = _poetry_depth(item_path)
        if kind == "str" and depth and len(item_path) >= depth and (tag := _CU_TAG.search(value)):
            cuda_pins.setdefault(item_path[:depth], re.search(r"cu[0-9]+", tag.group()).group())  # type: ignore[union-attr]
    hits: list[_Hit] = []
    for item_path, value, off, kind in lexer.items:
        depth = _poetry_depth(item_path)
        if kind == "str" and _requirement_list(item_path):
            h = _requirement_hit(ix, value, off)
        elif kind == "key" and depth and len(item_path) == depth and value != "python":
            tag = cuda_pins.get(item_path, "")
            sym = _pip_symbol(ix, value, bool(tag))
            detail = _normalise(value) + (f" {tag}" if tag and sym and sym.endswith("+cuXXX") else "")
            h = _Hit(off, len(value), sym, detail) if sym else None
        elif (kind == "str" and item_path[:1] == ("tool",) and not depth and _CU_TAG.search(value)
              and re.match(r"https?://", value) and "pip:torch+cuXXX" in tables.catalog):
            h = _Hit(off, len(value), "pip:torch+cuXXX", f"index {value}")
        else:
            h = None
        if h is not None:
            hits.append(h)
    return ScanOutput(_uses(path, _Text(text), hits, tables, "toml", "dependency", "build.requirements"),
                      [], partial)
