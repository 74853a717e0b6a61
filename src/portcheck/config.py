"""Configuration from [tool.portcheck] in pyproject.toml, or portcheck.toml; unknown keys are errors."""
from __future__ import annotations

import difflib
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from .model import STATUSES
from .tables import TableError

DEFAULT_FAIL_ON: tuple[str, ...] = ("missing", "unknown")

# key -> (accepted types, what to tell the user when the type is wrong)
KNOWN_KEYS: dict[str, tuple[type | tuple[type, ...], str]] = {
    "backends": (list, "a list of backend ids"),
    "include": (list, "a list of gitignore-style patterns"),
    "exclude": (list, "a list of gitignore-style patterns"),
    "per-file-ignores": (dict, "a table of pattern = [symbols or families]"),
    "fail-on": ((str, list, dict), "a status (that status or worse), a list of statuses, or a table of "
                "backend = status or [statuses]"),
    "effort": (dict, "a table of effort weights"),
    "mappings": (list, "a list of folders"),
    "baseline": (str, "a file path"),
    "max-file-size": (int, "a whole number of megabytes"),
    "respect-gitignore": (bool, "true or false"),
    "default-excludes": (bool, "true or false"),
    "jobs": (int, "a whole number"),
    "targets": (list, 'a list of hardware targets, e.g. ["cann:950", "musa:s5000"]'),
}

_TYPE_NAMES = {str: "a string", int: "an integer", float: "a number", bool: "a boolean", list: "a list",
               dict: "a table", type(None): "nothing"}


class ConfigError(TableError):
    """A configuration file is wrong; one line naming the file and the key."""


@dataclass
class Config:
    path: Path | None = None
    backends: list[str] = field(default_factory=list)
    include: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)
    # backend id or "*" -> statuses; "*" applies to every backend not named
    fail_on: dict[str, list[str]] = field(default_factory=lambda: {"*": list(DEFAULT_FAIL_ON)})
    effort: dict[str, Any] = field(default_factory=dict)
    mappings: list[str] = field(default_factory=list)  # absolute paths
    baseline: str | None = None  # absolute path
    max_file_size: int | None = None
    respect_gitignore: bool = True
    default_excludes: bool = True
    jobs: int | None = None
    targets: dict[str, str] = field(default_factory=dict)  # backend id -> hardware target id or alias


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
                raw = p.read_bytes()
            except OSError:
                raw = b""
            # Decided on the bytes, so a pyproject.toml with a [tool.portcheck] table and a TOML error is
            # reported (load_config names the error) instead of being skipped in silence.
            if b"tool.portcheck" in raw or b"portcheck" in raw and _has_table(raw):
                return p
        if (d / ".git").exists():
            break
    return None


def _has_table(raw: bytes) -> bool:
    try:
        tool = tomllib.loads(raw.decode("utf-8")).get("tool", {})
    except (UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False
    return isinstance(tool, dict) and "portcheck" in tool


def _where(path: Path) -> str:
    return "[tool.portcheck]" if path.name == "pyproject.toml" else "portcheck configuration"


def _type_name(val: Any) -> str:
    return _TYPE_NAMES.get(type(val), type(val).__name__)


def _strings(path: Path, key: str, val: list, what: str = "string") -> list[str]:
    for i, item in enumerate(val):
        if not isinstance(item, str):
            raise ConfigError(f"{path}: key '{key}': item {i + 1} must be a {what}, not {_type_name(item)}")
    return list(val)


def _statuses(path: Path, key: str, val: Any) -> list[str]:
    """A status (a threshold: that status or worse, see policy.py) or a list of statuses (exactly those)."""
    if isinstance(val, str):
        from .policy import PolicyError, statuses_of

        try:
            return statuses_of(val)
        except PolicyError as exc:
            raise ConfigError(f"{path}: key '{key}': {exc}") from None
    if not isinstance(val, list):
        raise ConfigError(f"{path}: key '{key}' must be a list of statuses ({', '.join(STATUSES)}), "
                          f"not {_type_name(val)}")
    for s in _strings(path, key, val, "status"):
        if s not in STATUSES:
            raise ConfigError(f"{path}: key '{key}': '{s}' is not a status (choose from {', '.join(STATUSES)})")
    return list(val)


def load_config(path: Path | None) -> Config:
    """Read and check a configuration file; None gives the defaults. Raises ConfigError (one line)."""
    if path is None:
        return Config()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    tool = data.get("tool", {})
    if not isinstance(tool, dict):
        raise ConfigError(f"{path}: key 'tool' must be a table")
    if path.name == "pyproject.toml":
        table = tool.get("portcheck", {})
    else:  # portcheck.toml: keys at the top level, or under [tool.portcheck]
        table = tool["portcheck"] if "portcheck" in tool else data
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.portcheck] must be a table")
    for key, val in table.items():
        if key not in KNOWN_KEYS:
            close = difflib.get_close_matches(key, list(KNOWN_KEYS), n=1)
            hint = f"did you mean '{close[0]}'?" if close else f"known keys: {', '.join(sorted(KNOWN_KEYS))}"
            raise ConfigError(f"{path}: unknown key '{key}' in {_where(path)} ({hint})")
        want, what = KNOWN_KEYS[key]
        if not isinstance(val, want) or (isinstance(val, bool) and want is int):
            raise ConfigError(f"{path}: key '{key}' must be {what}, not {_type_name(val)}")
    cfg = Config(path=path)
    base = path.parent
    cfg.backends = _strings(path, "backends", table.get("backends", []), "backend id")
    cfg.include = _strings(path, "include", table.get("include", []), "pattern")
    cfg.exclude = _strings(path, "exclude", table.get("exclude", []), "pattern")
    for pat, names in table.get("per-file-ignores", {}).items():
        if not isinstance(names, list):
            raise ConfigError(f"{path}: key 'per-file-ignores.\"{pat}\"' must be a list of symbols or families, "
                              f"not {_type_name(names)}")
        cfg.per_file_ignores[pat] = _strings(path, f"per-file-ignores.\"{pat}\"", names, "symbol or family")
    fail_on = table.get("fail-on", list(DEFAULT_FAIL_ON))
    if isinstance(fail_on, (list, str)):
        cfg.fail_on = {"*": _statuses(path, "fail-on", fail_on)}
    else:
        # Backends a table does not name keep the default policy ("*"), so a typo never switches a gate off.
        cfg.fail_on = {"*": list(DEFAULT_FAIL_ON)}
        for b, statuses in fail_on.items():
            cfg.fail_on[b] = _statuses(path, f"fail-on.{b}", statuses)
    cfg.effort = dict(table.get("effort", {}))
    if cfg.effort:
        _check_effort(path, cfg.effort)
    for m in _strings(path, "mappings", table.get("mappings", []), "folder"):
        folder = (base / m).resolve()
        if not folder.is_dir():
            raise ConfigError(f"{path}: key 'mappings': folder '{m}' does not exist")
        cfg.mappings.append(str(folder))
    if "baseline" in table:
        cfg.baseline = str((base / table["baseline"]).resolve())
    for key in ("max-file-size", "jobs"):
        if table.get(key, 0) < 0:
            raise ConfigError(f"{path}: key '{key}' must not be negative")
    cfg.max_file_size = table.get("max-file-size")
    cfg.respect_gitignore = table.get("respect-gitignore", True)
    cfg.default_excludes = table.get("default-excludes", True)
    cfg.jobs = table.get("jobs")
    try:
        cfg.targets = parse_targets(_strings(path, "targets", table.get("targets", []), "backend:target"))
    except ValueError as exc:
        raise ConfigError(f"{path}: key 'targets': {exc}") from None
    return cfg


def parse_targets(values: Iterable[str]) -> dict[str, str]:
    """["cann:950", "musa:s5000"] -> {"cann": "950", "musa": "s5000"}; ValueError (one line) when malformed."""
    out: dict[str, str] = {}
    for raw in values:
        for item in str(raw).split(","):
            item = item.strip()
            if not item:
                continue
            backend, sep, target = item.partition(":")
            if not sep or not backend.strip() or not target.strip():
                raise ValueError(f"'{item}' is not BACKEND:TARGET (e.g. cann:950, musa:s5000)")
            backend = backend.strip().lower()
            if backend in out and out[backend] != target.strip():
                raise ValueError(f"two targets for backend '{backend}': {out[backend]} and {target.strip()}")
            out[backend] = target.strip()
    return out


def check_targets(cfg: Config, tables: Any) -> None:
    """Fail (naming the file and key) when the configuration names an unknown backend or hardware target."""
    if cfg.path is None or not cfg.targets:
        return
    for b, t in cfg.targets.items():
        try:
            tables.backend(b).resolve_target(t)
        except TableError as exc:
            raise ConfigError(f"{cfg.path}: key 'targets': {exc}") from None


def _check_effort(path: Path, overrides: dict[str, Any]) -> None:
    from .effort import load_weights  # only when a config overrides weights

    try:
        load_weights(overrides)
    except TableError as exc:
        msg = str(exc).removeprefix("effort weights: ")
        raise ConfigError(f"{path}: key 'effort': {msg}") from None


def check_backends(cfg: Config, known: Iterable[str]) -> None:
    """Fail (naming the file and key) when the configuration names a backend the tables do not have."""
    if cfg.path is None:
        return
    ids = list(known)
    for b in cfg.backends:
        if b not in ids:
            raise ConfigError(f"{cfg.path}: key 'backends': unknown backend '{b}' (known: {', '.join(ids)})")
    for b in cfg.fail_on:
        if b != "*" and b not in ids:
            raise ConfigError(f"{cfg.path}: key 'fail-on.{b}': unknown backend '{b}' (known: {', '.join(ids)}, "
                              "or \"*\" for all)")
