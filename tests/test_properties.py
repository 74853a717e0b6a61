"""Property tests (hypothesis): scanners never raise and never point outside the file; fast paths agree with
the libraries they stand in for. The fuzz script (tools/fuzz_scanners.py) runs the same checks at scale."""
from __future__ import annotations

import re
from pathlib import Path

import pathspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portcheck.discover import _Ignore, gitignore_matcher
from portcheck.fileio import Undecodable, decode, normalize
from portcheck.scanners import SCANNERS, get_scanner
from portcheck.tables import load_tables

FIXTURES = Path(__file__).parent / "fixtures"
NEWLINE = re.compile(r"\r\n|\r|\n")
# scanner -> real fixtures its mutations start from
SEEDS = {
    "python": sorted((FIXTURES / "python").glob("*.py")) + sorted((FIXTURES / "guard").glob("*.py")),
    "cuda": sorted((FIXTURES / "cuda").iterdir()) + [FIXTURES / "guard" / "inline_ptx.cu"],
    "cmake": [FIXTURES / "build" / "CMakeLists.txt", FIXTURES / "build" / "cuda_flags.cmake"],
    "setup": [FIXTURES / "build" / "setup.py"],
    "requirements": [FIXTURES / "build" / "requirements.txt", FIXTURES / "build" / "requirements-dev.in"],
    "pyproject": [FIXTURES / "build" / "pyproject.toml"],
    # project signals (C/C++ mode: bindings and #ifdef USE_ROCM branches)
    "signals": sorted((FIXTURES / "cuda").iterdir()) + sorted((FIXTURES / "effort").rglob("*.cu")),
}
TABLES = load_tables()


def violations(text: str, out) -> list[str]:
    """Every way a scan result points outside its file (empty when all positions lie inside)."""
    lines = NEWLINE.split(text)
    bad = []
    for u in [*out.uses, *out.markers]:
        if not (1 <= u.line <= u.end_line <= len(lines)):
            bad.append(f"{u.symbol}: lines {u.line}-{u.end_line} outside 1-{len(lines)}")
            continue
        if not 1 <= u.column <= len(lines[u.line - 1]) + 1:
            bad.append(f"{u.symbol}: column {u.column} outside line {u.line} ({len(lines[u.line - 1])} chars)")
        if not 1 <= u.end_column <= len(lines[u.end_line - 1]) + 1:
            bad.append(f"{u.symbol}: end column {u.end_column} outside line {u.end_line}")
        if u.line == u.end_line and u.end_column < u.column:
            bad.append(f"{u.symbol}: ends before it starts")
    for k in out.kernels:
        if not (1 <= k.line <= k.end_line <= len(lines)):
            bad.append(f"kernel {k.name}: lines {k.line}-{k.end_line} outside 1-{len(lines)}")
    return bad


def scan_ok(scanner: str, text: str) -> None:
    text = normalize(text)  # as fileio.decode hands text to every scanner
    out = get_scanner(scanner)(f"x.{scanner}", text, TABLES)  # raises -> the test fails with the traceback
    assert violations(text, out) == []


@st.composite
def mutated(draw, scanner: str) -> str:
    """A real fixture with a few random edits: cut, duplicate, insert noise, truncate."""
    text = draw(st.sampled_from(SEEDS[scanner])).read_text(encoding="utf-8")
    for _ in range(draw(st.integers(1, 4))):
        n = len(text)
        a = draw(st.integers(0, n))
        b = draw(st.integers(a, min(n, a + 200)))
        op = draw(st.sampled_from(["cut", "dup", "insert", "truncate", "swap"]))
        if op == "cut":
            text = text[:a] + text[b:]
        elif op == "dup":
            text = text[:b] + text[a:b] + text[b:]
        elif op == "insert":
            noise = "".join(draw(st.lists(st.sampled_from(NOISE), max_size=12)))
            text = text[:a] + noise + text[a:]
        elif op == "truncate":
            text = text[:a]
        else:
            text = text[a:b] + text[:a] + text[b:]
    return text


NOISE = list("(){}[]<>;:,.\"'#/\\*\n\r\t ") + ["<<<", ">>>", "__global__", "cuda", "\x00", "\u00e9", "\ud800",
                                                "\u2028", "\x0c", '"""', "asm(", "#if", "*/", "/*"]
PROFILE = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("scanner", sorted(SCANNERS))
def test_random_text_never_raises_and_stays_inside(scanner):
    @PROFILE
    @given(st.text(max_size=400))
    def run(text):
        scan_ok(scanner, text)
    run()


@pytest.mark.parametrize("scanner", sorted(SCANNERS))
def test_random_bytes_through_decode(scanner):
    @PROFILE
    @given(st.binary(max_size=400))
    def run(data):
        try:
            text, _note = decode(data)
        except Undecodable as exc:  # the engine reports the file as skipped with this reason
            assert str(exc).startswith("binary file")
            return
        scan_ok(scanner, text)
    run()


@pytest.mark.parametrize("scanner", sorted(SCANNERS))
def test_mutated_real_fixtures(scanner):
    @PROFILE
    @given(mutated(scanner))
    def run(text):
        scan_ok(scanner, text)
    run()


def test_violations_sees_a_position_outside_the_file():
    """The invariant checker itself can fail: a finding past the last line is reported."""
    out = get_scanner("python")("x.py", "import torch\ntorch.cuda.synchronize()\n", TABLES)
    assert violations("import torch\ntorch.cuda.synchronize()\n", out) == []
    assert violations("import torch\n", out) == ["torch.cuda.synchronize: lines 2-2 outside 1-2"] or \
        violations("import torch", out) == ["torch.cuda.synchronize: lines 2-2 outside 1-1"]


_COMPONENT = st.one_of(  # a few common names so that multi-component patterns match often enough to test
    st.sampled_from(["a", "b", "ab", "a.x", "*", "a*", "?", "*.x", "a.[xy]", "[a-c]*", "[ab]", "[!a]", "[^a]",
                     "[a-]", "[-a]", "a]", "[]a]", "[a"]),
    st.text(alphabet="abcx.-_*?", min_size=1, max_size=5).filter(lambda s: s not in (".", "..")))
_NAME = _COMPONENT.filter(lambda s: "*" not in s and "?" not in s)
# plain patterns: one component (any depth) or several (from the .gitignore's folder), a leading and/or trailing
# slash
_PATTERN = st.tuples(st.booleans(), st.lists(_COMPONENT, min_size=1, max_size=3), st.booleans()).map(
    lambda t: ("/" if t[0] else "") + "/".join(t[1]) + ("/" if t[2] else ""))


@settings(max_examples=500, deadline=None)
@given(st.lists(_PATTERN, min_size=1, max_size=4), st.lists(_NAME, min_size=1, max_size=4), st.booleans())
def test_exclude_fast_path_agrees_with_pathspec(pats, parts, is_dir):
    """The per-component matcher `check` uses gives pathspec's gitignore answer for every path, and for every
    directory (a trailing slash: how discovery prunes a whole folder)."""
    rel = "/".join(parts) + ("/" if is_dir else "")
    assert gitignore_matcher(pats)(rel) == pathspec.GitIgnoreSpec.from_lines(pats).match_file(rel), (pats, rel)


_GITIGNORE_LINE = st.one_of(
    st.tuples(_PATTERN, st.sampled_from(["", " ", "  ", "\t"])).map(lambda t: t[0] + t[1]),  # trailing blanks
    st.sampled_from(["", "# a comment", "#*.py", "   ", " a", "!a", "a/b", "**/a", "a[bc]", "a/./b", "a\\ "]),
)


@settings(max_examples=500, deadline=None)
@given(st.lists(_GITIGNORE_LINE, min_size=1, max_size=6), st.lists(_NAME, min_size=1, max_size=4), st.booleans())
def test_gitignore_file_matcher_agrees_with_pathspec(tmp_path_factory, lines, parts, is_dir):
    """A .gitignore read by discovery (fast matcher for simple files, pathspec otherwise) answers like pathspec,
    comments, blank lines, trailing blanks, negations and slashed patterns included."""
    folder = tmp_path_factory.mktemp("gi")
    (folder / ".gitignore").write_text("\n".join(lines) + "\n", encoding="utf-8")
    ign = _Ignore(folder, [], True)
    ign.load_dir("", str(folder))
    probe = "/".join(parts) + ("/" if is_dir else "")
    assert ign.ignored("/".join(parts), is_dir) == pathspec.GitIgnoreSpec.from_lines(lines).match_file(probe), \
        (lines, probe)


def test_lone_carriage_returns_end_lines_for_every_scanner():
    """Old Mac line ends: the kernel on line 2 is found on line 2 by tree-sitter too."""
    text, note = decode(b"#include <cuda_runtime.h>\r__global__ void k() {}\r")
    assert (text, note) == ("#include <cuda_runtime.h>\n__global__ void k() {}\n", "")
    out = get_scanner("cuda")("k.cu", text, TABLES)
    assert [(k.name, k.line) for k in out.kernels] == [("k", 2)]
