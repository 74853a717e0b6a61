"""mappings/neuware/op_support.csv (issue 14 item 3): Cambricon's "false" means "not verified", and an API that is
a composite ATen op in PyTorch runs on the MLU as the ops it decomposes into. The file is what
tools/neuware_op_support.py builds from committed facts; these tests regenerate it and check real names."""
from __future__ import annotations

import collections
import csv
import sys
import zipfile
from pathlib import Path

import pytest

from portcheck.engine import ScanOptions, run_scan
from portcheck.tables import load_tables

ROOT = Path(__file__).resolve().parent.parent
FACTS = ROOT / "tests" / "data" / "vendor_facts"
OUT = ROOT / "mappings" / "neuware" / "op_support.csv"
sys.path.insert(0, str(ROOT / "tools"))
import neuware_op_support as gen  # noqa: E402

NOTE = ("composite in PyTorch (native_functions.yaml@38b96d33, aten::{op}): runs as the ops it decomposes into; "
        "Cambricon has not verified it")


@pytest.fixture(scope="module")
def tables():
    return load_tables()


def test_op_support_csv_is_what_the_generator_builds(tables):
    assert OUT.read_text(encoding="utf-8") == gen.render(gen.build_rows(set(tables.backend("neuware").exact)))


def test_rows_by_kind(tables):
    """Of Cambricon's 352 kept "false" rows: 5 whose aten op torch_mlu registers, 98 PyTorch composites, 249 still
    unverified; the 64 rows with Cambricon's limitation text are unchanged."""
    rows = list(csv.DictReader(OUT.open(encoding="utf-8")))
    kinds = collections.Counter(
        "composite" if r["limitations"].startswith("composite in PyTorch") else
        "native" if r["limitations"].startswith("torch_mlu registers") else
        r["supported"] + ("+limits" if r["supported"] == "true" else "") for r in rows)
    assert kinds == {"unverified": 249, "composite": 98, "true+limits": 64, "native": 5}
    gaps = tables.backend("neuware").op_support
    assert collections.Counter(v.status for v in gaps.values()) == {"unknown": 249, "partial": 167}


def test_composite_apis_are_partial_with_the_composite_fact_as_evidence(tables):
    gaps = tables.backend("neuware").op_support
    for api, op in (("torch.diff", "diff"), ("torch.square", "square"), ("torch.linalg.eigh", "linalg_eigh"),
                    ("torch.fft.rfftn", "fft_rfftn"), ("torch.special.logit", "special_logit"),
                    ("torch.nn.functional.relu6", "relu6"), ("torch.nn.functional.cosine_similarity",
                                                             "cosine_similarity"),
                    ("torch.Tensor.chalf", "chalf"), ("torch.isinf", "isinf")):
        v = gaps[api]
        assert (v.status, v.target, v.evidence, v.note) == ("partial", api, "verified", NOTE.format(op=op)), api
        assert v.ref.startswith("pytorch/pytorch@38b96d33 (v2.4.1) aten/src/ATen/native/native_functions.yaml")
        assert "Cambricon/torch_mlu r2.4_develop@9e95f972" in v.ref
    # torch_mlu's own kernels keep their note (matmul is composite in PyTorch, but torch_mlu registers it)
    assert gaps["torch.linalg.matmul"].note.startswith("torch_mlu registers aten::matmul with an MLU kernel")


@pytest.mark.parametrize("api, why", [
    ("torch.aminmax", "aten::aminmax has CPU/CUDA kernels: not a composite"),
    ("torch.Tensor.aminmax", "same, as a method"),
    ("torch.linalg.matrix_exp", "aten::linalg_matrix_exp has backend kernels"),
    ("torch.histogramdd", "composite, but its helpers _histogramdd_* run on CPU only in PyTorch"),
    ("torch.istft", "defined in torch/functional.py: Python code, not one aten op"),
    ("torch.block_diag", "defined in torch/functional.py"),
    ("torch.Tensor.to_sparse_csr", "sparse layout: decomposes into sparse kernels"),
    ("torch.sparse_csr_tensor", "sparse layout"),
    ("torch.nn.CosineSimilarity", "a module: not mapped, though F.cosine_similarity is a composite"),
    ("torch.nn.functional.gumbel_softmax", "Python code in torch/nn/functional.py, no aten op of that name"),
])
def test_apis_that_stay_unverified(tables, api, why):
    v = tables.backend("neuware").op_support[api]
    assert (v.status, v.evidence) == ("unknown", "mapped"), why
    assert v.note.startswith("Cambricon's torch_mlu r2.4 list marks it false"), why


def test_a_scan_reports_the_composite_verdicts(tmp_path, tables):
    (tmp_path / "m.py").write_text("import torch\n\n\ndef f(x):\n    a = torch.diff(x)\n    b = torch.square(x)\n"
                                   "    return torch.histogramdd(a + b, bins=4)\n", encoding="utf-8")
    result = run_scan(tmp_path, ScanOptions(jobs=1), tables)
    got = {f.use.symbol: dict(f.verdicts)["neuware"] for f in result.findings if "neuware" in dict(f.verdicts)}
    assert {s: (v.status, v.evidence) for s, v in got.items()} == {
        "torch.diff": ("partial", "verified"), "torch.square": ("partial", "verified"),
        "torch.histogramdd": ("unknown", "mapped")}
    assert got["torch.square"].note == NOTE.format(op="square")


def test_fact_files_name_source_commit_and_licence():
    head = "".join(l for l in (FACTS / "pytorch_composite_ops_2_4_1.txt").open(encoding="utf-8") if l.startswith("#"))
    assert "pytorch/pytorch@38b96d3399a695e704ed39b60dac733c3fbf20e2 (v2.4.1)" in head and "BSD-3-Clause" in head
    ops, bound, python = gen.read_composite()
    assert ops["diff"]["kinds"] == "CompositeImplicitAutograd" and "aminmax" not in ops and "histogramdd" not in ops
    assert bound["torch.linalg.eigh"] == "linalg_eigh" and "torch.istft" in python
    head = "".join(l for l in (FACTS / "torch_mlu_registered_aten_ops.txt").open(encoding="utf-8")
                   if l.startswith("#"))
    assert "Cambricon/torch_mlu r2.4_develop@9e95f972" in head and "BSD-3-Clause" in head
    assert {"_coalesce", "matmul", "_native_multi_head_attention"} <= gen.read_mlu_ops()


def test_composite_kind_follows_torchgen():
    """No dispatch and no structured_delegate = CompositeImplicitAutograd; a structured_delegate or any dense backend
    kernel is not a composite."""
    assert gen._composite_kind({"func": "diff(Tensor self) -> Tensor"}) == "CompositeImplicitAutograd"
    assert gen._composite_kind({"func": "sinc(Tensor self) -> Tensor", "structured_delegate": "sinc.out"}) is None
    assert gen._composite_kind({"func": "x", "dispatch": {"CompositeExplicitAutograd": "x"}}) == \
        "CompositeExplicitAutograd"
    assert gen._composite_kind({"func": "x", "dispatch": {"CompositeExplicitAutograd": "x", "CUDA": "x_cuda"}}) is None
    assert gen._composite_kind({"func": "x", "dispatch": {"CPU, CUDA": "x"}}) is None
    assert gen._composite_kind({"func": "x", "dispatch": {"CompositeImplicitAutograd": "x",
                                                           "NestedTensorCPU, NestedTensorCUDA": "x_nested"}}) == \
        "CompositeImplicitAutograd"


def test_extraction_from_a_wheel(tmp_path):
    """--extract-pytorch on a small wheel-shaped zip: composites, direct bindings, Python wrappers, CPU-only."""
    nf = """
- func: diff(Tensor self, int n=1) -> Tensor
  variants: function, method
- func: aminmax(Tensor self) -> (Tensor min, Tensor max)
  dispatch:
    CPU, CUDA: aminmax
- func: linalg_eigh(Tensor self) -> (Tensor, Tensor)
  python_module: linalg
- func: relu6(Tensor self) -> Tensor
  python_module: nn
- func: hist(Tensor self) -> Tensor
- func: _hist_edges(Tensor self) -> Tensor
  dispatch:
    CPU: hist_edges_cpu
- func: stft(Tensor self) -> Tensor
  variants: function, method
"""
    files = {
        "torchgen/packaged/ATen/native/native_functions.yaml": nf,
        "torch/version.py": "__version__ = '2.4.1'\ngit_version = '" + "a" * 40 + "'\n",
        "torch/functional.py": "def stft(input):\n    return _VF.stft(input)\n",
        "torch/__init__.py": "", "torch/fft/__init__.py": "", "torch/special/__init__.py": "",
        "torch/_tensor.py": "class Tensor(torch._C.TensorBase):\n    def stft(self):\n        pass\n",
        "torch/linalg/__init__.py": "eigh = _add_docstr(_linalg.linalg_eigh, r'''doc''')\n",
        "torch/nn/functional.py": "def relu6(input, inplace=False):\n    return torch._C._nn.relu6(input)\n\n\n"
                                  "def other(input):\n    return torch.diff(torch.abs(input))\n",
    }
    wheel = tmp_path / "torch.whl"
    with zipfile.ZipFile(wheel, "w") as z:
        for name, text in files.items():
            z.writestr(name, text)
    body = [l for l in gen.extract_pytorch(wheel).splitlines() if not l.startswith("#")]
    assert body == ["composite\tdiff\tCompositeImplicitAutograd\tfunction,method",
                    "composite\thist\tCompositeImplicitAutograd\tfunction",
                    "composite\tlinalg_eigh\tCompositeImplicitAutograd\tfunction\tlinalg",
                    "composite\trelu6\tCompositeImplicitAutograd\tfunction\tnn",
                    "composite\tstft\tCompositeImplicitAutograd\tfunction,method",
                    "bound\ttorch.linalg.eigh\tlinalg_eigh",
                    "bound\ttorch.nn.functional.relu6\trelu6",
                    "python\ttorch.Tensor.stft", "python\ttorch.stft",
                    "cpu_only\thist\t_hist_edges"]
