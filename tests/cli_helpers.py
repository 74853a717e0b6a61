"""Run the real command line in a subprocess, with its own cache folder and no colours."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

CLI = [sys.executable, "-c", "import sys; from portcheck.cli import main; sys.exit(main())"]


def cli_env(cache: Path) -> dict[str, str]:
    return {**os.environ, "XDG_CACHE_HOME": str(cache), "NO_COLOR": "1"}


def run_cli(args: list[str], cwd: Path, cache: Path) -> subprocess.CompletedProcess:
    return subprocess.run(CLI + args, cwd=cwd, env=cli_env(cache), capture_output=True, text=True, timeout=120)
