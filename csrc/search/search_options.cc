#include "search/search_options.h"

#include <cmath>
#include <string>

#include "common/error.h"

namespace asr {

float LogWidth(double probability, const char* name) {
  if (!(probability > 0 && probability <= 1)) throw InvalidArgument(std::string(name) + " must be in (0, 1]");
  return static_cast<float>(-std::log(probability));
}

}  // namespace asr
