// Runtime choice of instruction set for the few hot kernels.
//
// The core is built for the architecture's baseline (x86-64: SSE2) so that
// one wheel runs on every CPU. A function defined with ASR_HOT_KERNEL is
// compiled twice by GCC — for x86-64-v3 (AVX2, FMA) and for the baseline —
// and the dynamic loader picks the clone the CPU supports (an ifunc), so the
// choice costs nothing per call. Put it on loops over arrays that vectorise
// (Gaussian densities, mixture sums), not on small functions that should be
// inlined. A native build (ASR_ENGINE_NATIVE, -march=native) and compilers
// or platforms without ifunc get one plain version.
#pragma once

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__) && \
    !defined(ASR_ENGINE_NATIVE)
#define ASR_HOT_KERNEL __attribute__((target_clones("arch=x86-64-v3", "default")))
#define ASR_HOT_KERNEL_DISPATCH 1
#else
#define ASR_HOT_KERNEL
#define ASR_HOT_KERNEL_DISPATCH 0
#endif

// For helpers of a hot kernel that must be compiled inside each of its
// clones (a helper left out of line would run the baseline code).
#if defined(__GNUC__)
#define ASR_INLINE_IN_KERNEL __attribute__((always_inline)) inline
#else
#define ASR_INLINE_IN_KERNEL inline
#endif

namespace asr {

// What the hot kernels run as in this process: "native" (built with
// -march=native), "x86-64-v3" (the AVX2+FMA clones) or "baseline".
const char* HotKernelVariant();

}  // namespace asr
