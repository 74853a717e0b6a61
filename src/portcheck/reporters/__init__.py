"""Reporters: each renders the same finished report document (the JSON view of a ScanResult) to one format.

A reporter is ``render(doc: dict) -> str``. The document is built once by ``document.build_document`` (or read back
from a saved JSON report by ``portcheck render``), so no format recomputes anything.
"""
from __future__ import annotations

import errno
import importlib
import os
import stat
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


class OutputError(Exception):
    """A report could not be written; the message names the target and the system's reason."""


def write_output(text: str | Iterable[str], target: str, errors: str = "strict") -> None:
    """Write a report (text, or its pieces) safely: '-' is stdout; parents are created; a half-written file
    never remains.

    A regular file (or a new one) is written to a temporary file beside it, then renamed over it; a symlink is
    written through (its target file is replaced, the link stays); a character device or a FIFO (/dev/null, a
    named pipe) is opened and written to, never replaced. Any failure raises OutputError, except a broken pipe
    (BrokenPipeError: the reader left, which the command line treats as a quiet exit)."""
    pieces = [text] if isinstance(text, str) else text
    if target == "-":
        _write_stdout(pieces)
        return
    try:
        _write_path(pieces, target, errors)
    except BrokenPipeError:
        raise
    except OSError as exc:
        where = f" ({exc.filename})" if exc.filename and str(exc.filename) != target else ""
        raise OutputError(f"cannot write {target}: {exc.strerror or exc}{where}") from None


def _write_stdout(pieces: Iterable[str]) -> None:
    out = sys.stdout
    if out is None:  # started with descriptor 1 closed
        raise OutputError("cannot write the report to standard output: it is closed")
    try:
        last = ""
        for piece in pieces:
            out.write(piece)
            last = piece or last
        if not last.endswith("\n"):
            out.write("\n")
        out.flush()
    except BrokenPipeError:
        raise
    except (OSError, ValueError) as exc:  # ValueError: the stream object was closed
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "it is closed"
        raise OutputError(f"cannot write the report to standard output: {reason}") from None


def _write_path(pieces: Iterable[str], target: str, errors: str = "strict") -> None:
    try:
        st: os.stat_result | None = os.stat(target)  # follows a symlink: what would be written is its target
    except (FileNotFoundError, NotADirectoryError):
        st = None  # new file (or a dangling symlink: its target is created); a bad parent is named below
    if st is not None and not stat.S_ISREG(st.st_mode):
        if stat.S_ISDIR(st.st_mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), target)
        if not (stat.S_ISCHR(st.st_mode) or stat.S_ISFIFO(st.st_mode)):
            raise OSError(errno.EINVAL, "not a regular file, character device or FIFO", target)
        with open(target, "w", encoding="utf-8", errors=errors, newline="") as fh:  # written to, never renamed over
            for piece in pieces:
                fh.write(piece)
        return
    path = Path(os.path.realpath(target)) if os.path.islink(target) else Path(target)
    parent = path.parent
    if not parent.is_dir():
        try:
            parent.mkdir(parents=True, exist_ok=True)
        except (FileExistsError, NotADirectoryError):  # a file where a folder should be
            blocker = next((a for a in [parent, *parent.parents] if a.exists() and not a.is_dir()), parent)
            raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(blocker)) from None
    umask = os.umask(0)
    os.umask(umask)
    mode = stat.S_IMODE(st.st_mode) if st is not None else 0o666 & ~umask  # an existing report keeps its mode
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=str(parent))
    except OSError as exc:
        exc.filename = str(parent)  # the folder refused the file, not the temporary name
        raise
    try:
        with os.fdopen(fd, "w", encoding="utf-8", errors=errors, newline="") as fh:  # close(): a late ENOSPC too
            for piece in pieces:
                fh.write(piece)
        os.chmod(tmp, mode)  # mkstemp creates 0600
        os.replace(tmp, path)
    except BaseException as exc:  # includes KeyboardInterrupt: remove the partial file, then re-raise
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError) and exc.filename == tmp:
            exc.filename = None  # the temporary name means nothing to the user
        raise


class GuardedStream:
    """A text stream (stdout for the terminal summary) whose write failures raise OutputError naming it; a broken
    pipe stays a BrokenPipeError."""

    def __init__(self, stream: Any, name: str) -> None:
        self._stream, self._name = stream, name

    def _guard(self, fn: Callable[..., Any], *args: Any) -> Any:
        try:
            return fn(*args)
        except BrokenPipeError:
            raise
        except (OSError, ValueError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "it is closed"
            raise OutputError(f"cannot write to {self._name}: {reason}") from None

    def write(self, text: str) -> int:
        return self._guard(self._stream.write, text)

    def flush(self) -> None:
        self._guard(self._stream.flush)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def quiet_stdout() -> None:
    """After standard output failed (broken pipe, full disk): point descriptor 1 at /dev/null, so the
    interpreter's final flush does not print a second error."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.close(devnull)
    except OSError:
        pass
