"""The effort model: traceable sums, sane ranges, determinism, monotonicity and the public-port anchors."""
from __future__ import annotations

import math
from pathlib import Path

import pytest

from portcheck.effort import estimate_effort, kernel_cost, load_weights
from portcheck.engine import ScanOptions, run_scan
from portcheck.model import KernelInfo
from portcheck.tables import TableError, load_tables

BACKENDS = ("cann", "musa", "neuware")

PLAIN = """import torch

def main():
    torch.cuda.set_device(0)
    x = torch.randn(8, 8).cuda()
    torch.cuda.synchronize()
    print(torch.cuda.device_count(), torch.cuda.current_device())
    torch.cuda.empty_cache()
    torch.cuda.manual_seed(0)
    return x
"""

KERNEL = """
__global__ void reduce_{n}(const float* in, float* out, int n) {{
  __shared__ float buf[256];
  int tid = threadIdx.x;
  int lane = threadIdx.x & 31;
  float v = tid < n ? in[blockIdx.x * blockDim.x + tid] : 0.f;
  for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffff, v, o);
  if (lane == 0) buf[tid / 32] = v;
  __syncthreads();
  if (tid == 0) atomicAdd(out, buf[0]);
}}
"""


@pytest.fixture(scope="module")
def tables():
    return load_tables()


def _scan(tmp: Path, files: dict[str, str], tables):
    for rel, text in files.items():
        (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp / rel).write_text(text)
    return run_scan(tmp, ScanOptions(jobs=1), tables).effort


def _kernels(n: int) -> str:
    return "#include <cuda_runtime.h>\n" + "".join(KERNEL.format(n=i) for i in range(n))


def _check_invariants(effort):
    for b in BACKENDS:
        e = effort[b]
        items = e["line_items"]
        assert math.isclose(e["hours"], round(sum(i["hours"] for i in items), 2), abs_tol=0.011)
        assert math.isclose(e["low"], round(sum(i["low"] for i in items), 2), abs_tol=0.011)
        assert math.isclose(e["high"], round(sum(i["high"] for i in items), 2), abs_tol=0.011)
        assert 0 <= e["low"] <= e["hours"] <= e["high"]
        for i in items:
            for k in ("hours", "low", "high", "count", "weight"):
                assert i[k] >= 0 and not math.isnan(i[k]), (b, i)
        assert math.isclose(sum(e["by_category"].values()), e["hours"], abs_tol=0.05)
        assert 0 <= e["readiness"] <= 100


def test_plain_torch_cuda_is_cheap_and_similar(tmp_path, tables):
    effort = _scan(tmp_path, {"train.py": PLAIN}, tables)
    _check_invariants(effort)
    hours = [effort[b]["hours"] for b in BACKENDS]
    assert all(h < 30 for h in hours), hours  # environment set-up dominates
    assert max(hours) - min(hours) < 0.25 * max(hours), hours
    assert all(effort[b]["readiness"] >= 80 for b in BACKENDS)


def test_kernel_heavy_costs_far_more_on_simd_backends(tmp_path, tables):
    effort = _scan(tmp_path, {"k.cu": _kernels(6)}, tables)
    _check_invariants(effort)
    musa = effort["musa"]["hours"]
    assert effort["cann"]["hours"] > 3.5 * musa, (effort["cann"]["hours"], musa)
    assert effort["neuware"]["hours"] > 3.5 * musa
    kernels = {b: effort[b]["by_category"]["custom-kernels"] for b in BACKENDS}
    assert kernels["cann"] > 5 * kernels["musa"] and kernels["neuware"] > 5 * kernels["musa"], kernels
    assert effort["cann"]["kernel_action"] == "rewrite" and effort["musa"]["kernel_action"] == "review"
    assert [k["name"] for k in effort["cann"]["top_kernels"]][:1] == ["reduce_0"]


def test_same_input_same_numbers(tmp_path, tables):
    a = _scan(tmp_path / "a", {"k.cu": _kernels(2), "t.py": PLAIN}, tables)
    b = _scan(tmp_path / "b", {"k.cu": _kernels(2), "t.py": PLAIN}, tables)
    assert a == b


def test_monotone_in_code_and_kernels(tmp_path, tables):
    one = _scan(tmp_path / "1", {"t.py": PLAIN, "k.cu": _kernels(1)}, tables)
    more_code = _scan(tmp_path / "2", {"t.py": PLAIN, "u.py": PLAIN, "k.cu": _kernels(1)}, tables)
    more_kernels = _scan(tmp_path / "3", {"t.py": PLAIN, "k.cu": _kernels(2)}, tables)
    for b in BACKENDS:
        assert more_code[b]["hours"] >= one[b]["hours"]
        assert more_kernels[b]["hours"] > one[b]["hours"]
        assert more_kernels[b]["low"] >= one[b]["low"] and more_kernels[b]["high"] >= one[b]["high"]


def test_kernel_cost_formula():
    w = load_weights()
    k = KernelInfo("k.cu", "k", 1, 100, 100, ("atomics", "shared-memory", "warp-intrinsics"))
    hours, why = kernel_cost(k, w["kernels"]["simd"])
    assert hours == pytest.approx(12 + 0.3 * 100 + 6 + 4 + 8)
    assert why[0] == "base 12 h"
    hours, _ = kernel_cost(k, w["kernels"]["simt"])
    assert hours == pytest.approx(0.25 + 1 + 0.25)
    k32 = KernelInfo("k.cu", "k", 1, 10, 10, ("full-lane-mask", "warp-intrinsics", "warp-size-32"))
    assert kernel_cost(k32, w["kernels"]["simt"])[0] == pytest.approx(0.25 + 1.5 + 1 + 2.5)


def test_overrides_apply_and_bad_ones_are_rejected(tmp_path, tables):
    w = load_weights({"hours_per_day": 8, "kernels": {"simd": {"hours_per_line": 1.0}}})
    assert w["hours_per_day"] == 8 and w["kernels"]["simd"]["hours_per_line"] == 1.0
    assert w["kernels"]["simd"]["base_hours"] == 12
    with pytest.raises(TableError, match="unknown key 'effort.nope'"):
        load_weights({"nope": 1})
    with pytest.raises(TableError, match="must be a non-negative number"):
        load_weights({"learn_hours": {"adapt": -1}})


def test_empty_repository_costs_nothing(tables):
    effort = estimate_effort([], [], tables, BACKENDS)
    for b in BACKENDS:
        assert effort[b]["hours"] == 0 and effort[b]["line_items"] == [] and effort[b]["readiness"] == 100.0
