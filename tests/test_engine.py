"""Discovery, decoding, the engine's invariants and the installed wheel."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from portcheck.discover import classify, discover
from portcheck.engine import ScanOptions, run_scan
from portcheck.fileio import Undecodable, decode
from portcheck.document import build_document
from portcheck.tables import load_tables

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def tables():
    return load_tables()


def test_classify_languages():
    # `signals` finds what changes the estimate (abstractions, op builders, bindings, ROCm branches)
    assert classify("setup.py") == ("build-python", ("python", "setup", "signals"))
    assert classify("train.py") == ("python", ("python", "signals"))
    assert classify("k.cu") == ("cuda", ("cuda", "signals"))
    assert classify("k.cuh") == ("cuda", ("cuda", "signals"))
    assert classify("x.hpp") == ("cpp", ("cuda", "signals"))
    assert classify("CMakeLists.txt") == ("cmake", ("cmake",))
    assert classify("requirements-dev.txt") == ("requirements", ("requirements",))
    assert classify("pyproject.toml") == ("toml", ("pyproject",))
    assert classify("README.md") is None
    assert classify("notes.txt") is None


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    return tmp_path


def test_discover_honours_gitignore_and_default_excludes(tmp_path):
    root = _tree(tmp_path, {
        ".gitignore": "generated/\n*.gen.py\n!keep.gen.py\n[\n",  # '[' is an odd pattern; must not break the walk
        "a.py": "", "generated/b.py": "", "c.gen.py": "", "keep.gen.py": "",
        "third_party/x.cu": "", "build/y.cpp": "", ".venv/lib/z.py": "", "src/sub/.gitignore": "local.py\n",
        "src/sub/local.py": "", "src/sub/other.py": "", "notes.txt": "",
    })
    files, skipped = discover(root)
    assert [f.path for f in files] == ["a.py", "keep.gen.py", "src/sub/other.py"]
    files, _ = discover(root, use_default_excludes=False, use_gitignore=False)
    assert [f.path for f in files] == [".venv/lib/z.py", "a.py", "build/y.cpp", "c.gen.py", "generated/b.py",
                                       "keep.gen.py", "src/sub/local.py", "src/sub/other.py", "third_party/x.cu"]


def test_gitignore_never_hides_files_git_tracks(tmp_path):
    """As in git (and in DeepSpeed, whose .gitignore lists `*.cuh` over tracked kernel headers): a .gitignore
    rule skips untracked files only. Without git metadata (an exported tree) the rule applies to every file."""
    root = _tree(tmp_path / "repo", {
        ".gitignore": "*.cuh\ngen/\n", "csrc/tracked.cuh": "", "csrc/untracked.cuh": "", "gen/kept.cu": "",
        "gen/scratch.cu": "", "a.py": "",
    })
    exported = [f.path for f in discover(root)[0]]
    assert exported == ["a.py"]

    def git(*args):
        subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)
    git("init", "-q")
    git("add", "a.py", ".gitignore")
    git("add", "-f", "csrc/tracked.cuh", "gen/kept.cu")
    assert [f.path for f in discover(root)[0]] == ["a.py", "csrc/tracked.cuh", "gen/kept.cu"]
    assert [f.path for f in discover(root / "csrc")[0]] == ["tracked.cuh"]  # the top's .gitignore still counts
    (root / "csrc" / ".git").mkdir()  # csrc/ the top of a work tree of its own: the outer .gitignore is not its
    assert [f.path for f in discover(root / "csrc")[0]] == ["tracked.cuh", "untracked.cuh"]
    assert [f.path for f in discover(root, use_gitignore=False)[0]] == [
        "a.py", "csrc/tracked.cuh", "csrc/untracked.cuh", "gen/kept.cu", "gen/scratch.cu"]


@pytest.mark.skipif(os.name != "posix", reason="symlinks")
def test_discover_never_leaves_the_root(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.py").write_text("import torch\ntorch.cuda.synchronize()\n")
    root = tmp_path / "root"
    root.mkdir()
    (root / "a.py").write_text("x = 1\n")
    (root / "link_out").symlink_to(outside)
    (root / "file_out.py").symlink_to(outside / "secret.py")
    (root / "broken.py").symlink_to(root / "nope.py")
    (root / "loop").symlink_to(root)
    files, skipped = discover(root)
    assert [f.path for f in files] == ["a.py"]
    reasons = {s.path: s.reason for s in skipped}
    assert reasons["link_out"].startswith("symlink points outside the scan root")
    assert reasons["file_out.py"].startswith("symlink points outside the scan root")
    assert reasons["broken.py"] == "broken symlink"
    assert reasons["loop"].startswith("symlink to a folder already scanned")


def test_decode_encodings():
    assert decode("x = 'é'\n".encode()) == ("x = 'é'\n", "")
    text, note = decode("# 中文注释\ncudaMalloc(&p, n);\n".encode("gbk"))
    assert text == "# 中文注释\ncudaMalloc(&p, n);\n" and note == "decoded as GB18030 (GBK)"
    text, note = decode("import torch\n".encode("utf-16"))
    assert text == "import torch\n" and note.startswith("decoded as UTF-16")
    with pytest.raises(Undecodable):
        decode(b"\x7fELF\x00\x00\x01")
    text, note = decode(b"ok \xff\xfe\xfa\xfb\xfc\xfd\x80\x81 end")
    assert note == "invalid UTF-8: undecodable bytes replaced" and text.startswith("ok ")


def test_scan_result_is_sorted_relative_and_deterministic(tmp_path, tables):
    root = _tree(tmp_path, {
        "b.py": "import torch\ntorch.cuda.synchronize()\nx = torch.zeros(3).cuda()\n",
        "a/k.cu": "#include <cuda_runtime.h>\nvoid f(float** p) { cudaMalloc(p, 4); }\n",
    })
    r1 = build_document(run_scan(root, ScanOptions(jobs=1), tables), tables)
    r2 = build_document(run_scan(root, ScanOptions(jobs=2), tables), tables)
    for d in (r1, r2):
        d["scan"].pop("scan_date"), d["scan"].pop("duration_s"), d["scan"]["options"].pop("jobs")
    assert json.dumps(r1, sort_keys=True, default=list) == json.dumps(r2, sort_keys=True, default=list)
    keys = [(f["path"], f["line"], f["column"]) for f in r1["findings"]]
    assert keys == sorted(keys)
    assert {(f["path"], f["line"], f["symbol"]) for f in r1["findings"]} >= {
        ("a/k.cu", 1, "cuda_runtime.h"), ("a/k.cu", 2, "cudaMalloc"),
        ("b.py", 2, "torch.cuda.synchronize"), ("b.py", 3, "Tensor.cuda")}
    assert r1["schema_version"] == "1.0"
    for f in r1["findings"]:
        assert set(f["verdicts"]) == {"cann", "musa", "neuware"}
        assert all(v["status"] in ("rename", "adapt", "partial", "missing", "unknown") for v in f["verdicts"].values())


def test_binary_and_bad_files_are_reported_not_fatal(tmp_path, tables):
    root = _tree(tmp_path, {"ok.py": "import torch\ntorch.cuda.synchronize()\n"})
    (root / "blob.cu").write_bytes(b"\x00\x01\x02cudaMalloc\x00")
    (root / "bad.py").write_text("def f(:\n  torch.cuda.synchronize()\n")
    res = run_scan(root, ScanOptions(jobs=1), tables)
    reasons = {s.path: s.reason for s in res.skipped}
    assert reasons["blob.cu"] == "binary file (NUL bytes) with a source extension"
    assert "bad.py" in reasons
    assert [(f.use.path, f.use.line, f.use.symbol) for f in res.findings if f.use.path == "ok.py"] == [
        ("ok.py", 2, "torch.cuda.synchronize")]


def test_per_file_ignores_and_include(tmp_path, tables):
    root = _tree(tmp_path, {"tests/t.py": "import torch\ntorch.cuda.synchronize()\n",
                            "src/m.py": "import torch\ntorch.cuda.synchronize()\ntorch.cuda.empty_cache()\n"})
    opts = ScanOptions(jobs=1, per_file_ignores={"tests/": ["*"], "src/*.py": ["torch.cuda.empty_cache"]})
    res = run_scan(root, opts, tables)
    assert [(f.use.path, f.use.symbol) for f in res.findings] == [("src/m.py", "torch.cuda.synchronize")]
    assert sorted((s.path, s.symbol) for s in res.suppressed) == [
        ("src/m.py", "torch.cuda.empty_cache"), ("tests/t.py", "torch.cuda.synchronize")]
    res = run_scan(root, ScanOptions(jobs=1, include=("tests/",)), tables)
    assert {f.use.path for f in res.findings} == {"tests/t.py"}


def test_installed_wheel_ships_tables_and_templates(tmp_path):
    """A normal (non-editable) install finds mappings/ and templates/ inside the package."""
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(ROOT)],
                   check=True, capture_output=True)
    wheel = next(dist.glob("portcheck-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "portcheck/_data/mappings/catalog/families.yaml" in names
    assert "portcheck/_data/mappings/effort.yaml" in names
    assert any(n.startswith("portcheck/_data/templates/") for n in names)
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
                   check=True, capture_output=True)
    code = ("import portcheck, portcheck.tables as t; print(portcheck.__file__); print(t.data_dir('mappings')); "
            "print(len(t.load_tables().catalog))")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(target)}, cwd=tmp_path).stdout.splitlines()
    assert out[0].startswith(str(target))
    assert out[1] == str(target / "portcheck" / "_data" / "mappings")
    assert int(out[2]) > 20000
