"""SARIF as GitHub code scanning reads it: repository-relative URIs, a rules page per rule, fingerprints that tell
results apart, a way to leave results out, and the per-run cap (issue 16, item 3)."""
from __future__ import annotations

import copy
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from portcheck.reporters import sarif
from tests.cli_helpers import run_cli
from tests.regen_gold import synthetic_document

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"

TRAIN = """import torch

torch.cuda.synchronize()
x = 1
torch.cuda.synchronize()
torch.cuda.list_gpu_processes()
torch.cuda.synchronize()
"""


def _validate(log: dict) -> None:
    import jsonschema

    jsonschema.Draft7Validator(json.loads(SCHEMA.read_text(encoding="utf-8"))).validate(log)


def _git(*args: str, cwd: Path) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True,
                   env={"GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_SYSTEM": "/dev/null", "PATH": "/usr/bin:/bin",
                        "HOME": str(cwd)})


@pytest.fixture()
def repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    (repo / "sub" / "deep").mkdir(parents=True)
    (repo / "sub" / "train.py").write_text(TRAIN)
    (repo / "sub" / "deep" / "ops.cu").write_text("void f(void **p) { cudaMalloc(p, 4); }\n")
    _git("init", "-q", cwd=repo)
    return repo


def _uris(log: dict) -> list[str]:
    return sorted({r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                   for run in log["runs"] for r in run["results"]})


def test_sub_folder_scan_in_a_git_repo_has_repository_relative_uris(repo, tmp_path, cache):
    res = run_cli(["scan", "sub", "--no-cache", "-q", "-f", "sarif", "-o", str(tmp_path / "r.sarif")], repo, cache)
    assert res.returncode == 0, res.stderr
    log = json.loads((tmp_path / "r.sarif").read_text())
    _validate(log)
    assert _uris(log) == ["sub/deep/ops.cu", "sub/train.py"]
    for run in log["runs"]:
        assert run["originalUriBaseIds"]["%SRCROOT%"]["description"]["text"].startswith("the repository root")
        assert all(r["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
                   for r in run["results"])
    # run from inside the sub-folder: the same repository-relative paths
    res = run_cli(["scan", ".", "--no-cache", "-q", "-f", "sarif", "-o", str(tmp_path / "r2.sarif")],
                  repo / "sub", cache)
    assert _uris(json.loads((tmp_path / "r2.sarif").read_text())) == ["sub/deep/ops.cu", "sub/train.py"]
    # --project-root names another root; a saved JSON report keeps the prefix for `render`
    res = run_cli(["scan", "sub/deep", "--no-cache", "-q", "--project-root", "sub", "-f", "json", "-o",
                   str(tmp_path / "r.json")], repo, cache)
    assert res.returncode == 0, res.stderr
    res = run_cli(["render", str(tmp_path / "r.json"), "-f", "sarif", "-o", str(tmp_path / "r3.sarif")], repo, cache)
    assert res.returncode == 0, res.stderr
    assert _uris(json.loads((tmp_path / "r3.sarif").read_text())) == ["deep/ops.cu"]
    (tmp_path / "elsewhere").mkdir()
    res = run_cli(["scan", "sub", "--no-cache", "-q", "--project-root", str(tmp_path / "elsewhere"), "-f", "sarif", "-o",
                   str(tmp_path / "r4.sarif")], repo, cache)
    assert res.returncode == 2 and "is not inside it" in res.stderr


def test_folder_outside_git_keeps_scan_relative_uris(tmp_path, cache):
    (tmp_path / "proj").mkdir()
    (tmp_path / "proj" / "train.py").write_text(TRAIN)
    res = run_cli(["scan", "proj", "--no-cache", "-q", "-f", "sarif"], tmp_path, cache)  # stdout: no -o
    assert res.returncode == 0, res.stderr
    assert _uris(json.loads(res.stdout)) == ["train.py"]


def test_fingerprints_tell_results_on_identical_lines_apart(repo, tmp_path, cache):
    res = run_cli(["scan", "sub", "--no-cache", "-q", "-f", "sarif"], repo, cache)
    log = json.loads(res.stdout)
    for run in log["runs"]:
        syncs = [r for r in run["results"] if r["properties"]["symbol"] == "torch.cuda.synchronize"]
        assert [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in syncs] == [3, 5, 7]
        # the finding id ignores line numbers on purpose, so three identical lines share it ...
        assert len({r["partialFingerprints"][sarif.FINGERPRINT_KEY] for r in syncs}) == 1
        # ... the line hash counts occurrences, so every result of a run has its own
        hashes = [r["partialFingerprints"][sarif.LINE_HASH_KEY] for r in run["results"]]
        assert len(set(hashes)) == len(hashes)
        assert [h.split(":")[1] for h in (r["partialFingerprints"][sarif.LINE_HASH_KEY] for r in syncs)] == \
            ["1", "2", "3"]
    # the hash depends on the line's text, not its number: inserting a line above keeps it
    (repo / "sub" / "train.py").write_text("# a new first line\n" + TRAIN)
    again = json.loads(run_cli(["scan", "sub", "--no-cache", "-q", "-f", "sarif"], repo, cache).stdout)
    key = lambda log: sorted(r["partialFingerprints"][sarif.LINE_HASH_KEY] for r in log["runs"][0]["results"])
    assert key(again) == key(log)


def test_every_rule_links_to_its_section_of_the_rules_page(repo, cache):
    log = json.loads(run_cli(["scan", "sub", "--no-cache", "-q", "-f", "sarif"], repo, cache).stdout)
    page = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    headings = {sarif.anchor(m) for m in re.findall(r"^## (.+)$", page, flags=re.M)}
    rules = [rule for run in log["runs"] for rule in run["tool"]["driver"]["rules"]]
    assert {r["id"] for r in rules} == {"torch.cuda.device", "torch.cuda.nvml", "cuda-runtime.memory"}
    for rule in rules:
        base, _, frag = rule["helpUri"].partition("#")
        assert base == sarif.RULES_DOC_URL and base.endswith("/docs/rules.md") and frag in headings


def test_rules_page_has_a_section_for_every_family_of_the_tables():
    """A new family needs `python tools/gen_docs.py` (the page's rows may lag a table edit; its sections may not)."""
    from portcheck.tables import load_tables

    page = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    sections = set(re.findall(r"^## (.+)$", page, flags=re.M))
    missing = sorted(set(load_tables().families) - sections)
    assert not missing, f"docs/rules.md has no section for {missing}: run python tools/gen_docs.py"
    res = subprocess.run([sys.executable, str(ROOT / "tools" / "gen_docs.py"), "--help"], capture_output=True,
                         text=True)
    assert res.returncode == 0 and "--check" in res.stdout


def test_min_status_select_and_ignore_choose_what_goes_in(repo, cache):
    def statuses(args):
        res = run_cli(["scan", "sub", "--no-cache", "-q", "-f", "sarif", *args], repo, cache)
        assert res.returncode == 0, res.stderr
        log = json.loads(res.stdout)
        _validate(log)
        return sorted({(run["automationDetails"]["id"].split("/")[1], r["properties"]["symbol"],
                        r["properties"]["status"]) for run in log["runs"] for r in run["results"]})

    everything = statuses([])
    assert ("cann", "torch.cuda.synchronize", "rename") in everything
    assert statuses(["--min-status", "adapt"]) == [s for s in everything if s[2] != "rename"]
    assert statuses(["--ignore", "rename"]) == [s for s in everything if s[2] != "rename"]
    assert statuses(["--select", "missing"]) == [s for s in everything if s[2] == "missing"]
    assert statuses(["--select", "cuda-runtime"]) == [s for s in everything if s[1] == "cudaMalloc"]
    assert statuses(["--ignore", "torch.cuda,cuda-runtime.memory"]) == []
    res = run_cli(["scan", "sub", "--no-cache", "-q", "--ignore", "cuda-runtme"], repo, cache)
    assert res.returncode == 2
    assert res.stderr == ("portcheck: error: 'cuda-runtme' is not a status (rename, adapt, partial, missing, "
                          "unknown), a family or a symbol in the tables; did you mean 'cuda-runtime'?\n")


def test_a_run_keeps_at_most_the_cap_most_severe_first():
    doc = synthetic_document()
    base = list(doc["findings"])
    many = []
    for i in range(sarif.MAX_RESULTS_PER_RUN // len(base) + 40):
        for f in base:
            g = copy.deepcopy(f)
            g["path"] = f"copy{i:04d}/{f['path']}"
            many.append(g)
    doc["findings"] = many
    log = json.loads(sarif.render(doc))
    _validate(log)
    for run in log["runs"]:
        bid = run["automationDetails"]["id"].split("/")[1]
        mine = [f for f in many if bid in f["verdicts"]]
        levels = [sarif.LEVELS[f["verdicts"][bid]["status"]] for f in mine]
        assert len(run["results"]) == sarif.MAX_RESULTS_PER_RUN
        left = len(mine) - sarif.MAX_RESULTS_PER_RUN
        assert run["properties"]["results_left_out"] == left > 0
        kept = [r["level"] for r in run["results"]]
        # every error and warning is kept; only notes are left out (they are the most numerous here)
        assert kept.count("error") == levels.count("error") and kept.count("warning") == levels.count("warning")
        assert kept.count("note") == levels.count("note") - left
        note = run["invocations"][0]["toolExecutionNotifications"][-1]["message"]["text"]
        assert note.startswith(f"{left} result(s) left out: GitHub code scanning keeps 5,000 per run")
        assert note.endswith(f"(left out: {left} note). Narrow with --min-status or --ignore.")
