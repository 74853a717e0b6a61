"""The gate's policy: which statuses fail, on which backend (`--fail-on`, the `fail-on` configuration key).

Statuses are ordered from cheapest to most expensive to port (model.STATUSES):

    rename < adapt < partial < missing < unknown

`unknown` ranks last: the tables do not cover the symbol, so nobody knows what the port costs, and a gate must not
let it through where it stops `missing`. A policy value is read as follows:

- one status, `missing`: that status **or worse** (a threshold): `missing` and `unknown`;
- several statuses, `missing,unknown` or a TOML list: **exactly** those (`adapt,missing` lets `partial` through);
- `none` (or an empty list): nothing fails;
- `BACKEND=VALUE` on the command line (a table `{cann = "partial"}` in the configuration): for one backend only.

A configuration list keeps its old meaning (exactly those statuses); a configuration string is a threshold.
"""
from __future__ import annotations

from typing import Iterable

from .model import STATUSES

NONE = "none"


class PolicyError(ValueError):
    """A `--fail-on` value or a `fail-on` configuration value is not a status; the message is one line."""


def at_least(status: str) -> list[str]:
    """`status` and every worse one."""
    return list(STATUSES[STATUSES.index(status):])


def _status(word: str) -> str:
    if word not in STATUSES:
        raise PolicyError(f"'{word}' is not a status (choose from {', '.join(STATUSES)}, or {NONE})")
    return word


def statuses_of(value: str | list[str]) -> list[str]:
    """One policy value -> the statuses it fails on (a single status is a threshold; a list is exact)."""
    if isinstance(value, list):
        return sorted({_status(w) for w in value}, key=STATUSES.index)
    words = [w.strip().lower() for w in value.split(",") if w.strip()]
    if not words:
        raise PolicyError(f"empty value (choose from {', '.join(STATUSES)}, or {NONE})")
    if words == [NONE]:
        return []
    if len(words) == 1:
        return at_least(_status(words[0]))
    return sorted({_status(w) for w in words}, key=STATUSES.index)


def parse_cli(values: Iterable[str], backends: Iterable[str] | None = None) -> dict[str, list[str]]:
    """`--fail-on` values -> {backend or "*": statuses}. Repeated values for one key are united."""
    known = list(backends) if backends is not None else None
    policy: dict[str, list[str]] = {}
    for raw in values:
        key, sep, value = raw.partition("=")
        if not sep:
            key, value = "*", raw
        key = key.strip()
        if known is not None and key != "*" and key not in known:
            raise PolicyError(f"'{raw}': unknown backend '{key}' (known: {', '.join(known)})")
        got = statuses_of(value)
        merged = set(policy.get(key, [])) | set(got)
        policy[key] = sorted(merged, key=STATUSES.index)
    return policy


def describe(policy: dict[str, list[str]]) -> str:
    """`all backends: missing, unknown; cann: partial, missing, unknown`."""
    return "; ".join(f"{'all backends' if k == '*' else k}: {', '.join(v) or 'nothing'}" for k, v in policy.items())


def violations(findings, policy: dict[str, list[str]]):
    """(finding, ['cann: missing → x', ...]) for each finding the policy forbids on some backend."""
    default = policy.get("*", [])
    for f in findings:
        hits = []
        for bid, v in f.verdicts:
            if v.status in policy.get(bid, default):
                hits.append(f"{bid}: {v.status}" + (f" → {v.target}" if v.target else ""))
        if hits:
            yield f, hits
