"""The CUDA-side catalog: it loads, it is sourced, and the names that matter sit in the right family."""
from __future__ import annotations

import functools
import shutil
import sys
from pathlib import Path

import pytest

from portcheck.tables import TableError, Tables, data_dir, load_tables

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
CATALOG = ROOT / "mappings" / "catalog"
sys.path.insert(0, str(ROOT / "tools"))

import catalog_rules  # noqa: E402
from build_catalog import GENERATED_MARK, c_header_names, nccl_names, toolkit_header_names  # noqa: E402

# Catalog files kept by other owners; everything else in mappings/catalog/ is built here.
OTHER_FILES = {"families.yaml", "python-packages.yaml", "env-vars.yaml", "kernel-language.yaml", "torch-cpp.yaml",
               "headers.yaml", "build.yaml"}
OUR_FILES = sorted(p for p in CATALOG.glob("*.yaml") if p.name not in OTHER_FILES)


@pytest.fixture(scope="module")
def tables() -> Tables:
    return load_tables()


def _rows(name: str) -> list[list[str]]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [line.split("\t") for line in lines if line.strip() and not line.startswith("#")]


@functools.lru_cache(maxsize=1)
def _our_symbols() -> frozenset[str]:
    import yaml

    out: set[str] = set()
    for path in OUR_FILES:
        for item in yaml.safe_load(path.read_text(encoding="utf-8"))["symbols"]:
            out.add(item if isinstance(item, str) else item["symbol"])
    return frozenset(out)


# ---------------------------------------------------------------------------------------------- integrity

def test_catalog_loads_with_all_our_files(tables: Tables) -> None:
    ours = _our_symbols()
    assert len(ours) > 27000
    assert ours <= set(tables.catalog)


def test_duplicate_symbol_is_a_table_error(tmp_path: Path) -> None:
    (tmp_path / "catalog").mkdir()
    shutil.copy(data_dir("mappings") / "catalog" / "families.yaml", tmp_path / "catalog" / "families.yaml")
    # a team folder is merged over the built-in tables, so a name of its own is used twice here
    (tmp_path / "catalog" / "a.yaml").write_text("family: cublas\nsymbols: [cublasTeamGemm]\n", encoding="utf-8")
    (tmp_path / "catalog" / "b.yaml").write_text("family: cudnn\nsymbols: [cublasTeamGemm]\n", encoding="utf-8")
    with pytest.raises(TableError, match=r"b\.yaml: symbol 'cublasTeamGemm': duplicate catalog entry "
                                         r"\(already in family 'cublas'\)"):
        load_tables([tmp_path])


def test_every_family_used_is_declared(tables: Tables) -> None:
    used = {e.family for e in tables.catalog.values()}
    assert used <= set(tables.families)


def test_every_entry_has_a_ref(tables: Tables) -> None:
    assert [s for s, e in tables.catalog.items() if not e.ref.strip()] == []


def test_no_double_underscore_names_in_our_files() -> None:
    # names starting with __ belong to kernel-language.yaml; one owner per name keeps the loader happy
    assert sorted(s for s in _our_symbols() if s.startswith("__")) == []


def test_generated_files_carry_the_generator_mark() -> None:
    hand_written = {"torch-cuda.yaml", "torch-backends.yaml", "torch-distributed.yaml"}
    unmarked = [p.name for p in OUR_FILES
                if p.name not in hand_written and not p.read_text(encoding="utf-8").startswith(GENERATED_MARK)]
    assert unmarked == []


def test_families_with_our_names_are_all_populated(tables: Tables) -> None:
    counts: dict[str, int] = {}
    for e in tables.catalog.values():
        counts[e.family] = counts.get(e.family, 0) + 1
    for fam in ("cuda-runtime.memory", "cuda-runtime.stream", "cuda-runtime.event", "cuda-runtime.device",
                "cuda-runtime.error", "cuda-runtime.launch", "cuda-runtime.graph", "cuda-runtime.ipc",
                "cuda-runtime.peer", "cuda-runtime.texture", "cuda-runtime.interop", "cuda-runtime.types",
                "cuda-driver", "cuda-math", "cublas", "cublaslt", "cudnn", "cufft", "curand", "cusparse", "cusolver",
                "nccl", "nvtx", "nvrtc", "cupti", "npp", "nvjpeg", "torch.cuda", "torch.cuda.device",
                "torch.cuda.streams", "torch.cuda.memory", "torch.cuda.random", "torch.cuda.amp", "torch.cuda.graphs",
                "torch.cuda.nvtx", "torch.cuda.nvml", "torch.cuda.capability", "torch.cuda.tensor-types",
                "torch.backends.cudnn", "torch.backends.cuda", "torch.distributed", "torch.profiler", "torch.device"):
        assert counts.get(fam, 0) > 0, fam


# ---------------------------------------------------------------------------------------------- exact entries

@pytest.mark.parametrize("symbol, family, kind", [
    ("cudaMalloc", "cuda-runtime.memory", "function"),
    ("cudaMemcpyHostToDevice", "cuda-runtime.memory", "constant"),
    ("cudaMemcpy2DToArray", "cuda-runtime.memory", "function"),
    ("cudaStream_t", "cuda-runtime.stream", "type"),
    ("cudaStreamWaitEvent", "cuda-runtime.stream", "function"),
    ("cudaEventElapsedTime", "cuda-runtime.event", "function"),
    ("cudaErrorMemoryAllocation", "cuda-runtime.error", "constant"),
    ("cudaStreamBeginCapture", "cuda-runtime.graph", "function"),
    ("cudaGraphAddEventRecordNode", "cuda-runtime.graph", "function"),
    ("cudaIpcGetEventHandle", "cuda-runtime.ipc", "function"),
    ("cudaDeviceEnablePeerAccess", "cuda-runtime.peer", "function"),
    ("cudaTextureObject_t", "cuda-runtime.texture", "type"),
    ("cudaGraphicsGLRegisterBuffer", "cuda-runtime.interop", "function"),
    ("cudaLaunchKernelEx", "cuda-runtime.launch", "function"),
    ("cudaEglColorFormatABGR", "cuda-runtime.interop", "constant"),
    ("cudaRoundNearest", "cuda-runtime.types", "constant"),
    ("CUDA_R_16F", "cuda-runtime.types", "constant"),
    ("cuCtxCreate", "cuda-driver", "function"),
    ("CUDA_SUCCESS", "cuda-driver", "constant"),
    ("CUDA_ARRAY_DESCRIPTOR", "cuda-driver", "type"),
    ("CUtensorMap", "cuda-driver", "type"),
    ("cuCadd", "cuda-math", "function"),
    ("CUDART_PI_F", "cuda-math", "constant"),
    ("rsqrtf", "cuda-math", "function"),
    ("cublasSgemm", "cublas", "function"),
    ("CUBLAS_OP_N", "cublas", "constant"),
    ("cublasLtMatmul", "cublaslt", "function"),
    ("cudnnHandle_t", "cudnn", "type"),
    ("curandState", "curand", "type"),
    ("csrsv2Info_t", "cusparse", "type"),
    ("csrqrInfo_t", "cusolver", "type"),
    ("cudaMalloc_v3020_params", "cupti", "type"),
    ("cudaXtDesc", "cufft", "type"),
    ("nvrtcCompileProgram", "nvrtc", "function"),
    ("nvtxRangePushA", "nvtx", "function"),
    ("nvtxEventAttributes_t", "nvtx", "type"),
    ("nvjpegCreateSimple", "nvjpeg", "function"),
    ("NVJPEG_STATUS_SUCCESS", "nvjpeg", "constant"),
    ("nppiAdd_8u_C1RSfs", "npp", "function"),
    ("NppiSize", "npp", "type"),
    ("ncclAllReduce", "nccl", "function"),
    ("pncclAllReduce", "nccl", "function"),
    ("ncclComm_t", "nccl", "type"),
    ("ncclUniqueId", "nccl", "type"),
    ("ncclSum", "nccl", "constant"),
    ("ncclFloat32", "nccl", "constant"),
    ("NCCL_UNIQUE_ID_BYTES", "nccl", "constant"),
    ("torch.cuda.synchronize", "torch.cuda.device", "function"),
    ("torch.cuda.Stream", "torch.cuda.streams", "class"),
    ("torch.cuda.amp.autocast", "torch.cuda.amp", "class"),
    ("torch.cuda.memory._record_memory_history", "torch.cuda.memory", "function"),
    ("torch.cuda.utilization", "torch.cuda.nvml", "function"),
    ("torch.cuda.FloatTensor", "torch.cuda.tensor-types", "class"),
    ("torch.backends.cuda.matmul.allow_tf32", "torch.backends.cuda", "attribute"),
    ("torch.backends.cudnn.benchmark", "torch.backends.cudnn", "attribute"),
    ("torch.version.cuda", "torch.cuda.capability", "attribute"),
    ("torch.distributed.Backend.NCCL", "torch.distributed", "attribute"),
    ("backend:nccl", "torch.distributed", "backend-string"),
    ("device:cuda", "torch.device", "device-string"),
    ("Tensor.cuda", "torch.device", "method"),
    ("Tensor.is_cuda", "torch.device", "attribute"),
])
def test_exact_family_and_kind(tables: Tables, symbol: str, family: str, kind: str) -> None:
    entry = tables.catalog[symbol]
    assert (entry.family, entry.kind) == (family, kind)


@pytest.mark.parametrize("symbol, ref_start", [
    ("cudaMalloc", "musify general.json via MooreThreads/torch_musa@8b583b3f"),
    ("ncclAllReduce", "NVIDIA/nccl src/nccl.h.in@"),
    ("nvtxRangePushA", "NVIDIA/NVTX c/include/nvtx3/"),
    ("nvrtcCompileProgram", "ROCm/HIPIFY bin/hipify-perl and src/CUDA2HIP_*.cpp@014177bc"),
    ("cudaGridDependencySynchronize", "MooreThreads/torchada src/torchada/_mappings"),
    ("cudaLaunchKernelEx", "zspace/system.cuda-12.6 include/*.h@b3d92c83"),
    ("torch.cuda.synchronize", "pytorch torch-2.13.0 wheel"),
])
def test_refs_name_the_source(tables: Tables, symbol: str, ref_start: str) -> None:
    assert tables.catalog[symbol].ref.startswith(ref_start)


@pytest.mark.parametrize("symbol, desc", [
    ("cudaMemcpy", "Copy memory between host and device"),
    ("ncclAllReduce", "All-reduce collective"),
    ("torch.cuda.synchronize", "Wait for all work on a device to finish"),
])
def test_descriptions_reach_the_catalog(tables: Tables, symbol: str, desc: str) -> None:
    assert tables.catalog[symbol].desc == desc


@pytest.mark.parametrize("word", ["cuda", "cu", "cubin", "texture", "expf", "min", "saturate", "cublas", "nccl",
                                  "cudaHostFree", "CUDAContext", "nv_bfloat16"])
def test_words_that_are_not_cuda_symbols_stay_out_of_our_files(word: str) -> None:
    # generic words would turn a project's own identifiers into findings; nv_bfloat16 belongs to kernel.fp16
    assert word not in _our_symbols()


# ---------------------------------------------------------------------------------------------- coverage

def test_every_torch_cuda_public_name_is_catalogued(tables: Tables) -> None:
    names = [r[0] for r in _rows("torch_cuda_api.txt")]
    assert len(names) == 215
    assert [n for n in names if n not in tables.catalog] == []


OUR_CONSTRUCTS = [r for r in _rows("vendor_apis_cuda_constructs.tsv") if r[3] == "cuda"]
OTHER_CONSTRUCTS = [r for r in _rows("vendor_apis_cuda_constructs.tsv") if r[3] != "cuda"]


def test_construct_list_is_complete() -> None:
    assert (len(OUR_CONSTRUCTS), len(OTHER_CONSTRUCTS)) == (220, 61)


@pytest.mark.parametrize("row, symbol, family, owner", OUR_CONSTRUCTS, ids=[r[1] for r in OUR_CONSTRUCTS])
def test_vendor_api_construct_in_our_files(tables: Tables, row: str, symbol: str, family: str, owner: str) -> None:
    assert tables.catalog[symbol].family == family


@pytest.mark.parametrize("row, symbol, family, owner", OTHER_CONSTRUCTS, ids=[r[1] for r in OTHER_CONSTRUCTS])
def test_vendor_api_construct_in_other_files(tables: Tables, row: str, symbol: str, family: str, owner: str) -> None:
    entry = tables.catalog.get(symbol)
    assert entry is not None, f"vendor-apis.md row {row}: {symbol} missing (expected in {owner}.yaml)"
    assert entry.family == family or entry.family.startswith(family + "."), entry.family


# ---------------------------------------------------------------------------------------------- the rules

@pytest.mark.parametrize("name, hip_kind, expected", [
    ("cudaMemcpy2DToArray", "", ("cuda-runtime.memory", "function")),
    ("cudaErrorLaunchFailure", "constant", ("cuda-runtime.error", "constant")),
    ("cudaGraphAddEventRecordNode", "", ("cuda-runtime.graph", "function")),
    ("cudaIpcGetEventHandle", "", ("cuda-runtime.ipc", "function")),
    ("cudaDeviceGetP2PAttribute", "", ("cuda-runtime.peer", "function")),
    ("cudaCreateTextureObject", "", ("cuda-runtime.texture", "function")),
    ("cudaDataType", "type", ("cuda-runtime.types", "type")),
    ("cudaProfilerStart", "", ("cuda-runtime", "function")),
    ("cuCtxCreate", "", ("cuda-driver", "function")),
    ("CUDA_ARRAY_DESCRIPTOR", "type", ("cuda-driver", "type")),
    ("CU_DEVICE_ATTRIBUTE_WARP_SIZE", "", ("cuda-driver", "constant")),
    ("cudaLibMgGrid_t", "", ("cusolver", "type")),
    ("cudaXtDesc", "type", ("cufft", "type")),
    ("cuCmulf", "", ("cuda-math", "function")),
    ("CUBLASAPI", "", ("cublas", "macro")),
    ("CUDNN_DATA_INT8x4", "", ("cudnn", "constant")),
    ("cudaRoundNearest", "", ("cuda-runtime.types", "constant")),
    ("expf", "", ("", "function")),
])
def test_classify(name: str, hip_kind: str, expected: tuple[str, str]) -> None:
    assert catalog_rules.classify(name, hip_kind) == expected


@pytest.mark.parametrize("name, reason", [
    ("__shfl_sync", "double underscore: kernel-language catalog"),
    ("_curand_uniform", "reserved implementation identifier"),
    ("nCudaDeviceId", "not an API symbol"),
    ("TORCH_CUSOLVER_CHECK", "owned by another catalog file"),
    ("cudaMalloc", ""),
])
def test_excluded(name: str, reason: str) -> None:
    assert catalog_rules.excluded(name) == reason


def test_header_parsers_read_declarations() -> None:
    header = """
    #define NCCL_UNIQUE_ID_BYTES 128
    typedef struct ncclComm* ncclComm_t;
    typedef enum { ncclSum = 0, ncclProd = 1 } ncclRedOp_t;
    ncclResult_t  ncclAllReduce(const void* s, void* r, size_t n,
        ncclDataType_t t, ncclRedOp_t op, ncclComm_t c, cudaStream_t st);
    /* ncclNotDeclared(int) in a comment */
    """
    assert nccl_names(header) == {"NCCL_UNIQUE_ID_BYTES": "constant", "ncclAllReduce": "function",
                                  "ncclSum": "constant", "ncclProd": "constant", "ncclComm_t": "type",
                                  "ncclRedOp_t": "type", "ncclComm": "type"}
    assert c_header_names("typedef enum { NVJPEG_CSS_444 = 0 } nvjpegChromaSubsampling_t;\n"
                          "nvjpegStatus_t NVJPEGAPI nvjpegCreateSimple(nvjpegHandle_t *h);", "nvjpeg") == {
        "NVJPEG_CSS_444": "constant", "nvjpegChromaSubsampling_t": "type", "nvjpegCreateSimple": "function"}
    got = toolkit_header_names(["#define cublasSgemm cublasSgemm_v2\n#define MY_H_\n#define CUBLASWINAPI\n"
                                "cublasStatus_t cublasSgemm_v2(cublasHandle_t h);\n"])
    assert got == {"cublasSgemm": "function", "cublasSgemm_v2": "function"}
