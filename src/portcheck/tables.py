"""Load and validate the mapping tables (catalog + one folder per backend) and look symbols up."""
from __future__ import annotations

import csv
import hashlib
import os
import pickle
import re
import sys
from bisect import bisect_left
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, NamedTuple

from .model import EVIDENCE, STATUSES, Verdict

CATEGORIES: tuple[str, ...] = (
    "python-device-api", "distributed", "build", "runtime-c-api", "cuda-libraries",
    "custom-kernels", "cuda-only-deps", "op-gaps",
)
TABLES_FORMAT = 4  # bump when the in-memory shape changes (invalidates the compiled-table cache)


class TableError(Exception):
    """A mapping table or config file is malformed; the message is one line for the user."""


def data_dir(name: str) -> Path:
    """Find a shipped data folder (mappings, templates): inside the wheel, else the source checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_data" / name, here.parent.parent / name):
        if candidate.is_dir():
            return candidate
    raise TableError(f"portcheck data folder '{name}' not found next to {here}; reinstall portcheck")


class Family(NamedTuple):
    id: str
    category: str
    description: str = ""
    language: str = "any"
    patterns: tuple[str, ...] = ()


class CatalogEntry(NamedTuple):
    symbol: str
    family: str
    kind: str
    desc: str = ""
    ref: str = ""

    def __reduce__(self):  # C-level reconstruction: the table cache unpickles 25k+ of these
        return (tuple.__new__, (CatalogEntry, tuple(self)))


class PrefixRule(NamedTuple):
    from_: str
    to: str
    families: tuple[str, ...]
    verdict: Verdict
    confirm: bool = False  # only names the backend's whole-name map (backend.yaml `renames`) confirms are renames


@dataclass
class Backend:
    id: str
    name: str
    vendor: str = ""
    device: str = ""
    kernel_model: str = ""  # simt | simd
    versions: dict[str, str] = field(default_factory=dict)
    summary: str = ""
    order: int = 100
    exact: dict[str, Verdict] = field(default_factory=dict)
    wildcards: list[tuple[str, Verdict]] = field(default_factory=list)  # (prefix, verdict), longest first
    prefixes: list[PrefixRule] = field(default_factory=list)
    family_defaults: dict[str, Verdict] = field(default_factory=dict)
    op_support: dict[str, Verdict] = field(default_factory=dict)  # torch API -> verdict, gaps only
    # Hardware targets (targets.yaml): id -> Target; the default one; the selected one.
    targets: dict[str, "Target"] = field(default_factory=dict)
    default_target: str = ""
    selected_target: str = ""
    # Per-target verdicts: target id -> {"exact": {symbol: v}, "wildcard": {prefix: v}, "family": {family: v}}.
    # A per-target verdict replaces the verdict of the same table row when that target is selected.
    target_verdicts: dict[str, dict[str, dict[str, Verdict]]] = field(default_factory=dict)
    _over: dict[str, dict[str, Verdict]] | None = None  # target_verdicts of the selected target
    # op_support.csv `targets` column: target id -> {torch API: verdict, or None = no gap on that chip}
    op_support_targets: dict[str, dict[str, Verdict | None]] = field(default_factory=dict)
    # A vendor tool's whole-name map (backend.yaml `renames`, e.g. musify): CUDA name -> (vendor name, source file)
    renames: dict[str, tuple[str, str]] = field(default_factory=dict)

    def meta(self) -> dict[str, Any]:
        out = {"id": self.id, "name": self.name, "vendor": self.vendor, "device": self.device,
               "kernel_model": self.kernel_model, "versions": dict(self.versions), "summary": self.summary}
        if self.targets:
            out["target"] = self.target_facts()
        return out

    def target_facts(self) -> dict[str, Any]:
        """The selected hardware target as plain data: id, name, default, simt, warp_size and every other fact,
        plus `refs` (fact -> source). Empty when the backend declares no targets."""
        t = self.targets.get(self.selected_target or self.default_target)
        if t is None:
            return {}
        out: dict[str, Any] = {"id": t.id, "name": t.name, "default": t.id == self.default_target}
        out.update({k: v for k, (v, _) in t.facts.items()})
        out["refs"] = {k: r for k, (_, r) in t.facts.items()}
        return out

    def resolve_target(self, name: str) -> str:
        """Target id for an id or alias (case-insensitive); TableError naming the known ones otherwise."""
        low = str(name).strip().lower()
        for t in self.targets.values():
            if low == t.id.lower() or low in (a.lower() for a in t.aliases):
                return t.id
        known = ", ".join(f"{self.id}:{t.id}" for t in self.targets.values()) or "none declared"
        raise TableError(f"unknown target '{self.id}:{name}' (known: {known})")

    def select_target(self, target_id: str = "") -> None:
        """Make `target_id` (default: the backend's default target) the one verdicts are given for."""
        tid = self.resolve_target(target_id) if target_id else self.default_target
        self.selected_target = tid
        self._over = self.target_verdicts.get(tid) or None

    def op_gap(self, api: str) -> Verdict | None:
        """The op-support verdict for a torch API on the selected target (None: no gap listed)."""
        per = self.op_support_targets.get(self.selected_target)
        if per is not None and api in per:
            return per[api]
        return self.op_support.get(api)

    def family_default(self, family: str) -> Verdict | None:
        """The family default that applies to `family` (its own or its nearest parent's), for the default chip."""
        return next((self.family_defaults[f] for f in family_chain(family) if f in self.family_defaults), None)

    def lookup(self, symbol: str, family: str, in_catalog: bool = True) -> Verdict:
        """The verdict for a symbol on the selected target. Prefix rules apply to catalog names only: a name
        recognised by a family pattern alone (a project's CUBLAS_CHECK macro) gets its family default, never a
        guessed vendor name."""
        over = self._over
        v = self.exact.get(symbol)
        if v is not None:
            return over["exact"].get(symbol, v) if over else v
        for prefix, wv in self.wildcards:
            if symbol.startswith(prefix):
                return over["wildcard"].get(prefix, wv) if over else wv
        for rule in self.prefixes if in_catalog else ():
            if symbol.startswith(rule.from_) and _family_in(family, rule.families):
                return self._prefix_verdict(rule, symbol)
        fam = family
        while fam:
            v = self.family_defaults.get(fam)
            if v is not None:
                return over["family"].get(fam, v) if over else v
            fam = fam.rpartition(".")[0]
        return Verdict("unknown", "", "not covered by the mapping tables: check by hand", "", "default", "inferred")

    def _prefix_verdict(self, rule: PrefixRule, symbol: str) -> Verdict:
        target = rule.to + symbol[len(rule.from_):]
        rv = rule.verdict
        if not rule.confirm:
            return Verdict(rv.status, target, rv.note, rv.ref, "prefix", rv.evidence)
        pair = self.renames.get(symbol)
        if pair is None:  # the prefix guess is all there is
            return Verdict("partial", target, f"name not confirmed: no whole-name pair in the vendor's map; "
                           f"'{target}' is the {rule.from_} -> {rule.to} prefix guess, check your SDK's headers",
                           rv.ref, "prefix", "inferred")
        name, source = pair
        return Verdict(rv.status, name, rv.note, f"{rv.ref}; whole-name pair in {source}", "prefix", "mapped")

    def target_differences(self, symbol: str, family: str, in_catalog: bool = True) -> dict[str, Verdict]:
        """Verdict per target id for a symbol, for `portcheck explain` (restores the selection)."""
        keep = self.selected_target
        out: dict[str, Verdict] = {}
        try:
            for tid in self.targets:
                self.select_target(tid)
                out[tid] = self.lookup(symbol, family, in_catalog)
        finally:
            self.select_target(keep)
        return out


class Target(NamedTuple):
    """One chip a team may buy (targets.yaml): facts are name -> (value, ref)."""

    id: str
    name: str
    aliases: tuple[str, ...] = ()
    description: str = ""
    facts: dict[str, tuple[Any, str]] = {}


def _family_in(family: str, families: tuple[str, ...]) -> bool:
    return any(family == f or family.startswith(f + ".") for f in families)


@dataclass
class Tables:
    """Catalog plus backends; what scanners and the matcher need."""

    families: dict[str, Family]
    catalog: dict[str, CatalogEntry]
    backends: list[Backend]
    fingerprint: str = ""
    _pattern_re: re.Pattern[str] | None = None
    _pattern_families: list[tuple[re.Pattern[str], str]] = field(default_factory=list)
    _sorted_symbols: list[str] | None = None  # catalog keys in order, for prefix queries; kept in the pickle
    effort_weights: dict[str, Any] | None = None  # mappings/effort.yaml, parsed once with the tables (pickled)

    def symbols_with_prefix(self, prefix: str) -> list[str]:
        """Catalog symbols starting with `prefix` (bisect over the sorted keys, not a scan of 29k names)."""
        keys = self._sorted_symbols
        if keys is None or len(keys) != len(self.catalog):
            keys = self._sorted_symbols = sorted(self.catalog)
        lo = bisect_left(keys, prefix)
        hi = bisect_left(keys, prefix + "\U0010ffff", lo)
        return keys[lo:hi]

    def family_of(self, symbol: str) -> str:
        entry = self.catalog.get(symbol)
        if entry is not None:
            return entry.family
        for rx, fam in self._pattern_families:
            if rx.match(symbol):
                return fam
        return ""

    def recognize(self, name: str) -> CatalogEntry | None:
        """Is this C/C++ identifier a CUDA name? Catalog first, then family patterns."""
        entry = self.catalog.get(name)
        if entry is not None:
            return entry
        if self._pattern_re is not None and self._pattern_re.match(name):
            for rx, fam in self._pattern_families:
                if rx.match(name):
                    return CatalogEntry(name, fam, "identifier", "", "")
        return None

    def category_of(self, family: str) -> str:
        for fam in family_chain(family):
            f = self.families.get(fam)
            if f is not None:
                return f.category
        return "runtime-c-api"

    def verdicts(self, symbol: str, family: str) -> tuple[tuple[str, Verdict], ...]:
        known = symbol in self.catalog
        return tuple((b.id, b.lookup(symbol, family, known)) for b in self.backends)

    def op_gap_verdicts(self, api: str) -> tuple[tuple[str, Verdict], ...]:
        return tuple((b.id, v) for b in self.backends if (v := b.op_gap(api)) is not None)

    @property
    def op_gap_apis(self) -> frozenset[str]:
        """Every torch API some backend lists as a gap on some target (the scanners report these)."""
        out: set[str] = set()
        for b in self.backends:
            out.update(b.op_support)
            for per in b.op_support_targets.values():
                out.update(api for api, v in per.items() if v is not None)
        return frozenset(out)

    def __getstate__(self) -> dict[str, Any]:
        """Compiled patterns are rebuilt by finalize(); entries unpickle through their C-level __reduce__."""
        state = dict(self.__dict__)
        state["_pattern_re"], state["_pattern_families"] = None, []
        state["_sorted_symbols"] = sorted(self.catalog)
        return state

    def target(self, backend_id: str) -> dict[str, Any]:
        """The selected hardware target's facts for a backend (id, name, default, simt, warp_size, bf16, fp8, ...,
        refs): what the effort model reads. Empty dict when the backend declares no targets."""
        return self.backend(backend_id).target_facts()

    def targets(self) -> dict[str, dict[str, Any]]:
        """backend id -> selected target facts, for every backend that declares targets."""
        return {b.id: b.target_facts() for b in self.backends if b.targets}

    def selection(self) -> dict[str, str]:
        return {b.id: b.selected_target for b in self.backends if b.targets}

    def select_targets(self, wanted: dict[str, str] | None = None) -> None:
        """Select hardware targets ({backend id: target id or alias}); backends not named get their default.
        TableError for an unknown backend or target."""
        wanted = dict(wanted or {})
        for bid in wanted:
            self.backend(bid)
        for b in self.backends:
            if b.targets:
                b.select_target(wanted.get(b.id, ""))
            elif wanted.get(b.id):
                raise TableError(f"backend '{b.id}' declares no hardware targets (no targets.yaml)")

    def backend(self, backend_id: str) -> Backend:
        for b in self.backends:
            if b.id == backend_id:
                return b
        raise TableError(f"unknown backend '{backend_id}'; known: {', '.join(b.id for b in self.backends)}")

    def finalize(self) -> None:
        pats = []
        for fam in self.families.values():
            for p in fam.patterns:
                pats.append((re.compile(p), fam.id))
        self._pattern_families = pats
        self._pattern_re = re.compile("|".join(f"(?:{rx.pattern})" for rx, _ in pats)) if pats else None
        for b in self.backends:
            b.wildcards.sort(key=lambda t: -len(t[0]))
            if b.targets and not b.selected_target:
                b.select_target()


# ----------------------------------------------------------------------------------------------- loading

def _err(path: Path, where: str, msg: str) -> TableError:
    return TableError(f"{path}: {where}: {msg}")


def _read_yaml(path: Path) -> Any:
    import yaml  # only when the compiled-table cache misses: keeps `portcheck check` start-up fast

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise TableError(f"{path}: cannot read: {exc}") from None
    try:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        return yaml.load(text, Loader=loader)  # noqa: S506 - safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else "parse"
        raise TableError(f"{path}: {where}: invalid YAML: {getattr(exc, 'problem', exc)}") from None


def _str(path: Path, where: str, obj: dict, key: str, required: bool = False, default: str = "") -> str:
    val = obj.get(key, None)
    if val is None:
        if required:
            raise _err(path, where, f"field '{key}' is required")
        return default
    if not isinstance(val, (str, int, float)) or isinstance(val, bool):
        raise _err(path, where, f"field '{key}' must be a string")
    return str(val)


def _check_keys(path: Path, where: str, obj: Any, allowed: Iterable[str]) -> dict:
    if not isinstance(obj, dict):
        raise _err(path, where, "must be a mapping")
    extra = set(obj) - set(allowed)
    if extra:
        raise _err(path, where, f"unknown field '{sorted(extra)[0]}'")
    return obj


def family_chain(family: str):
    """A family and its parents, most specific first: 'cuda-runtime.memory' -> 'cuda-runtime.memory', 'cuda-runtime'."""
    while family:
        yield family
        family = family.rpartition(".")[0]


def default_evidence(rule: str, status: str, target: str, note: str) -> str:
    """Evidence strength of a table row that does not state one: family defaults and prefix rules are inferred;
    an exact row is verified (its ref cites a vendor list, header or source) unless its note says "unverified",
    then mapped when it names a candidate, inferred when it names nothing."""
    if rule not in ("exact", "wildcard", "op-support"):
        return "inferred"
    if note.lower().startswith("unverified") or status == "unknown":
        return "mapped" if target else "inferred"
    return "verified"


def _verdict(path: Path, where: str, obj: dict, rule: str, file_evidence: str = "") -> Verdict:
    status = _str(path, where, obj, "status", required=True)
    if status not in STATUSES:
        raise _err(path, where, f"field 'status': '{status}' is not one of {', '.join(STATUSES)}")
    ref = _str(path, where, obj, "ref", required=True)
    if not ref.strip():
        raise _err(path, where, "field 'ref' must not be empty")
    target, note = _str(path, where, obj, "target"), _str(path, where, obj, "note")
    evidence = _str(path, where, obj, "evidence") or file_evidence or default_evidence(rule, status, target, note)
    if evidence not in EVIDENCE:
        raise _err(path, where, f"field 'evidence': '{evidence}' is not one of {', '.join(EVIDENCE)}")
    return Verdict(status, target, note, ref, rule, evidence)


def _target_verdicts(path: Path, where: str, item: dict, backend: Backend, kind: str, key: str, rule: str,
                     base: Verdict) -> None:
    """An entry's `targets:` block: {target id: {status, target, note, ref, evidence}} replacing the row's verdict
    on that target. `ref` defaults to the row's own."""
    per = item.get("targets")
    if per is None:
        return
    if not isinstance(per, dict) or not per:
        raise _err(path, where, "field 'targets' must be a mapping of target id -> verdict")
    for tname, obj in per.items():
        twhere = f"{where} target '{tname}'"
        _check_keys(path, twhere, obj, ("status", "target", "note", "ref", "evidence"))
        try:
            tid = backend.resolve_target(str(tname))
        except TableError as exc:
            raise _err(path, twhere, str(exc)) from None
        obj = {"ref": base.ref, **obj}
        backend.target_verdicts.setdefault(tid, {"exact": {}, "wildcard": {}, "family": {}})[kind][key] = \
            _verdict(path, twhere, obj, rule)


FACT_TYPES: dict[str, type] = {"simt": bool, "warp_size": int, "bf16": bool, "fp8": bool}


def _load_targets(path: Path, backend: Backend) -> None:
    """targets.yaml: the chips of a backend with the facts that change verdicts and costs, each with its ref."""
    data = _check_keys(path, "top level", _read_yaml(path), ("description", "default", "targets"))
    items = data.get("targets") or []
    if not isinstance(items, list) or not items:
        raise _err(path, "top level", "field 'targets' must be a non-empty list")
    for i, item in enumerate(items):
        where = f"targets[{i}]"
        _check_keys(path, where, item, ("id", "name", "aliases", "description", "facts"))
        tid = _str(path, where, item, "id", required=True).lower()
        where = f"target '{tid}'"
        aliases = item.get("aliases") or []
        if not isinstance(aliases, list):
            raise _err(path, where, "field 'aliases' must be a list")
        facts_in = item.get("facts") or {}
        if not isinstance(facts_in, dict):
            raise _err(path, where, "field 'facts' must be a mapping of fact -> {value, ref}")
        facts: dict[str, tuple[Any, str]] = {}
        for fname, fobj in facts_in.items():
            fwhere = f"{where} fact '{fname}'"
            _check_keys(path, fwhere, fobj, ("value", "ref", "note"))
            if "value" not in fobj:
                raise _err(path, fwhere, "field 'value' is required")
            ref = _str(path, fwhere, fobj, "ref", required=True)
            if not ref.strip():
                raise _err(path, fwhere, "field 'ref' must not be empty")
            val = fobj["value"]
            want = FACT_TYPES.get(fname)
            if want is not None and (not isinstance(val, want) or (want is int and isinstance(val, bool))):
                raise _err(path, fwhere, f"field 'value' must be {'true or false' if want is bool else 'a whole number'}")
            facts[str(fname)] = (val, ref)
        for required in ("simt", "warp_size"):
            if required not in facts:
                raise _err(path, where, f"fact '{required}' is required")
        if tid in backend.targets:
            raise _err(path, where, "duplicate target id")
        backend.targets[tid] = Target(tid, _str(path, where, item, "name", required=True),
                                      tuple(str(a).lower() for a in aliases), _str(path, where, item, "description"),
                                      facts)
    default = _str(path, "top level", data, "default", required=True).lower()
    try:
        backend.default_target = backend.resolve_target(default)
    except TableError as exc:
        raise _err(path, "field 'default'", str(exc)) from None


def _load_families(path: Path) -> dict[str, Family]:
    data = _check_keys(path, "top level", _read_yaml(path), ("families",))
    out: dict[str, Family] = {}
    for i, item in enumerate(data.get("families") or []):
        where = f"families[{i}]"
        _check_keys(path, where, item, ("id", "category", "description", "language", "patterns"))
        fid = _str(path, where, item, "id", required=True)
        where = f"family '{fid}'"
        cat = _str(path, where, item, "category", required=True)
        if cat not in CATEGORIES:
            raise _err(path, where, f"field 'category': '{cat}' is not one of {', '.join(CATEGORIES)}")
        pats = item.get("patterns") or []
        if not isinstance(pats, list):
            raise _err(path, where, "field 'patterns' must be a list")
        for p in pats:
            try:
                re.compile(p)
            except (re.error, TypeError) as exc:
                raise _err(path, where, f"field 'patterns': bad regex {p!r}: {exc}") from None
        if fid in out:
            raise _err(path, where, "duplicate family id")
        out[fid] = Family(fid, cat, _str(path, where, item, "description"),
                          _str(path, where, item, "language", default="any"), tuple(pats))
    return out


def _load_catalog_file(path: Path, families: dict[str, Family], catalog: dict[str, CatalogEntry]) -> None:
    data = _check_keys(path, "top level", _read_yaml(path), ("family", "kind", "ref", "description", "symbols"))
    fam_default = _str(path, "top level", data, "family")
    kind_default = _str(path, "top level", data, "kind", default="identifier")
    ref_default = _str(path, "top level", data, "ref")
    symbols = data.get("symbols") or []
    if not isinstance(symbols, list):
        raise _err(path, "top level", "field 'symbols' must be a list")
    for i, item in enumerate(symbols):
        if isinstance(item, str):
            sym, fam, kind, desc, ref = item, fam_default, kind_default, "", ref_default
        else:
            where = f"symbols[{i}]"
            _check_keys(path, where, item, ("symbol", "family", "kind", "desc", "ref"))
            sym = _str(path, where, item, "symbol", required=True)
            fam = _str(path, f"symbol '{sym}'", item, "family", default=fam_default)
            kind = _str(path, f"symbol '{sym}'", item, "kind", default=kind_default)
            desc = _str(path, f"symbol '{sym}'", item, "desc")
            ref = _str(path, f"symbol '{sym}'", item, "ref", default=ref_default)
        if not fam:
            raise _err(path, f"symbol '{sym}'", "field 'family' is required (no file default)")
        if fam not in families:
            raise _err(path, f"symbol '{sym}'", f"field 'family': unknown family '{fam}' (declare it in families.yaml)")
        prev = catalog.get(sym)
        if prev is not None:
            raise _err(path, f"symbol '{sym}'", f"duplicate catalog entry (already in family '{prev.family}')")
        catalog[sym] = CatalogEntry(sym, sys.intern(fam), sys.intern(kind), desc, sys.intern(ref))


def _load_backend_meta(path: Path) -> Backend:
    data = _check_keys(path, "top level", _read_yaml(path),
                       ("id", "name", "vendor", "device", "kernel_model", "versions", "summary", "order", "op_support",
                        "renames"))
    bid = _str(path, "top level", data, "id", required=True)
    versions = data.get("versions") or {}
    if not isinstance(versions, dict):
        raise _err(path, "top level", "field 'versions' must be a mapping")
    b = Backend(bid, _str(path, "top level", data, "name", required=True), _str(path, "top level", data, "vendor"),
                _str(path, "top level", data, "device"), _str(path, "top level", data, "kernel_model"),
                {str(k): str(v) for k, v in versions.items()}, _str(path, "top level", data, "summary"),
                int(data.get("order", 100)))
    return b


def _load_backend_file(path: Path, backend: Backend, families: dict[str, Family]) -> None:
    data = _check_keys(path, "top level", _read_yaml(path),
                       ("entries", "prefixes", "families", "description", "evidence"))
    file_ev = _str(path, "top level", data, "evidence")
    if file_ev and file_ev not in EVIDENCE:
        raise _err(path, "top level", f"field 'evidence': '{file_ev}' is not one of {', '.join(EVIDENCE)}")
    for i, item in enumerate(data.get("entries") or []):
        where = f"entries[{i}]"
        _check_keys(path, where, item, ("symbol", "symbols", "status", "target", "note", "ref", "evidence",
                                        "targets"))
        if "symbol" in item:
            names = [_str(path, where, item, "symbol", required=True)]
        else:
            names = item.get("symbols")
            if not isinstance(names, list) or not names:
                raise _err(path, where, "field 'symbol' (or a non-empty 'symbols' list) is required")
        where = f"entry '{names[0]}'"
        for name in names:
            name = str(name)
            if name.endswith((".*", "::*", "/*")):
                v = _verdict(path, f"entry '{name}'", item, "wildcard", file_ev)
                backend.wildcards.append((name[:-1], v))
                _target_verdicts(path, f"entry '{name}'", item, backend, "wildcard", name[:-1], "wildcard", v)
                continue
            if name in backend.exact:
                raise _err(path, f"entry '{name}'", "duplicate entry for this backend")
            v = backend.exact[name] = _verdict(path, f"entry '{name}'", item, "exact", file_ev)
            _target_verdicts(path, f"entry '{name}'", item, backend, "exact", name, "exact", v)
    for i, item in enumerate(data.get("prefixes") or []):
        where = f"prefixes[{i}]"
        _check_keys(path, where, item, ("from", "to", "families", "status", "note", "ref", "evidence", "confirm"))
        fams = item.get("families") or []
        if not isinstance(fams, list) or not fams:
            raise _err(path, where, "field 'families' must be a non-empty list")
        for f in fams:
            if f not in families:
                raise _err(path, where, f"field 'families': unknown family '{f}'")
        confirm = _str(path, where, item, "confirm")
        if confirm not in ("", "renames"):
            raise _err(path, where, "field 'confirm' must be 'renames' (the backend.yaml whole-name map)")
        backend.prefixes.append(PrefixRule(_str(path, where, item, "from", required=True),
                                           _str(path, where, item, "to", required=True, default=""),
                                           tuple(fams), _verdict(path, where, item, "prefix"), bool(confirm)))
    for i, item in enumerate(data.get("families") or []):
        where = f"families[{i}]"
        _check_keys(path, where, item, ("family", "status", "target", "note", "ref", "evidence", "targets"))
        fid = _str(path, where, item, "family", required=True)
        if fid not in families:
            raise _err(path, f"family default '{fid}'", "unknown family (declare it in catalog/families.yaml)")
        if fid in backend.family_defaults:
            raise _err(path, f"family default '{fid}'", "duplicate family default for this backend")
        v = backend.family_defaults[fid] = _verdict(path, f"family default '{fid}'", item, "family")
        _target_verdicts(path, f"family default '{fid}'", item, backend, "family", fid, "family", v)


def _load_op_support(path: Path, backend: Backend) -> None:
    """Read a vendor torch-API support list: columns api, supported, limitations (optional), equivalent (optional),
    ref, targets (optional: `950=false;910c=true`, the support on other hardware targets than the row's)."""
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            for n, row in enumerate(reader, start=2):
                api = (row.get("api") or "").strip()
                sup = (row.get("supported") or "").strip().lower()
                if not api or sup not in ("true", "false", "unverified"):
                    raise _err(path, f"row {n}", "needs 'api' and 'supported' (true/false/unverified)")
                limits = (row.get("limitations") or "").strip()
                ref = (row.get("ref") or "").strip() or f"{backend.id} op support list ({path.name})"
                equiv = (row.get("equivalent") or "").strip()
                for item in (row.get("targets") or "").split(";"):
                    if not item.strip():
                        continue
                    tname, _, tsup = item.partition("=")
                    try:
                        tid = backend.resolve_target(tname.strip())
                    except TableError as exc:
                        raise _err(path, f"row {n}", f"column 'targets': {exc}") from None
                    if tsup.strip() not in ("true", "false"):
                        raise _err(path, f"row {n}", "column 'targets': write TARGET=true or TARGET=false")
                    name = backend.targets[tid].name
                    backend.op_support_targets.setdefault(tid, {})[api] = (
                        Verdict("missing", equiv, f"listed as unsupported on {name} by the vendor", ref, "op-support",
                                "verified") if tsup.strip() == "false" else
                        (Verdict("partial", equiv or api, limits, ref, "op-support", "verified") if limits else None))
                if sup == "false":
                    backend.op_support[api] = Verdict("missing", equiv, "listed as unsupported by the vendor"
                                                      + (f": {limits}" if limits else ""), ref, "op-support",
                                                      "verified")
                elif sup == "unverified":  # the vendor's list says "false" where false means "not verified"
                    backend.op_support[api] = Verdict("unknown", equiv, limits or "the vendor has not verified this "
                                                      "API on the device: check it", ref, "op-support", "mapped")
                elif limits:
                    backend.op_support[api] = Verdict("partial", equiv or api, limits, ref, "op-support", "verified")
    except OSError as exc:
        raise TableError(f"{path}: cannot read: {exc}") from None


def _load_renames(path: Path, backend: Backend) -> None:
    """A vendor tool's whole-name map: CSV with cuda_name, vendor_name, source (lines starting with # are notes)."""
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.reader(line for line in fh if not line.startswith("#"))
            head = next(reader, None)
            if head != ["cuda_name", "vendor_name", "source"]:
                raise _err(path, "header", "columns must be cuda_name,vendor_name,source")
            for n, row in enumerate(reader, start=2):
                if len(row) != 3 or not row[0] or not row[1]:
                    raise _err(path, f"row {n}", "needs cuda_name, vendor_name and source")
                backend.renames.setdefault(sys.intern(row[0]), (sys.intern(row[1]), sys.intern(row[2])))
    except OSError as exc:
        raise TableError(f"{path}: cannot read: {exc}") from None


def _table_files(dirs: list[Path]) -> list[Path]:
    files: list[Path] = []
    for d in dirs:
        for p in sorted(d.rglob("*")):
            if p.suffix in (".yaml", ".yml", ".csv") and p.is_file():
                files.append(p)
    return files


def tables_fingerprint(dirs: list[Path]) -> str:
    h = hashlib.sha256(str(TABLES_FORMAT).encode())
    here = Path(__file__).resolve().parent
    for src in (here / "tables.py", here / "effort.py"):  # the loaders: a changed loader never serves old tables
        try:
            h.update(src.read_bytes())
        except OSError:
            pass
    for p in _table_files(dirs):
        st = p.stat()
        h.update(f"{p}\0{st.st_size}\0{st.st_mtime_ns}\0".encode())
    return h.hexdigest()[:20]


def content_fingerprint(dirs: list[Path]) -> str:
    """Hash of the tables' content: the 'mapping table version' printed in reports."""
    h = hashlib.sha256()
    for d in dirs:
        for p in _table_files([d]):
            h.update(p.relative_to(d).as_posix().encode() + b"\0" + p.read_bytes())
    return h.hexdigest()[:12]


def load_tables(extra_dirs: Iterable[Path] = (), cache_dir: Path | None = None) -> Tables:
    """Load the built-in tables plus a team's extra folders (same layout, merged over the built-ins)."""
    dirs = [data_dir("mappings")] + [Path(d) for d in extra_dirs]
    for d in dirs[1:]:
        if not d.is_dir():
            raise TableError(f"{d}: mapping folder does not exist")
    key = tables_fingerprint(dirs)
    cache_file = (cache_dir / f"tables-{key}.pickle") if cache_dir else None
    if cache_file is not None and cache_file.is_file():
        import gc
        gc.disable()  # the loader creates ~100k objects; collection passes would triple the load time
        try:
            with cache_file.open("rb") as fh:
                tables = pickle.load(fh)  # noqa: S301 - our own cache file
            if isinstance(tables, Tables):
                tables.finalize()
                return tables
        except Exception:  # a corrupt cache is rebuilt, never trusted
            pass
        finally:
            gc.enable()
    tables = _load_uncached(dirs)
    tables.fingerprint = content_fingerprint(dirs)
    if cache_file is not None:
        try:
            cache_file.parent.mkdir(parents=True, exist_ok=True)
            tmp = cache_file.with_suffix(f".{os.getpid()}.tmp")
            with tmp.open("wb") as fh:
                pickle.dump(tables, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, cache_file)
            for old in cache_file.parent.glob("tables-*.pickle"):  # earlier table versions: never read again
                if old != cache_file:
                    try:
                        old.unlink()
                    except OSError:
                        pass
        except OSError:
            pass
    return tables


def _load_uncached(dirs: list[Path]) -> Tables:
    families: dict[str, Family] = {}
    catalog: dict[str, CatalogEntry] = {}
    backends: dict[str, Backend] = {}
    for d in dirs:
        fam_file = d / "catalog" / "families.yaml"
        if fam_file.is_file():
            for fid, fam in _load_families(fam_file).items():
                families[fid] = fam  # a team's folder may redefine a family
    if not families:
        raise TableError(f"{dirs[0]}: catalog/families.yaml is missing or empty")
    for d in dirs:
        cat_dir = d / "catalog"
        if cat_dir.is_dir():
            for p in sorted(cat_dir.glob("*.y*ml")):
                if p.name != "families.yaml":
                    _load_catalog_file(p, families, catalog)
        for bdir in sorted(x for x in d.iterdir() if x.is_dir() and (x / "backend.yaml").is_file()):
            meta = _load_backend_meta(bdir / "backend.yaml")
            backend = backends.get(meta.id)
            if backend is None:
                backend = backends[meta.id] = meta
            else:  # a team folder for a known backend: later entries override earlier ones
                backend.versions.update(meta.versions)
            if (bdir / "targets.yaml").is_file():
                _load_targets(bdir / "targets.yaml", backend)
            overlay = Backend(meta.id, meta.name, targets=backend.targets, default_target=backend.default_target)
            for p in sorted(bdir.glob("*.y*ml")):
                if p.name not in ("backend.yaml", "targets.yaml", "strategies.yaml"):  # strategies: effort.py
                    _load_backend_file(p, overlay, families)
            for tid, kinds in overlay.target_verdicts.items():
                mine = backend.target_verdicts.setdefault(tid, {"exact": {}, "wildcard": {}, "family": {}})
                for kind, rows in kinds.items():
                    mine[kind].update(rows)
            backend.exact.update(overlay.exact)
            backend.wildcards = overlay.wildcards + backend.wildcards
            backend.prefixes = overlay.prefixes + backend.prefixes
            backend.family_defaults.update(overlay.family_defaults)
            raw = _read_yaml(bdir / "backend.yaml") or {}
            ops = raw.get("op_support") or []
            for name in ([ops] if isinstance(ops, str) else ops):
                _load_op_support(bdir / str(name), backend)
            ren = raw.get("renames") or []
            for name in ([ren] if isinstance(ren, str) else ren):
                _load_renames(bdir / str(name), backend)
    tables = Tables(families, catalog, sorted(backends.values(), key=lambda b: (b.order, b.id)))
    if (dirs[0] / "effort.yaml").is_file():
        from .effort import read_weights
        tables.effort_weights = read_weights(dirs[0] / "effort.yaml")
    tables.finalize()
    return tables
