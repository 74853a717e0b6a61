"""Command line: scan, check, explain, mappings, render, baseline."""
from __future__ import annotations

import os
import signal
import sys

EXIT_INTERRUPTED = 130  # 128 + SIGINT


def _interrupted_now(_signum=None, _frame=None) -> None:
    """Ctrl-C while nothing needs cleaning up (starting, parsing options, finishing): one line, exit 130 at once."""
    os.write(2, b"portcheck: interrupted\n")
    os._exit(EXIT_INTERRUPTED)


# Run as the `portcheck` program, a Ctrl-C during the imports below (about 0.3 s) ends it with one line, not a
# traceback (portcheck/__init__.py installs the same handler even earlier). Imported as a library (tests,
# CliRunner), nothing is installed here.
if os.path.basename(sys.argv[0] if sys.argv else "") == "portcheck":
    signal.signal(signal.SIGINT, _interrupted_now)

from pathlib import Path  # noqa: E402

import click  # noqa: E402

from . import __version__  # noqa: E402

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
FORMATS = ("json", "html", "md", "sarif", "csv")


def _fail(msg: str) -> None:
    click.echo(f"portcheck: error: {msg}", err=True)
    sys.exit(EXIT_ERROR)


def _width() -> int | None:
    """None (rich asks the terminal, or honours COLUMNS) on a terminal or when COLUMNS is set; 140 when piped."""
    if _stdout().isatty() or os.environ.get("COLUMNS", "").strip().isdigit():
        return None
    return 140


def _console(color: str, quiet: bool = False, stderr: bool = False):
    from rich.console import Console

    from .reporters import GuardedStream

    no_color = color == "never" or (color == "auto" and bool(os.environ.get("NO_COLOR")))
    force = True if color == "always" else None
    stream = GuardedStream(sys.stderr, "standard error") if stderr else GuardedStream(_stdout(), "standard output")
    console = Console(file=stream, no_color=no_color, force_terminal=force, quiet=quiet,
                      highlight=False, soft_wrap=False, width=_width())
    console.on_broken_pipe = _broken_pipe  # rich's own handler exits 1 (portcheck's "findings" code)
    return console


def _broken_pipe() -> None:
    import errno

    raise BrokenPipeError(errno.EPIPE, os.strerror(errno.EPIPE))


def _stdout():
    """sys.stdout, or an OutputError when the process was started with it closed."""
    if sys.stdout is None:
        from .reporters import OutputError
        raise OutputError("cannot write to standard output: it is closed")
    return sys.stdout


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "portcheck"


def _parse_formats(value: str) -> list[str]:
    fmts = [f.strip().lower() for f in value.split(",") if f.strip()]
    for f in fmts:
        if f not in FORMATS:
            raise click.BadParameter(f"unknown format '{f}' (choose from {', '.join(FORMATS)})")
    return fmts


EXIT_TERMINATED, EXIT_BROKEN_PIPE = 143, 141  # 128 + SIGTERM, 128 + SIGPIPE: what a shell shows for them


class _Main(click.Group):
    """The command group, plus what every command shares: output failures are one line (exit 2), a reader that
    leaves a pipe early ends the command quietly (exit 141, as `yes | head` does: a failure, never a pass), and
    SIGTERM ends a scan like Ctrl-C does (pool workers killed, no half-written report), exit 143."""

    def main(self, *args, **kwargs):
        """Ctrl-C outside a command's work (option parsing, exit) ends the program at once (one line, exit 130);
        inside it, KeyboardInterrupt lets the command stop its pool and remove unfinished files (see invoke)."""
        previous = signal.signal(signal.SIGINT, _interrupted_now) if _main_thread() else None
        try:
            return super().main(*args, **kwargs)
        finally:
            if previous is not None:
                signal.signal(signal.SIGINT, previous)

    def invoke(self, ctx):
        from .reporters import OutputError, quiet_stdout

        def on_term(_signum, _frame):  # unwinds like Ctrl-C (pool killed, unfinished report removed), then leaves
            raise SystemExit(EXIT_TERMINATED)

        previous = signal.signal(signal.SIGTERM, on_term) if _main_thread() else None
        quick = signal.signal(signal.SIGINT, signal.default_int_handler) if _main_thread() else None
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:  # a command without its own handler (check, explain, baseline, ...): one line
            _exit_interrupted("portcheck: interrupted")
        except OutputError as exc:
            if "standard output" in str(exc):
                quiet_stdout()
            _fail(str(exc))
        except BrokenPipeError:
            quiet_stdout()
            sys.exit(EXIT_BROKEN_PIPE)
        except SystemExit as exc:
            if exc.code == EXIT_TERMINATED:  # SIGTERM: after the cleanup, leave as Ctrl-C does (never hang at exit)
                _exit_interrupted("portcheck: terminated; no report written", EXIT_TERMINATED)
            raise
        finally:
            if previous is not None:
                signal.signal(signal.SIGTERM, previous)
            if quick is not None:
                signal.signal(signal.SIGINT, quick)


def _exit_interrupted(message: str, code: int | None = None) -> None:
    """After Ctrl-C has done its cleanup (pool workers killed, unfinished report removed, cache closed): one line and
    exit 130 now. Not sys.exit: at interpreter exit concurrent.futures joins the pool's manager thread, which waits
    forever on a result a killed worker left half-written (the hang of issue 16: 5 of 10 interrupted vllm scans)."""
    click.echo(message, err=True)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError, AttributeError):
            pass
    os._exit(EXIT_INTERRUPTED if code is None else code)


def _main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="portcheck")
def main() -> None:
    """What it takes to port a PyTorch + CUDA code base to Ascend CANN, Moore Threads MUSA and Cambricon NeuWare."""


FAIL_ON_HELP = ("Exit 1 when a finding has this status or a worse one (rename < adapt < partial < missing < unknown); "
                "'missing,unknown' lists exact statuses; 'cann=partial' sets one backend; 'none': never. Repeatable.")


def _fail_on_option(ctx, param, value: tuple[str, ...]) -> tuple[str, ...]:
    from .policy import PolicyError, parse_cli

    try:
        parse_cli(value)
    except PolicyError as exc:
        raise click.BadParameter(str(exc)) from None
    return value


def _cli_policy(values: tuple[str, ...], backend_ids: list[str], default: dict[str, list[str]]) -> dict[str, list[str]]:
    """--fail-on values over a default policy: a value for all backends replaces it; per-backend values override
    one backend each and leave the others to the default's "*"."""
    from .policy import PolicyError, parse_cli

    try:
        given = parse_cli(values, backend_ids)
    except PolicyError as exc:
        _fail(f"--fail-on {exc}")
    if "*" in given:
        return given
    return {"*": list(default.get("*", [])), **given}


TARGET_HELP = ("Hardware target BACKEND:CHIP, e.g. cann:950 or musa:s5000 (cann: 910b, 910c, 950; musa: s80, s3000, "
               "s4000, s5000; neuware: mlu370, mlu590); repeatable. Default: each backend's mainstream part.")


def _targets(cfg, values: tuple[str, ...], tables) -> dict[str, str]:
    """Hardware targets from the configuration, overridden per backend by --target; TableError when unknown."""
    from .config import check_targets, parse_targets

    check_targets(cfg, tables)
    try:
        given = parse_targets(values)
    except ValueError as exc:
        _fail(f"--target {exc}")
    for b, t in given.items():
        tables.backend(b).resolve_target(t)
    return {**cfg.targets, **given}


def _load_cfg(root: Path, config_path: str | None):
    from .config import find_config, load_config

    return load_config(Path(config_path) if config_path else find_config(root))


@main.command()
@click.argument("path", type=click.Path(exists=True, file_okay=True, dir_okay=True, path_type=Path))
@click.option("--backend", "-b", "backends", multiple=True, help="Backend id (cann, musa, neuware); repeatable. Default: all.")
@click.option("--target", "-t", "target", multiple=True, metavar="BACKEND:CHIP", help=TARGET_HELP)
@click.option("--format", "-f", "formats", default="", help="Report format(s), comma-separated: json,html,md,sarif,csv.")
@click.option("--output", "-o", default=None, help="Output file for a single format ('-' for stdout).")
@click.option("--output-dir", default=None, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for several formats (portcheck-report.<ext>).")
@click.option("--exclude", "-e", "excludes", multiple=True, help="Gitignore-style pattern to skip; repeatable.")
@click.option("--jobs", "-j", type=int, default=None, help="Worker processes (default: all cores).")
@click.option("--no-cache", is_flag=True, help="Do not read or write the result cache.")
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Cache folder (default: ~/.cache/portcheck).")
@click.option("--no-gitignore", is_flag=True, help="Scan files that .gitignore excludes.")
@click.option("--no-default-excludes", is_flag=True, help="Also scan build trees, venvs and third_party folders.")
@click.option("--max-file-size", type=int, default=None, help="Skip files larger than this many MB (default 20).")
@click.option("--parse-timeout", type=float, default=30.0, show_default=True,
              help="Seconds one file may take in one scanner (0: no limit).")
@click.option("--mappings", "extra_mappings", multiple=True, type=click.Path(exists=True, file_okay=False),
              help="Extra mapping folder merged over the built-in tables; repeatable.")
@click.option("--baseline", type=click.Path(dir_okay=False), default=None, help="Report only findings not in this baseline.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), default=None, help="Configuration file.")
@click.option("--fail-on", "fail_on", multiple=True, callback=_fail_on_option, metavar="STATUS", help=FAIL_ON_HELP)
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when --fail-on finds something (report only).")
@click.option("--select", "select", multiple=True, metavar="NAMES",
              help="Report only these statuses, families or symbols (comma-separated; repeatable).")
@click.option("--ignore", "ignore", multiple=True, metavar="NAMES",
              help="Leave out these statuses, families or symbols (comma-separated; repeatable).")
@click.option("--min-status", type=click.Choice(["rename", "adapt", "partial", "missing", "unknown"]), default=None,
              help="Leave out verdicts below this status (e.g. 'adapt' drops renames from every report).")
@click.option("--project-root", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="Folder that report paths in SARIF are relative to (default: the git work tree's top level).")
@click.option("--statistics", is_flag=True, help="Print finding counts per family and status instead of the summary.")
@click.option("--quiet", "-q", is_flag=True, help="No terminal summary.")
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True)
def scan(path: Path, backends: tuple[str, ...], target: tuple[str, ...], formats: str, output: str | None, output_dir: Path | None,
         excludes: tuple[str, ...], jobs: int | None, no_cache: bool, cache_dir: Path | None, no_gitignore: bool,
         no_default_excludes: bool, max_file_size: int | None, parse_timeout: float,
         extra_mappings: tuple[str, ...], baseline: str | None,
         config_path: str | None, fail_on: tuple[str, ...], exit_zero: bool, select: tuple[str, ...],
         ignore: tuple[str, ...], min_status: str | None, project_root: Path | None, statistics: bool, quiet: bool,
         color: str) -> None:
    """Scan PATH and report every CUDA tie, its verdict per backend, and the porting effort.

    One format without --output or --output-dir is written to standard output (the summary then goes to stderr)."""
    from .document import build_document
    from .engine import ScanOptions, run_scan
    from .reporters import EXTENSIONS, get_chunked_reporter, write_output
    from .tables import TableError, load_tables

    fmts = _parse_formats(formats) if formats else []
    if output and len(fmts) > 1:
        _fail("--output takes one format; use --output-dir for several")
    if output and not fmts:
        fmts = ["json"]
    if len(fmts) == 1 and not output and not output_dir:
        output = "-"  # like ruff and bandit: one report with no file named goes to stdout
    if len(fmts) > 1 and not output_dir:
        _fail("several formats need --output-dir DIR")
    try:
        cfg = _load_cfg(path, config_path)
        cache_root = cache_dir or default_cache_dir()  # compiled tables are always cached; --no-cache skips results
        cache = None if no_cache else cache_root
        options = ScanOptions(
            backends=tuple(backends) or tuple(cfg.backends), excludes=tuple(cfg.exclude) + tuple(excludes),
            jobs=jobs if jobs is not None else (cfg.jobs or 0),
            use_gitignore=cfg.respect_gitignore and not no_gitignore,
            default_excludes=cfg.default_excludes and not no_default_excludes,
            max_file_size=(max_file_size or cfg.max_file_size or 20) * 1024 * 1024,
            extra_mappings=tuple(cfg.mappings) + tuple(str(Path(m).resolve()) for m in extra_mappings),
            cache_dir=str(cache) if cache else None, effort_overrides=cfg.effort, include=tuple(cfg.include),
            per_file_ignores=cfg.per_file_ignores, baseline=baseline or cfg.baseline, parse_timeout=parse_timeout)
        tables = load_tables([Path(p) for p in options.extra_mappings], cache_root)
        from .config import check_backends
        check_backends(cfg, [b.id for b in tables.backends])
        options.targets = _targets(cfg, target, tables)
        from .selection import SelectionError, apply, parse

        try:
            selection = parse(select, ignore, min_status, tables)
        except SelectionError as exc:
            _fail(str(exc))
        backend_ids = list(options.backends) or [b.id for b in tables.backends]
        policy = _cli_policy(fail_on, backend_ids, {"*": []}) if fail_on else {}
        console = None if quiet else _console(color, quiet, stderr=bool(output == "-"))  # rich: only when shown
        progress_factory = _progress_factory(console) if console is not None else None
        result = run_scan(path, options, tables, progress_factory=progress_factory)
        result, _ = apply(result, selection)
        doc = build_document(result, tables)
        doc["scan"]["path_prefix"] = _path_prefix(path, project_root)
        if result.suppression_problems:
            doc["suppression_problems"] = [{"path": p.path, "line": p.line, "column": p.column, "kind": p.kind,
                                            "message": p.message} for p in sorted(result.suppression_problems,
                                                         key=lambda p: (p.path, p.line, p.column, p.kind))]
        for line in _config_warnings(cfg, tables):
            click.echo(line, err=True)
    except TableError as exc:
        _fail(str(exc))
        return
    except KeyboardInterrupt:
        _exit_interrupted("portcheck: interrupted; no report written")
    try:
        for fmt in fmts:  # a report is written as it is rendered, never held whole (600k findings: ~0.6 GB)
            target = output if output else str(output_dir / f"portcheck-report{EXTENSIONS[fmt]}")
            write_output(get_chunked_reporter(fmt)(doc), target)
    except KeyboardInterrupt:
        _exit_interrupted("portcheck: interrupted while writing reports; an unfinished report is not left behind")
    if statistics:  # asked for: printed even with --quiet (on stderr when the report goes to stdout)
        from .reporters.terminal import statistics_lines
        for line in statistics_lines(doc):
            click.echo(line, err=output == "-")
    if console is not None:
        if not statistics:
            from .reporters.terminal import print_summary
            print_summary(doc, console)
        probs = doc.get("suppression_problems", [])
        for p in probs[:10]:
            console.print(f"{p['path']}:{p['line']}:{p['column']}: {p['message']} [{p['kind']}]", markup=False)
        if len(probs) > 10:
            console.print(f"... and {len(probs) - 10} more suppression problem(s): see the JSON report's "
                          "'suppression_problems'", markup=False)
        for fmt in fmts:
            if output != "-":
                target = output if output else str(output_dir / f"portcheck-report{EXTENSIONS[fmt]}")
                console.print(f"wrote {fmt} report: {target}")
    if policy:
        from .policy import describe, violations
        bad = sum(1 for _ in violations(result.findings, policy))
        if bad:
            click.echo(f"portcheck: {bad} finding(s) fail the policy (fail-on {describe(policy)})"
                       + ("; --exit-zero: exit 0" if exit_zero else ""), err=True)
            sys.exit(EXIT_OK if exit_zero else EXIT_FINDINGS)


def _path_prefix(path: Path, project_root: Path | None) -> str:
    """The scanned folder relative to the project root ('' when they are the same; POSIX, ending in '/'):
    SARIF paths must be relative to the repository for GitHub to find the file."""
    import subprocess

    folder = path.resolve()
    if folder.is_file():
        folder = folder.parent
    root = project_root.resolve() if project_root else None
    if root is None:
        try:
            top = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=folder, capture_output=True,
                                 text=True, timeout=10)
        except (OSError, subprocess.SubprocessError):
            top = None
        if top is None or top.returncode != 0 or not top.stdout.strip():
            return ""
        root = Path(top.stdout.strip()).resolve()
    try:
        rel = folder.relative_to(root).as_posix()
    except ValueError:
        _fail(f"--project-root {project_root}: the scanned folder {path} is not inside it")
    return "" if rel in ("", ".") else rel + "/"


def _progress_factory(console):
    """A rich progress bar for long scans on a terminal; nothing otherwise."""
    def factory(total: int):
        if total < 200 or not console.is_terminal:
            return None
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

        prog = Progress("scanning", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console,
                        transient=True)
        task = prog.add_task("scan", total=total)
        prog.start()
        done = [0]

        def advance(n: int) -> None:
            done[0] += n
            prog.update(task, advance=n)
            if done[0] >= total:
                prog.stop()
        return advance
    return factory


@main.command()
@click.argument("report", type=click.Path(exists=True, dir_okay=False))
@click.option("--format", "-f", "formats", required=True, help="Format(s): html,md,sarif,csv,json.")
@click.option("--output", "-o", default=None)
@click.option("--output-dir", default=None, type=click.Path(file_okay=False, path_type=Path))
def render(report: str, formats: str, output: str | None, output_dir: Path | None) -> None:
    """Re-render a saved JSON report in other formats (one format without -o or --output-dir: to stdout)."""
    import json

    from .model import SCHEMA_VERSION
    from .reporters import EXTENSIONS, get_chunked_reporter, write_output

    fmts = _parse_formats(formats)
    if output and len(fmts) > 1:
        _fail("--output takes one format; use --output-dir for several")
    if len(fmts) == 1 and not output and not output_dir:
        output = "-"  # as `scan` does: never a file the user did not name
    if len(fmts) > 1 and not output_dir:
        _fail("several formats need --output-dir DIR")
    try:
        doc = json.loads(Path(report).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        _fail(f"{report}: not a portcheck JSON report: {exc}")
        return
    if not isinstance(doc, dict) or str(doc.get("schema_version", "")).split(".")[0] != SCHEMA_VERSION.split(".")[0]:
        _fail(f"{report}: not a portcheck JSON report with schema_version {SCHEMA_VERSION}")
    for fmt in fmts:
        target = output or str((output_dir or Path(".")) / f"portcheck-report{EXTENSIONS[fmt]}")
        write_output(get_chunked_reporter(fmt)(doc), target)


@main.command()
@click.argument("symbol")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--target", "-t", "target", multiple=True, metavar="BACKEND:CHIP", help=TARGET_HELP)
@click.option("--mappings", "extra_mappings", multiple=True, type=click.Path(exists=True, file_okay=False))
def explain(symbol: str, fmt: str, target: tuple[str, ...], extra_mappings: tuple[str, ...]) -> None:
    """What a CUDA symbol becomes on each backend (for the selected hardware targets), why, and how it differs
    between a backend's chips."""
    from .config import Config
    from .explain import explain_symbol
    from .tables import TableError, load_tables

    try:
        tables = load_tables([Path(m) for m in extra_mappings], default_cache_dir())
        tables.select_targets(_targets(Config(), target, tables))
    except TableError as exc:
        _fail(str(exc))
        return
    sys.exit(explain_symbol(tables, symbol, fmt))


@main.command(name="mappings")
@click.option("--backend", "-b", "backends", multiple=True)
@click.option("--family", default=None, help="Family id (children included), e.g. cuda-runtime or torch.cuda.")
@click.option("--status", default=None, type=click.Choice(["rename", "adapt", "partial", "missing", "unknown"]))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "md"]), default="text", show_default=True)
@click.option("--output", "-o", default="-")
@click.option("--mappings", "extra_mappings", multiple=True, type=click.Path(exists=True, file_okay=False))
def mappings_cmd(backends: tuple[str, ...], family: str | None, status: str | None, fmt: str, output: str,
                 extra_mappings: tuple[str, ...]) -> None:
    """Browse the mapping tables (md writes supported-API documents)."""
    from .explain import browse
    from .reporters import write_output
    from .tables import TableError, load_tables

    try:
        tables = load_tables([Path(m) for m in extra_mappings], default_cache_dir())
        text = browse(tables, backends, family, status, fmt)
    except TableError as exc:
        _fail(str(exc))
        return
    write_output(text, output)


def _check_options(cfg, backends, extra_mappings, baseline, targets=None):
    from .engine import ScanOptions

    # jobs: the engine stays in-process below a few dozen files (the pre-commit case) and uses a pool for
    # `git ls-files | xargs portcheck check` in CI.
    return ScanOptions(backends=tuple(backends) or tuple(cfg.backends), jobs=cfg.jobs or 0,
                       extra_mappings=tuple(cfg.mappings) + tuple(str(Path(m).resolve()) for m in extra_mappings),
                       cache_dir=str(default_cache_dir()), per_file_ignores=cfg.per_file_ignores,
                       baseline=baseline or cfg.baseline, max_file_size=(cfg.max_file_size or 20) * 1024 * 1024,
                       include=tuple(cfg.include), targets=dict(targets if targets is not None else cfg.targets))


def _excluded_by_config(root: Path, files: tuple[str, ...], cfg) -> list[str]:
    """Drop the files `scan` would not scan (config excludes, default excludes), so check and scan agree."""
    from .discover import DEFAULT_EXCLUDES, gitignore_matcher

    excluded = gitignore_matcher((list(DEFAULT_EXCLUDES) if cfg.default_excludes else []) + list(cfg.exclude))
    kept = []
    for f in files:
        p = Path(f)
        try:
            rel = (p if p.is_absolute() else root / p).resolve().relative_to(root.resolve()).as_posix()
        except (ValueError, OSError):
            rel = p.as_posix()
        if not excluded(rel):
            kept.append(f)
    return kept


def _gh_escape(text: str, prop: bool = False) -> str:
    """Escape a GitHub workflow-command value (properties also escape ':' and ',')."""
    out = str(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return out.replace(":", "%3A").replace(",", "%2C") if prop else out


def _github_line(level: str, path: str, line: int, col: int, title: str, message: str) -> str:
    return (f"::{level} file={_gh_escape(path, True)},line={line},col={col},title={_gh_escape(title, True)}"
            f"::{_gh_escape(message)}")


def _expand_check_paths(root: Path, paths: tuple[str, ...], cfg) -> list[str]:
    """FILES as given; a folder becomes the files `scan` would read in it. A path that does not exist is an error."""
    from .discover import discover

    out: list[str] = []
    for p in paths:
        path = Path(p)
        full = path if path.is_absolute() else root / path
        if full.is_dir():
            found, _ = discover(full, tuple(cfg.exclude), cfg.default_excludes, cfg.respect_gitignore,
                                (cfg.max_file_size or 20) * 1024 * 1024)
            out.extend((path / f.path).as_posix() for f in found)
        elif full.exists():
            out.append(p)
        else:
            _fail(f"{p}: no such file or directory")
    return out


@main.command()
@click.argument("files", nargs=-1, type=click.Path())
@click.option("--backend", "-b", "backends", multiple=True, help="Backend id; repeatable. Default: config or all.")
@click.option("--target", "-t", "target", multiple=True, metavar="BACKEND:CHIP", help=TARGET_HELP)
@click.option("--fail-on", "fail_on", multiple=True, callback=_fail_on_option, metavar="STATUS",
              help=FAIL_ON_HELP + " Replaces the configuration's policy (per-backend values override one backend).")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when findings break the policy.")
@click.option("--output-format", "output_format", type=click.Choice(["text", "github"]), default="text",
              show_default=True, help="github: workflow-command annotations (::error file=...,line=...::).")
@click.option("--quiet", "-q", is_flag=True, help="Print the findings only: no summary line, no notes.")
@click.option("--baseline", type=click.Path(dir_okay=False), default=None, help="Ignore findings in this baseline.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), default=None)
@click.option("--mappings", "extra_mappings", multiple=True, type=click.Path(exists=True, file_okay=False))
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto")
def check(files: tuple[str, ...], backends: tuple[str, ...], target: tuple[str, ...], fail_on: tuple[str, ...], exit_zero: bool,
          output_format: str, quiet: bool, baseline: str | None, config_path: str | None,
          extra_mappings: tuple[str, ...], color: str) -> None:
    """Pre-commit / CI gate: fail when FILES (or the files in a folder) add CUDA ties the policy forbids (exit 1),
    else exit 0. A file that does not exist is an error (exit 2)."""
    import gc

    gc.disable()  # a short process over a few files: collection passes over the tables would only cost time
    from .engine import run_scan
    from .policy import describe, violations
    from .tables import TableError, load_tables

    from .config import check_backends

    root = Path.cwd()
    try:
        cfg = _load_cfg(root, config_path)
        paths = _expand_check_paths(root, files, cfg)
        options = _check_options(cfg, backends, extra_mappings, baseline)
        tables = load_tables([Path(p) for p in options.extra_mappings], default_cache_dir())
        check_backends(cfg, [b.id for b in tables.backends])
        options.targets = _targets(cfg, target, tables)
        backend_ids = list(options.backends) or [b.id for b in tables.backends]
        policy = _cli_policy(fail_on, backend_ids, cfg.fail_on) if fail_on else \
            cfg.fail_on or {"*": ["missing", "unknown"]}
        result = run_scan(root, options, tables, only_files=_excluded_by_config(root, tuple(paths), cfg),
                          with_effort=False)
    except TableError as exc:
        _fail(str(exc))
        return
    github = output_format == "github"
    use_color = not github and (color == "always" or (color == "auto" and _stdout().isatty()
                                                      and not os.environ.get("NO_COLOR")))
    bad = 0
    for f, hits in violations(result.findings, policy):
        bad += 1
        u = f.use
        msg = f"{u.symbol} ({u.family}) ties this code to CUDA"
        if github:
            click.echo(_github_line("error", u.path, u.line, u.column, f"portcheck: {u.symbol}",
                                    f"{msg} [{'; '.join(hits)}]"))
            continue
        loc = f"{u.path}:{u.line}:{u.column}:"
        if use_color:
            loc = click.style(loc, bold=True)
        click.echo(f"{loc} {msg} [{'; '.join(hits)}]")
    for s in result.skipped if not quiet else ():
        what = "partly scanned" if s.partial else "skipped"
        if github:
            click.echo(_github_line("warning", s.path, 1, 1, f"portcheck: {what}", f"{what}: {s.reason}"))
        else:
            click.echo(f"{s.path}: note: {what}: {s.reason}", err=True)
    problems = sorted(result.suppression_problems, key=lambda p: (p.path, p.line, p.column, p.kind))
    for p in problems:  # like ruff's RUF100: a suppression that silences nothing fails the check too
        if github:
            click.echo(_github_line("warning", p.path, p.line, p.column, f"portcheck: {p.kind} suppression",
                                    p.message))
        else:
            click.echo(f"{p.path}:{p.line}:{p.column}: {p.message} [{p.kind}]")
    for line in _config_warnings(cfg, tables) if not quiet else ():
        click.echo(line, err=True)
    if not quiet and problems:
        click.echo(f"portcheck: {len(problems)} suppression comment(s) silence nothing or name something unknown; "
                   "remove or fix them", err=True)
    if bad:
        if not quiet:
            click.echo(f"portcheck: {bad} finding(s) violate the policy (fail-on {describe(policy)}); "
                       "suppress with '# portcheck: ignore[SYMBOL] -- reason' or record a baseline", err=True)
    if bad or problems:
        sys.exit(EXIT_OK if exit_zero else EXIT_FINDINGS)
    sys.exit(EXIT_OK)


def _config_warnings(cfg, tables) -> list[str]:
    """per-file-ignores names the tables do not know (a typo there would silence nothing, silently)."""
    from .suppress import known_name

    out = []
    for pat, names in cfg.per_file_ignores.items():
        for n in names:
            if n != "*" and not known_name(n, tables):
                out.append(f"portcheck: warning: {cfg.path}: per-file-ignores.\"{pat}\": '{n}' is no symbol or "
                           "family portcheck knows; it silences nothing")
    return out


@main.group()
def baseline() -> None:
    """Record today's findings so a CI gate fails only on new lock-in."""


@baseline.command(name="write")
@click.argument("path", type=click.Path(exists=True, path_type=Path), default=".")
@click.option("--output", "-o", default=None,
              help="Baseline file (default: the configuration's `baseline`, else portcheck-baseline.json).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), default=None)
@click.option("--exclude", "-e", "excludes", multiple=True)
def baseline_write(path: Path, output: str | None, config_path: str | None, excludes: tuple[str, ...]) -> None:
    """Scan PATH and write every finding to a baseline file."""
    import json

    from .baseline import baseline_document
    from .config import check_backends
    from .engine import ScanOptions, run_scan
    from .reporters import write_output
    from .tables import TableError, load_tables

    try:
        cfg = _load_cfg(path, config_path)
        # The same file set and options as `scan`, so `scan --baseline` finds every recorded finding again.
        options = ScanOptions(backends=tuple(cfg.backends), excludes=tuple(cfg.exclude) + tuple(excludes),
                              jobs=cfg.jobs or 0, use_gitignore=cfg.respect_gitignore,
                              default_excludes=cfg.default_excludes,
                              max_file_size=(cfg.max_file_size or 20) * 1024 * 1024,
                              extra_mappings=tuple(cfg.mappings), cache_dir=str(default_cache_dir()),
                              per_file_ignores=cfg.per_file_ignores, include=tuple(cfg.include))
        tables = load_tables([Path(p) for p in options.extra_mappings], default_cache_dir())
        check_backends(cfg, [b.id for b in tables.backends])
        result = run_scan(path, options, tables, with_effort=False)
    except TableError as exc:
        _fail(str(exc))
        return
    output = output or cfg.baseline or "portcheck-baseline.json"
    doc = baseline_document(result.findings)
    write_output(json.dumps(doc, indent=1, ensure_ascii=True) + "\n", output)
    click.echo(f"portcheck: wrote {doc['count']} finding(s) to {output}", err=True)


from .port.command import port_command  # noqa: E402 - `portcheck port` lives in its own package

main.add_command(port_command)
