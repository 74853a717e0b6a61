"""The build and dependency scanners: annotated fixtures compared exactly, plus fields, partial input and fuzz."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portcheck.discover import classify
from portcheck.scanners import get_scanner
from portcheck.scanners.build import scan_cmake, scan_pyproject, scan_requirements, scan_setup
from portcheck.tables import Tables, load_tables
from tests.annotations import diff, expected, found

FIXTURES = Path(__file__).parent / "fixtures" / "build"
EXAMPLE = Path(__file__).parent.parent / "examples" / "ddp_cuda_demo"
_TABLES: list[Tables] = []  # hypothesis cannot take a function-scoped fixture; load the tables once
BUILD_SCANNERS = ("cmake", "setup", "requirements", "pyproject")
FIXTURE_FILES = sorted(p for p in FIXTURES.rglob("*") if p.is_file())


@pytest.fixture(scope="module")
def tables() -> Tables:
    return load_tables()


def _scan(path: Path, tables: Tables, root: Path = FIXTURES):
    """Run the build scanners discovery would pick for this file; return (uses, partial reasons)."""
    cls = classify(path.name)
    assert cls is not None, f"{path.name} is not a file portcheck reads"
    uses, partial = [], []
    for name in cls[1]:
        if name in BUILD_SCANNERS:
            out = get_scanner(name)(path.relative_to(root).as_posix(), path.read_text(encoding="utf-8"), tables)
            uses += out.uses
            partial += [out.partial] if out.partial else []
    return uses, partial


def _one(uses, line: int, symbol: str):
    hits = [u for u in uses if u.line == line and u.symbol == symbol]
    assert len(hits) == 1, f"expected one {symbol} on line {line}, got {hits}"
    return hits[0]


def test_fixture_set_is_complete() -> None:
    names = {p.relative_to(FIXTURES).as_posix() for p in FIXTURE_FILES}
    assert names == {"CMakeLists.txt", "cuda_flags.cmake", "setup.py", "requirements.txt", "requirements-dev.in",
                     "pyproject.toml", "no_cuda/CMakeLists.txt", "no_cuda/setup.py", "no_cuda/requirements.txt",
                     "no_cuda/pyproject.toml"}


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda p: p.relative_to(FIXTURES).as_posix())
def test_fixture_annotations_match_findings(path: Path, tables: Tables) -> None:
    uses, partial = _scan(path, tables)
    assert partial == []
    exp = expected(path)
    assert bool(exp) == (path.parent.name != "no_cuda")  # negative fixtures expect nothing at all
    assert not diff(exp, found(uses)), f"{path.name}:\n{diff(exp, found(uses))}"


def test_cmake_fields(tables: Tables) -> None:
    uses, _ = _scan(FIXTURES / "CMakeLists.txt", tables)
    lang = _one(uses, 9, "cmake:CUDA-language")
    assert (lang.column, lang.end_line, lang.end_column) == (88, 9, 92)
    assert (lang.language, lang.kind, lang.family, lang.confidence) == ("cmake", "build", "build.cmake", "syntactic")
    assert lang.source.startswith("project(fused_ops VERSION 0.3")
    assert lang.detail == "project(CUDA)"
    flags = _one(uses, 25, "nvcc-flags")
    assert flags.detail == "--expt-relaxed-constexpr -Xcompiler=-fPIC"
    assert (flags.column, flags.family) == (43, "build.setup")
    assert _one(uses, 25, "CMAKE_CUDA_FLAGS").column == 5
    fake = _one(uses, 39, "CUDA::not_a_real_target")
    assert (fake.confidence, fake.family, fake.column) == ("textual", "build.cmake", 3)
    assert _one(uses, 27, "CMAKE_CUDA_SOMETHING_NEW").confidence == "textual"
    assert _one(uses, 36, "CUDA::cublas").column == 54
    genex = _one(uses, 43, "nvcc-flags")
    assert (genex.column, genex.detail) == (30, "--use_fast_math -Xptxas=-v")
    quoted_genex = _one(uses, 46, "nvcc-flags")
    assert (quoted_genex.column, quoted_genex.detail) == (69, "-lineinfo --expt-extended-lambda")
    assert [u.line for u in uses] == sorted(u.line for u in uses)


def test_cmake_legacy_flags(tables: Tables) -> None:
    uses, _ = _scan(FIXTURES / "cuda_flags.cmake", tables)
    flags = _one(uses, 4, "nvcc-flags")
    assert flags.detail == "-gencode arch=compute_70,code=sm_70 -gencode=arch=compute_80,code=sm_80 --expt-extended-lambda"
    assert _one(uses, 11, "nvcc-flags").detail == "sm_80"
    assert _one(uses, 11, "cmake:cuda_add_executable").column == 1
    assert _one(uses, 14, "nvcc-flags").detail == "-U__CUDA_NO_HALF_OPERATORS__ -U__CUDA_NO_HALF2_OPERATORS__"


def test_setup_fields(tables: Tables) -> None:
    uses, _ = _scan(FIXTURES / "setup.py", tables)
    assert {u.language for u in uses} == {"build-python"} and {u.kind for u in uses} == {"build"}
    assert {u.family for u in uses} == {"build.setup"}
    arch = _one(uses, 9, "nvcc-flags")
    assert (arch.column, arch.end_column, arch.detail) == (23, 45, "TORCH_CUDA_ARCH_LIST")
    assert _one(uses, 14, "nvcc-flags").detail == "--use_fast_math -U__CUDA_NO_HALF_OPERATORS__ --expt-relaxed-constexpr"
    assert _one(uses, 19, "nvcc-flags").detail == "-gencode arch=compute_{},code=sm_{}"
    assert _one(uses, 22, "nvcc-flags").column == 28
    srcs = _one(uses, 31, "cuda-sources")
    assert (srcs.column, srcs.detail) == (43, "csrc/softmax.cu, csrc/layernorm.cu")
    assert _one(uses, 32, "nvcc-flags").detail == "-O3 -Xptxas=-v"
    kw = _one(uses, 37, "nvcc-flags")
    assert (kw.column, kw.end_column) == (50, 54)


def test_requirements_fields(tables: Tables) -> None:
    uses, _ = _scan(FIXTURES / "requirements.txt", tables)
    assert {(u.language, u.kind, u.family) for u in uses} == {("requirements", "dependency", "build.requirements")}
    index = _one(uses, 2, "pip:torch+cuXXX")
    assert (index.column, index.detail) == (19, "index https://download.pytorch.org/whl/cu121")
    assert _one(uses, 8, "pip:torch+cuXXX").detail == "torch cu121"
    assert _one(uses, 12, "pip:flash-attn").detail == "flash-attn"  # PEP 503: Flash_Attn -> flash-attn
    nv = _one(uses, 18, "pip:nvidia-*-cu12")
    assert (nv.detail, nv.column, nv.end_column) == ("nvidia-cublas-cu12", 1, 19)
    assert _one(uses, 31, "pip:apex").column == 40  # the #egg= name
    wheel = _one(uses, 33, "pip:flash-attn")
    assert (wheel.column, wheel.detail) == (71, "flash-attn")
    assert _one(uses, 34, "pip:torchvision+cuXXX").detail == "torchvision cu121"


def test_pyproject_fields(tables: Tables) -> None:
    uses, _ = _scan(FIXTURES / "pyproject.toml", tables)
    assert {(u.language, u.kind) for u in uses} == {("toml", "dependency")}
    assert _one(uses, 14, "pip:flash-attn").column == 4  # inside the quotes
    assert _one(uses, 28, "pip:xformers").column == 1  # a Poetry key
    assert _one(uses, 29, "pip:torch+cuXXX").detail == "torch cu121"
    assert _one(uses, 30, "pip:mamba-ssm").column == 2  # inside the quoted key
    assert _one(uses, 35, "pip:apex").column == 27  # the last part of a table header
    index = _one(uses, 40, "pip:torch+cuXXX")
    assert (index.column, index.detail) == (8, "index https://download.pytorch.org/whl/cu121")


def test_requirement_continuation_lines(tables: Tables) -> None:
    text = "numpy\ndeepspeed>=0.14 \\\n    --hash=sha256:0123\n\\\n  xformers\n"
    out = scan_requirements("requirements.txt", text, tables)
    assert [(u.line, u.column, u.symbol) for u in out.uses] == [(2, 1, "pip:deepspeed"), (5, 3, "pip:xformers")]
    assert out.uses[0].source == "deepspeed>=0.14 \\"


def test_names_are_data(tables: Tables) -> None:
    """Which wheels count comes from the catalog: a team's entry is honoured, a removed one is forgotten."""
    catalog = {k: v for k, v in tables.catalog.items() if k != "pip:flash-attn"}
    catalog["pip:acme-cuda-*"] = tables.catalog["pip:xformers"]
    custom = Tables(tables.families, catalog, tables.backends)
    custom.finalize()
    out = scan_requirements("r.txt", "flash-attn\nacme_cuda_kernels==1\n", custom)
    assert [(u.line, u.symbol) for u in out.uses] == [(2, "pip:acme-cuda-*")]
    assert [(u.line, u.symbol) for u in scan_requirements("r.txt", "flash-attn\n", tables).uses] == \
        [(1, "pip:flash-attn")]


def test_partial_cmake_keeps_what_came_before(tables: Tables) -> None:
    text = 'enable_language(CUDA)\nset(X "unterminated\nfind_package(CUDAToolkit)\n'
    out = scan_cmake("CMakeLists.txt", text, tables)
    assert out.partial == "unterminated quoted argument in set() at line 2"
    assert [(u.line, u.symbol) for u in out.uses] == [(1, "cmake:CUDA-language")]
    out = scan_cmake("x.cmake", "find_package(CUDA)\n#[[ never closed\nenable_language(CUDA)\n", tables)
    assert out.partial == "unterminated bracket comment"
    assert [(u.line, u.symbol) for u in out.uses] == [(1, "cmake:find_package(CUDA)")]
    out = scan_cmake("x.cmake", "target_link_libraries(x CUDA::cudart\n", tables)
    assert out.partial == "unterminated command (missing ')') in target_link_libraries() at line 1"
    assert [(u.line, u.symbol) for u in out.uses] == [(1, "CUDA::cudart")]


def test_partial_setup_pyproject_requirements(tables: Tables) -> None:
    out = scan_setup("setup.py", 'print "python 2"\n', tables)
    assert (out.uses, out.partial) == ([], "setup.py does not parse (line 1): Missing parentheses in call to "
                                           "'print'. Did you mean print(...)?")
    out = scan_pyproject("pyproject.toml", '[project]\ndependencies = ["xformers"]\nname = "oops\n', tables)
    assert out.partial.startswith("invalid TOML: ")
    assert [(u.line, u.symbol) for u in out.uses] == [(2, "pip:xformers")]
    out = scan_requirements("requirements.txt", "vllm\n@@@ ???\npycuda\n", tables)
    assert out.partial == "line 2: not a requirement: @@@ ???"
    assert [(u.line, u.symbol) for u in out.uses] == [(1, "pip:vllm"), (3, "pip:pycuda")]


def test_bom_and_crlf(tables: Tables) -> None:
    out = scan_setup("setup.py", '\ufeffargs = {"nvcc": ["-O3"]}\r\n', tables)
    assert [(u.line, u.column, u.source) for u in out.uses] == [(1, 10, '\ufeffargs = {"nvcc": ["-O3"]}')]
    out = scan_requirements("requirements.txt", "\ufeffxformers\r\n", tables)
    assert ([(u.line, u.column) for u in out.uses], out.partial) == ([(1, 2)], "")
    out = scan_pyproject("pyproject.toml", '\ufeff[project]\ndependencies = ["triton"]\n', tables)
    assert ([(u.line, u.column) for u in out.uses], out.partial) == ([(2, 18)], "")
    out = scan_cmake("CMakeLists.txt", "project(p LANGUAGES CUDA)\r\n", tables)
    assert [(u.line, u.column, u.source) for u in out.uses] == [(1, 21, "project(p LANGUAGES CUDA)")]


def test_generated_one_line_file_keeps_sources_small(tables: Tables) -> None:
    text = "target_link_libraries(x " + "CUDA::cudart " * 2000 + "CUDA::cublas)\n"
    out = scan_cmake("CMakeLists.txt", text, tables)
    assert [(u.line, u.column, u.symbol) for u in out.uses] == [(1, 25, "CUDA::cudart"), (1, 26025, "CUDA::cublas")]
    line = text.rstrip("\n")
    assert out.uses[0].source == line[:1000] + "…"
    assert out.uses[1].source == "…" + line[26024 - 200:26024 - 200 + 1000] + "…"


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda p: p.relative_to(FIXTURES).as_posix())
def test_truncated_fixtures_never_raise(path: Path, tables: Tables) -> None:
    text = path.read_text(encoding="utf-8")
    scanner = {"toml": scan_pyproject, "requirements": scan_requirements, "cmake": scan_cmake,
               "build-python": scan_setup}[classify(path.name)[0]]  # type: ignore[index]
    for cut in range(0, len(text), 7):
        out = scanner(path.name, text[:cut], tables)
        assert all(1 <= u.line <= text[:cut].count("\n") + 1 for u in out.uses)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('abCUDA:;#[]=()"\'\\{}$<>-_. \n\t@+/,*') + ["\x00", "é"]),
               max_size=200))
def test_random_input_never_raises(text: str) -> None:
    tables = _TABLES[0] if _TABLES else _TABLES.append(load_tables()) or _TABLES[0]
    for scanner in (scan_cmake, scan_setup, scan_requirements, scan_pyproject):
        out = scanner("f", text, tables)
        assert isinstance(out.partial, str)


def test_bundled_example_build_files(tables: Tables) -> None:
    """The README's first command scans examples/ddp_cuda_demo: its build ties are pinned here exactly."""
    got = {name: [(u.line, u.column, u.symbol) for u in _scan(EXAMPLE / name, tables, EXAMPLE)[0]]
           for name in ("CMakeLists.txt", "setup.py", "requirements.txt")}
    assert got["CMakeLists.txt"] == [
        (3, 37, "cmake:CUDA-language"), (6, 5, "CMAKE_CUDA_STANDARD"), (7, 16, "CMAKE_CUDA_ARCHITECTURES"),
        (8, 7, "CMAKE_CUDA_ARCHITECTURES"), (11, 14, "cmake:find_package(CUDAToolkit)"),
        (23, 59, "cmake:CUDA_SEPARABLE_COMPILATION"), (26, 31, "nvcc-flags"), (29, 62, "CUDA::cudart"),
        (29, 75, "CUDA::cublas")]
    assert got["setup.py"] == [(8, 23, "nvcc-flags"), (12, 5, "nvcc-flags"), (17, 26, "nvcc-flags"),
                               (26, 43, "cuda-sources"), (27, 63, "nvcc-flags")]
    assert got["requirements.txt"] == [(2, 19, "pip:torch+cuXXX"), (5, 1, "pip:triton"), (6, 1, "pip:flash-attn"),
                                       (7, 1, "pip:nvidia-*-cu12")]
