// Translates asr::Error into the Python exception hierarchy of
// asr_engine.errors, chosen by the error's kind.
#include <pybind11/pybind11.h>

#include "bindings/bindings.h"
#include "common/error.h"

namespace py = pybind11;

namespace asr::bindings {

namespace {
// Leaked on purpose: the classes must outlive the module during shutdown.
PyObject* g_classes[5] = {nullptr, nullptr, nullptr, nullptr, nullptr};
}  // namespace

void BindErrors(py::module_& m) {
  (void)m;
  py::module_ errors = py::module_::import("asr_engine.errors");
  const char* names[5] = {"InvalidArgumentError", "FormatError", "AudioError",
                          "NotFoundError", "PayloadTooLargeError"};
  for (int i = 0; i < 5; ++i) g_classes[i] = py::object(errors.attr(names[i])).release().ptr();

  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const asr::Error& e) {
      PyErr_SetString(g_classes[static_cast<int>(e.kind())], e.what());
    } catch (const std::bad_alloc&) {
      PyErr_SetString(PyExc_MemoryError, "out of memory in the native core");
    }
  });
}

}  // namespace asr::bindings
