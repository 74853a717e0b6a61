"""Write mappings/musa/fp16_math_vendor.yaml: CUDA half / bf16 names (kernel.fp16) and device math (cuda-math) that
Moore Threads' own MUSA device code calls under the same name, found with the preprocessor branch that is live on
MUSA.

On MUSA the kernel.fp16 and cuda-math family defaults say "same name in MUSA C++" (`rename`), an `inferred` verdict:
no public MUSA SDK header list exists. Moore Threads' own MUSA-only sources compile under mcc, so a call there shows
the name exists. Unlike a plain identifier search, this reader
- drops comments and string literals (MUTLASS has `// __byte_perm(...)` commented out; TileLang's code generator
  has device names inside strings);
- follows #if / #ifdef / #ifndef / #elif / #else / #endif and evaluates each condition for a MUSA device pass with
  __MUSA_ARCH__ 210, 220 and 310 (MP21, MP22, MP31): `#if 0`, HIP- or CUDA-only branches, `!defined(__MUSA_ARCH__)`,
  and vLLM's musified `__MUSA_ARCH__ < 800` #else branches are dead; a branch on a project feature flag
  (FLASHINFER_USE_FP8) may be dead too and is not counted; include guards are live;
- records the arches the cited line is live on, preferring a use live on all three.
Sources (MUSA-only device code): MooreThreads/mutlass include/, MooreThreads/tilelang_musa src/tl_templates/musa/,
MooreThreads/vllm_musa csrc_musa/, MooreThreads/mate csrc/ and include/, MooreThreads/torch_musa torch_musa/csrc/,
MooreThreads/tensorflow_musa_extension musa_ext/kernels/, MooreThreads/onnxruntime-musa musa/ep/src/kernels/.

Each catalog name of these two families whose MUSA verdict is the family default and that has no entry in another
mappings/musa file becomes an exact entry: the family's status, the name as target, `evidence: verified`, the vendor
file:line as ref, the arch condition in the note. With the mirrors given, the reduced fact copy
tests/data/vendor_facts/musa_device_names.tsv is rewritten; without them the YAML is built from that copy.

    python tools/musa_fp16_names.py [--mirrors /work/.mirror]
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
OUT = ROOT / "mappings" / "musa" / "fp16_math_vendor.yaml"
FACTS = ROOT / "tests" / "data" / "vendor_facts" / "musa_device_names.tsv"
FAMILIES = ("kernel.fp16", "cuda-math")
# (mirror folder, repository label, folders with MUSA device code); the first source that uses a name is cited
SOURCES = (("MooreThreads+mutlass", "MooreThreads/mutlass", ("include",)),
           ("MooreThreads+tilelang_musa", "MooreThreads/tilelang_musa", ("src/tl_templates/musa",)),
           ("MooreThreads+vllm_musa", "MooreThreads/vllm_musa", ("csrc_musa",)),
           ("MooreThreads+mate", "MooreThreads/mate", ("csrc", "include")),
           ("MooreThreads+torch_musa", "MooreThreads/torch_musa", ("torch_musa/csrc",)),
           ("MooreThreads+tensorflow_musa_extension", "MooreThreads/tensorflow_musa_extension", ("musa_ext/kernels",)),
           ("MooreThreads+onnxruntime-musa", "MooreThreads/onnxruntime-musa", ("musa/ep/src/kernels",)))
_EXTS = (".mu", ".muh", ".h", ".hpp", ".cuh", ".cpp", ".cu", ".inl")
_IDENT = re.compile(r"\b[A-Za-z_][A-Za-z0-9_]*\b")
ARCHES = (210, 220, 310)  # __MUSA_ARCH__ of MP21 (S80/S3000), MP22 (S4000), MP31 (S5000): mappings/musa/targets.yaml
_ON_MUSA = {"__MUSA_ARCH__", "__MUSA_ARCH_LIST__", "__MUSACC__", "__MUSA__"}  # defined in MUSA device compilation
_NOT_ON_MUSA = {"__HIPCC__", "__HIP__", "__HIP_PLATFORM_AMD__", "__HIP_PLATFORM_HCC__", "USE_ROCM", "__CUDA_ARCH__",
                "__CUDACC__", "__NVCC__", "__CUDA_ARCH_LIST__"}


def strip_code(text: str) -> list[str]:
    """The lines of a C/C++ file with comments and string / char literals blanked (line numbers kept)."""
    i, n, buf = 0, len(text), []
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            buf.append("\n" * text.count("\n", i, j))
            i = j
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            buf.append(c + c)
            i = j + 1
        else:
            buf.append(c)
            i += 1
    return "".join(buf).split("\n")


def eval_cond(cond: str, arch: int) -> bool | None:
    """The #if condition on a MUSA device pass with __MUSA_ARCH__ == arch; None when it depends on anything else
    (a project feature macro: the branch may be dead, so it is not evidence)."""
    def _defined(m: re.Match) -> str:
        name = m.group(1) or m.group(2)
        return "1" if name in _ON_MUSA else ("0" if name in _NOT_ON_MUSA else "?")

    e = re.sub(r"defined\s*\(\s*(\w+)\s*\)|defined\s+(\w+)", _defined, cond)
    e = re.sub(r"\b(__MUSA_ARCH__|__MUSA_ARCH_LIST__)\b", str(arch), e)
    e = re.sub(r"\b(__MUSACC__|__MUSA__)\b", "1", e)
    e = re.sub(r"\b(" + "|".join(_NOT_ON_MUSA) + r")\b", "0", e)
    e = e.replace("&&", " and ").replace("||", " or ")
    e = re.sub(r"!(?!=)", " not ", e)
    if "?" in e or re.search(r"[A-Za-z_]", re.sub(r"\b(and|or|not)\b", "", e)):
        return None
    try:
        return bool(eval(e, {"__builtins__": {}}, {}))  # noqa: S307 - digits, comparisons, and/or/not only
    except Exception:  # noqa: BLE001 - an expression we do not understand is not evidence
        return None


def _frame_arches(frame: dict) -> set[int] | None:
    """MUSA arches on which the frame's current branch is live (None: unknown)."""
    live = set()
    for arch in ARCHES:
        prev = [eval_cond(c, arch) for c in frame["conds"][:-1]] if not frame["else"] else \
            [eval_cond(c, arch) for c in frame["conds"]]
        cur = True if frame["else"] else eval_cond(frame["conds"][-1], arch)
        if cur is None or any(p is None for p in prev):
            return None
        if cur and not any(prev):
            live.add(arch)
    return live


def live_lines(text: str):
    """(line number, code, MUSA arches it is live on) of the lines that are live on some MUSA arch; lines under a
    condition on anything but MUSA / HIP / CUDA macros (a feature flag) are skipped. An include guard (#ifndef X then
    #define X) counts as always live."""
    lines = strip_code(text)
    stack: list[dict] = []
    for n, line in enumerate(lines, 1):
        s = line.strip()
        m = re.match(r"#\s*(if|ifdef|ifndef|elif|else|endif)\b(.*)", s)
        if m:
            kw, rest = m.group(1), m.group(2).strip()
            if kw in ("if", "ifdef", "ifndef"):
                cond = rest if kw == "if" else (f"defined({rest})" if kw == "ifdef" else f"!defined({rest})")
                nxt = next((l.strip() for l in lines[n:] if l.strip()), "")
                guard = kw == "ifndef" and re.fullmatch(rf"#\s*define\s+{re.escape(rest)}\b.*", nxt) is not None
                stack.append({"conds": ["1" if guard else cond], "else": False})
            elif kw == "elif" and stack:
                stack[-1]["conds"].append(rest)
            elif kw == "else" and stack:
                stack[-1]["else"] = True
            elif kw == "endif" and stack:
                stack.pop()
            continue
        live = set(ARCHES)
        for frame in stack:
            fa = _frame_arches(frame)
            if fa is None:
                live = set()
                break
            live &= fa
        if live:
            yield n, line, live


def scan_repo(git_dir: Path, label: str, folders: tuple[str, ...], wanted: set[str]) -> dict[str, tuple[str, str, str]]:
    """name -> (ref 'label@sha path:line' of the use live on most arches, first in sorted order; the arches that use
    is live on; the arches any use is live on; '' for all three)."""
    sha = subprocess.run(["git", "--git-dir", str(git_dir), "rev-parse", "HEAD"], capture_output=True, text=True,
                         check=True).stdout.strip()
    paths = subprocess.run(["git", "--git-dir", str(git_dir), "ls-tree", "-r", "--name-only", sha, *folders],
                           capture_output=True, text=True, check=True).stdout.split("\n")
    best: dict[str, tuple[str, set[int]]] = {}
    union: dict[str, set[int]] = {}  # the arches any use is live on
    for path in sorted(p for p in paths if p.endswith(_EXTS)):
        text = subprocess.run(["git", "--git-dir", str(git_dir), "show", f"{sha}:{path}"], capture_output=True,
                              check=False).stdout.decode("utf-8", "replace")
        for n, code, live in live_lines(text):
            if code.lstrip().startswith("#"):
                continue  # a #define body is code only where the macro is expanded; #include / #pragma are not uses
            for ident in set(_IDENT.findall(code)) & wanted:
                if _defines(code, ident):
                    continue
                if ident not in best or len(live) > len(best[ident][1]):
                    best[ident] = (f"{label}@{sha[:8]} {path}:{n}", live)
                union.setdefault(ident, set()).update(live)
    return {k: (ref, _arches(live), _arches(union[k])) for k, (ref, live) in best.items()}


_KEYWORDS = {"return", "else", "case", "throw", "new", "delete", "co_return", "do", "sizeof", "typename", "using",
             "decltype"}


def _defines(code: str, name: str) -> bool:
    """The line declares or defines a function of that name (`half_t __habs(const half_t x) {`): the project's own
    overload, not a use of the SDK's. A call follows an operator, a bracket or a keyword such as `return`."""
    for m in re.finditer(rf"\b{re.escape(name)}\s*\(", code):
        before = code[:m.start()].rstrip()
        last = re.search(r"([A-Za-z_][\w:]*)$", before)
        if before.endswith(("*", "&", ">")) or (last and last.group(1) not in _KEYWORDS):
            return True
    return False


def _arches(live: set[int]) -> str:
    return "" if live == set(ARCHES) else ",".join(str(a) for a in sorted(live))


def read_facts(mirrors: Path, wanted: set[str]) -> dict[str, tuple[str, str]]:
    """name -> (the cited use: live on most arches, first source on a tie; the arches any use is live on)."""
    found: dict[str, tuple[str, str, str]] = {}
    for folder, label, folders in SOURCES:
        for name, (ref, live, union) in scan_repo(mirrors / folder / "repo", label, folders, wanted).items():
            if name not in found:
                found[name] = (ref, live, union)
                continue
            old_ref, old_live, old_union = found[name]
            both = _arches(_split(union) | _split(old_union))
            found[name] = (ref, live, both) if len(_split(live)) > len(_split(old_live)) else (old_ref, old_live, both)
    return {k: (ref, union) for k, (ref, _, union) in found.items()}


def _split(arches: str) -> set[int]:
    return set(ARCHES) if not arches else {int(a) for a in arches.split(",")}


def write_facts(found: dict[str, tuple[str, str]], path: Path = FACTS) -> None:
    head = ["# Reduced fact copy: CUDA kernel.fp16 / cuda-math names that Moore Threads' own MUSA device code calls on a",
            "# branch live on MUSA (comments, strings, #if 0 / HIP / CUDA-only / non-MUSA branches dropped), with the",
            "# cited use (repo@commit path:line) and the __MUSA_ARCH__ values some use is live on (empty: 210, 220, 310).",
            "# Uses under a project feature flag (#ifdef FLASHINFER_USE_FP8) are not counted. Names and places only.",
            "# Sources: " + ", ".join(f"{label} {' '.join(f)}" for _, label, f in SOURCES) + ".",
            "# Licences (their LICENSE files): mutlass BSD-3-Clause, tilelang_musa MIT, vllm_musa Apache-2.0, mate",
            "# Apache-2.0, torch_musa BSD-3-Clause, tensorflow_musa_extension Apache-2.0 (README), onnxruntime-musa Apache-2.0.",
            "# Written by tools/musa_fp16_names.py --mirrors DIR.",
            "# name\tref\tMUSA arches"]
    path.write_text("\n".join(head + [f"{k}\t{v[0]}\t{v[1]}" for k, v in sorted(found.items())]) + "\n",
                    encoding="utf-8")


def load_facts(path: Path = FACTS) -> dict[str, tuple[str, str]]:
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, ref, guard = (line.split("\t") + [""])[:3]
            out[name] = (ref, guard)
    return out



def hand_written(backend: str = "musa") -> set[str]:
    """Exact names with an entry in the backend's other files (they decide; this generator leaves them)."""
    return tablegen.hand_written(backend, OUT)


def wanted_names(tables) -> set[str]:
    return {s for s, e in tables.catalog.items() if e.family.startswith(FAMILIES)}


_CHIPS = {210: "MP21: S80/S3000", 220: "MP22: S4000", 310: "MP31: S5000"}


def build(tables, found: dict[str, tuple[str, str]] | None = None, hand: set[str] | None = None) -> str:
    found = load_facts() if found is None else found
    hand = hand_written() if hand is None else hand
    b = tables.backend("musa")
    lines = ["# Generated by tools/musa_fp16_names.py: CUDA half/bf16 names and device math that Moore Threads' own MUSA",
             "# device code calls under the same name on a branch live on MUSA (mutlass, tilelang_musa, vllm_musa, mate,",
             "# torch_musa). Verdict = the family's; evidence verified by the cited vendor file:line.",
             "evidence: verified", "entries:"]
    for sym in sorted(tables.catalog):
        fam = tables.catalog[sym].family
        if not fam.startswith(FAMILIES) or sym not in found or sym in hand:
            continue
        v = b.lookup(sym, fam)
        if v.rule in ("wildcard", "prefix") or v.status in ("missing", "unknown"):
            continue
        fd = b.family_default(fam)
        ref, arches = found[sym]
        chips = ", ".join(_CHIPS[int(a)] for a in arches.split(",")) if arches else ""
        note = "same name in MUSA C++: Moore Threads' own MUSA device code calls it" + (
            f" only where __MUSA_ARCH__ is {arches.replace(',', ' or ')} ({chips}); on other MUSA chips check the "
            "SDK" if arches else "")
        if "bfloat16" in sym and not arches:
            note += " (bf16 needs __MUSA_ARCH__ >= 220, MP22: S4000 or MP31: S5000, as the family note says)"
        lines += [f"  - symbol: {sym}", f"    status: {fd.status}", f"    target: {sym}", f"    note: \"{note}\"",
                  f"    ref: \"{ref}\""]
    return "\n".join(lines) + "\n"



def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mirrors", type=Path, help="folder with the MooreThreads+* mirrors (owner+name/repo): rescan "
                                                 f"them and rewrite {FACTS.name}")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    from portcheck.tables import load_tables

    tables = load_tables()
    if args.mirrors:
        write_facts(read_facts(args.mirrors, wanted_names(tables)))
    OUT.write_text(build(tables), encoding="utf-8")
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
