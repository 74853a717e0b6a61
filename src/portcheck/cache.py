"""Result cache: a file's scan output keyed by its content hash, the tool and the table versions; and, per
scanned root, the last whole-scan result (findings, effort...) keyed by every file's key plus the options, so a
scan of an unchanged tree skips matching and estimating too.

One SQLite database (WAL mode) under the cache folder: atomic writes, safe when several scans run at once, and an
interrupted scan leaves no half-written entry. A corrupt database is discarded, never trusted.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import sqlite3
from itertools import islice
from pathlib import Path
from typing import Iterable

from . import __version__
from .model import ApiUse, FileReport, KernelInfo

_SCHEMA = "CREATE TABLE IF NOT EXISTS results (key TEXT PRIMARY KEY, data BLOB NOT NULL)"
# Whole-scan results: one row per scanned root, replaced by each full scan of it (so the table stays small).
_SCANS = "CREATE TABLE IF NOT EXISTS scans (root TEXT PRIMARY KEY, key TEXT NOT NULL, data BLOB NOT NULL)"


def file_key(salt: str, path: str, scanners: tuple[str, ...], data: bytes) -> str:
    h = hashlib.blake2b(digest_size=20)
    h.update(salt.encode())
    h.update(b"\0" + path.encode("utf-8", "surrogateescape") + b"\0" + ",".join(scanners).encode() + b"\0")
    h.update(data)
    return h.hexdigest()


def _code_fingerprint(also: tuple[str, ...] = ()) -> str:
    """Hash of the scanner and model sources, so a changed scanner never serves stale results."""
    h = hashlib.blake2b(digest_size=12)
    h.update(repr((FileReport.__slots__, ApiUse.__slots__, KernelInfo.__slots__)).encode())
    here = Path(__file__).resolve().parent
    for p in sorted([here / "model.py", here / "suppress.py", here / "prefilter.py", here / "fileio.py",
                     *(here / "scanners").glob("*.py"), *(here / name for name in also)]):
        try:
            h.update(p.read_bytes())
        except OSError:
            pass
    return h.hexdigest()


class ResultCache:
    def __init__(self, folder: Path, tables_fingerprint: str) -> None:
        self.salt = f"{__version__}:{tables_fingerprint}:{_code_fingerprint()}"
        self.path = folder / "results.sqlite3"
        self.db: sqlite3.Connection | None = None
        try:
            folder.mkdir(parents=True, exist_ok=True)
            self.db = self._open()
        except (OSError, sqlite3.Error):
            self._reset()

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(str(self.path), timeout=10, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute(_SCHEMA)
        db.execute(_SCANS)
        db.execute("SELECT count(*) FROM results LIMIT 1").fetchone()
        return db

    def _reset(self) -> None:
        """Throw away an unusable database and start again; give up silently if that fails too."""
        self.db = None
        for suffix in ("", "-wal", "-shm"):
            try:
                os.unlink(str(self.path) + suffix)
            except OSError:
                pass
        try:
            self.db = self._open()
        except (OSError, sqlite3.Error):
            self.db = None

    def get_many(self, keys: list[str]) -> dict[str, FileReport]:
        out: dict[str, FileReport] = {}
        if self.db is None or not keys:
            return out
        try:
            for i in range(0, len(keys), 500):
                chunk = keys[i:i + 500]
                q = "SELECT key, data FROM results WHERE key IN (%s)" % ",".join("?" * len(chunk))
                for key, blob in self.db.execute(q, chunk):
                    try:
                        rep = pickle.loads(blob)  # noqa: S301 - our own cache
                    except Exception:
                        continue
                    if isinstance(rep, FileReport):
                        out[key] = rep
        except sqlite3.DatabaseError:
            self._reset()
            return {}
        return out

    def put_many(self, items: Iterable[tuple[str, FileReport]]) -> None:
        """Store in transactions of 500: memory stays bounded and the write lock is held briefly."""
        if self.db is None:
            return
        items = iter(items)
        while True:
            rows = [(k, pickle.dumps(v, protocol=pickle.HIGHEST_PROTOCOL)) for k, v in islice(items, 500)]
            if not rows:
                return
            try:
                self.db.execute("BEGIN IMMEDIATE")
                self.db.executemany("INSERT OR REPLACE INTO results (key, data) VALUES (?, ?)", rows)
                self.db.execute("COMMIT")
            except sqlite3.DatabaseError:
                try:
                    self.db.execute("ROLLBACK")
                except sqlite3.Error:
                    pass
                return

    def scan_salt(self) -> str:
        """Salt of whole-scan keys: also the code that matches, estimates and filters by baseline."""
        return self.salt + ":" + _code_fingerprint(("engine.py", "effort.py", "tables.py", "baseline.py"))

    def get_scan(self, root: str, key: str) -> object | None:
        """The stored whole-scan result of `root` if it was stored under `key`, else None."""
        if self.db is None:
            return None
        try:
            row = self.db.execute("SELECT data FROM scans WHERE root = ? AND key = ?", (root, key)).fetchone()
            return pickle.loads(row[0]) if row else None  # noqa: S301 - our own cache
        except sqlite3.DatabaseError:
            self._reset()
        except Exception:  # an unreadable entry is a miss, never an error
            pass
        return None

    def put_scan(self, root: str, key: str, value: object) -> None:
        if self.db is None:
            return
        try:
            blob = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
            self.db.execute("INSERT OR REPLACE INTO scans (root, key, data) VALUES (?, ?, ?)", (root, key, blob))
        except (sqlite3.DatabaseError, pickle.PicklingError):
            pass

    def close(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None
