#include "common/cpu_dispatch.h"

namespace asr {

const char* HotKernelVariant() {
#if defined(ASR_ENGINE_NATIVE)
  return "native";
#elif ASR_HOT_KERNEL_DISPATCH
  // The same test the ifunc resolvers of the clones make.
  __builtin_cpu_init();
  return __builtin_cpu_supports("x86-64-v3") ? "x86-64-v3" : "baseline";
#else
  return "baseline";
#endif
}

}  // namespace asr
