// Translates asr::Error into the Python exception hierarchy of
// asr_engine.errors, chosen by the error's kind.
#include <pybind11/pybind11.h>

#include <string>

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
      // Messages quote input, which need not be UTF-8: escape what is not,
      // so the caller gets this error rather than a UnicodeDecodeError.
      const std::string what = e.what();
      PyObject* text = PyUnicode_DecodeUTF8(what.data(), static_cast<Py_ssize_t>(what.size()), "backslashreplace");
      if (text == nullptr) return;  // the decoder's own error is set
      PyErr_SetObject(g_classes[static_cast<int>(e.kind())], text);
      Py_DECREF(text);
    } catch (const std::bad_alloc&) {
      PyErr_SetString(PyExc_MemoryError, "out of memory in the native core");
    }
  });
}

}  // namespace asr::bindings
