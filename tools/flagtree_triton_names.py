"""Write mappings/musa/triton_musa.yaml and mappings/neuware/triton_mlu.yaml: the triton and triton.language names
the public MUSA and MLU Triton backends export.

A `triton.language.load` finding on MUSA or NeuWare used to rest on the python-package.triton family default
(`inferred`). FlagTree (flagos-ai/FlagTree, the multi-backend Triton distribution) carries both vendor backends:

- MUSA: `third_party/mthreads` (backend name "musa", compiles with the MUSA toolkit's libdevice; shipped as the
  `flagtree==0.4.0+mthreads3.1` wheel) on the shared Triton 3.1 front end `python/triton/__init__.py` and
  `python/triton/language/__init__.py`, whose `__all__` lists are below (main@0bb47ea4; the mthreads backend adds
  no `language_modify_all` hook there, so the list is what a MUSA kernel sees).
- MLU: `third_party/cambricon` (backend name "mlu", Triton 3.2), which ships its own
  `python/triton/__init__.py` and `python/triton/language/__init__.py`; their `__all__` lists are below.

Each name becomes an exact entry with the family's verdict (partial: GPU-tuned kernels need retuning) and
`evidence: verified`, the FlagTree file cited. Names with a hand-written entry are left to it.

    python tools/flagtree_triton_names.py
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import tablegen  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
COMMIT = "0bb47ea4"
TRITON_ALL = ("autotune cdiv CompilationError compile Config heuristics impl InterpreterError jit JITFunction "
              "KernelInterface language MockTensor next_power_of_2 ops OutOfResources reinterpret runtime "
              "TensorWrapper TritonError testing tools").split()  # same list in both files
MUSA_LANGUAGE_ALL = (
    "PropagateNan TRITON_MAX_TENSOR_NUMEL _experimental_descriptor_load _experimental_descriptor_store abs advance "
    "arange argmax argmin associative_scan atomic_add atomic_and atomic_cas atomic_max atomic_min atomic_or "
    "atomic_xchg atomic_xor bfloat16 block_type broadcast broadcast_to builtin cat cast cdiv ceil clamp const "
    "const_pointer_type constexpr cos cumprod cumsum debug_barrier device_assert device_print div_rn dot dtype erf "
    "exp exp2 expand_dims extra fdiv flip float16 float32 float64 float8e4b15 float8e4nv float8e4b8 float8e5 "
    "float8e5b16 floor fma full function_type histogram inline_asm_elementwise interleave int1 int16 int32 int64 int8 "
    "ir join load log log2 make_block_ptr math max max_constancy max_contiguous maximum min minimum multiple_of "
    "num_programs pair_uniform_to_normal permute philox philox_impl pi32_t pointer_type program_id rand rand4x "
    "randint randint4x randn randn4x range ravel reduce reshape rsqrt sigmoid sin softmax sort split sqrt sqrt_rn "
    "static_assert static_print static_range store sum swizzle2d tensor trans triton uint16 uint32 uint64 uint8 "
    "uint_to_uniform_float umulhi view void where xor_sum zeros zeros_like").split()
MLU_LANGUAGE_ALL = (
    "PropagateNan TRITON_MAX_TENSOR_NUMEL _experimental_descriptor_load _experimental_descriptor_store abs add "
    "advance arange argmax argmin associative_scan assume atomic_add atomic_and atomic_cas atomic_max atomic_min "
    "atomic_or atomic_xchg atomic_xor bfloat16 block_type broadcast broadcast_to builtin cat cast cdiv ceil clamp "
    "const constexpr cos tanh cumprod cumsum debug_barrier device_assert device_print div_rn dot dot_scaled dtype erf "
    "exp exp2 expand_dims extra fdiv flip float16 float32 float64 float8e4b15 float8e4nv float8e4b8 float8e5 "
    "float8e5b16 floor fma full gather histogram inline_asm_elementwise interleave int1 int16 int32 int64 int8 ir "
    "join load log log2 make_block_ptr masked_select math max max_constancy max_contiguous maximum min minimum "
    "multiple_of num_programs pair_uniform_to_normal permute philox philox_impl pi32_t pointer_type nv_tma_desc_type "
    "pow program_id rand rand4x randint randint4x randn randn4x range ravel reduce reshape scatter rsqrt slice "
    "sigmoid sin softmax sort split sqrt sqrt_rn stack static_assert static_print static_range store sum swizzle2d "
    "tensor trans triton tuple uint16 uint32 uint64 uint8 uint_to_uniform_float umulhi view void where xor_sum "
    "zeros zeros_like empty").split()
# backend id -> (output file, FlagTree folder of the front end, what the note says, language names)
BACKENDS = {
    "musa": (ROOT / "mappings" / "musa" / "triton_musa.yaml", "python/triton",
             "exported by the MUSA Triton back end (FlagTree third_party/mthreads, Triton 3.1; same name)",
             MUSA_LANGUAGE_ALL),
    "neuware": (ROOT / "mappings" / "neuware" / "triton_mlu.yaml", "third_party/cambricon/python/triton",
                "exported by the MLU Triton back end (same name)",
                MLU_LANGUAGE_ALL),
}


def build(tables, backend: str) -> str:
    b = tables.backend(backend)
    fam = b.family_defaults["python-package.triton"]
    _out, folder, what, language = BACKENDS[backend]
    names = [f"triton.{n}" for n in TRITON_ALL] + [f"triton.language.{n}" for n in language]
    lines = [f"# Generated by tools/flagtree_triton_names.py from flagos-ai/FlagTree@{COMMIT} {folder} __all__ lists.",
             "evidence: verified", "entries:"]
    for name in sorted(set(names)):
        ref = _ref(folder, name)
        if name in b.exact and b.exact[name].ref != ref:
            continue  # a hand-written entry decides
        note = f"{what}; {fam.note}".replace('"', "'")
        lines += [f"  - symbol: {name}", f"    status: {fam.status}", f"    target: {name}",
                  f"    note: \"{note}\"", f"    ref: \"{ref}\""]
    return "\n".join(lines) + "\n"


def _ref(folder: str, name: str) -> str:
    where = "language/__init__.py" if name.startswith("triton.language.") else "__init__.py"
    return f"flagos-ai/FlagTree@{COMMIT} {folder}/{where} (__all__)"


def main() -> int:
    for backend, (out, *_rest) in BACKENDS.items():
        out.write_text(build(tablegen.fresh_tables(out), backend), encoding="utf-8")
        print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
