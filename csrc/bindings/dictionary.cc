// Python bindings of the pronunciation dictionary (asr_engine._core.Dictionary).
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "bindings/bindings.h"
#include "dict/dictionary.h"

namespace py = pybind11;

namespace asr::bindings {

namespace {

py::list PronList(const Dictionary& d, const std::vector<Pronunciation>& prons) {
  py::list out;
  for (const Pronunciation& p : prons) {
    std::vector<std::string> names;
    for (int id : p.phones) names.push_back(d.phone_names()[id]);
    out.append(py::make_tuple(p.variant, names, p.filler));
  }
  return out;
}

}  // namespace

void BindDictionary(py::module_& m) {
  py::class_<Dictionary, std::shared_ptr<Dictionary>>(m, "Dictionary")
      .def(py::init<std::vector<std::string>>(), py::arg("phones"))
      .def_static(
          "load_text",
          [](const std::string& path, const std::vector<std::string>& phones, const std::string& noise) {
            py::gil_scoped_release release;
            return Dictionary::LoadText(path, phones, noise);
          },
          py::arg("path"), py::arg("phones"), py::arg("noise_path") = "")
      .def_static(
          "load_binary",
          [](const std::string& path, const std::vector<std::string>& phones) {
            py::gil_scoped_release release;
            return Dictionary::LoadBinary(path, phones);
          },
          py::arg("path"), py::arg("phones"))
      .def("save_binary",
           [](const Dictionary& d, const std::string& path) {
             py::gil_scoped_release release;
             d.SaveBinary(path);
           },
           py::arg("path"))
      .def("clone",
           [](const Dictionary& d) {
             py::gil_scoped_release release;
             return d.Clone();
           },
           "An independent copy (adding words to it leaves this one unchanged).")
      .def("load_noise_dict", &Dictionary::LoadNoiseDict, py::arg("path"))
      .def("lookup", [](const Dictionary& d, const std::string& w) { return PronList(d, d.Lookup(w)); },
           py::arg("word"), "[(variant, phones, filler), ...]")
      .def("contains", &Dictionary::Contains, py::arg("word"))
      .def("is_filler", &Dictionary::IsFiller, py::arg("word"))
      .def("add_word", &Dictionary::AddWord, py::arg("word"), py::arg("phones"), py::arg("filler") = false)
      .def("missing",
           [](const Dictionary& d, const std::vector<std::string>& words) {
             std::vector<std::string> out;
             for (const std::string& w : words)
               if (!d.Contains(w)) out.push_back(w);
             return out;
           },
           py::arg("words"))
      .def_property_readonly("filler_words", &Dictionary::FillerWords)
      .def_property_readonly("phones", &Dictionary::phone_names)
      .def("__len__", &Dictionary::size);
}

}  // namespace asr::bindings
