"""Generate a synthetic PyTorch + CUDA source tree for scale benchmarks.

The tree is nested so that sub-trees hold 10 %, 30 % and 100 % of the files:
    OUT/            70 % of the files, plus
    OUT/s30/        20 %, plus
    OUT/s30/s10/    10 %
Scanning OUT/s30/s10, OUT/s30 and OUT gives three sizes to check that time grows linearly.

Mix (by file count): Python 40 %, .cu 8 %, .cuh 3 %, .cpp 10 %, .h/.hpp 12 %, irrelevant files 27 %
(Markdown, YAML, JSON, CSV, text, binary blobs). Only a minority of files mention CUDA at all, as in real
repositories: portcheck finds ~670 ties per MB of scanned source here, against 722 in the whole DeepSpeed repo
and 2,000-2,900 in the CUDA-only trees of apex, vllm csrc/ and bitsandbytes csrc/. Every file's content differs (random identifiers), so no cache or dedup can shortcut a cold run.
Usage: python benchmarks/synth_tree.py OUT --files 100000 --size-mb 1000
"""
from __future__ import annotations

import argparse
import os
import random
import sys
from pathlib import Path

MIX = [("py", 0.40), ("cu", 0.08), ("cuh", 0.03), ("cpp", 0.10), ("h", 0.08), ("hpp", 0.04),
       ("md", 0.07), ("yaml", 0.05), ("json", 0.05), ("csv", 0.04), ("txt", 0.03), ("bin", 0.03)]
CUDA_SHARE = {"py": 0.15, "cu": 1.0, "cuh": 0.9, "cpp": 0.2, "h": 0.15, "hpp": 0.15}
LAYERS = [("", 0.70), ("s30", 0.20), ("s30/s10", 0.10)]


def _ident(rng: random.Random) -> str:
    """Return a random lower-case identifier."""
    return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(4, 10)))


def _py_block(rng: random.Random, cuda: bool) -> str:
    """Return one Python function, with torch.cuda uses when cuda is set."""
    a, b, c = _ident(rng), _ident(rng), _ident(rng)
    body = [f"def {a}_{b}({c}, scale=1.0):", f'    """Compute {a} over {c} (plain docstring)."""',
            f"    total = 0", f"    for i, item in enumerate({c}):", f"        total += item * scale + i",
            f"    return total", ""]
    if cuda:
        body[3:3] = [f"    {c} = {c}.cuda()", "    torch.cuda.synchronize()",
                     f'    dev = torch.device("cuda:{rng.randint(0, 7)}")', f"    {c} = {c}.to(dev)"]
    return "\n".join(body) + "\n"


def _cpp_block(rng: random.Random, cuda: bool, kernel: bool) -> str:
    """Return one C++/CUDA function; a kernel and its launch when kernel is set."""
    a, b = _ident(rng), _ident(rng)
    if kernel:
        return (f"__global__ void {a}_kernel(const float* __restrict__ x, float* y, int n) {{\n"
                f"  __shared__ float tile[256];\n  int i = blockIdx.x * blockDim.x + threadIdx.x;\n"
                f"  tile[threadIdx.x] = i < n ? x[i] : 0.f;\n  __syncthreads();\n"
                f"  float v = tile[threadIdx.x];\n"
                f"  for (int o = 16; o > 0; o >>= 1) v += __shfl_down_sync(0xffffffff, v, o);\n"
                f"  if (threadIdx.x % 32 == 0) atomicAdd(y, v);\n}}\n\n"
                f"void launch_{a}_{b}(const float* x, float* y, int n, cudaStream_t s) {{\n"
                f"  {a}_kernel<<<(n + 255) / 256, 256, 0, s>>>(x, y, n);\n"
                f"  cudaError_t e = cudaGetLastError();\n  if (e != cudaSuccess) throw e;\n}}\n\n")
    if cuda:
        return (f"void* {a}_{b}(size_t n) {{\n  void* p = nullptr;\n  cudaMalloc(&p, n);\n"
                f"  cudaMemset(p, 0, n);\n  return p;\n}}\n\n")
    return (f"int {a}_{b}(const std::vector<int>& v) {{\n  // sum the values of {b}\n  int s = 0;\n"
            f"  for (int x : v) s += x * {rng.randint(1, 99)};\n  return s;\n}}\n\n")


def _file_text(rng: random.Random, ext: str, size: int) -> bytes:
    """Return about size bytes of content for a file with extension ext."""
    cuda = rng.random() < CUDA_SHARE.get(ext, 0.0)
    parts: list[str] = []
    if ext == "py":
        parts.append("import os\nimport torch\n\n" if cuda else "import os\nimport json\n\n")
        gen = lambda: _py_block(rng, cuda and rng.random() < 0.06)
    elif ext in ("cu", "cuh", "cpp", "h", "hpp"):
        if cuda:
            parts.append("#include <cuda_runtime.h>\n#include <vector>\n\n")
        else:
            parts.append("#include <vector>\n#include <string>\n\n")
        kernels = ext in ("cu", "cuh")
        gen = lambda: _cpp_block(rng, cuda and rng.random() < 0.08, cuda and kernels and rng.random() < 0.03)
    elif ext == "bin":
        return rng.randbytes(size)
    elif ext == "csv":
        gen = lambda: ",".join(str(rng.randint(0, 10**6)) for _ in range(8)) + "\n"
    elif ext == "json":
        gen = lambda: f'{{"{_ident(rng)}": {rng.random():.6f}, "name": "{_ident(rng)}"}}\n'
    else:
        gen = lambda: " ".join(_ident(rng) for _ in range(12)) + "\n"
    length = len(parts[0]) if parts else 0
    while length < size:
        chunk = gen()
        parts.append(chunk)
        length += len(chunk)
    return "".join(parts).encode("utf-8")


def generate(out: Path, n_files: int, size_mb: float, seed: int = 1) -> dict[str, int]:
    """Write the synthetic tree under out; return {'files': N, 'bytes': B} per layer and in total."""
    rng = random.Random(seed)
    mean = size_mb * 1024 * 1024 / max(n_files, 1)
    exts = [e for e, _ in MIX]
    weights = [w for _, w in MIX]
    stats = {"files": 0, "bytes": 0}
    for layer, share in LAYERS:
        base = out / layer if layer else out
        count = round(n_files * share)
        for i in range(count):
            ext = rng.choices(exts, weights)[0]
            # log-normal-ish spread around the mean, as real files vary by orders of magnitude
            size = max(64, int(rng.lognormvariate(0, 0.8) * mean / 1.377))
            d = base / f"pkg{i // 500:04d}" / f"mod{(i // 50) % 10}"
            d.mkdir(parents=True, exist_ok=True)
            data = _file_text(rng, ext, size)
            (d / f"{_ident(rng)}_{i}.{ext}").write_bytes(data)
            stats["files"] += 1
            stats["bytes"] += len(data)
    return stats


def main(argv: list[str] | None = None) -> int:
    """Parse arguments and write the tree."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=Path, help="directory to create (must not exist or be empty)")
    ap.add_argument("--files", type=int, default=100_000)
    ap.add_argument("--size-mb", type=float, default=1000.0)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    if args.out.exists() and any(args.out.iterdir()):
        print(f"{args.out} is not empty", file=sys.stderr)
        return 2
    stats = generate(args.out, args.files, args.size_mb, args.seed)
    print(f"wrote {stats['files']} files, {stats['bytes'] / 1e6:.1f} MB under {os.fspath(args.out)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
