"""Write mappings/{cann,musa,neuware}/evidence_misc.yaml: per-name rows, each citing the line of a vendor source that
shows the name (or the construct doing the same work), for families whose findings rested on a family default or
an "unverified" row (`inferred`): cooperative groups, launch bounds, CMake variables, setup.py CUDA sources, CuTe,
NCCL types, torch C++ device properties, cache-hinted loads.

ROWS below says, per backend, which CUDA names get which verdict and which vendor file line shows it: a source key
(SOURCES: repository and mirror), a path in that repository and a regular expression the line must match.
`--facts` reads every cited file from the mirrors (/work/.mirror/OWNER+NAME/repo, bare git directories) and writes
the matching lines, with the commit, to tests/data/vendor_facts/misc_evidence_lines.tsv, plus the header list of
MooreThreads/mutlass include/mute/ (mutlass_mute_headers.txt); a pattern that no longer matches stops the tool.
Without `--facts` the YAML is rebuilt from those committed lines, so the test regenerates and compares on a fresh
clone. Every ref names repo@commit, path and line.

The status of a row is the one the tables already gave the name (family default or wildcard row) unless the cited
source shows it wrong; CHANGED lists those, with the reason (the test checks both).

    python tools/misc_evidence.py [--facts]
"""
from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MIRRORS = Path("/work/.mirror")
FACTS = ROOT / "tests" / "data" / "vendor_facts" / "misc_evidence_lines.tsv"
MUTE_HEADERS = ROOT / "tests" / "data" / "vendor_facts" / "mutlass_mute_headers.txt"
OUT = {b: ROOT / "mappings" / b / "evidence_misc.yaml" for b in ("cann", "musa", "neuware")}

# key -> (GitHub repository, licence of the cited files)
SOURCES = {
    "vllm_musa": ("MooreThreads/vllm_musa", "Apache-2.0"),
    "tilelang_musa": ("MooreThreads/tilelang_musa", "MIT"),
    "torch_musa": ("MooreThreads/torch_musa", "BSD-3-Clause"),
    "mutlass": ("MooreThreads/mutlass", "BSD-3-Clause"),
    "asc-devkit": ("cannmirror/asc-devkit", "CANN Open Software License 2.0"),
    "vllm-ascend": ("vllm-project/vllm-ascend", "Apache-2.0"),
    "torch_npu": ("Ascend/pytorch", "BSD-3-Clause"),
    "torch_mlu": ("Cambricon/torch_mlu", "BSD-2-Clause"),
    "mlu-ops": ("Cambricon/mlu-ops", "MIT"),
    "vllm-mlu": ("Cambricon/vllm-mlu", "Apache-2.0"),
    "mate": ("MooreThreads/mate", "Apache-2.0"),
    "MT-DeepEP": ("MooreThreads/MT-DeepEP", "MIT"),
    "catlass": ("hicann/catlass", "CANN Open Software License 2.0"),
    "flagtree": ("flagos-ai/FlagTree", "MIT"),
    "triton-ascend": ("triton-lang/triton-ascend", "MIT"),
}
# Sources with no mirror here: their lines were read from the public code index (the session's read_file tool, at
# the commit in the TSV) and are kept as committed; --facts rereads only the mirrored ones.
NO_MIRROR = {"vllm-mlu"}

_CG_DOC = "docs/zh/api/SIMT-API/协作组/"
_BGMV = "csrc_musa/punica/bgmv/bgmv_impl.muh"
_TL = "src/target/codegen_musa.cc"
_WARP = ("on S80/S3000/S4000 (MP21/MP22) a warp has 128 lanes, so a tile of 32 is a quarter of a warp, not the warp: "
         "code that treats a 32-thread tile as the hardware warp (warp ids from threadIdx.x / 32, full 0xffffffff "
         "masks, one tile per warp for shared-memory slots) must be reviewed; on S5000 (MP31) the warp is 32 lanes "
         "as on CUDA (--target musa:s5000)")
_MUTE_ATOMS = ("NVIDIA-specific atoms and arch code (SM80+ MMA, TMA, clusters) exist only where mutlass provides "
               "MUSA ones (mute/atom/mma_traits_mp22.hpp ...)")
_CNMEM = "csrc/cnmem_allocator.cpp"
_CNMEM_WHY = "as Cambricon's vllm-mlu port of vLLM's cumem_allocator.cpp uses it"
_CG_MUSA = "Moore Threads' own MUSA code (vllm_musa, built with TORCH_MUSA_ARCH=220) uses it unchanged"

# backend -> list of rows: (symbols, status, target, note, [(source key, path, regex)], {target id: verdict} or None)
# A per-target verdict is a dict with status, target, note and its own list of (source key, path, regex) in "srcs".
ROWS: dict[str, list[tuple]] = {
    "musa": [
        # ---- cooperative groups: names Moore Threads' MUSA code writes (kernel.yaml row #132 said "unverified")
        (["cooperative_groups.h"], "partial", "cooperative_groups.h",
         f"same header on MUSA: {_CG_MUSA}; the set of group types and collectives is not in a public MUSA header "
         "(no this_cluster / cluster groups seen)",
         [("vllm_musa", _BGMV, r"#include <cooperative_groups\.h>")], None),
        (["cooperative_groups::this_thread_block"], "partial", "cooperative_groups::this_thread_block",
         f"same call on MUSA: {_CG_MUSA} (cg::this_thread_block(), block.thread_rank())",
         [("vllm_musa", _BGMV, r"cg::this_thread_block\(\)")], None),
        (["cooperative_groups::tiled_partition"], "partial", "cooperative_groups::tiled_partition",
         f"same call on MUSA: {_CG_MUSA} with tiles of at most 32 threads (cg::tiled_partition<tx>, tx divides 32); "
         + _WARP,
         [("vllm_musa", _BGMV, r"cg::tiled_partition<tx>\(block\)")],
         {"s5000": {"status": "partial", "target": "cooperative_groups::tiled_partition",
                    "note": "same call on MUSA (vllm_musa's bgmv kernels); S5000 (MP31) has 32-lane warps, so a tile of "
                            "32 is one warp as on CUDA; the other group types are not in a public MUSA header",
                    "srcs": [("vllm_musa", _BGMV, r"cg::tiled_partition<tx>\(block\)")]}}),
        (["cooperative_groups::thread_block_tile"], "partial", "cooperative_groups::thread_block_tile",
         f"same type on MUSA: {_CG_MUSA} (cg::thread_block_tile with g.shfl_down / g.shfl inside the tile); " + _WARP,
         [("vllm_musa", _BGMV, r"cg::thread_block_tile g = ")],
         {"s5000": {"status": "partial", "target": "cooperative_groups::thread_block_tile",
                    "note": "same type on MUSA (vllm_musa's bgmv kernels); S5000 (MP31) has 32-lane warps, so a "
                            "thread_block_tile<32> is one warp as on CUDA",
                    "srcs": [("vllm_musa", _BGMV, r"cg::thread_block_tile g = ")]}}),
        (["cooperative_groups::thread_block"], "partial", "cooperative_groups::thread_block",
         "the group this_thread_block() returns: Moore Threads' vllm_musa holds it as auto and calls block.sync() and "
         "block.thread_rank() (the type name itself is not written there); " + _CG_MUSA.split(" (")[0],
         [("vllm_musa", _BGMV, r"cg::this_thread_block\(\)"), ("vllm_musa", _BGMV, r"block\.thread_rank\(\)")],
         None),
        (["cooperative_groups::this_grid"], "partial", "cooperative_groups::this_grid",
         "grid groups on MUSA: Moore Threads' TileLang back end emits cooperative_groups::this_grid() and grid.sync() "
         "for a grid-wide barrier and launches such kernels with musaLaunchCooperativeKernel; all blocks must be "
         "resident at once",
         [("tilelang_musa", _TL, r"cooperative_groups::this_grid\(\)"),
          ("tilelang_musa", "tilelang/jit/adapter/musa_wrapper.py", r"musaLaunchCooperativeKernel\(")], None),
        (["cooperative_groups::grid_group"], "partial", "cooperative_groups::grid_group",
         "grid groups on MUSA: Moore Threads' TileLang back end emits cooperative_groups::grid_group grid = "
         "cooperative_groups::this_grid(); grid.sync(); kernels launch with musaLaunchCooperativeKernel",
         [("tilelang_musa", _TL, r"cooperative_groups::grid_group grid = ")], None),
        # ---- CuTe is MUTLASS's MuTe (namespace mute, headers include/mute/...)
        (["cute"], "adapt", "mute",
         "MUTLASS ships CuTe as MuTe: namespace cute -> mute, <cute/...> -> <mute/...>; " + _MUTE_ATOMS,
         [("mutlass", "include/mute/tensor.hpp", r"^namespace mute\b")], None),
        (["cute::*"], "adapt", "mute::",
         "MUTLASS ships CuTe as MuTe: cute:: -> mute:: (not mutlass::); " + _MUTE_ATOMS,
         [("mutlass", "include/mute/tensor.hpp", r"^namespace mute\b")], None),
        # ---- cache-hinted loads: torch_musa's kernels call __ldg
        (["__ldg"], "rename", "__ldg",
         "same intrinsic in MUSA C++: torch_musa's own kernels call __ldg (read-only cached load), no change",
         [("torch_musa", "torch_musa/csrc/aten/ops/musa/GatedSilu.mu", r"__ldg\(")], None),
        (["__CUDACC_RTC__"], "adapt", "__MUSACC_RTC__",
         "defined when MUSA's runtime compiler builds the code, as MUTLASS's config.hpp tests it",
         [("mutlass", "include/mute/config.hpp", r"^#if defined\(__MUSACC_RTC__\)")], None),
        # ---- CMake: what torch_musa's own build uses
        (["CMAKE_CUDA_COMPILER_VERSION", "cmake:CUDA_VERSION"], "adapt", "REAL_MUSA_VERSION",
         "no CMake MUSA language version: torch_musa runs musa_runtime_version and compares an integer "
         "(major*1000 + minor*10 + patch, e.g. 4030 for 4.3.0) in REAL_MUSA_VERSION; CUDA version thresholds do not "
         "carry over",
         [("torch_musa", "cmake/utils.cmake", r"function\(parse_real_musa_version"),
          ("torch_musa", "CMakeLists.txt", r"REAL_MUSA_VERSION GREATER_EQUAL")], None),
        (["CMAKE_CUDA_ARCHITECTURES_ALL", "CMAKE_CUDA_ARCHITECTURES_ALL_MAJOR"], "adapt", "TORCH_MUSA_ARCH_LIST",
         "MUSA architectures are mp_21 / mp_22 / mp_31: torch_musa takes TORCH_MUSA_ARCH_LIST and passes "
         "--offload-arch=mp_XX to mcc",
         [("torch_musa", "CMakeLists.txt", r"--offload-arch=mp_\$\{TORCH_MUSA_ARCH\}")], None),
        (["cmake:CUDA_FOUND"], "adapt", "MUSA_FOUND",
         "find_package(MUSA) from the MUSA SDK's cmake folder sets MUSA_FOUND",
         [("torch_musa", "CMakeLists.txt", r"^if\(MUSA_FOUND\)")], None),
        (["cmake:CUDA_TOOLKIT_ROOT_DIR", "CMAKE_CUDA_TOOLKIT_INCLUDE_DIRECTORIES"], "adapt", "MUSA_TOOLKIT_ROOT_DIR",
         "the MUSA SDK root (MUSA_HOME, default /usr/local/musa; MUSA_TOOLKIT_ROOT_DIR after find_package(MUSA)), "
         "headers under its include/",
         [("torch_musa", "cmake/summary.cmake", r"MUSA_TOOLKIT_ROOT_DIR"),
          ("torch_musa", "CMakeLists.txt", r'set\(MUSA_PATH "/usr/local/musa"\)')], None),
        # ---- setup.py CUDA sources
        (["cuda-sources"], "adapt", ".mu",
         "rename the .cu / .cuh sources to .mu / .muh and build them with torch_musa's MUSAExtension (mcc)",
         [("torch_musa", "torch_musa/utils/musa_extension.py", r'valid_ext = \["\.mu", "\.muh"\]')], None),
        # ---- PyTorch C++: torch_musa's allocator and muDNN handle
        (["c10::cuda::CUDACachingAllocator::get"], "rename", "c10::musa::MUSACachingAllocator::get",
         "torch_musa's caching allocator (namespace c10::musa::MUSACachingAllocator), used by its own C++",
         [("torch_musa", "torch_musa/csrc/aten/linalg/BatchLinearAlgebraLib.cpp",
           r"::c10::musa::MUSACachingAllocator::get\(\)")], None),
        (["c10::cuda::CUDACachingAllocator::CUDAAllocator"], "rename", "c10::musa::MUSACachingAllocator::MUSAAllocator",
         "torch_musa's allocator interface class",
         [("torch_musa", "torch_musa/csrc/core/MUSACachingAllocator.h", r"^class MUSAAllocator : public Allocator")],
         None),
        (["torch/csrc/cuda/CUDAPluggableAllocator.h"], "rename", "torch_musa/csrc/core/MUSAPluggableAllocator.h",
         "torch_musa's pluggable allocator header (namespace torch::musa::MUSAPluggableAllocator)",
         [("torch_musa", "torch_musa/csrc/core/MUSAPluggableAllocator.h",
           r"^namespace torch::musa::MUSAPluggableAllocator \{")], None),
        (["torch::cuda::CUDAPluggableAllocator::CUDAPluggableAllocator"], "rename",
         "torch::musa::MUSAPluggableAllocator::MUSAPluggableAllocator", "torch_musa's pluggable allocator class",
         [("torch_musa", "torch_musa/csrc/core/MUSAPluggableAllocator.h",
           r"^struct MUSAPluggableAllocator : public MUSAAllocator")], None),
        (["ATen/cudnn/Handle.h"], "adapt", "torch_musa/csrc/aten/mudnn/Handle.h",
         "torch_musa's muDNN handle header declares at::GetMudnnHandle() returning a ::musa::dnn::Handle& "
         "(mudnnHandle_t), not getCudnnHandle() / cudnnHandle_t: the code using the handle changes too",
         [("torch_musa", "torch_musa/csrc/aten/mudnn/Handle.h", r"::musa::dnn::Handle& GetMudnnHandle\(\);")], None),
        # ---- flash_attn internals DeepSpeed calls: mate (MP31 only)
        (["flash_attn.flash_attn_interface._flash_attn_forward"], "missing", "",
         "no flash_attn on MP21/MP22 (S80, S3000, S4000): Moore Threads' mate, which has _flash_attn_forward, is "
         "built for MP31 (S5000) only; use SDPA (--target musa:s5000)",
         [("mate", "README.md", r"\| Architecture \| `Pinghu \(MP31\)` \|")],
         {"s5000": {"status": "partial", "target": "mate.mha_interface._flash_attn_forward",
                    "note": "mate (MP31) has _flash_attn_forward in mate/mha_interface.py; check the argument list "
                            "against the flash_attn version the code was written for",
                    "srcs": [("mate", "mate/mha_interface.py", r"^def _flash_attn_forward\(")]}}),
        (["flash_attn.flash_attn_interface._flash_attn_backward"], "missing", "",
         "no flash_attn on MP21/MP22 (S80, S3000, S4000): Moore Threads' mate is built for MP31 (S5000) only; use "
         "SDPA (--target musa:s5000)",
         [("mate", "README.md", r"\| Architecture \| `Pinghu \(MP31\)` \|")],
         {"s5000": {"status": "partial", "target": "mate.mha_interface._flash_attn_varlen_backward",
                    "note": "mate (MP31) has only the varlen backward (_flash_attn_varlen_backward): pass "
                            "cu_seqlens for a padded batch",
                    "srcs": [("mate", "mate/mha_interface.py", r"^def _flash_attn_varlen_backward\(")]}}),
        # ---- C++ extensions: torch_musa's musa_extension
        (["torch.utils.cpp_extension.CppExtension"], "adapt", "torch_musa.utils.musa_extension.MUSAExtension",
         "a host-only CppExtension builds as before; one whose C++ includes the CUDA or ATen/cuda headers needs "
         "torch_musa's MUSAExtension for the MUSA include and library paths",
         [("torch_musa", "torch_musa/utils/musa_extension.py", r"^def MUSAExtension\(name, sources")], None),
        (["torch.utils.cpp_extension"], "adapt", "torch_musa.utils.musa_extension",
         "torch_musa's extension module (MUSAExtension, BuildExtension, load, load_inline)",
         [("torch_musa", "torch_musa/utils/musa_extension.py", r"^def MUSAExtension\(name, sources")], None),
        (["torch.utils.cpp_extension.load"], "adapt", "torch_musa.utils.musa_extension.load",
         "JIT build with mcc: .mu sources, extra_musa_cflags in place of extra_cuda_cflags",
         [("torch_musa", "torch_musa/utils/musa_extension.py", r"^def load\($"),
          ("torch_musa", "torch_musa/utils/musa_extension.py", r"^extra_musa_cflags=None,$")], None),
        (["torch.utils.cpp_extension.load_inline"], "adapt", "torch_musa.utils.musa_extension.load_inline",
         "JIT build of inline sources with mcc (musa_sources in place of cuda_sources)",
         [("torch_musa", "torch_musa/utils/musa_extension.py", r"^def load_inline\($")], None),
        # ---- launch with attributes: Moore Threads' DeepEP port
        (["cudaLaunchKernelEx"], "rename", "musaLaunchKernelEx",
         "same call, MUSA spelling: Moore Threads' MT-DeepEP launches its kernels with musaLaunchKernelEx",
         [("MT-DeepEP", "csrc/kernels/launch.muh", r"musaLaunchKernelEx\(config, kernel")], None),
        (["cudaLaunchAttributeCooperative"], "partial", "musaLaunchAttributeCooperative",
         "the attribute exists (MT-DeepEP sets attr[0].id = musaLaunchAttributeCooperative) but MT-DeepEP then "
         "passes cfg.numAttrs = 0, so the cooperative attribute is not applied there: check cooperative launches "
         "on your MUSA SDK",
         [("MT-DeepEP", "csrc/kernels/launch.muh", r"attr\[0\]\.id = musaLaunchAttributeCooperative;"),
          ("MT-DeepEP", "csrc/kernels/launch.muh", r"cfg\.numAttrs = 0")], None),
    ],
    "cann": [
        (["cooperative_groups"], "missing", "",
         "no cooperative groups on Atlas A2/A3: Huawei's docs list every cooperative-groups API as unsupported there "
         "(SyncAll() gives an all-core barrier in SIMD Ascend C); the SIMT API of the 950 has the cooperative_groups "
         "namespace (--target cann:950)",
         [("asc-devkit", _CG_DOC + "tiled_partition.md", r"Atlas A2 训练系列产品/Atlas A2 推理系列产品：不支持")],
         {"950": {"status": "partial", "target": "cooperative_groups",
                  "note": "SIMT on 950: simt_api/cooperative_groups.h declares namespace cooperative_groups with "
                          "thread_block (this_thread_block), tiled_partition, thread_block_tile (sizes 1-32), "
                          "coalesced_group, binary_partition; no grid groups (this_grid)",
                  "srcs": [("asc-devkit", "include/simt_api/cooperative_groups.h", r"^namespace cooperative_groups \{"),
                           ("asc-devkit", _CG_DOC + "tiled_partition.md", r"Ascend 950PR/Ascend 950DT：支持")]}}),
        (["__cvta_generic_to_shared"], "missing", "",
         "no shared-memory address space to convert to on Atlas A2/A3 (SIMD Ascend C moves tiles by DataCopy); the "
         "950's SIMT API has __cvta_generic_to_ubuf for its Unified Buffer, the SIMT shared memory "
         "(--target cann:950)",
         [("asc-devkit", "docs/zh/api/SIMT-API/地址空间转换函数/__cvta_generic_to_ubuf.md",
           r"Atlas A2 训练系列产品/Atlas A2 推理系列产品：不支持")],
         {"950": {"status": "adapt", "target": "__cvta_generic_to_ubuf",
                  "note": "SIMT on 950: __cvta_generic_to_ubuf converts a generic pointer to its Unified Buffer "
                          "address (the block's shared memory, sized by dyn_ubuf_size at launch)",
                  "srcs": [("asc-devkit", "include/simt_api/device_functions.h",
                            r"size_t __cvta_generic_to_ubuf\(const void\* ptr\);"),
                           ("asc-devkit", "docs/zh/api/SIMT-API/地址空间转换函数/__cvta_generic_to_ubuf.md",
                            r"Ascend 950PR/Ascend 950DT：支持")]}}),
        (["__launch_bounds__"], "adapt", "",
         "Atlas A2/A3 kernels are SIMD Ascend C (__global__ __aicore__ over AI cores) without thread blocks: the "
         "bound goes with the rewrite; the 950's SIMT kernels keep __launch_bounds__(N) (--target cann:950)",
         ["vendor-apis.md #124 [A3 atlas_ascendc_10_0014] (SIMD kernel: __global__ __aicore__)",
          ("asc-devkit", "docs/zh/api/SIMT-API/SIMT编程简介/扩展语法/核函数配置.md", r"^## \\_\\_launch\\_bounds\\_\\_")],
         {"950": {"status": "adapt", "target": "__launch_bounds__",
                  "note": "SIMT on 950: __launch_bounds__(N) takes one argument, the maximum threads per block "
                          "(1..2048, 1024 when absent), and sets the registers per thread (127 up to 256 threads, "
                          "16 above 1024); CUDA's second and third arguments (min blocks per SM, max blocks per "
                          "cluster) have no counterpart",
                  "srcs": [("asc-devkit", "docs/zh/api/SIMT-API/SIMT编程简介/扩展语法/核函数配置.md",
                            r"N的取值范围为1到2048")]}}),
        (["CMAKE_CUDA_COMPILER_VERSION", "cmake:CUDA_VERSION"], "adapt", "CANN_VERSION",
         "no CMake language version for Ascend C: vllm-ascend's op build can read the CANN version from the "
         "toolkit's version.info (cmake/scripts/check_version_compatible.py) into CANN_VERSION (that check is off "
         "by default there); CUDA version thresholds do not carry over",
         [("vllm-ascend", "csrc/cmake/config.cmake", r"OUTPUT_VARIABLE CANN_VERSION")], None),
        (["CMAKE_CUDA_ARCHITECTURES_ALL", "CMAKE_CUDA_ARCHITECTURES_ALL_MAJOR"], "adapt", "SOC_VERSION",
         "Ascend C builds for one SoC given by SOC_VERSION (ascend910b..., ascend950...), not a list of SM "
         "architectures",
         [("vllm-ascend", "CMakeLists.txt", r"set\(SOC_VERSION \$\{SOC_VERSION\}\)")], None),
        (["cmake:CUDA_TOOLKIT_ROOT_DIR", "CMAKE_CUDA_TOOLKIT_INCLUDE_DIRECTORIES", "cmake:CUDA_FOUND"], "adapt",
         "ASCEND_HOME_PATH",
         "the CANN toolkit root is ASCEND_HOME_PATH (ASCEND_CANN_PACKAGE_PATH), headers in its include/; Ascend C "
         "kernels build through the toolkit's ascendc.cmake (found under tools/ or compiler/tikcpp/ascendc_kernel_cmake)",
         [("vllm-ascend", "CMakeLists.txt", r"set\(ASCEND_CANN_PACKAGE_PATH \$\{ASCEND_HOME_PATH\}\)"),
          ("vllm-ascend", "CMakeLists.txt", r"include\(\$\{ASCENDC_CMAKE_DIR\}/ascendc\.cmake\)")], None),
        (["cuda-sources"], "adapt", "ascendc_library",
         "CUDA sources are rewritten as Ascend C kernels (.cpp) and built by the toolkit's CMake function "
         "ascendc_library, as vllm-ascend does; torch_npu's NpuExtension compiles host C++ only (language c++)",
         [("vllm-ascend", "CMakeLists.txt", r"ascendc_library\(vllm_ascend_kernels SHARED"),
          ("torch_npu", "torch_npu/utils/cpp_extension.py", r"kwargs\['language'\] = 'c\+\+'")], None),
        (["at::cuda::getCurrentDeviceProperties", "at::cuda::getDeviceProperties"], "adapt", "aclGetDeviceCapability",
         "no cudaDeviceProp: query attributes one at a time, as torch_npu fills its NPUDeviceProp: core counts and L2 "
         "size with aclGetDeviceCapability (ACL_DEVICE_INFO_AI_CORE_NUM / VECTOR_CORE_NUM / L2_SIZE), total memory "
         "with aclrtGetDeviceInfo (CANN >= 9.0.0.beta2) or aclrtGetMemInfo; CUDA's SM count corresponds to the vector "
         "core count (torch_npu's multi_processor_count; cube cores only as a fallback)",
         [("torch_npu", "torch_npu/csrc/npu/Module.cpp", r"aclGetDeviceCapability\(deviceid, ACL_DEVICE_INFO_VECTOR_CORE_NUM"),
          ("torch_npu", "torch_npu/csrc/npu/Module.cpp", r"multi_processor_count = static_cast<int>\(vector_core_num\)"),
          ("torch_npu", "torch_npu/csrc/npu/Module.cpp", r"ACL_DEV_ATTR_TOTAL_GLOBAL_MEM_SIZE")], None),
        # ---- CUDA driver types and VMM names: what torch_npu's allocator and stream code use
        (["CUcontext"], "partial", "aclrtContext", "ACL context, as torch_npu keeps one per device",
         [("torch_npu", "torch_npu/csrc/core/npu/NPUFunctions.h", r"aclrtContext GetDeviceContext\(int32_t device\)")],
         None),
        (["CUstream"], "partial", "aclrtStream", "ACL stream, the type torch_npu's NPUStream wraps",
         [("torch_npu", "torch_npu/csrc/core/npu/NPUStream.h", r"aclrtStream stream\(\) const;")], None),
        (["CUdeviceptr"], "partial", "void*",
         "ACL's virtual-memory calls take plain void* device addresses (aclrtReserveMemAddress, aclrtMapMem(void* "
         "virPtr, ...)), as torch_npu declares them",
         [("torch_npu", "torch_npu/csrc/core/npu/interface/AclInterface.h", r"^void\* virPtr,$")], None),
        (["CUmemAllocationProp"], "partial", "aclrtPhysicalMemProp",
         "physical-allocation properties for aclrtMallocPhysical (handleType, allocationType, memAttr, location), as "
         "torch_npu's expandable segments fill them",
         [("torch_npu", "torch_npu/csrc/core/npu/NPUCachingAllocator.cpp", r"aclrtPhysicalMemProp prop = \{\};")],
         None),
        (["CU_MEM_ALLOCATION_TYPE_PINNED"], "partial", "ACL_MEM_ALLOCATION_TYPE_PINNED",
         "aclrtPhysicalMemProp.allocationType, as torch_npu sets it",
         [("torch_npu", "torch_npu/csrc/core/npu/NPUCachingAllocator.cpp",
           r"prop\.allocationType = ACL_MEM_ALLOCATION_TYPE_PINNED;")], None),
        (["CU_MEM_LOCATION_TYPE_DEVICE"], "partial", "ACL_MEM_LOCATION_TYPE_DEVICE",
         "aclrtPhysicalMemProp.location.type, as torch_npu sets it",
         [("torch_npu", "torch_npu/csrc/core/npu/NPUCachingAllocator.cpp",
           r"prop\.location\.type = ACL_MEM_LOCATION_TYPE_DEVICE;")], None),
        (["CU_MEM_ALLOC_GRANULARITY_MINIMUM"], "partial", "ACL_RT_MEM_ALLOC_GRANULARITY_MINIMUM",
         "granularity option of aclrtMemGetAllocationGranularity(&prop, option, &granularity) (argument order "
         "differs), as vllm-ascend's port of vLLM's cumem allocator (csrc/camem_allocator.cpp) passes it",
         [("vllm-ascend", "csrc/camem_allocator.cpp", r"^ACL_RT_MEM_ALLOC_GRANULARITY_MINIMUM,")], None),
        (["cuDeviceGetAttribute"], "partial", "aclrtGetDeviceInfo",
         "one device attribute per call (ACL_DEV_ATTR_...), as torch_npu reads its device properties",
         [("torch_npu", "torch_npu/csrc/npu/Module.cpp", r"ACL_DEV_ATTR_TOTAL_GLOBAL_MEM_SIZE")], None),
        # ---- PyTorch C++: what torch_npu's own C++ calls
        (["c10::cuda::current_device", "at::cuda::current_device"], "adapt", "c10_npu::current_device",
         "torch_npu's current device index",
         [("torch_npu", "torch_npu/csrc/aten/NPUGeneratorImpl.cpp", r"c10_npu::current_device\(\)")], None),
        (["c10::cuda::CUDACachingAllocator::get"], "adapt", "c10_npu::NPUCachingAllocator::get",
         "torch_npu's caching allocator",
         [("torch_npu", "torch_npu/csrc/aten/common/FormatCastKernelNpu.cpp",
           r"c10_npu::NPUCachingAllocator::get\(\)")], None),
        (["c10::cuda::CUDACachingAllocator::CUDAAllocator"], "adapt", "c10_npu::NPUCachingAllocator::NPUAllocator",
         "torch_npu's allocator interface class (a c10::DeviceAllocator)",
         [("torch_npu", "torch_npu/csrc/core/npu/NPUCachingAllocator.h",
           r"^class NPUAllocator : public c10::DeviceAllocator")], None),
        (["torch/csrc/cuda/CUDAPluggableAllocator.h"], "adapt", "torch_npu/csrc/npu/NPUPluggableAllocator.h",
         "torch_npu's pluggable allocator header (namespace torch::npu::NPUPluggableAllocator)",
         [("torch_npu", "torch_npu/csrc/npu/NPUPluggableAllocator.h",
           r"^namespace torch::npu::NPUPluggableAllocator \{")], None),
        (["torch::cuda::CUDAPluggableAllocator::CUDAPluggableAllocator"], "adapt",
         "torch::npu::NPUPluggableAllocator::NPUPluggableAllocator",
         "torch_npu's pluggable allocator (an NPUCachingAllocator::NPUAllocator built from alloc / free callbacks)",
         [("torch_npu", "torch_npu/csrc/npu/NPUPluggableAllocator.h",
           r"^struct NPUPluggableAllocator : public c10_npu::NPUCachingAllocator::NPUAllocator")], None),
        (["at::cuda::detail::getDefaultCUDAGenerator"], "adapt", "at_npu::detail::getDefaultNPUGenerator",
         "torch_npu's default generator (Philox state for NPU kernels)",
         [("torch_npu", "torch_npu/csrc/aten/NPUGeneratorImpl.h",
           r"const at::Generator& getDefaultNPUGenerator\(")], None),
        # ---- flash_attn internals DeepSpeed calls
        (["flash_attn.flash_attn_interface._flash_attn_forward"], "adapt", "torch_npu.npu_fusion_attention",
         "not drop-in: head_num and input_layout (BSH/SBH/BSND/BNSD/TND) are required, scale defaults to 1.0, "
         "keep_prob = 1 - dropout_p, atten_mask True = masked out; it returns the softmax statistics torch_npu's "
         "backward needs",
         [("vf", "torch_npu_api.txt", r"^torch_npu\.npu_fusion_attention$")], None),
        (["flash_attn.flash_attn_interface._flash_attn_backward"], "adapt", "torch.ops.npu.npu_fusion_attention_grad",
         "the backward of npu_fusion_attention (its saved softmax_max / softmax_sum / attention_in), not the "
         "flash_attn argument list",
         [("vf", "torch_npu_custom_ops.txt", r"^npu_fusion_attention_grad$")], None),
        # ---- CuTe / CUTLASS namespaces: CATLASS's TLA and Catlass namespaces
        (["cute"], "adapt", "tla",
         "CATLASS has a CuTe-like layout and tensor layer in namespace tla (include/tla: layout, tensor, tuple, "
         "int_tuple); the kernels around it are Ascend C Cube / vector code, so the CuTe kernel is rewritten on it",
         [("catlass", "include/tla/tensor.hpp", r"^namespace tla \{")], None),
        (["cutlass"], "adapt", "Catlass",
         "CATLASS (namespace Catlass: Gemm, Epilogue, Layout, Arch) is CUTLASS-like Ascend C templates with a "
         "different API: rewrite, do not rename",
         [("catlass", "include/catlass/catlass.hpp", r"^namespace Catlass \{")], None),
        (["torch/cuda.h"], "adapt", "torch_npu/csrc/libs/torch_npu.h",
         "torch_npu's C++ entry header: init_npu.h declares torch::npu::synchronize and c10::npu::current_device",
         [("torch_npu", "torch_npu/csrc/libs/torch_npu.h", r'#include "torch_npu/csrc/libs/init_npu\.h"'),
          ("torch_npu", "torch_npu/csrc/libs/init_npu.h", r"TORCH_NPU_API void synchronize\(int64_t device_index")],
         None),
        # ---- C++ extensions
        (["torch.utils.cpp_extension.CppExtension"], "partial", "torch_npu.utils.cpp_extension.NpuExtension",
         "a host-only CppExtension builds as before; one that uses torch_npu's C++ needs NpuExtension, a C++ "
         "extension with the torch_npu, ACL and HCCL include paths and libtorch_npu",
         [("torch_npu", "torch_npu/utils/cpp_extension.py", r"^def NpuExtension\(name, sources")], None),
        (["torch.utils.cpp_extension"], "partial", "torch_npu.utils.cpp_extension",
         "torch_npu's extension helpers (NpuExtension); device code is Ascend C built with CANN's tools",
         [("torch_npu", "torch_npu/utils/cpp_extension.py", r"^def NpuExtension\(name, sources")], None),
        # ---- cupy bit packing in 1-bit optimizers: DeepSpeed's NPU backend uses torch_npu ops
        (["cupy.packbits"], "adapt", "torch_npu.npu_sign_bits_pack",
         "no CuPy on NPU: DeepSpeed's HCCL backend for 1-bit compression packs sign bits with "
         "torch_npu.npu_sign_bits_pack on NPU tensors",
         [("vf", "torch_npu_api.txt", r"^torch_npu\.npu_sign_bits_pack$")], None),
        (["cupy.unpackbits"], "adapt", "torch_npu.npu_sign_bits_unpack",
         "no CuPy on NPU: DeepSpeed's HCCL backend unpacks with torch_npu.npu_sign_bits_unpack",
         [("vf", "torch_npu_api.txt", r"^torch_npu\.npu_sign_bits_unpack$")], None),
    ],
    "neuware": [
        (["__launch_bounds__"], "adapt", "__mlu_global__",
         "the kernel becomes a BANG C __mlu_global__ function; BANG has no thread blocks to bound: parallelism is the "
         "task dimension and type given at launch (<<<k_dim, k_type, queue>>>), and Cambricon's mlu-ops kernels "
         "declare no launch bounds",
         [("mlu-ops", "kernels/unary_op/unary_op_3pipeline.h", r"__mlu_global__ void"),
          ("mlu-ops", "kernels/abs/abs_block.mlu", r"<<<k_dim, k_type, queue>>>")], None),
        (["CMAKE_CUDA_COMPILER_VERSION", "cmake:CUDA_VERSION"], "adapt", "_cncc_version",
         "no CMake language version for BANG: mlu-ops runs `${BANG_CNCC_EXECUTABLE} --version` (from "
         "find_package(BANG)) into _cncc_version and compares that (VERSION_LESS 4.15.0); CUDA thresholds do not carry over",
         [("mlu-ops", "CMakeLists.txt", r"COMMAND \$\{BANG_CNCC_EXECUTABLE\} --version")], None),
        (["CMAKE_CUDA_ARCHITECTURES_ALL", "CMAKE_CUDA_ARCHITECTURES_ALL_MAJOR"], "adapt", "--bang-mlu-arch",
         "MLU architectures are mtp_xxx names passed to cncc as --bang-mlu-arch=mtp_592 / mtp_613 ... (mlu-ops' "
         "MLUOP_MLU_ARCH_LIST), not SM numbers",
         [("mlu-ops", "CMakeLists.txt", r'"--bang-mlu-arch=mtp_592"')], None),
        (["cmake:CUDA_FOUND"], "adapt", "BANG_FOUND",
         "find_package(BANG) from NEUWARE_HOME/cmake sets BANG_FOUND and BANG_CNCC_EXECUTABLE",
         [("mlu-ops", "CMakeLists.txt", r"if\(NOT BANG_FOUND\)")], None),
        (["cmake:CUDA_TOOLKIT_ROOT_DIR", "CMAKE_CUDA_TOOLKIT_INCLUDE_DIRECTORIES"], "adapt", "NEUWARE_HOME",
         "the NeuWare root is NEUWARE_HOME, headers in ${NEUWARE_HOME}/include, libraries in lib64",
         [("mlu-ops", "CMakeLists.txt", r'include_directories\("\$\{NEUWARE_HOME\}/include"\)')], None),
        (["CMAKE_CUDA_STANDARD_REQUIRED"], "adapt", "BANG_CNCC_FLAGS",
         "the C++ standard of BANG sources is a cncc flag (-std=c++17 in BANG_CNCC_FLAGS), not a CMake language "
         "property",
         [("mlu-ops", "CMakeLists.txt", r"BANG_CNCC_FLAGS.*-Wall -std=c\+\+17")], None),
        (["cuda-sources"], "adapt", ".mlu",
         "CUDA sources are rewritten in BANG C as .mlu files and built by torch_mlu's MLUExtension (cncc)",
         [("torch_mlu", "torch_mlu/utils/cpp_extension.py", r'valid_ext = \["\.mlu"\]')], None),
        # ---- NCCL types and constants: the CNCL names torch_mlu's ProcessGroupCNCL uses
        (["ncclComm_t"], "adapt", "cnclComm_t", "CNCL communicator (cnclInitComms, clique id), as torch_mlu uses it",
         [("torch_mlu", "torch_mlu/csrc/framework/distributed/cncl_utils.h", r"\bcnclComm_t\b")], None),
        (["ncclSum"], "adapt", "cnclSum", "CNCL reduce operation, as torch_mlu's ProcessGroupCNCL maps ReduceOp::SUM",
         [("torch_mlu", "torch_mlu/csrc/framework/distributed/process_group_cncl.cpp", r"\bcnclSum\b")], None),
        (["ncclDataType_t"], "adapt", "cnclDataType_t", "CNCL data type enum, as torch_mlu maps ScalarType to it",
         [("torch_mlu", "torch_mlu/csrc/framework/distributed/cncl_utils.cpp", r"\bcnclDataType_t\b")], None),
        (["ncclRedOp_t"], "adapt", "cnclReduceOp_t", "CNCL reduce-op enum",
         [("torch_mlu", "torch_mlu/csrc/framework/distributed/process_group_cncl.cpp", r"\bcnclReduceOp_t\b")], None),
        (["ncclResult_t"], "adapt", "cnclResult_t", "CNCL result type",
         [("torch_mlu", "torch_mlu/csrc/framework/distributed/cncl_utils.h", r"\bcnclResult_t\b")], None),
        (["ncclSuccess"], "adapt", "CNCL_RET_SUCCESS", "CNCL success code",
         [("torch_mlu", "torch_mlu/csrc/framework/distributed/cncl_utils.h", r"\bCNCL_RET_SUCCESS\b")], None),
        (["ncclGetErrorString"], "adapt", "cnclGetErrorStr", "CNCL error string",
         [("torch_mlu", "torch_mlu/csrc/framework/distributed/cncl_utils.cpp", r"\bcnclGetErrorStr\b")], None),
        (["ncclFloat16", "ncclHalf"], "adapt", "cnclHalf", "CNCL half data type",
         [("torch_mlu", "torch_mlu/csrc/framework/distributed/cncl_utils.cpp", r"\bcnclHalf\b")], None),
        (["ncclBfloat16"], "adapt", "cnclBfloat16", "CNCL bfloat16 data type",
         [("torch_mlu", "torch_mlu/csrc/framework/distributed/cncl_utils.cpp", r"\bcnclBfloat16\b")], None),
        # ---- contexts: Cambricon's own code
        (["cuCtxCreate"], "rename", "cnCtxCreate",
         "CNDrv context creation, same argument order (&ctx, flags, device), as Cambricon's vllm-mlu port of vLLM's "
         "cumem allocator calls it",
         [("vllm-mlu", _CNMEM, r"CN_CHECK\(cnCtxCreate\(&pctx, 0, device\)\);")], None),
        (["cuDevicePrimaryCtxRetain"], "adapt", "cnSharedContextAcquire",
         "CNDrv's shared (per-device) context: torch_mlu acquires it with cnSharedContextAcquire(&ctx, device) and "
         "makes it current with cnCtxSetCurrent; Cambricon's vllm-mlu port creates its own context with cnCtxCreate "
         "instead",
         [("torch_mlu", "torch_mlu/csrc/framework/core/MLUStream.cpp", r"cnSharedContextAcquire\(&pctx, device_index\)")],
         None),
        # ---- CUDA driver names: what torch_mlu's CNDrv calls use
        (["CUcontext"], "partial", "CNcontext", "CNDrv context, as torch_mlu acquires one per device",
         [("torch_mlu", "torch_mlu/csrc/framework/core/MLUStream.cpp", r"CNcontext pctx;")], None),
        (["CUstream"], "partial", "CNqueue",
         "CNDrv queue: Cambricon's vllm-mlu port of vLLM's cumem allocator takes a CNqueue where vLLM takes a "
         "CUstream (CNRT code uses cnrtQueue_t)",
         [("vllm-mlu", _CNMEM, r"void\* my_malloc\(ssize_t size, int device, CNqueue stream\)")], None),
        # ---- CUDA virtual memory management: Cambricon's port of vLLM's cumem_allocator.cpp (cnmem_allocator.cpp)
        (["CUmemGenericAllocationHandle"], "partial", "CNmemGenericAllocationHandle",
         "CNDrv physical-allocation handle (cnMemCreate / cnMemMap / cnMemRelease), " + _CNMEM_WHY,
         [("vllm-mlu", _CNMEM, r"CNmemGenericAllocationHandle\* p_memHandle\) \{")], None),
        (["CUmemAllocationProp"], "partial", "CNmemAllocationProp",
         "CNDrv allocation properties (type, location, requestedHandleTypes, allocFlags.compressionType), "
         + _CNMEM_WHY, [("vllm-mlu", _CNMEM, r"CNmemAllocationProp prop = \{\};")], None),
        (["CU_MEM_ALLOCATION_TYPE_PINNED"], "partial", "CN_MEM_ALLOCATION_TYPE_DEFAULT",
         "the port sets CN_MEM_ALLOCATION_TYPE_DEFAULT where vLLM sets CU_MEM_ALLOCATION_TYPE_PINNED: its comment "
         "says the CNDrv developer guide allows only that type for now",
         [("vllm-mlu", _CNMEM, r"prop\.type = CN_MEM_ALLOCATION_TYPE_DEFAULT;  //CU_MEM_ALLOCATION_TYPE_PINNED")],
         None),
        (["CU_MEM_LOCATION_TYPE_DEVICE"], "partial", "CN_MEM_LOCATION_TYPE_DEVICE", "CNDrv location type, " + _CNMEM_WHY,
         [("vllm-mlu", _CNMEM, r"prop\.location\.type = CN_MEM_LOCATION_TYPE_DEVICE;")], None),
        (["CU_MEM_ALLOCATION_COMP_NONE"], "partial", "CN_MEM_ALLOCATION_COMP_NONE", "CNDrv compression flag, "
         + _CNMEM_WHY, [("vllm-mlu", _CNMEM, r"compressionType = CN_MEM_ALLOCATION_COMP_NONE;")], None),
        (["CUmemAccessDesc"], "partial", "CNmemAccessDesc", "CNDrv access descriptor for cnMemSetAccess, " + _CNMEM_WHY,
         [("vllm-mlu", _CNMEM, r"CNmemAccessDesc accessDesc = \{\};")], None),
        (["CU_MEM_ACCESS_FLAGS_PROT_READWRITE"], "partial", "CN_MEM_ACCESS_FLAGS_PROT_READWRITE",
         "CNDrv access flag, " + _CNMEM_WHY,
         [("vllm-mlu", _CNMEM, r"accessFlags = CN_MEM_ACCESS_FLAGS_PROT_READWRITE;")], None),
        (["cuMemUnmap"], "partial", "cnMemUnmap", "CNDrv unmap, " + _CNMEM_WHY,
         [("vllm-mlu", _CNMEM, r"CN_CHECK\(cnMemUnmap\(d_mem, size\)\);")], None),
        (["cuMemAddressFree"], "partial", "cnMemAddressFree", "CNDrv address-range release, " + _CNMEM_WHY,
         [("vllm-mlu", _CNMEM, r"CN_CHECK\(cnMemAddressFree\(d_mem, size\)\);")], None),
        (["cuMemGetAllocationGranularity"], "partial", "cnMemGetAllocationGranularity", "CNDrv granularity query, "
         + _CNMEM_WHY, [("vllm-mlu", _CNMEM, r"cnMemGetAllocationGranularity\(&granularity, &prop, "
                                             r"CN_MEM_ALLOC_GRANULARITY_MINIMUM\)")], None),
        (["CU_MEM_ALLOC_GRANULARITY_MINIMUM"], "partial", "CN_MEM_ALLOC_GRANULARITY_MINIMUM",
         "CNDrv granularity option, " + _CNMEM_WHY,
         [("vllm-mlu", _CNMEM, r"cnMemGetAllocationGranularity\(&granularity, &prop, "
                               r"CN_MEM_ALLOC_GRANULARITY_MINIMUM\)")], None),
        (["CUdevice"], "partial", "CNdev", "CNDrv device handle, " + _CNMEM_WHY,
         [("vllm-mlu", _CNMEM, r"void ensure_context\(CNdev device\)")], None),
        (["cuDeviceGetAttribute"], "partial", "cnDeviceGetAttribute",
         "CNDrv device attribute query (CN_DEVICE_ATTRIBUTE_...), as torch_mlu calls it",
         [("torch_mlu", "torch_mlu/csrc/framework/core/device.cpp", r"cnDeviceGetAttribute\(")], None),
        # ---- PyTorch C++: what torch_mlu's own C++ provides
        (["at::cuda::getCurrentCUDABlasHandle"], "adapt", "torch_mlu::getCurrentHandle",
         "the current CNNL handle (CNNL does the matmuls); cuBLAS calls on it become CNNL calls",
         [("torch_mlu", "torch_mlu/csrc/aten/cnnl/cnnlHandle.cpp", r"cnnlHandle_t getCurrentHandle\(")], None),
        (["TORCH_CUDABLAS_CHECK"], "adapt", "TORCH_CNNL_CHECK", "torch_mlu's check macro for CNNL status codes",
         [("torch_mlu", "torch_mlu/csrc/aten/cnnl/cnnlAlgorithms.h", r"TORCH_CNNL_CHECK\(")], None),
        (["ATen/cudnn/Handle.h"], "adapt", "aten/cnnl/cnnlHandle.h", "torch_mlu's CNNL handle header",
         [("torch_mlu", "torch_mlu/csrc/api/include/torch_mlu/torch_mlu.h", r'#include "aten/cnnl/cnnlHandle\.h"')],
         None),
        (["c10::cuda::current_device", "at::cuda::current_device"], "adapt", "torch_mlu::current_device",
         "torch_mlu's current device index",
         [("torch_mlu", "torch_mlu/csrc/framework/core/device.h", r"c10::DeviceIndex current_device\(\);")], None),
        (["c10::cuda::CUDACachingAllocator::get"], "adapt", "torch_mlu::MLUCachingAllocator::get",
         "torch_mlu's caching allocator",
         [("torch_mlu", "torch_mlu/csrc/aten/operators/cnnl/empty_tensor.cpp",
           r"torch_mlu::MLUCachingAllocator::get\(\)")], None),
        (["at::cuda::detail::getDefaultCUDAGenerator"], "adapt", "torch_mlu::getDefaultMLUGenerator",
         "torch_mlu's default generator",
         [("torch_mlu", "torch_mlu/csrc/framework/generator/generator_impl.h",
           r"const at::Generator& getDefaultMLUGenerator\(")], None),
        # ---- flash_attn internals DeepSpeed calls: torch_mlu implements the ATen flash-attention ops
        (["flash_attn.flash_attn_interface._flash_attn_forward"], "partial", "torch.ops.aten._flash_attention_forward",
         "no flash_attn package for MLU; torch_mlu implements ATen's _flash_attention_forward on CNNL "
         "(cnnl__flash_attention_forward): different argument list",
         [("torch_mlu", "torch_mlu/csrc/aten/operators/cnnl/transformers/attention.cpp",
           r"^cnnl__flash_attention_forward\($")], None),
        (["flash_attn.flash_attn_interface._flash_attn_backward"], "partial",
         "torch.ops.aten._flash_attention_backward",
         "torch_mlu implements ATen's _flash_attention_backward on CNNL: different argument list",
         [("torch_mlu", "torch_mlu/csrc/aten/operators/cnnl/transformers/attention.cpp",
           r"cnnl__flash_attention_backward\($")], None),
        # ---- C++ extensions
        (["torch.utils.cpp_extension.CppExtension"], "adapt", "torch_mlu.utils.cpp_extension.MLUExtension",
         "a host-only CppExtension builds as before; one that uses torch_mlu's C++ or BANG sources needs "
         "MLUExtension (cncc for .mlu files)",
         [("torch_mlu", "torch_mlu/utils/cpp_extension.py", r'valid_ext = \["\.mlu"\]')], None),
        (["torch.utils.cpp_extension"], "adapt", "torch_mlu.utils.cpp_extension",
         "torch_mlu's extension module (MLUExtension, BuildExtension, load, load_inline)",
         [("torch_mlu", "torch_mlu/utils/cpp_extension.py", r'valid_ext = \["\.mlu"\]')], None),
        # ---- launch configuration: BANG launches take a task dimension and a function type
        (["cudaLaunchConfig_t", "cudaLaunchAttribute"], "partial", "cnrtDim3_t",
         "no extended launch: a BANG kernel is launched <<<cnrtDim3_t k_dim, cnrtFunctionType_t k_type, queue>>> "
         "(task dimension, union type), as Cambricon's mlu-ops kernels are; launch attributes have no counterpart",
         [("mlu-ops", "kernels/abs/abs.cpp", r"cnrtDim3_t k_dim;"),
          ("mlu-ops", "kernels/abs/abs.cpp", r"cnrtFunctionType_t k_type;")], None),
        (["cudaStreamDefault"], "partial", "torch_mlu::getCurrentMLUStream",
         "CNRT has no legacy default stream (torch_mlu's MLUStream.cpp: the per-thread default queue is the only one, "
         "so torch_mlu creates its own default queues): pass torch_mlu's current queue instead of stream 0",
         [("torch_mlu", "torch_mlu/csrc/framework/core/MLUStream.cpp", r"CNRT doesn't support legacy default stream"),
          ("torch_mlu", "torch_mlu/csrc/framework/core/MLUStream.h", r"MLUStream getCurrentMLUStream\(")], None),
        (["torch/cuda.h"], "adapt", "torch_mlu/torch_mlu.h",
         "torch_mlu's C++ API header (device.h, MLUStream.h, MLUEvent.h, cnnlHandle.h): torch_mlu::device_count, "
         "current_device and the queue API",
         [("torch_mlu", "torch_mlu/csrc/api/include/torch_mlu/torch_mlu.h", r'#include "framework/core/device\.h"')],
         None),
        # ---- cache-hinted loads: explicit copies into NRAM
        (["__ldca", "__ldcg", "__ldcs", "__ldlu", "__ldcv"], "adapt", "__memcpy",
         "no per-thread cache-hinted loads: stage the data into NRAM with __memcpy(..., GDRAM2NRAM) (or "
         "__memcpy_async) and compute there, as Cambricon's mlu-ops kernels do",
         [("mlu-ops", "kernels/unary_op/unary_op_3pipeline.h", r"__memcpy(_async)?\(.*GDRAM2NRAM")], None),
    ],
}

# Triton names outside the `__all__` lists tools/flagtree_triton_names.py and tools/cann_triton_ascend.py read: the
# vendor Triton front end defines them (backend -> (source key, python/triton folder, version note)).
_TRITON = {
    "musa": ("flagtree", "python/triton", "FlagTree's MUSA back end runs on its Triton 3.1 front end"),
    "neuware": ("flagtree", "third_party/cambricon/python/triton", "FlagTree's MLU back end ships a Triton 3.2 front end"),
    "cann": ("triton-ascend", "python/triton", "triton-ascend is Triton 3.5 (Atlas A2/A3)"),
}
_TRITON_NAMES = (  # (name, file under python/triton, pattern)
    ("triton.__version__", "__init__.py", r"^__version__ = '3\.\d+\.\d+'$"),
    ("triton.language.math.exp2", "language/math.py", r"^def exp2\(x, "),
    ("triton.language.math.sqrt", "language/math.py", r"^def sqrt\(x, "),
    ("triton.language.math.rsqrt", "language/math.py", r"^def rsqrt\(x, "),
    ("triton.language.math.erf", "language/math.py", r"^def erf\(x, "),
    ("triton.runtime.jit.JITFunction", "runtime/jit.py", r"^class JITFunction\("),
    ("triton.runtime.autotuner.Autotuner", "runtime/autotuner.py", r"^class Autotuner\(KernelInterface\):"),
    ("triton.runtime.autotuner.Config", "runtime/autotuner.py", r"^class Config:"),
    ("triton.runtime.autotuner.Heuristics", "runtime/autotuner.py", r"^class Heuristics\(KernelInterface\):"),
)
for _b, (_key, _root, _why) in _TRITON.items():
    for _name, _file, _pat in _TRITON_NAMES:
        _note = (f"the vendor's Triton front end defines it ({_why}); GPU-tuned kernels, autotune configs and "
                 "version checks need review")
        ROWS[_b].append(([_name], "partial", _name, _note, [(_key, f"{_root}/{_file}", _pat)], None))

# (backend, symbol) -> why the row's status differs from what the tables said before (the cited source shows it)
CHANGED = {
    ("musa", "__ldg"): "vendor-apis.md #137 says UNV (partial); rename: torch_musa's MUSA kernels call __ldg",
    ("musa", "torch.utils.cpp_extension.load"): "vendor-apis.md #56 says UNV (unknown); adapt: torch_musa's "
                                                 "musa_extension.py defines load (extra_musa_cflags)",
    ("musa", "torch.utils.cpp_extension.load_inline"): "vendor-apis.md #56 says UNV (unknown); adapt: torch_musa's "
                                                        "musa_extension.py defines load_inline",
    ("musa", "cudaLaunchKernelEx"): "the musify-confirmed prefix rule said partial (no whole-name pair); rename: "
                                    "MT-DeepEP calls musaLaunchKernelEx",
    ("musa", "ATen/cudnn/Handle.h"): "the family default said rename; adapt: torch_musa's mudnn/Handle.h declares "
                                      "at::GetMudnnHandle() (a muDNN handle), a different API",
    ("neuware", "cuCtxCreate"): "vendor-apis.md #101 says UNV (unknown); rename: Cambricon's vllm-mlu calls "
                                "cnCtxCreate(&pctx, 0, device)",
    ("neuware", "cuDevicePrimaryCtxRetain"): "vendor-apis.md #101 says UNV (unknown); adapt: torch_mlu acquires the "
                                             "device's shared context with cnSharedContextAcquire",
    ("cann", "cupy.packbits"): "family default missing (no CuPy); adapt: torch_npu.npu_sign_bits_pack does the work",
    ("cann", "cupy.unpackbits"): "family default missing (no CuPy); adapt: torch_npu.npu_sign_bits_unpack",
}


def _git(git_dir: Path, *args: str) -> str:
    return subprocess.run(["git", "--git-dir", str(git_dir), *args], capture_output=True, text=True,
                          check=True).stdout


def _mirror(key: str) -> Path:
    return MIRRORS / SOURCES[key][0].replace("/", "+") / "repo"


def _cited(srcs):
    return (s for s in srcs if not isinstance(s, str) and s[0] != "vf")


def _all_srcs():
    for rows in ROWS.values():
        for _syms, _st, _tg, _note, srcs, per in rows:
            yield from _cited(srcs)
            for tv in (per or {}).values():
                yield from _cited(tv["srcs"])


def collect_facts() -> str:
    """Read every cited file at the mirror's HEAD; the first line matching each pattern, as TSV."""
    shas: dict[str, str] = {}
    out = ["# Lines of vendor sources cited by mappings/*/evidence_misc.yaml (tools/misc_evidence.py --facts).",
           "# One short line per citation, quoted for reference from these public repositories under their licences:",
           *(f"#   {repo} ({lic})" for repo, lic in SOURCES.values()),
           *(f"# {SOURCES[k][0]}: no mirror here; its lines were read at the commit named through the public code "
             "index and are kept as committed" for k in sorted(NO_MIRROR)),
           "# columns: source key, repo@commit, path, pattern, line number, line"]
    seen = set()
    kept = read_facts(FACTS.read_text(encoding="utf-8")) if FACTS.is_file() else {}
    for key, path, pat in _all_srcs():
        if (key, path, pat) in seen:
            continue
        seen.add((key, path, pat))
        if key in NO_MIRROR:
            if (key, path, pat) not in kept:
                raise SystemExit(f"{SOURCES[key][0]} {path}: no mirror here; add the line for {pat!r} to {FACTS.name} "
                                 "by hand, from the repository at the commit the other lines name")
            repo_sha, n, line = kept[(key, path, pat)]
            out.append("\t".join((key, repo_sha, path, pat, str(n), line)))
            continue
        git_dir = _mirror(key)
        sha = shas.get(key) or shas.setdefault(key, _git(git_dir, "rev-parse", "HEAD").strip())
        text = _git(git_dir, "show", f"{sha}:{path}")
        for n, line in enumerate(text.splitlines(), start=1):
            line = line.strip()  # patterns see the line without its indentation, as the TSV keeps it
            if re.search(pat, line):
                out.append("\t".join((key, f"{SOURCES[key][0]}@{sha[:8]}", path, pat, str(n),
                                      line[:200].replace("\t", " "))))
                break
        else:
            raise SystemExit(f"{SOURCES[key][0]}@{sha[:8]} {path}: no line matches {pat!r}")
    return "\n".join(out) + "\n"


def mute_headers_text() -> str:
    git_dir = _mirror("mutlass")
    sha = _git(git_dir, "rev-parse", "HEAD").strip()
    names = [p for p in _git(git_dir, "ls-tree", "-r", "--name-only", sha, "include/mute").split() if p.endswith(".hpp")]
    return (f"# MooreThreads/mutlass@{sha[:8]} include/mute/ headers (BSD-3-Clause): MUTLASS's CuTe port (MuTe)\n"
            + "\n".join(sorted(names)) + "\n")


def read_mute_headers(text: str) -> tuple[str, list[str]]:
    """(commit, header paths) of the committed mutlass include/mute/ list."""
    sha = re.match(r"# MooreThreads/mutlass@([0-9a-f]{8}) ", text).group(1)
    return sha, [h for h in text.splitlines() if h and not h.startswith("#")]


def read_facts(text: str) -> dict[tuple[str, str, str], tuple[str, int, str]]:
    facts = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        key, repo_sha, path, pat, n, src = line.split("\t")
        facts[(key, path, pat)] = (repo_sha, int(n), src)
    return facts


def _ref(srcs, facts) -> str:
    parts = []
    for src in srcs:
        if isinstance(src, str):  # a source the tables already cite for the same fact (not a vendor file line)
            parts.append(src)
            continue
        key, path, pat = src
        if key == "vf":  # a committed copy of a /work/shared/facts list (the copy's header names its source)
            copy = ROOT / "tests" / "data" / "vendor_facts" / path
            n = next((i for i, line in enumerate(copy.read_text(encoding="utf-8").splitlines(), start=1)
                      if not line.startswith("#") and re.search(pat, line)), 0)
            if not n:
                raise SystemExit(f"{copy}: no line matches {pat!r}")
            parts.append(f"shared/facts/{path} (tests/data/vendor_facts/{path}:{n})")
            continue
        fact = facts.get((key, path, pat))
        if fact is None:
            raise SystemExit(f"no fact line for {key} {path} {pat!r}: run tools/misc_evidence.py --facts")
        repo_sha, n, line = fact
        if not re.search(pat, line):
            raise SystemExit(f"fact line for {key} {path} does not match {pat!r}")
        parts.append(f"{repo_sha} {path}:{n}")
    return "; ".join(parts)


def _q(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def build(backend: str, facts, mute_headers: list[str]) -> str:
    lines = ["# Generated by tools/misc_evidence.py: per-name verdicts citing the vendor source line that shows them",
             "# (repo@commit path:line). Regenerate with `python tools/misc_evidence.py` (--facts rereads the mirrors).",
             "evidence: verified"]
    lines += [f"# {backend} {sym}: {why}" for (b, sym), why in sorted(CHANGED.items()) if b == backend]
    lines.append("entries:")
    rows = list(ROWS[backend])
    if backend == "musa":
        sha, names = mute_headers
        for h in names:
            rest = h[len("include/mute/"):]
            rows.append(([f"cute/{rest}"], "adapt", f"mute/{rest}",
                         f"MUTLASS's MuTe header mute/{rest} (namespace mute) replaces CuTe's cute/{rest}",
                         f"MooreThreads/mutlass@{sha} {h}", None))
    for syms, status, target, note, srcs, per in rows:
        lines.append(f"  - symbols: [{', '.join(_q(s) for s in syms)}]")
        lines += [f"    status: {status}", f"    target: {_q(target)}", f"    note: {_q(note)}",
                  f"    ref: {_q(srcs if isinstance(srcs, str) else _ref(srcs, facts))}"]
        if per:
            lines.append("    targets:")
            for tid, tv in per.items():
                lines.append(f"      {_q(tid)}: {{status: {tv['status']}, target: {_q(tv['target'])}, "
                             f"note: {_q(tv['note'])}, ref: {_q(_ref(tv['srcs'], facts))}}}")
    return "\n".join(lines) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--facts", action="store_true", help="reread the cited lines from the mirrors under /work/.mirror")
    args = ap.parse_args()
    if args.facts:
        MUTE_HEADERS.write_text(mute_headers_text(), encoding="utf-8")
        FACTS.write_text(collect_facts(), encoding="utf-8")
    facts = read_facts(FACTS.read_text(encoding="utf-8"))
    mute_headers = read_mute_headers(MUTE_HEADERS.read_text(encoding="utf-8"))
    for backend, out in OUT.items():
        out.write_text(build(backend, facts, mute_headers), encoding="utf-8")
        print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
