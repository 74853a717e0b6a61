"""Properties of the effort model (issue 13), checked with hypothesis on findings matched by the real tables:
adding a use never lowers a figure, duplicating a file doubles the per-use parts and leaves the per-name learning
alone, suppressed lines cost nothing, and low <= estimate <= high everywhere."""
from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portcheck.effort import PHASES, estimate_effort
from portcheck.engine import match
from portcheck.model import ApiUse, KernelInfo
from portcheck.tables import load_tables

BACKENDS = ("cann", "musa", "neuware")
TABLES = load_tables()

# (language, kind, symbol, family, in kernel?): real symbols of each category, as the scanners report them
POOL = [
    ("python", "call", "torch.cuda.synchronize", "", False),
    ("python", "call", "torch.cuda.get_device_properties", "", False),
    ("python", "call", "torch.cuda.CUDAGraph", "", False),
    ("python", "device-string", "device:cuda", "", False),
    ("python", "import", "flash_attn", "", False),
    ("python", "call", "triton.language.load", "", False),
    ("python", "backend-string", "backend:nccl", "", False),
    ("cuda", "call", "cudaMalloc", "", False),
    ("cuda", "call", "cudaMemcpyAsync", "", False),
    ("cuda", "call", "cublasSgemm", "", False),
    ("cuda", "call", "at::cuda::getCurrentCUDAStream", "", False),
    ("cuda", "intrinsic", "__shfl_xor_sync", "", True),
    ("cuda", "intrinsic", "__shfl_xor_sync", "", False),
    ("cuda", "intrinsic", "atomicAdd", "", True),
    ("cuda", "qualifier", "__shared__", "", True),
    ("cuda", "launch", "<<<>>>", "", False),
    ("cmake", "build", "cmake:enable_language(CUDA)", "", False),
]
PATHS = ["train.py", "pkg/model.py", "tests/test_model.py", "csrc/ops.cu", "csrc/norm_kernels.cu",
         "csrc/rocm/ops.cu", "CMakeLists.txt"]
KERNELS = [KernelInfo("csrc/ops.cu", "scale_kernel", 10, 18, 9, ("atomics", "warp-intrinsics")),
           KernelInfo("csrc/norm_kernels.cu", "rms_norm_kernel", 5, 30, 26, ("shared-memory", "syncthreads"))]


def _use(i: int, path: str, line: int) -> ApiUse:
    lang, kind, sym, fam, in_kernel = POOL[i]
    if lang == "python" and not path.endswith(".py"):
        path = "train.py"
    if lang == "cuda" and not path.endswith(".cu"):
        path = "csrc/ops.cu"
    if lang == "cmake":
        path = "CMakeLists.txt"
    kernel = ""
    if in_kernel:
        k = next(k for k in KERNELS if k.path == path) if path in {k.path for k in KERNELS} else KERNELS[0]
        path, kernel, line = k.path, k.name, k.line + 1
    return ApiUse(path, line, 1, line, 2, lang, kind, sym, fam, sym, "resolved", "", kernel)


uses_strategy = st.lists(st.tuples(st.integers(0, len(POOL) - 1), st.sampled_from(PATHS), st.integers(1, 400)),
                         min_size=0, max_size=25)


def _effort(uses: list[ApiUse], kernels=KERNELS):
    return estimate_effort(match(uses, TABLES, BACKENDS), kernels, TABLES, BACKENDS)


def _cumulative(e) -> tuple[float, float, float]:
    w, p, a = (e[ph]["hours"] for ph in PHASES)
    return w, w + p, w + p + a


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(base=uses_strategy, extra=st.tuples(st.integers(0, len(POOL) - 1), st.sampled_from(PATHS),
                                           st.integers(1, 400)))
def test_adding_a_use_never_lowers_a_figure(base, extra):
    uses = [_use(*t) for t in base]
    before = _effort(uses)
    after = _effort(uses + [_use(*extra)])
    for b in BACKENDS:
        for x, y in zip(_cumulative(before[b]), _cumulative(after[b])):
            assert y >= x - 1e-6, (b, x, y)
        for key in ("low", "high"):
            assert after[b][key] >= before[b][key] - 1e-6


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(base=uses_strategy)
def test_duplicating_a_file_doubles_per_use_parts_and_keeps_learning(base):
    uses = [_use(*t) for t in base if not POOL[t[0]][4]]  # outside kernels: kernel bodies are priced per unit
    py = [u for u in uses if u.path == "train.py"]
    copy = [ApiUse("train_copy.py", *[getattr(u, f) for f in ApiUse.__slots__[1:]]) for u in py]
    one, two = _effort(uses, []), _effort(uses + copy, [])
    for b in BACKENDS:
        per_use = lambda e: sum(i["hours"] for i in e[b]["line_items"] if i["unit"] == "min/use")  # noqa: E731
        learn = lambda e: sorted((i["phase"], i["category"], i["what"], i["hours"])  # noqa: E731
                                 for i in e[b]["line_items"] if i["what"].startswith(("learn", "renames: distinct")))
        py_per_use = per_use(_effort(py, [])) if py else 0.0
        assert math.isclose(per_use(two), per_use(one) + py_per_use, abs_tol=0.01), b
        assert learn(two) == learn(one), b


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(base=uses_strategy)
def test_every_figure_lies_inside_its_range(base):
    effort = _effort([_use(*t) for t in base])
    for b in BACKENDS:
        for ph in PHASES:
            fig = effort[b][ph]
            assert fig["low"] <= fig["hours"] <= fig["high"], (b, ph, fig)
        for i in effort[b]["line_items"]:
            assert i["low"] <= i["hours"] <= i["high"], i


def test_a_python_only_torch_cuda_script_costs_about_the_same_everywhere():
    uses = [_use(i, "train.py", 10 + i) for i in range(4)] + [_use(3, "train.py", 30)]
    effort = _effort(uses, [])
    hours = [effort[b]["hours"] for b in BACKENDS]
    assert max(hours) <= 1.25 * min(hours), hours


@pytest.mark.parametrize("backend", BACKENDS)
def test_suppressed_lines_cost_nothing(tmp_path, backend):
    """The engine drops suppressed uses and kernels before the estimate: a file whose every tie is suppressed
    costs what an empty project costs."""
    from portcheck.engine import ScanOptions, run_scan

    (tmp_path / "train.py").write_text("import torch  # portcheck: ignore\n"
                                       "torch.cuda.synchronize()  # portcheck: ignore\n"
                                       "x = torch.zeros(3).cuda()  # portcheck: ignore -- fine on CPU\n")
    (tmp_path / "k.cu").write_text("__global__ void k(float* p) {  // portcheck: ignore\n"
                                   "  p[threadIdx.x] = 0;  // portcheck: ignore\n"
                                   "}\n")
    effort = run_scan(tmp_path, ScanOptions(jobs=1, backends=(backend,)), TABLES).effort[backend]
    assert effort["line_items"] == [] and all(effort[ph]["hours"] == 0 for ph in PHASES)
