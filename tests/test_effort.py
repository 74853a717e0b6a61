"""The effort model: traceable sums per figure, port strategies per kernel unit, abstraction awareness,
monotonicity and the defects of the per-atom model (docs/effort-model.md)."""
from __future__ import annotations

import math
from pathlib import Path

import pytest

from portcheck.effort import (PHASES, classify_kernel, compile_jobs, estimate_effort, kernel_cost, load_weights,
                              unit_review_cost)
from portcheck.engine import ScanOptions, run_scan
from portcheck.model import KernelInfo
from portcheck.tables import TableError, load_tables

BACKENDS = ("cann", "musa", "neuware")
FIXTURES = Path(__file__).parent / "fixtures" / "effort"

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

HELPERS = """#include <cuda_fp16.h>
__device__ float warp_sum(float v) {
  for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffff, v, o);
  return v;
}
__device__ __half to_half(float v) { return __float2half(v); }
__device__ float block_max(float v) {
  __shared__ float s[32];
  int lane = threadIdx.x & 31;
  if (lane == 0) s[threadIdx.x / 32] = v;
  __syncthreads();
  return s[0];
}
"""


@pytest.fixture(scope="module")
def tables():
    return load_tables()


def _write(tmp: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp / rel).write_text(text)
    return tmp


def _scan(tmp: Path, files: dict[str, str], tables):
    return run_scan(_write(tmp, files), ScanOptions(jobs=1), tables).effort


def _kernels(n: int) -> str:
    return "#include <cuda_runtime.h>\n" + "".join(KERNEL.format(n=i) for i in range(n))


def _figures(e) -> dict[str, float]:
    """The cumulative figures, which no added use may lower: working, working + parity, everything."""
    w, p, a = (e[ph]["hours"] for ph in PHASES)
    return {"working": w, "with_parity": round(w + p, 2), "total": round(w + p + a, 2),
            "working_low": e["working"]["low"], "working_high": e["working"]["high"]}


def _check_invariants(effort):
    for b in BACKENDS:
        e = effort[b]
        items = e["line_items"]
        for phase in PHASES:
            sel = [i for i in items if i["phase"] == phase]
            fig = e[phase]
            for key in ("hours", "low", "high"):
                assert math.isclose(fig[key], round(sum(i[key] for i in sel), 2), abs_tol=0.011), (b, phase, key)
            assert 0 <= fig["low"] <= fig["hours"] <= fig["high"]
            assert math.isclose(sum(fig["by_category"].values()), fig["hours"], abs_tol=0.05)
        assert (e["hours"], e["low"], e["high"]) == (e["working"]["hours"], e["working"]["low"], e["working"]["high"])
        for i in items:
            for k in ("hours", "low", "high", "count", "weight"):
                assert i[k] >= 0 and not math.isnan(i[k]), (b, i)
            assert i["phase"] in PHASES
        assert 0 <= e["readiness"] <= 100


def test_plain_torch_cuda_is_cheap_and_similar(tmp_path, tables):
    effort = _scan(tmp_path, {"train.py": PLAIN}, tables)
    _check_invariants(effort)
    hours = {b: effort[b]["hours"] for b in BACKENDS}
    assert all(h < 30 for h in hours.values()), hours  # environment set-up dominates
    assert max(hours.values()) <= 1.25 * min(hours.values()), hours
    assert all(effort[b]["readiness"] >= 80 for b in BACKENDS)
    for b in BACKENDS:  # renames are priced per distinct name, never per use
        assert not [i for i in effort[b]["line_items"] if i.get("status") == "rename" and i["unit"] == "min/use"]


def test_kernels_get_strategies_per_unit(tmp_path, tables):
    effort = _scan(tmp_path, {"k.cu": _kernels(6)}, tables)
    _check_invariants(effort)
    w = load_weights()
    cann = effort["cann"]["kernel_units"]
    assert [(u["job"], u["strategy"], len(u["kernels"])) for u in cann] == [("reduction", "torch-composite", 6)]
    # one unit: the job's composite hours plus a quarter hour for each further kernel
    assert cann[0]["hours"] == 2 + 0.25 * 5
    rewrite = sum(kernel_cost(KernelInfo("k.cu", f"reduce_{i}", 1, 10, 10, tuple(u_f)), w["kernels"]["simd"])[0]
                  for i, u_f in enumerate([cann[0]["features"]] * 6))
    assert cann[0]["native_action"] == "rewrite" and cann[0]["parity_strategy"] == "rewrite"
    assert cann[0]["parity_hours"] == pytest.approx(0.5 * rewrite, abs=0.01)
    musa = effort["musa"]["kernel_units"]
    assert [(u["strategy"], u["parity_hours"]) for u in musa] == [("review", 0.0)]
    assert effort["musa"]["kernel_action"] == "review" and effort["cann"]["kernel_action"] == "rewrite"
    # kernel parity is where the SIMD backends pay: far more than MUSA's
    assert effort["cann"]["parity"]["hours"] > 10 * max(1.0, effort["musa"]["parity"]["hours"])
    assert effort["neuware"]["parity"]["hours"] > 10 * max(1.0, effort["musa"]["parity"]["hours"])


def test_vendor_operator_named_with_its_source(tmp_path, tables):
    src = ("#include <cuda_runtime.h>\n"
           "__global__ void rms_norm_kernel(float* out, const float* x, const float* w, int n) {\n"
           "  int i = blockIdx.x * blockDim.x + threadIdx.x;\n"
           "  if (i < n) out[i] = x[i] * w[i];\n"
           "}\n")
    effort = _scan(tmp_path, {"csrc/layernorm_kernels.cu": src}, tables)
    unit = effort["cann"]["kernel_units"][0]
    assert (unit["job"], unit["strategy"], unit["hours"], unit["parity_hours"]) == ("norm", "vendor-op", 3.0, 0.0)
    assert unit["ops"][0] == "torch_npu.npu_rms_norm" and "torch_npu_api.txt" in unit["ref"]
    nw = effort["neuware"]["kernel_units"][0]
    assert nw["strategy"] == "vendor-op" and nw["ops"][0] == "torch_mlu_ops.fused_rms_norm"
    assert effort["musa"]["kernel_units"][0]["strategy"] == "review"


def test_same_input_same_numbers(tmp_path, tables):
    a = _scan(tmp_path / "a", {"k.cu": _kernels(2), "t.py": PLAIN}, tables)
    b = _scan(tmp_path / "b", {"k.cu": _kernels(2), "t.py": PLAIN}, tables)
    assert a == b


def test_monotone_in_code_and_kernels(tmp_path, tables):
    one = _scan(tmp_path / "1", {"t.py": PLAIN, "k.cu": _kernels(1)}, tables)
    more_code = _scan(tmp_path / "2", {"t.py": PLAIN, "u.py": PLAIN, "k.cu": _kernels(1)}, tables)
    more_kernels = _scan(tmp_path / "3", {"t.py": PLAIN, "k.cu": _kernels(2)}, tables)
    for b in BACKENDS:
        f1, fc, fk = _figures(one[b]), _figures(more_code[b]), _figures(more_kernels[b])
        for key in f1:
            assert fc[key] >= f1[key] and fk[key] >= f1[key], (b, key)
        assert fk["with_parity"] > f1["with_parity"]


def test_a_kernel_added_to_a_file_of_helpers_lowers_nothing(tmp_path, tables):
    """Defect 6 of issue 13: the per-use costs of __device__ helpers vanished once a kernel sat beside them."""
    before = _scan(tmp_path / "a", {"ops/helpers.cu": HELPERS}, tables)
    after = _scan(tmp_path / "b", {"ops/helpers.cu": HELPERS + "__global__ void noop_kernel() {}\n"}, tables)
    for b in BACKENDS:
        fb, fa = _figures(before[b]), _figures(after[b])
        for key in fb:
            assert fa[key] >= fb[key], (b, key, fb[key], fa[key])
    # on CANN the helpers are kernel-parity work (rewritten with the kernels), with or without a kernel
    assert before["cann"]["parity"]["hours"] > 0 and before["cann"]["working"]["by_category"]["custom-kernels"] == 0


def test_a_suppressed_kernel_costs_nothing(tmp_path, tables):
    """Defect 6 of issue 13: `// portcheck: ignore` on a kernel line left its rewrite and feature charges."""
    kernel = KERNEL.format(n=0).replace("__global__ void reduce_0(const float* in, float* out, int n) {",
                                        "__global__ void reduce_0(const float* in, float* out, int n) {"
                                        "  // portcheck: ignore -- CUDA-only benchmark kernel")
    with_kernel = _scan(tmp_path / "a", {"t.py": PLAIN, "k.cu": "#include <cuda_runtime.h>\n" + kernel}, tables)
    without = _scan(tmp_path / "b", {"t.py": PLAIN, "k.cu": "#include <cuda_runtime.h>\n"}, tables)
    for b in BACKENDS:
        assert not [u for u in with_kernel[b]["kernel_units"] if "reduce_0" in u["kernels"]]
        for phase in PHASES:
            assert with_kernel[b][phase]["hours"] == without[b][phase]["hours"], (b, phase)


def test_renames_cost_per_name_not_per_use(tmp_path, tables):
    once = _scan(tmp_path / "1", {"t.py": "import torch\ntorch.cuda.synchronize()\n"}, tables)
    many = _scan(tmp_path / "2", {"t.py": "import torch\n" + "torch.cuda.synchronize()\n" * 40}, tables)
    for b in BACKENDS:
        if once[b]["status_counts"]["rename"]:
            assert many[b]["hours"] == once[b]["hours"], b


def test_rocm_code_is_not_priced(tmp_path, tables):
    cuda_only = _kernels(1)
    with_rocm = cuda_only + ("#ifdef USE_ROCM\n"
                             "__global__ void rocm_only(float* p) { p[threadIdx.x & 63] = __shfl_xor(1.f, 1); }\n"
                             "#endif\n")
    base = _scan(tmp_path / "a", {"k.cu": cuda_only}, tables)
    rocm = _scan(tmp_path / "b", {"k.cu": with_rocm, "csrc/rocm/attention.cu": _kernels(3)}, tables)
    for b in BACKENDS:
        for phase in PHASES:
            assert rocm[b][phase]["hours"] == base[b][phase]["hours"], (b, phase)
        assert rocm[b]["excluded_platform"] > 0 and base[b]["excluded_platform"] == 0


def test_triton_is_priced_per_file_not_per_call(tmp_path, tables):
    body = "".join(f"    x{i} = tl.load(p + {i})\n    tl.store(p + {i}, x{i})\n" for i in range(20))
    one = ("import triton\nimport triton.language as tl\n\n@triton.jit\ndef k(p):\n"
           "    x = tl.load(p)\n    tl.store(p, x)\n")
    many = "import triton\nimport triton.language as tl\n\n@triton.jit\ndef k(p):\n" + body
    a = _scan(tmp_path / "a", {"ops.py": one}, tables)
    b = _scan(tmp_path / "b", {"ops.py": many}, tables)
    for be in BACKENDS:
        assert a[be]["hours"] == b[be]["hours"], be
        files = [i for i in b[be]["line_items"] if i["what"] == "python-package.triton: files using it"]
        assert [i["count"] for i in files] == [1]


def test_guarded_import_is_an_optional_integration(tmp_path, tables):
    guarded = "import torch\ntry:\n    import flash_attn\nexcept ImportError:\n    flash_attn = None\n"
    hard = "import torch\nimport flash_attn\n"
    g = _scan(tmp_path / "g", {"m.py": guarded}, tables)
    h = _scan(tmp_path / "h", {"m.py": hard}, tables)
    for b in BACKENDS:
        dep = [i for i in g[b]["line_items"] if i["what"].startswith("replace dependency flash_attn")]
        assert [i["phase"] for i in dep] == ["parity"]
        dep = [i for i in h[b]["line_items"] if i["what"].startswith("replace dependency flash_attn")]
        assert [i["phase"] for i in dep] == ["working"]


def test_op_builder_project_leaves_kernels_optional(tables):
    doc = run_scan(FIXTURES / "ds_like", ScanOptions(jobs=1), tables)
    effort = doc.effort
    _check_invariants(effort)
    project = effort["_project"]
    assert [a["kind"] for a in project["abstractions"]] == ["accelerator", "op-builder", "op-load"]
    assert project["op_dirs"] == ["dspkg/ops/"] and project["optional_native"].startswith("built by")
    for b in BACKENDS:
        e = effort[b]
        unit = e["kernel_units"][0]
        assert (unit["job"], unit["strategy"], unit["hours"]) == ("optimizer", "fallback", 0.0)
        optional = [i for i in e["line_items"] if i["what"].startswith("optional ops left unavailable")]
        assert [(i["phase"], i["hours"]) for i in optional] == [("working", 2.0)]
        # the extension's C++ and the ops/ folder that loads it are kernel-parity work
        for i in e["line_items"]:
            if i["phase"] == "working" and i["category"] in ("runtime-c-api", "custom-kernels"):
                assert i["what"].startswith(("optional ops", "fallback", "renames")), (b, i["what"])
        tests = [i for i in e["line_items"] if i["phase"] == "aux"]
        assert tests and e["aux"]["hours"] > 0  # tests/ priced apart
    assert effort["cann"]["kernel_units"][0]["parity_strategy"] == "vendor-op"
    assert "torch_npu.optim.NpuFusedAdamW" in effort["cann"]["kernel_units"][0]["ops"]


def test_hardware_target_changes_the_kernel_strategy(tmp_path, tables):
    _write(tmp_path, {"k.cu": _kernels(2)})
    base = run_scan(tmp_path, ScanOptions(jobs=1), tables).effort
    simt = run_scan(tmp_path, ScanOptions(jobs=1, targets={"cann": "950", "musa": "s5000"}), tables).effort
    assert base["cann"]["kernel_action"] == "rewrite" and simt["cann"]["kernel_action"] == "adapt"
    assert simt["cann"]["target"]["id"] == "950" and base["cann"]["target"]["id"] == "910b"
    # a SIMT port on the 950 replaces the Ascend C rewrite: kernel parity costs far less
    assert simt["cann"]["parity"]["hours"] < base["cann"]["parity"]["hours"] / 3
    # S5000's 32-lane warp: no warp-width review
    review_128 = base["musa"]["kernel_units"][0]
    review_32 = simt["musa"]["kernel_units"][0]
    assert "warp-size-32" in review_128["features"]
    assert review_32["hours"] == review_128["hours"] - 1 - 0.5  # warp-size-32 and full-lane-mask weights
    assert any("no cost on a 32-lane warp" in w for w in review_32["native_why"])


def test_kernel_cost_formulas():
    w = load_weights()
    k = KernelInfo("k.cu", "k", 1, 100, 100, ("atomics", "shared-memory", "warp-intrinsics"))
    hours, why = kernel_cost(k, w["kernels"]["simd"])
    assert hours == pytest.approx(12 + 0.3 * 100 + 6 + 4 + 8)
    assert why[0] == "base 12 h"
    hours, _ = unit_review_cost([k], w["kernels"]["simt"])
    assert hours == pytest.approx(0.25 + 0.5 + 0.25)
    k32 = KernelInfo("k.cu", "k2", 1, 10, 10, ("full-lane-mask", "warp-intrinsics", "warp-size-32"))
    # features count once per unit; the base once per kernel
    assert unit_review_cost([k, k32], w["kernels"]["simt"])[0] == pytest.approx(2 * 0.25 + 0.25 + 0.5 + 1 + 0.5)
    assert unit_review_cost([k32], w["kernels"]["simt"], warp_size=32)[0] == pytest.approx(0.25 + 0.5)


# Kernel names from NVIDIA/apex, microsoft/DeepSpeed, vllm-project/vllm, open-mmlab/mmcv and ggml (scanned trees).
JOBS = [
    ("rms_norm_kernel", "csrc/layernorm_kernels.cu", "norm"),
    ("fused_add_rms_norm_kernel", "csrc/layernorm_kernels.cu", "norm"),
    ("LayerNormBackward2_fused_add", "csrc/transformer/normalize_kernels.cu", "norm"),
    ("paged_attention_v2_reduce_kernel", "csrc/attention/attention_kernels.cu", "attention"),
    ("attn_softmax_v2", "csrc/transformer/inference/csrc/softmax.cu", "softmax"),
    ("topkGatingSoftmax", "csrc/moe/topk_softmax_kernels.cu", "moe-routing"),
    ("moe_align_block_size_kernel", "csrc/moe_align_block_size_kernels.cu", "moe-routing"),
    ("rotary_embedding_kernel", "csrc/pos_encoding_kernels.cu", "rotary"),
    ("act_and_mul_kernel", "csrc/activation_kernels.cu", "activation"),
    ("reshape_and_cache_kernel", "csrc/cache_kernels.cu", "cache-ops"),
    ("copy_blocks_kernel", "csrc/cache_kernels.cu", "cache-ops"),
    ("cross_device_reduce_1stage", "csrc/custom_all_reduce.cuh", "collectives"),
    ("Marlin", "csrc/quantization/marlin/marlin_cuda_kernel.cu", "quantized-gemm"),
    ("make_sequential_4bit_kernel", "csrc/quantization/gptq/q_gemm.cu", "quantized-gemm"),
    ("scaled_fp8_quant_kernel", "csrc/quantization/fp8/fp8_cuda_kernels.cu", "quantization"),
    ("lamb_cuda_kernel_part1", "csrc/lamb/fused_lamb_cuda_kernel.cu", "optimizer"),
    ("multi_tensor_apply_kernel", "csrc/adam/multi_tensor_apply.cuh", "optimizer"),
    ("dropout_kernel", "csrc/transformer/dropout_kernels.cu", "elementwise"),
    ("transform4d_0213<float>", "csrc/transformer/transform_kernels.cu", "copy-layout"),
    ("roi_align_forward_cuda_kernel", "mmcv/ops/csrc/common/cuda/roi_align_cuda_kernel.cuh", "vision-ops"),
    ("nms_cuda", "mmcv/ops/csrc/common/cuda/nms_cuda_kernel.cuh", "vision-ops"),
    ("column_sum_reduce", "csrc/transformer/general_kernels.cu", "reduction"),
    ("k_compute_batched_ptrs", "src/ggml-cuda/ggml-cuda.cu", "other"),
]


@pytest.mark.parametrize("name,path,job", JOBS)
def test_job_taxonomy_on_real_kernel_names(name, path, job):
    jobs = compile_jobs(load_weights()["_jobs"])
    assert classify_kernel(name, path, jobs)[0] == job


def _facts(name: str) -> set[str]:
    root = Path(__file__).parent / "data" / "vendor_facts"
    return {ln.strip() for ln in (root / name).read_text(encoding="utf-8").splitlines()
            if ln.strip() and not ln.startswith("#")}


def test_every_strategy_operator_is_a_vendor_fact():
    """Each operator named in mappings/*/strategies.yaml is in a vendor list (tests/data/vendor_facts)."""
    w = load_weights()
    npu = _facts("torch_npu_api.txt") | {"torch_npu." + n for n in _facts("torch_npu_custom_ops.txt")}
    ops = [ln.split("\t") for ln in _facts("strategy_operators.tsv")]
    by_source: dict[str, set[str]] = {}
    for source, name in ops:
        by_source.setdefault(source, set()).add(name)
    musa_api = _facts("torch_musa_api.txt")
    mlu_api = _facts("torch_mlu_api.txt")
    known = {
        "cann": lambda n: n in npu or n in by_source["npu-supported"],
        "neuware": lambda n: (n in mlu_api or n in by_source["mlu-supported"] or n in by_source["mlu-custom"]
                              or n in by_source["torchvision-mlu"]
                              or n.removeprefix("torch_mlu_ops.") in by_source["torch-mlu-ops"]),
        "musa": lambda n: n in musa_api,
    }
    checked = 0
    jobs = {j["id"] for j in w["_jobs"]}
    for backend, table in w["_strategies"].items():
        for job, row in table.items():
            assert job in jobs, (backend, job)
            assert row.get("ref"), (backend, job)
            for name in row["ops"]:
                if backend == "musa" and name.startswith("torch.nn.functional."):
                    # MUSA's registered ATen kernels behind the functional, named in the row's ref
                    assert any(op in row["ref"] for op in by_source["musa-aten"]), (job, name)
                else:
                    assert known[backend](name), (backend, job, name)
                checked += 1
    assert checked >= 50


def test_overrides_apply_and_bad_ones_are_rejected():
    w = load_weights({"hours_per_day": 8, "kernels": {"simd": {"hours_per_line": 1.0}},
                      "paths": {"optional": ["csrc/experimental/"]}})
    assert w["hours_per_day"] == 8 and w["kernels"]["simd"]["hours_per_line"] == 1.0
    assert w["kernels"]["simd"]["base_hours"] == 12 and w["paths"]["optional"] == ["csrc/experimental/"]
    with pytest.raises(TableError, match="unknown key 'effort.nope'"):
        load_weights({"nope": 1})
    with pytest.raises(TableError, match="unknown key 'effort._jobs'"):
        load_weights({"_jobs": []})
    with pytest.raises(TableError, match="must be a non-negative number"):
        load_weights({"learn_hours": {"adapt": -1}})
    with pytest.raises(TableError, match="'paths.optional' must be a list"):
        load_weights({"paths": {"optional": "csrc/"}})


def test_optional_paths_from_the_project(tmp_path, tables):
    _write(tmp_path, {"csrc/experimental/k.cu": _kernels(1), "t.py": PLAIN})
    plain = run_scan(tmp_path, ScanOptions(jobs=1), tables).effort
    marked = run_scan(tmp_path, ScanOptions(jobs=1, effort_overrides={"paths": {"optional": ["csrc/experimental/"]}}),
                      tables).effort
    for b in BACKENDS:
        assert marked[b]["kernel_units"][0]["strategy"] == "fallback"
        assert marked[b]["kernel_units"][0]["optional"] == "marked optional in the project's configuration"
        assert marked[b]["working"]["hours"] <= plain[b]["working"]["hours"]


def test_empty_repository_costs_nothing(tables):
    effort = estimate_effort([], [], tables, BACKENDS)
    for b in BACKENDS:
        assert effort[b]["hours"] == 0 and effort[b]["line_items"] == [] and effort[b]["readiness"] == 100.0
        assert all(effort[b][p]["hours"] == 0 for p in PHASES)

