"""Report test data: a hand-made document, a real scan of tests/fixtures/report_tree, and the gold-file writer.

Regenerate the gold files after an intended change to a reporter, the mapping tables or the fixtures:

    python -m tests.regen_gold

then review `git diff tests/gold/` line by line before committing.
"""
from __future__ import annotations

import copy
import sys
from pathlib import Path
from typing import Any

from portcheck.document import build_document
from portcheck.effort import estimate_effort
from portcheck.model import (SCHEMA_VERSION, ApiUse, FileStat, Finding, KernelInfo, ScanResult, SkippedFile,
                             Suppression, Verdict, fingerprint)
from portcheck.tables import Backend, Tables, _load_families, data_dir, load_tables

HERE = Path(__file__).resolve().parent
GOLD = HERE / "gold"
REPORT_TREE = HERE / "fixtures" / "report_tree"
HOSTILE = HERE / "fixtures" / "hostile"
GOLD_FORMATS = ("md", "csv", "json")

# The hostile strings a report must show as text (see tests/fixtures/hostile/).
SCRIPT_CLOSE = '</script><script>alert("pwned")</script>'
IMG_ONERROR = "<img src=x onerror=alert(1)>"
CSV_FORMULA = "=cmd|' /C calc'!A0"

_BACKENDS = (
    ("cann", "Huawei Ascend CANN", "Huawei", "npu", "simd", {"torch_npu": "2.1.0.post10", "CANN": "8.0.RC3"}),
    ("musa", "Moore Threads MUSA", "Moore Threads", "musa", "simt", {"torch_musa": "1.3.0", "MUSA SDK": "3.1.0"}),
    ("neuware", "Cambricon NeuWare", "Cambricon", "mlu", "simd", {"torch_mlu": "1.24.1", "CNToolkit": "3.15"}),
)
REF = "synthetic test data, not a vendor fact"

# (path, line, column, end_column, language, kind, symbol, family, source, in_kernel,
#  {backend: (status, target, note)})  -- a backend missing from the dict has no verdict (op-support lists)
_ROWS: list[tuple[Any, ...]] = [
    ("train.py", 5, 1, 40, "python", "import", "flash_attn", "python-package.flash_attn",
     "from flash_attn import flash_attn_func", "",
     {"cann": ("adapt", "torch_npu.npu_fusion_attention", "different layout; mask polarity reversed"),
      "musa": ("partial", "mate.flash_attn_func", "S5000 only"), "neuware": ("missing", "", "use SDPA")}),
    ("train.py", 12, 1, 22, "python", "call", "torch.cuda.set_device", "torch.cuda.device",
     "    torch.cuda.set_device(local_rank)", "",
     {"cann": ("rename", "torch.npu.set_device", ""), "musa": ("rename", "torch.musa.set_device", ""),
      "neuware": ("rename", "torch.mlu.set_device", "")}),
    ("train.py", 13, 13, 23, "python", "method", "Tensor.cuda", "torch.device", "    model = model.cuda()", "",
     {"cann": ("rename", "Tensor.npu", ""), "musa": ("rename", "Tensor.musa", ""),
      "neuware": ("rename", "Tensor.mlu", "")}),
    ("train.py", 15, 31, 44, "python", "backend-string", "backend:nccl", "torch.distributed",
     '    dist.init_process_group(backend="nccl")', "",
     {"cann": ("rename", "hccl", ""), "musa": ("rename", "mccl", ""), "neuware": ("rename", "cncl", "")}),
    ("train.py", 20, 10, 35, "python", "call", "torch.cuda.amp.autocast", "torch.cuda.amp",
     "    with torch.cuda.amp.autocast():", "",
     {"cann": ("adapt", "torch.autocast", "pass device_type='npu'"),
      "musa": ("adapt", "torch.autocast", "pass device_type='musa'"),
      "neuware": ("adapt", "torch.autocast", "pass device_type='mlu'")}),
    ("train.py", 31, 9, 31, "python", "call", "torch.cuda.CUDAGraph", "torch.cuda.graphs",
     "    g = torch.cuda.CUDAGraph()", "",
     {"cann": ("partial", "torch.npu.NPUGraph", "capture limits differ"),
      "musa": ("partial", "torch.musa.MUSAGraph", "experimental"), "neuware": ("missing", "", "")}),
    ("train.py", 40, 11, 26, "python", "call", "flash_attn.flash_attn_func", "python-package.flash_attn",
     "    out = flash_attn_func(q, k, v, causal=True)", "",
     {"cann": ("adapt", "torch_npu.npu_fusion_attention", "different layout; mask polarity reversed"),
      "musa": ("partial", "mate.flash_attn_func", "S5000 only"), "neuware": ("missing", "", "use SDPA")}),
    ("model.py", 8, 20, 26, "python", "call", "torch.nn.GRU", "torch-op", "        self.rnn = nn.GRU(256, 256)", "",
     {"cann": ("partial", "torch.nn.GRU", "fp16 only"), "neuware": ("missing", "", "listed as unsupported")}),
    ("csrc/ops.cu", 2, 1, 23, "cuda", "include", "cublas_v2.h", "cublas", "#include <cublas_v2.h>", "",
     {"cann": ("missing", "", "no cuBLAS; use aclnn matmul"), "musa": ("rename", "mublas.h", ""),
      "neuware": ("adapt", "cnnl.h", "CNNL matmul")}),
    ("csrc/ops.cu", 10, 1, 11, "cuda", "kernel-def", "__global__", "kernel.definition",
     "__global__ void scale_kernel(float* x, float* out, int n) {", "scale_kernel",
     {"cann": ("missing", "", "rewrite in Ascend C"), "musa": ("rename", "__global__", ""),
      "neuware": ("missing", "", "rewrite in BANG C")}),
    ("csrc/ops.cu", 14, 13, 28, "cuda", "intrinsic", "__shfl_xor_sync", "kernel.warp",
     "    float v = __shfl_xor_sync(0xffffffff, x[i], 16);", "scale_kernel",
     {"cann": ("missing", "", "no warp shuffles"), "musa": ("adapt", "__shfl_xor_sync", "warp is 128 lanes on MP21"),
      "neuware": ("missing", "", "no warp shuffles")}),
    ("csrc/ops.cu", 15, 5, 14, "cuda", "intrinsic", "atomicAdd", "kernel.atomic", "    atomicAdd(&out[0], v);",
     "scale_kernel",
     {"cann": ("missing", "", ""), "musa": ("rename", "atomicAdd", ""), "neuware": ("missing", "", "")}),
    ("csrc/ops.cu", 22, 3, 13, "cuda", "call", "cudaMalloc", "cuda-runtime.memory",
     "  cudaMalloc(&buf, n * sizeof(float));", "",
     {"cann": ("adapt", "aclrtMalloc", "extra policy argument"), "musa": ("rename", "musaMalloc", ""),
      "neuware": ("adapt", "cnrtMalloc", "")}),
    ("csrc/ops.cu", 23, 3, 13, "cuda", "call", "cudaMemcpy", "cuda-runtime.memory",
     "  cudaMemcpy(buf, x, n, cudaMemcpyHostToDevice);", "",
     {"cann": ("adapt", "aclrtMemcpy", "extra destMax argument"), "musa": ("rename", "musaMemcpy", ""),
      "neuware": ("adapt", "cnrtMemcpy", "")}),
    ("csrc/ops.cu", 30, 3, 15, "cuda", "launch", "<<<>>>", "kernel.launch",
     "  scale_kernel<<<grid, block, 0, stream>>>(buf, out, n);", "",
     {"cann": ("missing", "", "launch through the Ascend C kernel's host API"), "musa": ("rename", "<<<>>>", ""),
      "neuware": ("missing", "", "")}),
    ("csrc/ops.cu", 41, 3, 14, "cuda", "call", "cublasSgemm", "cublas", "  cublasSgemm(handle, ta, tb, m, n, k);", "",
     {"cann": ("missing", "", "no cuBLAS; use aclnnMatmul"), "musa": ("rename", "mublasSgemm", ""),
      "neuware": ("unknown", "", "not covered by the mapping tables: check by hand")}),
    ("setup.py", 9, 9, 22, "build-python", "call", "torch.utils.cpp_extension.CUDAExtension", "cpp-extension",
     '        CUDAExtension("ops", ["csrc/ops.cu"]),', "",
     {"cann": ("adapt", "torch_npu NpuExtension", ""), "musa": ("rename", "MUSAExtension", ""),
      "neuware": ("adapt", "MLUExtension", "")}),
    ("requirements.txt", 3, 1, 20, "requirements", "dependency", "pip:flash-attn", "build.requirements",
     "flash-attn==2.5.6", "",
     {"cann": ("missing", "", "remove; use torch_npu"), "musa": ("missing", "", ""), "neuware": ("missing", "", "")}),
    ("utils.py", 4, 12, 34, "python", "env-var", "CUDA_VISIBLE_DEVICES", "env",
     'os.environ["CUDA_VISIBLE_DEVICES"] = "0"', "",
     {"cann": ("rename", "ASCEND_RT_VISIBLE_DEVICES", ""), "musa": ("rename", "MUSA_VISIBLE_DEVICES", ""),
      "neuware": ("rename", "MLU_VISIBLE_DEVICES", "")}),
    # hostile source lines: each must come out of every report as inert text
    ("hostile/evil|name`.py", 3, 1, 23, "python", "call", "torch.cuda.synchronize", "torch.cuda",
     f"torch.cuda.synchronize()  # {SCRIPT_CLOSE}", "",
     {"cann": ("rename", "torch.npu.synchronize", ""), "musa": ("rename", "torch.musa.synchronize", ""),
      "neuware": ("rename", "torch.mlu.synchronize", "")}),
    ("hostile/evil|name`.py", 4, 1, 24, "python", "call", "torch.cuda.empty_cache", "torch.cuda.memory",
     f"torch.cuda.empty_cache()  # {IMG_ONERROR} | pipe `tick` ``two``", "",
     {"cann": ("rename", "torch.npu.empty_cache", ""), "musa": ("rename", "torch.musa.empty_cache", ""),
      "neuware": ("rename", "torch.mlu.empty_cache", "")}),
    ("hostile/evil|name`.py", 5, 1, 24, "python", "call", "torch.cuda.device_count", "torch.cuda.device",
     f"{CSV_FORMULA} + torch.cuda.device_count()", "",
     # adapt, not rename: a per-use cost puts the hostile path in the reports' tables of files by cost
     {"cann": ("adapt", "torch.npu.device_count", ""), "musa": ("adapt", "torch.musa.device_count", ""),
      "neuware": ("adapt", "torch.mlu.device_count", "@SUM(1+1)")}),
]

_KERNELS = (
    KernelInfo("csrc/ops.cu", "scale_kernel", 10, 18, 9, ("atomics", "full-lane-mask", "warp-intrinsics", "warp-size-32"),
               (("atomics", 1), ("full-lane-mask", 1), ("warp-intrinsics", 1), ("warp-size-32", 1))),
    KernelInfo("csrc/ops.cu", "reduce_kernel", 32, 39, 8, ("shared-memory", "syncthreads"),
               (("shared-memory", 1), ("syncthreads", 2))),
)


def synthetic_tables() -> Tables:
    """The real family vocabulary (for categories) with three hand-made backends (their tables are not needed)."""
    # only families.yaml: the catalog and backend folders change under other work and are not needed here
    families = _load_families(data_dir("mappings") / "catalog" / "families.yaml")
    backends = [Backend(bid, name, vendor, device, model, dict(versions), order=n)
                for n, (bid, name, vendor, device, model, versions) in enumerate(_BACKENDS)]
    return Tables(families, {}, backends, fingerprint="synthetic0000")


def _finding(row: tuple[Any, ...]) -> Finding:
    path, line, col, end_col, lang, kind, sym, fam, src, kern, verdicts = row
    use = ApiUse(path, line, col, line, end_col, lang, kind, sym, fam, src, "resolved", "", kern)
    vs = tuple((bid, Verdict(*verdicts[bid], REF, "exact")) for bid, *_ in _BACKENDS if bid in verdicts)
    return Finding(use, vs, fingerprint(use))


def bulk_findings(n: int) -> list[Finding]:
    """n plain synthetic findings spread over 400 files, for size tests."""
    statuses = ("rename", "adapt", "partial", "missing", "unknown")
    out = []
    for i in range(n):
        path = f"pkg/sub{i % 7}/module_{i % 400:03d}.py"
        sym = f"torch.cuda.api_{i % 97}"
        src = f"    y{i} = torch.cuda.api_{i % 97}(x, {i})"
        use = ApiUse(path, 10 + i // 400, 5, 10 + i // 400, 30, "python", "call", sym, "torch.cuda", src)
        vs = tuple((bid, Verdict(statuses[(i + k) % 5], f"torch.{bid}.api_{i % 97}", f"note {i % 13}", REF, "exact"))
                   for k, (bid, *_rest) in enumerate(_BACKENDS))
        out.append(Finding(use, vs, fingerprint(use)))
    return out


def synthetic_result(extra: int = 0) -> ScanResult:
    tables = synthetic_tables()
    findings = [_finding(r) for r in _ROWS] + bulk_findings(extra)
    findings.sort(key=lambda f: (f.use.path, f.use.line, f.use.column, f.use.symbol, f.use.kind))
    ids = tuple(b[0] for b in _BACKENDS)
    effort = estimate_effort(findings, _KERNELS, tables, ids)
    counts: dict[str, int] = {}
    for f in findings:
        counts[f.use.path] = counts.get(f.use.path, 0) + 1
    files = [FileStat(p, "python" if p.endswith(".py") else "cuda", 50, 1000, n) for p, n in sorted(counts.items())]
    files.append(FileStat("README.md", "text", 10, 200, 0))
    meta = {"schema_version": SCHEMA_VERSION, "tool": {"name": "portcheck", "version": "0.0.0-test"},
            "tables_version": tables.fingerprint, "scan_date": "2025-01-01T00:00:00+00:00", "root": "demo",
            "options": {"backends": [], "excludes": [], "jobs": 1}, "files_discovered": len(files),
            "baselined": 0, "duration_s": 0.5}
    return ScanResult("/tmp/demo", tuple(findings), _KERNELS, tuple(files),
                      (SkippedFile("data/blob.cu", "binary file (NUL bytes)"),
                       SkippedFile("legacy/py2.py", "syntax error at line 3; scanned in part", partial=True)),
                      (Suppression("train.py", 50, "torch.cuda.synchronize", "benchmark only"),),
                      tuple(b.meta() for b in tables.backends), effort, meta)


def synthetic_document(extra: int = 0) -> dict[str, Any]:
    """A full report document from hand-made findings, kernels, skipped files and suppressions."""
    return build_document(synthetic_result(extra), synthetic_tables())


def scan_document(root: Path = REPORT_TREE) -> dict[str, Any]:
    """A real scan (one process, no cache) of a fixture tree, as a report document."""
    from portcheck.engine import ScanOptions, run_scan

    tables = load_tables()
    return build_document(run_scan(root, ScanOptions(jobs=1, cache_dir=None), tables), tables)


def scrub(doc: dict[str, Any]) -> dict[str, Any]:
    """Replace what changes between runs or releases (version, date, duration, table hash) by fixed values."""
    out = copy.deepcopy(doc)
    out["tool"]["version"] = "VERSION"
    out["tables_version"] = "TABLES"
    out["scan"]["scan_date"] = "DATE"
    out["scan"]["duration_s"] = 0
    return out


def gold_documents() -> dict[str, dict[str, Any]]:
    return {"synthetic": scrub(synthetic_document()), "report_tree": scrub(scan_document())}


def render_gold(doc: dict[str, Any], fmt: str) -> str:
    from portcheck.reporters import get_reporter

    return get_reporter(fmt)(doc)


def main() -> int:
    GOLD.mkdir(exist_ok=True)
    for name, doc in gold_documents().items():
        for fmt in GOLD_FORMATS:
            path = GOLD / f"{name}.{fmt}"
            path.write_text(render_gold(doc, fmt), encoding="utf-8", newline="")
            print(f"wrote {path.relative_to(HERE.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
