"""Scan CUDA, C and C++ sources for CUDA ties: tree-sitter for structure, a byte-level token pass for names.

Walking every node in Python is slow, so the tree is used through one query (comments, strings, includes, macro
bodies, ERROR regions, kernel and device-function definitions, launches). Comments and strings are blanked in a
copy of the source; the distinct words of that copy are checked against the catalog once, and only the words that
are CUDA names (plus a few namespace heads) are then located with bytes.find.
"""
from __future__ import annotations

from collections import Counter

import re
from bisect import bisect_right
from typing import TYPE_CHECKING, Any

from ..model import KERNEL_FEATURES, ApiUse, KernelInfo
from . import ScanOutput
from .cuda_kernels import (Body, UseView, _count_calls, device_names, find_function, fixed_width_names,
                           kernel_features)
from .cuda_names import (CG_BARE, CONTEXT_WORDS, HEADS, WMMA_BARE, Name, api_kind, classify, classify_include,
                         expand_alias, namespace_family)
from .cuda_text import MACRO_LEXEMES, WORD_TABLE, Ranges, blanked, chain_bounds, next_char, occurrences, prev_text

if TYPE_CHECKING:
    from ..tables import Tables

_QUERY_SRC = """
(comment) @skip
(string_literal) @skip
(raw_string_literal) @skip
(char_literal) @skip
(preproc_include path: (_) @include)
(preproc_arg) @macro
(ERROR) @error
(function_definition "__global__") @kernel
(function_definition "__device__") @devfn
(kernel_call_syntax) @launch
"""
_state: dict[str, Any] = {}
_SKIP_TYPES = frozenset({"comment", "string_literal", "raw_string_literal", "char_literal"})
WALK_FILES = 32  # files per process captured by a Python tree walk before the query is compiled
WALK_BYTES = 256 * 1024  # larger files always use the query


def _parser() -> Any:
    if not _state:
        import tree_sitter_cuda
        from tree_sitter import Language, Parser
        lang = Language(tree_sitter_cuda.language())
        _state.update(lang=lang, parser=Parser(lang), walked=0)
    return _state["parser"]


def _captures(root: Any, size: int) -> dict[str, list[Any]]:
    """The nodes _QUERY_SRC captures, by capture name, in document order.

    Compiling the query costs ~75 ms once per process (the CUDA grammar is large), more than scanning a few
    files takes, so the first WALK_FILES small files of a process (`portcheck check`, the start of a worker)
    walk the tree in Python instead: ~2x slower per file, same nodes (a test compares the two on every fixture).
    """
    if "query" not in _state and _state["walked"] < WALK_FILES and size <= WALK_BYTES:
        _state["walked"] += 1
        return walk_captures(root)
    return query_captures(root)


def query_captures(root: Any) -> dict[str, list[Any]]:
    if "query" not in _state:
        from tree_sitter import Query, QueryCursor
        _state.update(query=Query(_state["lang"], _QUERY_SRC), cursor=QueryCursor)
    caps = _state["cursor"](_state["query"]).captures(root)
    for nodes in caps.values():  # the query can list one pattern's nodes out of document order (vllm's
        nodes.sort(key=lambda n: (n.start_byte, -n.end_byte))  # skinny_gemms.cu): sort them as the walk has them
    return caps


def walk_captures(root: Any) -> dict[str, list[Any]]:
    caps: dict[str, list[Any]] = {}
    cur = root.walk()
    while True:
        n = cur.node
        t = n.type
        descend = True
        if t in _SKIP_TYPES:
            caps.setdefault("skip", []).append(n)
            descend = False
        elif t == "preproc_include":
            path = n.child_by_field_name("path")
            if path is not None:
                caps.setdefault("include", []).append(path)
        elif t == "preproc_arg":
            caps.setdefault("macro", []).append(n)
        elif t == "ERROR":
            caps.setdefault("error", []).append(n)
        elif t == "function_definition":
            types = {c.type for c in n.children}
            if "__global__" in types:
                caps.setdefault("kernel", []).append(n)
            if "__device__" in types:
                caps.setdefault("devfn", []).append(n)
        elif t == "kernel_call_syntax":
            caps.setdefault("launch", []).append(n)
        if descend and cur.goto_first_child():
            continue
        while not cur.goto_next_sibling():
            if not cur.goto_parent():
                return caps


_ASM_AFTER = re.compile(rb"\s*(?:(?:volatile|__volatile__|inline|goto)\b\s*)*\(")
_EXTERN_BEFORE = re.compile(rb"\bextern\b[^;{}()]*$")
_USING_BEFORE = re.compile(rb"\busing\s+$")
_NS_AFTER = re.compile(rb"namespace\s+(?:([A-Za-z_]\w*)\s*=\s*)?((?:::)?[A-Za-z_]\w*(?:::[A-Za-z_]\w*)*)\s*;")
_LAUNCH_CALLEE = re.compile(rb"([A-Za-z_][\w:]*)\s*(?:<[^;{}]*>)?\s*$")
_TORCH_LIB_CUDA = re.compile(rb"TORCH_LIBRARY_IMPL\s*\(\s*\w+\s*,\s*(CUDA)\b")
_HALF_TYPE = re.compile(rb"(?:^|[<,(;{}]|\bconst|\bstatic_cast|\breinterpret_cast)\s*$")
# PTX opcodes carry dotted modifiers (mov.u32, cvt.rn.f16.f32, ld.global.nc); host asm (x86, POWER, ARM) does not.
_PTX = re.compile(rb"\b(?!llvm\.)[a-z][a-z0-9_]*\.[a-z0-9_]+|\b(?:trap|exit|brkpt)\s*;")
_FP16_HINTS = (b"__half", b"half2", b"__float2half", b"cuda_fp16", b"cuda_bf16", b"cuda_runtime")
_STRUCTURAL = (b"__global__", b"__device__", b"__shared__", b"__constant__", b"__managed__", b"asm", b"__asm__",
               b"__asm")
_METHODS = {b"is_cuda": "at::Tensor::is_cuda", b"cuda": "at::Tensor::cuda"}
_FEATURES = frozenset(KERNEL_FEATURES)
_MAX_SOURCE = 1000  # characters of a source line kept per finding


def scan_cuda(path: str, text: str, tables: Tables) -> ScanOutput:
    """Find every CUDA tie in one C/C++/CUDA file; never raises."""
    out = ScanOutput()
    scan = None
    try:
        scan = _Scan(path, text, tables, out)
        scan.run()
    except Exception as exc:  # a scanner bug must not lose the file: report what was found before it
        out.partial = f"cuda scanner stopped early: {type(exc).__name__}: {exc}"
        if scan is not None and not out.uses:
            try:
                scan.emit()
            except Exception:  # noqa: S110 - the partial note above already tells the user
                pass
    return out


class _Scan:
    """The state of one file's scan: raw byte-offset findings are collected, then emitted as ApiUse records."""

    def __init__(self, path: str, text: str, tables: Tables, out: ScanOutput) -> None:
        self.path, self.tables, self.out = path, tables, out
        self.language = "cuda" if path.lower().endswith((".cu", ".cuh")) else "cpp"
        try:
            self.data = text.encode("utf-8")
        except UnicodeEncodeError:  # lone surrogates from a lenient decode
            self.data = text.encode("utf-8", "surrogatepass")
        self.clean = self.data  # comments and strings blanked once the tree is known
        # (start, end, symbol, family, kind, detail, textual) per finding, in byte offsets
        self.raw: list[tuple[int, int, str, str, str, str, bool]] = []
        self.seen: set[int] = set()  # start offsets of tokens already classified
        self.aliases: dict[str, str] = {}  # namespace cg = cooperative_groups
        self.bare: dict[str, str] = {}  # unqualified names enabled by `using namespace`
        self.cuda_context: bool | None = None  # decided on the first `half` / `texture` / `surface`
        self.kernels: list[Body] = []
        self.tree_kernels: dict[int, Body] = {}  # offset of the __global__ token -> body
        self.device_fns: dict[int, str] = {}  # offset of the __device__ token -> function name
        self.device_bodies: dict[str, tuple[int, int]] = {}  # __device__ function name -> byte span
        self.device_spans: list[tuple[int, int]] = []  # bodies of kernels and __device__ functions
        self.device_code: Ranges | None = None
        self.macros = self.textual = Ranges([])
        self.launch_starts: set[int] = set()

    # ------------------------------------------------------------------ passes
    def run(self) -> None:
        """Parse, blank comments and strings, run every pass, emit."""
        tree = _parser().parse(self.data)
        caps = _captures(tree.root_node, len(self.data))
        data = self.data
        blank: list[tuple[int, int]] = [(n.start_byte, n.end_byte) for n in caps.get("skip", ())]
        includes = caps.get("include", ())
        blank += [(n.start_byte, n.end_byte) for n in includes]
        errors = [(n.start_byte, n.end_byte) for n in caps.get("error", ())]
        macros = []
        for n in caps.get("macro", ()):  # macro bodies are raw text: lex their strings and comments ourselves
            macros.append((n.start_byte, n.end_byte))
            blank += [(n.start_byte + m.start(), n.start_byte + m.end()) for m in MACRO_LEXEMES.finditer(n.text)]
        self.clean = clean = blanked(data, blank)
        self.macros = Ranges(macros)
        self.textual = Ranges(errors + macros)
        self.launch_starts = {n.start_byte for n in caps.get("launch", ())}
        for node in caps.get("kernel", ()):
            tok = _child_token(node, "__global__")
            body = Body(_function_name(node), node.start_byte, node.end_byte)
            self.tree_kernels[tok] = body
            self.kernels.append(body)
        for node in caps.get("devfn", ()):
            self.device_fns[_child_token(node, "__device__")] = _function_name(node)
            self.device_spans.append((node.start_byte, node.end_byte))
            self.device_bodies.setdefault(_function_name(node), (node.start_byte, node.end_byte))
        for n in includes:
            self._include(n)
        if b"namespace" in clean:
            self._namespaces()
        self._words()
        self._heads()
        self._launches()
        if b"TORCH_LIBRARY_IMPL" in clean:
            for m in _TORCH_LIB_CUDA.finditer(clean):
                self._add(m.start(1), m.end(1), "c10::DispatchKey::CUDA", "torch-cpp.dispatch", "constant",
                          "TORCH_LIBRARY_IMPL(..., CUDA, ...)")
        self.emit()

    def _include(self, node: Any) -> None:
        """An #include of a CUDA, library or framework header (the path node of preproc_include)."""
        raw = node.text.decode("utf-8", "replace").strip()
        if node.type == "identifier" or len(raw) < 2:
            return  # `#include SOME_MACRO`
        quoted = raw[0] in "<\""
        header = raw[1:-1].strip() if quoted else raw
        fam = classify_include(header, self.tables)
        if fam:  # the position is the header name, without its <> or ""
            self._add(node.start_byte + quoted, node.end_byte - quoted, header, fam, "include", "")

    def _namespaces(self) -> None:
        """`using namespace X;` and `namespace a = X;` for CUDA namespaces; they also enable aliases."""
        clean = self.clean
        for pos in occurrences(clean, b"namespace"):
            m = _NS_AFTER.match(clean, pos)
            if m is None:
                continue
            alias, target = m.group(1), m.group(2).decode("ascii")
            if alias is None and not _USING_BEFORE.search(prev_text(clean, pos, 20) + b" "):
                continue
            lead = 2 if target.startswith("::") else 0
            name = "::".join(expand_alias(target[lead:].split("::"), self.aliases))
            fam = namespace_family(name)
            if not fam:
                continue
            start = m.start(2) + lead
            self.seen.add(m.start(2))
            self._add(start, m.end(2), name, fam, "namespace", "")
            if alias is not None:
                self.aliases[alias.decode("ascii")] = name
            elif name in ("nvcuda::wmma",) or (name == "nvcuda" and b"using namespace wmma" in clean):
                self.bare.update({w: f"nvcuda::wmma::{w}" for w in WMMA_BARE})
            elif name == "cooperative_groups":
                self.bare.update({w: f"cooperative_groups::{w}" for w in CG_BARE})

    def _words(self) -> None:
        """Every distinct word of the blanked source, checked once; the CUDA ones located and reported."""
        tables, clean = self.tables, self.clean
        words = set(clean.translate(WORD_TABLE).split())
        for word in _STRUCTURAL:  # in order: kernel and device bodies are known before `asm` is judged
            if word in words:
                words.discard(word)
                for pos in occurrences(clean, word):
                    self._structural(word, pos)
        for word in words:
            if word[0] <= 0x39:  # numbers
                continue
            if word in _METHODS:
                for pos in occurrences(clean, word):
                    self._method(word, pos)
            w = word.decode("ascii")
            if w in CONTEXT_WORDS:
                for pos in occurrences(clean, word):
                    self._context_word(w, pos)
            elif w in self.bare or w == "kCUDA" or tables.recognize(w) is not None:
                for pos in occurrences(clean, word):
                    self._token(pos, pos + len(word))

    def _heads(self) -> None:
        """Qualified names under CUDA namespaces (`cub::`, `at::cuda::`, aliases such as `cg::`)."""
        clean = self.clean
        heads = list(HEADS) + [a.encode() + b"::" for a in self.aliases]
        for head in heads:
            if head not in clean:
                continue
            for pos in occurrences(clean, head):
                self._token(pos, pos + len(head.rstrip(b":")))

    def _launches(self) -> None:
        """Every `<<<` is a launch; syntactic where the grammar saw a kernel_call_syntax there."""
        clean = self.clean
        pos = clean.find(b"<<<")
        while pos >= 0:
            m = _LAUNCH_CALLEE.search(clean, max(0, pos - 200), pos)
            callee = m.group(1).decode("ascii") if m else ""
            self._add(pos, pos + 3, "<<<>>>", "kernel.launch", "launch", callee,
                      textual=pos not in self.launch_starts)
            pos = clean.find(b"<<<", pos + 3)

    # ------------------------------------------------------------------ one token
    def _token(self, s: int, e: int) -> None:
        """Classify the (qualified) name around [s, e) once, and report it if it is a CUDA name."""
        s, e = chain_bounds(self.clean, s, e)
        if s in self.seen:
            return
        self.seen.add(s)
        token = self.clean[s:e].decode("ascii")
        name = classify(token, self.tables, self.aliases, self.bare)
        if name is not None:
            self._report(s, e, name)

    def _report(self, s: int, e: int, name: Name) -> None:
        start = s + name.offset
        end = start + name.length
        kind = api_kind(name.kind, name.symbol, next_char(self.clean, e))
        self._add(start, end, name.symbol, name.family, kind, name.detail)

    def _structural(self, word: bytes, pos: int) -> None:
        """__global__ / __device__ definitions, memory-space qualifiers and inline asm."""
        clean, end = self.clean, pos + len(word)
        if word in (b"__global__", b"__device__"):
            is_kernel = word == b"__global__"
            name = self.tree_kernels[pos].name if pos in self.tree_kernels else self.device_fns.get(pos)
            textual = False
            if name is None and pos not in self.macros:  # e.g. `__global__ void C10_LAUNCH_BOUNDS_1(256) k(...)`
                body = find_function(clean, pos, end)
                if body is not None and (is_kernel or body.name):
                    name, textual = body.name, True
                    self.device_spans.append((body.start, body.end))
                    if not is_kernel:
                        self.device_fns[pos] = body.name
                        self.device_bodies.setdefault(body.name, (body.start, body.end))
                    elif not any(k.start <= pos < k.end for k in self.kernels):
                        self.kernels.append(body)
            sym = word.decode()
            if name is None:
                self._add(pos, end, sym, "kernel.definition", "qualifier", "")
            else:
                self._add(pos, end, sym, "kernel.definition", "kernel-def" if is_kernel else "device-function", name,
                          textual=textual)
        elif word == b"__shared__":
            ext = _EXTERN_BEFORE.search(clean, max(0, pos - 80), pos) is not None
            self._add(pos, end, "extern __shared__" if ext else "__shared__", "kernel.memory-space", "qualifier", "")
        elif word in (b"__constant__", b"__managed__"):
            self._add(pos, end, word.decode(), "kernel.memory-space", "qualifier", "")
        elif _ASM_AFTER.match(clean, end) and self._is_ptx(pos, end):  # asm / __asm__ / __asm
            self._add(pos, end, "asm", "kernel.asm", "asm", word.decode() if word != b"asm" else "")

    def _is_ptx(self, pos: int, end: int) -> bool:
        """Inline asm in a .cu file or in device code is PTX; elsewhere only when its text reads like PTX."""
        if self.language == "cuda":
            return True
        if self.device_code is None:
            self.device_code = Ranges(self.device_spans + [(k.start, k.end) for k in self.kernels])
        if pos in self.device_code:
            return True
        stmt_end = self.clean.find(b";", end)
        return _PTX.search(self.data, end, stmt_end if stmt_end > 0 else len(self.data)) is not None

    def _method(self, word: bytes, pos: int) -> None:
        """`x.is_cuda()`, `x.cuda()` on tensors and devices."""
        before = prev_text(self.clean, pos, 4)
        if (before.endswith(b".") or before.endswith(b"->")) and next_char(self.clean, pos + len(word)) == 0x28:
            self.seen.add(pos)
            self._add(pos, pos + len(word), _METHODS[word], "torch-cpp.dispatch", "method", "")

    def _context_word(self, w: str, pos: int) -> None:
        """`half`, `texture`, `surface`: CUDA types only in a type position of a file that is CUDA code."""
        clean, end = self.clean, pos + len(w)
        if self.cuda_context is None:  # `int half = n / 2;` in plain C++ must stay silent
            self.cuda_context = self.language == "cuda" or any(k in self.data for k in _FP16_HINTS)
        if not self.cuda_context:
            return
        nxt = next_char(clean, end)
        if w == "half":
            prev = prev_text(clean, pos, 30)
            ok = (nxt in (0x2A, 0x26, 0x3E, 0x29, 0x2C) and _HALF_TYPE.search(prev + b" ") is not None) or \
                (nxt == 0x5F or 0x41 <= nxt <= 0x5A or 0x61 <= nxt <= 0x7A)  # `half x`, `half* p`, `<half>`
            ok = ok and not prev.endswith((b".", b"->", b"::"))
        else:
            ok = nxt == 0x3C  # texture<float, 1>
        if ok:
            self.seen.add(pos)
            entry = self.tables.catalog.get(w)
            self._add(pos, end, w, entry.family if entry else "kernel.fp16", "type", "")

    # ------------------------------------------------------------------ output
    def _add(self, s: int, e: int, symbol: str, family: str, kind: str, detail: str, textual: bool = False) -> None:
        self.raw.append((s, e, symbol, family, kind, detail, textual or s in self.textual))

    def emit(self) -> None:
        """Turn the collected byte offsets into ApiUse records (sorted) and KernelInfo records."""
        data, out = self.data, self.out
        self.raw.sort()
        kernels = sorted(self.kernels, key=lambda b: b.start)
        kstarts = [k.start for k in kernels]
        line, line_start, line_end, counted = 1, 0, -1, 0
        text, ascii_line, cpos, ccol = "", True, 0, 1
        per_kernel: dict[int, list[UseView]] = {}
        for s, e, symbol, family, kind, detail, textual in self.raw:
            if s > line_end:  # a new line: decode it once, however many findings it holds
                line += data.count(b"\n", counted, s)
                counted = s
                line_start = data.rfind(b"\n", 0, s) + 1
                line_end = data.find(b"\n", s)
                if line_end < 0:
                    line_end = len(data)
                raw_line = data[line_start:line_end]
                ascii_line = raw_line.isascii()
                text = _text(raw_line).rstrip("\r")
                cpos, ccol = line_start, 1
            e = min(e, line_end)
            if ascii_line:
                col, end_col = s - line_start + 1, e - line_start + 1
            else:  # count characters incrementally: findings on one line come in order
                col = ccol + _nchars(data[cpos:s])
                end_col = col + _nchars(data[s:e])
                cpos, ccol = s, col
            ki = bisect_right(kstarts, s) - 1
            in_kernel = ""
            if ki >= 0 and s < kernels[ki].end:
                in_kernel = kernels[ki].name
                per_kernel.setdefault(ki, []).append(UseView(s, symbol, family, kind))
            out.uses.append(ApiUse(self.path, line, col, line, end_col, self.language, kind, symbol, family,
                                   _source(text, col), "textual" if textual else "syntactic", detail, in_kernel))
        self._kernel_infos(kernels, per_kernel)

    def _kernel_infos(self, kernels: list[Body], per_kernel: dict[int, list[UseView]]) -> None:
        """One KernelInfo per __global__ definition, with its feature counts."""
        if not kernels:
            return
        data, clean = self.data, self.clean
        warp_rx, mask_rx = fixed_width_names(clean)
        dev_names = device_names(self.device_fns.values())
        first, counted = 1, 0  # kernels are sorted by start: count newlines incrementally
        helper = self._device_features(warp_rx, mask_rx)
        for i, k in enumerate(kernels):
            counts = kernel_features(clean, data, k.start, k.end, per_kernel.get(i, ()), warp_rx, mask_rx, dev_names)
            self._add_callees(counts, k.start, k.end, helper)
            first += data.count(b"\n", counted, k.start)
            counted = k.start
            last_line = first + data.count(b"\n", k.start, max(k.start, k.end - 1))
            feats = tuple(sorted(f for f in counts if f in _FEATURES))
            self.out.kernels.append(KernelInfo(self.path, k.name, first, last_line, last_line - first + 1, feats,
                                               tuple((f, counts[f]) for f in feats)))


    def _device_features(self, warp_rx, mask_rx) -> dict[str, tuple[Counter, set[str]]]:
        """Features of each __device__ helper and the helpers it calls (a kernel inherits what it calls)."""
        out: dict[str, tuple[Counter, set[str]]] = {}
        names = {short: n for n in self.device_bodies if (short := n.rpartition("::")[2]).isidentifier()}
        for name, (start, end) in self.device_bodies.items():
            uses = [UseView(s, sym, fam, kind) for s, e, sym, fam, kind, _d, _t in self.raw if start <= s < end]
            counts = kernel_features(self.clean, self.data, start, end, uses, warp_rx, mask_rx, [])
            callees = {full for short, full in names.items() if full != name and
                       _count_calls(self.clean, start, end, short.encode())}
            out[name] = (counts, callees)
        return out

    def _add_callees(self, counts: Counter, start: int, end: int, helper) -> None:
        """Fold in the features of the __device__ helpers a kernel calls, transitively, once each."""
        todo = [full for full in helper if (short := full.rpartition("::")[2]).isidentifier() and
                _count_calls(self.clean, start, end, short.encode())]
        seen: set[str] = set()
        while todo:
            name = todo.pop()
            if name in seen:
                continue
            seen.add(name)
            sub, callees = helper[name]
            for feat, n in sub.items():
                if feat != "device-calls":
                    counts[feat] += n
            todo.extend(callees)


def _text(raw: bytes) -> str:
    """Bytes of self.data back to the text they came from (lone surrogates were encoded with surrogatepass)."""
    try:
        return raw.decode("utf-8", "surrogatepass")
    except UnicodeDecodeError:
        return raw.decode("utf-8", "replace")


def _nchars(raw: bytes) -> int:
    """Characters in a UTF-8 byte run: every byte that is not a continuation byte starts one."""
    return len(raw) - sum(1 for b in raw if 0x80 <= b <= 0xBF)


def _source(text: str, col: int) -> str:
    """The source line; a window of it around the finding when the line is huge (minified or generated code)."""
    if len(text) <= _MAX_SOURCE:
        return text
    lo = max(0, col - 1 - _MAX_SOURCE // 2)
    return ("…" if lo else "") + text[lo:lo + _MAX_SOURCE] + ("…" if lo + _MAX_SOURCE < len(text) else "")


def _child_token(node: Any, token: str) -> int:
    for child in node.children:
        if child.type == token:
            return child.start_byte
    return -1


def _function_name(node: Any) -> str:
    """Name of a function_definition (`k`, `ns::k`, `k<float>`), or '' when the grammar did not find one."""
    decl = node.child_by_field_name("declarator")
    while decl is not None and decl.type != "function_declarator":
        decl = decl.child_by_field_name("declarator")
    if decl is None:
        return ""
    name = decl.child_by_field_name("declarator")
    return "" if name is None else " ".join(name.text.decode("utf-8", "replace").split())
