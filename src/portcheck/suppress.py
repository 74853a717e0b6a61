"""Inline suppressions: `# portcheck: ignore`, `// portcheck: ignore[cudaMalloc, nccl] -- reason`."""
from __future__ import annotations

import re

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
