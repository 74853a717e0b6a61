"""Write mappings/cann/simt_950.yaml: CUDA device names the Ascend C SIMT API on the Ascend 950 declares unchanged.

asc-devkit's SIMT headers (include/simt_api/{asc_fp16,asc_bf16,asc_fp8,math_functions,device_functions,
device_atomic_functions}.h, guarded by __NPU_ARCH__ == 3510) declare many CUDA names as they are: __half2float,
__hfma2, hexp, rsqrtf, ... On the 950 target these are renames to themselves (`verified`, the header cited). On
Atlas A2/A3 (SIMD) a half/bf16 intrinsic in A2_PAIRS gets the Ascend C vector API that does its work (Cast, Add,
MulAddDst, Exp, ...; the family's status, `verified` by the basic_api header that declares the API, checked on every
run); the paired types half2 / nv_bfloat162 cite the SIMT header that has them only for the 950 (`half2`,
`bfloat16x2_t`); any other name keeps the family's verdict and says it is `inferred`. Names that have a hand-written entry are
left to it.

    python tools/cann_simt_names.py --asc-devkit /work/.mirror/cannmirror+asc-devkit/repo
"""
from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "mappings" / "cann" / "simt_950.yaml"
HEADERS = ("asc_fp16.h", "asc_bf16.h", "asc_fp8.h", "math_functions.h", "device_functions.h",
           "device_atomic_functions.h")
_DECL = re.compile(r"__SIMT_DEVICE_FUNCTIONS_DECL__\s+inline\s+[A-Za-z0-9_ ]+?\b([A-Za-z_][A-Za-z0-9_]*)\s*\(")


# On Atlas A2/A3 (SIMD, no SIMT) a CUDA half/bf16 intrinsic's work is an Ascend C vector API over LocalTensor
# buffers. CUDA name -> (Ascend C API, basic_api header that declares it, what it does). The API and its @brief
# (`dst = src0 * src1 + dst` for MulAddDst) are read in cannmirror/asc-devkit include/basic_api/; Cast's rounding
# modes are RoundMode::CAST_RINT / CAST_TRUNC / CAST_FLOOR / CAST_CEIL (impl/basic_api/utils/kernel_utils_mode.h).
_BIN, _UN, _CONV = ("kernel_operator_vec_binary_intf.h", "kernel_operator_vec_unary_intf.h",
                    "kernel_operator_vec_vconv_intf.h")
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
}
# Paired half types: Ascend C spells them `half2` / `bfloat16x2_t` only in the SIMT API, whose headers are built for
# __NPU_ARCH__ 3510 / 5102 (`#if` at the top of simt_api/asc_fp16.h and asc_bf16.h), not for A2/A3 (2201).
# CUDA name -> (Ascend C SIMT name, header that uses it in its declarations).
PAIRED_TYPES = {
    "half2": ("half2", "asc_fp16.h"),
    "nv_bfloat162": ("bfloat16x2_t", "asc_bf16.h"),
}
_API_DECL = re.compile(r"__aicore__\s+inline\s+void\s+([A-Za-z]+)\s*\(")


def a2_apis(git_dir: Path) -> dict[str, set[str]]:
    """basic_api header -> the Ascend C API names it declares (to check A2_PAIRS against the SDK source)."""
    sha = subprocess.run(["git", "--git-dir", str(git_dir), "rev-parse", "HEAD"], capture_output=True, text=True,
                         check=True).stdout.strip()
    out: dict[str, set[str]] = {}
    for h in {h for _, h, _ in A2_PAIRS.values()}:
        text = subprocess.run(["git", "--git-dir", str(git_dir), "show", f"{sha}:include/basic_api/{h}"],
                              capture_output=True, text=True, check=True).stdout
        out[h] = set(_API_DECL.findall(text))
    return out


def a2_verdict(sym: str, status: str, sha: str) -> str:
    """The A2/A3 verdict lines of an A2_PAIRS name: the family's status, the Ascend C API, verified."""
    api, header, what = A2_PAIRS[sym]
    return "\n".join([f"    status: {status}", f"    target: \"{api}\"",
                      f"    note: \"{what} on LocalTensor buffers with {api} (Ascend C vector API on A2/A3); the "
                      "scalar CUDA call becomes part of the vectorised kernel\"",
                      f"    ref: \"cannmirror/asc-devkit@{sha} include/basic_api/{header} ({api.split('::')[1]})\"",
                      "    evidence: verified"])


def declared(git_dir: Path) -> tuple[str, dict[str, str]]:
    sha = subprocess.run(["git", "--git-dir", str(git_dir), "rev-parse", "HEAD"], capture_output=True, text=True,
                         check=True).stdout.strip()
    out: dict[str, str] = {}
    for h in HEADERS:
        text = subprocess.run(["git", "--git-dir", str(git_dir), "show", f"{sha}:include/simt_api/{h}"],
                              capture_output=True, text=True, check=True).stdout
        for m in _DECL.finditer(text):
            out.setdefault(m.group(1), h)
    return sha[:8], out


def build(tables, sha: str, names: dict[str, str]) -> str:
    b = tables.backend("cann")
    lines = ["# Generated by tools/cann_simt_names.py: CUDA device names the Ascend 950 SIMT API declares unchanged",
             f"# (cannmirror/asc-devkit@{sha} include/simt_api/*.h). A2/A3: the Ascend C vector API that does a",
             "# half/bf16 intrinsic's work (A2_PAIRS, verified in include/basic_api/), else the family verdict (inferred).",
             "entries:"]
    for sym in sorted(tables.catalog):
        fam = tables.catalog[sym].family
        if (sym not in names and sym not in A2_PAIRS and sym not in PAIRED_TYPES) or \
                not fam.startswith(("kernel", "cuda-math")):
            continue
        v = b.lookup(sym, fam)
        if v.rule != "family":  # a hand-written row decides
            continue
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
    ap.add_argument("--asc-devkit", type=Path, required=True)
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    from portcheck.tables import load_tables

    sha, names = declared(args.asc_devkit)
    apis = a2_apis(args.asc_devkit)
    wrong = [s for s, (api, h, _) in A2_PAIRS.items() if api.split("::")[1] not in apis[h]]
    if wrong:
        print(f"not declared in asc-devkit include/basic_api: {wrong}", file=sys.stderr)
        return 1
    for sym, (name, header) in PAIRED_TYPES.items():
        text = subprocess.run(["git", "--git-dir", str(args.asc_devkit), "show", f"HEAD:include/simt_api/{header}"],
                              capture_output=True, text=True, check=True).stdout
        if "#if (__NPU_ARCH__ == 3510) || (__NPU_ARCH__ == 5102)" not in text or not re.search(rf"\b{name}\b", text):
            print(f"{sym}: include/simt_api/{header} no longer has {name} under the 3510/5102 guard", file=sys.stderr)
            return 1
    OUT.write_text("entries: []\n", encoding="utf-8")  # decide from the other tables, not a previous output
    OUT.write_text(build(load_tables(), sha, names), encoding="utf-8")
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
