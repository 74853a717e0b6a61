"""Process-pool test helpers shared by the interrupt / reliability tests, benchmarks/bench_interrupt.py and
tools/stress.py: a tree big enough to make `portcheck scan` start its worker pool, and what /proc says about the
processes left behind (Linux)."""
from __future__ import annotations

import os
from pathlib import Path

SHFL = ("__global__ void k{n}(float* x) {{ float v = x[threadIdx.x]; "
        "v += __shfl_xor_sync(0xffffffff, v, 16); x[threadIdx.x] = v; }}\n")


def write_pool_tree(root: Path, files: int = 60) -> Path:
    """`files` Python and `files` CUDA files (over 24 files and 512 KB: the pool path), a few seconds of scanning
    per 60 pairs on 2 jobs."""
    body_py = "import torch\n" + "".join(f"def f{j}(x):\n    torch.cuda.synchronize()\n    return x.cuda({j})\n"
                                         for j in range(400))
    body_cu = "".join(SHFL.format(n=n) + f"void h{n}(float** p) {{ cudaMalloc(p, {n}); }}\n" for n in range(300))
    for i in range(files):
        (root / f"p{i}").mkdir(parents=True, exist_ok=True)
        (root / f"p{i}" / f"m{i}.py").write_text(body_py)
        (root / f"p{i}" / f"k{i}.cu").write_text(body_cu)
    return root


def _stat(entry: str) -> list[str] | None:
    """Fields of /proc/PID/stat after the command name: [state, ppid, pgrp, ...], or None when gone."""
    try:
        with open(f"/proc/{entry}/stat") as fh:
            return fh.read().rpartition(")")[2].split()
    except OSError:
        return None


def _processes():
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (fields := _stat(entry)) is not None:
            yield int(entry), fields


def alive(pid: int) -> bool:
    """Running (a zombie holds no file and no pipe)."""
    fields = _stat(str(pid))
    return fields is not None and fields[0] != "Z"


def children(pid: int) -> list[int]:
    return [p for p, fields in _processes() if int(fields[1]) == pid]


def group_alive(pgid: int) -> list[int]:
    """Live (not zombie) members of a process group."""
    return [p for p, fields in _processes() if int(fields[2]) == pgid and fields[0] != "Z"]
