"""Inline suppressions: `# portcheck: ignore`, `// portcheck: ignore[cudaMalloc, nccl] -- reason`."""
from __future__ import annotations

import re
from dataclasses import dataclass

from .model import ApiUse, Suppression

# The one suppression grammar, for every language (docs/guard.md documents it):
#   <comment> portcheck: ignore[NAME, NAME*, ...] -- reason
# where <comment> is `#`, `//` or `/*` (then `*/` may close it), the [...] list is optional (no list: every
# finding on the line), and the reason after `--` is optional. The comment must end the line; another comment
# may follow it (`# portcheck: ignore  # noqa: E501`).
SUPPRESS_RE = re.compile(
    r"(?:#|//|/\*)\s*portcheck:\s*ignore(?:\[(?P<names>[^\]]*)\])?"
    r"(?:\s*--\s*(?P<reason>.*?))?\s*(?:\*/)?\s*(?:(?<=\s)(?:#\s|//).*)?$")


def matches(token: str, use: ApiUse) -> bool:
    """Does a suppression or per-file-ignores name cover this use?

    A name covers a use when it is the symbol (`cudaMalloc`, `torch.cuda.synchronize`, `device:cuda` or just
    `cuda`), a dotted or `::` parent of it (`torch.cuda`, `at::cuda`), the use's family or a parent family
    (`nccl`, `cuda-runtime`), or ends in `*` and prefixes the symbol (`cudaMalloc*`; `*` alone: everything).
    `cudaMalloc` alone does not cover `cudaMallocHost`: a suppression should not silence more than it names.
    """
    sym = use.symbol
    bare = sym.split(":", 1)[1] if ":" in sym and "::" not in sym else sym
    if token.endswith("*"):  # `*` alone: everything
        stem = token[:-1]
        return sym.startswith(stem) or bare.startswith(stem)
    for name in (sym, bare):
        if name == token or name.startswith((token + ".", token + "::")):
            return True
    fam = use.family
    return bool(fam) and (fam == token or fam.startswith(token + "."))


_matches = matches  # the engine's per-file-ignores used the private name


def split_suppressed(uses: list[ApiUse]) -> tuple[list[ApiUse], list[Suppression]]:
    """Separate uses silenced by a comment on their own line; both lists keep their order."""
    kept: list[ApiUse] = []
    silenced: list[Suppression] = []
    for use in uses:
        if "portcheck" not in use.source:
            kept.append(use)
            continue
        m = SUPPRESS_RE.search(use.source)
        if m is None:
            kept.append(use)
            continue
        names = m.group("names")
        tokens = [t.strip() for t in names.split(",") if t.strip()] if names is not None else []
        if not tokens or any(matches(t, use) for t in tokens):
            silenced.append(Suppression(use.path, use.line, use.symbol, (m.group("reason") or "").strip()))
        else:
            kept.append(use)
    return kept, silenced


# ------------------------------------------------------------------------- blocks and the suppression audit
# A block silences every finding between its two comment lines (both included):
#   // portcheck: ignore-begin[NAME, ...] -- reason
#   ... a kernel, a function ...
#   // portcheck: ignore-end
# The [...] list is optional (no list: every finding). Blocks do not nest; a begin without an end runs to the end of
# the file (and is reported).
BLOCK_RE = re.compile(r"(?:#|//|/\*)\s*portcheck:\s*ignore-(?P<edge>begin|end)\b(?:\[(?P<names>[^\]]*)\])?"
                      r"(?:\s*--\s*(?P<reason>.*?))?\s*(?:\*/)?\s*$")
_ANY_RE = re.compile(r"(?:#|//|/\*)\s*portcheck:\s*ignore\b")


@dataclass(frozen=True, slots=True)
class SuppressionProblem:
    """A suppression comment that silences nothing, names something unknown, or is an unclosed block."""

    path: str
    line: int
    column: int
    kind: str  # unused | unused-name | unknown-name | unclosed-block | stray-end
    message: str

    def __reduce__(self):
        return (type(self), (self.path, self.line, self.column, self.kind, self.message))


def _tokens(names: str | None) -> list[str]:
    return [t.strip() for t in names.split(",") if t.strip()] if names is not None else []


def known_name(token: str, tables) -> bool:
    """Is a suppression or per-file-ignores name something the tables can produce (symbol, family, parent)?"""
    if tables is None or token.endswith("*") or token in tables.families or token in tables.catalog:
        return True
    bare = token.split(":", 1)[1] if ":" in token and "::" not in token else token
    if bare in tables.catalog or tables.family_of(token):
        return True
    if any(f.startswith(token + ".") for f in tables.families):
        return True
    return bool(tables.symbols_with_prefix(token + ".") or tables.symbols_with_prefix(token + "::")
                or any(s.endswith(":" + token) for s in tables.symbols_with_prefix("device:")))


def suppress_file(path: str, text: str, uses: list[ApiUse], tables=None
                  ) -> tuple[list[ApiUse], list[Suppression], list[SuppressionProblem]]:
    """Apply a file's line and block suppressions to its uses; report the comments that silence nothing and the
    names the tables do not know (like ruff's RUF100)."""
    problems: list[SuppressionProblem] = []
    if "portcheck" not in text:
        return list(uses), [], problems
    lines = text.split("\n")
    # blocks: (first line, last line, names, reason, begin column)
    blocks: list[list] = []
    open_block: list | None = None
    line_comments: dict[int, tuple[int, list[str] | None]] = {}  # line -> (column, names or None for all)
    for n, line in enumerate(lines, 1):
        if "portcheck" not in line:
            continue
        b = BLOCK_RE.search(line)
        if b is not None:
            if b.group("edge") == "begin":
                if open_block is not None:
                    problems.append(SuppressionProblem(path, n, b.start() + 1, "stray-begin",
                                                       "portcheck: ignore-begin inside an open block (blocks do "
                                                       "not nest); this begin is ignored"))
                    continue
                open_block = [n, len(lines), _tokens(b.group("names")), (b.group("reason") or "").strip(),
                              b.start() + 1, b.group("names") is not None]
                blocks.append(open_block)
            elif open_block is None:
                problems.append(SuppressionProblem(path, n, b.start() + 1, "stray-end",
                                                   "portcheck: ignore-end without an ignore-begin"))
            else:
                open_block[1] = n
                open_block = None
            continue
        m = SUPPRESS_RE.search(line)
        if m is not None:
            line_comments[n] = (m.start() + 1, _tokens(m.group("names")) if m.group("names") is not None else None)
        elif _ANY_RE.search(line):
            problems.append(SuppressionProblem(path, n, _ANY_RE.search(line).start() + 1, "malformed",
                                               "not a suppression: the comment must end the line as "
                                               "'portcheck: ignore[NAME, ...] -- reason'"))
    if open_block is not None:
        problems.append(SuppressionProblem(path, open_block[0], open_block[4], "unclosed-block",
                                           "portcheck: ignore-begin without an ignore-end: it runs to the end of "
                                           "the file"))
    kept: list[ApiUse] = []
    silenced: list[Suppression] = []
    used_names: dict[tuple[int, str], bool] = {}  # (comment line, name) -> matched something
    used_comment: set[int] = set()
    for use in uses:
        hit = False
        lc = line_comments.get(use.line)
        if lc is not None and "portcheck" in use.source:
            names = lc[1]
            m = SUPPRESS_RE.search(use.source)
            if names is None:
                hit = True
            else:
                for t in names:
                    if matches(t, use):
                        used_names[(use.line, t)] = True
                        hit = True
            if hit:
                used_comment.add(use.line)
                silenced.append(Suppression(use.path, use.line, use.symbol, ((m.group("reason") or "") if m else "")
                                            .strip()))
                continue
        for blk in blocks:
            if blk[0] <= use.line <= blk[1]:
                names = blk[2]
                if not blk[5] or any(matches(t, use) for t in names):
                    for t in names:
                        if matches(t, use):
                            used_names[(blk[0], t)] = True
                    used_comment.add(blk[0])
                    silenced.append(Suppression(use.path, use.line, use.symbol, blk[3] or "ignore-begin block"))
                    hit = True
                    break
        if not hit:
            kept.append(use)
    for n, (col, names) in sorted(line_comments.items()):
        _audit(problems, path, n, col, names, n in used_comment, used_names, tables, "suppression")
    for blk in blocks:
        _audit(problems, path, blk[0], blk[4], blk[2] if blk[5] else None, blk[0] in used_comment, used_names,
               tables, "ignore-begin block")
    problems.sort(key=lambda p: (p.line, p.column, p.kind))
    return kept, silenced, problems


def _audit(problems, path, line, col, names, used, used_names, tables, what) -> None:
    unknown = [t for t in names or () if not known_name(t, tables) and not used_names.get((line, t))]
    for t in unknown:
        problems.append(SuppressionProblem(path, line, col, "unknown-name",
                                           f"{what} names '{t}', which is no symbol or family portcheck knows"))
    if not used:
        if not unknown:
            problems.append(SuppressionProblem(path, line, col, "unused",
                                               f"unused {what}: no finding {'on this line' if what == 'suppression' else 'in it'}"
                                               + (f" matches {', '.join(names)}" if names else "")))
        return
    for t in names or ():
        if t not in unknown and not used_names.get((line, t)):
            problems.append(SuppressionProblem(path, line, col, "unused-name",
                                               f"{what}: '{t}' matches no finding {'on this line' if what == 'suppression' else 'in it'}"))


def suppression_problems_only(path: str, data: bytes) -> tuple[SuppressionProblem, ...]:
    """The problems of a file with no CUDA tie in it: every suppression comment there silences nothing."""
    from .fileio import normalize

    return tuple(suppress_file(path, normalize(data.decode("utf-8", "replace")), [], None)[2])
