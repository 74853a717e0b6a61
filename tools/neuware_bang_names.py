"""Write mappings/neuware/bang_fp16.yaml: CUDA half / bf16 names and device math, each with the BANG C construct that
does the same work, as found in Cambricon's own kernels.

A `__half2float`, `half2` or `__expf` finding on NeuWare used to rest on the family default ("CUDA half intrinsics
do not carry over", `inferred`). What Cambricon/mlu-ops@73adc65d kernels/ (and torch_mlu's BANG kernels) show:
- element types `half` and `bfloat16_t` on NRAM arrays, worked on by __bang_* vector intrinsics
  (`__bang_half2float(dst, src, count)`, `__bang_mul(dst, a, b, count)`, `__bang_fusion(..., FUSION_FMA, count)`);
- no paired half2 / bfloat162 type in either repository: a CUDA pair is two consecutive elements of a `half` /
  `bfloat16_t` NRAM array, so a paired intrinsic is the element-wise intrinsic over 2n elements;
- scalar half code exists too: `__float2half_rn(a)` on a scalar (kernels/utils/common.h), `__half2int32`,
  `__half2int32_up`, `__float2int32_up`, `__cn_scalar_cos_f16`, C casts `(T)y_low` with T = half and half operators
  in roi_align_rotated_forward_vector.mlu. (The old notes said "BANG C has no scalar half intrinsics": wrong.)
- the kernels include <mlu.h> (kernels/kernel.h) and no fp16 / bf16 header; neither repository has an fp8 type.

ROWS says which construct does a CUDA name's work and how; CITES says where mlu-ops shows each construct (a file and
a regular expression that must match in it). `--mlu-ops GIT_DIR` re-checks every citation in the checkout and
rewrites the reduced fact copy tests/data/vendor_facts/bang_constructs_in_mlu_ops.tsv (construct, file:line); without
it the refs come from that copy, so a fresh clone regenerates the same YAML. Every __bang_* name must also be in
facts/bang_intrinsics_used_in_mlu_ops.txt (the __bang_* intrinsics mlu-ops kernels/ call). Each catalog name whose
NeuWare verdict is a family default becomes an exact entry with the family's status (the kernel around it is still a
vectorised rewrite), the BANG construct as target and `evidence: verified`. Names with a hand-written entry are left
to it; names with no counterpart in these sources (fp8 types, __dp4a, __byte_perm, SIMD-in-a-word intrinsics, double
conversions) are not written and keep the family default, `inferred`.

    python tools/neuware_bang_names.py [--mlu-ops /work/.mirror/Cambricon+mlu-ops/repo]
"""
from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import tablegen  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "mappings" / "neuware" / "bang_fp16.yaml"
FACTS = ROOT / "tests" / "data" / "vendor_facts" / "bang_intrinsics_used_in_mlu_ops.txt"
CONSTRUCTS = ROOT / "tests" / "data" / "vendor_facts" / "bang_constructs_in_mlu_ops.tsv"
COMMIT = "73adc65d"

_VEC = "{what} on NRAM arrays: {t}(dst, src..., count); the call becomes part of the vectorised kernel"
_PAIRVEC = ("{what}: Cambricon's BANG code (mlu-ops, torch_mlu) has no paired half2 / bfloat162 type, a pair is two "
            "consecutive elements of an NRAM array, so this is {t}(dst, src, 2 * n) over the pairs' 2n elements")
_TYPE = ("paired type: Cambricon's BANG code (mlu-ops, torch_mlu) has no {cuda}-like type; store the pairs as 2n "
         "consecutive {t} elements of an NRAM array and use the element-wise __bang_* intrinsics over 2n elements")
_ELEM = ("{what}: with pairs stored as consecutive {t} elements of an NRAM array (no paired type in mlu-ops or "
         "torch_mlu), this "
         "is element indexing (element 2i is .x, 2i+1 is .y), no intrinsic")
_BITS = ("{what}: BANG C code reinterprets bits with a pointer cast of the same buffer or value ({seen}); mlu-ops "
         "calls no __*_as_* intrinsic")

# CUDA name -> (BANG construct, citation key in CITES (None: the construct itself), note)
ROWS: dict[str, tuple[str, str | None, str]] = {}


def _vec(names, t, what):
    for n in names:
        ROWS[n] = (t, None, _VEC.format(what=what, t=t))


def _pairvec(names, t, what):
    for n in names:
        ROWS[n] = (t, None, _PAIRVEC.format(what=what, t=t))


# element-wise intrinsics (the half2 forms work on the pairs' 2n elements the same way)
_vec(["__half2float"], "__bang_half2float", "half -> float conversion")
_vec(["__float2half_rz"], "__bang_float2half_tz", "float -> half conversion, round toward zero")
_vec(["__float2half_rd"], "__bang_float2half_dn", "float -> half conversion, round down")
_vec(["__bfloat162float"], "__bang_bfloat162float", "bf16 -> float conversion")
_vec(["__float2bfloat16", "__float2bfloat16_rn"], "__bang_float2bfloat16_rn",
     "float -> bf16 conversion, round to nearest even")
_vec(["__float2bfloat16_rz"], "__bang_float2bfloat16_tz", "float -> bf16 conversion, round toward zero")
_vec(["__half2int_rz"], "__bang_half2int32_tz", "half -> int32 conversion, round toward zero")
_vec(["__float2int_rz"], "__bang_float2int32_tz", "float -> int32 conversion, round toward zero")
_vec(["__int2float_rn"], "__bang_int322float_rn", "int32 -> float conversion, round to nearest even")
_vec(["__hadd", "__hadd2"], "__bang_add", "element-wise add")
_vec(["__hsub", "__hsub2"], "__bang_sub", "element-wise subtract")
_vec(["__hmul", "__hmul2", "__fmul_rn"], "__bang_mul", "element-wise multiply")
_vec(["__hdiv", "__h2div", "__fdividef"], "__bang_div", "element-wise divide")
_vec(["__hmax", "__hmax2"], "__bang_maximum", "element-wise maximum")
_vec(["__hmin", "__hmin2"], "__bang_minimum", "element-wise minimum")
_vec(["__hmax_nan", "__hmax2_nan"], "__bang_nan_maximum", "element-wise maximum propagating NaN")
_vec(["__hmin_nan", "__hmin2_nan"], "__bang_nan_minimum", "element-wise minimum propagating NaN")
_vec(["__habs", "__habs2"], "__bang_active_abs", "element-wise absolute value")
_vec(["hexp", "h2exp"], "__bang_active_exphp", "element-wise exp (high precision)")
_vec(["hrcp", "h2rcp"], "__bang_active_reciphp", "element-wise reciprocal (high precision)")
_vec(["__frcp_rn"], "__bang_recip", "element-wise reciprocal")
_vec(["__hfma", "__hfma2"], "__bang_fusion", "fused multiply-add (__bang_fusion with FUSION_FMA)")
_vec(["hsqrt", "h2sqrt"], "__bang_sqrt", "element-wise square root")
_vec(["hexp2", "h2exp2"], "__bang_pow2", "element-wise 2^x")
_vec(["hlog2", "h2log2"], "__bang_log2", "element-wise log2")
_vec(["hfloor", "h2floor"], "__bang_floor", "element-wise floor")
_vec(["__hgt", "__hgt2"], "__bang_gt", "element-wise a > b (the result per element in dst)")
_vec(["__hlt", "__hlt2"], "__bang_lt", "element-wise a < b (the result per element in dst)")
_vec(["__hle", "__hle2"], "__bang_le", "element-wise a <= b (the result per element in dst)")
_vec(["__heq", "__heq2"], "__bang_eq", "element-wise a == b (the result per element in dst)")
for _n in ("__hneg", "__hneg2"):
    ROWS[_n] = ("__bang_mul_scalar", None, "element-wise negation on NRAM arrays: mlu-ops calls no negate "
                "intrinsic; __bang_mul_scalar(dst, src, -1, count)")
for _n in ("rsqrtf", "rsqrt", "__frsqrt_rn", "hrsqrt", "h2rsqrt"):
    ROWS[_n] = ("__bang_sqrt", None, "reciprocal square root on NRAM arrays: mlu-ops calls no rsqrt intrinsic; "
                "__bang_sqrt(dst, src, count) then __bang_recip(dst, dst, count), both called in its kernels")
ROWS["__expf"] = ("__bang_pow2", "exp-via-pow2", "exp on NRAM arrays as mlu-ops' __mluop_exp does it: "
                  "__bang_mul_scalar(dst, src, log2(e), count), then __bang_pow2(dst, dst, count)")
ROWS["__logf"] = ("__bang_log2", "log-via-log2", "natural log on NRAM arrays as mlu-ops' __mluop_log does it: "
                  "__bang_log2(dst, src, count), then __bang_mul_scalar(dst, dst, ln(2), count)")

# paired conversions: the element-wise conversion over the pairs' 2n elements
_pairvec(["__half22float2"], "__bang_half2float", "half2 -> float2 conversion")
_pairvec(["__float22half2_rn"], "__bang_float2half_rn", "float2 -> half2 conversion, round to nearest even")
_pairvec(["__bfloat1622float2"], "__bang_bfloat162float", "bfloat162 -> float2 conversion")
_pairvec(["__float22bfloat162_rn", "__floats2bfloat162_rn"], "__bang_float2bfloat16_rn",
         "float pair -> bfloat162 conversion, round to nearest even")
for _n, _i in (("__low2float", "2i (.x)"), ("__high2float", "2i+1 (.y)")):
    ROWS[_n] = ("__bang_half2float", None, f"one half of a half2 -> float: with pairs stored as consecutive half "
                f"elements of an NRAM array, convert the 2n elements with __bang_half2float(dst, src, 2 * n) and take "
                f"element {_i}")
ROWS["__float2bfloat162_rn"] = ("__bang_float2bfloat16_rn", None, _PAIRVEC.format(
    what="float -> bfloat162 with both halves equal, round to nearest even", t="__bang_float2bfloat16_rn")
    + " (write the value to both elements)")

# scalar intrinsics BANG C has for one value
ROWS["__float2half"] = ("__float2half_rn", "__float2half_rn", "float -> half conversion, round to nearest even: "
                        "BANG C has the scalar __float2half_rn(x) (mlu-ops wraps it as __mluop_float2half); on NRAM "
                        "arrays the vector form is __bang_float2half_rn(dst, src, count)")
ROWS["__float2half_rn"] = ("__float2half_rn", "__float2half_rn", "same name in BANG C: scalar __float2half_rn(x), "
                           "round to nearest even; on NRAM arrays the vector form is __bang_float2half_rn(dst, src, "
                           "count)")
ROWS["__floats2half2_rn"] = ("__float2half_rn", "__float2half_rn", "two floats -> a half pair: no paired type in "
                             "mlu-ops or torch_mlu, convert each with the scalar __float2half_rn(x) into two consecutive half "
                             "elements (or __bang_float2half_rn over 2n elements)")
ROWS["__float2half2_rn"] = ("__float2half_rn", "__float2half_rn", "float -> half pair with both halves equal: no "
                            "paired type in mlu-ops or torch_mlu, convert once with the scalar __float2half_rn(x) and write it to "
                            "both half elements")
ROWS["__half2int_ru"] = ("__half2int32_up", "__half2int32_up", "half -> int32, round up: the scalar "
                         "__half2int32_up(x) in BANG C")
ROWS["__float2int_ru"] = ("__float2int32_up", "__float2int32_up", "float -> int32, round up: the scalar "
                          "__float2int32_up(x) in BANG C")
ROWS["__int2half_rn"] = ("half", "int-to-half-cast", "int -> half: a C cast (half)i on a scalar, as mlu-ops writes "
                         "(T)y_low with T = half; the cast's rounding is not stated in these sources (exact for "
                         "|i| <= 2048); on NRAM arrays __bang_int322float_rn then __bang_float2half_rn")
ROWS["hsin"] = ("__cn_scalar_sin_f16", "__cn_scalar_sin_f16", "half sine of one value: the scalar "
                "__cn_scalar_sin_f16(x) in BANG C")
ROWS["hcos"] = ("__cn_scalar_cos_f16", "__cn_scalar_cos_f16", "half cosine of one value: the scalar "
                "__cn_scalar_cos_f16(x) in BANG C")
ROWS["__sinf"] = ("__cn_scalar_sin_f32", "__cn_scalar_sin_f32", "float sine of one value: the scalar "
                  "__cn_scalar_sin_f32(x) in BANG C (on NRAM arrays __bang_sin)")
ROWS["__cosf"] = ("__cn_scalar_cos_f32", "__cn_scalar_cos_f32", "float cosine of one value: the scalar "
                  "__cn_scalar_cos_f32(x) in BANG C (on NRAM arrays __bang_cos)")

# paired types and pair assembly / extraction: element arrays
for _n in ("half2", "__half2", "nv_half2", "__nv_half2"):
    ROWS[_n] = ("half", "half-array", _TYPE.format(cuda="half2", t="half"))
for _n in ("nv_bfloat162", "__nv_bfloat162"):
    ROWS[_n] = ("bfloat16_t", "bf16-array", _TYPE.format(cuda="bfloat162", t="bfloat16_t"))
for _n, _what in (("__halves2half2", "two halves -> a half2"), ("__low2half", "low half of a half2"),
                  ("__high2half", "high half of a half2"), ("__lows2half2", "low halves of two half2 -> a half2"),
                  ("__highs2half2", "high halves of two half2 -> a half2"),
                  ("__low2half2", "low half of a half2 in both halves"),
                  ("__high2half2", "high half of a half2 in both halves"),
                  ("__lowhigh2highlow", "swap the halves of a half2"), ("make_half2", "two halves -> a half2")):
    ROWS[_n] = ("half", "half-elements", _ELEM.format(what=_what, t="half"))
for _n, _what in (("__halves2bfloat162", "two bf16 -> a bfloat162"), ("__low2bfloat16", "low half of a bfloat162"),
                  ("__high2bfloat16", "high half of a bfloat162"),
                  ("__lows2bfloat162", "low halves of two bfloat162 -> a bfloat162"),
                  ("__highs2bfloat162", "high halves of two bfloat162 -> a bfloat162"),
                  ("__low2bfloat162", "low half of a bfloat162 in both halves"),
                  ("__high2bfloat162", "high half of a bfloat162 in both halves"),
                  ("make_bfloat162", "two bf16 -> a bfloat162")):
    ROWS[_n] = ("bfloat16_t", "bf16-array", _ELEM.format(what=_what, t="bfloat16_t"))
for _n, _what in (("__half2half2", "one half in both halves of a half2"),
                  ("__bfloat162bfloat162", "one bf16 in both halves of a bfloat162")):
    ROWS[_n] = ("__bang_write_value", None, f"{_what}: no paired type in mlu-ops or torch_mlu; fill the NRAM array "
                "with the value "
                "(__bang_write_value(dst, count, value)), or pass it to a *_scalar intrinsic (__bang_mul_scalar)")
for _n in ("cuda_fp16.h", "cuda_fp16.hpp", "cuda_bf16.h", "cuda_bf16.hpp"):
    ROWS[_n] = ("mlu.h", "mlu.h", "no fp16 / bf16 header: mlu-ops' kernels use half and bfloat16_t including "
                "<mlu.h> (kernels/kernel.h) and no fp16 / bf16 header; include <mlu.h> instead")

# bit views: a pointer cast
_SEEN16 = "mlu-ops views half NRAM data as raw bytes through an (int8_t *) cast for a bitwise __bang_band"
_SEEN32 = "mlu-ops writes *(float *)&x2d to read an int's bits as float"
for _n, _t, _what in (("__half_as_ushort", "uint16_t", "half bits as unsigned short"),
                      ("__half_as_short", "int16_t", "half bits as short"),
                      ("__ushort_as_half", "half", "unsigned short bits as half"),
                      ("__short_as_half", "half", "short bits as half"),
                      ("__bfloat16_as_ushort", "uint16_t", "bf16 bits as unsigned short"),
                      ("__bfloat16_as_short", "int16_t", "bf16 bits as short"),
                      ("__ushort_as_bfloat16", "bfloat16_t", "unsigned short bits as bf16"),
                      ("__short_as_bfloat16", "bfloat16_t", "short bits as bf16"),
                      ("__half_raw", "uint16_t", "raw bits of a half"),
                      ("__half2_raw", "uint16_t", "raw bits of a half2"),
                      ("__nv_bfloat16_raw", "uint16_t", "raw bits of a bf16"),
                      ("__nv_bfloat162_raw", "uint16_t", "raw bits of a bfloat162")):
    ROWS[_n] = (_t, "bits16", _BITS.format(what=_what, seen=_SEEN16))
for _n, _t, _what in (("__int_as_float", "float", "int bits as float"),
                      ("__uint_as_float", "float", "unsigned int bits as float"),
                      ("__float_as_int", "int32_t", "float bits as int"),
                      ("__float_as_uint", "uint32_t", "float bits as unsigned int")):
    ROWS[_n] = (_t, "bits32", _BITS.format(what=_what, seen=_SEEN32))

# __bang_* intrinsic -> first Cambricon/mlu-ops kernels/ file (sorted) that calls it (checked with --mlu-ops)
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
    "__bang_int322float_rn": "kernels/roiaware_pool3d/roiaware_pool3d_union1.mlu",
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
    "__bang_recip": "kernels/box_iou_rotated/box_iou_rotated_utils.h",
    "__bang_sqrt": "kernels/sqrt/sqrt_union1.mlu",
    "__bang_pow2": "kernels/focal_loss_sigmoid/focal_loss_sigmoid_forward_union1.mlu",
    "__bang_log2": "kernels/focal_loss_sigmoid/focal_loss_sigmoid_backward_union1.mlu",
    "__bang_floor": "kernels/lgamma/lgamma_block.mlu",
    "__bang_write_value": "kernels/abs/abs_block.mlu",
    "__bang_gt": "kernels/generate_proposals_v2/generate_proposals_v2_nms_utils.h",
    "__bang_lt": "kernels/border_align/border_align_forward/border_align_forward_union1.mlu",
    "__bang_le": "kernels/box_iou_rotated/box_iou_rotated_utils.h",
    "__bang_eq": "kernels/border_align/border_align_backward/border_align_backward_union1.mlu",
    "__bang_mul_scalar": "kernels/adam_w/adam_w_device.mluh",
}
# other constructs -> (kernels/ file, regular expression that must match there, what the match shows)
CITES = {
    "__float2half_rn": ("kernels/utils/common.h", r"half __mluop_float2half\(float a\) \{ return __float2half_rn\(a\)",
                        "scalar call __float2half_rn(a) returning half"),
    "__half2int32_up": ("kernels/roi_align_rotated/roi_align_rotated_forward_vector.mlu", r"= __half2int32_up\(",
                        "scalar call on a half value"),
    "__float2int32_up": ("kernels/roi_align_rotated/roi_align_rotated_block.mlu", r"__float2int32_up\(\(float\)",
                         "scalar call on a float value"),
    "__cn_scalar_sin_f16": ("kernels/roi_align_rotated/roi_align_rotated_forward_vector.mlu",
                            r"= __cn_scalar_sin_f16\(", "scalar call on a half value"),
    "__cn_scalar_cos_f16": ("kernels/roi_align_rotated/roi_align_rotated_forward_vector.mlu",
                            r"= __cn_scalar_cos_f16\(", "scalar call on a half value"),
    "__cn_scalar_sin_f32": ("kernels/points_in_boxes/points_in_boxes_block_kernel.mlu", r"= __cn_scalar_sin_f32\(",
                            "scalar call on a float value"),
    "__cn_scalar_cos_f32": ("kernels/points_in_boxes/points_in_boxes_block_kernel.mlu", r"= __cn_scalar_cos_f32\(",
                            "scalar call on a float value"),
    "int-to-half-cast": ("kernels/roi_align_rotated/roi_align_rotated_forward_vector.mlu", r"y = \(T\)y_low;",
                         "C cast of an int to T, instantiated with T = half (roiAlignRotatedForward<half, true>)"),
    "half-array": ("kernels/utils/common.h", r"\(half \*\)nram_", "half NRAM arrays passed to __bang_* intrinsics"),
    "half-elements": ("kernels/roi_align_rotated/roi_align_rotated_forward_vector.mlu", r"T y = nram_y\[i\];",
                      "element read from an NRAM array of T, instantiated with T = half"),
    "bf16-array": ("kernels/adam_w/adam_w_device.mluh", r"bfloat16_t \*nbuf_",
                   "bfloat16_t NRAM arrays passed to __bang_* intrinsics"),
    "mlu.h": ("kernels/kernel.h", r"#include <mlu\.h>", "the BANG header every kernel gets through kernels/kernel.h"),
    "bits16": ("kernels/box_iou_rotated/box_iou_rotated_utils.h", r"__bang_band\(\(int8_t \*\)\(\(T \*\)intersect_pts_x",
               "T = half / float NRAM data viewed as raw bytes (int8_t *) for __bang_band"),
    "bits32": ("kernels/utils/common.h", r"float log2e = \*\(float \*\)&x2d;", "an int's bits read as float"),
    "exp-via-pow2": ("kernels/utils/common.h", r"__bang_pow2\(\(float \*\)nram_dst",
                     "__mluop_exp: __bang_mul_scalar by log2(e), then __bang_pow2"),
    "log-via-log2": ("kernels/utils/common.h", r"__bang_log2\(\(float \*\)nram_dst",
                     "__mluop_log: __bang_log2, then __bang_mul_scalar by ln(2)"),
}


def facts_names(path: Path = FACTS) -> set[str]:
    return {l.strip() for l in path.read_text(encoding="utf-8").splitlines() if l.strip() and not l.startswith("#")}


def construct_facts(path: Path = CONSTRUCTS) -> dict[str, str]:
    """The committed reduced copy: citation key -> 'file:line'."""
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            key, where, _ = line.split("\t", 2)
            out[key] = where
    return out



def _ref(target: str, cite: str | None, where: dict[str, str]) -> str:
    if cite is None:
        return f"Cambricon/mlu-ops@{COMMIT} {FILES[target]} (calls {target}; facts/bang_intrinsics_used_in_mlu_ops.txt)"
    return f"Cambricon/mlu-ops@{COMMIT} {where[cite]} ({CITES[cite][2]}; facts/bang_constructs_in_mlu_ops.tsv)"


def build(tables, known: set[str], where: dict[str, str] | None = None) -> str:
    where = construct_facts() if where is None else where
    b = tables.backend("neuware")
    lines = ["# Generated by tools/neuware_bang_names.py: CUDA half/bf16 names and device math -> the BANG C construct",
             f"# that does the same work, as found in Cambricon/mlu-ops@{COMMIT} kernels/. The family's status.",
             "evidence: verified", "entries:"]
    for sym in sorted(ROWS):
        target, cite, note = ROWS[sym]
        if target.startswith("__bang_") and target not in known:
            raise SystemExit(f"{target} is not in {FACTS.name}: not a name Cambricon's kernels use")
        if cite is not None and cite not in where:
            raise SystemExit(f"{cite} is not in {CONSTRUCTS.name}: not seen in Cambricon's kernels")
        entry = tables.catalog.get(sym)
        if entry is None:
            continue
        ref = _ref(target, cite, where)
        v = b.lookup(sym, entry.family)
        if v.rule != "family" and v.ref != ref:
            continue  # a hand-written entry decides (a row with this ref is this generator's own output)
        status = b.family_default(entry.family).status
        lines += [f"  - symbol: {sym}", f"    status: {status}", f"    target: {target}",
                  f"    note: \"{note}\"", f"    ref: \"{ref}\""]
    return "\n".join(lines) + "\n"


def _git(git_dir: Path, *args: str) -> str:
    return subprocess.run(["git", "--git-dir", str(git_dir), *args], capture_output=True, text=True,
                          check=False).stdout


def check_files(git_dir: Path) -> list[str]:
    """Differences between FILES and the mlu-ops checkout (empty when FILES is right)."""
    out = []
    for bang, path in FILES.items():
        hits = _git(git_dir, "grep", "-l", "-w", bang, "HEAD", "--", "kernels").split()
        first = sorted(h.removeprefix("HEAD:") for h in hits)[:1]
        if first != [path]:
            out.append(f"{bang}: FILES says {path}, mlu-ops has {first}")
    return out


def read_constructs(git_dir: Path) -> tuple[dict[str, str], list[str]]:
    """Citation key -> 'file:line' of the first line in its file that matches its expression; and the misses."""
    found, missing = {}, []
    for key, (path, rx, _) in CITES.items():
        text = _git(git_dir, "show", f"HEAD:{path}")
        n = next((i for i, l in enumerate(text.splitlines(), 1) if re.search(rx, l)), 0)
        if n:
            found[key] = f"{path}:{n}"
        else:
            missing.append(f"{key}: /{rx}/ not in {path}")
    return found, missing


def write_constructs(found: dict[str, str], path: Path = CONSTRUCTS) -> None:
    head = [f"# Licence: Apache-2.0 (Cambricon/mlu-ops LICENSE). Reduced fact copy of Cambricon/mlu-ops@{COMMIT}:",
            "# BANG C constructs (other than __bang_* intrinsics) its kernels use, where (file:line), what the line",
            "# shows. Written by tools/neuware_bang_names.py --mlu-ops GIT_DIR; no source text is copied.",
            "# key\tfile:line\twhat"]
    path.write_text("\n".join(head + [f"{k}\t{found[k]}\t{CITES[k][2]}" for k in sorted(found)]) + "\n",
                    encoding="utf-8")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mlu-ops", type=Path, help="git dir of Cambricon/mlu-ops: recheck FILES and CITES, rewrite "
                                                 f"{CONSTRUCTS.name}")
    args = ap.parse_args()
    if args.mlu_ops:
        sha = _git(args.mlu_ops, "rev-parse", "HEAD").strip()
        found, missing = read_constructs(args.mlu_ops)
        diffs = check_files(args.mlu_ops) + missing + ([] if sha.startswith(COMMIT) else [f"HEAD is {sha}"])
        if diffs:
            print("\n".join(diffs), file=sys.stderr)
            return 1
        write_constructs(found)
    OUT.write_text(build(tablegen.fresh_tables(OUT), facts_names()), encoding="utf-8")
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
