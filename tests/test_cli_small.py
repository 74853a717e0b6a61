"""Small command-line behaviours of issue 16 (item 9): version flag, reports on stdout, --statistics, --exit-zero,
and what an empty or CUDA-free folder prints."""
from __future__ import annotations

import json
import re
from pathlib import Path

from tests.cli_helpers import run_cli

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "ddp_cuda_demo"


def test_version_flags(tmp_path, cache):
    for flag in ("-V", "--version"):
        res = run_cli([flag], tmp_path, cache)
        assert res.returncode == 0 and re.fullmatch(r"portcheck, version \d+\.\d+\.\d+\S*\n", res.stdout)


def test_one_format_without_output_goes_to_stdout(tmp_path, cache):
    res = run_cli(["scan", str(EXAMPLE), "--no-cache", "-f", "json"], tmp_path, cache)
    assert res.returncode == 0, res.stderr
    doc = json.loads(res.stdout)  # the report, and only the report, on stdout
    assert doc["summary"]["findings"] == len(doc["findings"]) > 100
    assert "Porting effort per backend" in res.stderr  # the summary moved to stderr
    assert list(tmp_path.iterdir()) == []  # no file written
    saved = tmp_path / "r.json"
    saved.write_text(res.stdout)
    res = run_cli(["render", str(saved), "-f", "md"], tmp_path, cache)
    assert res.returncode == 0 and res.stdout.startswith("## portcheck")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.json"]  # render wrote no portcheck-report.md
    res = run_cli(["scan", str(EXAMPLE), "--no-cache", "-f", "json,md"], tmp_path, cache)
    assert (res.returncode, res.stderr) == (2, "portcheck: error: several formats need --output-dir DIR\n")


def test_statistics_counts_per_family(tmp_path, cache):
    res = run_cli(["scan", str(EXAMPLE), "--no-cache", "-q", "--statistics"], tmp_path, cache)
    assert res.returncode == 0, res.stderr
    lines = res.stdout.splitlines()
    counts = [int(line.split()[0]) for line in lines[:-1]]
    assert counts == sorted(counts, reverse=True) and sum(counts) == int(lines[-1].split()[0])
    doc = json.loads(run_cli(["scan", str(EXAMPLE), "--no-cache", "-q", "-f", "json"], tmp_path, cache).stdout)
    by_family = doc["summary"]["by_family"]
    assert lines[-1] == f"{len(doc['findings']):>7}  findings in {len(by_family)} families"
    first = max(by_family.items(), key=lambda kv: (kv[1], -ord(kv[0][0])))
    assert lines[0].split()[:2] == [str(first[1]), first[0]]
    assert all(len(line) <= 100 for line in lines)


def test_empty_and_cuda_free_folders_say_so(tmp_path, cache):
    (tmp_path / "empty").mkdir()
    res = run_cli(["scan", "empty", "--no-cache"], tmp_path, cache)
    assert res.returncode == 0, res.stderr
    assert res.stdout.splitlines()[1] == ("No CUDA ties found: no file portcheck reads (Python, CUDA, C/C++, CMake, "
                                          "setup.py, requirements, TOML) is in this folder.")
    (tmp_path / "plain").mkdir()
    (tmp_path / "plain" / "a.py").write_text("import json\nprint(json.dumps({}))\n")
    res = run_cli(["scan", "plain", "--no-cache"], tmp_path, cache)
    out = res.stdout.splitlines()
    assert out[1] == "No CUDA ties found: nothing to port in the 1 file(s) read."
    assert len(out) == 2 and "rewrite" not in res.stdout and "effort" not in res.stdout
