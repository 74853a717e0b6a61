"""The result cache: per-file entries keyed by content, whole-scan entries keyed by every file and option.

A warm scan must give the same document as a cold one, rescan only what changed, and never serve a result
computed under other options, another baseline or another set of files.
"""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from portcheck import engine
from portcheck.baseline import baseline_document
from portcheck.document import build_document
from portcheck.engine import ScanOptions, run_scan
from portcheck.tables import load_tables

FILES = {
    "train.py": "import torch\ntorch.cuda.synchronize()\nx = torch.zeros(3).cuda()\n",
    "csrc/k.cu": "#include <cuda_runtime.h>\n__global__ void k(float* p) { p[threadIdx.x] = 0; }\n"
                 "void f(float** p) { cudaMalloc(p, 4); }\n",
    "notes.py": "print('no accelerator here')\n",
}


@pytest.fixture(scope="module")
def tables():
    return load_tables()


@pytest.fixture
def tree(tmp_path):
    root = tmp_path / "repo"
    for rel, text in FILES.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    return root


class Spy:
    """Counts scanned files and whole-scan aggregations (matching, effort) while letting them run."""

    def __init__(self, monkeypatch):
        self.scanned: list[str] = []
        self.aggregated = 0
        real_scan, real_aggregate = engine.scan_file, engine._aggregate

        def scan_file(src, *args, **kwargs):
            self.scanned.append(src.path)
            return real_scan(src, *args, **kwargs)

        def aggregate(*args, **kwargs):
            self.aggregated += 1
            return real_aggregate(*args, **kwargs)

        monkeypatch.setattr(engine, "scan_file", scan_file)
        monkeypatch.setattr(engine, "_aggregate", aggregate)

    def reset(self):
        self.scanned, self.aggregated = [], 0


def _doc(root, tables, cache_dir, **opts):
    doc = build_document(run_scan(root, ScanOptions(jobs=1, cache_dir=str(cache_dir), **opts), tables), tables)
    doc["scan"].pop("scan_date"), doc["scan"].pop("duration_s")
    return json.loads(json.dumps(doc, default=list))


def _lines(doc):
    return sorted((f["path"], f["line"], f["symbol"]) for f in doc["findings"])


def test_warm_scan_is_served_whole_and_equals_the_cold_one(tree, tables, tmp_path, monkeypatch):
    spy = Spy(monkeypatch)
    cold = _doc(tree, tables, tmp_path / "c")
    assert sorted(spy.scanned) == ["csrc/k.cu", "notes.py", "train.py"] and spy.aggregated == 1
    spy.reset()
    warm = _doc(tree, tables, tmp_path / "c")
    assert (spy.scanned, spy.aggregated) == ([], 0)  # nothing read by a scanner, nothing matched or estimated
    assert warm == cold
    assert ("csrc/k.cu", 3, "cudaMalloc") in _lines(warm) and warm["effort"]["cann"]["hours"] > 0
    assert cold == _doc(tree, tables, tmp_path / "other")  # a fresh cache gives the same answer


def test_an_edited_file_is_the_only_one_rescanned(tree, tables, tmp_path, monkeypatch):
    spy = Spy(monkeypatch)
    before = _doc(tree, tables, tmp_path / "c")
    (tree / "train.py").write_text("import torch\n\ntorch.cuda.synchronize()\n", encoding="utf-8")
    spy.reset()
    after = _doc(tree, tables, tmp_path / "c")
    assert (spy.scanned, spy.aggregated) == (["train.py"], 1)
    assert ("train.py", 2, "torch.cuda.synchronize") in _lines(before)
    assert [x for x in _lines(after) if x[0] == "train.py"] == [("train.py", 3, "torch.cuda.synchronize")]
    assert after["findings"] != before["findings"]
    (tree / "new.py").write_text("import torch\ntorch.cuda.empty_cache()\n", encoding="utf-8")
    (tree / "notes.py").unlink()
    spy.reset()
    added = _doc(tree, tables, tmp_path / "c")
    assert (spy.scanned, spy.aggregated) == (["new.py"], 1)
    assert ("new.py", 2, "torch.cuda.empty_cache") in _lines(added)
    assert "notes.py" not in {f["path"] for f in added["files"]}


@pytest.mark.parametrize("change", [
    {"backends": ("musa",)},
    {"effort_overrides": {"hours_per_day": 4}},
    {"per_file_ignores": {"csrc/": ["*"]}},
    {"include": ("*.py",)},
    {"excludes": ("csrc/",)},
])
def test_other_options_are_never_served_from_the_whole_scan_entry(tree, tables, tmp_path, monkeypatch, change):
    spy = Spy(monkeypatch)
    _doc(tree, tables, tmp_path / "c")
    spy.reset()
    changed = _doc(tree, tables, tmp_path / "c", **change)
    assert spy.scanned == [] and spy.aggregated == 1  # files from the per-file cache, the rest recomputed
    assert changed == _doc(tree, tables, tmp_path / "fresh", **change)


def test_a_changed_baseline_is_never_served_from_the_whole_scan_entry(tree, tables, tmp_path, monkeypatch):
    spy = Spy(monkeypatch)
    result = run_scan(tree, ScanOptions(jobs=1), tables)
    baseline = tmp_path / "baseline.json"
    baseline.write_text(json.dumps(baseline_document(result.findings)), encoding="utf-8")
    spy.reset()
    assert _doc(tree, tables, tmp_path / "c", baseline=str(baseline))["findings"] == []
    baseline.write_text(json.dumps(baseline_document(())), encoding="utf-8")
    spy.reset()
    again = _doc(tree, tables, tmp_path / "c", baseline=str(baseline))
    assert spy.aggregated == 1 and len(again["findings"]) == len(result.findings) > 0


def test_a_corrupt_cache_is_discarded_and_the_answer_stays_right(tree, tables, tmp_path, monkeypatch):
    cold = _doc(tree, tables, tmp_path / "c")
    db = tmp_path / "c" / "results.sqlite3"
    with sqlite3.connect(db) as con:  # damage every stored result: unpicklable blobs must be misses
        con.execute("UPDATE results SET data = x'00ff'")
        con.execute("UPDATE scans SET data = x'00ff'")
    spy = Spy(monkeypatch)
    assert _doc(tree, tables, tmp_path / "c") == cold
    assert sorted(spy.scanned) == ["csrc/k.cu", "notes.py", "train.py"] and spy.aggregated == 1
    for p in (tmp_path / "c").glob("results.sqlite3*"):
        p.write_bytes(b"this is not a database")
    assert _doc(tree, tables, tmp_path / "c") == cold


def test_check_never_stores_a_whole_scan_entry(tree, tables, tmp_path):
    run_scan(tree, ScanOptions(jobs=1, cache_dir=str(tmp_path / "c")), tables, only_files=["train.py"],
             with_effort=False)
    with sqlite3.connect(tmp_path / "c" / "results.sqlite3") as con:
        assert con.execute("SELECT count(*) FROM scans").fetchone() == (0,)
        assert con.execute("SELECT count(*) FROM results").fetchone() == (1,)


def test_results_too_large_to_store_whole_are_served_file_by_file(tree, tables, tmp_path, monkeypatch):
    monkeypatch.setattr(engine, "WHOLE_SCAN_MAX_FINDINGS", 2)  # the tree has more findings than that
    spy = Spy(monkeypatch)
    cold = _doc(tree, tables, tmp_path / "c")
    assert len(cold["findings"]) > 2
    with sqlite3.connect(tmp_path / "c" / "results.sqlite3") as con:
        assert con.execute("SELECT count(*) FROM scans").fetchone() == (0,)
    spy.reset()
    assert _doc(tree, tables, tmp_path / "c") == cold
    assert spy.scanned == [] and spy.aggregated == 1  # per-file hits, matching and effort recomputed


def test_many_files_are_stored_in_several_transactions(tmp_path, tables):
    from portcheck.cache import ResultCache
    from portcheck.model import FileReport

    cache = ResultCache(tmp_path / "c", tables.fingerprint)
    reports = {f"k{i}": FileReport(f"f{i}.py", "python", i, i) for i in range(1203)}
    cache.put_many(reports.items())
    assert cache.get_many(list(reports)) == reports
    cache.close()
