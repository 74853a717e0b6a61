#!/usr/bin/env python3
"""Stress the cache, the process pool, signals and report output (issue 17); print a pass/fail table.

    python tools/stress.py [--repo PATH] [--trials N] [--budget SECONDS]

Targets: the bundled example (examples/ddp_cuda_demo), a synthetic tree generated in a temporary folder (large
enough for the process pool, with one file that takes more than a millisecond to parse), and optionally a copy of
--repo PATH (copied to a temporary folder: one case edits files during a scan). Every case runs the real command
line in subprocesses with a private cache folder. Special files (/dev/null-, /dev/full-like devices, FIFOs,
symlinks) are nodes made in the temporary folder, never the machine's own.

Cases, per target:
  concurrent     4 scans at once sharing one cache give the cold scan's report; so does the warm scan after
  kill-9-cache   a scan killed (SIGKILL) at a random moment leaves a sound SQLite cache; the next scan is exact
  time-limit     after `scan --parse-timeout 0.001`, a default scan and `check` equal a fresh cache's answers
  edit-mid-scan  a file rewritten while the scan runs, then restored: the warm scan equals a cold one
  kill-main      SIGKILL / SIGTERM / SIGINT to the main process only: the pipe reaches EOF, no worker remains
On the example only: -o onto a symlink, a character device, a FIFO, a full device; output failures (no permission,
a file as parent, /proc, a folder, stdout closed, stdout full, short write) and a reader leaving early.

Exit 0 when every case passed, 1 otherwise (also when the time budget left cases unrun).
"""
from __future__ import annotations

import argparse
import ctypes
import json
import os
import random
import resource
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "ddp_cuda_demo"
PC = [sys.executable, "-m", "portcheck"]
sys.path.insert(0, str(ROOT))
from tests.proc_helpers import alive, children  # noqa: E402

SHFL = "__global__ void k{n}(float* a) {{ a[threadIdx.x] = __shfl_xor_sync(0xffffffff, a[0], 1); }}\n"


class Stress:
    def __init__(self, work: Path, budget: float, trials: int, seed: int) -> None:
        self.work, self.deadline, self.trials = work, time.monotonic() + budget, trials
        self.rng = random.Random(seed)
        self.rows: list[tuple[str, str, bool | None, str, float]] = []
        self.last_rc = 0
        self._n = 0

    # ----------------------------------------------------------------------------------------------- plumbing
    def fresh(self, name: str) -> Path:
        self._n += 1
        p = self.work / f"{self._n:03d}-{name}"
        p.mkdir(parents=True)
        return p

    def env(self, cache: Path) -> dict[str, str]:
        return {**os.environ, "XDG_CACHE_HOME": str(cache), "NO_COLOR": "1"}

    def run(self, args: list[str], cache: Path, cwd: Path | None = None, **kw) -> subprocess.CompletedProcess:
        kw.setdefault("capture_output", True)
        return subprocess.run(PC + args, env=self.env(cache), cwd=cwd, text=True, timeout=900, **kw)

    def report(self, tree: Path, cache: Path, *extra: str) -> tuple:
        """(findings, skipped) of a JSON report of `tree`: what must be equal between two scans."""
        out = self.fresh("report") / "r.json"
        res = self.run(["scan", str(tree), "-q", "-f", "json", "-o", str(out), *extra], cache)
        if res.returncode != 0:
            raise AssertionError(f"scan exited {res.returncode}: {res.stderr.strip()[-300:]}")
        doc = json.loads(out.read_text(encoding="utf-8"))
        return (tuple((f["path"], f["line"], f["column"], f["symbol"]) for f in doc["findings"]),
                tuple((s["path"], s["reason"]) for s in doc["skipped"]))

    def case(self, name: str, target: str, fn) -> None:
        if time.monotonic() > self.deadline:
            self.rows.append((name, target, None, "not run: time budget spent", 0.0))
            return
        t0 = time.monotonic()
        try:
            observed = fn()
            ok = True
        except AssertionError as exc:
            observed, ok = f"FAILED: {exc}", False
        except Exception as exc:  # a crash of the harness or of portcheck is a failure too
            observed, ok = f"ERROR: {type(exc).__name__}: {exc}", False
        self.rows.append((name, target, ok, observed, time.monotonic() - t0))
        print(f"  {'pass' if ok else 'FAIL'}  {name:<22} {target:<10} {observed}", file=sys.stderr, flush=True)

    # ------------------------------------------------------------------------------------------------ targets
    def synthetic(self, files: int = 24, units: int = 120, name: str = "synthetic") -> Path:
        """A tree the engine scans with its process pool (24 files or more, 512 KB or more), with one file that
        takes more than a millisecond to parse. 24 x 120: ~0.7 MB, ~3 s on 2 cores."""
        root = self.fresh(name) / "tree"
        body_py = "import torch\n" + "".join(f"def f{j}(x):\n    torch.cuda.synchronize()\n    return x.cuda({j})\n"
                                             for j in range(units))
        body_cu = "".join(SHFL.format(n=n) + f"void h{n}(float** p) {{ cudaMalloc(p, {n}); }}\n"
                          for n in range(units))
        for i in range(files):
            (root / f"p{i:02d}").mkdir(parents=True)
            (root / f"p{i:02d}" / f"m{i}.py").write_text(body_py)
            (root / f"p{i:02d}" / f"k{i}.cu").write_text(body_cu)
        (root / "slow.cu").write_text("".join(SHFL.format(n=n) for n in range(3000)))  # > 1 ms to parse
        return root

    # -------------------------------------------------------------------------------------------- tree cases
    def tree_cases(self, label: str, tree: Path, pool: Path | None) -> None:
        """The cache cases on `tree`; the kill cases on `pool` (a tree whose scan lasts long enough to be killed
        while its pool runs), if given."""
        t0 = time.monotonic()
        ref = self.report(tree, self.fresh("ref"))  # the cold scan every other scan of this tree must equal
        cold = time.monotonic() - t0
        nref = f"{len(ref[0])} findings, {len(ref[1])} skipped"
        self.case("concurrent", label, lambda: self.concurrent(tree, ref) + f" ({nref})")
        self.case("kill-9-cache", label, lambda: self.kill_cache(tree, ref, cold))
        self.case("time-limit", label, lambda: self.time_limit(tree, ref))
        self.case("edit-mid-scan", label, lambda: self.edit_mid_scan(tree, ref, cold))
        if pool is not None:
            for sig in (signal.SIGKILL, signal.SIGTERM, signal.SIGINT):
                self.case(f"kill-main {sig.name}", label, lambda sig=sig: self.kill_main(pool, sig))

    def concurrent(self, tree: Path, ref: tuple) -> str:
        cache = self.fresh("shared")
        outs = [self.fresh("conc") / "r.json" for _ in range(4)]
        procs = [subprocess.Popen(PC + ["scan", str(tree), "-q", "-f", "json", "-o", str(o)], env=self.env(cache),
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) for o in outs]
        for p in procs:
            _, err = p.communicate(timeout=900)
            assert p.returncode == 0, f"a concurrent scan exited {p.returncode}: {err.strip()[-200:]}"
        for o in outs:
            doc = json.loads(o.read_text(encoding="utf-8"))
            got = (tuple((f["path"], f["line"], f["column"], f["symbol"]) for f in doc["findings"]),
                   tuple((s["path"], s["reason"]) for s in doc["skipped"]))
            assert got == ref, "a concurrent scan's report differs from the cold scan's"
        assert self.report(tree, cache) == ref, "the warm scan after them differs"
        return "4 concurrent + 1 warm = cold"

    def kill_cache(self, tree: Path, ref: tuple, cold: float) -> str:
        for _ in range(self.trials):
            cache = self.fresh("k9")
            p = subprocess.Popen(PC + ["scan", str(tree), "-q"], env=self.env(cache),
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(self.rng.uniform(0.3, max(0.4, cold)))
            p.kill()
            p.wait()
            for db in cache.rglob("results.sqlite3"):
                with sqlite3.connect(db) as con:
                    assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",), f"{db} corrupt"
            assert self.report(tree, cache) == ref, "the scan after a kill -9 differs from the cold scan"
        return f"{self.trials} kills in a {cold:.1f} s scan: cache sound, re-scans exact"

    def time_limit(self, tree: Path, ref: tuple) -> str:
        cache = self.fresh("tl")
        cut = self.report(tree, cache, "--parse-timeout", "0.001")
        partial = sorted({p for p, r in cut[1] if "parse time limit" in r})
        assert partial, "no file took more than 1 ms to parse: nothing to check"
        assert self.report(tree, cache) == ref, "a default-limit scan after the 0.001 s one differs from fresh"
        assert self.report(tree, cache, "--parse-timeout", "0") == ref, "a scan without a limit differs"
        names = [str(tree / p) for p in partial[:20]]
        gate = self.run(["check", *names], cache, cwd=tree)
        fresh = self.run(["check", *names], self.fresh("tl-fresh"), cwd=tree)
        assert (gate.returncode, gate.stdout) == (fresh.returncode, fresh.stdout), \
            f"check after the limited scan: exit {gate.returncode}, fresh cache: exit {fresh.returncode}"
        return (f"{len(partial)} file(s) cut at 0.001 s; default and unlimited scans = fresh; check exit "
                f"{gate.returncode}, {len(gate.stdout.splitlines())} violations = fresh")

    def edit_mid_scan(self, tree: Path, ref: tuple, cold: float) -> str:
        files = sorted(p for p in tree.rglob("*.py") if p.is_file())
        assert files, "no Python file to edit"
        for _ in range(self.trials):
            victim = files[self.rng.randrange(len(files))]
            original = victim.read_bytes()
            cache = self.fresh("edit")
            p = subprocess.Popen(PC + ["scan", str(tree), "-q"], env=self.env(cache),
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                time.sleep(self.rng.uniform(0.1, max(0.2, cold * 0.9)))
                victim.write_bytes(original + b"\nimport torch\ntorch.cuda.empty_cache()\n")
                p.wait(timeout=900)
            finally:
                victim.write_bytes(original)
            assert self.report(tree, cache) == ref, \
                f"{victim.relative_to(tree)} restored: the warm scan differs from the cold one"
        return f"{self.trials} edits during {cold:.1f} s scans, restored: warm = cold"

    def kill_main(self, tree: Path, sig: signal.Signals) -> str:
        """`trials` kills at random moments (a rare race once left the exit waiting on a half-sent result)."""
        eofs = [self.kill_main_once(tree, sig) for _ in range(self.trials)]
        return f"{len(eofs)} kills: exit {self.last_rc}, EOF within {max(eofs):.2f} s, no worker left"

    def kill_main_once(self, tree: Path, sig: signal.Signals) -> float:
        p = subprocess.Popen(PC + ["scan", str(tree), "--no-cache", "-j", "2", "-f", "json", "-o", "-"],
                             env=self.env(self.fresh("km")), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        workers: list[int] = []
        try:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and len(workers) < 2 and p.poll() is None:
                workers = children(p.pid)
                time.sleep(0.05)
            assert len(workers) == 2, "no pool of 2 workers started"
            time.sleep(self.rng.uniform(0.05, 0.8))
            assert p.poll() is None, "the scan ended before the kill: give a larger tree"
            p.send_signal(sig)
            t0 = time.monotonic()
            try:
                _, err = p.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                raise AssertionError("stdout still open 30 s after the kill (a worker, or a main process that "
                                     "hangs on exit, holds it)") from None
            eof = time.monotonic() - t0
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline and any(alive(w) for w in workers):
                time.sleep(0.05)
            left = [w for w in workers if alive(w)]
            assert not left, f"workers still running: {left}"
            want = {signal.SIGKILL: -9, signal.SIGTERM: 143, signal.SIGINT: 130}[sig]
            assert p.returncode == want, f"exit {p.returncode}, expected {want}"
            assert len(err.decode().strip().splitlines()) <= 1 and b"Traceback" not in err, err.decode()[-300:]
            self.last_rc = p.returncode
            return eof
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()
            for w in workers:
                if alive(w):
                    os.kill(w, signal.SIGKILL)

    # ------------------------------------------------------------------------------------------ output cases
    def output_cases(self) -> None:
        cache = self.fresh("out-cache")
        base = ["scan", str(EXAMPLE), "--no-cache"]
        assert self.run(base + ["-q"], cache).returncode == 0  # compiled tables in the cache before any limit

        def to(target, **kw):
            return self.run(base + ["-q", "-f", "json", "-o", str(target)], cache, **kw)

        def one_line(res, needle: str) -> str:
            lines = res.stderr.strip().splitlines()
            assert res.returncode == 2, f"exit {res.returncode}: {res.stderr.strip()[-200:]}"
            assert len(lines) == 1 and needle in lines[0] and "Traceback" not in res.stderr, res.stderr[-300:]
            assert "wrote" not in res.stdout + res.stderr
            return f"exit 2: {lines[0].replace(str(self.work), '$TMP')}"

        def symlink():
            d = self.fresh("symlink")
            (d / "real.json").write_text("old\n")
            (d / "link.json").symlink_to("real.json")
            res = to(d / "link.json")
            assert res.returncode == 0, res.stderr
            assert os.readlink(d / "link.json") == "real.json", "the symlink was replaced"
            json.loads((d / "real.json").read_text())
            return "exit 0; link kept, its target holds the report"

        def device(minor: int, name: str):
            d = self.fresh(name)
            node = d / name
            os.mknod(node, 0o666 | stat.S_IFCHR, os.makedev(1, minor))
            res = to(node)
            st = node.lstat()
            assert stat.S_ISCHR(st.st_mode) and st.st_rdev == os.makedev(1, minor), "the device node was replaced"
            if name == "full":
                return one_line(res, "No space left on device") + "; node kept"
            assert res.returncode == 0, res.stderr
            return "exit 0; node kept"

        def fifo():
            d = self.fresh("fifo")
            node = d / "fifo"
            os.mkfifo(node)
            got: list[bytes] = []
            reader = threading.Thread(target=lambda: got.append(node.read_bytes()), daemon=True)
            reader.start()
            res = to(node)
            assert res.returncode == 0, res.stderr
            assert stat.S_ISFIFO(node.lstat().st_mode), "the FIFO was replaced"
            reader.join(30)
            return f"exit 0; FIFO kept, reader got {len(json.loads(got[0])['findings'])} findings"

        def no_permission():
            d = self.fresh("locked")
            d.chmod(0o555)
            return one_line(to(d / "r.json", preexec_fn=without_dac_override), "Permission denied")

        def parent_is_file():
            d = self.fresh("parent")
            (d / "afile").write_text("x")
            return one_line(to(d / "afile" / "r.json"), "Not a directory")

        def stdout_closed():
            res = subprocess.run(["sh", "-c", 'exec "$@" >&-', "sh", *PC, *base, "-q", "-f", "json", "-o", "-"],
                                 env=self.env(cache), capture_output=True, text=True, timeout=300)
            return one_line(res, "standard output: it is closed")

        def stdout_full():
            node = self.fresh("full-stdout") / "full"
            os.mknod(node, 0o666 | stat.S_IFCHR, os.makedev(1, 7))
            with open(node, "w") as out:
                res = self.run(base + ["-f", "json", "-o", "-"], cache, stdout=out, stderr=subprocess.PIPE,
                               capture_output=False)
            res.stdout = ""
            return one_line(res, "No space left on device")

        def short_write():
            d = self.fresh("fsize")
            (d / "r.json").write_text("previous\n")
            res = to(d / "r.json", preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (20000, 20000)))
            out = one_line(res, "File too large")
            assert (d / "r.json").read_text() == "previous\n" and len(list(d.iterdir())) == 1
            return out + "; old report kept, no temp file"

        def broken_pipe(args: list[str]):
            p = subprocess.Popen(PC + base + args, env=self.env(cache), stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE)
            if args:
                p.stdout.read(100)
            p.stdout.close()
            err = p.stderr.read()
            rc = p.wait(timeout=300)
            assert (rc, err) == (141, b""), f"exit {rc}, stderr {err[-200:]!r}"
            return "exit 141, stderr empty"

        self.case("-o symlink", "example", symlink)
        self.case("-o char device (null)", "example", lambda: device(3, "null"))
        self.case("-o char device (full)", "example", lambda: device(7, "full"))
        self.case("-o FIFO", "example", fifo)
        self.case("-o no permission", "example", no_permission)
        self.case("-o parent is a file", "example", parent_is_file)
        self.case("-o /proc path", "example", lambda: one_line(to("/proc/portcheck-none/r.json"),
                                                               "No such file or directory"))
        self.case("-o a folder", "example", lambda: one_line(to(self.fresh("dir")), "Is a directory"))
        self.case("stdout closed", "example", stdout_closed)
        self.case("stdout full (ENOSPC)", "example", stdout_full)
        self.case("short write (FSIZE)", "example", short_write)
        self.case("pipe closed (report)", "example", lambda: broken_pipe(["-f", "json", "-o", "-"]))
        self.case("pipe closed (summary)", "example", lambda: broken_pipe([]))


def without_dac_override() -> None:
    """Root ignores folder permissions: drop CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH for the child."""
    if os.geteuid() == 0:
        libc = ctypes.CDLL(None, use_errno=True)
        for cap in (1, 2):
            if libc.prctl(24, cap, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
                raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repo", type=Path, help="also run the tree cases on a copy of this source tree")
    ap.add_argument("--trials", type=int, default=3, help="kills and edits per case (default 3)")
    ap.add_argument("--budget", type=float, default=600, help="seconds; cases not started by then fail")
    ap.add_argument("--seed", type=int, default=17)
    args = ap.parse_args()
    if not sys.platform.startswith("linux"):
        print("stress.py needs Linux (/proc, mknod, prctl)", file=sys.stderr)
        return 2
    t0 = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="portcheck-stress-") as tmp:
        s = Stress(Path(tmp), args.budget, args.trials, args.seed)
        s.tree_cases("example", EXAMPLE, pool=None)
        s.tree_cases("synthetic", s.synthetic(), pool=s.synthetic(files=60, units=300, name="big"))
        if args.repo:
            copy = s.fresh("repo") / args.repo.resolve().name
            shutil.copytree(args.repo, copy, symlinks=True, ignore=shutil.ignore_patterns(".git"))
            s.tree_cases("repo", copy, pool=copy)
        s.output_cases()
        rows = s.rows
    width = max(len(r[0]) for r in rows)
    print(f"{'case':<{width}}  {'target':<9}  {'result':<6}  {'s':>6}  observed")
    for name, target, ok, observed, secs in rows:
        verdict = "pass" if ok else ("FAIL" if ok is False else "notrun")
        print(f"{name:<{width}}  {target:<9}  {verdict:<6}  {secs:6.1f}  {observed}")
    failed = sum(1 for r in rows if r[2] is not True)
    print(f"{len(rows) - failed} passed, {failed} failed  ({time.monotonic() - t0:.0f} s)")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
