"""Never crash, never lie: a hostile tree generated at test time (issue 8)."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from portcheck.document import build_document
from portcheck.engine import ScanOptions, run_scan
from portcheck.tables import load_tables

HEALTHY = {
    "good/train.py": "import torch\n\ndef f(x):\n    torch.cuda.synchronize()\n    return x.cuda()\n",
    "good/k.cu": "#include <cuda_runtime.h>\n__global__ void k(float* a) { a[threadIdx.x] = 0; }\n"
                 "void h(float** p) { cudaMalloc(p, 16); }\n",
    "good/CMakeLists.txt": "cmake_minimum_required(VERSION 3.18)\nproject(x LANGUAGES CXX CUDA)\n",
    "dir with spaces/ünïcode 名前.py": "import torch\ntorch.cuda.empty_cache()\n",
}


@pytest.fixture(scope="module")
def tables():
    return load_tables()


def _write(root: Path, files: dict[str, str | bytes]) -> None:
    for rel, content in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            p.write_bytes(content)
        else:
            p.write_text(content, encoding="utf-8")


def hostile_tree(root: Path, big_mb: int = 50) -> None:
    _write(root, HEALTHY)
    deep = "x = " + "(" * 10000 + "1" + ")" * 10000 + "\n"
    _write(root, {
        "bad/binary.cu": b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 8,
        "bad/invalid_utf8.py": b"import torch\n# \xff\xfe\xfd broken \xc3\x28\ntorch.cuda.synchronize()\n",
        "bad/utf16.py": "import torch\ntorch.cuda.synchronize()\n".encode("utf-16"),
        "bad/gbk.cu": "// 中文注释：分配显存\nvoid f(void** p) { cudaMalloc(p, 4); }\n".encode("gbk"),
        "bad/deep.py": deep,
        "bad/deep.cu": "int x = " + "(" * 10000 + "1" + ")" * 10000 + ";\n",
        "bad/py2.py": "import torch\nprint 'hello'\nexec 'x = 1'\ntorch.cuda.synchronize()\n",
        "bad/syntax.py": "def f(:\n    torch.cuda.synchronize(\n",
        "bad/syntax.cu": "__global__ void k( {{{ cudaMalloc(;\n",
        "bad/empty.py": "", "bad/empty.cu": "",
        "bad/noperm.py": "import torch\ntorch.cuda.synchronize()\n",
        ".gitignore": "*.log\n[\n!important.log\n**/zz*/\n\\#x\n",
    })
    line = "__global__ void k{n}(float* a) {{ a[threadIdx.x] = __shfl_xor_sync(0xffffffff, a[0], 1); }}\n"
    with open(root / "bad" / "huge.cu", "w") as fh:
        n, written = 0, 0
        while written < big_mb * 1024 * 1024:
            s = line.format(n=n)
            fh.write(s)
            written += len(s)
            n += 1
    os.chmod(root / "bad" / "noperm.py", 0)
    (root / "bad" / "broken_link.py").symlink_to(root / "bad" / "nowhere.py")
    (root / "bad" / "loop").symlink_to(root / "bad")
    outside = Path(tempfile.mkdtemp(prefix="portcheck-outside-"))
    (outside / "secret.py").write_text("import torch\ntorch.cuda.synchronize()\n")
    (root / "bad" / "outside").symlink_to(outside)


def _scan_as_nobody_if_root(root: Path, tables):
    """run_scan, in a forked child that drops to `nobody` when we are root (root reads any file)."""
    if os.geteuid() != 0:
        return run_scan(root, ScanOptions(jobs=1), tables)
    import pickle

    import pathspec  # noqa: F401 - import now: the child may not read site-packages or this checkout
    from portcheck.scanners import SCANNERS, get_scanner
    for name in SCANNERS:
        get_scanner(name)
    rfd, wfd = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        code = 1
        try:
            os.close(rfd)
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)
            data = pickle.dumps(run_scan(root, ScanOptions(jobs=1), tables))
            with os.fdopen(wfd, "wb") as fh:
                fh.write(data)
            code = 0
        except BaseException:
            import traceback
            traceback.print_exc()
        finally:
            os._exit(code)
    os.close(wfd)
    with os.fdopen(rfd, "rb") as fh:
        data = fh.read()
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    return pickle.loads(data)


def test_unreadable_file_is_reported(tables):
    root = Path(tempfile.mkdtemp(prefix="portcheck-noperm-"))  # not under root's private pytest folder
    try:
        os.chmod(root, 0o755)
        _write(root, {"a.py": "import torch\ntorch.cuda.synchronize()\n", "b.py": "import torch\nx.cuda()\n"})
        os.chmod(root / "a.py", 0)
        res = _scan_as_nobody_if_root(root, tables)
        assert [(s.path, s.reason.split(":")[0]) for s in res.skipped] == [("a.py", "cannot read")]
        assert [(f.use.path, f.use.line, f.use.symbol) for f in res.findings] == [("b.py", 2, "Tensor.cuda")]
    finally:
        os.chmod(root / "a.py", 0o644)
        shutil.rmtree(root)


def test_hostile_tree_completes_and_loses_nothing(tmp_path, tables):
    root = tmp_path / "tree"
    hostile_tree(root)
    res = run_scan(root, ScanOptions(jobs=2), tables)
    doc = build_document(res, tables)
    json.dumps(doc, default=list)  # always serialisable (findings: a lazy sequence)
    from portcheck.reporters import json_report  # lone surrogates: the fast writer cleans as the rows do
    fast, generic = json_report.render(doc), json_report.render(dict(doc, findings=list(doc["findings"])))
    assert fast == generic, "the fast JSON writer and the generic one differ"
    reasons = {s["path"]: s["reason"] for s in doc["skipped"]}
    assert reasons["bad/binary.cu"] == "binary file (NUL bytes) with a source extension"
    assert reasons["bad/broken_link.py"] == "broken symlink"
    assert reasons["bad/outside"].startswith("symlink points outside the scan root")
    assert reasons["bad/loop"].startswith("symlink to a folder already scanned")
    assert "bad/syntax.py" in reasons and "bad/py2.py" in reasons
    assert reasons["bad/invalid_utf8.py"].endswith("invalid UTF-8: undecodable bytes replaced")
    found = {(f["path"], f["line"], f["symbol"]) for f in doc["findings"]}
    # decoded, not skipped
    assert ("bad/gbk.cu", 2, "cudaMalloc") in found
    assert ("bad/utf16.py", 2, "torch.cuda.synchronize") in found
    assert ("bad/invalid_utf8.py", 3, "torch.cuda.synchronize") in found
    # the 50 MB generated file is over the default 20 MB per-file limit: reported, not read
    assert reasons["bad/huge.cu"].startswith("larger than the 20 MB limit")
    # nothing from outside the root
    assert not any("secret" in p for p, _, _ in found)
    # healthy files: the same findings as a scan of them alone
    alone = tmp_path / "alone"
    _write(alone, HEALTHY)
    ref = {(f.use.path, f.use.line, f.use.symbol, f.use.column)
           for f in run_scan(alone, ScanOptions(jobs=1), tables).findings}
    got = {(f.use.path, f.use.line, f.use.symbol, f.use.column) for f in res.findings
           if f.use.path in HEALTHY}
    assert got == ref and ref


def test_scan_writes_nothing_into_a_read_only_tree(tmp_path):
    root = tmp_path / "ro"
    _write(root, HEALTHY)
    for d, _, files in os.walk(root):
        for f in files:
            os.chmod(os.path.join(d, f), 0o444)
    for d, _, _ in sorted(os.walk(root), reverse=True):
        os.chmod(d, 0o555)
    before = sorted((p.relative_to(root).as_posix(), p.stat().st_mtime_ns) for p in root.rglob("*"))
    out = tmp_path / "out"
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "NO_COLOR": "1"}
    p = subprocess.run([sys.executable, "-m", "portcheck", "scan", str(root), "-q", "-f", "json,md,csv,sarif,html",
                        "--output-dir", str(out)], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    after = sorted((p.relative_to(root).as_posix(), p.stat().st_mtime_ns) for p in root.rglob("*"))
    assert before == after
    for d, _, _ in os.walk(root):
        os.chmod(d, 0o755)


def test_json_is_valid_with_surrogates_and_control_characters(tmp_path, tables):
    _write(tmp_path, {"a.py": "import torch\ntorch.cuda.synchronize()  # \x01\x1b[31m\u2028 ctl\n"})
    (tmp_path / "b.cu").write_bytes(b"void f(void** p) { cudaMalloc(p, 4); } // \xed\xa0\x80 lone surrogate\n")
    doc = build_document(run_scan(tmp_path, ScanOptions(jobs=1), tables), tables)
    from portcheck.reporters import get_reporter
    text = get_reporter("json")(doc)
    back = json.loads(text)
    assert {f["symbol"] for f in back["findings"]} >= {"torch.cuda.synchronize", "cudaMalloc"}
    json.loads(get_reporter("sarif")(doc))


def test_determinism_across_jobs(tmp_path, tables, monkeypatch):
    """One process or a pool of two (forced here: the tree is small enough to be scanned in-process), same
    report."""
    import concurrent.futures

    from portcheck import engine

    pools = []

    class CountedPool(concurrent.futures.ProcessPoolExecutor):
        def __init__(self, *args, **kwargs):
            pools.append(kwargs.get("max_workers"))
            super().__init__(*args, **kwargs)
    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", CountedPool)
    monkeypatch.setattr(engine, "IN_PROCESS_BYTES", 0)
    _write(tmp_path, {f"m{i}.py": f"import torch\ntorch.cuda.set_device({i})\n" for i in range(40)})
    _write(tmp_path, {f"k{i}.cu": f"void f{i}(void** p) {{ cudaMalloc(p, {i}); }}\n" for i in range(40)})
    docs = []
    for jobs in (1, 2):
        d = build_document(run_scan(tmp_path, ScanOptions(jobs=jobs), tables), tables)
        d["scan"].pop("scan_date"), d["scan"].pop("duration_s"), d["scan"]["options"].pop("jobs")
        docs.append(json.dumps(d, sort_keys=True, default=list))
    assert docs[0] == docs[1] and pools == [2]
    assert json.loads(docs[0])["summary"]["findings"] == 80


def test_parse_time_limit_costs_one_file_not_the_scan(tmp_path, tables):
    """A pathological file is cut off by the per-file parse time limit and reported; the others are scanned."""
    kernel = "__global__ void k{n}(float* a) {{ a[threadIdx.x] = __shfl_xor_sync(0xffffffff, a[0], 1); }}\n"
    _write(tmp_path, {"slow.cu": "".join(kernel.format(n=n) for n in range(40000)),
                      "ok.py": "import torch\ntorch.cuda.synchronize()\n"})
    res = run_scan(tmp_path, ScanOptions(jobs=1, parse_timeout=0.001), tables)
    reasons = {s.path: (s.partial, s.reason) for s in res.skipped}
    assert reasons == {"slow.cu": (True, "cuda scanner: parse time limit (0.001 s) exceeded; raise --parse-timeout")}
    assert [(f.use.path, f.use.symbol) for f in res.findings] == [("ok.py", "torch.cuda.synchronize")]


def test_size_limit_is_configurable(tmp_path, tables):
    _write(tmp_path, {"big.py": "import torch\ntorch.cuda.synchronize()\n" + "#" * (3 * 1024 * 1024)})
    assert [s.path for s in run_scan(tmp_path, ScanOptions(jobs=1), tables).skipped] == []
    res = run_scan(tmp_path, ScanOptions(jobs=1, max_file_size=2 * 1024 * 1024), tables)
    assert [(s.path, s.reason.split(" (")[0]) for s in res.skipped] == [("big.py", "larger than the 2 MB limit")]


def test_interrupt_leaves_no_report_and_a_sound_cache(tmp_path):
    """Ctrl-C (SIGINT to the process group) mid-scan: exit 130, one line, no report or temp file, cache intact."""
    import signal
    import sqlite3
    import time

    tree = tmp_path / "tree"
    body = "void g(void** p) { cudaMalloc(p, 4); cudaFree(*p); }\n" + "".join(
        f"int f{n}(int x) {{ return x * {n} + (x >> 2); }}\n" for n in range(6000))
    _write(tree, {f"k{i}.cu": body for i in range(120)})
    out, cache = tmp_path / "out", tmp_path / "cache"
    out.mkdir()
    env = {**os.environ, "XDG_CACHE_HOME": str(cache), "NO_COLOR": "1"}
    cmd = [sys.executable, "-m", "portcheck", "scan", str(tree), "-q", "-f", "json,html", "--output-dir", str(out)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            start_new_session=True)
    db = cache / "portcheck"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not list(db.rglob("results.sqlite3")):
        time.sleep(0.05)  # results are being cached: the scan is under way
    time.sleep(0.5)
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert err.strip().splitlines()[-1] == "portcheck: interrupted; no report written"
    assert "Traceback" not in err
    assert list(out.iterdir()) == []
    dbs = list(db.rglob("results.sqlite3"))
    assert dbs
    with sqlite3.connect(dbs[0]) as con:
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    again = subprocess.run(cmd, capture_output=True, text=True, env=env)
    assert again.returncode == 0, again.stderr
    assert sorted(p.name for p in out.iterdir()) == ["portcheck-report.html", "portcheck-report.json"]
    doc = json.loads((out / "portcheck-report.json").read_text(encoding="utf-8"))
    assert len(doc["findings"]) == 120 * 2
