"""JSON: the versioned source of truth; every other format could be rendered from it."""
from __future__ import annotations

import json
from typing import Any


def render(doc: dict[str, Any]) -> str:
    # ensure_ascii keeps lone surrogates and control characters from scanned code valid JSON (as \u escapes)
    return json.dumps(doc, indent=1, ensure_ascii=True, sort_keys=False) + "\n"
