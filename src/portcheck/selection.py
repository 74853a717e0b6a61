"""`--select`, `--ignore` and `--min-status`: which findings a report shows and the gate judges.

A token is a status (`rename` ... `unknown`), or a family, a parent family or a symbol with the matching rules of
suppressions (`cuda-runtime`, `torch.cuda`, `cudaMalloc*`; see suppress.matches). Status tokens act per backend: a
verdict with an ignored status is dropped, and a finding with no verdict left is left out. Name tokens act on whole
findings. `--min-status S` ignores every status below S.

The effort estimate is not filtered: it is what porting the whole code base costs, whatever a report shows.
"""
from __future__ import annotations

import dataclasses
import difflib
from collections import Counter
from dataclasses import dataclass
from typing import Iterable

from .model import STATUSES, Finding, ScanResult
from .suppress import matches


class SelectionError(ValueError):
    """A token is neither a status nor a family or symbol the tables know; the message is one line."""


def _tokens(values: Iterable[str]) -> list[str]:
    return [t.strip() for v in values for t in v.split(",") if t.strip()]


@dataclass(frozen=True)
class Selection:
    select_statuses: frozenset[str] = frozenset()
    select_names: tuple[str, ...] = ()
    ignore_statuses: frozenset[str] = frozenset()
    ignore_names: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.select_statuses or self.select_names or self.ignore_statuses or self.ignore_names)

    def describe(self) -> dict[str, list[str]]:
        return {"select": sorted(self.select_statuses, key=STATUSES.index) + list(self.select_names),
                "ignore": sorted(self.ignore_statuses, key=STATUSES.index) + list(self.ignore_names)}


def _check_name(token: str, tables) -> None:
    if tables is None or token.endswith("*") or token in tables.families or token in tables.catalog:
        return
    if any(f.startswith(token + ".") for f in tables.families) or tables.family_of(token):
        return
    if tables.symbols_with_prefix(token + ".") or tables.symbols_with_prefix(token + "::"):
        return
    close = difflib.get_close_matches(token, list(STATUSES) + list(tables.families), n=1, cutoff=0.7)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    raise SelectionError(f"'{token}' is not a status ({', '.join(STATUSES)}), a family or a symbol in the "
                         f"tables{hint}")


def parse(select: Iterable[str] = (), ignore: Iterable[str] = (), min_status: str | None = None,
          tables=None) -> Selection:
    sel, ign = _tokens(select), _tokens(ignore)
    for t in sel + ign:
        if t not in STATUSES:
            _check_name(t, tables)
    ignore_statuses = {t for t in ign if t in STATUSES}
    if min_status:
        if min_status not in STATUSES:
            raise SelectionError(f"--min-status: '{min_status}' is not a status ({', '.join(STATUSES)})")
        ignore_statuses |= set(STATUSES[:STATUSES.index(min_status)])
    return Selection(frozenset(t for t in sel if t in STATUSES), tuple(t for t in sel if t not in STATUSES),
                     frozenset(ignore_statuses), tuple(t for t in ign if t not in STATUSES))


def filter_findings(findings: Iterable[Finding], sel: Selection) -> list[Finding]:
    """The findings (and verdicts) the selection keeps, in order."""
    kept: list[Finding] = []
    memo: dict[int, tuple] = {}  # id of a shared verdicts tuple -> its filtered tuple
    for f in findings:
        u = f.use
        if sel.select_names and not any(matches(t, u) for t in sel.select_names):
            continue
        if sel.ignore_names and any(matches(t, u) for t in sel.ignore_names):
            continue
        verdicts = memo.get(id(f.verdicts))
        if verdicts is None:
            verdicts = memo[id(f.verdicts)] = tuple(
                (b, v) for b, v in f.verdicts
                if (not sel.select_statuses or v.status in sel.select_statuses) and v.status not in sel.ignore_statuses)
        if not verdicts:
            continue
        kept.append(f if verdicts is f.verdicts or len(verdicts) == len(f.verdicts)
                    else Finding(f.use, verdicts, f.fingerprint))
    return kept


def apply(result: ScanResult, sel: Selection) -> tuple[ScanResult, int]:
    """The result with only the selected findings (file counts follow); and how many findings were left out."""
    if not sel:
        return result, 0
    kept = filter_findings(result.findings, sel)
    per_file = Counter(f.use.path for f in kept)
    files = tuple(dataclasses.replace(s, findings=per_file.get(s.path, 0)) for s in result.files)
    left_out = len(result.findings) - len(kept)
    meta = dict(result.metadata)
    meta["selection"] = {**sel.describe(), "left_out": left_out}
    return dataclasses.replace(result, findings=tuple(kept), files=files, metadata=meta), left_out
