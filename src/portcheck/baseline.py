"""Baselines: record today's findings (by path, symbol and line text, not line numbers) and report only new ones."""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Iterable

from .model import Finding
from .tables import TableError

BASELINE_VERSION = 1


def baseline_document(findings: Iterable[Finding]) -> dict:
    """The baseline file's content: sorted, with no dates or versions, so rewriting it gives no diff."""
    # Only the fingerprint is read back; path, kind, symbol and line text are there for reviewers of the file.
    entries = [{"fingerprint": f.fingerprint, "path": f.use.path, "kind": f.use.kind, "symbol": f.use.symbol,
                "line_text": " ".join(f.use.source.split())} for f in findings]
    entries.sort(key=lambda e: (e["path"], e["symbol"], e["kind"], e["line_text"], e["fingerprint"]))
    return {"portcheck_baseline": BASELINE_VERSION, "count": len(entries), "entries": entries}


def load_baseline(path: Path) -> Counter[str]:
    """Fingerprint -> how many findings with it the baseline accepts."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TableError(f"{path}: baseline file not found (create it with `portcheck baseline write`)") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise TableError(f"{path}: not a portcheck baseline: {exc}") from None
    if not isinstance(doc, dict) or doc.get("portcheck_baseline") != BASELINE_VERSION or not isinstance(
            doc.get("entries"), list):
        raise TableError(f"{path}: not a portcheck baseline (version {BASELINE_VERSION})")
    counts: Counter[str] = Counter()
    for i, e in enumerate(doc["entries"]):
        if not isinstance(e, dict) or not isinstance(e.get("fingerprint"), str):
            raise TableError(f"{path}: entries[{i}]: field 'fingerprint' is required")
        counts[e["fingerprint"]] += 1
    return counts


def filter_new(findings: list[Finding], accepted: Counter[str]) -> tuple[list[Finding], int]:
    """Findings the baseline does not account for, and how many it absorbed."""
    left = Counter(accepted)
    new: list[Finding] = []
    absorbed = 0
    for f in findings:
        if left[f.fingerprint] > 0:
            left[f.fingerprint] -= 1
            absorbed += 1
        else:
            new.append(f)
    return new, absorbed
