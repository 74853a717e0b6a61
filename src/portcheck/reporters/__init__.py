"""Reporters: each renders the same finished report document (the JSON view of a ScanResult) to one format.

A reporter is ``render(doc: dict) -> str``. The document is built once by ``document.build_document`` (or read back
from a saved JSON report by ``portcheck render``), so no format recomputes anything.
"""
from __future__ import annotations

import importlib
import os
import sys
import tempfile
from pathlib import Path
from typing import Any, Callable

REPORTERS: dict[str, str] = {
    "json": "portcheck.reporters.json_report:render",
    "md": "portcheck.reporters.markdown:render",
    "csv": "portcheck.reporters.csv_report:render",
    "sarif": "portcheck.reporters.sarif:render",
    "html": "portcheck.reporters.html:render",
}
EXTENSIONS = {"json": ".json", "md": ".md", "csv": ".csv", "sarif": ".sarif", "html": ".html"}


def get_reporter(fmt: str) -> Callable[[dict[str, Any]], str]:
    mod, _, attr = REPORTERS[fmt].partition(":")
    return getattr(importlib.import_module(mod), attr)


def write_output(text: str, target: str) -> None:
    """Write a report safely: '-' is stdout; parents are created; a half-written file never remains."""
    if target == "-":
        sys.stdout.write(text)
        if not text.endswith("\n"):
            sys.stdout.write("\n")
        sys.stdout.flush()
        return
    path = Path(target)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=str(path.parent))
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600; a report is an ordinary file
        os.replace(tmp, path)
    except BaseException:  # includes KeyboardInterrupt: remove the partial file, then re-raise
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
