// Cepstral mean normalisation, in the three modes of the Sphinx decoder.
//
//  * batch: subtract the utterance's own mean (needs the whole utterance);
//  * live:  subtract a running mean carried over from earlier audio, so it
//           works on streams; the mean starts from `cmninit` and is updated
//           at utterance ends and whenever 800 frames have accumulated;
//  * none.
// Frames whose c0 is negative (digital silence) do not enter the mean.
#pragma once

#include <string>
#include <vector>

namespace asr {

enum class CmnMode { kNone, kBatch, kLive };

CmnMode ParseCmnMode(const std::string& name);
const char* CmnModeName(CmnMode mode);

class CepstralMeanNormalizer {
 public:
  // init: initial live mean, as many values as given (rest 0).
  CepstralMeanNormalizer(int dim, std::vector<float> init);

  int dim() const { return dim_; }

  // Batch CMN (and variance normalisation if asked) of a whole utterance in
  // place; cep holds num_frames * dim values. Leaves the live mean alone.
  void NormalizeBatch(float* cep, int num_frames, bool varnorm) const;

  // Live CMN of consecutive frames in place.
  void NormalizeLive(float* cep, int num_frames);

  // Live CMN: folds the utterance's frames into the mean.
  void EndUtterance();

  std::vector<float> LiveMean() const { return mean_; }
  void SetLiveMean(const std::vector<float>& mean);

 private:
  void Decay();

  int dim_;
  std::vector<float> mean_;
  std::vector<double> sum_;
  double num_frames_ = 0;
};

}  // namespace asr
