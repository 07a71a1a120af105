// Spectral-subtraction noise removal on mel energies, as the Sphinx front
// end does it when a model asks for `-remove_noise yes` (the en-us model
// does). It tracks a smoothed power, a noise floor (lower envelope) and a
// temporal-masking peak per filter, and scales each filter by a smoothed gain.
//
// Stateful across frames of one utterance; Reset() starts a new utterance.
#pragma once

#include <vector>

namespace asr {

class NoiseRemover {
 public:
  explicit NoiseRemover(int num_filters);

  void Reset() { initialised_ = false; }

  // Replaces the mel energies of one frame by their denoised values; the
  // frame's energy for filter i is energies[i * stride].
  void Process(float* energies, int stride);

 private:
  int n_;
  bool initialised_ = false;
  std::vector<double> power_, noise_, floor_, peak_, signal_, gain_, signal_in_, prefix_;
};

}  // namespace asr
