"""Inline suppressions: `# portcheck: ignore`, `// portcheck: ignore[cudaMalloc, nccl] -- reason`."""
from __future__ import annotations

import re

from .model import ApiUse, Suppression

# One documented grammar for both languages (also in README).
SUPPRESS_RE = re.compile(r"(?:#|//|/\*)\s*portcheck:\s*ignore(?:\[(?P<names>[^\]]*)\])?(?:\s*--\s*(?P<reason>.*?))?\s*(?:\*/)?\s*$")


def _matches(token: str, use: ApiUse) -> bool:
    sym = use.symbol
    bare = sym.split(":", 1)[1] if ":" in sym and "::" not in sym else sym
    fam = use.family
    return (token == sym or bare == token or sym.startswith(token) or bare.startswith(token)
            or fam == token or fam.startswith(token + "."))


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
        if not tokens or any(_matches(t, use) for t in tokens):
            silenced.append(Suppression(use.path, use.line, use.symbol, (m.group("reason") or "").strip()))
        else:
            kept.append(use)
    return kept, silenced
