"""Tests for port_vs_vllm_musa.py's diff reading: run with `python -m pytest benchmarks/test_port_vs_vllm_musa.py -q`."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from port_vs_vllm_musa import line_map, parse_diff, token_renames  # noqa: E402


def _git(cwd: Path, *args: str) -> str:
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@x", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@x",
           "HOME": str(cwd), "PATH": "/usr/bin:/bin"}
    return subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True).stdout


def test_a_real_git_diff_with_a_rename_an_insertion_and_a_deletion(tmp_path: Path) -> None:
    (tmp_path / "csrc").mkdir()
    body = [f"int line{i} = {i};" for i in range(1, 21)]
    body[2] = "cudaStream_t s = at::cuda::getCurrentCUDAStream();"
    (tmp_path / "csrc" / "k.cu").write_text("\n".join(body) + "\n")
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-qm", "a")
    _git(tmp_path, "mv", "csrc/k.cu", "csrc/k.mu")
    new = list(body)
    new[2] = "musaStream_t s = at::musa::getCurrentMUSAStream();"
    new.insert(5, "#include \"torch_musa/x.h\"")
    del new[10]  # old line 10 (1-based), after the insertion shift
    (tmp_path / "csrc" / "k.mu").write_text("\n".join(new) + "\n")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-qm", "b")
    files = parse_diff(_git(tmp_path, "diff", "-M", "-U0", "HEAD~1", "HEAD"))
    f = files["csrc/k.cu"]
    assert (f["old"], f["new"]) == ("csrc/k.cu", "csrc/k.mu")
    one, group, inserts = line_map(f["blocks"])
    assert one == {3: "musaStream_t s = at::musa::getCurrentMUSAStream();", 10: None}
    assert group[10] == []
    assert inserts == [['#include "torch_musa/x.h"']]
    assert token_renames(body[2], one[3]) == [("cudaStream_t", "musaStream_t"),
                                              ("at::cuda::getCurrentCUDAStream", "at::musa::getCurrentMUSAStream")]


def test_context_diffs_pair_lines_like_u0_diffs() -> None:
    diff = ("diff --git a/x.py b/x.py\n--- a/x.py\n+++ b/x.py\n@@ -1,4 +1,5 @@\n import torch\n+import torch_musa\n"
            " a = 1\n-torch.cuda.synchronize()\n+torch.musa.synchronize()\n b = 2\n")
    one, _group, inserts = line_map(parse_diff(diff)["x.py"]["blocks"])
    assert one == {3: "torch.musa.synchronize()"}
    assert inserts == [["import torch_musa"]]
