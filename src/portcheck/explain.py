"""`portcheck explain` and `portcheck mappings`: ask the tables directly."""
from __future__ import annotations

import difflib
import json
from typing import Any, Iterable

from .model import STATUSES
from .tables import CatalogEntry, TableError, Tables


def _resolve(tables: Tables, symbol: str) -> tuple[CatalogEntry | None, str]:
    """Catalog entry and family for a symbol; family may come from patterns or dotted parents."""
    entry = tables.catalog.get(symbol)
    if entry is not None:
        return entry, entry.family
    fam = tables.family_of(symbol)
    if not fam and symbol in tables.op_gap_apis:  # a PyTorch operator an op-support list names (engine: torch-op)
        fam = "torch-op"
    if not fam:
        probe = symbol
        while "." in probe and not fam:
            probe = probe.rpartition(".")[0]
            if probe in tables.families:
                fam = probe
            elif probe in tables.catalog and tables.catalog[probe].kind == "package":
                fam = tables.catalog[probe].family
    if not fam and symbol.startswith(("NCCL_", "TORCH_NCCL_")):  # NCCL's environment variables, as the Python
        fam = "env.nccl"                                         # scanner files them (pyrules.Rules.family)
    if not fam:
        fam = _namespace_family(tables, symbol)
    return None, fam


def _namespace_family(tables: Tables, symbol: str) -> str:
    """The family of a C++ name or header the catalog does not list, from its namespace or include folder, as the
    CUDA scanner assigns it (`cub::BlockReduce` -> cub, `ATen/cuda/detail/IndexUtils.cuh` -> torch-cpp.cuda)."""
    from .scanners.cuda_names import INCLUDE_FOLDERS, namespace_family

    fam = namespace_family(symbol)
    if fam:
        return fam
    for prefix, fam in INCLUDE_FOLDERS:
        if symbol.startswith(prefix):
            return fam
    return ""


def explain_data(tables: Tables, symbol: str) -> dict[str, Any]:
    entry, fam = _resolve(tables, symbol)
    known = entry is not None or bool(fam)
    out: dict[str, Any] = {"symbol": symbol, "in_catalog": entry is not None, "recognised": known,
                           "family": fam, "kind": entry.kind if entry else "", "description": entry.desc if entry else "",
                           "category": tables.category_of(fam) if fam else "", "ref": entry.ref if entry else "",
                           "verdicts": {}, "suggestions": []}
    if known and fam == "torch-op":
        _explain_op(tables, symbol, out)
    elif known:
        for b in tables.backends:
            v = b.lookup(symbol, fam, entry is not None)
            gap = b.op_gap(symbol)
            out["verdicts"][b.id] = {"status": v.status, "target": v.target, "note": v.note, "ref": v.ref,
                                     "rule": v.rule, "evidence": v.evidence, "backend": b.name,
                                     "versions": b.versions}
            if b.targets:
                t = b.target_facts()
                out["verdicts"][b.id]["hardware_target"] = {"id": t["id"], "name": t["name"],
                                                            "default": t["default"]}
                per = b.target_differences(symbol, fam, entry is not None)
                if len({(x.status, x.target, x.note) for x in per.values()}) > 1:  # the chips disagree
                    out["verdicts"][b.id]["by_target"] = {
                        tid: {"name": b.targets[tid].name, "status": x.status, "target": x.target, "note": x.note,
                              "ref": x.ref, "evidence": x.evidence} for tid, x in per.items()}
            if gap is not None:
                out["verdicts"][b.id]["op_support"] = {"status": gap.status, "note": gap.note, "ref": gap.ref}
    else:
        pool = list(tables.catalog)
        out["suggestions"] = difflib.get_close_matches(symbol, pool, n=6, cutoff=0.75)
        if not out["suggestions"]:
            low = symbol.lower()
            out["suggestions"] = sorted(s for s in pool if low in s.lower())[:6]
    return out


def _explain_op(tables: Tables, symbol: str, out: dict[str, Any]) -> None:
    """A PyTorch operator from the backends' operator-gap lists: a verdict where a list names it (as a scan
    reports it); a backend whose list does not name it has no gap on record."""
    out["kind"] = "torch-op"
    out["description"] = "PyTorch operator; verdicts come from each backend's operator-support (gap) list"
    for b in tables.backends:
        v = b.op_gap(symbol)
        if v is None:
            out.setdefault("no_gap_listed", []).append(b.id)
            continue
        out["verdicts"][b.id] = {"status": v.status, "target": v.target, "note": v.note, "ref": v.ref,
                                 "rule": "op-support", "evidence": getattr(v, "evidence", ""), "backend": b.name,
                                 "versions": b.versions}


EXIT_UNKNOWN_NAME = 3  # distinct from 1 (check found ties) and 2 (usage or configuration error)


def explain_symbol(tables: Tables, symbol: str, fmt: str) -> int:
    """Print the explanation; exit code 0 when the symbol is known, EXIT_UNKNOWN_NAME (3) when it is not."""
    data = explain_data(tables, symbol)
    if fmt == "json":
        print(json.dumps(data, indent=1, ensure_ascii=False))
        return 0 if data["recognised"] else EXIT_UNKNOWN_NAME
    if not data["recognised"]:
        print(f"{symbol}: not in the portcheck catalog of CUDA names.")
        if data["suggestions"]:
            print("Did you mean: " + ", ".join(data["suggestions"]) + "?")
        return EXIT_UNKNOWN_NAME
    head = f"{symbol}  [{data['family']}"
    head += f", {data['kind']}]" if data["kind"] else "]"
    if data["description"]:
        head += f"  {data['description']}"
    if not data["in_catalog"]:
        head += "  (not listed in the catalog; recognised by its family)"
    print(head)
    for bid, v in data["verdicts"].items():
        vers = ", ".join(f"{k} {val}" for k, val in v["versions"].items())
        chip = f"  [{v['hardware_target']['name']}]" if "hardware_target" in v else ""
        print(f"  {bid:<8} {v['status']:<8} {v['target'] or '-'}{chip}")
        if v["note"]:
            print(f"           {v['note']}")
        groups: dict[tuple[str, str, str], list[str]] = {}  # chips whose verdict differs from the selected one
        for tid, tv in v.get("by_target", {}).items():
            if (tv["status"], tv["target"], tv["note"]) != (v["status"], v["target"], v["note"]):
                groups.setdefault((tv["status"], tv["target"], tv["note"]), []).append(tid)
        for (status, target, note), tids in groups.items():
            tv = v["by_target"][tids[0]]
            print(f"           on {', '.join(f'{bid}:{t}' for t in tids)}: {status}" + (f" → {target}" if target else "")
                  + (f": {note}" if note else "") + f"  (source: {tv['ref']})")
        if "op_support" in v:
            print(f"           op support: {v['op_support']['status']}: {v['op_support']['note']}")
        print(f"           source: {v['ref'] or 'none'} · evidence: {v['evidence']} · tables for {v['backend']} ({vers})")
    if data.get("no_gap_listed"):
        print(f"  {', '.join(data['no_gap_listed'])}: not in the operator-gap list, so no known gap (a scan reports "
              "no verdict there)")
    if any("vendor-apis.md" in v["ref"] for v in data["verdicts"].values()):
        print(SOURCES_HINT)
    return 0


SOURCES_HINT = ("  'vendor-apis.md #N [K]' is row N of the mapping research and source key K: both are listed in "
                "docs/sources.md")


def _rows(tables: Tables, backends: Iterable[str], family: str | None, status: str | None):
    bids = list(backends) or [b.id for b in tables.backends]
    for b in bids:
        tables.backend(b)
    if family and family not in tables.families:
        raise TableError(f"unknown family '{family}'")
    if status and status not in STATUSES:
        raise TableError(f"unknown status '{status}'")
    for sym in sorted(tables.catalog):
        e = tables.catalog[sym]
        if family and not (e.family == family or e.family.startswith(family + ".")):
            continue
        verdicts = {b: tables.backend(b).lookup(sym, e.family) for b in bids}
        if status and not any(v.status == status for v in verdicts.values()):
            continue
        yield e, verdicts


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def browse(tables: Tables, backends: Iterable[str], family: str | None, status: str | None, fmt: str) -> str:
    rows = list(_rows(tables, backends, family, status))
    bids = list(backends) or [b.id for b in tables.backends]
    if fmt == "json":
        return json.dumps([{"symbol": e.symbol, "family": e.family, "kind": e.kind, "desc": e.desc,
                            "verdicts": {b: {"status": v.status, "target": v.target, "note": v.note, "ref": v.ref,
                                             "rule": v.rule} for b, v in vs.items()}} for e, vs in rows],
                          indent=1, ensure_ascii=False) + "\n"
    if fmt == "md":
        out = ["# Supported CUDA APIs by backend", "",
               "Generated by `portcheck mappings --format md`; do not edit by hand.", ""]
        for b in bids:
            be = tables.backend(b)
            out.append(f"- **{b}**: {be.name} (" + ", ".join(f"{k} {v}" for k, v in be.versions.items()) + ")")
        out += ["", "Status: rename = same semantics, new name; adapt = equivalent with different arguments or "
                    "semantics; partial = subset / some hardware; missing = no equivalent; unknown = not covered.", ""]
        current = None
        for e, vs in rows:
            if e.family != current:
                current = e.family
                head = "| CUDA | kind | " + " | ".join(f"{b} | {b} target" for b in bids) + " | notes |"
                out += ["", f"## {current}", "", head, "|" + "---|" * (2 + 2 * len(bids) + 1)]
            notes = "; ".join(f"{b}: {v.note}" for b, v in vs.items() if v.note and v.rule == "exact")
            cells = " | ".join(f"{v.status} | {_md_cell(v.target)}" for v in vs.values())
            out.append(f"| `{_md_cell(e.symbol)}` | {e.kind} | {cells} | {_md_cell(notes)} |")
        return "\n".join(out) + "\n"
    lines = []
    for e, vs in rows:
        lines.append(f"{e.symbol:<48} {e.family:<24} " + "  ".join(
            f"{b}:{v.status}{'→' + v.target if v.target else ''}" for b, v in vs.items()))
    lines.append(f"({len(rows)} symbols)")
    return "\n".join(lines) + "\n"
