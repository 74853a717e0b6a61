"""Write mappings/cann/simt_950.yaml: CUDA device names the Ascend C SIMT API on the Ascend 950 declares unchanged,
and what Ascend C does for half / bf16 / fp8 names and device math on Atlas A2/A3 (910B/910C, SIMD only).

asc-devkit's SIMT headers (include/simt_api/{asc_fp16,asc_bf16,asc_fp8,math_functions,device_functions,
device_atomic_functions}.h, guarded by __NPU_ARCH__ == 3510) declare many CUDA names as they are: __half2float,
__hfma2, hexp, rsqrtf, ... On the 950 target these are renames to themselves (`verified`, the header cited). On
Atlas A2/A3 a name in A2_PAIRS gets the Ascend C API that does its work: a vector API over LocalTensor buffers
(Cast, Add, MulAddDst, Exp, Rsqrt, Duplicate, Compare, ...), a scalar API (Cast<float, int32_t, RoundMode>,
GetBitCount, CountLeadingZero, GetSFFValue) or a LocalTensor member (GetValue / SetValue for one element of a pair,
ReinterpretCast for a bit view); the family's status, `verified` because (1) the header in include/basic_api/
declares the API, (2) the API's page in docs/zh/api/SIMD-API/基础API says "Atlas A2 训练系列产品/Atlas A2 推理系列产品：支持",
and (3) for a Cast, the (source type, destination type, RoundMode) is a row of the A2 table in Cast.md (vector) or
Cast（float转half-int32_t）.md (scalar). Paired names work on the pairs' 2n elements (no paired type on A2/A3).
The paired types half2 / nv_bfloat162 cite the SIMT header that has them only for the 950 (`half2`,
`bfloat16x2_t`). fp8 names (FP8_950) are `missing` on A2/A3 (impl/utils/common_types.h makes fp8_e4m3fn_t /
fp8_e5m2_t plain uint8_t unless __NPU_ARCH__ is 3510/5102; asc_fp8.h's conversions are under the same guard) and
name the 950's asc_fp8.h counterpart. Any other name keeps the family's verdict and says it is `inferred`. Names
with a hand-written entry in another mappings/cann file are left to it.

    python tools/cann_simt_names.py [--asc-devkit /work/.mirror/cannmirror+asc-devkit/repo]

With --asc-devkit every fact is read from the checkout and the reduced copy
tests/data/vendor_facts/asc_devkit_kernel_facts.tsv is rewritten; without it the YAML is built from that copy (a
fresh clone regenerates the same file).
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
OUT = ROOT / "mappings" / "cann" / "simt_950.yaml"
FACTS = ROOT / "tests" / "data" / "vendor_facts" / "asc_devkit_kernel_facts.tsv"
HEADERS = ("asc_fp16.h", "asc_bf16.h", "asc_fp8.h", "math_functions.h", "device_functions.h",
           "device_atomic_functions.h")
_DECL = re.compile(r"__SIMT_DEVICE_FUNCTIONS_DECL__\s+inline\s+[A-Za-z0-9_ ]+?\b([A-Za-z_][A-Za-z0-9_]*)\s*\(")
DOCS = "docs/zh/api/SIMD-API/基础API/"
_A2_LINE = "Atlas A2 训练系列产品/Atlas A2 推理系列产品："

# On Atlas A2/A3 (SIMD, no SIMT) a CUDA half/bf16 intrinsic's work is an Ascend C API. CUDA name -> (Ascend C API,
# basic_api header that declares it, what it does). Cast's rounding modes are RoundMode::CAST_RINT / CAST_TRUNC /
# CAST_FLOOR / CAST_CEIL (impl/basic_api/utils/kernel_utils_mode.h).
_BIN, _UN, _CONV = ("kernel_operator_vec_binary_intf.h", "kernel_operator_vec_unary_intf.h",
                    "kernel_operator_vec_vconv_intf.h")
_DUP, _CMP, _SCAL, _TENSOR = ("kernel_operator_vec_duplicate_intf.h", "kernel_operator_vec_cmpsel_intf.h",
                              "kernel_operator_scalar_intf.h", "kernel_tensor.h")
A2_PAIRS = {
    "__half2float": ("AscendC::Cast", _CONV, "half -> float conversion (RoundMode::CAST_NONE)"),
    "__float2half": ("AscendC::Cast", _CONV, "float -> half conversion (RoundMode::CAST_RINT)"),
    "__float2half_rn": ("AscendC::Cast", _CONV, "float -> half conversion (RoundMode::CAST_RINT)"),
    "__float2half_rz": ("AscendC::Cast", _CONV, "float -> half conversion (RoundMode::CAST_TRUNC)"),
    "__float2half_rd": ("AscendC::Cast", _CONV, "float -> half conversion (RoundMode::CAST_FLOOR)"),
    "__float2half_ru": ("AscendC::Cast", _CONV, "float -> half conversion (RoundMode::CAST_CEIL)"),
    "__bfloat162float": ("AscendC::Cast", _CONV, "bf16 -> float conversion (RoundMode::CAST_NONE)"),
    "__float2bfloat16": ("AscendC::Cast", _CONV, "float -> bf16 conversion (RoundMode::CAST_RINT)"),
    "__float2bfloat16_rn": ("AscendC::Cast", _CONV, "float -> bf16 conversion (RoundMode::CAST_RINT)"),
    "__float2bfloat16_rz": ("AscendC::Cast", _CONV, "float -> bf16 conversion (RoundMode::CAST_TRUNC)"),
    "__hadd": ("AscendC::Add", _BIN, "element-wise add (dst = src0 + src1)"),
    "__hadd2": ("AscendC::Add", _BIN, "element-wise add (dst = src0 + src1)"),
    "__hsub": ("AscendC::Sub", _BIN, "element-wise subtract (dst = src0 - src1)"),
    "__hsub2": ("AscendC::Sub", _BIN, "element-wise subtract (dst = src0 - src1)"),
    "__hmul": ("AscendC::Mul", _BIN, "element-wise multiply (dst = src0 * src1)"),
    "__hmul2": ("AscendC::Mul", _BIN, "element-wise multiply (dst = src0 * src1)"),
    "__hdiv": ("AscendC::Div", _BIN, "element-wise divide (dst = src0 / src1)"),
    "__h2div": ("AscendC::Div", _BIN, "element-wise divide (dst = src0 / src1)"),
    "__hmax": ("AscendC::Max", _BIN, "element-wise maximum"),
    "__hmax2": ("AscendC::Max", _BIN, "element-wise maximum"),
    "__hmin": ("AscendC::Min", _BIN, "element-wise minimum"),
    "__hmin2": ("AscendC::Min", _BIN, "element-wise minimum"),
    "__hfma": ("AscendC::MulAddDst", _BIN, "fused multiply-add (dst = src0 * src1 + dst)"),
    "__hfma2": ("AscendC::MulAddDst", _BIN, "fused multiply-add (dst = src0 * src1 + dst)"),
    "__habs": ("AscendC::Abs", _UN, "element-wise absolute value"),
    "__habs2": ("AscendC::Abs", _UN, "element-wise absolute value"),
    "__hneg": ("AscendC::Neg", _UN, "element-wise negation"),
    "__hneg2": ("AscendC::Neg", _UN, "element-wise negation"),
    "hexp": ("AscendC::Exp", _UN, "element-wise exp"),
    "h2exp": ("AscendC::Exp", _UN, "element-wise exp"),
    "hlog": ("AscendC::Ln", _UN, "element-wise natural log"),
    "h2log": ("AscendC::Ln", _UN, "element-wise natural log"),
    "hsqrt": ("AscendC::Sqrt", _UN, "element-wise square root"),
    "h2sqrt": ("AscendC::Sqrt", _UN, "element-wise square root"),
    "hrsqrt": ("AscendC::Rsqrt", _UN, "element-wise reciprocal square root"),
    "h2rsqrt": ("AscendC::Rsqrt", _UN, "element-wise reciprocal square root"),
    "hrcp": ("AscendC::Reciprocal", _UN, "element-wise reciprocal"),
    "h2rcp": ("AscendC::Reciprocal", _UN, "element-wise reciprocal"),
    # float device math (cuda-math)
    "rsqrtf": ("AscendC::Rsqrt", _UN, "element-wise reciprocal square root"),
    "rsqrt": ("AscendC::Rsqrt", _UN, "element-wise reciprocal square root"),
    "__frsqrt_rn": ("AscendC::Rsqrt", _UN, "element-wise reciprocal square root"),
    "__expf": ("AscendC::Exp", _UN, "element-wise exp"),
    "__logf": ("AscendC::Ln", _UN, "element-wise natural log"),
    "__fdividef": ("AscendC::Div", _BIN, "element-wise divide (dst = src0 / src1)"),
    "__fmul_rn": ("AscendC::Mul", _BIN, "element-wise multiply (dst = src0 * src1)"),
    "__frcp_rn": ("AscendC::Reciprocal", _UN, "element-wise reciprocal"),
    "__fsqrt_rn": ("AscendC::Sqrt", _UN, "element-wise square root"),
    # comparisons: Compare(dst mask, src0, src1, CMPMODE, count)
    "__hgt": ("AscendC::Compare", _CMP, "element-wise a > b into a bit mask (CMPMODE::GT)"),
    "__hgt2": ("AscendC::Compare", _CMP, "element-wise a > b into a bit mask (CMPMODE::GT)"),
    "__hlt": ("AscendC::Compare", _CMP, "element-wise a < b into a bit mask (CMPMODE::LT)"),
    "__hlt2": ("AscendC::Compare", _CMP, "element-wise a < b into a bit mask (CMPMODE::LT)"),
    "__hge": ("AscendC::Compare", _CMP, "element-wise a >= b into a bit mask (CMPMODE::GE)"),
    "__hge2": ("AscendC::Compare", _CMP, "element-wise a >= b into a bit mask (CMPMODE::GE)"),
    "__hle": ("AscendC::Compare", _CMP, "element-wise a <= b into a bit mask (CMPMODE::LE)"),
    "__hle2": ("AscendC::Compare", _CMP, "element-wise a <= b into a bit mask (CMPMODE::LE)"),
    "__heq": ("AscendC::Compare", _CMP, "element-wise a == b into a bit mask (CMPMODE::EQ)"),
    "__heq2": ("AscendC::Compare", _CMP, "element-wise a == b into a bit mask (CMPMODE::EQ)"),
    "__hne": ("AscendC::Compare", _CMP, "element-wise a != b into a bit mask (CMPMODE::NE)"),
    "__hne2": ("AscendC::Compare", _CMP, "element-wise a != b into a bit mask (CMPMODE::NE)"),
}
# Conversions done by AscendC::Cast: CUDA name -> [(table, source type, destination type, RoundMode)], each checked
# against the A2 table of Cast.md ("vec", LocalTensor) or Cast（float转half-int32_t）.md ("scalar").
CASTS: dict[str, list[tuple[str, str, str, str]]] = {
    "__half2float": [("vec", "half", "float", "CAST_NONE")],
    "__float2half": [("vec", "float", "half", "CAST_RINT")],
    "__float2half_rn": [("vec", "float", "half", "CAST_RINT")],
    "__float2half_rz": [("vec", "float", "half", "CAST_TRUNC")],
    "__float2half_rd": [("vec", "float", "half", "CAST_FLOOR")],
    "__float2half_ru": [("vec", "float", "half", "CAST_CEIL")],
    "__bfloat162float": [("vec", "bfloat16_t", "float", "CAST_NONE")],
    "__float2bfloat16": [("vec", "float", "bfloat16_t", "CAST_RINT")],
    "__float2bfloat16_rn": [("vec", "float", "bfloat16_t", "CAST_RINT")],
    "__float2bfloat16_rz": [("vec", "float", "bfloat16_t", "CAST_TRUNC")],
}
_MODES = {"rn": "CAST_RINT", "rz": "CAST_TRUNC", "rd": "CAST_FLOOR", "ru": "CAST_CEIL"}
_WORDS = {"half": "half", "bfloat16_t": "bf16", "float": "float", "int32_t": "int32", "int16_t": "int16",
          "int8_t": "int8", "uint8_t": "uint8", "int64_t": "int64"}
NOTES: dict[str, str] = {}


def _cast(sym: str, steps: list[tuple[str, str, str, str]], what: str = "", note: str = "") -> None:
    table = steps[0][0]
    header = _SCAL if table == "scalar" else _CONV
    chain = " then ".join(f"{_WORDS[s]} -> {_WORDS[d]} (RoundMode::{m})" for _, s, d, m in steps)
    A2_PAIRS[sym] = ("AscendC::Cast", header, what or f"{chain} conversion")
    CASTS[sym] = steps
    if note:
        NOTES[sym] = note


_PAIR = ("{what}: no paired type on A2/A3, a pair is two consecutive elements of a LocalTensor buffer, so this is "
         "AscendC::Cast over the pairs' 2n elements ({chain})")
for _s, _src, _dst, _m, _what in (
        ("__half22float2", "half", "float", "CAST_NONE", "half2 -> float2"),
        ("__float22half2_rn", "float", "half", "CAST_RINT", "float2 -> half2"),
        ("__floats2half2_rn", "float", "half", "CAST_RINT", "two floats -> half2"),
        ("__float2half2_rn", "float", "half", "CAST_RINT", "float -> half2 with both halves equal"),
        ("__bfloat1622float2", "bfloat16_t", "float", "CAST_NONE", "bfloat162 -> float2"),
        ("__float22bfloat162_rn", "float", "bfloat16_t", "CAST_RINT", "float2 -> bfloat162"),
        ("__floats2bfloat162_rn", "float", "bfloat16_t", "CAST_RINT", "two floats -> bfloat162"),
        ("__float2bfloat162_rn", "float", "bfloat16_t", "CAST_RINT", "float -> bfloat162 with both halves equal"),
        ("__low2float", "half", "float", "CAST_NONE", "one half of a half2 -> float (element 2i)"),
        ("__high2float", "half", "float", "CAST_NONE", "one half of a half2 -> float (element 2i+1)")):
    _cast(_s, [("vec", _src, _dst, _m)], note=_PAIR.format(what=_what, chain=f"{_WORDS[_src]} -> {_WORDS[_dst]}, "
                                                                             f"RoundMode::{_m}"))
for _suffix, _mode in _MODES.items():
    for _pre, _src, _dst in (("__half2int", "half", "int32_t"), ("__half2short", "half", "int16_t"),
                             ("__bfloat162int", "bfloat16_t", "int32_t"), ("__short2half", "int16_t", "half"),
                             ("__int2float", "int32_t", "float"), ("__float2ll", "float", "int64_t"),
                             ("__ll2float", "int64_t", "float")):
        _cast(f"{_pre}_{_suffix}", [("vec", _src, _dst, _mode)])
    if _suffix != "rz":  # the scalar Cast has no CAST_TRUNC for float -> int32_t
        _cast(f"__float2int_{_suffix}", [("scalar", "float", "int32_t", _mode)],
              note=f"float -> int32 (RoundMode::{_mode}) on one value: the Ascend C scalar API "
                   f"AscendC::Cast<float, int32_t, RoundMode::{_mode}>(x) on A2/A3")
_cast("__float2int_rz", [("vec", "float", "int32_t", "CAST_TRUNC")])
_cast("__float2bfloat16_rd", [("vec", "float", "bfloat16_t", "CAST_FLOOR")])
_cast("__float2bfloat16_ru", [("vec", "float", "bfloat16_t", "CAST_CEIL")])
_cast("__half2char_rz", [("vec", "half", "int8_t", "CAST_TRUNC")])
_cast("__half2uchar_rz", [("vec", "half", "uint8_t", "CAST_TRUNC")])
_cast("__int2half_rn", [("vec", "int32_t", "float", "CAST_RINT"), ("vec", "float", "half", "CAST_RINT")],
      note="int32 -> half on LocalTensor buffers: AscendC::Cast int32 -> float (RoundMode::CAST_RINT), then float "
           "-> half (RoundMode::CAST_RINT); on A2/A3 the direct int32 -> half Cast is a dequantisation path "
           "(roundMode ignored, with SetDeqScale), per Cast.md")

# pairs as elements of a LocalTensor buffer; fills; bit views; scalar bit counts
_ELEM = ("{what}: no paired type on A2/A3, a pair is two consecutive elements of a LocalTensor buffer (element 2i "
         "is .x, 2i+1 is .y); one element is read with LocalTensor::GetValue / written with SetValue, or the "
         "whole buffer is worked on with vector APIs")
for _s, _api, _what in (("__low2half", "GetValue", "low half of a half2"),
                        ("__high2half", "GetValue", "high half of a half2"),
                        ("__low2bfloat16", "GetValue", "low half of a bfloat162"),
                        ("__high2bfloat16", "GetValue", "high half of a bfloat162"),
                        ("__halves2half2", "SetValue", "two halves -> a half2"),
                        ("__lows2half2", "SetValue", "low halves of two half2 -> a half2"),
                        ("__highs2half2", "SetValue", "high halves of two half2 -> a half2"),
                        ("__halves2bfloat162", "SetValue", "two bf16 -> a bfloat162"),
                        ("__lows2bfloat162", "SetValue", "low halves of two bfloat162 -> a bfloat162"),
                        ("__highs2bfloat162", "SetValue", "high halves of two bfloat162 -> a bfloat162"),
                        ("make_half2", "SetValue", "two halves -> a half2"),
                        ("make_bfloat162", "SetValue", "two bf16 -> a bfloat162")):
    A2_PAIRS[_s] = (f"AscendC::LocalTensor::{_api}", _TENSOR, _what)
    NOTES[_s] = _ELEM.format(what=_what)
for _s, _what in (("__half2half2", "one half in both halves of a half2"),
                  ("__bfloat162bfloat162", "one bf16 in both halves of a bfloat162")):
    A2_PAIRS[_s] = ("AscendC::Duplicate", _DUP, _what)
    NOTES[_s] = (f"{_what}: no paired type on A2/A3; fill the LocalTensor buffer with the value "
                 "(AscendC::Duplicate), or pass it as the scalar of a *s API (Muls, Adds)")
for _s, _what in (("__half_raw", "raw bits of a half"), ("__half2_raw", "raw bits of a half2"),
                  ("__nv_bfloat16_raw", "raw bits of a bf16"), ("__nv_bfloat162_raw", "raw bits of a bfloat162"),
                  ("__half_as_ushort", "half bits as unsigned short"), ("__half_as_short", "half bits as short"),
                  ("__ushort_as_half", "unsigned short bits as half"), ("__short_as_half", "short bits as half"),
                  ("__bfloat16_as_ushort", "bf16 bits as unsigned short"),
                  ("__bfloat16_as_short", "bf16 bits as short"),
                  ("__ushort_as_bfloat16", "unsigned short bits as bf16"),
                  ("__short_as_bfloat16", "short bits as bf16"),
                  ("__float_as_uint", "float bits as unsigned int"), ("__float_as_int", "float bits as int"),
                  ("__uint_as_float", "unsigned int bits as float"), ("__int_as_float", "int bits as float")):
    A2_PAIRS[_s] = ("AscendC::LocalTensor::ReinterpretCast", _TENSOR, _what)
    NOTES[_s] = (f"{_what}: on A2/A3 a buffer is viewed as another element type with "
                 "LocalTensor::ReinterpretCast<U>() (no per-value intrinsic)")
for _s, _api, _note in (
        ("__popc", "GetBitCount", "population count: AscendC::GetBitCount<1>(x) (uint64_t input; zero-extend a "
                                  "32-bit value), a scalar API on A2/A3"),
        ("__popcll", "GetBitCount", "population count: AscendC::GetBitCount<1>(x), a scalar API on A2/A3"),
        ("__clz", "CountLeadingZero", "count leading zeros: AscendC::CountLeadingZero(x) counts over 64 bits, so "
                                      "a 32-bit __clz(x) is CountLeadingZero((uint32_t)x) - 32; a scalar API on A2/A3"),
        ("__clzll", "CountLeadingZero", "count leading zeros: AscendC::CountLeadingZero(x), a scalar API on A2/A3"),
        ("__ffs", "GetSFFValue", "find first set: AscendC::GetSFFValue<1>(x) is 0-based and -1 when none, so "
                                 "__ffs(x) is GetSFFValue<1>((uint32_t)x) + 1; a scalar API on A2/A3"),
        ("__ffsll", "GetSFFValue", "find first set: AscendC::GetSFFValue<1>(x) + 1 (it is 0-based, -1 when none); "
                                   "a scalar API on A2/A3")):
    A2_PAIRS[_s] = (f"AscendC::{_api}", _SCAL, _note)
    NOTES[_s] = _note
# the API's own page under docs/zh/api/SIMD-API/基础API/ (its A2 support line is checked)
API_DOCS = {
    "Cast": "Memory矢量计算/类型转换/Cast.md", "Add": "Memory矢量计算/基础算术/Add.md",
    "Sub": "Memory矢量计算/基础算术/Sub.md", "Mul": "Memory矢量计算/基础算术/Mul.md",
    "Div": "Memory矢量计算/基础算术/Div.md", "Max": "Memory矢量计算/基础算术/Max.md",
    "Min": "Memory矢量计算/基础算术/Min.md", "MulAddDst": "Memory矢量计算/复合计算/MulAddDst.md",
    "Abs": "Memory矢量计算/基础算术/Abs.md", "Exp": "Memory矢量计算/基础算术/Exp.md",
    "Ln": "Memory矢量计算/基础算术/Ln.md", "Sqrt": "Memory矢量计算/基础算术/Sqrt.md",
    "Rsqrt": "Memory矢量计算/基础算术/Rsqrt.md", "Reciprocal": "Memory矢量计算/基础算术/Reciprocal.md",
    "Duplicate": "Memory矢量计算/数据填充/Duplicate.md", "Compare": "Memory矢量计算/比较与选择/Compare.md",
    "LocalTensor::GetValue": "数据结构/LocalTensor/GetValue.md",
    "LocalTensor::SetValue": "数据结构/LocalTensor/SetValue.md",
    "LocalTensor::ReinterpretCast": "数据结构/LocalTensor/ReinterpretCast.md",
    "GetBitCount": "标量计算/GetBitCount.md", "CountLeadingZero": "标量计算/CountLeadingZero.md",
    "GetSFFValue": "标量计算/GetSFFValue.md",
}
CAST_DOCS = {"vec": "Memory矢量计算/类型转换/Cast.md", "scalar": "标量计算/Cast（float转half-int32_t）.md"}
# Paired half types: Ascend C spells them `half2` / `bfloat16x2_t` only in the SIMT API, whose headers are built for
# __NPU_ARCH__ 3510 / 5102 (`#if` at the top of simt_api/asc_fp16.h and asc_bf16.h), not for A2/A3 (2201).
# CUDA name -> (Ascend C SIMT name, header that uses it in its declarations).
PAIRED_TYPES = {
    "half2": ("half2", "asc_fp16.h"),
    "nv_bfloat162": ("bfloat16x2_t", "asc_bf16.h"),
}
# fp8: missing on A2/A3; on the 950, CUDA name -> (asc_fp8.h / common_types.h name or "", 950 status)
FP8_950 = {
    "__nv_fp8_interpretation_t": ("__asc_fp8_interpretation_t", "rename"), "__NV_E4M3": ("__ASC_E4M3", "rename"),
    "__NV_E5M2": ("__ASC_E5M2", "rename"), "__nv_saturation_t": ("__asc_saturation_t", "rename"),
    "__NV_SATFINITE": ("__ASC_SATFINITE", "rename"), "__NV_NOSAT": ("__ASC_NOSAT", "rename"),
    "__nv_fp8x2_storage_t": ("__asc_fp8x2_storage_t", "rename"),
    "__nv_cvt_float2_to_fp8x2": ("__asc_cvt_float2_to_fp8x2", "rename"),
    "__nv_fp8x2_e4m3": ("float8_e4m3x2_t", "partial"), "__nv_fp8x2_e5m2": ("float8_e5m2x2_t", "partial"),
    "__nv_fp8_e8m0": ("float8_e8m0_t", "partial"),
    **{n: ("", "partial") for n in ("__nv_fp8x4_e4m3", "__nv_fp8x4_e5m2", "__nv_fp8_storage_t",
                                    "__nv_fp8x4_storage_t", "__nv_fp8x2_e8m0", "__NV_E8M0", "__nv_cvt_float_to_fp8",
                                    "__nv_cvt_double_to_fp8", "__nv_cvt_double2_to_fp8x2", "__nv_cvt_halfraw_to_fp8",
                                    "__nv_cvt_halfraw2_to_fp8x2", "__nv_cvt_bfloat16raw_to_fp8",
                                    "__nv_cvt_bfloat16raw2_to_fp8x2", "__nv_cvt_fp8_to_halfraw",
                                    "__nv_cvt_fp8x2_to_halfraw2")},
}
# vendor text that must be in a file for a verdict to stand: key -> (path, exact text)
GUARDS = {
    "paired-fp16": ("include/simt_api/asc_fp16.h", "#if (__NPU_ARCH__ == 3510) || (__NPU_ARCH__ == 5102)"),
    "paired-bf16": ("include/simt_api/asc_bf16.h", "#if (__NPU_ARCH__ == 3510) || (__NPU_ARCH__ == 5102)"),
    "fp8-types": ("impl/utils/common_types.h", "using fp8_e4m3fn_t = uint8_t;"),
    "fp8-simt": ("include/simt_api/asc_fp8.h", "#if (__NPU_ARCH__ == 3510) || (__NPU_ARCH__ == 5102)"),
}
# names that must be present: name -> file
NAMES_AT = {"float8_e4m3x2_t": "include/simt_api/asc_fp8.h", "float8_e5m2x2_t": "include/simt_api/asc_fp8.h",
            "float8_e8m0_t": "impl/utils/common_types.h", "half2": "include/simt_api/asc_fp16.h",
            "bfloat16x2_t": "include/simt_api/asc_bf16.h"}


def _api_name(api: str) -> str:
    return api[len("AscendC::"):]


# ----------------------------------------------------------------------------------------------- facts
def _git(git_dir: Path, *args: str) -> str:
    return subprocess.run(["git", "--git-dir", str(git_dir), *args], capture_output=True, text=True,
                          check=True).stdout


def _a2_rows(text: str, table_marker: str | None) -> set[tuple[str, str, str]]:
    """(source, destination, RoundMode) rows of a Cast page's A2 table (the whole page's table when no marker)."""
    if table_marker:
        start = text.index(table_marker)
        text = text[start:text.index("<!-- end", start)]
    rows = set()
    for line in text.splitlines():
        cells = [c.strip().replace("\\_", "_") for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and re.fullmatch(r"[a-z0-9_]+", cells[0]) and cells[2].startswith("CAST_"):
            for mode in cells[2].split("/"):
                rows.add((cells[0], cells[1], mode.strip()))
    return rows


def read_facts(git_dir: Path) -> dict:
    """Everything the build needs, read from an asc-devkit checkout."""
    sha = _git(git_dir, "rev-parse", "HEAD").strip()
    simt: dict[str, str] = {}
    for h in HEADERS:
        for m in _DECL.finditer(_git(git_dir, "show", f"{sha}:include/simt_api/{h}")):
            simt.setdefault(m.group(1), h)
    api: set[tuple[str, str]] = set()
    for header in {h for _, h, _ in A2_PAIRS.values()}:
        text = _git(git_dir, "show", f"{sha}:include/basic_api/{header}")
        for name in {_api_name(a).rpartition("::")[2] for a, h, _ in A2_PAIRS.values() if h == header}:
            if re.search(rf"(__aicore__|__inout_pipe__\(\w+\))[^;{{]*?\b{name}\s*\(", text):
                api.add((header, name))
    docs: dict[str, str] = {}
    for name, rel in API_DOCS.items():
        lines = [l for l in _git(git_dir, "show", f"{sha}:{DOCS}{rel}").splitlines() if _A2_LINE in l]
        docs[name] = lines[0].split("：", 1)[1].strip() if lines else ""
    casts = {"vec": _a2_rows(_git(git_dir, "show", f"{sha}:{DOCS}{CAST_DOCS['vec']}"), '<!-- npu="910b" id12 -->'),
             "scalar": _a2_rows(_git(git_dir, "show", f"{sha}:{DOCS}{CAST_DOCS['scalar']}"), None)}
    guards = {k for k, (path, needle) in GUARDS.items() if needle in _git(git_dir, "show", f"{sha}:{path}")}
    fp8 = {n for n, path in NAMES_AT.items() if re.search(rf"\b{n}\b", _git(git_dir, "show", f"{sha}:{path}"))}
    fp8 |= {t for t, _ in FP8_950.values() if t.startswith("__") and t in _git(git_dir, "show",
                                                                               f"{sha}:include/simt_api/asc_fp8.h")}
    return {"sha": sha[:8], "simt": simt, "api": api, "docs": docs, "casts": casts, "guards": guards, "fp8": fp8}


def write_facts(f: dict, path: Path = FACTS) -> None:
    lines = [f"# Reduced fact copy of cannmirror/asc-devkit@{f['sha']} (CANN Open Software License Agreement "
             "Version 2.0): names and table rows only,",
             "# no source text. Written by tools/cann_simt_names.py --asc-devkit GIT_DIR. Kinds: sha; simt NAME "
             "HEADER (declared in include/simt_api/);",
             "# api HEADER NAME (declared in include/basic_api/); doc API A2-SUPPORT (docs/zh/api/SIMD-API/基础API "
             "page); cast TABLE SRC DST MODE",
             "# (A2 table of Cast.md / Cast（float转half-int32_t）.md); guard KEY (text of GUARDS present); name NAME "
             "(a 950 name present).",
             f"sha\t{f['sha']}"]
    lines += [f"simt\t{n}\t{h}" for n, h in sorted(f["simt"].items())]
    lines += [f"api\t{h}\t{n}" for h, n in sorted(f["api"])]
    lines += [f"doc\t{n}\t{s}" for n, s in sorted(f["docs"].items())]
    lines += [f"cast\t{t}\t{s}\t{d}\t{m}" for t in ("vec", "scalar") for s, d, m in sorted(f["casts"][t])]
    lines += [f"guard\t{k}" for k in sorted(f["guards"])] + [f"name\t{n}" for n in sorted(f["fp8"])]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def load_facts(path: Path = FACTS) -> dict:
    f: dict = {"simt": {}, "api": set(), "docs": {}, "casts": {"vec": set(), "scalar": set()}, "guards": set(),
               "fp8": set()}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        kind, *rest = line.split("\t")
        if kind == "sha":
            f["sha"] = rest[0]
        elif kind == "simt":
            f["simt"][rest[0]] = rest[1]
        elif kind == "api":
            f["api"].add((rest[0], rest[1]))
        elif kind == "doc":
            f["docs"][rest[0]] = rest[1]
        elif kind == "cast":
            f["casts"][rest[0]].add(tuple(rest[1:4]))
        elif kind in ("guard", "name"):
            f["guards" if kind == "guard" else "fp8"].add(rest[0])
    return f


def check(f: dict) -> list[str]:
    """What in A2_PAIRS / CASTS / PAIRED_TYPES / FP8_950 the facts do not back (empty when all is backed)."""
    out = []
    for sym, (api, header, _) in A2_PAIRS.items():
        name = _api_name(api)
        if (header, name.rpartition("::")[2]) not in f["api"]:
            out.append(f"{sym}: {name} is not declared in include/basic_api/{header}")
        if name in API_DOCS and f["docs"].get(name) != "支持":
            out.append(f"{sym}: {DOCS}{API_DOCS[name]} does not say A2 支持 ({f['docs'].get(name)!r})")
    for sym, steps in CASTS.items():
        for table, src, dst, mode in steps:
            if (src, dst, mode) not in f["casts"][table]:
                out.append(f"{sym}: {src} -> {dst} {mode} is not in the A2 table of {CAST_DOCS[table]}")
    out += [f"guard {k} ({GUARDS[k][0]}) is gone" for k in GUARDS if k not in f["guards"]]
    out += [f"{sym}: {t} not found" for sym, (t, _) in FP8_950.items() if t and t not in f["fp8"]]
    out += [f"{sym}: {t} not in {h}" for sym, (t, h) in PAIRED_TYPES.items() if t not in f["fp8"]]
    return out


# ----------------------------------------------------------------------------------------------- build

def hand_written(backend: str = "cann") -> set[str]:
    """Exact names with an entry in the backend's other files (they decide; this generator leaves them)."""
    return tablegen.hand_written(backend, OUT)


def a2_verdict(sym: str, status: str, sha: str) -> str:
    """The A2/A3 verdict lines of an A2_PAIRS name: the family's status, the Ascend C API, verified."""
    api, header, what = A2_PAIRS[sym]
    note = NOTES.get(sym) or (f"{what} on LocalTensor buffers with {api} (Ascend C vector API on A2/A3); the "
                              "scalar CUDA call becomes part of the vectorised kernel")
    return "\n".join([f"    status: {status}", f"    target: \"{api}\"", f"    note: \"{note}\"",
                      f"    ref: \"cannmirror/asc-devkit@{sha} include/basic_api/{header} ({_api_name(api)})\"",
                      "    evidence: verified"])


def build(tables, f: dict | None = None, hand: set[str] | None = None) -> str:
    f = load_facts() if f is None else f
    hand = hand_written() if hand is None else hand
    sha, names = f["sha"], f["simt"]
    b = tables.backend("cann")
    lines = ["# Generated by tools/cann_simt_names.py: CUDA device names the Ascend 950 SIMT API declares unchanged",
             f"# (cannmirror/asc-devkit@{sha} include/simt_api/*.h). A2/A3: the Ascend C API that does a half/bf16",
             "# name's or device math's work (A2_PAIRS, verified in include/basic_api/ and the API docs), fp8 missing",
             "# (FP8_950), else the family verdict (inferred).",
             "entries:"]
    for sym in sorted(tables.catalog):
        fam = tables.catalog[sym].family
        if (sym not in names and sym not in A2_PAIRS and sym not in PAIRED_TYPES and sym not in FP8_950) or \
                not fam.startswith(("kernel", "cuda-math")) or sym in hand:
            continue
        if b.lookup(sym, fam).rule in ("wildcard", "prefix"):
            continue
        v = b.family_default(fam)
        if sym in PAIRED_TYPES:
            name, header = PAIRED_TYPES[sym]
            ref = f"cannmirror/asc-devkit@{sha} include/simt_api/{header}"
            lines += [f"  - symbol: {sym}", f"    status: {v.status}",
                      f"    note: \"paired type: Ascend C has {name} only in the SIMT API, built for __NPU_ARCH__ 3510 "
                      f"(950); on A2/A3 (2201) keep pairs in LocalTensor<half/bfloat16_t> buffers for vector ops\"",
                      f"    ref: \"{ref} (#if __NPU_ARCH__ == 3510 || 5102; {name} in its declarations)\"",
                      "    evidence: verified", "    targets:",
                      f"      \"950\": {{status: rename, target: {name}, note: \"the SIMT API's paired type on 950 "
                      f"(simt_api/{header})\", ref: \"{ref}\", evidence: verified}}"]
            continue
        if sym in FP8_950:
            t950, s950 = FP8_950[sym]
            where = NAMES_AT.get(t950, "include/simt_api/asc_fp8.h")
            n950 = (f"950: {t950} in {where.rpartition('/')[2]}" + ("" if s950 == "rename" else
                    "; scalar __nv_fp8 code needs adapting") if t950 else
                    "950: asc_fp8.h has float8_e4m3x2_t / float8_e5m2x2_t (paired types), hifloat8 and "
                    "__asc_cvt_float2_to_fp8x2; this CUDA name has no same-role counterpart there, adapt")
            lines += [f"  - symbol: {sym}", "    status: missing",
                      "    note: \"no fp8 on Atlas A2/A3 (910B/910C): Ascend C makes fp8_e4m3fn_t / fp8_e5m2_t plain "
                      "uint8_t storage there and declares its fp8 types and conversions only for __NPU_ARCH__ 3510/5102 (950, "
                      "--target cann:950); only asc_fp8.h's __asc_* enums and storage typedef sit outside that guard\"",
                      f"    ref: \"cannmirror/asc-devkit@{sha} impl/utils/common_types.h (using fp8_e4m3fn_t = uint8_t "
                      "unless __NPU_ARCH__ 3510/5102); include/simt_api/asc_fp8.h (#if __NPU_ARCH__ == 3510 || "
                      "5102)\"", "    evidence: verified", "    targets:",
                      f"      \"950\": {{status: {s950}, target: \"{t950}\", note: \"{n950}\", ref: \"cannmirror/"
                      f"asc-devkit@{sha} {where}\", evidence: verified}}"]
            continue
        note = v.note.replace('"', "'")
        lines += [f"  - symbol: {sym}"]
        lines += [a2_verdict(sym, v.status, sha)] if sym in A2_PAIRS else [
            f"    status: {v.status}", f"    note: \"{note}\"", f"    ref: \"{v.ref}\"", "    evidence: inferred"]
        if sym not in names:
            continue
        lines += ["    targets:",
                  f"      \"950\": {{status: rename, target: {sym}, note: \"same name in the Ascend C SIMT API on 950 "
                  f"(simt_api/{names[sym]})\", ref: \"cannmirror/asc-devkit@{sha} include/simt_api/{names[sym]}\", "
                  "evidence: verified}"]
    return "\n".join(lines) + "\n"



def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--asc-devkit", type=Path, help="git dir of asc-devkit: read the facts there and rewrite "
                                                    f"{FACTS.name}")
    args = ap.parse_args()
    f = read_facts(args.asc_devkit) if args.asc_devkit else load_facts()
    wrong = check(f)
    if wrong:
        print("\n".join(wrong), file=sys.stderr)
        return 1
    if args.asc_devkit:
        write_facts(f)
    sys.path.insert(0, str(ROOT / "src"))
    from portcheck.tables import load_tables

    OUT.write_text(build(load_tables(), f), encoding="utf-8")
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
