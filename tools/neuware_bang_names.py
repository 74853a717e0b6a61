"""Write mappings/neuware/bang_fp16.yaml: CUDA half / bf16 intrinsics and the BANG C vector intrinsic that does
the same work, each found in Cambricon's own kernels.

A `__half2float` or `__hmul2` finding on NeuWare used to rest on the kernel.fp16 family default ("CUDA half
intrinsics do not carry over", `inferred`). BANG C has no scalar half intrinsics and no paired half2 type: the same
conversion or arithmetic is a vector intrinsic over NRAM arrays, `__bang_half2float(dst, src, count)`,
`__bang_mul(dst, a, b, count)`, `__bang_fusion(dst, a, b, c, FUSION_FMA, count)`. PAIRS below says which intrinsic
does a CUDA name's work (same operation and rounding: CUDA _rn/_rz/_rd = BANG _rn/_tz/_dn); every BANG name is in
facts/bang_intrinsics_used_in_mlu_ops.txt (the __bang_* intrinsics Cambricon/mlu-ops@73adc65d kernels/ use) and the
ref cites the first mlu-ops kernel file (sorted) that calls it. Each catalog name whose NeuWare verdict is a
family default becomes an exact entry with the family's status (still `partial`: the kernel around it is a
vectorised rewrite), the BANG name as target and `evidence: verified`. Names with a hand-written entry are left to
it; half2 / nv_bfloat162 themselves stay inferred (no BANG type found either way).

    python tools/neuware_bang_names.py [--mlu-ops /work/.mirror/Cambricon+mlu-ops/repo]   # with --mlu-ops: recheck FILES
"""
from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "mappings" / "neuware" / "bang_fp16.yaml"
FACTS = ROOT / "tests" / "data" / "vendor_facts" / "bang_intrinsics_used_in_mlu_ops.txt"
COMMIT = "73adc65d"
# CUDA name -> (BANG intrinsic, what it does)
PAIRS = {
    "__half2float": ("__bang_half2float", "half -> float conversion"),
    "__float2half": ("__bang_float2half_rn", "float -> half conversion, round to nearest even"),
    "__float2half_rn": ("__bang_float2half_rn", "float -> half conversion, round to nearest even"),
    "__float2half_rz": ("__bang_float2half_tz", "float -> half conversion, round toward zero"),
    "__float2half_rd": ("__bang_float2half_dn", "float -> half conversion, round down"),
    "__bfloat162float": ("__bang_bfloat162float", "bf16 -> float conversion"),
    "__float2bfloat16": ("__bang_float2bfloat16_rn", "float -> bf16 conversion, round to nearest even"),
    "__float2bfloat16_rn": ("__bang_float2bfloat16_rn", "float -> bf16 conversion, round to nearest even"),
    "__float2bfloat16_rz": ("__bang_float2bfloat16_tz", "float -> bf16 conversion, round toward zero"),
    "__half2int_rz": ("__bang_half2int32_tz", "half -> int32 conversion, round toward zero"),
    "__float2int_rz": ("__bang_float2int32_tz", "float -> int32 conversion, round toward zero"),
    "__hadd": ("__bang_add", "element-wise add"),
    "__hadd2": ("__bang_add", "element-wise add"),
    "__hsub": ("__bang_sub", "element-wise subtract"),
    "__hsub2": ("__bang_sub", "element-wise subtract"),
    "__hmul": ("__bang_mul", "element-wise multiply"),
    "__hmul2": ("__bang_mul", "element-wise multiply"),
    "__hdiv": ("__bang_div", "element-wise divide"),
    "__h2div": ("__bang_div", "element-wise divide"),
    "__hmax": ("__bang_maximum", "element-wise maximum"),
    "__hmax2": ("__bang_maximum", "element-wise maximum"),
    "__hmin": ("__bang_minimum", "element-wise minimum"),
    "__hmin2": ("__bang_minimum", "element-wise minimum"),
    "__hmax_nan": ("__bang_nan_maximum", "element-wise maximum propagating NaN"),
    "__hmax2_nan": ("__bang_nan_maximum", "element-wise maximum propagating NaN"),
    "__hmin_nan": ("__bang_nan_minimum", "element-wise minimum propagating NaN"),
    "__hmin2_nan": ("__bang_nan_minimum", "element-wise minimum propagating NaN"),
    "__habs": ("__bang_active_abs", "element-wise absolute value"),
    "__habs2": ("__bang_active_abs", "element-wise absolute value"),
    "hexp": ("__bang_active_exphp", "element-wise exp (high precision)"),
    "h2exp": ("__bang_active_exphp", "element-wise exp (high precision)"),
    "hrcp": ("__bang_active_reciphp", "element-wise reciprocal (high precision)"),
    "h2rcp": ("__bang_active_reciphp", "element-wise reciprocal (high precision)"),
    "__hfma": ("__bang_fusion", "fused multiply-add (__bang_fusion with FUSION_FMA)"),
    "__hfma2": ("__bang_fusion", "fused multiply-add (__bang_fusion with FUSION_FMA)"),
}
# BANG intrinsic -> first Cambricon/mlu-ops kernels/ file (sorted) that calls it (checked with --mlu-ops)
FILES = {
    "__bang_half2float": "kernels/ball_query/ball_query_union1.mlu",
    "__bang_float2half_rn": "kernels/utils/common.h",
    "__bang_float2half_tz": "kernels/logspace/logspace_block.mlu",
    "__bang_float2half_dn": "kernels/nms_rotated/nms_rotated_union1.mlu",
    "__bang_bfloat162float": "kernels/adam_w/adam_w_device.mluh",
    "__bang_float2bfloat16_rn": "kernels/adam_w/adam_w_device.mluh",
    "__bang_float2bfloat16_tz": "kernels/utils/philox_generator.h",
    "__bang_half2int32_tz": "kernels/roiaware_pool3d/roiaware_pool3d_union1.mlu",
    "__bang_float2int32_tz": "kernels/dynamic_point_to_voxel/dynamic_point_to_voxel_backward/"
                             "dynamic_point_to_voxel_backward_union1.mlu",
    "__bang_add": "kernels/adam_w/adam_w_device_remove_nan.mluh",
    "__bang_sub": "kernels/adam_w/adam_w_device_remove_nan.mluh",
    "__bang_mul": "kernels/adam_w/adam_w_device_remove_nan.mluh",
    "__bang_div": "kernels/adam_w/adam_w_device.mluh",
    "__bang_maximum": "kernels/bbox_overlaps/bbox_overlaps_union1.mlu",
    "__bang_minimum": "kernels/bbox_overlaps/bbox_overlaps_union1.mlu",
    "__bang_nan_maximum": "kernels/mutual_information/mutual_information_backward/"
                          "mutual_information_backward_3pipeline_block.mlu",
    "__bang_nan_minimum": "kernels/mutual_information/mutual_information_forward/mutual_information_forward_utils.h",
    "__bang_active_abs": "kernels/poly_nms/poly_nms_block_calc_area.mlu",
    "__bang_active_exphp": "kernels/focal_loss_sigmoid/focal_loss_sigmoid_backward_union1.mlu",
    "__bang_active_reciphp": "kernels/focal_loss_sigmoid/focal_loss_sigmoid_backward_union1.mlu",
    "__bang_fusion": "kernels/adam_w/adam_w_device.mluh",
}


def facts_names(path: Path = FACTS) -> set[str]:
    return {l.strip() for l in path.read_text(encoding="utf-8").splitlines() if l.strip() and not l.startswith("#")}


def _family_default(b, fam: str):
    while fam not in b.family_defaults:
        fam = fam.rpartition(".")[0]
    return b.family_defaults[fam]


def _ref(bang: str) -> str:
    return f"Cambricon/mlu-ops@{COMMIT} {FILES[bang]} (calls {bang}; facts/bang_intrinsics_used_in_mlu_ops.txt)"


def build(tables, known: set[str]) -> str:
    b = tables.backend("neuware")
    lines = ["# Generated by tools/neuware_bang_names.py: CUDA half/bf16 intrinsics -> the BANG C vector intrinsic",
             f"# that does the same work, as called in Cambricon/mlu-ops@{COMMIT} kernels/. The family's status.",
             "evidence: verified", "entries:"]
    for sym in sorted(PAIRS):
        bang, what = PAIRS[sym]
        if bang not in known:
            raise SystemExit(f"{bang} is not in {FACTS.name}: not a name Cambricon's kernels use")
        entry = tables.catalog.get(sym)
        if entry is None:
            continue
        v = b.lookup(sym, entry.family)
        if v.rule != "family" and v.ref != _ref(bang):
            continue  # a hand-written entry decides
        status = _family_default(b, entry.family).status
        lines += [f"  - symbol: {sym}", f"    status: {status}", f"    target: {bang}",
                  f"    note: \"{what} on NRAM arrays: {bang}(dst, src..., count); BANG C has no scalar half "
                  f"intrinsics, so the call becomes part of the vectorised kernel\"", f"    ref: \"{_ref(bang)}\""]
    return "\n".join(lines) + "\n"


def check_files(git_dir: Path) -> list[str]:
    """Differences between FILES and the mlu-ops checkout (empty when FILES is right)."""
    out = []
    for bang, path in FILES.items():
        hits = subprocess.run(["git", "--git-dir", str(git_dir), "grep", "-l", "-w", bang, "HEAD", "--", "kernels"],
                              capture_output=True, text=True, check=False).stdout.split()
        first = sorted(h.removeprefix("HEAD:") for h in hits)[:1]
        if first != [path]:
            out.append(f"{bang}: FILES says {path}, mlu-ops has {first}")
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mlu-ops", type=Path, help="git dir of Cambricon/mlu-ops, to recheck FILES")
    args = ap.parse_args()
    if args.mlu_ops:
        diffs = check_files(args.mlu_ops)
        if diffs:
            print("\n".join(diffs), file=sys.stderr)
            return 1
    sys.path.insert(0, str(ROOT / "src"))
    from portcheck.tables import load_tables

    OUT.write_text("entries: []\n", encoding="utf-8")  # decide from the other tables, not a previous output
    OUT.write_text(build(load_tables(), facts_names()), encoding="utf-8")
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
