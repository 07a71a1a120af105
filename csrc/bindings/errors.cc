// Translates asr::Error into the Python exception hierarchy of
// asr_engine.errors, chosen by the error's kind.
#include <pybind11/pybind11.h>

#include <new>
#include <string>

#include "bindings/bindings.h"
#include "common/error.h"

namespace py = pybind11;

namespace asr::bindings {

namespace {
// Sets `type` with `message`, decoding invalid UTF-8 (a file name or a word
// from a corrupt file) with backslash escapes instead of failing with UnicodeDecodeError.
void SetError(PyObject* type, const std::string& message) {
  PyObject* text = PyUnicode_DecodeUTF8(message.data(), static_cast<Py_ssize_t>(message.size()), "backslashreplace");
  if (text == nullptr) {
    PyErr_Clear();
    PyErr_SetString(type, "error message not representable");
    return;
  }
  PyErr_SetObject(type, text);
  Py_DECREF(text);
}

// Leaked on purpose: the classes must outlive the module during shutdown.
PyObject* g_classes[5] = {nullptr, nullptr, nullptr, nullptr, nullptr};
PyObject* g_base = nullptr;  // AsrError
}  // namespace

void BindErrors(py::module_& m) {
  (void)m;
  py::module_ errors = py::module_::import("asr_engine.errors");
  const char* names[5] = {"InvalidArgumentError", "FormatError", "AudioError",
                          "NotFoundError", "PayloadTooLargeError"};
  for (int i = 0; i < 5; ++i) g_classes[i] = py::object(errors.attr(names[i])).release().ptr();
  g_base = py::object(errors.attr("AsrError")).release().ptr();

  // Every C++ exception leaves the core as an AsrError: asr::Error by its
  // kind, an allocation failure as 413 (the input asked for more memory than
  // there is), anything else as a 500. pybind11's own exceptions (a Python
  // error in flight, StopIteration of iterators) keep their meaning.
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const asr::Error& e) {
      SetError(g_classes[static_cast<int>(e.kind())], e.what());
    } catch (const py::error_already_set&) {
      throw;
    } catch (const py::builtin_exception&) {
      throw;
    } catch (const std::bad_alloc&) {
      PyErr_SetString(g_classes[static_cast<int>(ErrorKind::kTooLarge)],
                      "out of memory in the native core: the input needs more memory than is available");
    } catch (const std::exception& e) {
      SetError(g_base, std::string("internal error in the native core: ") + e.what());
    }
  });
}

}  // namespace asr::bindings
