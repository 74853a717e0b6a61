"""Build mappings/neuware/op_support.csv: Cambricon's torch_mlu r2.4 torch-API support list, filtered to operator
namespaces, with what else is known about the APIs Cambricon marks "false" (which often means "not verified").

Sources (committed reduced copies, so the test regenerates the file on a fresh clone):
  * tests/data/vendor_facts/mlu_torch_api_gaps.csv: the "false" and limited rows of Cambricon's list
    (Cambricon/torch_mlu r2.4_develop@9e95f972 tools/autogen_torch_api/api_support_lists/torch_api.yaml, BSD-3);
  * tests/data/vendor_facts/op_support_filter.yaml: which of them are operator rows (shared with cann);
  * tests/data/vendor_facts/torch_mlu_registered_aten_ops.txt: the aten ops torch_mlu registers with an MLU kernel
    (codegen/mlu_functions.yaml @9e95f972; `--extract-mlu GIT_DIR` writes it);
  * tests/data/vendor_facts/pytorch_composite_ops_2_4_1.txt: the ATen ops PyTorch 2.4.1 implements as composites
    (native_functions.yaml: no `dispatch:` and no `structured_delegate:` = CompositeImplicitAutograd, or only
    Composite* kernels), and how torch.linalg / fft / special / nn.functional names bind to them
    (`--extract-pytorch WHEEL` writes it from the torch 2.4.1 wheel, whose torchgen/packaged copy of
    native_functions.yaml is pytorch/pytorch@38b96d33's).

Row rules, in order:
  1. a row with Cambricon's limitation text: `true` + the text (partial, verbatim Chinese);
  2. a "false" row whose aten op torch_mlu registers with an MLU kernel (NATIVE below, each op checked against the
     registered list): `true` + "torch_mlu registers aten::X with an MLU kernel ..." (partial);
  3. a "false" row whose API is one-to-one with a composite ATen op: `true` + "composite in PyTorch ...: runs as the
     ops it decomposes into; Cambricon has not verified it" (partial; the ref cites the composite fact). One-to-one
     means: torch.X -> aten X (function variant, no python_module) and torch.Tensor.X -> aten X (method variant),
     unless torch defines that name in Python (torch/functional.py, torch/__init__.py, torch/_tensor.py: the
     Python code may call other ops); torch.linalg/fft/special/nn.functional names only where the Python module
     binds or calls the same-named aten op directly. Sparse-layout ops (SPARSE_LAYOUT) are left out: their
     decompositions end in sparse kernels, a separate question from dense support; so are ops whose own helpers
     (_X*) PyTorch implements on CPU only (torch.histogramdd);
  4. any other "false" row: `unverified` (unknown, never missing: issue 14).
tests/test_tables.py regenerates the file with build_rows() and compares, so a hand edit cannot drift.

    python tools/neuware_op_support.py --extract-pytorch torch-2.4.1-cp311-none-macosx_11_0_arm64.whl
    python tools/neuware_op_support.py --extract-mlu /work/.mirror/Cambricon+torch_mlu/repo
    python tools/neuware_op_support.py                      # rewrite mappings/neuware/op_support.csv
"""
from __future__ import annotations

import argparse
import csv
import io
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cann_op_support import keep_api  # noqa: E402  (the same op_support_filter.yaml rule as the CANN list)

ROOT = Path(__file__).resolve().parent.parent
FACTS = ROOT / "tests" / "data" / "vendor_facts"
GAPS = FACTS / "mlu_torch_api_gaps.csv"
FILTER = FACTS / "op_support_filter.yaml"
MLU_OPS = FACTS / "torch_mlu_registered_aten_ops.txt"
COMPOSITE = FACTS / "pytorch_composite_ops_2_4_1.txt"
OUT = ROOT / "mappings" / "neuware" / "op_support.csv"

C1 = "C1 Cambricon/torch_mlu r2.4_develop@9e95f972 tools/autogen_torch_api/api_support_lists/torch_api.yaml (BSD-3)"
MLU_REF = "Cambricon/torch_mlu@9e95f972 codegen/mlu_functions.yaml (MLU kernels torch_mlu registers)"
PT_COMMIT = "38b96d33"
PT_REF = (f"pytorch/pytorch@{PT_COMMIT} (v2.4.1) aten/src/ATen/native/native_functions.yaml (BSD-3; "
          "tests/data/vendor_facts/pytorch_composite_ops_2_4_1.txt)")
UNVERIFIED = ("Cambricon's torch_mlu r2.4 list marks it false, which often means not verified rather than missing: "
              "check it on an MLU")
# API -> the aten op torch_mlu registers for it (the op the API dispatches to; checked against MLU_OPS)
NATIVE = {
    "torch.Tensor.coalesce": "_coalesce",
    "torch.Tensor.remainder_": "remainder_",
    "torch.linalg.matmul": "matmul",
    "torch.nn.MultiheadAttention": "_native_multi_head_attention",
    "torch.nn.MultiheadAttention.forward": "_native_multi_head_attention",
}
SPARSE_LAYOUT = re.compile(r"sparse|^(indices|values|crow_indices|col_indices|ccol_indices|row_indices|to_dense|smm)$")
DENSE_KEYS = {"CPU", "CUDA", "MPS", "XPU", "HIP", "PrivateUse1", "MTIA"}
COMPOSITE_KEYS = {"CompositeImplicitAutograd", "CompositeExplicitAutograd", "CompositeExplicitAutogradNonFunctional"}




def _fact_lines(path: Path) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip() and not line.startswith("#")]


def read_gaps() -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO("\n".join(_fact_lines(GAPS)))))


def read_mlu_ops() -> set[str]:
    return set(_fact_lines(MLU_OPS))


def read_composite() -> tuple[dict[str, dict[str, str]], dict[str, str], set[str]]:
    """({op: {kinds, variants, module}}, {python API: aten op}, {python-defined API}); ops with a `cpu_only` line are
    left out."""
    ops: dict[str, dict[str, str]] = {}
    cpu_only: set[str] = set()
    bound: dict[str, str] = {}
    python: set[str] = set()
    for line in _fact_lines(COMPOSITE):
        kind, *cols = line.split("\t")
        if kind == "composite":
            ops[cols[0]] = {"kinds": cols[1], "variants": cols[2], "module": cols[3] if len(cols) > 3 else ""}
        elif kind == "bound":
            bound[cols[0]] = cols[1]
        elif kind == "python":
            python.add(cols[0])
        elif kind == "cpu_only":
            cpu_only.add(cols[0])
        else:
            raise ValueError(f"{COMPOSITE}: unknown line kind {kind!r}")
    return {op: info for op, info in ops.items() if op not in cpu_only}, bound, python


def composite_op(api: str, ops: dict[str, dict[str, str]], bound: dict[str, str], python: set[str]) -> str | None:
    """The composite aten op a torch API is one-to-one with, or None (rule 3 of the module docstring)."""
    if api in python:
        return None
    parts = api.split(".")
    if len(parts) == 3 and parts[1] == "Tensor":
        op, variant = parts[2], "method"
    elif len(parts) == 2:
        op, variant = parts[1], "function"
    elif api in bound:
        op, variant = bound[api], "function"
    else:
        return None
    info = ops.get(op)
    if info is None or variant not in info["variants"].split(",") or SPARSE_LAYOUT.search(op):
        return None
    if len(parts) == 2 and info["module"]:  # torch._C._nn.X etc.: not torch.X
        return None
    return op


def build_rows(exact: set[str]) -> list[dict[str, str]]:
    flt = yaml.safe_load(FILTER.read_text(encoding="utf-8"))
    mlu_ops = read_mlu_ops()
    ops, bound, python = read_composite()
    for api, op in NATIVE.items():
        if op not in mlu_ops:
            raise ValueError(f"NATIVE[{api!r}] = {op!r} is not in {MLU_OPS.name}")
    out = []
    for src in read_gaps():
        api = src["api"]
        if not keep_api(api, exact, flt):
            continue
        row = {"api": api, "supported": "true", "limitations": src["limitations"],
               "equivalent": src["corresponding_mlu_api"], "ref": C1}
        if src["supported"] == "true":
            pass
        elif api in NATIVE:
            row["limitations"] = (f"torch_mlu registers aten::{NATIVE[api]} with an MLU kernel; Cambricon's "
                                  "torch_api.yaml marks this API false (not verified): test it")
            row["ref"] = f"{MLU_REF}: {NATIVE[api]}; {C1}"
        elif (op := composite_op(api, ops, bound, python)) is not None:
            row["limitations"] = (f"composite in PyTorch (native_functions.yaml@{PT_COMMIT}, aten::{op}): runs as "
                                  "the ops it decomposes into; Cambricon has not verified it")
            row["ref"] = f"{PT_REF}; {C1}"
        else:
            row["supported"], row["limitations"] = "unverified", UNVERIFIED
        out.append(row)
    return sorted(out, key=lambda r: r["api"])


def render(rows: list[dict[str, str]]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, ["api", "supported", "limitations", "equivalent", "ref"], lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


# ------------------------------------------------------------------------------------------------ extraction

def _composite_kind(entry: dict) -> str | None:
    """The Composite* kind of one native_functions.yaml entry, or None when it has a backend kernel (torchgen: no
    dispatch and no structured_delegate means CompositeImplicitAutograd)."""
    dispatch = entry.get("dispatch")
    if dispatch is None:
        return None if entry.get("structured_delegate") else "CompositeImplicitAutograd"
    keys = {k.strip() for key in dispatch for k in str(key).split(",")}
    found = keys & COMPOSITE_KEYS
    return "+".join(sorted(found)) if found and not keys & DENSE_KEYS else None


def extract_pytorch(wheel: Path) -> str:
    """The composite fact file's text from a torch wheel (the packaged native_functions.yaml and Python sources)."""
    with zipfile.ZipFile(wheel) as z:
        def read(name: str) -> str:
            return z.read(name).decode("utf-8")
        version = read("torch/version.py")
        nf = yaml.load(read("torchgen/packaged/ATen/native/native_functions.yaml"), Loader=yaml.CSafeLoader)
        py = {n: read(n) for n in ("torch/functional.py", "torch/__init__.py", "torch/_tensor.py",
                                   "torch/linalg/__init__.py", "torch/fft/__init__.py", "torch/special/__init__.py",
                                   "torch/nn/functional.py")}
    commit = re.search(r"git_version = '([0-9a-f]{40})'", version).group(1)
    torch_version = re.search(r"__version__ = '([^']+)'", version).group(1)
    by_name: dict[str, dict[str, set[str]]] = {}
    for e in nf:
        name = e["func"].split("(")[0].split(".")[0]
        d = by_name.setdefault(name, {"kinds": set(), "variants": set(), "module": set()})
        d["kinds"].add(_composite_kind(e) or "backend")
        d["variants"] |= {v.strip() for v in str(e.get("variants", "function")).split(",")}
        d["module"].add(str(e.get("python_module", "")))
    comp = {n: d for n, d in by_name.items() if "backend" not in d["kinds"]}
    kernels: dict[str, set[str]] = {}  # overload name -> its kernel keys (a structured_delegate's, when it has none)
    delegate: dict[str, str] = {}
    for e in nf:
        name = e["func"].split("(")[0]
        if e.get("dispatch") is not None:
            kernels[name] = {k.strip() for key in e["dispatch"] for k in str(key).split(",")}
        elif e.get("structured_delegate"):
            delegate[name] = str(e["structured_delegate"])
        else:
            kernels[name] = {"CompositeImplicitAutograd"}
    for name, target in delegate.items():
        kernels[name] = kernels.get(target, set())
    cpu_only: dict[str, list[str]] = {}  # composite X whose own helpers _X, _X_* have a CPU kernel and no CUDA one
    for n in comp:
        bad = sorted(h for h, keys in kernels.items()
                     if (h.split(".")[0] == "_" + n or h.split(".")[0].startswith("_" + n + "_")) and "CPU" in keys
                     and "CUDA" not in keys and not keys & COMPOSITE_KEYS)
        if bad:
            cpu_only[n] = bad
    bound: dict[str, str] = {}
    for mod, prefix, sub in (("torch/linalg/__init__.py", "torch.linalg.", "_linalg"),
                             ("torch/fft/__init__.py", "torch.fft.", "_fft"),
                             ("torch/special/__init__.py", "torch.special.", "_special")):
        for name, op in re.findall(rf"^(\w+) = _add_docstr\(\s*{sub}\.(\w+)\s*,", py[mod], re.M):
            if op in comp:
                bound[prefix + name] = op
    fn = py["torch/nn/functional.py"]
    for name, op in re.findall(r"^(\w+) = _add_docstr\(\s*torch\.(?:_C\._nn\.)?(\w+)\s*,", fn, re.M):
        if op == name and op in comp:
            bound["torch.nn.functional." + name] = op
    for m in re.finditer(r"^def (\w+)\(.*?(?=^def |^\w+ = |\Z)", fn, re.M | re.S):
        name = m.group(1)
        calls = set(re.findall(r"(?:torch\._C\._nn\.|torch\.|_VF\.)(\w+)\(", m.group(0)))
        if name in comp and calls and calls <= {name, name + "_"}:
            bound["torch.nn.functional." + name] = name
    python: set[str] = set()
    for mod in ("torch/functional.py", "torch/__init__.py"):
        for name in re.findall(r"^(?:def (\w+)\(|(\w+) = )", py[mod], re.M):
            n = name[0] or name[1]
            if n in comp:
                python.add("torch." + n)
    tensor_cls = re.split(r"^class Tensor\(", py["torch/_tensor.py"], maxsplit=1, flags=re.M)[1]
    for name in re.findall(r"^    (?:def (\w+)\(|(\w+) = )", tensor_cls, re.M):
        n = name[0] or name[1]
        if n in comp:
            python.add("torch.Tensor." + n)
    head = [
        f"# PyTorch {torch_version} ATen ops that run on any backend as the ops they decompose into (composite kernels).",
        f"# Source: pytorch/pytorch@{commit} (v{torch_version}) aten/src/ATen/native/native_functions.yaml, as",
        f"#   packaged in the torch {torch_version} wheel from PyPI (torchgen/packaged/ATen/native/native_functions.yaml;",
        "#   the commit is the wheel's torch/version.py git_version), and the wheel's torch/{functional,__init__,_tensor}.py,",
        "#   torch/{linalg,fft,special}/__init__.py and torch/nn/functional.py. Licence: BSD-3-Clause (PyTorch).",
        "#   Reduced: names only, written by tools/neuware_op_support.py --extract-pytorch WHEEL.",
        "# Lines (tab-separated):",
        "#   composite OP KINDS VARIANTS MODULE  every overload of aten OP has only Composite* kernels (torchgen: an entry",
        "#                                       with no dispatch and no structured_delegate is CompositeImplicitAutograd),",
        "#                                       none for a dense backend (CPU, CUDA, MPS, XPU); MODULE = python_module",
        "#   bound API OP                        the Python API binds or calls that same-named composite op directly",
        "#   python API                          torch defines API in Python (it may call other ops): never mapped",
        "#   cpu_only OP HELPERS                 OP's own helper ops (_OP*) have a CPU kernel and no CUDA one: PyTorch",
        "#                                       itself runs it on CPU only, so it is never taken as portable",
    ]
    body = [f"composite\t{n}\t{'+'.join(sorted(d['kinds']))}\t{','.join(sorted(d['variants']))}\t"
            f"{','.join(sorted(m for m in d['module'] if m))}".rstrip("\t") for n, d in sorted(comp.items())]
    body += [f"bound\t{a}\t{op}" for a, op in sorted(bound.items())]
    body += [f"python\t{a}" for a in sorted(python)]
    body += [f"cpu_only\t{n}\t{','.join(h)}" for n, h in sorted(cpu_only.items())]
    return "\n".join(head + body) + "\n"


def extract_mlu(git_dir: Path, commit: str) -> str:
    text = subprocess.run(["git", "--git-dir", str(git_dir), "show", f"{commit}:codegen/mlu_functions.yaml"],
                          check=True, capture_output=True, text=True).stdout
    sha = subprocess.run(["git", "--git-dir", str(git_dir), "rev-parse", commit], check=True, capture_output=True,
                         text=True).stdout.strip()
    names = sorted({str(e["func"]).split("(")[0].split(".")[0] for e in yaml.safe_load(text)["aten"]})
    head = ["# aten ops torch_mlu registers with an MLU kernel (the `aten:` section of codegen/mlu_functions.yaml, names",
            "# without overloads). Source: Cambricon/torch_mlu r2.4_develop@" + sha + " codegen/mlu_functions.yaml.",
            "# Licence: BSD-3-Clause. Written by tools/neuware_op_support.py --extract-mlu GIT_DIR."]
    return "\n".join(head + names) + "\n"


def exact_entries() -> set[str]:
    sys.path.insert(0, str(ROOT / "src"))
    from portcheck.tables import load_tables

    return set(load_tables().backend("neuware").exact)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--extract-pytorch", type=Path, metavar="WHEEL", help="torch wheel: refresh " + COMPOSITE.name)
    ap.add_argument("--extract-mlu", type=Path, metavar="GIT_DIR", help="Cambricon/torch_mlu git dir: refresh "
                    + MLU_OPS.name)
    ap.add_argument("--commit", default="r2.4_develop")
    args = ap.parse_args()
    if args.extract_pytorch:
        COMPOSITE.write_text(extract_pytorch(args.extract_pytorch), encoding="utf-8")
        print(f"wrote {COMPOSITE}")
    if args.extract_mlu:
        MLU_OPS.write_text(extract_mlu(args.extract_mlu, args.commit), encoding="utf-8")
        print(f"wrote {MLU_OPS}")
    OUT.write_text(render(build_rows(exact_entries())), encoding="utf-8")
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
