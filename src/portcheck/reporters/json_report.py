"""JSON: the versioned source of truth; every other format could be rendered from it."""
from __future__ import annotations

import json
from typing import Any

# Large lists are written one element per line with the C encoder (an indented dump of 20k findings takes the
# pure-Python encoder seconds); the rest is indented for people. ensure_ascii keeps lone surrogates and control
# characters from scanned code valid JSON (as \u escapes).
_LINE_LISTS = ("findings", "kernels", "files", "skipped", "suppressed")


def render(doc: dict[str, Any]) -> str:
    compact = json.JSONEncoder(ensure_ascii=True, separators=(", ", ": ")).encode
    parts = []
    for key, value in doc.items():
        if key in _LINE_LISTS and isinstance(value, list):
            body = ",\n  ".join(compact(v) for v in value)
            parts.append(f" {json.dumps(key)}: [" + (f"\n  {body}\n ]" if value else "]"))
        else:
            text = json.dumps(value, indent=1, ensure_ascii=True).replace("\n", "\n ")
            parts.append(f" {json.dumps(key)}: {text}")
    return "{\n" + ",\n".join(parts) + "\n}\n"
