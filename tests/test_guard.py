"""The gate against new CUDA lock-in: `portcheck check` and this checkout's hook run by the real pre-commit."""
from __future__ import annotations

from tests.cli_helpers import CLI, cli_env

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "guard"
_CLI = CLI

MISSING_LINE = ("missing_call.py:6:12: torch.cuda.list_gpu_processes (torch.cuda.nvml) ties this code to CUDA "
                "[cann: missing; musa: missing; neuware: missing]")
RENAME_LINE = ("rename_only.py:6:5: torch.cuda.synchronize (torch.cuda.device) ties this code to CUDA "
               "[cann: rename → torch.npu.synchronize; musa: rename → torch.musa.synchronize; "
               "neuware: rename → torch.mlu.synchronize]")
ASM_LINE = "inline_ptx.cu:4:5: asm (kernel.asm) ties this code to CUDA [cann: missing; musa: missing; neuware: missing]"


_env = cli_env


def _check(args: list[str], cwd: Path, cache: Path) -> subprocess.CompletedProcess:
    return subprocess.run(_CLI + ["check", *args], cwd=cwd, env=_env(cache), capture_output=True, text=True,
                          timeout=120)


@pytest.fixture()
def work(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    for f in FIXTURES.iterdir():
        shutil.copy(f, tmp_path / f.name)
    return tmp_path


# --------------------------------------------------------------------------------------- portcheck check
def test_check_prints_one_line_per_violation_and_exits_1(work, cache):
    res = _check(["missing_call.py", "rename_only.py", "clean.py"], work, cache)
    assert res.returncode == 1
    assert res.stdout.splitlines() == [MISSING_LINE]
    assert res.stderr == ("portcheck: 1 finding(s) violate the policy (fail-on all backends: missing, unknown); "
                          "suppress with '# portcheck: ignore[SYMBOL] -- reason' or record a baseline\n")


def test_check_inline_ptx_names_the_asm_line(work, cache):
    res = _check(["inline_ptx.cu"], work, cache)
    assert res.returncode == 1
    assert ASM_LINE in res.stdout.splitlines()
    # and the SIMT thread model, which the SIMD backends (CANN, NeuWare) do not have
    assert [line.split(" ", 1)[0] for line in res.stdout.splitlines()] == [
        "inline_ptx.cu:4:5:", "inline_ptx.cu:5:22:", "inline_ptx.cu:5:35:"]


def test_check_passes_renames_clean_and_suppressed_files(work, cache):
    res = _check(["rename_only.py", "clean.py", "suppressed.py"], work, cache)
    assert (res.returncode, res.stdout, res.stderr) == (0, "", "")


def test_fail_on_option_and_config_policy(work, cache):
    res = _check(["--fail-on", "rename", "rename_only.py"], work, cache)
    assert (res.returncode, res.stdout.splitlines()) == (1, [RENAME_LINE])
    res = _check(["--fail-on", "missing,unknown", "rename_only.py"], work, cache)  # a list: exactly those
    assert (res.returncode, res.stdout) == (0, "")
    (work / "pyproject.toml").write_text('[tool.portcheck]\nfail-on = {"*" = ["missing"], musa = ["rename"]}\n')
    res = _check(["rename_only.py", "missing_call.py"], work, cache)
    assert res.returncode == 1
    assert res.stdout.splitlines() == [
        "missing_call.py:6:12: torch.cuda.list_gpu_processes (torch.cuda.nvml) ties this code to CUDA "
        "[cann: missing; neuware: missing]",
        "rename_only.py:6:5: torch.cuda.synchronize (torch.cuda.device) ties this code to CUDA "
        "[musa: rename → torch.musa.synchronize]"]
    assert "(fail-on all backends: missing; musa: rename)" in res.stderr


def test_team_tables_from_config_override_the_built_in_verdict(work, cache):
    team = work / "tools" / "portcheck-tables" / "cann"
    team.mkdir(parents=True)
    (team / "backend.yaml").write_text("id: cann\nname: Huawei Ascend CANN\n")
    (team / "ours.yaml").write_text(
        "entries:\n"
        "  - symbol: torch.cuda.list_gpu_processes\n"
        "    status: adapt\n"
        "    target: ourlib.npu_processes\n"
        "    note: our own wrapper over npu-smi\n"
        "    ref: internal wiki page 42\n")
    (work / "portcheck.toml").write_text('mappings = ["tools/portcheck-tables"]\n')
    res = _check(["missing_call.py"], work, cache)
    assert res.stdout.splitlines() == [MISSING_LINE.replace("cann: missing; ", "")]
    res = _check(["--fail-on", "adapt,partial", "missing_call.py"], work, cache)  # a list: exactly those
    assert res.stdout.splitlines() == [MISSING_LINE.replace(
        "[cann: missing; musa: missing; neuware: missing]", "[cann: adapt → ourlib.npu_processes]")]


def test_backend_selection_narrows_the_verdicts(work, cache):
    res = _check(["--backend", "musa", "--fail-on", "rename", "rename_only.py"], work, cache)
    assert res.stdout.splitlines() == [
        "rename_only.py:6:5: torch.cuda.synchronize (torch.cuda.device) ties this code to CUDA "
        "[musa: rename → torch.musa.synchronize]"]


def test_check_skips_what_scan_excludes(work, cache):
    (work / "legacy").mkdir()
    (work / "third_party").mkdir()
    shutil.copy(work / "missing_call.py", work / "legacy" / "old.py")
    shutil.copy(work / "missing_call.py", work / "third_party" / "vendored.py")
    res = _check(["legacy/old.py", "third_party/vendored.py"], work, cache)
    assert res.stdout.splitlines() == [MISSING_LINE.replace("missing_call.py", "legacy/old.py")]
    (work / "pyproject.toml").write_text('[tool.portcheck]\nexclude = ["legacy/"]\n')
    res = _check(["legacy/old.py", "third_party/vendored.py"], work, cache)
    assert (res.returncode, res.stdout) == (0, "")
    (work / "pyproject.toml").write_text('[tool.portcheck]\ninclude = ["src/"]\n')
    res = _check(["legacy/old.py", "missing_call.py"], work, cache)
    assert (res.returncode, res.stdout) == (0, "")


def test_check_ignores_files_it_does_not_read_and_takes_no_files(work, cache):
    (work / "notes.md").write_text("torch.cuda.list_gpu_processes()\n")
    assert _check(["notes.md"], work, cache).returncode == 0
    assert _check([], work, cache).returncode == 0


def test_usage_errors_exit_2(work, cache):
    res = _check(["--fail-on", "fatal", "clean.py"], work, cache)
    assert res.returncode == 2 and "Invalid value for '--fail-on'" in res.stderr
    res = _check(["--backend", "rocm", "clean.py"], work, cache)
    assert res.returncode == 2
    assert res.stderr.startswith("portcheck: error: unknown backend 'rocm'; known: cann")


# ------------------------------------------------------------------------------------- the real pre-commit
def _git(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="session")
def git_env(tmp_path_factory) -> dict[str, str]:
    import pre_commit  # noqa: F401 - a test extra; the real framework, never a stand-in
    if shutil.which("git") is None:
        pytest.fail("git is not installed: the pre-commit tests need it", pytrace=False)
    home = tmp_path_factory.mktemp("pre-commit-home")
    # pip keeps its usual wheel cache (the hook environment is built once per session, much faster warm);
    # portcheck's own cache goes to the temporary XDG_CACHE_HOME.
    pip_cache = os.environ.get("PIP_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "pip")
    return {**os.environ, "PRE_COMMIT_HOME": str(home / "pre-commit"), "XDG_CACHE_HOME": str(home / "cache"),
            "PIP_CACHE_DIR": pip_cache,
            "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1", "GIT_AUTHOR_NAME": "t",
            "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com",
            "NO_COLOR": "1", "TERM": "dumb"}


@pytest.fixture(scope="session")
def hook_repo(tmp_path_factory, git_env) -> tuple[Path, str]:
    """This checkout's working tree (tracked and new files), committed: what `repo:` and `rev:` point at."""
    listing = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                             capture_output=True, timeout=60)
    if listing.returncode != 0:
        pytest.fail("this checkout is not a git work tree: the hook is tried from it", pytrace=False)
    snap = tmp_path_factory.mktemp("hook-repo")
    for rel in sorted(set(listing.stdout.decode().split("\0")) - {""}):
        src = ROOT / rel
        if src.is_file():  # deleted but still in the index: not part of the work tree
            (snap / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, snap / rel)
    for args in (("init", "-q"), ("add", "-A"), ("commit", "-q", "-m", "snapshot")):
        assert _git(*args, cwd=snap, env=git_env).returncode == 0
    return snap, _git("rev-parse", "HEAD", cwd=snap, env=git_env).stdout.strip()


@pytest.fixture()
def consumer(tmp_path: Path, hook_repo, git_env) -> Path:
    """A user's repository with the portcheck hook installed as git's pre-commit hook."""
    repo, rev = hook_repo
    (tmp_path / ".pre-commit-config.yaml").write_text(
        f"repos:\n- repo: {repo}\n  rev: {rev}\n  hooks:\n  - id: portcheck\n", encoding="utf-8")
    for args in (("init", "-q"), ("add", ".pre-commit-config.yaml"), ("commit", "-q", "-m", "config")):
        assert _git(*args, cwd=tmp_path, env=git_env).returncode == 0
    inst = subprocess.run([sys.executable, "-m", "pre_commit", "install"], cwd=tmp_path, env=git_env,
                          capture_output=True, text=True, timeout=60)
    assert inst.returncode == 0, inst.stdout + inst.stderr
    return tmp_path


def _commit(repo: Path, env: dict[str, str], files: dict[str, str], message: str) -> tuple[bool, str]:
    """Write and stage files, then `git commit` (which runs the hook); (committed?, hook output)."""
    for rel, text in files.items():
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_text(text, encoding="utf-8")
    assert _git("add", *files, cwd=repo, env=env).returncode == 0
    before = _git("rev-parse", "HEAD", cwd=repo, env=env).stdout
    res = _git("commit", "-m", message, cwd=repo, env=env)
    after = _git("rev-parse", "HEAD", cwd=repo, env=env).stdout
    assert (res.returncode == 0) == (before != after)
    return res.returncode == 0, res.stdout + res.stderr


def _fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def test_commit_adding_a_call_with_no_equivalent_fails(consumer, git_env):
    ok, out = _commit(consumer, git_env, {"missing_call.py": _fixture("missing_call.py")}, "add gpu report")
    assert not ok
    assert "portcheck (new CUDA lock-in)" in out and "Failed" in out
    assert MISSING_LINE in out.splitlines()


def test_commit_adding_inline_ptx_fails(consumer, git_env):
    ok, out = _commit(consumer, git_env, {"kernels/inline_ptx.cu": _fixture("inline_ptx.cu")}, "add kernel")
    assert not ok
    assert "kernels/" + ASM_LINE in out.splitlines()


def test_commit_of_renames_passes_until_the_policy_includes_rename(consumer, git_env):
    ok, out = _commit(consumer, git_env, {"rename_only.py": _fixture("rename_only.py")}, "renames only")
    assert ok, out
    policy = '[tool.portcheck]\nfail-on = ["rename", "missing", "unknown"]\n'
    more = _fixture("rename_only.py").replace("wait_for_device", "wait_again")
    ok, out = _commit(consumer, git_env, {"pyproject.toml": policy, "more.py": more}, "stricter policy")
    assert not ok
    assert RENAME_LINE.replace("rename_only.py", "more.py") in out.splitlines()


def test_commit_of_clean_and_suppressed_files_passes(consumer, git_env):
    ok, out = _commit(consumer, git_env, {"clean.py": _fixture("clean.py"), "suppressed.py": _fixture("suppressed.py")},
                      "clean")
    assert ok, out
    assert "portcheck (new CUDA lock-in)" in out and "Passed" in out


def test_baselined_file_passes_until_a_new_tie_is_added(consumer, git_env):
    legacy = _fixture("missing_call.py")
    (consumer / "pyproject.toml").write_text('[tool.portcheck]\nbaseline = "portcheck-baseline.json"\n')
    (consumer / "legacy.py").write_text(legacy, encoding="utf-8")
    res = subprocess.run(_CLI + ["baseline", "write"], cwd=consumer, env=git_env, capture_output=True, text=True)
    assert res.stderr == f"portcheck: wrote 1 finding(s) to {consumer.resolve() / 'portcheck-baseline.json'}\n"
    baseline = (consumer / "portcheck-baseline.json").read_text()
    ok, out = _commit(consumer, git_env, {"legacy.py": legacy, "pyproject.toml": '[tool.portcheck]\nbaseline = '
                      '"portcheck-baseline.json"\n', "portcheck-baseline.json": baseline}, "adopt the gate")
    assert ok, out
    moved = legacy.replace('import torch\n', 'import torch\n\nVERSION = 2\nNAME = "legacy"\n')
    ok, out = _commit(consumer, git_env, {"legacy.py": moved}, "old tie moved down by three lines")
    assert ok, out
    grown = moved + "\n\ndef second_report() -> str:\n    return torch.cuda.list_gpu_processes(1)\n"
    ok, out = _commit(consumer, git_env, {"legacy.py": grown}, "a new tie")
    assert not ok
    assert [ln for ln in out.splitlines() if ln.startswith("legacy.py:")] == [
        "legacy.py:13:12: torch.cuda.list_gpu_processes (torch.cuda.nvml) ties this code to CUDA "
        "[cann: missing; musa: missing; neuware: missing]"]


def test_try_repo_runs_this_checkouts_hook(hook_repo, git_env, tmp_path):
    """`pre-commit try-repo` as the issue describes it (it builds a fresh hook environment: the slow test)."""
    repo, rev = hook_repo
    assert _git("init", "-q", cwd=tmp_path, env=git_env).returncode == 0
    for name in ("missing_call.py", "rename_only.py", "clean.py"):
        shutil.copy(FIXTURES / name, tmp_path / name)
    assert _git("add", ".", cwd=tmp_path, env=git_env).returncode == 0
    res = subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(repo), "portcheck", "--ref", rev,
                          "--files", "missing_call.py", "rename_only.py", "clean.py"],
                         cwd=tmp_path, env=git_env, capture_output=True, text=True, timeout=900)
    assert res.returncode == 1, res.stdout + res.stderr
    assert [ln for ln in res.stdout.splitlines() if ".py:" in ln] == [MISSING_LINE]


# ------------------------------------------------------------------- issue 16: the policy as a threshold
MEMCPY = "void f(float *d, const float *h, size_t n) {\n  cudaMemcpy(d, h, n, 0);\n}\n"


def test_fail_on_one_status_means_that_status_or_worse(work, cache):
    res = _check(["--fail-on", "adapt", "missing_call.py"], work, cache)  # `missing` is worse than `adapt`
    assert (res.returncode, res.stdout.splitlines()) == (1, [MISSING_LINE])
    assert "(fail-on all backends: adapt, partial, missing, unknown)" in res.stderr
    res = _check(["--fail-on", "adapt", "rename_only.py"], work, cache)  # a rename is cheaper than adapt
    assert (res.returncode, res.stdout) == (0, "")
    (work / "copy.cu").write_text(MEMCPY)
    res = _check(["--fail-on", "adapt", "copy.cu"], work, cache)  # cann/neuware adapt, musa rename
    assert res.stdout.splitlines() == ["copy.cu:2:3: cudaMemcpy (cuda-runtime.memory) ties this code to CUDA "
                                       "[cann: adapt → aclrtMemcpy; neuware: adapt → cnrtMemcpy]"]
    res = _check(["--fail-on", "missing,unknown", "copy.cu", "missing_call.py"], work, cache)  # exact list
    assert res.stdout.splitlines() == [MISSING_LINE]
    res = _check(["--fail-on", "none", "missing_call.py"], work, cache)
    assert (res.returncode, res.stdout) == (0, "")


def test_fail_on_per_backend_on_the_command_line_and_as_a_config_string(work, cache):
    res = _check(["--fail-on", "musa=rename", "rename_only.py", "missing_call.py"], work, cache)
    assert res.returncode == 1
    # musa: rename or worse; the other backends keep the configured default (missing, unknown)
    assert res.stdout.splitlines() == [
        MISSING_LINE,
        "rename_only.py:6:5: torch.cuda.synchronize (torch.cuda.device) ties this code to CUDA "
        "[musa: rename → torch.musa.synchronize]"]
    assert "(fail-on all backends: missing, unknown; musa: rename, adapt, partial, missing, unknown)" in res.stderr
    res = _check(["--fail-on", "rocm=adapt", "clean.py"], work, cache)
    assert res.returncode == 2 and res.stderr.strip() == \
        "portcheck: error: --fail-on 'rocm=adapt': unknown backend 'rocm' (known: cann, musa, neuware)"
    (work / "pyproject.toml").write_text('[tool.portcheck]\nfail-on = {"*" = "unknown", cann = "rename"}\n')
    res = _check(["rename_only.py", "missing_call.py"], work, cache)
    assert res.stdout.splitlines() == [
        "missing_call.py:6:12: torch.cuda.list_gpu_processes (torch.cuda.nvml) ties this code to CUDA "
        "[cann: missing]",
        "rename_only.py:6:5: torch.cuda.synchronize (torch.cuda.device) ties this code to CUDA "
        "[cann: rename → torch.npu.synchronize]"]
    (work / "pyproject.toml").write_text('[tool.portcheck]\nfail-on = "fatal"\n')
    res = _check(["clean.py"], work, cache)
    assert res.returncode == 2 and "key 'fail-on': 'fatal' is not a status" in res.stderr


def test_scan_fail_on_threshold_and_exit_zero(work, cache):
    from tests.cli_helpers import run_cli

    res = run_cli(["scan", ".", "-q", "--no-cache", "--fail-on", "adapt"], work, cache)
    assert res.returncode == 1
    assert res.stderr.startswith("portcheck: 9 finding(s) fail the policy (fail-on all backends: adapt, partial, "
                                 "missing, unknown)")
    res = run_cli(["scan", ".", "-q", "--no-cache", "--fail-on", "adapt", "--exit-zero"], work, cache)
    assert res.returncode == 0 and "--exit-zero" in res.stderr
    res = run_cli(["scan", ".", "-q", "--no-cache", "--fail-on", "cann=unknown"], work, cache)
    assert res.returncode == 0, res.stderr


# ------------------------------------------------------------------- issue 16: check's input and output
def test_check_missing_file_is_an_error(work, cache):
    res = _check(["nope.py", "clean.py"], work, cache)
    assert (res.returncode, res.stdout, res.stderr) == (2, "", "portcheck: error: nope.py: no such file or directory\n")


def test_check_accepts_a_directory(work, cache):
    sub = work / "pkg"
    (sub / "build").mkdir(parents=True)
    shutil.copy(FIXTURES / "missing_call.py", sub / "report.py")
    shutil.copy(FIXTURES / "missing_call.py", sub / "build" / "gen.py")  # a default exclude, as in `scan`
    res = _check(["pkg"], work, cache)
    assert res.returncode == 1
    assert res.stdout.splitlines() == [MISSING_LINE.replace("missing_call.py", "pkg/report.py")]
    res = _check(["."], work, cache)
    assert [line.split(":")[0] for line in res.stdout.splitlines() if " ties this code to CUDA " in line] == [
        "inline_ptx.cu", "inline_ptx.cu", "inline_ptx.cu", "missing_call.py", "pkg/report.py",
        "suppress_cases.py"]


def test_check_quiet_and_exit_zero(work, cache):
    res = _check(["--quiet", "missing_call.py"], work, cache)
    assert (res.returncode, res.stdout.splitlines(), res.stderr) == (1, [MISSING_LINE], "")
    res = _check(["--exit-zero", "missing_call.py"], work, cache)
    assert res.returncode == 0 and res.stdout.splitlines() == [MISSING_LINE]


def test_check_github_annotations(work, cache):
    res = _check(["--output-format", "github", "missing_call.py", "rename_only.py"], work, cache)
    assert res.returncode == 1
    assert res.stdout.splitlines() == [
        "::error file=missing_call.py,line=6,col=12,title=portcheck%3A torch.cuda.list_gpu_processes::"
        "torch.cuda.list_gpu_processes (torch.cuda.nvml) ties this code to CUDA "
        "[cann: missing; musa: missing; neuware: missing]"]
