// Error types thrown by the native core.
//
// The core never aborts on bad input: it throws one of these, and the
// bindings translate each kind into the matching Python exception
// (asr_engine.errors). The kind carries the HTTP-like status the Python API
// reports, so callers far from the failure can still answer correctly.
#pragma once

#include <stdexcept>
#include <string>

namespace asr {

enum class ErrorKind {
  kInvalidArgument,  // a parameter or option value is out of range (400)
  kFormat,           // a model, LM, dictionary or grammar file is malformed (400)
  kAudio,            // audio data cannot be decoded or is out of limits (400)
  kNotFound,         // a named file, word or model does not exist (404)
  kTooLarge,         // an input exceeds a configured size limit (413)
};

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, const std::string& message)
      : std::runtime_error(message), kind_(kind) {}
  ErrorKind kind() const { return kind_; }

 private:
  ErrorKind kind_;
};

inline Error InvalidArgument(const std::string& m) { return Error(ErrorKind::kInvalidArgument, m); }
inline Error FormatError(const std::string& m) { return Error(ErrorKind::kFormat, m); }

// `p` itself if it is not null; a null model would be dereferenced later,
// far from the caller's mistake, so it is refused where it is handed over.
template <class Pointer>
Pointer Required(Pointer p, const char* what) {
  if (!p) throw InvalidArgument(std::string(what) + " is missing (got none)");
  return p;
}

}  // namespace asr
