"""`portcheck port`: exact before/after trees per backend, diff = write, idempotence, safety, the example project."""
from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from tests.cli_helpers import CLI, cli_env, run_cli

FIXTURES = Path(__file__).parent / "fixtures" / "port"
EXAMPLE = Path(__file__).parent.parent / "examples" / "ddp_cuda_demo"


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
            and ".git" not in p.relative_to(root).parts}


def _git(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.com"}
    return subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True)


def _repo(tmp_path: Path, src: Path, name: str = "repo") -> Path:
    """A copy of `src` committed in a fresh git repository (a clean tree, as --write wants)."""
    dst = tmp_path / name
    shutil.copytree(src, dst)
    _git(dst, "init", "-q")
    _git(dst, "add", "-A")
    _git(dst, "commit", "-q", "-m", "before")
    return dst


@pytest.mark.parametrize("case,backend", [("python", "musa"), ("python", "cann"), ("cpp", "musa"), ("cpp", "cann")])
def test_write_makes_exactly_the_expected_tree(tmp_path, cache, case, backend):
    repo = _repo(tmp_path, FIXTURES / case / "before")
    r = run_cli(["port", str(repo), "--backend", backend, "--write", "-q"], tmp_path, cache)
    assert r.returncode == 0, r.stderr
    assert _tree(repo) == _tree(FIXTURES / case / f"after.{backend}")


@pytest.mark.parametrize("case,backend", [("python", "musa"), ("python", "cann"), ("cpp", "musa"), ("cpp", "cann")])
def test_the_diff_applies_with_git_and_equals_write(tmp_path, cache, case, backend):
    repo = _repo(tmp_path, FIXTURES / case / "before")
    r = subprocess.run(CLI + ["port", str(repo), "--backend", backend, "-q"], cwd=tmp_path, env=cli_env(cache),
                       capture_output=True, timeout=120)  # bytes: text mode would turn the CRLF lines into LF
    assert r.returncode == 0, r.stderr
    patch = tmp_path / "p.diff"
    patch.write_bytes(r.stdout)
    _git(repo, "apply", str(patch))
    assert _tree(repo) == _tree(FIXTURES / case / f"after.{backend}")


@pytest.mark.parametrize("case,backend", [("python", "musa"), ("python", "cann"), ("cpp", "musa"), ("cpp", "cann")])
def test_second_run_changes_nothing(tmp_path, cache, case, backend):
    repo = _repo(tmp_path, FIXTURES / case / f"after.{backend}")
    r = run_cli(["port", str(repo), "--backend", backend], tmp_path, cache)
    assert r.returncode == 0, r.stderr
    assert r.stdout == ""  # an empty patch
    assert "patch changes 0 files, 0 edits" in r.stderr


def test_crlf_and_comments_and_strings(tmp_path, cache):
    """The expected trees above pin these; here they are spelled out so a regenerated fixture cannot hide them."""
    after = FIXTURES / "python" / "after.musa"
    crlf = (after / "crlf_file.py").read_bytes()
    assert crlf == (b"import torch\r\nimport torch_musa\r\n\r\n# CRLF file: torch.cuda.synchronize() in a comment "
                    b"stays\r\ndef go(x):\r\n    torch.musa.synchronize()\r\n    return x.musa()\r\n")
    text = (after / "train_aliases.py").read_text(encoding="utf-8")
    assert '"""Aliases, imports and device strings; torch.cuda.synchronize() in this docstring must stay."""' in text
    assert "    # torch.cuda.set_device(rank) is called below; this comment must not change\n" in text
    assert '    label = "cuda"  # a plain string, not a device context: stays\n' in text
    assert '    print("running on cuda", label)\n' in text
    assert "from torch.musa.amp import GradScaler, autocast  # mixed precision\n" in text
    assert "import torch.musa as tc\n" in text and "        tc.synchronize()\n" in text
    assert "from torch import musa as cuda\n" in text and "    cuda.empty_cache()\n" in text
    assert ("from torch.utils.cpp_extension import CUDAExtension\n"
            "from torch_musa.utils.musa_extension import BuildExtension\n") in text
    assert "    return y, scaler, state, torch.musa.max_memory_allocated(  # keep this comment\n    )\n" in text
    cu = (FIXTURES / "cpp" / "after.musa" / "kernels.cu").read_text(encoding="utf-8")
    assert cu.startswith("// Runtime, cuBLAS, torch C++ and macros; cudaMalloc in this comment must stay.\n"
                         '#include "torch_musa/csrc/aten/musa/MUSAContext.h"\n'
                         '#include "torch_musa/csrc/core/MUSAGuard.h"\n'
                         "#include <musa_runtime.h>\n#include <mublas.h>\n"
                         '#include "my_cuda_helpers.h"\n')
    assert ('#define CHECK_CUDA(call) do { musaError_t e = (call); if (e != musaSuccess) throw "cudaError in '
            'CHECK_CUDA"; } while (0)\n') in cu
    assert "/* block comment: cudaMemcpy(dst, src, n, cudaMemcpyHostToDevice); */\n" in cu
    assert '  const char* msg = "cudaMemcpyAsync failed";  // the string stays\n' in cu
    assert '  TORCH_CHECK(t.is_privateuseone(), "t must be a CUDA tensor: is_cuda() in this string stays");\n' in cu
    assert "#if defined(USE_ROCM)\n  hipDeviceSynchronize();\n#else\n  musaDeviceSynchronize();\n#endif\n" in cu
    # top-level macro calls are an ERROR region for the grammar, but C tokens: edited, the comment kept
    assert (FIXTURES / "cpp" / "after.musa" / "macro_calls.cu").read_text(encoding="utf-8").endswith(
        "FOR_EACH_WIDE(INST_TWOSIDE, musaStream_t, float, float)\n"
        "FOR_EACH_NARROW(INST_ONESIDE, musaEvent_t, float, float)  // cudaEvent_t in this comment stays\n")
    assert (FIXTURES / "cpp" / "after.musa" / "crlf_file.cpp").read_bytes() == (
        b"#include <musa_runtime.h>\r\n\r\n// CRLF C++ file\r\nvoid f(void* p) {\r\n  musaFree(p);  // cudaFree "
        b"stays in this comment\r\n}\r\n")


def test_unparsable_files_are_untouched_and_listed(tmp_path, cache):
    repo = _repo(tmp_path, FIXTURES / "broken" / "before")
    before = _tree(repo)
    r = run_cli(["port", str(repo), "--backend", "musa", "--write"], tmp_path, cache)
    assert r.returncode == 0, r.stderr
    assert _tree(repo) == before
    lines = r.stdout.splitlines()
    i = lines.index("not parsed, left untouched:")
    assert lines[i + 1] == "  broken.cu: tree-sitter cannot parse it as C/C++"
    assert lines[i + 2] == "  broken.py: libcst cannot parse it (syntax error at line 3: expected ':')"
    assert lines[i + 3] == ("  deep.py: nested or long beyond what libcst parses safely (brackets deeper than 60 or a "
                            "line over 4,000 characters)")
    assert ("    4:5 torch.cuda.synchronize [call] rename to torch.musa.synchronize not made: libcst cannot parse it "
            "(syntax error at line 3: expected ':')") in lines
    assert ("    6:3 cudaStream_t [type] rename to musaStream_t not made: tree-sitter cannot parse it as C/C++"
            in lines)


def test_write_refuses_a_dirty_tree_unless_forced_and_keeps_modes(tmp_path, cache):
    repo = _repo(tmp_path, FIXTURES / "python" / "before")
    script = repo / "no_torch_import.py"
    script.chmod(0o755)
    _git(repo, "commit", "-q", "-am", "exec bit")
    (repo / "untouched.py").write_text("# edited\n", encoding="utf-8")
    r = run_cli(["port", str(repo), "--backend", "musa", "--write"], tmp_path, cache)
    assert r.returncode == 2
    assert "the git tree has uncommitted changes (1 files, e.g. untouched.py)" in r.stderr
    assert "Traceback" not in r.stderr
    assert (repo / "train_aliases.py").read_bytes() == (FIXTURES / "python" / "before" / "train_aliases.py").read_bytes()
    r = run_cli(["port", str(repo), "--backend", "musa", "--write", "--force", "-q"], tmp_path, cache)
    assert r.returncode == 0, r.stderr
    assert script.read_bytes() == (FIXTURES / "python" / "after.musa" / "no_torch_import.py").read_bytes()
    assert stat.S_IMODE(script.stat().st_mode) == 0o755
    assert not [p for p in repo.iterdir() if p.name.endswith(".portcheck-tmp")]


def test_never_writes_through_symlinks_or_outside_the_folder(tmp_path, cache):
    outside = tmp_path / "outside"
    outside.mkdir()
    victim = outside / "victim.py"
    victim.write_text("import torch\ntorch.cuda.synchronize()\n", encoding="utf-8")
    repo = _repo(tmp_path, FIXTURES / "python" / "before")
    (repo / "link.py").symlink_to(victim)
    (repo / "linkdir").symlink_to(outside, target_is_directory=True)
    r = run_cli(["port", str(repo), "--backend", "musa", "--write", "--force", "-q"], tmp_path, cache)
    assert r.returncode == 0, r.stderr
    assert victim.read_text(encoding="utf-8") == "import torch\ntorch.cuda.synchronize()\n"
    assert (repo / "link.py").is_symlink()


def test_summary_lists_what_is_left_by_file_and_the_hours(tmp_path, cache):
    repo = _repo(tmp_path, EXAMPLE)
    r = run_cli(["port", str(repo), "--backend", "musa", "-o", str(tmp_path / "p.diff")], tmp_path, cache)
    assert r.returncode == 0, r.stderr
    out = r.stdout.splitlines()
    assert out[0] == "portcheck port: Moore Threads MUSA (musa), target MTT S4000 (MP22)"
    left = out.index(next(line for line in out if line.startswith("left for a person: ")))
    assert out[left] == "left for a person: 46 findings in 8 files"
    assert out[left + 1] == "  CMakeLists.txt"
    assert out[left + 2].startswith("    3:37 cmake:CUDA-language [build] adapt: ")
    assert "  ops.py" in out and "    16:6 torch.cuda.amp.custom_fwd [call] adapt: torch.musa.amp has no " \
        "custom_fwd/custom_bwd; use torch.amp.custom_fwd(device_type='musa') / custom_bwd" in out
    assert out[-1].startswith("effort: the estimate's mechanical share on musa is ")
    assert "this patch makes 33 of the 33 renames that need a new name" in out[-1]


def _renames_left(report: dict, backend: str) -> list[tuple[str, int, str]]:
    return sorted((f["path"], f["line"], f["symbol"]) for f in report["findings"]
                  if f["verdicts"][backend]["status"] == "rename"
                  and f["verdicts"][backend]["target"] not in ("", f["symbol"]))


@pytest.mark.parametrize("backend", ["musa", "cann", "neuware"])
def test_the_ported_example_has_no_rename_left(tmp_path, cache, backend):
    repo = _repo(tmp_path, EXAMPLE)
    report = tmp_path / "before.json"
    r = run_cli(["scan", str(repo), "-b", backend, "-f", "json", "-o", str(report), "-q", "--no-cache"], tmp_path,
                cache)
    assert r.returncode == 0, r.stderr
    assert len(_renames_left(json.loads(report.read_text()), backend)) >= 15  # the example does have renames
    r = run_cli(["port", str(repo), "--backend", backend, "--write", "-q"], tmp_path, cache)
    assert r.returncode == 0, r.stderr
    report = tmp_path / "after.json"
    r = run_cli(["scan", str(repo), "-b", backend, "-f", "json", "-o", str(report), "-q", "--no-cache"], tmp_path,
                cache)
    assert r.returncode == 0, r.stderr
    doc = json.loads(report.read_text())
    assert _renames_left(doc, backend) == []
    # what stays a `rename` finding is a name the backend keeps (the tables give no other name)
    same = {f["symbol"] for f in doc["findings"] if f["verdicts"][backend]["status"] == "rename"}
    expected = {"musa": {"<<<>>>", "__device__", "__expf", "__global__", "__shared__", "__syncthreads",
                         "atomicAdd", "blockDim", "blockIdx", "dim3", "threadIdx"},
                "cann": {"torch.utils.cpp_extension.BuildExtension"},
                "neuware": set()}[backend]  # is_cuda -> is_privateuseone (torch_npu / torch_mlu C++, issue 14)
    assert same == expected
    r = run_cli(["port", str(repo), "--backend", backend], tmp_path, cache)
    assert r.returncode == 0 and r.stdout == ""


def test_bad_backend_is_one_line(tmp_path, cache):
    r = run_cli(["port", str(FIXTURES / "python" / "before"), "--backend", "rocm"], tmp_path, cache)
    assert r.returncode == 2
    assert r.stderr.strip() == "portcheck: error: unknown backend 'rocm'; known: cann, musa, neuware"


def test_module_alias_with_a_use_that_does_not_rename(tmp_path, cache):
    """`import torch.cuda as tc` stays when some use through tc has no rename (tc.CUDAGraph is partial): the
    rename of tc.synchronize() is spelled from `torch` where the file imports torch, else left for a person."""
    before, after = FIXTURES / "python" / "before", FIXTURES / "python" / "after.musa"
    assert (after / "alias_no_torch.py").read_bytes() == (before / "alias_no_torch.py").read_bytes()
    assert (after / "alias_mixed.py").read_text(encoding="utf-8").endswith(
        "import torch\nimport torch_musa\nimport torch.cuda as tc\n\n\ndef f():\n    torch.musa.synchronize()\n"
        "    return tc.CUDAGraph()\n")
    repo = _repo(tmp_path, before)
    r = run_cli(["port", str(repo), "--backend", "musa", "-o", str(tmp_path / "p.diff")], tmp_path, cache)
    assert ("    5:5 torch.cuda.synchronize [call] rename to torch.musa.synchronize not made: torch.musa.synchronize "
            "is not reachable from how this file imports torch.cuda") in r.stdout.splitlines()


def test_html_card_says_what_port_does_automatically(tmp_path, cache):
    html = tmp_path / "r.html"
    r = run_cli(["scan", str(EXAMPLE), "-f", "html", "-o", str(html), "-q", "--no-cache"], tmp_path, cache)
    assert r.returncode == 0, r.stderr
    page = html.read_text(encoding="utf-8")
    for backend, edits, same in (("cann", 21, 2), ("musa", 33, 24), ("neuware", 24, 0)):
        tail = f" · {same} renames have no new name in the tables" if same else ""  # the clause only when some are
        assert (f"Automatic: <code>portcheck port --backend {backend}</code> makes <b>{edits}</b> rename edits"
                f"{tail}</p>") in page
        r = run_cli(["port", str(EXAMPLE), "--backend", backend, "-o", str(tmp_path / f"{backend}.diff")], tmp_path,
                    cache)
        assert f"; {edits} of {edits + same} rename findings done ({same} have no new name in the tables)" in r.stdout


def test_the_hardware_target_decides(tmp_path, cache):
    """bf16 renames on the default MUSA target (S4000); on the S80 (no bf16 device code) it is partial: listed."""
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "k.cu").write_text("#include <cuda_bf16.h>\n__device__ __nv_bfloat16 twice(__nv_bfloat16 x)"
                                           " { return x + x; }\n", encoding="utf-8")
    r = run_cli(["port", str(tmp_path / "src"), "--backend", "musa"], tmp_path, cache)
    assert "+__device__ __mt_bfloat16 twice(__mt_bfloat16 x) { return x + x; }\n" in r.stdout
    r = run_cli(["port", str(tmp_path / "src"), "--backend", "musa", "--target", "musa:s80"], tmp_path, cache)
    assert r.returncode == 0, r.stderr
    assert "__mt_bfloat16" not in r.stdout and "+#include <musa_bf16.h>\n" in r.stdout
    assert r.stderr.startswith("portcheck port: Moore Threads MUSA (musa), target MTT S80 (MP21)\n")
    assert "    2:12 __nv_bfloat16 [type] partial → __mt_bfloat16: no bf16 device code on MP21 (S80)" in r.stderr


def test_paths_with_spaces_and_non_ascii_apply(tmp_path, cache):
    src = tmp_path / "src"
    (src / "my dir").mkdir(parents=True)
    (src / "my dir" / "é file.py").write_text("import torch\ntorch.cuda.synchronize()\n", encoding="utf-8")
    repo = _repo(tmp_path, src)
    r = subprocess.run(CLI + ["port", str(repo), "--backend", "cann", "-q"], cwd=tmp_path, env=cli_env(cache),
                       capture_output=True, timeout=120)
    assert r.stdout.startswith("diff --git a/my dir/é file.py b/my dir/é file.py\n".encode("utf-8"))
    (tmp_path / "p.diff").write_bytes(r.stdout)
    _git(repo, "apply", str(tmp_path / "p.diff"))
    assert (repo / "my dir" / "é file.py").read_text(encoding="utf-8") == (
        "import torch\nimport torch_npu\ntorch.npu.synchronize()\n")
