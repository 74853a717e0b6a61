"""The effort model: verdicts and kernel infos in, engineer-hours with a range and line items out."""
from __future__ import annotations

import copy
import math
from collections import defaultdict
from pathlib import Path
from typing import Any, Iterable

from .model import Finding, KernelInfo
from .tables import CATEGORIES, TableError, Tables, data_dir

_WEIGHTS_CACHE: dict[str, Any] | None = None


def read_weights(path: Path) -> dict[str, Any]:
    import yaml  # here: a scan with compiled tables has the weights already

    try:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: ~10x faster, same result
        return yaml.load(path.read_text(encoding="utf-8"), Loader=loader)  # noqa: S506 - a safe loader
    except (OSError, yaml.YAMLError) as exc:
        raise TableError(f"{path}: cannot load effort weights: {exc}") from None


def load_weights(overrides: dict[str, Any] | None = None, base: dict[str, Any] | None = None) -> dict[str, Any]:
    """The built-in weights (mappings/effort.yaml, or `base`: the copy compiled with the tables) with a user's
    overrides merged in."""
    global _WEIGHTS_CACHE
    if base is None:
        if _WEIGHTS_CACHE is None:
            _WEIGHTS_CACHE = read_weights(data_dir("mappings") / "effort.yaml")
        base = _WEIGHTS_CACHE
    weights = copy.deepcopy(base)
    if overrides:
        _merge(weights, overrides, "effort")
    _validate(weights)
    return weights


def _merge(base: dict, over: dict, where: str) -> None:
    for key, val in over.items():
        if key not in base:
            raise TableError(f"effort weights: unknown key '{where}.{key}'")
        if isinstance(base[key], dict) and isinstance(val, dict):
            _merge(base[key], val, f"{where}.{key}")
        else:
            base[key] = val


def _number(x: Any, where: str) -> float:
    if isinstance(x, bool) or not isinstance(x, (int, float)) or math.isnan(x) or x < 0:
        raise TableError(f"effort weights: '{where}' must be a non-negative number, got {x!r}")
    return float(x)


def _validate(w: dict) -> None:
    _number(w["hours_per_day"], "hours_per_day")
    if w["hours_per_day"] == 0:
        raise TableError("effort weights: 'hours_per_day' must be positive")
    for key in ("learn_hours", "edit_minutes"):
        for status, val in w[key].items():
            _number(val, f"{key}.{status}")
    for cat, pair in w["range"].items():
        if not (isinstance(pair, list) and len(pair) == 2):
            raise TableError(f"effort weights: 'range.{cat}' must be [low, high]")
        lo, hi = _number(pair[0], f"range.{cat}[0]"), _number(pair[1], f"range.{cat}[1]")
        if lo > 1 or hi < 1:
            raise TableError(f"effort weights: 'range.{cat}' must satisfy low <= 1 <= high")


def _item(category: str, what: str, count: float, weight: float, unit: str, hours: float,
          rng: tuple[float, float], mechanical: bool = False, **extra: Any) -> dict[str, Any]:
    return {"category": category, "what": what, "count": count, "weight": weight, "unit": unit,
            "hours": round(hours, 4), "low": round(hours * rng[0], 4), "high": round(hours * rng[1], 4),
            "mechanical": mechanical, **extra}


def kernel_cost(kernel: KernelInfo, recipe: dict[str, Any]) -> tuple[float, list[str]]:
    """Hours for one kernel under a recipe (simd rewrite or simt review) and the reasons."""
    hours = recipe["base_hours"] + recipe["hours_per_line"] * kernel.lines
    why = [f"base {recipe['base_hours']} h", f"{kernel.lines} lines x {recipe['hours_per_line']} h"]
    for feat in kernel.features:
        w = recipe["features"].get(feat, 0)
        if w:
            hours += w
            why.append(f"{feat} +{w} h")
    return hours, why


def estimate_effort(findings: Iterable[Finding], kernels: Iterable[KernelInfo], tables: Tables,
                    backend_ids: tuple[str, ...], overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Per backend: total hours, low/high, person-days, mechanical share, breakdown, line items, top files/kernels."""
    w = load_weights(overrides, tables.effort_weights)
    findings = list(findings)
    kernels = list(kernels)
    out: dict[str, Any] = {}
    for bid in backend_ids:
        backend = tables.backend(bid)
        recipe_name = "simd" if backend.kernel_model == "simd" else "simt"
        recipe = w["kernels"][recipe_name]
        rewrite = recipe_name == "simd"
        items: list[dict[str, Any]] = []
        kernel_files = {k.path for k in kernels}
        file_hours: dict[str, float] = defaultdict(float)
        ties = renames = 0
        status_counts = {s: 0 for s in ("rename", "adapt", "partial", "missing", "unknown")}
        # --- per-use and per-symbol costs
        uses_by: dict[tuple[str, str], int] = defaultdict(int)
        symbols_by: dict[tuple[str, str], set[str]] = defaultdict(set)
        deps: dict[str, set[str]] = defaultdict(set)
        build_triggers: set[str] = set()
        distributed = False
        for f in findings:
            v = f.verdict(bid)
            if v is None:
                continue
            ties += 1
            status_counts[v.status] += 1
            renames += v.status == "rename"
            fam = f.use.family
            cat = tables.category_of(fam)
            if cat == "distributed":
                distributed = True
            top = fam.split(".")[0]
            if fam.startswith("python-package."):
                deps[".".join(fam.split(".")[:2])].add(f.use.symbol)
            elif fam == "build.requirements":
                deps["build.requirements"].add(f.use.symbol)
            if fam in w["fixed"]["build"] or top in w["fixed"]["build"]:
                build_triggers.add(fam if fam in w["fixed"]["build"] else top)
            if rewrite and (f.use.in_kernel or (cat == "custom-kernels" and f.use.path in kernel_files)):
                continue  # priced by the kernel rewrite below (kernel bodies and the device helpers beside them)
            uses_by[(cat, v.status)] += 1
            symbols_by[(cat, v.status)].add(f.use.symbol)
            file_hours[f.use.path] += w["edit_minutes"][v.status] / 60.0
        for (cat, status), n in sorted(uses_by.items()):
            rng = tuple(w["range"]["unknown"] if status == "unknown" else w["range"].get(cat, w["range"]["default"]))
            nsym = len(symbols_by[(cat, status)])
            if cat != "cuda-only-deps":  # learning a package's replacement is priced by its dependency item
                lw = w["learn_hours"][status]
                items.append(_item(cat, f"learn and decide: distinct {status} symbols", nsym, lw, "h/symbol",
                                   nsym * lw, rng, status="learn-" + status, symbols=sorted(symbols_by[(cat, status)])))
            ew = w["edit_minutes"][status]
            items.append(_item(cat, f"edit {status} uses", n, ew, "min/use", n * ew / 60.0, rng,
                               mechanical=status == "rename", status=status))
        # --- kernels
        krng = tuple(w["range"]["custom-kernels"])
        top_kernels = []
        for k in kernels:
            hours, why = kernel_cost(k, recipe)
            verb = "rewrite" if rewrite else "review"
            items.append(_item("custom-kernels", f"{verb} kernel {k.name} ({k.path}:{k.line})", 1, round(hours, 4),
                               "h/kernel", hours, krng, kernel=k.name, path=k.path, line=k.line, why=why))
            file_hours[k.path] += hours
            top_kernels.append({"name": k.name, "path": k.path, "line": k.line, "lines": k.lines,
                                "features": list(k.features), "hours": round(hours, 2), "action": verb})
        # --- fixed costs
        if ties:
            fx = w["fixed"]["environment-ci"]
            items.append(_item("build", "environment and CI set-up", 1, fx["hours"], "h", fx["hours"],
                               tuple(w["range"]["default"]), what_detail=fx["what"]))
        if distributed:
            fx = w["fixed"]["distributed-switch"]
            items.append(_item("distributed", "distributed backend switch", 1, fx["hours"], "h", fx["hours"],
                               tuple(w["range"]["default"]), what_detail=fx["what"]))
        for trig in sorted(build_triggers):
            fx = w["fixed"]["build"][trig]
            h = float(fx.get(bid, max(v for k, v in fx.items() if k != "what")))
            items.append(_item("build", f"build system: {trig}", 1, h, "h", h, tuple(w["range"]["default"]),
                               what_detail=fx["what"]))
        drng = tuple(w["range"]["cuda-only-deps"])
        for dep in sorted(deps):
            fx = w["dependencies"].get(dep)
            if fx is None:
                continue
            h = float(fx.get(bid, max(v for k, v in fx.items() if k != "what")))
            count = len(deps[dep]) if dep == "build.requirements" else 1
            items.append(_item("cuda-only-deps", f"replace dependency {dep.split('.', 1)[-1]}", count, h,
                               "h/dependency", h * count, drng, what_detail=fx["what"],
                               symbols=sorted(deps[dep])))
        total = sum(i["hours"] for i in items)
        low = sum(i["low"] for i in items)
        high = sum(i["high"] for i in items)
        mech = sum(i["hours"] for i in items if i["mechanical"])
        by_cat = {c: 0.0 for c in CATEGORIES}
        for i in items:
            by_cat[i["category"]] = by_cat.get(i["category"], 0.0) + i["hours"]
        top_files = sorted(file_hours.items(), key=lambda t: (-t[1], t[0]))[:15]
        top_kernels.sort(key=lambda k: (-k["hours"], k["path"], k["line"]))
        out[bid] = {
            "hours": round(total, 2), "low": round(low, 2), "high": round(high, 2),
            "person_days": round(total / w["hours_per_day"], 2),
            "person_days_low": round(low / w["hours_per_day"], 2),
            "person_days_high": round(high / w["hours_per_day"], 2),
            "mechanical_hours": round(mech, 2),
            "mechanical_share": round(mech / total, 4) if total else 0.0,
            "readiness": round(100.0 * renames / ties, 1) if ties else 100.0,
            "ties": ties, "status_counts": status_counts,
            "kernel_action": "rewrite" if rewrite else "review",
            "by_category": {k: round(v, 2) for k, v in by_cat.items()},
            "top_files": [{"path": p, "hours": round(h, 2)} for p, h in top_files],
            "top_kernels": top_kernels[:15],
            "line_items": items,
        }
    out["_assumptions"] = {"hours_per_day": w["hours_per_day"], "learn_hours": w["learn_hours"],
                           "edit_minutes": w["edit_minutes"], "range": w["range"], "kernels": w["kernels"],
                           "fixed": w["fixed"], "dependencies": w["dependencies"]}
    return out
