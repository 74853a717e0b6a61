"""HTML: one self-contained, offline page (inline CSS, JS and SVG) rendered with Jinja2, autoescape on."""
from __future__ import annotations

import base64
import hashlib
import json
from functools import lru_cache
from typing import Any

from markupsafe import Markup

from . import viewmodel as vm

# Inside <script>, HTML entities are not decoded, so autoescape cannot protect embedded JSON: escape the characters
# that could end the element or open a comment, and the two line separators old JavaScript engines choke on.
_SCRIPT_SAFE = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026",
                0x2028: "\\u2028", 0x2029: "\\u2029"}


def json_for_script(obj: Any) -> Markup:
    """Serialise obj as JSON that is safe inside a <script type="application/json"> element."""
    # ensure_ascii: lone surrogates and control characters from scanned code become valid \u escapes
    text = json.dumps(obj, ensure_ascii=True, separators=(",", ":"), sort_keys=False, default=list)
    return Markup(text.translate(_SCRIPT_SAFE))  # noqa: S704 - escaped for the script context just above


@lru_cache(maxsize=2)
def _environment(strict: bool = False):
    from jinja2 import ChainableUndefined, Environment, FileSystemLoader, StrictUndefined

    from ..tables import data_dir

    # Lenient by default so `portcheck render` of an older or hand-trimmed report still renders; tests use strict.
    env = Environment(loader=FileSystemLoader(str(data_dir("templates"))), autoescape=True,
                      undefined=StrictUndefined if strict else ChainableUndefined, trim_blocks=True,
                      lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["hours"] = vm.hours
    env.filters["days"] = vm.days
    env.filters["category"] = vm.category_label
    env.filters["symparts"] = vm.symbol_parts
    return env


@lru_cache(maxsize=1)
def _assets() -> tuple[str, str]:
    """The page's CSS and script, read verbatim (they are not templates)."""
    from ..tables import data_dir

    folder = data_dir("templates")
    return (folder / "report.css").read_text(encoding="utf-8"), (folder / "report.js").read_text(encoding="utf-8")


def render(doc: dict[str, Any], strict: bool = False) -> str:
    """Render the report document as one self-contained HTML page."""
    css, script = _assets()
    # The page's Content-Security-Policy allows only this exact script: injected markup could not run code or load
    # anything even if escaping failed somewhere.
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    cards = vm.backend_cards(doc)
    context = {
        "doc": doc,
        "tool": doc.get("tool", {}),
        "scan": doc.get("scan", {}),
        "summary": doc.get("summary", {}),
        "backends": doc.get("backends", []),
        "cards": cards,
        "cheapest": vm.cheapest(cards),
        "priced": sum(1 for c in cards if c["has_effort"]),
        "chart": vm.category_chart(doc),
        "top_files": vm.top_files(doc),
        "file_costs": vm.file_costs(doc),
        "plan": vm.symbol_plan(doc),
        "kernels": vm.kernels(doc),
        "kernel_units": vm.kernel_units(doc),
        "project": doc.get("effort_project") or {},
        "dependencies": vm.dependencies(doc),
        "op_gaps": vm.op_gaps(doc),
        "estimate": vm.estimate_items(doc),
        "assumptions": doc.get("effort_assumptions", {}),
        "statuses": vm.STATUSES,
        "status_help": vm.STATUS_HELP,
        "families": vm.families(doc),
        "data": json_for_script(vm.findings_payload(doc)),
        "css": Markup(css),  # noqa: S704 - our own file
        "script": Markup(script),  # noqa: S704 - our own file
        "script_hash": f"sha256-{digest}",
    }
    return _environment(strict).get_template("report.html.j2").render(**context)
