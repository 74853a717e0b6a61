"""Run a scan: discover files, scan them in parallel, match uses to verdicts, estimate, build the result."""
from __future__ import annotations

import dataclasses
import datetime as _dt
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from . import __version__
from .discover import SourceFile, discover, gitignore_matcher
from .fileio import Undecodable, decode
from .model import (SCHEMA_VERSION, ApiUse, FileReport, FileStat, Finding, ScanResult, SkippedFile, Suppression,
                    fingerprint)
from .prefilter import PREFILTERS
from .scanners import get_scanner
from .suppress import suppress_file, suppression_problems_only
from .tables import Tables, load_tables

IN_PROCESS_BELOW = 24  # files; a process pool costs more than it saves on tiny scans
IN_PROCESS_BYTES = 512 * 1024  # or this much source in all (bitsandbytes' csrc/: 24 files, 330 KB, ~0.1 s faster)
# Larger results are not stored whole (their pickle alone would be hundreds of MB); the per-file cache serves them.
WHOLE_SCAN_MAX_FINDINGS = 200_000


@dataclass
class ScanOptions:
    backends: tuple[str, ...] = ()  # empty: every backend in the tables
    excludes: tuple[str, ...] = ()
    jobs: int = 0  # 0: all cores
    use_gitignore: bool = True
    default_excludes: bool = True
    max_file_size: int = 20 * 1024 * 1024
    extra_mappings: tuple[str, ...] = ()
    cache_dir: str | None = None  # tables and results cache; None: no cache
    effort_overrides: dict[str, Any] = field(default_factory=dict)
    include: tuple[str, ...] = ()  # when set, only paths matching these gitignore-style patterns
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)  # pattern -> symbols/families
    baseline: str | None = None  # path of a baseline file: report only findings it does not hold
    parse_timeout: float = 30.0  # seconds per file and scanner; 0 disables the limit
    targets: dict[str, str] = field(default_factory=dict)  # backend id -> hardware target (targets.yaml); else default

    def public(self) -> dict[str, Any]:
        """Options as recorded in reports (no machine-specific paths)."""
        return {"backends": list(self.backends), "excludes": list(self.excludes), "jobs": self.jobs,
                "use_gitignore": self.use_gitignore, "default_excludes": self.default_excludes,
                "max_file_size": self.max_file_size, "extra_mappings": list(self.extra_mappings),
                "include": list(self.include), "parse_timeout": self.parse_timeout, "baseline": Path(self.baseline).name if self.baseline else None,
                "targets": dict(self.targets)}


# ------------------------------------------------------------------------------------------- per-file work
_TABLES: Tables | None = None
_TIMEOUT = 0.0
_SALT: str | None = None  # result-cache salt: workers key each result by the bytes they scanned
TIME_LIMIT_NOTE = "parse time limit"  # in the partial-scan reason of a file cut off by --parse-timeout


class ParseTimeout(BaseException):  # not Exception: scanners catch those, this must reach scan_file
    """A scanner took longer than the per-file limit."""


def _init_worker(extra: tuple[str, ...], cache_dir: str | None, timeout: float, salt: str | None = None,
                 parent: int | None = None) -> None:
    global _TABLES, _TIMEOUT, _SALT
    import signal

    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the main process's handler (forked workers inherit it)
    if parent is not None:
        die_with_parent(parent)
    if _TABLES is None:  # spawned (not forked) workers load their own copy
        _TABLES = load_tables([Path(p) for p in extra], Path(cache_dir) if cache_dir else None)
    _TIMEOUT, _SALT = timeout, salt


def die_with_parent(parent: int, use_prctl: bool = True, interval: float = 0.5) -> None:
    """Make this worker process end when `parent` does, however the parent ends (SIGKILL included), so no worker
    outlives a killed scan holding its stdout (a caller reading the pipe would wait forever).

    Linux: the kernel sends SIGKILL on the parent's death (prctl PR_SET_PDEATHSIG). Everywhere, as a fallback: a
    daemon thread that exits the process once it has been re-parented."""
    import signal
    import sys
    import threading

    if use_prctl and sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, int(signal.SIGKILL), 0, 0, 0)  # 1: PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)

    def watch() -> None:
        if hasattr(signal, "pthread_sigmask"):  # the parse limit's SIGALRM belongs to the main thread
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM, signal.SIGINT, signal.SIGTERM})
        while os.getppid() == parent:
            time.sleep(interval)
        os._exit(1)

    threading.Thread(target=watch, name="portcheck-parent-watch", daemon=True).start()


def _alarm(_signum, _frame):
    raise ParseTimeout()


def _run_limited(fn, args, timeout: float):
    """Run a scanner under a wall-clock limit (SIGALRM, main thread only; no limit elsewhere)."""
    import signal
    import threading

    if not timeout or not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        return fn(*args)
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        return fn(*args)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def _read(src: SourceFile) -> bytes | FileReport:
    try:
        with open(src.abspath, "rb") as fh:
            return fh.read()
    except OSError as exc:
        return FileReport(src.path, src.language, 0, src.size,
                          skipped=SkippedFile(src.path, f"cannot read: {exc.strerror or exc}"))


def scan_file(src: SourceFile, tables: Tables, timeout: float = 0.0, data: bytes | None = None) -> FileReport:
    """Decode and scan one file (its bytes as given, else read now); never raises."""
    if data is None:
        got = _read(src)
        if isinstance(got, FileReport):
            return got
        data = got
    size = len(data)
    bom = data[:4].startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf"))
    if not bom and b"\x00" in data[:8192]:
        return FileReport(src.path, src.language, 0, size,
                          skipped=SkippedFile(src.path, "binary file (NUL bytes) with a source extension"))
    wanted = [s for s in src.scanners if bom or PREFILTERS.get(s) is None or PREFILTERS[s].search(data)]
    lines = data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)
    if not wanted:  # no CUDA here; a suppression comment in it silences nothing (reported)
        return FileReport(src.path, src.language, lines, size,
                          problems=suppression_problems_only(src.path, data) if b"portcheck" in data else ())
    try:
        text, note = decode(data)
    except Undecodable as exc:
        return FileReport(src.path, src.language, lines, size, skipped=SkippedFile(src.path, str(exc)))
    uses: list[ApiUse] = []
    kernels = []
    markers: list[ApiUse] = []
    partial: list[str] = []
    for name in wanted:
        try:
            out = _run_limited(get_scanner(name), (src.path, text, tables), timeout)
        except ParseTimeout:
            partial.append(f"{name} scanner: {TIME_LIMIT_NOTE} ({timeout:g} s) exceeded; raise --parse-timeout")
            continue
        except RecursionError:
            partial.append(f"{name} scanner: nesting too deep")
            continue
        except Exception as exc:  # a scanner bug must not lose the rest of the scan
            partial.append(f"{name} scanner failed: {type(exc).__name__}: {exc}")
            continue
        uses.extend(out.uses)
        kernels.extend(out.kernels)
        markers.extend(out.markers)
        if out.partial:
            partial.append(out.partial)
    if note.startswith("invalid"):
        partial.append(note)
    uses = [u if u.family == (fam := family_for(u, tables)) else dataclasses.replace(u, family=fam) for u in uses]
    kept, silenced, problems = suppress_file(src.path, text, uses, tables)
    skipped = SkippedFile(src.path, "; ".join(partial), partial=True) if partial else None
    return FileReport(src.path, src.language, lines, size, tuple(kept), tuple(kernels), skipped,
                      tuple(silenced), note, tuple(markers), problems=tuple(problems))


def scan_keyed(src: SourceFile, tables: Tables, timeout: float, salt: str | None) -> tuple[FileReport, str | None]:
    """Read the file once, scan those bytes, and key the result by the same bytes (None: no salt, or unreadable),
    so a file edited during the scan is never stored under the key of other content."""
    from .cache import file_key

    got = _read(src)
    if isinstance(got, FileReport):
        return got, None
    key = file_key(salt, src.path, src.scanners, got) if salt is not None else None
    return scan_file(src, tables, timeout, data=got), key


def _scan_in_worker(src: SourceFile) -> tuple[FileReport, str | None]:
    assert _TABLES is not None
    return scan_keyed(src, _TABLES, _TIMEOUT, _SALT)


def scan_files(files: list[SourceFile], options: ScanOptions, tables: Tables,
               progress: Callable[[int], None] | None = None) -> Iterator[FileReport]:
    """Scan files, in a process pool when there are enough of them; yields in input order."""
    for rep, _ in _scan_files_keyed(files, options, tables, progress, None):
        yield rep


def _scan_files_keyed(files: list[SourceFile], options: ScanOptions, tables: Tables,
                      progress: Callable[[int], None] | None, salt: str | None
                      ) -> Iterator[tuple[FileReport, str | None]]:
    """(report, key of the bytes scanned) per file, in input order; a process pool when there are enough files."""
    jobs = options.jobs or os.cpu_count() or 1
    if jobs <= 1 or len(files) < IN_PROCESS_BELOW or sum(f.size for f in files) < IN_PROCESS_BYTES:
        for src in files:
            yield scan_keyed(src, tables, options.parse_timeout, salt)
            if progress:
                progress(1)
        return
    chunk = max(1, min(64, len(files) // (jobs * 8) or 1))
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor  # not on the `check` path

    global _TABLES, _TIMEOUT, _SALT
    ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else None
    if ctx is not None:  # forked workers inherit the loaded tables instead of loading them again
        _TABLES, _TIMEOUT, _SALT = tables, options.parse_timeout, salt
    before = set(mp.active_children())
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_init_worker,
                               initargs=(options.extra_mappings, options.cache_dir, options.parse_timeout, salt,
                                         os.getpid()))
    try:
        for item in pool.map(_scan_in_worker, files, chunksize=chunk):
            yield item
            if progress:
                progress(1)
    except BaseException:  # Ctrl-C, SIGTERM (SystemExit from the CLI's handler), a consumer that stops early
        _stop_pool(pool, before)
        raise
    pool.shutdown(wait=True)


def _stop_pool(pool, before: set) -> None:
    """End the pool now: queued work cancelled, workers killed (a clean shutdown would finish every queued file),
    and the executor's manager thread ended, so nothing of the pool is left for the interpreter to wait on.

    A worker killed while it sends a result leaves half a message in the result pipe; the manager thread would
    then wait forever for the rest (the main process holds the pipe's write end, so no EOF comes), and the
    interpreter joins that thread at exit: a killed scan that never exits (found by tools/stress.py). Closing our
    write end gives the reader its EOF. CPython's own threads may print a traceback while the broken pool is torn
    down; the scan is being abandoned, so that noise is not shown."""
    import io
    import multiprocessing as mp
    import sys

    manager = getattr(pool, "_executor_manager_thread", None)  # shutdown() drops these references
    results = getattr(pool, "_result_queue", None)
    pool.shutdown(wait=False, cancel_futures=True)
    workers = [p for p in mp.active_children() if p not in before]
    for p in workers:
        try:
            p.kill()
        except (OSError, ValueError):
            pass
    for p in workers:
        p.join(2)
    writer = getattr(results, "_writer", None)
    if manager is None or writer is None:
        return
    saved, sys.stderr = sys.stderr, io.StringIO()
    try:
        writer.close()
        manager.join(5)
    except OSError:
        pass
    finally:
        sys.stderr = saved


def _file_keys(files: list[SourceFile], cache) -> list[str | None]:
    from .cache import file_key

    keys: list[str | None] = []
    for src in files:
        try:
            with open(src.abspath, "rb") as fh:
                keys.append(file_key(cache.salt, src.path, src.scanners, fh.read()))
        except OSError:
            keys.append(None)
    return keys


def _limited_key(key: str, timeout: float) -> str:
    """Where a result cut short by the parse time limit is stored: valid only under that same limit."""
    return f"{key}:time-limit={timeout!r}"


def _cache_class(rep: FileReport) -> str:
    """'full': the same bytes always give this result; 'limited': it depends on --parse-timeout (and on the
    machine's load); 'none': it must not be stored (out of memory)."""
    reason = rep.skipped.reason if rep.skipped is not None and rep.skipped.partial else ""
    if "MemoryError" in reason:
        return "none"
    return "limited" if TIME_LIMIT_NOTE in reason else "full"


def _scan_with_cache(files: list[SourceFile], options: ScanOptions, tables: Tables,
                     progress: Callable[[int], None] | None, cache, keys: list[str | None],
                     use_limited: bool = True) -> tuple[list[FileReport], list[str | None]]:
    """Serve unchanged files from the result cache; scan the rest; store what was scanned, under the key of the
    bytes that were scanned. Returns the reports and those keys (a file edited since `keys` were taken has its
    new key). A result cut short by the parse time limit is stored under a key that holds the limit, and served
    only to a scan under the same limit that asks for it (`use_limited`; `check` does not)."""
    if cache is None:
        return list(scan_files(files, options, tables, progress)), list(keys)
    hits = cache.get_many([k for k in keys if k])
    if use_limited and options.parse_timeout:  # complete results first; time-limited ones only for the misses
        hits.update(cache.get_many([_limited_key(k, options.parse_timeout) for k in keys if k and k not in hits]))

    def hit(k: str | None) -> FileReport | None:
        if not k:
            return None
        if k in hits:
            return hits[k]
        return hits.get(_limited_key(k, options.parse_timeout)) if use_limited and options.parse_timeout else None

    reports: list[FileReport | None] = [hit(k) for k in keys]
    final: list[str | None] = list(keys)
    todo = [(i, src) for i, src in enumerate(files) if reports[i] is None]
    if progress and len(files) - len(todo):
        progress(len(files) - len(todo))
    store: list[tuple[str, FileReport]] = []
    for (i, _), (rep, key) in zip(todo, _scan_files_keyed([src for _, src in todo], options, tables, progress,
                                                          cache.salt)):
        reports[i], final[i] = rep, key
        kind = _cache_class(rep)
        if key is None or kind == "none":
            final[i] = None  # nothing stored for it: neither is the whole scan
        elif kind == "limited":
            store.append((_limited_key(key, options.parse_timeout), rep))
        else:
            store.append((key, rep))
    cache.put_many(store)
    return [r for r in reports if r is not None], final


def _scan_key(cache, files: list[SourceFile], keys: list[str | None], skipped: list[SkippedFile],
              options: ScanOptions, backend_ids: tuple[str, ...], with_effort: bool, own: set[str]) -> str | None:
    """Key of a whole scan: every file's content key, what discovery skipped, and every option that changes the
    result. None (no whole-scan caching) when a file could not be read or the baseline cannot be hashed."""
    import hashlib
    import json

    if any(k is None for k in keys):
        return None
    h = hashlib.blake2b(digest_size=20)
    h.update(cache.scan_salt().encode())
    for src, k in zip(files, keys):
        h.update(f"{src.path}\0{k}\n".encode("utf-8", "surrogateescape"))
    for s in skipped:
        h.update(f"skip\0{s.path}\0{s.reason}\0{s.partial}\n".encode("utf-8", "surrogateescape"))
    settings = {"backends": backend_ids, "effort": with_effort, "own": sorted(own),
                "overrides": options.effort_overrides, "ignores": options.per_file_ignores, "targets": options.targets,
                "parse_timeout": options.parse_timeout}  # a file cut short under one limit is rescanned under another
    h.update(json.dumps(settings, sort_keys=True, default=repr).encode())
    if options.baseline:
        try:
            h.update(Path(options.baseline).read_bytes())
        except OSError:
            return None
    return h.hexdigest()


# ----------------------------------------------------------------------------------------------- matching
def family_for(use: ApiUse, tables: Tables) -> str:
    fam = tables.family_of(use.symbol) or use.family
    if fam:
        return fam
    sym = use.symbol  # dotted Python names: the longest declared family that prefixes the symbol
    while "." in sym:
        sym = sym.rpartition(".")[0]
        if sym in tables.families:
            return sym
    return "cuda-runtime" if use.language in ("cuda", "cpp") else ""


def match(uses: Iterable[ApiUse], tables: Tables, backend_ids: tuple[str, ...]) -> list[Finding]:
    """Attach one verdict per backend to each use."""
    wanted = set(backend_ids)
    findings = []
    memo: dict[tuple[str, str], tuple] = {}  # (symbol, family) -> verdicts: a repo repeats its symbols
    for use in uses:
        fam = family_for(use, tables)
        if fam != use.family:
            use = dataclasses.replace(use, family=fam)
        verdicts = memo.get((use.symbol, fam))
        if verdicts is None:
            found = tables.op_gap_verdicts(use.symbol) if fam == "torch-op" else tables.verdicts(use.symbol, fam)
            verdicts = memo[(use.symbol, fam)] = tuple((b, v) for b, v in found if b in wanted)
        if not verdicts:
            continue
        findings.append(Finding(use, verdicts, fingerprint(use)))
    return findings


def _sort_key(f: Finding) -> tuple:
    u = f.use
    return (u.path, u.line, u.column, u.symbol, u.kind)


def run_scan(root: Path, options: ScanOptions, tables: Tables | None = None,
             progress_factory: Callable[[int], Callable[[int], None] | None] | None = None,
             only_files: list[str] | None = None, with_effort: bool = True) -> ScanResult:
    """Scan a tree (or only the given files under it) and return the immutable result.

    Verdicts, effort and the report's backend metadata are given for the hardware targets in options.targets
    (each backend's default target otherwise); the tables' previous selection is restored afterwards."""
    if tables is None:
        tables = load_tables([Path(p) for p in options.extra_mappings],
                             Path(options.cache_dir) if options.cache_dir else None)
    previous = tables.selection()
    tables.select_targets(options.targets)  # TableError for an unknown backend or target
    try:
        return _run_scan(root, options, tables, progress_factory, only_files, with_effort)
    finally:
        tables.select_targets(previous)


def _run_scan(root: Path, options: ScanOptions, tables: Tables,
              progress_factory: Callable[[int], Callable[[int], None] | None] | None,
              only_files: list[str] | None, with_effort: bool) -> ScanResult:
    started = time.monotonic()
    backend_ids = options.backends or tuple(b.id for b in tables.backends)
    for b in backend_ids:
        tables.backend(b)  # raises TableError for an unknown id
    if only_files is not None:
        files, skipped = _explicit_files(root, only_files)
    else:
        files, skipped = discover(root, options.excludes, options.default_excludes, options.use_gitignore,
                                  options.max_file_size)
    if options.include:
        included = gitignore_matcher(options.include)
        files = [f for f in files if included(f.path)]
    progress = progress_factory(len(files)) if progress_factory else None
    own = own_packages(root)
    cache = None
    if options.cache_dir:
        from .cache import ResultCache
        cache = ResultCache(Path(options.cache_dir), tables.fingerprint)
    try:
        keys = _file_keys(files, cache) if cache is not None else []
        root_id = str(root.resolve())
        scan_key = None  # `check` (only_files) never reads or stores whole scans
        if cache is not None and only_files is None:
            scan_key = _scan_key(cache, files, keys, skipped, options, backend_ids, with_effort, own)
        stored = cache.get_scan(root_id, scan_key) if scan_key else None
        if isinstance(stored, tuple) and len(stored) == 8:
            findings, kernels, stats, skipped, suppressed, effort, baselined, problems = stored
            if progress:
                progress(len(files))
        else:
            discovered_skips = skipped
            reports, final_keys = _scan_with_cache(files, options, tables, progress, cache, keys,
                                                   use_limited=only_files is None)
            findings, kernels, stats, skipped, suppressed, effort, baselined, problems = _aggregate(
                reports, skipped, options, tables, backend_ids, own, with_effort)
            if scan_key and final_keys != keys:  # a file changed during the scan: key what was scanned
                scan_key = _scan_key(cache, files, final_keys, discovered_skips, options, backend_ids, with_effort,
                                     own)
            if scan_key and len(findings) <= WHOLE_SCAN_MAX_FINDINGS:
                cache.put_scan(root_id, scan_key, (findings, kernels, stats, skipped, suppressed, effort, baselined,
                                                  problems))
    finally:
        if cache is not None:
            cache.close()
    backends_meta = tuple(tables.backend(b).meta() for b in backend_ids)
    metadata = {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "portcheck", "version": __version__},
        "tables_version": tables.fingerprint,
        "scan_date": _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat(),
        "root": root.name or str(root),
        "options": options.public(),
        "files_discovered": len(files),
        "baselined": baselined,
        "own_packages": sorted(own),
        "duration_s": round(time.monotonic() - started, 3),
    }
    return ScanResult(str(root), findings, kernels, stats, skipped, suppressed, backends_meta, effort, metadata,
                      suppression_problems=problems)


def _aggregate(reports: list[FileReport], skipped: list[SkippedFile], options: ScanOptions, tables: Tables,
               backend_ids: tuple[str, ...], own: set[str], with_effort: bool) -> tuple:
    """Per-file reports -> sorted findings (matched, baseline-filtered), kernels, stats, skips, suppressions,
    effort."""
    findings: list[Finding] = []
    kernels = []
    stats: list[FileStat] = []
    suppressed: list[Suppression] = []
    problems: list = []  # suppression comments that silence nothing or name something unknown
    markers: list[ApiUse] = []
    skipped = list(skipped)
    ignore_rules = _per_file_rules(options.per_file_ignores)
    for rep in reports:
        uses, extra_suppressed = _apply_per_file_ignores(rep.uses, ignore_rules)
        if own:  # scanning apex itself: its own `import apex.x` is not a dependency on apex
            uses = tuple(u for u in uses if not (u.family.startswith("python-package.")
                                                  and u.symbol.split(".")[0] in own))
        if extra_suppressed:
            rep = dataclasses.replace(rep, suppressed=rep.suppressed + tuple(extra_suppressed))
        found = match(uses, tables, backend_ids)
        findings.extend(found)
        kernels.extend(rep.kernels)
        markers.extend(rep.markers)
        suppressed.extend(rep.suppressed)
        problems.extend(rep.problems)
        if rep.skipped is not None:
            skipped.append(rep.skipped)
        stats.append(FileStat(rep.path, rep.language, rep.lines, rep.size, len(found), len(rep.suppressed), rep.note))
    findings.sort(key=_sort_key)
    baselined = 0
    if options.baseline:
        from .baseline import filter_new, load_baseline
        findings, baselined = filter_new(findings, load_baseline(Path(options.baseline)))
    # A suppressed kernel definition (inline, block or per-file-ignores) takes its kernel out of the estimate.
    silenced_defs = {(s.path, s.line) for s in suppressed if s.symbol == "__global__"}
    kernels = [k for k in kernels if (k.path, k.line) not in silenced_defs]
    kernels.sort(key=lambda k: (k.path, k.line, k.name))
    skipped.sort(key=lambda s: (s.path, s.reason))
    suppressed.sort(key=lambda s: (s.path, s.line, s.symbol))
    effort: dict[str, Any] = {}
    if with_effort:
        from .effort import estimate_effort  # imported here: `check` does not need it
        effort = estimate_effort(findings, kernels, tables, backend_ids, options.effort_overrides, markers=markers)
    return (tuple(findings), tuple(kernels), tuple(stats), tuple(skipped), tuple(suppressed), effort, baselined,
            tuple(problems))


def own_packages(root: Path) -> set[str]:
    """Top-level Python packages the scanned project defines itself (at its root or under src/)."""
    names: set[str] = set()
    for base in (root, root / "src"):
        try:
            for d in base.iterdir():
                if d.is_dir() and not d.is_symlink() and (d / "__init__.py").is_file():
                    names.add(d.name)
        except OSError:
            continue
    return names


def _explicit_files(root: Path, paths: list[str]) -> tuple[list[SourceFile], list[SkippedFile]]:
    """SourceFiles for `portcheck check FILE...` (pre-commit passes paths relative to the repo root)."""
    from .discover import classify

    files: list[SourceFile] = []
    skipped: list[SkippedFile] = []
    for p in paths:
        path = Path(p)
        abspath = path if path.is_absolute() else root / path
        try:
            rel = abspath.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            rel = path.as_posix()
        cls = classify(path.name)
        if cls is None:
            continue
        try:
            size = abspath.stat().st_size
        except OSError as exc:
            skipped.append(SkippedFile(rel, f"cannot read: {exc.strerror or exc}"))
            continue
        files.append(SourceFile(rel, str(abspath), cls[0], cls[1], size))
    return files, skipped


def _per_file_rules(pfi: dict[str, list[str]]):
    return [(gitignore_matcher([pat]), names) for pat, names in sorted(pfi.items())]


def _apply_per_file_ignores(uses: tuple[ApiUse, ...], rules) -> tuple[tuple[ApiUse, ...], list[Suppression]]:
    """Config-level ignores (per-file-ignores): same matching as inline suppressions."""
    if not rules or not uses:
        return uses, []
    from .suppress import _matches
    kept: list[ApiUse] = []
    silenced: list[Suppression] = []
    for use in uses:
        hit = False
        for matches_path, names in rules:
            if matches_path(use.path) and (not names or "*" in names or any(_matches(n, use) for n in names)):
                hit = True
                break
        if hit:
            silenced.append(Suppression(use.path, use.line, use.symbol, "per-file-ignores in configuration"))
        else:
            kept.append(use)
    return tuple(kept), silenced
