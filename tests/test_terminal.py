"""The terminal summary at 80 columns and with COLUMNS when piped (issue 16, item 7)."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "ddp_cuda_demo"
STATUSES = ("rename", "adapt", "partial", "missing", "unknown")


def _scan(args: list[str], cache: Path, columns: str | None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    env.update(NO_COLOR="1", XDG_CACHE_HOME=str(cache))
    if columns is not None:
        env["COLUMNS"] = columns
    return subprocess.run([sys.executable, "-m", "portcheck", "scan", *args], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=120)


def test_summary_fits_80_columns_with_every_number_whole(tmp_path, cache):
    tree = tmp_path / "tree"
    deep = tree / "a_rather_long_folder_name" / "with_another_long_folder_name_inside"
    deep.mkdir(parents=True)
    # adapt-status uses: a cost per use puts the file in the top files (renames cost per name, not per file)
    (deep / "and_a_long_module_file_name.py").write_text("import torch\n" + "torch.cuda.get_device_properties(0)\n" * 3)
    (tree / "train.py").write_text((EXAMPLE / "train.py").read_text())
    doc = json.loads(_scan([str(tree), "--no-cache", "-q", "-f", "json"], cache, None).stdout)
    res = _scan([str(tree), "--no-cache"], cache, "80")
    assert res.returncode == 0, res.stderr
    lines = res.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80, [line for line in lines if len(line) > 80]
    assert "…" not in res.stdout
    head = next(line for line in lines if line.split()[:2] == ["backend", "h"])
    assert head.split() == ["backend", "h", "range", "+kern", "ready", "ren", "ada", "par", "mis", "unk"]
    for b in doc["backends"]:
        row = next(line.split() for line in lines if line.split()[:1] == [b["id"]])
        counts = doc["summary"]["by_status"][b["id"]]
        assert row[5:10] == [f"{counts[s]:,}" for s in STATUSES], row
        assert row[4] == f"{doc['effort'][b['id']]['readiness']:.0f}%"
    # the long path is folded over two lines, not cut, and its numbers stay whole
    i = next(n for n, line in enumerate(lines) if line.strip().startswith("a_rather_long_folder_name/"))
    first, rest = lines[i].split(), lines[i + 1].split()
    assert first[0] + rest[0] == \
        "a_rather_long_folder_name/with_another_long_folder_name_inside/and_a_long_module_file_name.py"
    assert len(first) == 4 and all(re.fullmatch(r"\d[\d,]*(\.\d)?", x) for x in first[1:]) and len(rest) == 1


def test_piped_output_honours_columns(tmp_path, cache):
    wide = _scan([str(EXAMPLE), "--no-cache"], cache, "200").stdout.splitlines()
    assert any("person-days" in line for line in wide) and max(len(line) for line in wide) > 120
    assert max(len(line) for line in wide) <= 200
    default = _scan([str(EXAMPLE), "--no-cache"], cache, None).stdout.splitlines()  # piped, no COLUMNS: 140
    assert any("person-days" in line for line in default) and max(len(line) for line in default) <= 140
    narrow = _scan([str(EXAMPLE), "--no-cache"], cache, "60").stdout.splitlines()
    assert max(len(line) for line in narrow) <= 60
