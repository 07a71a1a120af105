// One registration function per native stage; module.cc calls them all.
// Each lives in its own file next to this one and is the only place where
// that stage meets Python. setup.py compiles these files as two unity
// translation units (pybind11's templates would otherwise be compiled again
// in each file), so names local to one file live in a namespace of its own
// or are unique across the bindings.
#pragma once

#include <pybind11/pybind11.h>

namespace asr::bindings {

void BindErrors(pybind11::module_& m);
void BindFrontend(pybind11::module_& m);
void BindAcoustic(pybind11::module_& m);
void BindDictionary(pybind11::module_& m);
void BindAlign(pybind11::module_& m);
void BindLm(pybind11::module_& m);
void BindSearch(pybind11::module_& m);
void BindGrammar(pybind11::module_& m);
void BindG2p(pybind11::module_& m);
void BindAdapt(pybind11::module_& m);  // after BindAcoustic
void BindVad(pybind11::module_& m);
void BindDiarization(pybind11::module_& m);

}  // namespace asr::bindings
