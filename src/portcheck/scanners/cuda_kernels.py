"""Kernel bodies and their hazardous features (KernelInfo), on source bytes whose comments and strings are blanked."""
from __future__ import annotations

import re
from collections import Counter
from typing import Iterable, NamedTuple

# Words that take a parenthesised argument but are not the function's name: `void C10_LAUNCH_BOUNDS_1(256) k(...)`
# is handled by taking the last group whose name is not one of these (or an ALL-CAPS macro).
_NOT_NAMES = frozenset({b"decltype", b"__attribute__", b"noexcept", b"alignas", b"__launch_bounds__", b"__align__",
                        b"__declspec", b"throw", b"requires", b"__cluster_dims__", b"__maxnreg__", b"sizeof"})
_NAME_BEFORE = re.compile(rb"([A-Za-z_]\w*(?:::~?[A-Za-z_]\w*)*)\s*(?:<[^(){};]*>)?\s*$")
_BRACES = re.compile(rb"[{}]")
_PUNCT = re.compile(rb"[(){};=]")
_SCAN_LIMIT = 4000  # bytes from the qualifier to the opening brace; longer means we are not looking at a signature


class Body(NamedTuple):
    name: str
    start: int  # byte offset of the qualifier that introduced the function
    end: int  # byte offset just past the closing brace


def match_brace(clean: bytes, open_pos: int) -> int:
    """Offset just past the brace that closes the one at open_pos (end of input if unbalanced)."""
    depth = 0
    for m in _BRACES.finditer(clean, open_pos):
        if m.group() == b"{":
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                return m.end()
    return len(clean)


def find_function(clean: bytes, start: int, after: int) -> Body | None:
    """Read a function definition textually from just after a `__global__`/`__device__` qualifier.

    Returns None for declarations, variables and anything that is not `name(...) ... {`.
    """
    depth = 0
    groups: list[int] = []  # offsets of top-level '('
    brace = -1
    for m in _PUNCT.finditer(clean, after, min(len(clean), after + _SCAN_LIMIT)):
        c, i = m.group()[0], m.start()
        if c == 0x28:  # (
            if depth == 0:
                groups.append(i)
            depth += 1
        elif c == 0x29:  # )
            depth = max(0, depth - 1)
        elif depth == 0:
            if c == 0x7B:  # {
                brace = i
                break
            if c in (0x3B, 0x7D):  # ; }
                return None
            if not clean[max(0, i - 8):i].rstrip().endswith(b"operator"):  # `=`: a variable's initializer
                return None
    if brace < 0:
        return None
    for g in reversed(groups):
        m = _NAME_BEFORE.search(clean, after, g)
        if m is None:
            continue
        name = m.group(1)
        last = name.rpartition(b"::")[2]
        if last in _NOT_NAMES or (last.isupper() and g != groups[-1]):
            continue
        return Body(name.decode("ascii", "replace"), start, match_brace(clean, brace))
    return None


# ---- fixed 32-lane assumptions and full masks, counted on the kernel's blanked text. Every pattern starts with a
# literal so the regex engine can skip ahead (patterns that start with \b or a lookbehind scan byte by byte).
_W32 = [re.compile(p) for p in (
    rb"&\s*(?:31|0x1[fF])[uU]?(?![\w.])",  # lane = tid & 31
    rb"%=?\s*32[uU]?(?![\w.])",  # tid % 32
    rb"/=?\s*32[uU]?(?![\w.])",  # tid / 32
    rb">>=?\s*5(?![\w.])",  # tid >> 5
    rb"<<=?\s*5(?![\w.])",  # warp << 5
    rb"__shfl\w*\s*\([^;]*?,\s*32[uU]?\s*\)",  # shuffle width 32
    rb"for\s*\([^;]*?=\s*16\s*;[^;]*>\s*=?\s*[01]\s*;",  # butterfly reduction starting at offset 16
)]
_LT_32 = re.compile(rb"<\s*32[uU]?(?![\w.])")  # `lane < 32`, `tiled_partition<32>`: checked against what precedes
_LT_32_BEFORE = re.compile(rb"(?:(?i:lane)\w*|tiled_partition|thread_block_tile)\s*$")
_FULL_MASK = re.compile(rb"0[xX][fF]{8}[uU]?(?![\w.])")
_DEFINE_32 = re.compile(rb"#[ \t]*define[ \t]+(\w*[Ww][Aa][Rr][Pp]\w*)[ \t]+\(?[ \t]*32[uU]?[ \t]*\)?[ \t]*$", re.M)
_ASSIGN_32 = re.compile(rb"=\s*32[uU]?\s*[;,]")
_DEFINE_MASK = re.compile(rb"#[ \t]*define[ \t]+(\w+)[ \t]+\(?[ \t]*0[xX][fF]{8}[uU]?[ \t]*\)?[ \t]*$", re.M)
_ASSIGN_MASK = re.compile(rb"=\s*0[xX][fF]{8}[uU]?\s*;")
_WARP_NAME_BEFORE = re.compile(rb"\b(\w*[Ww][Aa][Rr][Pp]\w*)\s*$")
_CONST_NAME_BEFORE = re.compile(rb"\b(?:constexpr|const)\b[^;{}=()]*?\b(\w+)\s*$")
_TC_ASM = re.compile(rb"\b(?:mma|wgmma|ldmatrix|stmatrix|hmma|tcgen05)\b")
_FP8_NAME = re.compile(r"fp8|fp6|fp4|e4m3|e5m2|e2m1|e2m3|e3m2|e8m0", re.I)
_HALF_MATH = re.compile(  # half math catalogued under cuda-math (hexp, h2sqrt, make_half2, ...)
    r"^(?:h2?(?:exp|log|sqrt|rsqrt|rcp|sin|cos|ceil|floor|trunc|rint)\w*|make_(?:half2|bfloat162))$")


def fixed_width_names(clean: bytes) -> tuple[re.Pattern[bytes] | None, re.Pattern[bytes] | None]:
    """Regexes for the file's own names of 32 (`#define WARP_SIZE 32`) and of full masks (`FULL_MASK`)."""
    warp: set[bytes] = set(_DEFINE_32.findall(clean))
    for m in _ASSIGN_32.finditer(clean):
        w = _WARP_NAME_BEFORE.search(clean, max(0, m.start() - 80), m.start())
        if w:
            warp.add(w.group(1))
    mask: set[bytes] = set(_DEFINE_MASK.findall(clean))
    for m in _ASSIGN_MASK.finditer(clean):
        c = _CONST_NAME_BEFORE.search(clean, max(0, m.start() - 120), m.start())
        if c:
            mask.add(c.group(1))

    def rx(names: set[bytes]) -> re.Pattern[bytes] | None:
        if not names:
            return None
        return re.compile(rb"\b(?:" + b"|".join(re.escape(x) for x in sorted(names)) + rb")\b")
    return rx(warp), rx(mask)


class UseView(NamedTuple):
    """What feature counting needs from one use."""

    pos: int
    symbol: str
    family: str
    kind: str


def kernel_features(clean: bytes, data: bytes, start: int, end: int, uses: Iterable[UseView],
                    warp_rx: re.Pattern[bytes] | None, mask_rx: re.Pattern[bytes] | None,
                    device_names: list[bytes]) -> Counter[str]:
    """Count each KERNEL_FEATURES item inside one kernel's byte range."""
    c: Counter[str] = Counter()
    for u in uses:
        fam, sym = u.family, u.symbol
        if sym == "__shared__":
            c["shared-memory"] += 1
        elif sym == "extern __shared__":
            c["shared-memory"] += 1
            c["dynamic-shared-memory"] += 1
        elif u.kind == "asm":
            c["inline-asm"] += 1
            stmt_end = data.find(b";", u.pos)
            if _TC_ASM.search(data, u.pos, stmt_end if stmt_end > 0 else len(data)):
                c["tensor-cores"] += 1
        elif fam == "kernel.warp":
            c["warp-intrinsics"] += 1
        elif fam == "kernel.atomic":
            c["atomics"] += 1
        elif fam == "kernel.tensor-core":
            c["tensor-cores"] += 1
        elif fam == "kernel.cooperative-groups":
            c["cooperative-groups"] += 1
        elif fam in ("kernel.texture", "cuda-runtime.texture"):
            c["textures"] += 1
        elif fam == "kernel.load":
            c["ldg"] += 1
        elif fam == "kernel.fp16":
            c["fp8" if _FP8_NAME.search(sym) else "fp16-bf16"] += 1
        elif fam == "cuda-math" and _HALF_MATH.match(sym):
            c["fp16-bf16"] += 1
        if sym.startswith("__syncthreads"):
            c["syncthreads"] += 1
    w32 = sum(len(rx.findall(clean, start, end)) for rx in _W32)
    for m in _LT_32.finditer(clean, start, end):
        if _LT_32_BEFORE.search(clean, max(start, m.start() - 40), m.start()):
            w32 += 1
    if warp_rx is not None:
        w32 += len(warp_rx.findall(clean, start, end))
    if w32:
        c["warp-size-32"] = w32
    full = len(_FULL_MASK.findall(clean, start, end)) + (len(mask_rx.findall(clean, start, end)) if mask_rx else 0)
    if full:
        c["full-lane-mask"] = full
    calls = sum(_count_calls(clean, start, end, name) for name in device_names)
    if calls:
        c["device-calls"] = calls
    return c


_CALL_TAIL = re.compile(rb"\s*(?:<[^;{}()]*>)?\s*\(")


def _count_calls(clean: bytes, start: int, end: int, name: bytes) -> int:
    """Calls `name(`, `name<T>(`, `ns::name(` in [start, end); not member calls `obj.name(`."""
    if not name:  # an operator or an unnamed function: nothing to count (and find(b"") would never advance)
        return 0
    n, count = len(name), 0
    i = clean.find(name, start, end)
    while i >= 0:
        prev = clean[i - 1] if i else 0x20
        if not (prev == 0x5F or 0x30 <= prev <= 0x39 or 0x41 <= prev <= 0x5A or 0x61 <= prev <= 0x7A or prev == 0x2E
                or clean[i - 2:i] == b"->") and _CALL_TAIL.match(clean, i + n):
            j = i + n
            if j >= len(clean) or not (clean[j] == 0x5F or clean[j:j + 1].isalnum()):
                count += 1
        i = clean.find(name, i + n, end)
    return count


def device_names(names: Iterable[str]) -> list[bytes]:
    """Unqualified names of the file's own __device__ functions."""
    return sorted({n.rpartition("::")[2].encode() for n in names if n and n.rpartition("::")[2].isidentifier()})
