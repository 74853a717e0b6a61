"""Render a port as a unified diff (`git apply`-able), write it in place (atomically), and summarise it."""
from __future__ import annotations

import difflib
import os
import re
import subprocess
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

from . import Change, PortResult, saved_hours

_LINE = re.compile(rb"[^\n]*\n|[^\n]+")


def _lines(data: bytes) -> list[str]:
    """Lines split at LF only (a CR stays in its line, so CRLF files diff and apply as CRLF)."""
    return [m.group().decode("utf-8", "surrogateescape") for m in _LINE.finditer(data)]


def _range(start: int, length: int) -> str:
    if length == 1:
        return f"{start + 1}"
    return f"{start + (1 if length else 0)},{length}"


def unified_diff(changes: list[Change], context: int = 3) -> str:
    """One `diff --git` section per changed file, paths a/ and b/ relative to the ported folder.

    Hunks come from SequenceMatcher without its junk heuristic (difflib.unified_diff uses it, and on long files
    it re-adds common lines such as `};` as removed and added: a correct but noisy patch)."""
    out: list[str] = []
    for c in changes:
        a, b = _lines(c.old), _lines(c.new)
        out.append(f"diff --git a/{c.path} b/{c.path}\n--- a/{c.path}\n+++ b/{c.path}\n")
        sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
        for group in sm.get_grouped_opcodes(context):
            i1, i2, j1, j2 = group[0][1], group[-1][2], group[0][3], group[-1][4]
            out.append(f"@@ -{_range(i1, i2 - i1)} +{_range(j1, j2 - j1)} @@\n")
            for tag, x1, x2, y1, y2 in group:
                if tag == "equal":
                    out.extend(_mark(" ", a[x1:x2]))
                    continue
                if tag in ("replace", "delete"):
                    out.extend(_mark("-", a[x1:x2]))
                if tag in ("replace", "insert"):
                    out.extend(_mark("+", b[y1:y2]))
    return "".join(out)


def _mark(prefix: str, lines: list[str]) -> list[str]:
    return [prefix + ln if ln.endswith("\n") else prefix + ln + "\n\\ No newline at end of file\n" for ln in lines]


def dirty_files(root: Path) -> list[str] | None:
    """Changed or untracked files under root in its git work tree; None when root is not in one."""
    try:
        top = subprocess.run(["git", "-C", str(root), "rev-parse", "--show-toplevel"], capture_output=True,
                             text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if top.returncode != 0:
        return None
    st = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--untracked-files=normal", "--", "."],
                        capture_output=True, text=True, timeout=120)
    return [line[3:] for line in st.stdout.splitlines() if line.strip()]


def write_changes(changes: list[Change]) -> list[tuple[str, str]]:
    """Write each changed file atomically (temp file in the same folder, same mode, os.replace).

    A file that changed on disk since it was read is not written; returns (path, reason) for those."""
    failed: list[tuple[str, str]] = []
    for c in changes:
        target = Path(c.abspath)
        try:
            if target.is_symlink():
                failed.append((c.path, "became a symbolic link: not written"))
                continue
            if target.read_bytes() != c.old:
                failed.append((c.path, "changed on disk since it was read: not written"))
                continue
            mode = target.stat().st_mode & 0o7777
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".portcheck-tmp", dir=str(target.parent))
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(c.new)
                    fh.flush()
                    os.fsync(fh.fileno())
                os.chmod(tmp, mode)
                os.replace(tmp, target)
            except BaseException:
                try:
                    os.unlink(tmp)
                except OSError:
                    pass
                raise
        except OSError as exc:
            failed.append((c.path, f"cannot write: {exc.strerror or exc}"))
    return failed


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def summary(res: PortResult, wrote: bool, max_left_per_file: int = 0) -> str:
    """What changed, what is left for a person (every non-rename finding, by file), and the hours saved."""
    b = res.backend
    chip = (b.get("target") or {}).get("name", "")
    lines = [f"portcheck port: {b.get('name', b.get('id'))} ({b.get('id')})" + (f", target {chip}" if chip else "")]
    n_edits = sum(sum(1 for e in c.edits if not e.via_import) for c in res.changes)
    lines.append(f"{'changed' if wrote else 'patch changes'} {_plural(len(res.changes), 'file')}, "
                 f"{_plural(n_edits, 'edit')}; {res.renames_done} of {res.renames_total} rename findings done "
                 f"({sum(res.same_name.values())} have no new name in the tables)"
                 + (f", {_plural(res.adapt_done, 'adapt finding')} renamed (vendor variable names: read the notes)"
                    if res.adapt_done else ""))
    for c in res.changes:
        kinds = Counter(f"{e.old} → {e.new}" if e.old else f"added {e.new}" for e in c.edits if not e.via_import)
        via = sum(1 for e in c.edits if e.via_import)
        top = ", ".join(f"{k}" + (f" ×{n}" if n > 1 else "") for k, n in kinds.most_common(4))
        more = f", … {len(kinds) - 4} more" if len(kinds) > 4 else ""
        lines.append(f"  {c.path}: {_plural(sum(kinds.values()), 'edit')}" + (f" ({top}{more})" if top else "")
                     + (f"; {via} through imports" if via else ""))
    if res.same_name:
        top = ", ".join(f"{s} ×{n}" for s, n in sorted(res.same_name.items(), key=lambda t: (-t[1], t[0]))[:8])
        lines.append(f"unchanged, no new name in the tables for {b.get('id')}: {sum(res.same_name.values())} rename "
                     f"findings ({top}"
                     + (", …" if len(res.same_name) > 8 else "") + ")")
    if res.not_parsed:
        lines.append("not parsed, left untouched:")
        lines.extend(f"  {p}: {why}" for p, why in res.not_parsed)
    if res.not_written:
        lines.append("not written:")
        lines.extend(f"  {p}: {why}" for p, why in res.not_written)
    if res.left:
        by_file: dict[str, list] = defaultdict(list)
        for f, why in res.left:
            by_file[f.use.path].append((f, why))
        lines.append(f"left for a person: {_plural(len(res.left), 'finding')} in {_plural(len(by_file), 'file')}")
        for path in sorted(by_file):
            items = by_file[path]
            lines.append(f"  {path}")
            shown = items if not max_left_per_file else items[:max_left_per_file]
            for f, why in shown:
                u = f.use
                lines.append(f"    {u.line}:{u.column} {u.symbol} [{u.kind}] {why}")
            if len(shown) < len(items):
                lines.append(f"    … {len(items) - len(shown)} more")
    saved, mech, needed = saved_hours(res)
    total = (res.effort or {}).get("hours", 0.0)
    lines.append(f"effort: the estimate's mechanical share on {b.get('id')} is {mech:g} h of {total:g} h; "
                 f"this patch makes {res.renames_done} of the {needed} renames that need a new name: saves about "
                 f"{saved:g} h")
    return "\n".join(lines) + "\n"
