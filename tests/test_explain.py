"""`portcheck explain` answers for every symbol a report can contain, with the verdicts the report gives
(issue 16, items 6 and 9); the README's `mappings` example prints rows."""
from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from portcheck.engine import ScanOptions, run_scan
from portcheck.explain import EXIT_UNKNOWN_NAME, explain_data
from portcheck.tables import load_tables

ROOT = Path(__file__).resolve().parent.parent
TREES = ["examples/ddp_cuda_demo", "tests/fixtures/python", "tests/fixtures/cuda", "tests/fixtures/build",
         "tests/fixtures/report_tree", "tests/fixtures/guard"]


def _run(*args: str, cache: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_COLOR": "1", "XDG_CACHE_HOME": str(cache)}
    return subprocess.run([sys.executable, "-m", "portcheck", *args], capture_output=True, text=True, cwd=ROOT,
                          env=env, timeout=120)


@pytest.fixture(scope="module")
def tables():
    return load_tables()


@pytest.fixture(scope="module")
def reported(tables):
    """Every distinct (symbol, family) the fixture trees and the example produce, with one finding each."""
    out = {}
    for tree in TREES:
        result = run_scan(ROOT / tree, ScanOptions(jobs=1, cache_dir=None), tables, with_effort=False)
        for f in result.findings:
            out.setdefault((f.use.symbol, f.use.family), f)
    return out


def test_explain_answers_for_every_symbol_a_report_contains(tables, reported):
    assert len(reported) > 250  # the trees cover Python, CUDA, C++ namespaces, headers, build files, packages
    wrong = []
    for (symbol, family), f in sorted(reported.items()):
        data = explain_data(tables, symbol)
        got = {b: (v["status"], v["target"]) for b, v in data["verdicts"].items()}
        want = {b: (v.status, v.target) for b, v in f.verdicts}
        if not data["recognised"] or data["family"] != family or got != want:
            wrong.append((symbol, family, data["family"], got, want))
    assert not wrong, wrong[:5]


@pytest.mark.parametrize("symbol, family", [
    ("torch.nn.utils.clip_grad_norm_", "torch-op"),  # the gate blocks on it (issue 16); only op-gap lists name it
    ("cub::BlockReduce", "cub"), ("ATen/cuda/detail/IndexUtils.cuh", "torch-cpp.cuda"),
    ("thrust::device_vector", "thrust"), ("cuda::std::atomic_ref", "libcudacxx"),
    ("NCCL_MAX_NCHANNELS", "env.nccl"),  # an NCCL variable the catalog does not list (apex sets it)
])
def test_explain_names_the_issue_examples(tables, symbol, family):
    data = explain_data(tables, symbol)
    assert (data["recognised"], data["family"]) == (True, family)


def test_explain_of_a_torch_op_prints_the_gap_and_where_there_is_none(tables, tmp_path):
    op = "torch.nn.utils.clip_grad_norm_"
    gaps = dict(tables.op_gap_verdicts(op))
    assert gaps and set(gaps) != {b.id for b in tables.backends}  # listed by some backends, not all
    res = _run("explain", op, cache=tmp_path)
    assert res.returncode == 0, res.stderr
    lines = res.stdout.splitlines()
    assert lines[0].startswith(f"{op}  [torch-op")
    for bid, v in gaps.items():
        assert any(re.match(rf"  {bid} +{v.status} +{re.escape(v.target or '-')}", line) for line in lines), (bid, v)
    silent = [b.id for b in tables.backends if b.id not in gaps]
    assert f"  {', '.join(silent)}: not in the operator-gap list, so no known gap (a scan reports no verdict there)" \
        in lines


def test_explain_exits_3_on_an_unknown_name(tmp_path):
    res = _run("explain", "cudaMemcpyy", cache=tmp_path)
    assert res.returncode == EXIT_UNKNOWN_NAME == 3
    assert res.stdout.splitlines()[0] == "cudaMemcpyy: not in the portcheck catalog of CUDA names."
    assert _run("explain", "cudaMemcpyy", "--format", "json", cache=tmp_path).returncode == 3


def test_vendor_research_refs_resolve_to_the_shipped_sources_page(tables):
    """A ref `vendor-apis.md #57 [M1]` names row 57 and source M1 of docs/sources.md; every one a table cites is there."""
    page = (ROOT / "docs" / "sources.md").read_text(encoding="utf-8")
    rows = set(re.findall(r"^\| (\d+) \|", page, flags=re.M))
    keys = set(re.findall(r"^\| \*\*([A-Z]\d+)\*\* \|", page, flags=re.M))
    cited_rows, cited_keys = set(), set()
    for b in tables.backends:
        for v in list(b.exact.values()) + list(b.family_defaults.values()) + [w for _, w in b.wildcards]:
            for m in re.finditer(r"vendor-apis\.md((?: ?#\d+,?)+)", v.ref):
                cited_rows.update(re.findall(r"\d+", m.group(1)))
            if "vendor-apis.md" in v.ref:
                cited_keys.update(re.findall(r"\b([ACM]\d+)\b", v.ref))
    assert cited_rows and cited_keys
    assert not cited_rows - rows, sorted(cited_rows - rows, key=int)[:10]
    assert not cited_keys - keys, sorted(cited_keys - keys)


def test_explain_points_from_a_research_ref_to_the_sources_page(tmp_path):
    res = _run("explain", "cudaMemcpy", cache=tmp_path)
    assert res.returncode == 0 and "vendor-apis.md" in res.stdout
    assert res.stdout.splitlines()[-1] == ("  'vendor-apis.md #N [K]' is row N of the mapping research and source key "
                                           "K: both are listed in docs/sources.md")


def test_readme_mappings_example_prints_rows(tmp_path):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    line = next(l for l in readme.splitlines() if l.startswith("portcheck mappings "))
    res = _run(*shlex.split(line.split("#")[0])[1:], cache=tmp_path)
    assert res.returncode == 0, res.stderr
    rows = res.stdout.splitlines()
    count = int(re.fullmatch(r"\((\d+) symbols\)", rows[-1]).group(1))
    assert count > 0 and len(rows) - 1 == count
