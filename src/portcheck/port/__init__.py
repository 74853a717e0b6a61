"""`portcheck port`: the mechanical part of a port (every `rename` verdict with a target) as a reviewable patch.

The scan decides what is a tie and what each one becomes; this package only turns the scan's `rename` findings
into edits: Python through libcst (pyedit.py), C/C++/CUDA through the scanner's tree-sitter byte ranges
(cppedit.py). Build files are never edited: their findings are listed for a person. patch.py renders the unified
diff and writes files in place.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..model import ApiUse, Finding, ScanResult, Verdict


@dataclass(frozen=True)
class Edit:
    """One change the patch makes (or one use it makes right by changing an import)."""

    path: str
    line: int
    column: int
    symbol: str
    kind: str
    old: str
    new: str
    status: str = "rename"
    via_import: bool = False  # the use is right because its import was rewritten; the line itself is unchanged


EDITED_LANGUAGES = {"python": "python", "build-python": "python", "cuda": "cpp", "cpp": "cpp"}


@dataclass
class Change:
    """One file the patch changes."""

    path: str  # relative to the root, POSIX
    abspath: str
    old: bytes
    new: bytes
    edits: list[Edit]


@dataclass
class PortResult:
    root: str
    backend: dict[str, Any]
    changes: list[Change] = field(default_factory=list)
    left: list[tuple[Finding, str]] = field(default_factory=list)  # findings for a person, and why
    same_name: Counter = field(default_factory=Counter)  # rename findings whose name stays: symbol -> uses
    not_parsed: list[tuple[str, str]] = field(default_factory=list)  # (path, reason): left untouched
    not_written: list[tuple[str, str]] = field(default_factory=list)  # (path, reason): symlinks, outside root
    renames_total: int = 0  # rename findings in the scan
    renames_done: int = 0  # of those, made by the patch (edited, or right through a rewritten import)
    adapt_done: int = 0  # adapt findings the patch changed (vendor env var names)
    effort: dict[str, Any] = field(default_factory=dict)
    scan: ScanResult | None = None


def load_port_rules(tables=None) -> dict[str, dict[str, str]]:
    """mappings/port.yaml: backend id -> {plugin_import, ref}."""
    import yaml

    from ..tables import TableError, data_dir

    path = data_dir("mappings") / "port.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise TableError(f"{path}: cannot read: {exc}") from None
    out: dict[str, dict[str, str]] = {}
    for i, item in enumerate(data.get("backends") or []):
        if not isinstance(item, dict) or not item.get("id") or not item.get("ref"):
            raise TableError(f"{path}: backends[{i}]: needs 'id' and 'ref'")
        out[str(item["id"])] = {k: str(v) for k, v in item.items()}
    return out


def _inside(root: Path, path: Path) -> str:
    """'' when `path` is a regular file under root reached through no symlink; else why it is not written."""
    rel = path.relative_to(root)
    cur = root
    for part in rel.parts:
        cur = cur / part
        if cur.is_symlink():
            return "a symbolic link (the patch follows none)"
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        return "outside the ported folder"
    return ""


def port_tree(root: Path, backend_id: str, tables, options) -> PortResult:
    """Scan `root` for one backend and plan every mechanical edit; nothing is written here."""
    import dataclasses

    from ..engine import match, run_scan
    from .cppedit import rewrite_cpp
    from .pyedit import rewrite_python

    backend = tables.backend(backend_id)
    options = dataclasses.replace(options, backends=(backend_id,))
    scan = run_scan(root, options, tables)
    plugin = load_port_rules().get(backend_id, {}).get("plugin_import", "")
    res = PortResult(str(root), dict(scan.backends[0]) if scan.backends else backend.meta(), scan=scan)
    res.effort = scan.effort.get(backend_id, {})

    by_key: dict[tuple[str, int, int, str], Verdict] = {}
    by_file: dict[str, list[Finding]] = {}
    for f in scan.findings:
        v = f.verdict(backend_id)
        if v is None:
            continue
        u = f.use
        by_key[(u.path, u.line, u.column, u.symbol)] = v
        by_file.setdefault(u.path, []).append(f)

    def lookup(use: ApiUse) -> Verdict | None:
        return by_key.get((use.path, use.line, use.column, use.symbol))

    memo: dict[tuple[str, str, str], Verdict] = {}

    def table_lookup(symbol: str, kind: str, language: str) -> Verdict:
        key = (symbol, kind, language)
        if key not in memo:
            found = match([ApiUse("", 0, 0, 0, 0, language, kind, symbol)], tables, (backend_id,))
            memo[key] = found[0].verdict(backend_id) if found else Verdict("unknown")
        return memo[key]

    languages = {s.path: s.language for s in scan.files}
    root_path = Path(root)
    for path in sorted(by_file):
        findings = by_file[path]
        kind = EDITED_LANGUAGES.get(languages.get(path, ""))
        wanted = [f for f in findings if _editable(f.verdict(backend_id), f.use)]
        handled: set[tuple[int, int, str]] = set()
        not_done: dict[tuple[int, int, str], str] = {}
        file_error = ""
        if kind and wanted:
            abspath = root_path / path
            why = _inside(root_path, abspath)
            if why:
                res.not_written.append((path, why))
                file_error = why
            else:
                try:
                    data = abspath.read_bytes()
                except OSError as exc:
                    data, file_error = b"", f"cannot read: {exc.strerror or exc}"
                if not file_error:
                    try:
                        new, edits, handled, not_done, file_error = _rewrite(
                            kind, path, data, tables, plugin, lookup, table_lookup, rewrite_python, rewrite_cpp)
                    except Exception as exc:  # noqa: BLE001 - a rewriter bug costs one file (listed), not the port
                        new, edits, handled, not_done = None, [], set(), {}
                        file_error = f"portcheck could not rewrite it ({type(exc).__name__}: {exc}); please report"
                    if file_error:
                        res.not_parsed.append((path, file_error))
                    elif new is not None and new != data:
                        res.changes.append(Change(path, str(abspath), data, new, edits))
        for f in findings:
            v = f.verdict(backend_id)
            u = f.use
            key = (u.line, u.column, u.symbol)
            if v.status == "rename":
                res.renames_total += 1
                if key in handled:
                    res.renames_done += 1
                elif not v.target or v.target == u.symbol:
                    res.same_name[u.symbol] += 1
                elif file_error:
                    res.left.append((f, f"rename to {v.target} not made: {file_error}"))
                elif key in not_done:
                    res.left.append((f, f"rename to {v.target} not made: {not_done[key]}"))
                elif not kind:
                    res.left.append((f, f"rename to {v.target}: {languages.get(path, '')} files are not edited"))
                else:
                    res.left.append((f, f"rename to {v.target} not made"))
            elif key in handled:
                res.adapt_done += 1
            else:
                res.left.append((f, v.status + (f" → {v.target}" if v.target else "") + (f": {v.note}" if v.note
                                                                                            else "")))
    res.changes.sort(key=lambda c: c.path)
    return res


def _editable(v: Verdict | None, use: ApiUse) -> bool:
    if v is None:
        return False
    return (v.status == "rename" and bool(v.target) and v.target != use.symbol) or (
        use.kind == "env-var" and v.status == "adapt" and bool(v.target))


def _rewrite(kind, path, data, tables, plugin, lookup, table_lookup, rewrite_python, rewrite_cpp):
    """(new bytes or None, edits, handled keys, not-done reasons, error) for one file."""
    if kind == "cpp":
        r = rewrite_cpp(path, data, tables, lookup)
        return r.new_data, r.edits, r.handled, r.not_done, r.error
    bom = b"\xef\xbb\xbf" if data.startswith(b"\xef\xbb\xbf") else b""
    try:
        text = data[len(bom):].decode("utf-8")
    except UnicodeDecodeError:
        return None, [], set(), {}, "not UTF-8: left as it is"
    r = rewrite_python(path, text, tables, plugin, lookup, table_lookup)
    if r.error:
        return None, [], set(), {}, r.error
    new = None if r.new_text is None else bom + r.new_text.encode("utf-8", "surrogatepass")
    return new, r.edits, r.handled, r.not_done, ""


def saved_hours(res: PortResult) -> tuple[float, float, int]:
    """(hours the patch saves, the estimate's mechanical hours, rename findings that need an edit).

    The effort model prices renames as mechanical work (how, per use or per file, is its business); the patch
    saves that share in proportion to the renames needing an edit (a new name) that it makes."""
    mech = float((res.effort or {}).get("mechanical_hours", 0.0))
    needed = res.renames_total - sum(res.same_name.values())
    saved = mech * res.renames_done / needed if needed > 0 else 0.0
    return round(saved, 2), round(mech, 2), needed


__all__ = ["Change", "PortResult", "port_tree", "saved_hours", "load_port_rules"]
