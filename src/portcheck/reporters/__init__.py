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
from typing import Any, Callable, Iterable

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


def get_chunked_reporter(fmt: str) -> Callable[[dict[str, Any]], Iterable[str]]:
    """The format's `render_chunks` (the report in pieces, never whole in memory) if it has one, else its text."""
    mod, _, attr = REPORTERS[fmt].partition(":")
    module = importlib.import_module(mod)
    chunks = getattr(module, "render_chunks", None)
    return chunks if chunks is not None else (lambda doc: [getattr(module, attr)(doc)])


def write_output(text: str | Iterable[str], target: str) -> None:
    """Write a report (text, or its pieces) safely: '-' is stdout; parents are created; a half-written file
    never remains."""
    pieces = [text] if isinstance(text, str) else text
    if target == "-":
        last = ""
        for piece in pieces:
            sys.stdout.write(piece)
            last = piece or last
        if not last.endswith("\n"):
            sys.stdout.write("\n")
        sys.stdout.flush()
        return
    path = Path(target)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=str(path.parent))
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            for piece in pieces:
                fh.write(piece)
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
