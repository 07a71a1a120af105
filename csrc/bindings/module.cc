#include "bindings/bindings.h"
#include <string>

#include "common/cpu_dispatch.h"

namespace py = pybind11;

PYBIND11_MODULE(_core, m) {
  m.doc() = "asr_engine native core";
  asr::bindings::BindErrors(m);
  asr::bindings::BindFrontend(m);
  asr::bindings::BindAcoustic(m);
  asr::bindings::BindDictionary(m);
  asr::bindings::BindAlign(m);
  asr::bindings::BindLm(m);
  asr::bindings::BindSearch(m);
  asr::bindings::BindGrammar(m);
  asr::bindings::BindG2p(m);
  asr::bindings::BindVad(m);
  asr::bindings::BindDiarization(m);
  m.def(
      "build_info",
      [] {
        py::dict info;
        info["kernels"] = asr::HotKernelVariant();
        info["native"] = ASR_HOT_KERNEL_DISPATCH == 0 && std::string(asr::HotKernelVariant()) == "native";
        return info;
      },
      "How the native core was built: {'kernels': 'native' | 'x86-64-v3' | 'baseline', 'native': bool}.");
  asr::bindings::BindAdapt(m);
}
