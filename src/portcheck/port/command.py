"""The `portcheck port` command (registered in cli.py); heavy imports happen only when it runs."""
from __future__ import annotations

import sys
from pathlib import Path

import click


@click.command(name="port")
@click.argument("path", type=click.Path(exists=True, file_okay=False, dir_okay=True, path_type=Path))
@click.option("--backend", "-b", "backend", required=True, help="The one backend to port to (cann, musa, neuware).")
@click.option("--target", "-t", "target", multiple=True, metavar="BACKEND:CHIP",
              help="Hardware target whose verdicts decide (e.g. musa:s5000); see `portcheck scan --help`.")
@click.option("--diff", "mode", flag_value="diff", default=True, help="Print the patch as a unified diff (default).")
@click.option("--write", "mode", flag_value="write", help="Change the files in place (refused on a dirty git tree).")
@click.option("--output", "-o", default=None, help="Write the unified diff to this file ('-' for stdout).")
@click.option("--force", is_flag=True, help="With --write: write even when the git tree has uncommitted changes.")
@click.option("--exclude", "-e", "excludes", multiple=True, help="Gitignore-style pattern to skip; repeatable.")
@click.option("--jobs", "-j", type=int, default=None, help="Worker processes for the scan (default: all cores).")
@click.option("--mappings", "extra_mappings", multiple=True, type=click.Path(exists=True, file_okay=False),
              help="Extra mapping folder merged over the built-in tables; repeatable.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), default=None, help="Configuration file.")
@click.option("--quiet", "-q", is_flag=True, help="No summary.")
def port_command(path: Path, backend: str, target: tuple[str, ...], mode: str, output: str | None, force: bool, excludes: tuple[str, ...],
                 jobs: int | None, extra_mappings: tuple[str, ...], config_path: str | None, quiet: bool) -> None:
    """Make the mechanical part of a port (every `rename` with a target) as a patch; list what is left."""
    import dataclasses

    from ..cli import _fail, _load_cfg, _targets, default_cache_dir
    from ..engine import ScanOptions
    from ..tables import TableError, load_tables
    from . import port_tree
    from .patch import dirty_files, summary, unified_diff, write_changes

    not_git = False
    if mode == "write" and not force:
        dirty = dirty_files(path)
        not_git = dirty is None
        if dirty:
            _fail(f"{path}: the git tree has uncommitted changes ({len(dirty)} files, e.g. {dirty[0]}); commit "
                  "them first so the port is a reviewable change, or pass --force")
    try:
        cfg = _load_cfg(path, config_path)
        options = ScanOptions(
            backends=(backend,), excludes=tuple(cfg.exclude) + tuple(excludes),
            jobs=jobs if jobs is not None else (cfg.jobs or 0), use_gitignore=cfg.respect_gitignore,
            default_excludes=cfg.default_excludes, max_file_size=(cfg.max_file_size or 20) * 1024 * 1024,
            extra_mappings=tuple(cfg.mappings) + tuple(str(Path(m).resolve()) for m in extra_mappings),
            cache_dir=None, effort_overrides=cfg.effort, include=tuple(cfg.include),
            per_file_ignores=cfg.per_file_ignores, baseline=None)
        tables = load_tables([Path(p) for p in options.extra_mappings], default_cache_dir())
        options = dataclasses.replace(options, targets=_targets(cfg, target, tables))
        result = port_tree(path, backend, tables, options)
    except TableError as exc:
        _fail(str(exc))
        return
    diff = unified_diff(result.changes)  # undecodable bytes ride as lone surrogates: written back as they were
    to_stdout = output == "-" or (mode == "diff" and output is None)
    if to_stdout:
        sys.stdout.buffer.write(diff.encode("utf-8", "surrogateescape"))  # bytes: CRLF lines stay CRLF
        sys.stdout.flush()
    elif output:
        from ..reporters import OutputError, write_output

        try:  # the reports' writer: atomic for files, written through symlinks, into devices and FIFOs
            write_output(diff, output, errors="surrogateescape")
        except OutputError as exc:
            _fail(f"cannot write the patch: {exc}")
    if mode == "write":
        for p, why in write_changes(result.changes):
            result.not_written.append((p, why))
            result.changes = [c for c in result.changes if c.path != p]
    if not quiet:
        text = summary(result, wrote=mode == "write")
        if not_git and result.changes:
            text += f"note: {path} is not in a git work tree: nothing to review the changes against\n"
        click.echo(text, nl=False, err=to_stdout)
    sys.exit(0)

