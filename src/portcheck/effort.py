"""The effort model: findings, kernels and project signals in; per backend a *working port* figure and a *kernel
parity* figure, each with a low-high range, and every hour on a line item (docs/effort-model.md)."""
from __future__ import annotations

import copy
import math
import re
from collections import defaultdict
from pathlib import Path
from typing import Any, Callable, Iterable, NamedTuple

from .model import ApiUse, Finding, KernelInfo
from .tables import CATEGORIES, TableError, Tables, data_dir

_WEIGHTS_CACHE: dict[str, Any] | None = None

PHASES: tuple[str, ...] = ("working", "parity", "aux")
# Families of device code: on a backend whose kernels are not kept as they are, their uses outside kernel bodies
# (in __device__ helpers) are rewritten together with the kernels, i.e. they belong to kernel parity.
DEVICE_FAMILIES: tuple[str, ...] = ("kernel", "cuda-math", "cub", "thrust", "libcudacxx", "cutlass")
STRATEGIES: tuple[str, ...] = ("vendor-op", "review", "adapt", "torch-composite", "fallback", "rewrite")
_PREFERENCE = {s: i for i, s in enumerate(STRATEGIES)}  # ties go to the most native strategy


def read_weights(path: Path) -> dict[str, Any]:
    """effort.yaml, with the kernel-job taxonomy (kernel_jobs.yaml beside it) and each backend folder's
    strategies.yaml attached under `_jobs` and `_strategies`."""
    import yaml  # here: a scan with compiled tables has the weights already

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: ~10x faster, same result
    try:
        weights = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)  # noqa: S506 - a safe loader
        jobs_path = path.parent / "kernel_jobs.yaml"
        jobs = yaml.load(jobs_path.read_text(encoding="utf-8"), Loader=loader) if jobs_path.is_file() else {}  # noqa: S506
        strategies: dict[str, Any] = {}
        for sp in sorted(path.parent.glob("*/strategies.yaml")):
            data = yaml.load(sp.read_text(encoding="utf-8"), Loader=loader) or {}  # noqa: S506
            strategies[sp.parent.name] = data.get("strategies") or {}
    except (OSError, yaml.YAMLError) as exc:
        raise TableError(f"{path}: cannot load effort weights: {exc}") from None
    if not isinstance(weights, dict):
        raise TableError(f"{path}: effort weights must be a mapping")
    weights["_jobs"] = (jobs or {}).get("jobs") or []
    weights["_strategies"] = strategies
    return weights


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
        if key not in base or key.startswith("_"):
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
    _number(w["further_symbol_share"], "further_symbol_share")
    if w["further_symbol_share"] > 1:
        raise TableError("effort weights: 'further_symbol_share' must be at most 1")
    for key in ("category_learn_hours", "category_edit_minutes"):
        for cat, row in w[key].items():
            for status, val in row.items():
                _number(val, f"{key}.{cat}.{status}")
    for key in ("alternatives_share", "use_minutes"):
        _number(w["dependency_rules"][key], f"dependency_rules.{key}")
    for kind, val in w["renames"]["per_file_minutes"].items():
        _number(val, f"renames.per_file_minutes.{kind}")
    for kind, val in w["renames"]["pass_hours"].items():
        _number(val, f"renames.pass_hours.{kind}")
    st = w["strategies"]
    for key in ("extra_kernel_hours", "fallback_hours", "optional_ops_hours"):
        _number(st[key], f"strategies.{key}")
    for key, val in st["parity_share"].items():
        _number(val, f"strategies.parity_share.{key}")
    for key, pats in w["paths"].items():
        if not (isinstance(pats, list) and all(isinstance(p, str) for p in pats)):
            raise TableError(f"effort weights: 'paths.{key}' must be a list of gitignore patterns")
    for fam, row in w["grouped"].items():
        for k, v in row.items():
            if k != "what":
                _number(v, f"grouped.{fam}.{k}")


def _item(category: str, what: str, count: float, weight: float, unit: str, hours: float,
          rng: tuple[float, float], mechanical: bool = False, phase: str = "working", **extra: Any) -> dict[str, Any]:
    return {"category": category, "what": what, "count": count, "weight": weight, "unit": unit,
            "hours": round(hours, 4), "low": round(hours * rng[0], 4), "high": round(hours * rng[1], 4),
            "mechanical": mechanical, "phase": phase, **extra}


def kernel_cost(kernel: KernelInfo, recipe: dict[str, Any]) -> tuple[float, list[str]]:
    """Hours to rewrite one kernel under the simd recipe, and the reasons."""
    hours = recipe["base_hours"] + recipe["hours_per_line"] * kernel.lines
    why = [f"base {recipe['base_hours']} h", f"{kernel.lines} lines x {recipe['hours_per_line']} h"]
    for feat in kernel.features:
        w = recipe["features"].get(feat, 0)
        if w:
            hours += w
            why.append(f"{feat} +{w} h")
    return hours, why


def unit_review_cost(kernels: list[KernelInfo], recipe: dict[str, Any], warp_size: int = 0) -> tuple[float, list[str]]:
    """Hours to review (or adapt) a unit's kernels as SIMT code: base per kernel, lines, each feature once."""
    n = len(kernels)
    lines = sum(k.lines for k in kernels)
    hours = recipe["base_hours"] * n + recipe.get("hours_per_line", 0) * lines
    why = [f"{n} kernel(s) x {recipe['base_hours']} h"]
    if recipe.get("hours_per_line"):
        why.append(f"{lines} lines x {recipe['hours_per_line']} h")
    feats = sorted({f for k in kernels for f in k.features})
    for feat in feats:
        if warp_size == 32 and feat in ("warp-size-32", "full-lane-mask"):
            why.append(f"{feat}: no cost on a 32-lane warp")
            continue
        w = recipe["features"].get(feat, 0)
        if w:
            hours += w
            why.append(f"{feat} +{w} h")
    return hours, why


# ---------------------------------------------------------------------------------------------------- project


class Job(NamedTuple):
    id: str
    description: str
    name: re.Pattern[str]
    path: re.Pattern[str]
    composite: bool
    vendor_op_hours: float
    composite_hours: float


def compile_jobs(raw: list[dict[str, Any]]) -> list[Job]:
    """The taxonomy as compiled patterns (re caches the compiled expressions between estimates)."""
    jobs = []
    for j in raw:
        try:
            jobs.append(Job(j["id"], j.get("description", ""), re.compile(j["name"], re.I),
                            re.compile(j["path"], re.I), bool(j.get("composite")),
                            float(j.get("vendor_op_hours", 0)), float(j.get("composite_hours", 0))))
        except (KeyError, re.error, TypeError, ValueError) as exc:
            raise TableError(f"kernel_jobs.yaml: job {j.get('id', '?')!r}: {exc}") from None
    if not any(j.id == "other" for j in jobs):
        jobs.append(Job("other", "anything else", re.compile("$^"), re.compile("$^"), False, 8.0, 0.0))
    return jobs


def classify_kernel(name: str, path: str, jobs: list[Job]) -> tuple[str, str]:
    """(job id, why): the first job whose name pattern matches the kernel's name, else whose path pattern matches
    the file's path, else `other`."""
    base = name.rpartition("::")[2].split("<")[0]
    for j in jobs:
        if j.name.search(base):
            return j.id, f"name '{base}' matches {j.id}"
    for j in jobs:
        if j.path.search(path):
            return j.id, f"path '{path}' matches {j.id}"
    return "other", "no job pattern matched"


class Unit(NamedTuple):
    path: str
    job: str
    why: str
    kernels: tuple[KernelInfo, ...]
    phase: str  # working | aux
    optional: str  # non-empty: why a working port may leave it out
    host_only: bool = False  # a .cu/.cuh file with host code and no kernel: one op, classified by its path


class Project:
    """What does not depend on the backend: path classes, excluded code, abstractions, kernel units."""

    def __init__(self, kernels: list[KernelInfo], markers: Iterable[ApiUse], w: dict[str, Any],
                 findings: Iterable[Finding] = ()) -> None:
        from .discover import gitignore_matcher

        paths = w["paths"]
        self._platform = gitignore_matcher(paths.get("platform") or []) if paths.get("platform") else None
        self._aux = gitignore_matcher(paths.get("auxiliary") or []) if paths.get("auxiliary") else None
        self._optional = gitignore_matcher(paths.get("optional") or []) if paths.get("optional") else None
        self.rocm: dict[str, list[tuple[int, int]]] = defaultdict(list)
        self.abstractions: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.builder_files: set[str] = set()
        self.op_dirs: set[str] = set()
        self.guarded_imports: set[tuple[str, int]] = set()
        self.bindings: list[str] = []
        for m in markers:
            kind = m.family.removeprefix("marker.")
            if kind == "rocm-branch":
                self.rocm[m.path].append((m.line, m.end_line))
            elif kind == "binding":
                self.bindings.append(m.symbol)
            elif kind == "guarded-import":
                self.guarded_imports.add((m.path, m.line))
            else:
                self.abstractions[kind].append({"path": m.path, "line": m.line, "symbol": m.symbol})
                if kind == "op-builder":
                    self.builder_files.add(m.path)
                elif kind == "op-load":
                    parts = m.path.split("/")[:-1]
                    if "ops" in parts:  # the Python side of the ops: the folder named ops/ that loads them
                        self.op_dirs.add("/".join(parts[:len(parts) - parts[::-1].index("ops")]) + "/")
        self._cache: dict[str, str] = {}
        self.excluded_kernels: list[KernelInfo] = []
        jobs = compile_jobs(w["_jobs"])
        self.jobs = {j.id: j for j in jobs}
        project_optional = ""
        if self.abstractions.get("op-builder"):
            project_optional = "built by per-accelerator op builders (a backend without the op reports it unavailable)"
        elif self.abstractions.get("torch-fallback"):
            project_optional = "a pure-PyTorch fallback is registered for the ops"
        groups: dict[tuple[str, str], list[KernelInfo]] = defaultdict(list)
        whys: dict[tuple[str, str], str] = {}
        for k in kernels:
            if self.excluded(k.path, k.line):
                self.excluded_kernels.append(k)
                continue
            job, why = classify_kernel(k.name, k.path, jobs)
            groups[(k.path, job)].append(k)
            whys.setdefault((k.path, job), why)
        # With op builders or registered fallbacks, the native extension is optional: its C++/CUDA sources (and,
        # with op builders, the ops/ folder that loads them) are priced in kernel parity, not in the working port.
        self.optional_native = project_optional
        if not self.abstractions.get("op-builder"):
            self.op_dirs.clear()
        # CUDA-compiled files (.cu/.cuh) are re-implemented op by op: their kernels by job, and a file of host code
        # only (cuBLAS calls, launchers) as one op classified by its path. Their other uses are the native port's.
        host_files: set[str] = set()
        launchers: set[str] = set()  # files that launch kernels: the kernels' units are their ops
        for f in findings:
            u = f.use
            if u.language != "cuda" or u.in_kernel or self.excluded(u.path, u.line):
                continue
            if u.family == "kernel.launch" or u.kind == "launch":
                launchers.add(u.path)
            elif u.kind != "include" and u.family.split(".")[0] not in DEVICE_FAMILIES:
                host_files.add(u.path)
        def unit(path: str, job: str, why: str, ks: tuple[KernelInfo, ...]) -> Unit:
            cls = self.path_class(path)
            optional = "marked optional in the project's configuration" if cls == "optional" else project_optional
            return Unit(path, job, why, ks, "aux" if cls == "aux" else "working", optional, not ks)

        # every file of host code (no launch) as one op classified by its path: a unit of its own when the file has
        # no kernel, else the floor of its kernel units' cost
        self.host_ops: dict[str, Unit] = {}
        for path in sorted(host_files - launchers):
            job, why = classify_kernel(path.rsplit("/", 1)[-1].split(".")[0], path, jobs)
            self.host_ops[path] = unit(path, job, why + " (host code only)", ())
        with_kernels = {p for p, _ in groups}
        self.units: list[Unit] = sorted(
            [unit(path, job, whys[(path, job)], tuple(ks)) for (path, job), ks in groups.items()]
            + [u for p, u in self.host_ops.items() if p not in with_kernels])

    def path_class(self, path: str) -> str:
        """platform | aux | optional | main."""
        c = self._cache.get(path)
        if c is None:
            if self._platform is not None and self._platform(path):
                c = "platform"
            elif self._aux is not None and self._aux(path):
                c = "aux"
            elif self._optional is not None and self._optional(path):
                c = "optional"
            else:
                c = "main"
            self._cache[path] = c
        return c

    def excluded(self, path: str, line: int) -> bool:
        """Another platform's code: a ROCm/HIP path or a line inside an `#ifdef USE_ROCM` branch."""
        if self.path_class(path) == "platform":
            return True
        return any(a <= line <= b for a, b in self.rocm.get(path, ()))

    def phase_of(self, use: ApiUse) -> str:
        cls = self.path_class(use.path)
        if cls == "aux":
            return "aux"
        if cls == "optional" or use.path in self.builder_files:
            return "parity"
        if self.optional_native and (use.language in ("cuda", "cpp", "cmake") or use.path.startswith(tuple(self.op_dirs))
                                     or use.family.split(".")[0] in ("build", "cpp-extension")):
            return "parity"  # the optional native extension: its sources and the build that makes it
        return "working"

    def summary(self) -> dict[str, Any]:
        found = []
        labels = {"accelerator": "accelerator abstraction", "op-builder": "op builders",
                  "op-load": "code that loads built ops", "torch-fallback": "pure-PyTorch fallback kernels"}
        for kind in ("accelerator", "op-builder", "op-load", "torch-fallback"):
            places = self.abstractions.get(kind) or []
            if places:
                files = sorted({p["path"] for p in places})
                found.append({"kind": kind, "label": labels[kind], "uses": len(places), "files": len(files),
                              "symbols": sorted({p["symbol"] for p in places})[:12], "examples": files[:5]})
        excluded_lines = sum(b - a + 1 for spans in self.rocm.values() for a, b in spans)
        return {"abstractions": found, "bindings": len(self.bindings), "optional_native": self.optional_native,
                "op_dirs": sorted(self.op_dirs),
                "rocm_branches": sum(len(v) for v in self.rocm.values()), "rocm_branch_lines": excluded_lines,
                "excluded_kernels": len(self.excluded_kernels),
                "units": len(self.units), "optional_units": sum(1 for u in self.units if u.optional),
                "aux_units": sum(1 for u in self.units if u.phase == "aux"),
                "paths": {k: v for k, v in self._paths_summary().items() if v}}

    def _paths_summary(self) -> dict[str, int]:
        out = {"platform": 0, "aux": 0, "optional": 0}
        for c in self._cache.values():
            if c in out:
                out[c] += 1
        return out


def _lang_group(language: str) -> str:
    if language in ("python", "build-python"):
        return "python"
    if language in ("cuda", "cpp"):
        return "cpp"
    return "build"


def _grouped_key(family: str, grouped: dict[str, Any]) -> str | None:
    fam = family
    while fam:
        if fam in grouped:
            return fam
        fam = fam.rpartition(".")[0]
    return None


def _optional_dependencies(findings: list[Finding], project: Project) -> set[str]:
    """CUDA-only packages every import of which (outside tests) sits inside a block: try/except ImportError, an
    availability check or a function. The working port can run without them."""
    guarded: dict[str, bool] = {}
    for f in findings:
        u = f.use
        if u.kind != "import" or not u.family.startswith("python-package.") or project.phase_of(u) == "aux":
            continue
        dep = ".".join(u.family.split(".")[:2])
        ok = (u.path, u.line) in project.guarded_imports
        guarded[dep] = guarded.get(dep, True) and ok
    return {d for d, ok in guarded.items() if ok}


def _target_facts(tables: Tables, bid: str) -> dict[str, Any]:
    backend = tables.backend(bid)
    facts = getattr(backend, "target_facts", None)
    return facts() if callable(facts) else {}


# ---------------------------------------------------------------------------------------------------- estimate


def estimate_effort(findings: Iterable[Finding], kernels: Iterable[KernelInfo], tables: Tables,
                    backend_ids: tuple[str, ...], overrides: dict[str, Any] | None = None,
                    markers: Iterable[ApiUse] = ()) -> dict[str, Any]:
    """Per backend: working port and kernel parity (hours, range, person-days), the tests-and-tools figure, the
    strategy of each kernel unit, line items, top files and kernels; `_project`: what was found about the code."""
    w = load_weights(overrides, tables.effort_weights)
    findings = list(findings)
    project = Project(list(kernels), markers, w, findings)
    out: dict[str, Any] = {}
    for bid in backend_ids:
        out[bid] = _estimate_backend(findings, project, tables, bid, w)
    out["_assumptions"] = {k: w[k] for k in ("hours_per_day", "learn_hours", "further_symbol_share",
                                             "category_learn_hours", "edit_minutes", "category_edit_minutes",
                                             "renames", "range", "strategies", "kernels", "grouped", "paths", "fixed",
                                             "dependency_rules", "dependency_jobs", "dependencies")}
    out["_project"] = project.summary()
    return out


def _native_recipe(tables: Tables, bid: str, w: dict[str, Any]) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """(action, recipe, target facts): review on CUDA-compatible SIMT (MUSA), adapt on a SIMT mode with its own API
    (Ascend C SIMT on Ascend 950), rewrite on SIMD parts (Ascend C on 910B/910C, BANG C)."""
    backend = tables.backend(bid)
    facts = _target_facts(tables, bid)
    if backend.kernel_model == "simt":
        return "review", w["kernels"]["simt"], facts
    if facts.get("simt") is True:
        return "adapt", w["kernels"]["simt_port"], facts
    return "rewrite", w["kernels"]["simd"], facts


def _unit_plan(unit: Unit, job: Job, ops: dict[str, Any] | None, action: str, recipe: dict[str, Any],
               facts: dict[str, Any], w: dict[str, Any]) -> dict[str, Any]:
    """The working-port strategy of one unit on one backend, and the parity work left after it."""
    st = w["strategies"]
    n = len(unit.kernels)
    extra = st["extra_kernel_hours"] * max(0, n - 1)
    if action == "rewrite":
        costs = [(k.name, *kernel_cost(k, recipe)) for k in unit.kernels]
        native = sum(c for _, c, _ in costs)
        native_why = [f"{name}: {round(c, 2)} h = " + " + ".join(why) for name, c, why in costs[:8]] + (
            [f"... {len(costs) - 8} more kernels"] if len(costs) > 8 else [])
    else:
        native, native_why = unit_review_cost(list(unit.kernels), recipe, int(facts.get("warp_size") or 0))
    feats = {f for k in unit.kernels for f in k.features}
    # On MUSA, inline PTX and tensor-core assembly do not build as they are: the working port leaves such a unit
    # out (or uses an operator) and kernel parity ports the assembly.
    blocked = action == "review" and bool(feats & {"inline-asm", "tensor-cores"})
    options: dict[str, float] = {}
    if ops:
        options["vendor-op"] = job.vendor_op_hours + extra
    if job.composite and (action != "review" or blocked):  # MUSA builds the kernel as it is: no step back
        options["torch-composite"] = job.composite_hours + extra
    if action in ("review", "adapt") and not blocked:
        options[action] = native
    if blocked:  # the rest of the kernel suite stays native: leaving this unit out of the build is credible
        options["fallback"] = st["fallback_hours"]
    parity_strategy, parity = "", 0.0
    if unit.optional:
        strategy, hours, why = "fallback", 0.0, f"optional: {unit.optional} (priced once for all such units)"
        if options.get("vendor-op", math.inf) < native:
            parity_strategy, parity = "vendor-op", options["vendor-op"]
        else:
            parity_strategy, parity = action, native
    elif options:
        strategy = min(options, key=lambda s: (options[s], _PREFERENCE[s]))
        hours = options[strategy]
        why = {"vendor-op": "a vendor operator does this job",
               "torch-composite": "plain PyTorch ops do this job (slower than a fused kernel)",
               "review": "MUSA keeps the CUDA model: rebuild with mcc, review warp-width assumptions",
               "adapt": "the target has a SIMT mode: port the kernel to its SIMT API",
               "fallback": "inline PTX / tensor-core assembly does not build on MUSA: left out of the working port"
               }[strategy]
        if strategy in ("torch-composite", "fallback"):
            parity_strategy, parity = action, st["parity_share"].get(strategy, 1.0) * native
    else:
        strategy, hours = "fallback", st["fallback_hours"]
        why = ("inline PTX / tensor-core assembly does not build on MUSA: left out of the working port" if blocked
               else "no operator or composite known for this job: unimplemented (or on the CPU) in the working port")
        parity_strategy, parity = action, st["parity_share"].get("fallback", 1.0) * native
    names = [k.name for k in unit.kernels]
    show_ops = strategy == "vendor-op" or parity_strategy == "vendor-op"
    return {"path": unit.path, "line": unit.kernels[0].line if n else 1, "job": unit.job, "job_why": unit.why,
            "kernels": names, "name": (names[0] + (f" (+{n - 1} more)" if n > 1 else "")) if n else "(host code)",
            "lines": sum(k.lines for k in unit.kernels), "features": sorted(feats),
            "strategy": strategy, "why": why, "hours": round(hours, 2),
            "ops": list((ops or {}).get("ops") or []) if show_ops else [],
            "ops_note": (ops or {}).get("note", "") if show_ops else "",
            "ref": (ops or {}).get("ref", "") if show_ops else "",
            "parity_strategy": parity_strategy, "parity_hours": round(parity, 2), "native_hours": round(native, 2),
            "native_action": action, "native_why": native_why, "optional": unit.optional, "phase": unit.phase}


def _estimate_backend(findings: list[Finding], project: Project, tables: Tables, bid: str,
                      w: dict[str, Any]) -> dict[str, Any]:
    action, recipe, facts = _native_recipe(tables, bid, w)
    strategies = w["_strategies"].get(bid, {})
    plans = []
    kept: set[tuple[str, str]] = set()  # (path, kernel) whose body stays as it is: its uses are priced one by one
    replaced_files = action == "rewrite"  # .cu/.cuh files are re-implemented op by op (see Project)
    for unit in project.units:
        if unit.host_only and not replaced_files:
            continue
        job = project.jobs.get(unit.job) or project.jobs["other"]
        plan = _unit_plan(unit, job, strategies.get(unit.job), action, recipe, facts, w)
        plans.append((unit, plan))
        if plan["strategy"] == "review":
            kept.update((unit.path, k.name) for k in unit.kernels)
    if replaced_files:
        # A file of host code priced as one op must not get cheaper when a kernel is added to it: its kernel units
        # cost at least what the host-only op would.
        by_file: dict[str, float] = defaultdict(float)
        for unit, plan in plans:
            by_file[unit.path] += plan["hours"]
        for path, ghost in project.host_ops.items():
            if path not in by_file or any(u is ghost for u, _ in plans):
                continue  # no kernel in the file (the host op is a unit itself), or a skipped file
            floor = _unit_plan(ghost, project.jobs[ghost.job], strategies.get(ghost.job), action, recipe, facts, w)
            if floor["hours"] > by_file[path] + 1e-9:
                floor["hours"] = round(floor["hours"] - by_file[path], 2)
                floor["why"] = "host code of a file whose kernels cost less than re-implementing its op: " + \
                    floor["why"]
                plans.append((ghost, floor))
    items: list[dict[str, Any]] = []
    file_hours: dict[str, float] = defaultdict(float)
    ties = renames = covered = excluded = 0
    distinct: set[str] = set()  # the CUDA symbols the product exercises (device bring-up)
    status_counts = {s: 0 for s in ("rename", "adapt", "partial", "missing", "unknown")}
    uses_by: dict[tuple[str, str, str], int] = defaultdict(int)
    symbols_by: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    symbol_family: dict[str, str] = {}
    rename_names: dict[tuple[str, str], set[str]] = defaultdict(set)
    rename_files: dict[tuple[str, str], set[str]] = defaultdict(set)
    grouped_files: dict[tuple[str, str], set[str]] = defaultdict(set)
    deps: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    build_triggers: dict[str, str] = {}
    distributed = ""
    grouped = w["grouped"]
    fixed_build = w["fixed"]["build"]
    optional_deps = _optional_dependencies(findings, project)
    for f in findings:
        v = f.verdict(bid)
        if v is None:
            continue
        u = f.use
        if project.excluded(u.path, u.line):
            excluded += 1
            continue
        ties += 1
        status_counts[v.status] += 1
        renames += v.status == "rename"
        fam = u.family
        cat = tables.category_of(fam)
        phase = project.phase_of(u)
        top = fam.split(".")[0]
        if phase == "working" and fam.startswith("python-package.") and \
                ".".join(fam.split(".")[:2]) in optional_deps:
            phase = "parity"  # an optional integration: the working port runs without it
        if cat == "distributed" and phase != "aux":
            distributed = "working" if phase == "working" or distributed == "working" else "parity"
        if fam.startswith("python-package."):
            deps[".".join(fam.split(".")[:2])][phase].add(u.symbol)
        elif fam == "build.requirements":
            deps["build.requirements"][phase].add(u.symbol)
        trig = fam if fam in fixed_build else (top if top in fixed_build else "")
        if trig and phase != "aux":
            build_triggers[trig] = "working" if phase == "working" else build_triggers.get(trig, "parity")
        if u.in_kernel and ((u.path, u.in_kernel) not in kept or v.status != "rename"):
            covered += 1
            continue  # priced by the kernel's unit (its strategy replaces the body, its review reads it, or parity
            # ports it); only the renames inside a reviewed kernel are left to the rename tool
        if phase == "working":
            distinct.add(u.symbol)
        if replaced_files and u.language == "cuda" and phase == "working":
            phase = "parity"  # the file's ops are re-implemented (its units); its host code is the native port's
        if top in DEVICE_FAMILIES and phase == "working" and not u.in_kernel and (
                action != "review" or v.status == "missing"):
            # __device__ helpers: rewritten with the kernels when they are (on MUSA: the PTX helpers of kernels the
            # working port leaves out)
            phase = "parity"
        gk = _grouped_key(fam, grouped)
        if gk is not None:
            grouped_files[(gk, phase)].add(u.path)
            continue
        if v.status == "rename":
            rename_names[(phase, cat)].add(u.symbol)
            rename_files[(phase, _lang_group(u.language))].add(u.path)
            continue
        uses_by[(phase, cat, v.status)] += 1
        symbols_by[(phase, cat, v.status)].add(u.symbol)
        symbol_family.setdefault(u.symbol, fam)
        if phase == "working":
            minutes = (w["category_edit_minutes"].get(cat) or {}).get(v.status, w["edit_minutes"][v.status])
            if cat == "cuda-only-deps":
                minutes = min(minutes, w["dependency_rules"]["use_minutes"])
            file_hours[u.path] += minutes / 60.0

    def rng_of(cat: str, status: str = "") -> tuple[float, float]:
        return tuple(w["range"]["unknown"] if status == "unknown" else w["range"].get(cat, w["range"]["default"]))

    # --- per-use and per-symbol costs
    for (phase, cat, status), n in sorted(uses_by.items()):
        rng = rng_of(cat, status)
        syms = symbols_by[(phase, cat, status)]
        if cat != "cuda-only-deps":  # learning a package's replacement is priced by its dependency item
            lw = (w["category_learn_hours"].get(cat) or {}).get(status, w["learn_hours"][status])
            fams: dict[str, int] = defaultdict(int)
            for sym in syms:
                fams[symbol_family.get(sym, "")] += 1
            # the first symbol of a family costs the full weight, each further one `further_symbol_share` of it:
            # symbols of one library share most of what must be learned
            units = sum(1 + w["further_symbol_share"] * (k - 1) for k in fams.values())
            items.append(_item(cat, f"learn and decide: distinct {status} symbols", len(syms), lw, "h/symbol",
                               units * lw, rng, phase=phase, status="learn-" + status, symbols=sorted(syms),
                               families=len(fams)))
        ew = (w["category_edit_minutes"].get(cat) or {}).get(status, w["edit_minutes"][status])
        if cat == "cuda-only-deps":
            ew = min(ew, w["dependency_rules"]["use_minutes"])
        if ew:
            items.append(_item(cat, f"edit {status} uses", n, ew, "min/use", n * ew / 60.0, rng, phase=phase,
                               status=status))
    # --- renames: per distinct name, per file touched, one pass per kind of source
    lw = w["learn_hours"]["rename"]
    for (phase, cat), names in sorted(rename_names.items()):
        items.append(_item(cat, "renames: distinct names (table, header or shim entry)", len(names), lw, "h/name",
                           len(names) * lw, rng_of(cat), mechanical=True, phase=phase, status="learn-rename",
                           symbols=sorted(names)))
    passes: dict[str, str] = {}
    for (phase, group), files in sorted(rename_files.items()):
        pfm = float(w["renames"]["per_file_minutes"].get(group, 0))
        if phase != "aux" and (group not in passes or phase == "working"):
            passes[group] = phase
        if not pfm:
            continue
        items.append(_item("build" if group == "build" else ("python-device-api" if group == "python" else
                                                            "runtime-c-api"),
                           f"renames: files touched ({group})", len(files), pfm, "min/file", len(files) * pfm / 60.0,
                           rng_of("default"), mechanical=True, phase=phase, status="rename"))
        if phase == "working":
            for p in files:
                file_hours[p] += pfm / 60.0
    for group, phase in sorted(passes.items()):
        h = float(w["renames"]["pass_hours"].get(group, 0))
        if h:
            items.append(_item("build", f"renames: build and test pass ({group})", 1, h, "h", h, rng_of("default"),
                               phase=phase))
    # --- families priced per file (CUTLASS/CuTe, Triton)
    for (fam, phase), files in sorted(grouped_files.items()):
        row = grouped[fam]
        h = float(row.get(bid, max(v for k, v in row.items() if k != "what")))
        cat = tables.category_of(fam)
        items.append(_item(cat, f"{fam}: files using it", len(files), h, "h/file", h * len(files), rng_of(cat),
                           phase=phase, what_detail=row.get("what", ""), files=sorted(files)[:50]))
        if phase == "working":
            for p in files:
                file_hours[p] += h
    # --- kernel units
    krng = tuple(w["range"]["custom-kernels"])
    units = []
    for unit, plan in plans:
        units.append(plan)
        phase = "aux" if unit.phase == "aux" else "working"
        items.append(_item("custom-kernels", f"{plan['strategy']}: {unit.job} kernels in {unit.path}",
                           len(unit.kernels), plan["hours"], "h/unit", plan["hours"], krng, phase=phase,
                           kernel=plan["name"], path=unit.path, line=plan["line"], strategy=plan["strategy"],
                           why=[plan["why"]] + ([f"ops: {', '.join(plan['ops'])}"] if plan["ops"] else [])))
        if phase == "working":
            file_hours[unit.path] += plan["hours"]
        if plan["parity_hours"] and phase == "working":
            items.append(_item("custom-kernels", f"{plan['parity_strategy']}: {unit.job} kernels in {unit.path} "
                                                 "to native speed", len(unit.kernels), plan["parity_hours"], "h/unit",
                               plan["parity_hours"], krng, phase="parity", kernel=plan["name"], path=unit.path,
                               line=plan["line"], strategy=plan["parity_strategy"], why=plan["native_why"]))
    optional_units = [p for u, p in plans if u.optional and u.phase == "working"]
    if optional_units:
        h = float(w["strategies"]["optional_ops_hours"])
        items.append(_item("custom-kernels", "optional ops left unavailable (the abstraction reports them)", 1, h, "h",
                           h, krng, what_detail=optional_units[0]["optional"], units=len(optional_units)))
    # --- fixed costs
    drng = tuple(w["range"]["default"])
    if ties:
        fx = w["fixed"]["environment-ci"]
        items.append(_item("build", "environment and CI set-up", 1, fx["hours"], "h", fx["hours"], drng,
                           what_detail=fx["what"]))
        fx = w["fixed"]["device-bring-up"]
        per_symbol = float(fx["hours_per_symbol"].get(bid, 0))
        n = len(distinct)
        h = min(float(fx["max_hours"].get(bid, 0)), per_symbol * n)
        if h:
            items.append(_item("build", "device bring-up", n, per_symbol, "h/distinct symbol", h, drng,
                               what_detail=fx["what"], capped=h < per_symbol * n))
    if distributed:
        fx = w["fixed"]["distributed-switch"]
        items.append(_item("distributed", "distributed backend switch", 1, fx["hours"], "h", fx["hours"], drng,
                           phase=distributed, what_detail=fx["what"]))
    for trig, phase in sorted(build_triggers.items()):
        fx = fixed_build[trig]
        h = float(fx.get(bid, max(v for k, v in fx.items() if k != "what")))
        items.append(_item("build", f"build system: {trig}", 1, h, "h", h, drng, phase=phase, what_detail=fx["what"]))
    deprng = tuple(w["range"]["cuda-only-deps"])
    dep_jobs = w["dependency_jobs"]
    share = w["dependency_rules"]["alternatives_share"]
    planned = []
    for dep in sorted(deps):
        fx = w["dependencies"].get(dep)
        if fx is None:
            continue
        h = float(fx.get(bid, max(v for k, v in fx.items() if k != "what")))
        by_phase = deps[dep]
        phase = next(p for p in PHASES if by_phase.get(p))
        planned.append((dep, fx, h, phase, by_phase))
    dearest: dict[tuple[str, str], str] = {}  # (job, phase) -> the alternative charged in full
    for dep, _fx, h, phase, _bp in sorted(planned, key=lambda t: (-t[2], t[0])):
        if dep in dep_jobs:
            dearest.setdefault((dep_jobs[dep], phase), dep)
    for dep, fx, h, phase, by_phase in planned:
        syms = sorted(set().union(*by_phase.values()))
        count = len(by_phase[phase]) if dep == "build.requirements" else 1
        job = dep_jobs.get(dep, "")
        alt = bool(job) and dearest.get((job, phase)) != dep
        weight = h * share if alt else h
        what = f"replace dependency {dep.split('.', 1)[-1]}" + (
            f" (an alternative to {dearest[(job, phase)].split('.', 1)[-1]} for {job})" if alt else "")
        items.append(_item("cuda-only-deps", what, count, weight, "h/dependency", weight * count, deprng,
                           phase=phase, what_detail=fx["what"], symbols=syms))
    return _summarise(items, units, file_hours, status_counts, ties, renames, covered, excluded, action, facts, w)


def _summarise(items: list[dict[str, Any]], units: list[dict[str, Any]], file_hours: dict[str, float],
               status_counts: dict[str, int], ties: int, renames: int, covered: int, excluded: int, action: str,
               facts: dict[str, Any], w: dict[str, Any]) -> dict[str, Any]:
    hpd = w["hours_per_day"]

    def figure(phase: str) -> dict[str, Any]:
        sel = [i for i in items if i["phase"] == phase]
        h, lo, hi = (sum(i[k] for i in sel) for k in ("hours", "low", "high"))
        by_cat = {c: 0.0 for c in CATEGORIES}
        for i in sel:
            by_cat[i["category"]] = by_cat.get(i["category"], 0.0) + i["hours"]
        return {"hours": round(h, 2), "low": round(lo, 2), "high": round(hi, 2),
                "person_days": round(h / hpd, 2), "person_days_low": round(lo / hpd, 2),
                "person_days_high": round(hi / hpd, 2), "by_category": {k: round(v, 2) for k, v in by_cat.items()}}

    working, parity, aux = figure("working"), figure("parity"), figure("aux")
    mech = sum(i["hours"] for i in items if i["mechanical"] and i["phase"] == "working")
    strategy_counts = {s: 0 for s in STRATEGIES}
    for u in units:
        if u["phase"] == "working":
            strategy_counts[u["strategy"]] += 1
    top_files = sorted(file_hours.items(), key=lambda t: (-t[1], t[0]))[:15]
    main_units = [u for u in units if u["phase"] == "working"]
    main_units.sort(key=lambda u: (-(u["hours"] + u["parity_hours"]), u["path"], u["line"]))
    top_kernels = [{"name": u["name"], "path": u["path"], "line": u["line"], "lines": u["lines"],
                    "features": u["features"], "hours": u["hours"], "parity_hours": u["parity_hours"],
                    "action": u["strategy"], "job": u["job"], "ops": u["ops"]} for u in main_units[:15]]
    return {
        "hours": working["hours"], "low": working["low"], "high": working["high"],
        "person_days": working["person_days"], "person_days_low": working["person_days_low"],
        "person_days_high": working["person_days_high"],
        "working": working, "parity": parity, "aux": aux,
        "full_hours": round(working["hours"] + parity["hours"], 2),
        "mechanical_hours": round(mech, 2),
        "mechanical_share": round(mech / working["hours"], 4) if working["hours"] else 0.0,
        "readiness": round(100.0 * renames / ties, 1) if ties else 100.0,
        "ties": ties, "status_counts": status_counts, "covered_by_kernels": covered, "excluded_platform": excluded,
        "kernel_action": action, "target": {k: v for k, v in facts.items() if k != "refs"},
        "strategy_counts": strategy_counts,
        "by_category": working["by_category"],
        "top_files": [{"path": p, "hours": round(h, 2)} for p, h in top_files],
        "file_hours": {p: round(h, 2) for p, h in sorted(file_hours.items()) if h > 0},  # every file's working hours
        "top_kernels": top_kernels,
        "kernel_units": units,
        "line_items": items,
    }
