"""Configuration: [tool.portcheck] / portcheck.toml, and errors that are one line naming the file and the key."""
from __future__ import annotations

from tests.cli_helpers import CLI, run_cli

from pathlib import Path

import pytest

from portcheck.config import DEFAULT_FAIL_ON, Config, ConfigError, find_config, load_config

_CLI = CLI


_run = run_cli


def _repo(tmp_path: Path, pyproject: str | None = None, portcheck_toml: str | None = None) -> Path:
    (tmp_path / ".git").mkdir()  # config search stops at the repository root
    if pyproject is not None:
        (tmp_path / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    if portcheck_toml is not None:
        (tmp_path / "portcheck.toml").write_text(portcheck_toml, encoding="utf-8")
    (tmp_path / "a.py").write_text("import torch\ntorch.cuda.synchronize()\n", encoding="utf-8")
    return tmp_path


# (pyproject.toml text, the message after "portcheck: error: <path>: ")
CONFIG_ERRORS = [
    ('[tool.portcheck]\nfail_on = ["missing"]\n',
     "unknown key 'fail_on' in [tool.portcheck] (did you mean 'fail-on'?)"),
    ('[tool.portcheck]\ncolour = "never"\n',
     "unknown key 'colour' in [tool.portcheck] (known keys: backends, baseline, default-excludes, effort, exclude, "
     "fail-on, include, jobs, mappings, max-file-size, per-file-ignores, respect-gitignore, targets)"),
    ('[tool.portcheck]\njobs = "2"\n', "key 'jobs' must be a whole number, not a string"),
    ('[tool.portcheck]\nrespect-gitignore = 1\n', "key 'respect-gitignore' must be true or false, not an integer"),
    ('[tool.portcheck]\nmax-file-size = true\n',
     "key 'max-file-size' must be a whole number of megabytes, not a boolean"),
    ('[tool.portcheck]\nexclude = "build/"\n',
     "key 'exclude' must be a list of gitignore-style patterns, not a string"),
    ('[tool.portcheck]\nbackends = ["cann", 3]\n', "key 'backends': item 2 must be a backend id, not an integer"),
    ('[tool.portcheck]\nfail-on = 3\n',
     "key 'fail-on' must be a status (that status or worse), a list of statuses, or a table of backend = status "
     "or [statuses], not an integer"),
    ('[tool.portcheck]\nfail-on = "fatal"\n',
     "key 'fail-on': 'fatal' is not a status (choose from rename, adapt, partial, missing, unknown, or none)"),
    ('[tool.portcheck]\nfail-on = ["missing", "fatal"]\n',
     "key 'fail-on': 'fatal' is not a status (choose from rename, adapt, partial, missing, unknown)"),
    ('[tool.portcheck]\nfail-on = {cann = ["renamed"]}\n',
     "key 'fail-on.cann': 'renamed' is not a status (choose from rename, adapt, partial, missing, unknown)"),
    ('[tool.portcheck]\nfail-on = {musa = 3}\n',
     "key 'fail-on.musa' must be a list of statuses (rename, adapt, partial, missing, unknown), not an integer"),
    ('[tool.portcheck.per-file-ignores]\n"tests/" = "cudaMalloc"\n',
     "key 'per-file-ignores.\"tests/\"' must be a list of symbols or families, not a string"),
    ('[tool.portcheck]\nmappings = ["team-tables"]\n', "key 'mappings': folder 'team-tables' does not exist"),
    ('[tool.portcheck]\njobs = -1\n', "key 'jobs' must not be negative"),
    ('[tool.portcheck.effort]\nhours_per_week = 30\n', "key 'effort': unknown key 'effort.hours_per_week'"),
    ('[tool]\nportcheck = 3\n', "[tool.portcheck] must be a table"),
]


@pytest.mark.parametrize("text, message", CONFIG_ERRORS,
                         ids=[m.split("'")[1] if "'" in m else m for _, m in CONFIG_ERRORS])
def test_config_error_is_one_line_naming_file_and_key(tmp_path, cache, text, message):
    root = _repo(tmp_path, pyproject=text)
    res = _run(["check", "a.py"], root, cache)
    assert (res.returncode, res.stdout) == (2, "")
    assert res.stderr == f"portcheck: error: {root / 'pyproject.toml'}: {message}\n"


def test_broken_toml_names_file_and_line(tmp_path, cache):
    root = _repo(tmp_path, pyproject='[project]\nname = "x"\n\n[tool.portcheck]\nfail-on = missing\njobs = 1\n')
    res = _run(["check", "a.py"], root, cache)
    assert (res.returncode, res.stdout) == (2, "")
    assert res.stderr == (f"portcheck: error: {root / 'pyproject.toml'}: "
                          "invalid TOML: Invalid value (at line 5, column 11)\n")


def test_unknown_backend_in_config_names_the_key(tmp_path, cache):
    root = _repo(tmp_path, pyproject='[tool.portcheck]\nfail-on = {"*" = ["missing"], cnn = ["adapt"]}\n')
    res = _run(["check", "a.py"], root, cache)
    assert res.returncode == 2
    assert res.stderr == (f"portcheck: error: {root / 'pyproject.toml'}: key 'fail-on.cnn': unknown backend 'cnn' "
                          "(known: cann, musa, neuware, or \"*\" for all)\n")
    (root / "pyproject.toml").write_text('[tool.portcheck]\nbackends = ["musa", "rocm"]\n', encoding="utf-8")
    res = _run(["baseline", "write", "."], root, cache)
    assert res.returncode == 2
    assert res.stderr == (f"portcheck: error: {root / 'pyproject.toml'}: key 'backends': unknown backend 'rocm' "
                          "(known: cann, musa, neuware)\n")
    assert not (root / "portcheck-baseline.json").exists()


def test_portcheck_toml_errors_and_explicit_config(tmp_path, cache):
    root = _repo(tmp_path, portcheck_toml='backend = ["cann"]\n')
    res = _run(["check", "a.py"], root, cache)
    assert (res.returncode, res.stderr) == (
        2, f"portcheck: error: {root / 'portcheck.toml'}: unknown key 'backend' in portcheck configuration "
           "(did you mean 'backends'?)\n")
    res = _run(["scan", ".", "--config", "missing.toml", "-q"], root, cache)
    assert res.returncode == 2
    assert res.stderr.startswith("portcheck: error: missing.toml: cannot read: [Errno 2] No such file or directory")
    assert res.stderr.count("\n") == 1


def test_scan_reports_config_errors_the_same_way(tmp_path, cache):
    root = _repo(tmp_path, pyproject='[tool.portcheck]\ninclude = "src/"\n')
    res = _run(["scan", ".", "-q"], root, cache)
    assert (res.returncode, res.stdout) == (2, "")
    assert res.stderr == (f"portcheck: error: {root / 'pyproject.toml'}: key 'include' must be a list of "
                          "gitignore-style patterns, not a string\n")


# ------------------------------------------------------------------------------------ reading, not failing
def test_defaults_without_a_config():
    cfg = load_config(None)
    assert cfg == Config()
    assert cfg.fail_on == {"*": ["missing", "unknown"]} and DEFAULT_FAIL_ON == ("missing", "unknown")


def test_full_config_is_read_and_paths_resolve_from_the_config_folder(tmp_path):
    (tmp_path / "team-tables").mkdir()
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "demo"\n\n'
        '[tool.portcheck]\n'
        'backends = ["cann", "musa"]\n'
        'include = ["src/"]\n'
        'exclude = ["legacy/"]\n'
        'fail-on = {"*" = ["missing"], musa = ["rename", "missing"]}\n'
        'mappings = ["team-tables"]\n'
        'baseline = "ci/portcheck-baseline.json"\n'
        'max-file-size = 5\n'
        'respect-gitignore = false\n'
        'default-excludes = false\n'
        'jobs = 2\n'
        '[tool.portcheck.per-file-ignores]\n'
        '"tests/**" = ["*"]\n'
        '"src/legacy_io.py" = ["cudaMalloc", "nccl"]\n'
        '[tool.portcheck.effort]\n'
        'hours_per_day = 7\n', encoding="utf-8")
    cfg = load_config(tmp_path / "pyproject.toml")
    assert cfg == Config(
        path=tmp_path / "pyproject.toml", backends=["cann", "musa"], include=["src/"], exclude=["legacy/"],
        per_file_ignores={"tests/**": ["*"], "src/legacy_io.py": ["cudaMalloc", "nccl"]},
        fail_on={"*": ["missing"], "musa": ["rename", "missing"]}, effort={"hours_per_day": 7},
        mappings=[str((tmp_path / "team-tables").resolve())],
        baseline=str((tmp_path / "ci" / "portcheck-baseline.json").resolve()), max_file_size=5,
        respect_gitignore=False, default_excludes=False, jobs=2)


def test_fail_on_table_keeps_the_default_for_backends_it_does_not_name(tmp_path):
    (tmp_path / "portcheck.toml").write_text('[fail-on]\ncann = ["partial", "missing"]\nmusa = []\n')
    cfg = load_config(tmp_path / "portcheck.toml")
    assert cfg.fail_on == {"*": ["missing", "unknown"], "cann": ["partial", "missing"], "musa": []}


def test_portcheck_toml_may_use_a_tool_table(tmp_path):
    (tmp_path / "portcheck.toml").write_text('[tool.portcheck]\nfail-on = ["rename"]\n')
    assert load_config(tmp_path / "portcheck.toml").fail_on == {"*": ["rename"]}


def test_find_config_prefers_portcheck_toml_and_stops_at_the_repository_root(tmp_path):
    outer = tmp_path / "outer"
    repo = outer / "repo"
    sub = repo / "src" / "pkg"
    sub.mkdir(parents=True)
    (outer / "portcheck.toml").write_text("jobs = 1\n")
    (repo / ".git").mkdir()
    assert find_config(sub) is None  # never reads a configuration above the repository
    (repo / "pyproject.toml").write_text('[project]\nname = "x"\n')
    assert find_config(sub) is None  # a pyproject.toml without [tool.portcheck] is not a configuration
    (repo / "pyproject.toml").write_text('[project]\nname = "x"\n[tool.portcheck]\njobs = 1\n')
    assert find_config(sub) == repo / "pyproject.toml"
    assert find_config(sub / "mod.py") == repo / "pyproject.toml"
    (repo / "src" / "portcheck.toml").write_text("jobs = 2\n")
    assert find_config(sub) == repo / "src" / "portcheck.toml"


def test_find_config_returns_a_broken_pyproject_so_its_error_is_reported(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "pyproject.toml").write_text('[tool.portcheck]\nfail-on = [\n')
    assert find_config(tmp_path) == tmp_path / "pyproject.toml"
    with pytest.raises(ConfigError, match=r"pyproject\.toml: invalid TOML: "):
        load_config(tmp_path / "pyproject.toml")
    (tmp_path / "pyproject.toml").write_text('[project\nname = "unrelated"\n')
    assert find_config(tmp_path) is None  # broken, but not ours: the build tool will complain about it
