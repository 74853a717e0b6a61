"""Find the files to scan: honour .gitignore and excludes, classify by language, never leave the root."""
from __future__ import annotations

import os
import re
import stat
from fnmatch import translate
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable

from .model import SkippedFile

# Directories nobody wants scanned by default: VCS, build trees, virtual environments, vendored code.
DEFAULT_EXCLUDES: tuple[str, ...] = (
    ".git/", ".hg/", ".svn/", "__pycache__/", ".tox/", ".nox/", ".eggs/", "*.egg-info/", ".mypy_cache/",
    ".pytest_cache/", ".ruff_cache/", "node_modules/", ".venv/", "venv/", "env/", ".env/", "site-packages/",
    "build/", "dist/", "_build/", "cmake-build-*/", "third_party/", "third-party/", "thirdparty/", "3rdparty/",
    "vendor/", "vendored/", "external/", "externals/", ".portcheck-cache/",
)

CPP_EXTS = frozenset({".cpp", ".cc", ".cxx", ".c", ".h", ".hpp", ".hh", ".hxx", ".inl", ".inc", ".ipp", ".tpp"})
CUDA_EXTS = frozenset({".cu", ".cuh"})


@dataclass(frozen=True, slots=True)
class SourceFile:
    path: str  # relative, POSIX
    abspath: str
    language: str  # python | cuda | cpp | cmake | build-python | requirements | toml
    scanners: tuple[str, ...]
    size: int


def classify(name: str) -> tuple[str, tuple[str, ...]] | None:
    """Language and scanner names for a file name, or None when portcheck does not read it."""
    lower = name.lower()
    suffix = os.path.splitext(lower)[1]
    if lower == "setup.py":
        return "build-python", ("python", "setup", "signals")
    if suffix in (".py", ".pyi"):
        return "python", ("python", "signals")
    if suffix in CUDA_EXTS:
        return "cuda", ("cuda", "signals")
    if suffix in CPP_EXTS:
        return "cpp", ("cuda", "signals")
    if lower == "cmakelists.txt" or suffix == ".cmake":
        return "cmake", ("cmake",)
    if lower == "pyproject.toml":
        return "toml", ("pyproject",)
    if (lower.startswith(("requirements", "constraints")) and suffix in (".txt", ".in")) or (
            suffix == ".txt" and "requirements" in lower):
        return "requirements", ("requirements",)
    return None


class _Ignore:
    """Stacked .gitignore specs: each applies to paths below its own folder."""

    def __init__(self, root: Path, excludes: Iterable[str], use_gitignore: bool) -> None:
        self.root = root
        self.use_gitignore = use_gitignore
        self.base = gitignore_matcher(list(excludes))  # pathspec only for patterns the fast matcher cannot take
        # (folder under the root, prefix, matcher) per .gitignore; a .gitignore above the root (when the root is
        # a sub-folder of a git work tree) has folder "" and the root's path from its own folder as prefix
        self.specs: list[tuple[str, str, Callable[[str], bool]]] = []
        self.tracked: tuple[frozenset[str], frozenset[str]] | None = None  # git's files, their folders

    def load_parents(self) -> None:
        """The .gitignore files between the top of the git work tree holding the root and the root itself."""
        if not self.use_gitignore:
            return
        here = Path(os.path.realpath(self.root))
        if (here / ".git").exists():
            return  # the root is the top of its work tree
        chain = []
        for folder in here.parents:
            chain.append(folder)
            if (folder / ".git").exists():
                break
        else:
            return  # not inside a git work tree: folders above the root are none of the project's business
        for folder in chain:
            self.load_dir("", str(folder), here.relative_to(folder).as_posix() + "/")

    def load_dir(self, rel_dir: str, abs_dir: str, prefix: str = "") -> None:
        if not self.use_gitignore:
            return
        gi = os.path.join(abs_dir, ".gitignore")
        try:
            with open(gi, encoding="utf-8", errors="replace") as fh:
                lines = fh.read().splitlines()
        except OSError:
            return
        fast = _fast_matcher([line.rstrip() for line in lines if line.strip() and not line.startswith("#")])
        if fast is not None:  # most .gitignore files: no pathspec import (~0.1 s)
            self.specs.append((rel_dir, prefix, fast))
            return
        import pathspec  # here, not at module level: it pulls in asyncio (~0.1 s)

        gitignore = pathspec.GitIgnoreSpec
        try:
            spec = gitignore.from_lines(lines)
        except Exception:  # an odd pattern must not stop the scan; the file's other patterns are lost
            ok = []
            for line in lines:
                try:
                    gitignore.from_lines([line])
                    ok.append(line)
                except Exception:
                    continue
            spec = gitignore.from_lines(ok)
        self.specs.append((rel_dir, prefix, spec.match_file))

    def ignored(self, rel: str, is_dir: bool) -> bool:
        probe = rel + "/" if is_dir else rel
        if self.base(probe):
            return True
        for d, prefix, matches in self.specs:
            if (matches(prefix + probe) if d == "" else probe.startswith(d + "/") and matches(probe[len(d) + 1:])):
                return not self.is_tracked(rel, is_dir)  # as in git: .gitignore never hides a tracked file
        return False

    def is_tracked(self, rel: str, is_dir: bool) -> bool:
        """Whether git tracks the file (or a file below the folder); asked only of .gitignore'd paths."""
        if self.tracked is None:
            self.tracked = _git_tracked(self.root)
        files, dirs = self.tracked
        return rel in (dirs if is_dir else files)


# A bracket class fnmatch and git read alike (`*.py[cod]`, `[0-9]`): no negation, escape, slash or edge dash.
_CLASS = re.compile(r"\[(?![-\]])[^\]\[!^\\/]*(?<!-)\]")


def _git_tracked(root: Path) -> tuple[frozenset[str], frozenset[str]]:
    """Files git tracks under `root` (relative, POSIX) and their folders; empty outside a git work tree or
    without git (then .gitignore applies to every file, as for an exported tree)."""
    import subprocess

    try:
        out = subprocess.run(["git", "-C", str(root), "ls-files", "-z", "--cached"], capture_output=True,
                             timeout=30, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return frozenset(), frozenset()
    files = frozenset(p.decode("utf-8", "surrogateescape") for p in out.split(b"\0") if p)
    dirs = {f.rsplit("/", 1)[0] for f in files if "/" in f}
    for d in list(dirs):
        while "/" in d:
            d = d.rsplit("/", 1)[0]
            dirs.add(d)
    return files, frozenset(dirs)


def _fast_pattern(p: str) -> tuple[tuple[str, ...], bool] | None:
    """(glob components, directory-only) of a pattern the fast matcher takes exactly, else None.

    One component (`build/`, `*.egg-info`) matches at any depth; several (`docs/_build`, `/dist`) match from the
    .gitignore's folder down, one component each. Left to pathspec: negation, escapes, odd bracket classes, `**`,
    leading blanks, `.`/`..` and empty components."""
    if not p or p[0] in "!#" or p[0].isspace() or "\\" in p or "**" in p or "[" in _CLASS.sub("", p):
        return None
    dir_only = p.endswith("/")
    body = p[:-1] if dir_only else p
    anchored = "/" in body
    comps = tuple((body[1:] if body.startswith("/") else body).split("/"))
    if any(c in ("", ".", "..") for c in comps):
        return None
    return (comps, dir_only) if anchored else ((comps[0],), dir_only)


def _fast_matcher(patterns: list[str]) -> Callable[[str], bool] | None:
    """gitignore's answer by fnmatch per path component, or None when a pattern needs pathspec."""
    parsed = [(_fast_pattern(p), "/" in p.rstrip("/")) for p in patterns]
    if any(fp is None for fp, _ in parsed):
        return None

    def one(globs: list[str]) -> Callable[[str], Any]:
        if not globs:
            return lambda _part: None
        return re.compile("|".join(f"(?:{translate(g)})" for g in globs)).match  # fnmatchcase, all at once

    floating = [fp for fp, anchored in parsed if not anchored]
    dirs = one([c[0] for (c, dir_only) in floating if dir_only])
    anys = one([c[0] for (c, dir_only) in floating if not dir_only])
    rooted = [(tuple(re.compile(translate(c)).match for c in comps), dir_only)
              for (comps, dir_only), anchored in parsed if anchored]

    def excluded(rel: str) -> bool:  # a trailing slash marks a directory, as for pathspec
        parts = rel.strip("/").split("/")
        last = len(parts) - 1 + rel.endswith("/")
        for i, part in enumerate(parts):
            if anys(part) or (i < last and dirs(part)):
                return True
        for globs, dir_only in rooted:  # the path, or a folder above it, is the pattern's path
            n = len(globs)
            if len(parts) >= n and (n <= last or not dir_only) and all(g(x) for g, x in zip(globs, parts)):
                return True
        return False
    return excluded


def gitignore_matcher(patterns: Iterable[str]) -> Callable[[str], bool]:
    """A test `rel_path -> matched?` with gitignore semantics (excludes, includes, per-file ignores).

    Plain patterns (`build/`, `*.egg-info/`, `docs/_build`: no negation, escape, bracket class or `**`) are
    matched per component with fnmatch, which for them is exactly gitignore's rule; only other patterns load
    pathspec, whose import (~0.1 s, it pulls in asyncio) `portcheck check` and warm scans cannot spare.
    """
    pats = [p.strip() for p in patterns if p.strip()]
    fast = _fast_matcher(pats)
    if fast is not None:
        return fast
    import pathspec

    return pathspec.GitIgnoreSpec.from_lines(pats).match_file


def discover(root: Path, excludes: Iterable[str] = (), use_default_excludes: bool = True,
             use_gitignore: bool = True, max_size: int = 20 * 1024 * 1024) -> tuple[list[SourceFile], list[SkippedFile]]:
    """Walk `root` and return the files to scan (sorted) and the ones skipped with a reason."""
    root = Path(root)
    real_root = os.path.realpath(root)
    pats = (list(DEFAULT_EXCLUDES) if use_default_excludes else []) + list(excludes)
    ign = _Ignore(root, pats, use_gitignore)
    ign.load_parents()
    files: list[SourceFile] = []
    skipped: list[SkippedFile] = []

    if root.is_file():
        cls = classify(root.name)
        if cls is None:
            return [], [SkippedFile(root.name, "not a source, CUDA or build file portcheck reads")]
        return [SourceFile(root.name, str(root), cls[0], cls[1], root.stat().st_size)], []

    seen_dirs: set[str] = {real_root}
    stack: list[tuple[str, str]] = [("", str(root))]
    while stack:
        rel_dir, abs_dir = stack.pop()
        ign.load_dir(rel_dir, abs_dir)
        try:
            entries = sorted(os.scandir(abs_dir), key=lambda e: e.name)
        except OSError as exc:
            skipped.append(SkippedFile(rel_dir or ".", f"cannot list directory: {exc.strerror or exc}"))
            continue
        for entry in entries:
            rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
            try:
                is_link = entry.is_symlink()
                if is_link:
                    target = os.path.realpath(entry.path)
                    if not (target == real_root or target.startswith(real_root + os.sep)):
                        if classify(entry.name) is not None or os.path.isdir(entry.path):
                            skipped.append(SkippedFile(rel, "symlink points outside the scan root; not followed"))
                        continue
                    try:
                        st = os.stat(entry.path)
                    except OSError:
                        if classify(entry.name) is not None:
                            skipped.append(SkippedFile(rel, "broken symlink"))
                        continue
                else:
                    st = entry.stat(follow_symlinks=False)
            except OSError as exc:
                skipped.append(SkippedFile(rel, f"cannot stat: {exc.strerror or exc}"))
                continue
            if stat.S_ISDIR(st.st_mode):
                if ign.ignored(rel, True):
                    continue
                real = os.path.realpath(entry.path)
                if real in seen_dirs:  # symlink loop or a second link to the same folder
                    if is_link:
                        skipped.append(SkippedFile(rel, "symlink to a folder already scanned (loop); not followed"))
                    continue
                seen_dirs.add(real)
                stack.append((rel, entry.path))
                continue
            if not stat.S_ISREG(st.st_mode):
                continue
            cls = classify(entry.name)
            if cls is None or ign.ignored(rel, False):
                continue
            if st.st_size > max_size:
                skipped.append(SkippedFile(rel, f"larger than the {max_size // (1024 * 1024)} MB limit "
                                                f"({st.st_size / 1e6:.1f} MB); raise --max-file-size to scan it"))
                continue
            files.append(SourceFile(rel, entry.path, cls[0], cls[1], st.st_size))
    files.sort(key=lambda f: f.path)
    skipped.sort(key=lambda s: s.path)
    return files, skipped
