"""Shared helpers for the benchmark scripts: hipify's file set, running hipify-perl, parsing its statistics,
and blanking C/C++ comments and string literals."""
from __future__ import annotations

import os
import re
import subprocess
import time
from pathlib import Path

# hipify's bin/findcode.sh: these extensions, all lower-case or all upper-case, found by `find` (no symlinked dirs).
FINDCODE_EXTS = ("cu", "cpp", "cxx", "c", "cc", "cuh", "h", "hpp", "hh", "inc", "inl", "hxx", "hdl")
_EXT_SET = {"." + e for e in FINDCODE_EXTS} | {"." + e.upper() for e in FINDCODE_EXTS}

_FILE_RE = re.compile(r"^\[HIPIFY\] info: file '(.*)' statistics:$")
_NAME_RE = re.compile(r"^  (\S+) => (\S+): (\d+)$")
_INCLUDE_RE = re.compile(r'^[ \t]*#[ \t]*include[ \t]*[<"]([^>"\n]+)[>"]', re.MULTILINE)
_HEADER_NAME_RE = re.compile(r"\.(h|hh|hpp|hxx|cuh|inl|inc)$|/")
_WORD = re.compile(r"[A-Za-z0-9_]")


def find_code_files(root: Path) -> list[str]:
    """Return the C/C++ files findcode.sh would list under root, as sorted POSIX paths relative to root."""
    out: list[str] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in filenames:
            if os.path.splitext(name)[1] in _EXT_SET and os.path.isfile(os.path.join(dirpath, name)):
                out.append(Path(dirpath, name).relative_to(root).as_posix())
    return sorted(out)


def run_hipify(hipify: Path, root: Path, files: list[str], quiet_warnings: bool = True,
               perl: str = "perl") -> tuple[str, float]:
    """Run `hipify-perl -examine` on files (relative to root, cwd = root); return (stderr, wall seconds)."""
    cmd = [perl, str(hipify), "-examine"]
    if quiet_warnings:
        cmd.append("-quiet-warnings")
    start = time.perf_counter()
    proc = subprocess.run(cmd + files, cwd=root, capture_output=True, text=True, errors="replace")
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"hipify-perl exited {proc.returncode}: {proc.stderr[-2000:]}")
    return proc.stderr, elapsed


def parse_hipify_stats(stderr: str) -> dict[str, dict[str, int]]:
    """Map each file in hipify's per-file statistics to {CUDA name: count}; the GLOBAL block is dropped."""
    result: dict[str, dict[str, int]] = {}
    current: str | None = None
    in_names = False
    for line in stderr.splitlines():
        m = _FILE_RE.match(line)
        if m:
            current = None if m.group(1) == "GLOBAL" else m.group(1)
            if current is not None:
                result.setdefault(_norm_rel(current), {})
            in_names = False
            continue
        if line.startswith("[HIPIFY] info: CONVERTED refs by names:"):
            in_names = current is not None
            continue
        if in_names:
            n = _NAME_RE.match(line)
            if n is None:
                in_names = False
                continue
            # the printed count is the target name's total, shared by all sources mapping to it
            result[_norm_rel(current)][n.group(1)] = int(n.group(3))
    return result


def _norm_rel(path: str) -> str:
    """Drop a leading './' so hipify's file names compare with relative POSIX paths."""
    return path[2:] if path.startswith("./") else path


def blank_c_source(text: str, keep_strings: bool = False) -> str:
    """Return text with C/C++ comments (and, unless keep_strings, string/char literals) replaced by spaces.

    Newlines are kept so line numbers survive. Handles //, /* */, "..." and '...' with escapes, raw strings
    R"d(...)d" with prefixes, and C++14 digit separators (1'000 is not a char literal)."""
    out = list(text)
    n = len(text)
    i = 0

    def blank(a: int, b: int) -> None:
        for k in range(a, min(b, n)):
            if out[k] != "\n":
                out[k] = " "

    while i < n:
        c = text[i]
        if c == "/" and i + 1 < n and text[i + 1] == "/":
            j = i
            while j < n and text[j] != "\n":
                # a backslash-newline continues a line comment
                if text[j] == "\\" and j + 1 < n and text[j + 1] == "\n":
                    j += 2
                    continue
                j += 1
            blank(i, j)
            i = j
        elif c == "/" and i + 1 < n and text[i + 1] == "*":
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            blank(i, j)
            i = j
        elif c == '"':
            prefix = _literal_prefix(text, i)
            if prefix.endswith("R"):
                m = re.compile(r'"([^ ()\\\t\n]{0,16})\(').match(text, i)
                if m:
                    end = text.find(")" + m.group(1) + '"', m.end())
                    j = n if end < 0 else end + len(m.group(1)) + 2
                    if not keep_strings:
                        blank(i + 1, j - 1)
                    i = j
                    continue
            j = _end_of_quoted(text, i, '"')
            if not keep_strings:
                blank(i + 1, j - 1)
            i = j
        elif c == "'":
            prev = text[i - 1] if i else ""
            if prev and _WORD.match(prev) and _literal_prefix(text, i) not in ("L", "u", "U", "u8"):
                i += 1  # digit separator or stray quote
                continue
            j = _end_of_quoted(text, i, "'")
            if not keep_strings:
                blank(i + 1, j - 1)
            i = j
        else:
            i += 1
    return "".join(out)


def _literal_prefix(text: str, i: int) -> str:
    """Return the identifier characters directly before position i (a literal's encoding prefix, if any)."""
    j = i
    while j > 0 and _WORD.match(text[j - 1]):
        j -= 1
    return text[j:i]


def _end_of_quoted(text: str, i: int, quote: str) -> int:
    """Return the index just past the literal opened at i; an unterminated one ends at the line end."""
    j = i + 1
    n = len(text)
    while j < n:
        ch = text[j]
        if ch == "\\":
            j += 2
            continue
        if ch == quote:
            return j + 1
        if ch == "\n":
            return j
        j += 1
    return n


def is_header_name(name: str) -> bool:
    """Tell whether a hipify name is a header (cuda_runtime.h, cub/cub.cuh) rather than an identifier."""
    return bool(_HEADER_NAME_RE.search(name))


def include_paths(comment_blanked: str) -> list[str]:
    """Return the paths of the #include directives in comment-free source."""
    return _INCLUDE_RE.findall(comment_blanked)


def has_word(name: str, text: str) -> bool:
    """Tell whether name occurs in text as a whole word (bounded by non-identifier characters)."""
    pat = r"(?<![A-Za-z0-9_])" + re.escape(name) + r"(?![A-Za-z0-9_])"
    return re.search(pat, text) is not None


def occurs_in_code(name: str, code_blanked: str, comment_blanked: str) -> bool:
    """Tell whether name occurs outside comments and strings.

    An identifier counts as a whole word in code or inside an #include path (hipify renames `CUDAContext` in
    `#include "ATen/cuda/CUDAContext.h"` too); a header name counts as the basename of an #include path."""
    if is_header_name(name):
        base = name.rsplit("/", 1)[-1]
        return any(inc.rsplit("/", 1)[-1] == base for inc in include_paths(comment_blanked))
    return has_word(name, code_blanked) or any(has_word(name, inc) for inc in include_paths(comment_blanked))
