#include "bindings/bindings.h"

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
}
