"""Configuration from [tool.portcheck] in pyproject.toml, or portcheck.toml; unknown keys are errors."""
from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from .tables import TableError

KNOWN_KEYS = {
    "backends": list, "include": list, "exclude": list, "per-file-ignores": dict, "fail-on": (list, dict),
    "effort": dict, "mappings": list, "baseline": str, "max-file-size": int, "respect-gitignore": bool,
    "default-excludes": bool, "jobs": int,
}


class ConfigError(TableError):
    """A configuration file is wrong; one line naming the file and the key."""


@dataclass
class Config:
    path: Path | None = None
    backends: list[str] = field(default_factory=list)
    include: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)
    fail_on: dict[str, list[str]] = field(default_factory=dict)  # backend id or "*" -> statuses
    effort: dict[str, Any] = field(default_factory=dict)
    mappings: list[str] = field(default_factory=list)  # absolute paths
    baseline: str | None = None
    max_file_size: int | None = None
    respect_gitignore: bool = True
    default_excludes: bool = True
    jobs: int | None = None


def find_config(start: Path) -> Path | None:
    """The nearest portcheck.toml, or pyproject.toml with a [tool.portcheck] table, at or above start."""
    start = start.resolve()
    here = start if start.is_dir() else start.parent
    for d in (here, *here.parents):
        p = d / "portcheck.toml"
        if p.is_file():
            return p
        p = d / "pyproject.toml"
        if p.is_file():
            try:
                if "portcheck" in tomllib.loads(p.read_text(encoding="utf-8")).get("tool", {}):
                    return p
            except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
                continue
        if (d / ".git").exists():
            break
    return None


def load_config(path: Path | None) -> Config:
    if path is None:
        return Config()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    table = data.get("tool", {}).get("portcheck", {}) if path.name == "pyproject.toml" else data
    if path.name != "pyproject.toml" and "tool" in table and "portcheck" in table.get("tool", {}):
        table = table["tool"]["portcheck"]
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.portcheck] must be a table")
    cfg = Config(path=path)
    base = path.parent
    for key, val in table.items():
        if key not in KNOWN_KEYS:
            raise ConfigError(f"{path}: unknown key '{key}' in portcheck configuration "
                              f"(known: {', '.join(sorted(KNOWN_KEYS))})")
        want = KNOWN_KEYS[key]
        if not isinstance(val, want) or (want is int and isinstance(val, bool)):
            raise ConfigError(f"{path}: key '{key}' has the wrong type ({type(val).__name__})")
    cfg.backends = [str(b) for b in table.get("backends", [])]
    cfg.include = [str(x) for x in table.get("include", [])]
    cfg.exclude = [str(x) for x in table.get("exclude", [])]
    pfi = table.get("per-file-ignores", {})
    for pat, names in pfi.items():
        if not isinstance(names, list):
            raise ConfigError(f"{path}: key 'per-file-ignores.{pat}' must be a list of symbols or families")
    cfg.per_file_ignores = {str(k): [str(n) for n in v] for k, v in pfi.items()}
    fail_on = table.get("fail-on", ["missing", "unknown"])
    if isinstance(fail_on, list):
        cfg.fail_on = {"*": [str(s) for s in fail_on]}
    else:
        cfg.fail_on = {}
        for b, statuses in fail_on.items():
            if not isinstance(statuses, list):
                raise ConfigError(f"{path}: key 'fail-on.{b}' must be a list of statuses")
            cfg.fail_on[str(b)] = [str(s) for s in statuses]
    from .model import STATUSES
    for b, statuses in cfg.fail_on.items():
        for s in statuses:
            if s not in STATUSES:
                raise ConfigError(f"{path}: key 'fail-on': '{s}' is not a status ({', '.join(STATUSES)})")
    cfg.effort = dict(table.get("effort", {}))
    cfg.mappings = [str((base / m).resolve()) for m in table.get("mappings", [])]
    if "baseline" in table:
        cfg.baseline = str((base / table["baseline"]).resolve())
    cfg.max_file_size = table.get("max-file-size")
    cfg.respect_gitignore = table.get("respect-gitignore", True)
    cfg.default_excludes = table.get("default-excludes", True)
    cfg.jobs = table.get("jobs")
    return cfg
