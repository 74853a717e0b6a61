"""Cache, signal and output defects found under stress (issue 17); each test failed before its fix.

1. a result cut short by --parse-timeout was cached as complete and served to later scans and to `check`;
2. a file edited during a scan was cached under the key of its old content;
3. killing the main process left the pool workers alive, holding the caller's pipe open;
4. `-o` onto a symlink, a character device or a FIFO replaced it with a regular file;
5. output failures printed tracebacks, a full disk reported "wrote", a closed pipe exited 1.

Special files are nodes made in a temporary folder (mknod, mkfifo), never the machine's own /dev entries.
"""
from __future__ import annotations

import ctypes
import json
import os
import resource
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from portcheck.engine import ScanOptions, run_scan
from portcheck.tables import load_tables

from .cli_helpers import CLI, cli_env, run_cli
from .proc_helpers import alive as _alive
from .proc_helpers import children as _children
from .proc_helpers import write_pool_tree as pool_tree

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "ddp_cuda_demo"
SHFL = "__global__ void k{n}(float* a) {{ a[threadIdx.x] = __shfl_xor_sync(0xffffffff, a[0], 1); }}\n"


@pytest.fixture(scope="module")
def tables():
    return load_tables()


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")


def _found(result) -> list[tuple[str, int, str]]:
    return sorted((f.use.path, f.use.line, f.use.symbol) for f in result.findings)


# ------------------------------------------------------------------------------ 1. partial results and the cache
N_SLOW = 3000


@pytest.fixture
def slow_tree(tmp_path):
    root = tmp_path / "repo"
    _write(root, {"slow.cu": "".join(SHFL.format(n=n) for n in range(N_SLOW))})
    return root


def test_a_time_limited_result_is_never_served_under_another_limit(slow_tree, tables, tmp_path):
    cache = str(tmp_path / "cache")
    cut = run_scan(slow_tree, ScanOptions(jobs=1, cache_dir=cache, parse_timeout=0.001), tables)
    assert [(s.path, s.partial, s.reason) for s in cut.skipped] == [
        ("slow.cu", True, "cuda scanner: parse time limit (0.001 s) exceeded; raise --parse-timeout")]
    assert _found(cut) == []
    again = run_scan(slow_tree, ScanOptions(jobs=1, cache_dir=cache, parse_timeout=0.001), tables)
    assert again.skipped == cut.skipped and _found(again) == []  # the same limit: the same (partial) answer
    fresh = run_scan(slow_tree, ScanOptions(jobs=1), tables)  # no cache, default limit
    shfl = [x for x in _found(fresh) if x[2] == "__shfl_xor_sync"]
    assert len(shfl) == N_SLOW and shfl[0] == ("slow.cu", 1, "__shfl_xor_sync") and fresh.skipped == ()
    for limit in (30.0, 0.0):  # the default limit, no limit: rescanned, never the cut-short entry
        warm = run_scan(slow_tree, ScanOptions(jobs=1, cache_dir=cache, parse_timeout=limit), tables)
        assert _found(warm) == _found(fresh) and warm.skipped == ()
    # Once the complete result is cached, it is served under any limit: it is the better answer for those bytes.
    after = run_scan(slow_tree, ScanOptions(jobs=1, cache_dir=cache, parse_timeout=0.001), tables)
    assert _found(after) == _found(fresh) and after.skipped == ()


def test_check_does_not_reuse_a_time_limited_scan(slow_tree, tmp_path):
    """The gate: after `scan --parse-timeout 0.001` filled the cache, `check` still sees every violation."""
    cache = tmp_path / "xdg"
    first = run_cli(["scan", ".", "-q", "--parse-timeout", "0.001", "-f", "json", "-o", str(tmp_path / "r.json")],
                    slow_tree, cache)
    assert first.returncode == 0, first.stderr
    assert json.loads((tmp_path / "r.json").read_text())["skipped"][0]["path"] == "slow.cu"
    res = run_cli(["check", "slow.cu"], slow_tree, cache)
    assert res.returncode == 1, res.stderr
    assert sum(1 for line in res.stdout.splitlines() if "__shfl_xor_sync" in line) == N_SLOW
    assert "partly scanned" not in res.stderr


def test_decode_and_size_limit_partials_keep_their_mark_when_cached(tmp_path, tables):
    """Results that depend only on the bytes (an invalid-UTF-8 file) are cached with their 'partly scanned' mark;
    a file over the size limit is rescanned when the limit is raised."""
    root = tmp_path / "repo"
    root.mkdir()
    (root / "bad.py").write_bytes(b"import torch\n# \xff\xfe broken\ntorch.cuda.synchronize()\n")
    _write(root, {"big.py": "import torch\ntorch.cuda.empty_cache()\n" + "#" * (2 * 1024 * 1024)})
    cache = str(tmp_path / "cache")
    small = ScanOptions(jobs=1, cache_dir=cache, max_file_size=1024 * 1024)
    for _ in range(2):  # cold, then warm
        res = run_scan(root, small, tables)
        assert [(s.path, s.partial, s.reason.split(" (")[0]) for s in res.skipped] == [
            ("bad.py", True, "invalid UTF-8: undecodable bytes replaced"),
            ("big.py", False, "larger than the 1 MB limit")]
        assert _found(res) == [("bad.py", 3, "torch.cuda.synchronize")]
    raised = run_scan(root, ScanOptions(jobs=1, cache_dir=cache), tables)
    assert _found(raised) == [("bad.py", 3, "torch.cuda.synchronize"), ("big.py", 2, "torch.cuda.empty_cache")]


# ------------------------------------------------------------------------ 2. the key is the bytes that were scanned
def test_a_file_edited_during_the_scan_is_cached_under_its_new_content(tmp_path, tables):
    """b.py changes after the cache keys were taken and before it is scanned (the progress hook after a.py does
    it). The scan reports the new content; once b.py is back to its old content, a warm scan must report the old
    content's findings, as a fresh scan does (before the fix it served the new content's result)."""
    root = tmp_path / "repo"
    old = "import torch\ntorch.cuda.synchronize()\n"
    new = old + "torch.cuda.empty_cache()\n"
    _write(root, {"a.py": old, "b.py": old})

    def factory(_total):
        def progress(_n):
            (root / "b.py").write_text(new, encoding="utf-8")
        return progress

    opts = ScanOptions(jobs=1, cache_dir=str(tmp_path / "cache"))
    during = run_scan(root, opts, tables, progress_factory=factory)
    assert ("b.py", 3, "torch.cuda.empty_cache") in _found(during)
    (root / "b.py").write_text(old, encoding="utf-8")
    warm = run_scan(root, opts, tables)
    assert _found(warm) == _found(run_scan(root, ScanOptions(jobs=1), tables)) == [
        ("a.py", 2, "torch.cuda.synchronize"), ("b.py", 2, "torch.cuda.synchronize")]
    (root / "b.py").write_text(new, encoding="utf-8")  # and the new content is served from its own key
    assert _found(run_scan(root, opts, tables)) == _found(during)


# ------------------------------------------------------------------------------------ 3. workers die with the scan

@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT], ids=["KILL", "TERM", "INT"])
def test_killing_the_scan_leaves_no_worker_and_closes_the_pipe(tmp_path, sig):
    tree = tmp_path / "tree"
    pool_tree(tree)
    proc = subprocess.Popen(CLI + ["scan", str(tree), "--no-cache", "-j", "2", "-f", "json", "-o", "-"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=cli_env(tmp_path / "xdg"))
    workers: list[int] = []
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(workers) < 2 and proc.poll() is None:
            workers = _children(proc.pid)
            time.sleep(0.05)
        assert len(workers) == 2, "the scan did not start its pool of 2"
        time.sleep(0.5)
        proc.send_signal(sig)  # the main process only, as `kill PID` or a CI timeout does
        out, err = proc.communicate(timeout=30)  # before the fix: the workers held stdout open, this timed out
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and any(_alive(w) for w in workers):
            time.sleep(0.05)
        assert [w for w in workers if _alive(w)] == []
        expected = {signal.SIGKILL: (-9, ""), signal.SIGTERM: (143, "portcheck: terminated; no report written"),
                    signal.SIGINT: (130, "portcheck: interrupted; no report written")}[sig]
        assert (proc.returncode, err.decode().strip()) == expected
        assert out == b""  # no report, not even a partial one
    finally:
        proc.kill()
        proc.wait()
        for w in workers:
            if _alive(w):
                os.kill(w, signal.SIGKILL)


def test_the_parent_watchdog_ends_an_orphaned_worker(tmp_path):
    """The fallback where PR_SET_PDEATHSIG is not available: an intermediate process forks a 'worker' that arms
    only the watchdog, then is killed; the worker must exit by itself."""
    code = ("import os, sys, time\n"
            "from portcheck.engine import die_with_parent\n"
            "parent = os.getpid()\n"
            "pid = os.fork()\n"
            "if pid == 0:\n"
            "    die_with_parent(parent, use_prctl=False, interval=0.1)\n"
            "    time.sleep(60)\n"
            "    os._exit(0)\n"
            "print(pid, flush=True)\n"
            "time.sleep(60)\n")
    mid = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, env=cli_env(tmp_path))
    worker = int(mid.stdout.readline())
    try:
        assert _alive(worker)
        mid.kill()
        mid.wait()
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and _alive(worker):
            time.sleep(0.05)
        assert not _alive(worker)
    finally:
        if _alive(worker):
            os.kill(worker, signal.SIGKILL)


# --------------------------------------------------------------------------------------- 4. -o onto special files
@pytest.fixture(scope="module")
def xdg(tmp_path_factory):
    """A cache folder with the compiled tables already in it (so a limited process writes nothing else)."""
    cache = tmp_path_factory.mktemp("xdg")
    assert run_cli(["scan", str(EXAMPLE), "-q", "--no-cache"], EXAMPLE, cache).returncode == 0
    return cache


def _scan_to(target: Path | str, xdg: Path, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(CLI + ["scan", str(EXAMPLE), "--no-cache", "-f", "json", "-o", str(target)],
                          env=cli_env(xdg), capture_output=True, text=True, timeout=120, **kwargs)


def _report_ok(text: str) -> None:
    doc = json.loads(text)
    assert doc["summary"]["findings"] == 109 and doc["scan"]["root"] == "ddp_cuda_demo"


def test_output_through_a_symlink_keeps_the_link(tmp_path, xdg):
    real = tmp_path / "real.json"
    real.write_text("old\n")
    real.chmod(0o640)
    (tmp_path / "link.json").symlink_to("real.json")
    res = _scan_to(tmp_path / "link.json", xdg)
    assert res.returncode == 0, res.stderr
    assert os.readlink(tmp_path / "link.json") == "real.json"
    _report_ok(real.read_text())
    assert stat.S_IMODE(real.stat().st_mode) == 0o640  # an existing report keeps its mode
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.json", "real.json"]  # no temporary file left
    (tmp_path / "dangling.json").symlink_to("made.json")
    assert _scan_to(tmp_path / "dangling.json", xdg).returncode == 0
    assert os.readlink(tmp_path / "dangling.json") == "made.json"
    _report_ok((tmp_path / "made.json").read_text())


def test_output_to_a_character_device_writes_to_it(tmp_path, xdg):
    null = tmp_path / "null"
    os.mknod(null, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    res = _scan_to(null, xdg)
    assert res.returncode == 0, res.stderr
    st = null.stat()
    assert stat.S_ISCHR(st.st_mode) and st.st_rdev == os.makedev(1, 3)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["null"]


def test_output_to_a_fifo_writes_to_its_reader(tmp_path, xdg):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    res = _scan_to(fifo, xdg)
    assert res.returncode == 0, res.stderr
    assert stat.S_ISFIFO(fifo.lstat().st_mode)  # before the fix: a regular file renamed over it
    reader.join(30)
    _report_ok(got[0].decode())


def test_a_full_device_is_an_error_not_a_report_written(tmp_path, xdg):
    full = tmp_path / "full"
    os.mknod(full, 0o666 | stat.S_IFCHR, os.makedev(1, 7))
    res = subprocess.run(CLI + ["scan", str(EXAMPLE), "--no-cache", "-f", "json", "-o", str(full)],
                         env=cli_env(xdg), capture_output=True, text=True, timeout=120)
    assert res.returncode == 2
    assert res.stderr.splitlines() == [f"portcheck: error: cannot write {full}: No space left on device"]
    assert "wrote" not in res.stdout
    assert stat.S_ISCHR(full.stat().st_mode) and full.stat().st_rdev == os.makedev(1, 7)
    base = subprocess.run(CLI + ["baseline", "write", str(EXAMPLE), "-o", str(full)], env=cli_env(xdg),
                          capture_output=True, text=True, timeout=120)
    assert (base.returncode, base.stderr.splitlines()) == (
        2, [f"portcheck: error: cannot write {full}: No space left on device"])


# --------------------------------------------------------------------------------------------- 5. output failures
def _without_dac_override() -> None:
    """Root ignores folder permissions; drop that power (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH) for the child."""
    if os.geteuid() == 0:
        libc = ctypes.CDLL(None, use_errno=True)
        for cap in (1, 2):  # PR_CAPBSET_DROP; applies from the exec on
            if libc.prctl(24, cap, 0, 0, 0) != 0:
                raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def _one_error_line(res: subprocess.CompletedProcess, expected: str) -> None:
    assert res.returncode == 2, res.stderr
    assert res.stderr.splitlines() == [f"portcheck: error: {expected}"]
    assert "wrote" not in res.stdout


def test_no_permission_on_the_output_folder(tmp_path, xdg):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    res = _scan_to(locked / "r.json", xdg, preexec_fn=_without_dac_override)
    _one_error_line(res, f"cannot write {locked / 'r.json'}: Permission denied ({locked})")
    res = _scan_to(locked / "sub" / "r.json", xdg, preexec_fn=_without_dac_override)
    _one_error_line(res, f"cannot write {locked / 'sub' / 'r.json'}: Permission denied ({locked / 'sub'})")
    assert list(locked.iterdir()) == []


def test_a_file_where_the_output_folder_should_be(tmp_path, xdg):
    (tmp_path / "afile").write_text("x")
    _one_error_line(_scan_to(tmp_path / "afile" / "r.json", xdg),
                    f"cannot write {tmp_path / 'afile' / 'r.json'}: Not a directory ({tmp_path / 'afile'})")
    _one_error_line(_scan_to(tmp_path / "afile" / "d" / "r.json", xdg),
                    f"cannot write {tmp_path / 'afile' / 'd' / 'r.json'}: Not a directory ({tmp_path / 'afile'})")


def test_a_proc_path(xdg):
    _one_error_line(_scan_to("/proc/portcheck-no-such/r.json", xdg),
                    "cannot write /proc/portcheck-no-such/r.json: No such file or directory (/proc/portcheck-no-such)")


def test_an_output_folder_that_is_a_folder(tmp_path, xdg):
    _one_error_line(_scan_to(tmp_path, xdg), f"cannot write {tmp_path}: Is a directory")


def test_stdout_closed(tmp_path, xdg):
    for args, expected in ((["-q", "-f", "json", "-o", "-"],
                            "cannot write the report to standard output: it is closed"),
                           (["-f", "json", "-o", "-"], "cannot write to standard output: it is closed"),
                           ([], "cannot write to standard output: it is closed")):  # the terminal summary
        res = subprocess.run(["sh", "-c", 'exec "$@" >&-', "sh", *CLI, "scan", str(EXAMPLE), "--no-cache", *args],
                             env=cli_env(xdg), capture_output=True, text=True, timeout=120)
        _one_error_line(res, expected)


def test_stdout_on_a_full_device(tmp_path, xdg):
    full = tmp_path / "full"
    os.mknod(full, 0o666 | stat.S_IFCHR, os.makedev(1, 7))
    for args, expected in ((["-f", "json", "-o", "-"],
                            "cannot write the report to standard output: No space left on device"),
                           ([], "cannot write to standard output: No space left on device")):
        with open(full, "w") as out:
            res = subprocess.run(CLI + ["scan", str(EXAMPLE), "--no-cache", *args], env=cli_env(xdg),
                                 stdout=out, stderr=subprocess.PIPE, text=True, timeout=120)
        assert (res.returncode, res.stderr.splitlines()) == (2, [f"portcheck: error: {expected}"])


def test_a_short_write_keeps_the_old_report(tmp_path, xdg):
    """RLIMIT_FSIZE: the kernel writes part of a block past the limit, then refuses (EFBIG); Python ignores
    SIGXFSZ, so the writer sees a short write followed by an error."""
    target = tmp_path / "r.json"
    target.write_text("previous report\n")

    def limit():
        resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))
    res = _scan_to(target, xdg, preexec_fn=limit)
    _one_error_line(res, f"cannot write {target}: File too large")
    assert target.read_text() == "previous report\n"
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]


@pytest.mark.parametrize("args", [["-f", "json", "-o", "-"], []], ids=["report", "summary"])
def test_a_reader_that_leaves_early_ends_the_scan_quietly(tmp_path, xdg, args):
    """`portcheck scan ... | head -c 100`: exit 141 (128 + SIGPIPE, what a shell shows for `yes | head`; never 0,
    which would turn a failing --fail-on gate into a pass), nothing on stderr."""
    proc = subprocess.Popen(CLI + ["scan", str(EXAMPLE), "--no-cache", *args], env=cli_env(xdg),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if args:
        assert len(proc.stdout.read(100)) == 100  # the report is 150 KB: larger than the pipe's buffer
    proc.stdout.close()
    err = proc.stderr.read()
    assert (proc.wait(timeout=120), err) == (141, b"")
