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
from .suppress import split_suppressed
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

    def public(self) -> dict[str, Any]:
        """Options as recorded in reports (no machine-specific paths)."""
        return {"backends": list(self.backends), "excludes": list(self.excludes), "jobs": self.jobs,
                "use_gitignore": self.use_gitignore, "default_excludes": self.default_excludes,
                "max_file_size": self.max_file_size, "extra_mappings": list(self.extra_mappings),
                "include": list(self.include), "parse_timeout": self.parse_timeout, "baseline": Path(self.baseline).name if self.baseline else None}


# ------------------------------------------------------------------------------------------- per-file work
_TABLES: Tables | None = None
_TIMEOUT = 0.0


class ParseTimeout(BaseException):  # not Exception: scanners catch those, this must reach scan_file
    """A scanner took longer than the per-file limit."""


def _init_worker(extra: tuple[str, ...], cache_dir: str | None, timeout: float) -> None:
    global _TABLES, _TIMEOUT
    if _TABLES is None:  # spawned (not forked) workers load their own copy
        _TABLES = load_tables([Path(p) for p in extra], Path(cache_dir) if cache_dir else None)
    _TIMEOUT = timeout


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


def scan_file(src: SourceFile, tables: Tables, timeout: float = 0.0) -> FileReport:
    """Read, decode and scan one file; never raises."""
    try:
        with open(src.abspath, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        return FileReport(src.path, src.language, 0, src.size,
                          skipped=SkippedFile(src.path, f"cannot read: {exc.strerror or exc}"))
    size = len(data)
    bom = data[:4].startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf"))
    if not bom and b"\x00" in data[:8192]:
        return FileReport(src.path, src.language, 0, size,
                          skipped=SkippedFile(src.path, "binary file (NUL bytes) with a source extension"))
    wanted = [s for s in src.scanners if bom or PREFILTERS.get(s) is None or PREFILTERS[s].search(data)]
    lines = data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)
    if not wanted:
        return FileReport(src.path, src.language, lines, size)
    try:
        text, note = decode(data)
    except Undecodable as exc:
        return FileReport(src.path, src.language, lines, size, skipped=SkippedFile(src.path, str(exc)))
    uses: list[ApiUse] = []
    kernels = []
    partial: list[str] = []
    for name in wanted:
        try:
            out = _run_limited(get_scanner(name), (src.path, text, tables), timeout)
        except ParseTimeout:
            partial.append(f"{name} scanner: parse time limit ({timeout:g} s) exceeded; raise --parse-timeout")
            continue
        except RecursionError:
            partial.append(f"{name} scanner: nesting too deep")
            continue
        except Exception as exc:  # a scanner bug must not lose the rest of the scan
            partial.append(f"{name} scanner failed: {type(exc).__name__}: {exc}")
            continue
        uses.extend(out.uses)
        kernels.extend(out.kernels)
        if out.partial:
            partial.append(out.partial)
    if note.startswith("invalid"):
        partial.append(note)
    uses = [u if u.family == (fam := family_for(u, tables)) else dataclasses.replace(u, family=fam) for u in uses]
    kept, silenced = split_suppressed(uses)
    skipped = SkippedFile(src.path, "; ".join(partial), partial=True) if partial else None
    return FileReport(src.path, src.language, lines, size, tuple(kept), tuple(kernels), skipped,
                      tuple(silenced), note)


def _scan_in_worker(src: SourceFile) -> FileReport:
    assert _TABLES is not None
    return scan_file(src, _TABLES, _TIMEOUT)


def scan_files(files: list[SourceFile], options: ScanOptions, tables: Tables,
               progress: Callable[[int], None] | None = None) -> Iterator[FileReport]:
    """Scan files, in a process pool when there are enough of them; yields in input order."""
    jobs = options.jobs or os.cpu_count() or 1
    if jobs <= 1 or len(files) < IN_PROCESS_BELOW or sum(f.size for f in files) < IN_PROCESS_BYTES:
        for src in files:
            yield scan_file(src, tables, options.parse_timeout)
            if progress:
                progress(1)
        return
    chunk = max(1, min(64, len(files) // (jobs * 8) or 1))
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor  # not on the `check` path

    global _TABLES, _TIMEOUT
    ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else None
    if ctx is not None:  # forked workers inherit the loaded tables instead of loading them again
        _TABLES, _TIMEOUT = tables, options.parse_timeout
    with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_init_worker,
                             initargs=(options.extra_mappings, options.cache_dir, options.parse_timeout)) as pool:
        for rep in pool.map(_scan_in_worker, files, chunksize=chunk):
            yield rep
            if progress:
                progress(1)


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


def _scan_with_cache(files: list[SourceFile], options: ScanOptions, tables: Tables,
                     progress: Callable[[int], None] | None, cache, keys: list[str | None]) -> list[FileReport]:
    """Serve unchanged files from the result cache; scan the rest; store what was scanned."""
    if cache is None:
        return list(scan_files(files, options, tables, progress))
    hits = cache.get_many([k for k in keys if k])
    todo = [(i, src) for i, (src, k) in enumerate(zip(files, keys)) if not k or k not in hits]
    if progress and len(files) - len(todo):
        progress(len(files) - len(todo))
    fresh = list(scan_files([src for _, src in todo], options, tables, progress))
    reports: list[FileReport | None] = [hits.get(k) if k else None for k in keys]
    for (i, _), rep in zip(todo, fresh):
        reports[i] = rep
    cache.put_many((keys[i], rep) for (i, _), rep in zip(todo, fresh) if keys[i])
    return [r for r in reports if r is not None]


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
                "overrides": options.effort_overrides, "ignores": options.per_file_ignores}
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
    """Scan a tree (or only the given files under it) and return the immutable result."""
    started = time.monotonic()
    if tables is None:
        tables = load_tables([Path(p) for p in options.extra_mappings],
                             Path(options.cache_dir) if options.cache_dir else None)
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
        if isinstance(stored, tuple) and len(stored) == 7:
            findings, kernels, stats, skipped, suppressed, effort, baselined = stored
            if progress:
                progress(len(files))
        else:
            reports = _scan_with_cache(files, options, tables, progress, cache, keys)
            findings, kernels, stats, skipped, suppressed, effort, baselined = _aggregate(
                reports, skipped, options, tables, backend_ids, own, with_effort)
            if scan_key and len(findings) <= WHOLE_SCAN_MAX_FINDINGS:
                cache.put_scan(root_id, scan_key, (findings, kernels, stats, skipped, suppressed, effort, baselined))
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
    return ScanResult(str(root), findings, kernels, stats, skipped, suppressed, backends_meta, effort, metadata)


def _aggregate(reports: list[FileReport], skipped: list[SkippedFile], options: ScanOptions, tables: Tables,
               backend_ids: tuple[str, ...], own: set[str], with_effort: bool) -> tuple:
    """Per-file reports -> sorted findings (matched, baseline-filtered), kernels, stats, skips, suppressions,
    effort."""
    findings: list[Finding] = []
    kernels = []
    stats: list[FileStat] = []
    suppressed: list[Suppression] = []
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
        suppressed.extend(rep.suppressed)
        if rep.skipped is not None:
            skipped.append(rep.skipped)
        stats.append(FileStat(rep.path, rep.language, rep.lines, rep.size, len(found), len(rep.suppressed), rep.note))
    findings.sort(key=_sort_key)
    baselined = 0
    if options.baseline:
        from .baseline import filter_new, load_baseline
        findings, baselined = filter_new(findings, load_baseline(Path(options.baseline)))
    kernels.sort(key=lambda k: (k.path, k.line, k.name))
    skipped.sort(key=lambda s: (s.path, s.reason))
    suppressed.sort(key=lambda s: (s.path, s.line, s.symbol))
    effort: dict[str, Any] = {}
    if with_effort:
        from .effort import estimate_effort  # imported here: `check` does not need it
        effort = estimate_effort(findings, kernels, tables, backend_ids, options.effort_overrides)
    return (tuple(findings), tuple(kernels), tuple(stats), tuple(skipped), tuple(suppressed), effort, baselined)


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
