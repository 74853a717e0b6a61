"""Helpers shared by the table generators in tools/ (imported by them; not a command)."""
from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def hand_written(backend: str, out: Path) -> set[str]:
    """Exact names with an entry in the backend's other table files than `out` (they decide; a generator leaves
    them alone)."""
    names: set[str] = set()
    for p in sorted((ROOT / "mappings" / backend).glob("*.yaml")):
        if p == out:
            continue
        for e in (yaml.safe_load(p.read_text(encoding="utf-8")) or {}).get("entries") or []:
            names.update(str(n) for n in ([e["symbol"]] if "symbol" in e else e.get("symbols") or []))
    return names
