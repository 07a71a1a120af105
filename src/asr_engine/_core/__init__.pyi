# Type stubs of the native core, generated from the built module (then checked by
# tests/test_typing.py):  python -m pybind11_stubgen asr_engine._core -o /tmp/stubs \
#   --ignore-invalid-expressions "<.*>" --numpy-array-wrap-with-annotated
"""
asr_engine native core
"""
from __future__ import annotations
import collections.abc
import numpy
import numpy.typing
import typing
from . import lm
from . import grammar
from . import g2p
__all__: list[str] = ['AcousticModel', 'AdaptationStatistics', 'ConfusionNetwork', 'Decoder', 'Dictionary', 'FeatureOptions', 'FeaturePipeline', 'ForcedAligner', 'Frontend', 'FrontendOptions', 'GaussianScoreCache', 'LatticeOptions', 'MllrTransform', 'RecognitionModel', 'RegressionTree', 'SearchOptions', 'SenoneScorer', 'SpeakerDiarizer', 'SpeakerDiarizerOptions', 'SpeechDetector', 'SpeechDetectorOptions', 'WordLattice', 'build_info', 'g2p', 'grammar', 'lm', 'map_adapt', 'mel_filterbank', 'parse_feat_params', 'write_model_parameters']
class FrontendOptions:
    dither: bool
    double_bandwidth: bool
    remove_dc: bool
    remove_noise: bool
    round_filters: bool
    transform: str
    unit_area: bool
    warp_band_edges: bool
    @staticmethod
    def from_feat_params(params: collections.abc.Mapping[str, str], source: str = 'feat.params') -> FrontendOptions:
        ...
    def __init__(self) -> None:
        ...
    def validate(self) -> None:
        ...
    @property
    def fft_size(self) -> int:
        ...
    @fft_size.setter
    def fft_size(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def frame_rate(self) -> int:
        ...
    @frame_rate.setter
    def frame_rate(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def frame_shift(self) -> int:
        ...
    @property
    def frame_size(self) -> int:
        ...
    @property
    def lifter(self) -> int:
        ...
    @lifter.setter
    def lifter(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def lower_freq(self) -> float:
        ...
    @lower_freq.setter
    def lower_freq(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def num_cepstra(self) -> int:
        ...
    @num_cepstra.setter
    def num_cepstra(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def num_filters(self) -> int:
        ...
    @num_filters.setter
    def num_filters(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def preemphasis(self) -> float:
        ...
    @preemphasis.setter
    def preemphasis(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def resolved_fft_size(self) -> int:
        ...
    @property
    def sample_rate(self) -> float:
        ...
    @sample_rate.setter
    def sample_rate(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def seed(self) -> int:
        ...
    @seed.setter
    def seed(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def upper_freq(self) -> float:
        ...
    @upper_freq.setter
    def upper_freq(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def warp_alpha(self) -> float:
        ...
    @warp_alpha.setter
    def warp_alpha(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def warp_cutoff(self) -> float:
        ...
    @warp_cutoff.setter
    def warp_cutoff(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def window_length(self) -> float:
        ...
    @window_length.setter
    def window_length(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
class FeatureOptions:
    cmn: str
    feature_type: str
    varnorm: bool
    @staticmethod
    def from_feat_params(params: collections.abc.Mapping[str, str], source: str = 'feat.params') -> FeatureOptions:
        ...
    def __init__(self) -> None:
        ...
    @property
    def cmn_init(self) -> list[float]:
        ...
    @cmn_init.setter
    def cmn_init(self, arg0: collections.abc.Sequence[typing.SupportsFloat | typing.SupportsIndex]) -> None:
        ...
class Frontend:
    @staticmethod
    def num_frames(options: FrontendOptions, num_samples: typing.SupportsInt | typing.SupportsIndex) -> int:
        ...
    def __init__(self, options: FrontendOptions) -> None:
        ...
    def accept_waveform(self, samples: typing.Annotated[numpy.typing.ArrayLike, numpy.float32]) -> numpy.typing.NDArray[numpy.float32]:
        ...
    def finish(self) -> numpy.typing.NDArray[numpy.float32]:
        ...
    def reset(self) -> None:
        ...
    @property
    def num_cepstra(self) -> int:
        ...
class FeaturePipeline:
    def __init__(self, frontend_options: FrontendOptions, feature_options: FeatureOptions) -> None:
        ...
    def accept_waveform(self, samples: typing.Annotated[numpy.typing.ArrayLike, numpy.float32]) -> numpy.typing.NDArray[numpy.float32]:
        ...
    def finish(self) -> numpy.typing.NDArray[numpy.float32]:
        ...
    def reset(self) -> None:
        ...
    @property
    def dim(self) -> int:
        ...
    @property
    def live_cmn_mean(self) -> list[float]:
        ...
    @live_cmn_mean.setter
    def live_cmn_mean(self, arg1: collections.abc.Sequence[typing.SupportsFloat | typing.SupportsIndex]) -> None:
        ...
    @property
    def stream_lengths(self) -> list[int]:
        ...
class AcousticModel:
    @staticmethod
    def load(path: str, variance_floor: typing.SupportsFloat | typing.SupportsIndex = 9.999999747378752e-05, mixture_weight_floor: typing.SupportsFloat | typing.SupportsIndex = 1.0000000116860974e-07, transition_floor: typing.SupportsFloat | typing.SupportsIndex = 9.999999747378752e-05) -> AcousticModel:
        ...
    @staticmethod
    def means(*args, **kwargs):
        """
        (self: asr_engine._core.AcousticModel) -> numpy.typing.NDArray[numpy.float32]
        
        Gaussian means, codebooks x densities x frame dims (streams concatenated)
        """
    @staticmethod
    def variances(*args, **kwargs):
        """
        (self: asr_engine._core.AcousticModel) -> numpy.typing.NDArray[numpy.float32]
        
        Gaussian variances (after the variance floor), like means()
        """
    @staticmethod
    def with_gaussians(*args, **kwargs):
        """
        (self: asr_engine._core.AcousticModel, means: typing.Annotated[numpy.typing.ArrayLike, numpy.float32], variances: typing.Annotated[numpy.typing.ArrayLike, numpy.float32], variance_floor: typing.SupportsFloat | typing.SupportsIndex = 9.999999747378752e-05) -> asr_engine._core.AcousticModel
        
        This model with other Gaussian parameters (same shape as means())
        """
    def codebook_weights(self) -> numpy.typing.NDArray[numpy.float32]:
        """
        mean mixture weight of each Gaussian over its codebook's senones (codebooks x streams x densities)
        """
    def senone_sequence(self, base: str, left: str = '', right: str = '', position: str = 'i') -> tuple[str, list[int], int]:
        """
        (name, senones, tmat) of the triphone the model uses for this context (with Sphinx's back-off)
        """
    def transition_matrix(self, tmat: typing.SupportsInt | typing.SupportsIndex) -> numpy.typing.NDArray[numpy.float32]:
        """
        log transition probabilities (n_state x n_state+1)
        """
    @property
    def feat_params(self) -> dict:
        ...
    @property
    def feat_type(self) -> str:
        ...
    @property
    def filler_phones(self) -> list[str]:
        ...
    @property
    def frame_dim(self) -> int:
        ...
    @property
    def kind(self) -> str:
        ...
    @property
    def mdef_is_binary(self) -> bool:
        ...
    @property
    def n_codebooks(self) -> int:
        ...
    @property
    def n_densities(self) -> int:
        ...
    @property
    def n_floored_variances(self) -> int:
        ...
    @property
    def n_senones(self) -> int:
        ...
    @property
    def n_states_per_phone(self) -> int:
        ...
    @property
    def n_transition_matrices(self) -> int:
        ...
    @property
    def n_triphones(self) -> int:
        ...
    @property
    def noise_dict_path(self) -> str:
        ...
    @property
    def path(self) -> str:
        ...
    @property
    def phones(self) -> list[str]:
        ...
    @property
    def stream_lengths(self) -> list[int]:
        ...
class SenoneScorer:
    def __init__(self, model: AcousticModel, top_n: typing.SupportsInt | typing.SupportsIndex = 4, density_floor: typing.SupportsFloat | typing.SupportsIndex = -1.0, mean_transform: typing.Any = None) -> None:
        """
        mean_transform: (a, b, var_scale, class_of_codebook) with a[class][stream] flattened veclen x veclen matrices, b[class][stream] offsets, var_scale like b or empty, class_of_codebook empty or one class per codebook
        """
    def score(self, features: typing.Annotated[numpy.typing.ArrayLike, numpy.float32]) -> numpy.typing.NDArray[numpy.float32]:
        """
        senone log-likelihoods, frames x n_senones
        """
    def score_active(self, features: typing.Annotated[numpy.typing.ArrayLike, numpy.float32], active: typing.Annotated[numpy.typing.ArrayLike, numpy.int32]) -> numpy.typing.NDArray[numpy.float32]:
        """
        log-likelihoods of the listed senones (others -inf), frames x n_senones
        """
    @property
    def n_senones(self) -> int:
        ...
    @property
    def top_n(self) -> int:
        ...
class Dictionary:
    @staticmethod
    def load_binary(path: str, phones: collections.abc.Sequence[str]) -> Dictionary:
        ...
    @staticmethod
    def load_text(path: str, phones: collections.abc.Sequence[str], noise_path: str = '') -> Dictionary:
        ...
    def __init__(self, phones: collections.abc.Sequence[str]) -> None:
        ...
    def __len__(self) -> int:
        ...
    def add_word(self, word: str, phones: collections.abc.Sequence[str], filler: bool = False) -> None:
        ...
    def clone(self) -> Dictionary:
        """
        An independent copy (adding words to it leaves this one unchanged).
        """
    def contains(self, word: str) -> bool:
        ...
    def is_filler(self, word: str) -> bool:
        ...
    def load_noise_dict(self, path: str) -> None:
        ...
    def lookup(self, word: str) -> list:
        """
        [(variant, phones, filler), ...]
        """
    def missing(self, words: collections.abc.Sequence[str]) -> list[str]:
        ...
    def save_binary(self, path: str) -> None:
        ...
    @property
    def filler_words(self) -> list[str]:
        ...
    @property
    def phones(self) -> list[str]:
        ...
class GaussianScoreCache:
    """
    The top-N Gaussian selections of one utterance's frames, shared by the alignments of several transcripts to the same features (identical scores, each Gaussian evaluated once per frame).
    """
    def __init__(self, features: typing.Annotated[numpy.typing.ArrayLike, numpy.float32]) -> None:
        ...
    def __len__(self) -> int:
        """
        Number of (frame, codebook) selections stored.
        """
    @property
    def n_frames(self) -> int:
        ...
class ForcedAligner:
    def __init__(self, model: AcousticModel, beam: typing.SupportsFloat | typing.SupportsIndex = 200.0, top_n: typing.SupportsInt | typing.SupportsIndex = 4, allow_silence: bool = True, allow_noise: bool = True, silence_penalty: typing.SupportsFloat | typing.SupportsIndex = -37.2400016784668, noise_penalty: typing.SupportsFloat | typing.SupportsIndex = -122.5, score_all_senones: bool = False) -> None:
        ...
    def align(self, dictionary: Dictionary, words: collections.abc.Sequence[str], features: typing.Annotated[numpy.typing.ArrayLike, numpy.float32], frame_dim: typing.SupportsInt | typing.SupportsIndex, cache: GaussianScoreCache = None) -> dict:
        ...
class SearchOptions:
    bestpath: bool
    compute_all_senones: bool
    consensus: bool
    fwdflat: bool
    lm_lookahead: bool
    def __init__(self) -> None:
        ...
    @property
    def acoustic_scale(self) -> float:
        ...
    @acoustic_scale.setter
    def acoustic_scale(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def beam(self) -> float:
        ...
    @beam.setter
    def beam(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def bestpath_language_weight(self) -> float:
        ...
    @bestpath_language_weight.setter
    def bestpath_language_weight(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def consensus_acoustic_scale(self) -> float:
        ...
    @consensus_acoustic_scale.setter
    def consensus_acoustic_scale(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def filler_probability(self) -> float:
        ...
    @filler_probability.setter
    def filler_probability(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def fwdflat_beam(self) -> float:
        ...
    @fwdflat_beam.setter
    def fwdflat_beam(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def fwdflat_language_weight(self) -> float:
        ...
    @fwdflat_language_weight.setter
    def fwdflat_language_weight(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def fwdflat_merge_lattice(self) -> bool:
        ...
    @fwdflat_merge_lattice.setter
    def fwdflat_merge_lattice(self, arg0: bool) -> None:
        ...
    @property
    def fwdflat_min_end_frames(self) -> int:
        ...
    @fwdflat_min_end_frames.setter
    def fwdflat_min_end_frames(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def fwdflat_window(self) -> int:
        ...
    @fwdflat_window.setter
    def fwdflat_window(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def fwdflat_word_beam(self) -> float:
        ...
    @fwdflat_word_beam.setter
    def fwdflat_word_beam(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def garbage_phone_probability(self) -> float:
        ...
    @garbage_phone_probability.setter
    def garbage_phone_probability(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def language_weight(self) -> float:
        ...
    @language_weight.setter
    def language_weight(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def max_hmms_per_frame(self) -> int:
        ...
    @max_hmms_per_frame.setter
    def max_hmms_per_frame(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def max_words_per_frame(self) -> int:
        ...
    @max_words_per_frame.setter
    def max_words_per_frame(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def phone_beam(self) -> float:
        ...
    @phone_beam.setter
    def phone_beam(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def silence_probability(self) -> float:
        ...
    @silence_probability.setter
    def silence_probability(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def word_beam(self) -> float:
        ...
    @word_beam.setter
    def word_beam(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def word_insertion_penalty(self) -> float:
        ...
    @word_insertion_penalty.setter
    def word_insertion_penalty(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
class LatticeOptions:
    def __init__(self) -> None:
        ...
    @property
    def acoustic_scale(self) -> float:
        ...
    @acoustic_scale.setter
    def acoustic_scale(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def filler_probability(self) -> float:
        ...
    @filler_probability.setter
    def filler_probability(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def garbage_phone_probability(self) -> float:
        ...
    @garbage_phone_probability.setter
    def garbage_phone_probability(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def language_weight(self) -> float:
        ...
    @language_weight.setter
    def language_weight(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def silence_probability(self) -> float:
        ...
    @silence_probability.setter
    def silence_probability(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def word_insertion_penalty(self) -> float:
        ...
    @word_insertion_penalty.setter
    def word_insertion_penalty(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
class WordLattice:
    def best_path(self) -> tuple:
        ...
    def confidences(self, path: collections.abc.Sequence[typing.SupportsInt | typing.SupportsIndex]) -> list[float]:
        """
        Word confidence of each instance of `path`: the summed posterior of the same word's instances covering its middle frame.
        """
    def confusion_network(self, min_posterior: typing.SupportsFloat | typing.SupportsIndex = 0.0001) -> ...:
        """
        The confusion network (consensus bins) of the lattice, by pivot alignment to its best path.
        """
    def nbest(self, n: typing.SupportsInt | typing.SupportsIndex) -> list:
        ...
    def path_score(self, path: collections.abc.Sequence[typing.SupportsInt | typing.SupportsIndex]) -> float:
        """
        Unscaled score of a complete path; -inf if `path` is not one.
        """
    def rescaled(self, acoustic_scale: typing.SupportsFloat | typing.SupportsIndex) -> WordLattice:
        """
        This lattice with its posteriors at another acoustic scale (what building it with that LatticeOptions.acoustic_scale gives, for the cost of one forward-backward pass).
        """
    def spot_keywords(self, keywords: collections.abc.Sequence[collections.abc.Sequence[str]], max_gap_frames: typing.SupportsInt | typing.SupportsIndex = 10, min_posterior: typing.SupportsFloat | typing.SupportsIndex = 0.0001) -> list:
        """
        Keyword hits (keyword index, first frame, last frame, posterior, chains of instances); a keyword is a list of words, matched case-insensitively.
        """
    @property
    def empty(self) -> bool:
        ...
    @property
    def instances(self) -> list:
        ...
    @property
    def log_total(self) -> float:
        ...
    @property
    def posteriors(self) -> list[float]:
        ...
class ConfusionNetwork:
    def best_path(self) -> list:
        """
        The consensus hypothesis: (bin, word index, first frame, last frame, posterior) per word.
        """
    @property
    def bin_of(self) -> list[int]:
        """
        The bin of each lattice instance, -1 for none.
        """
    @property
    def bins(self) -> list:
        """
        Bins in time order: (first frame, last frame, pivot, epsilon, words), each word (text, posterior, best instance, first frame, last frame), most probable first.
        """
class RecognitionModel:
    def __init__(self, acoustic_model: AcousticModel, dictionary: Dictionary, word_model: lm.WordSequenceModel, words: collections.abc.Sequence[str] = []) -> None:
        ...
    def extended(self, dictionary: Dictionary, word_model: lm.WordSequenceModel, added_words: collections.abc.Sequence[str]) -> RecognitionModel:
        """
        This model with another dictionary (this one's plus added_words) and a word model extending this one's: the lexicon tree is reused, only new pronunciations are built.
        """
    @property
    def missing_words(self) -> list[str]:
        ...
    @property
    def num_nodes(self) -> int:
        ...
    @property
    def num_words(self) -> int:
        ...
class Decoder:
    def __init__(self, model: RecognitionModel, options: SearchOptions, acoustic_model: AcousticModel = None) -> None:
        """
        acoustic_model: score senones with this model (an adapted copy of the network's) instead
        """
    def best_path(self, final: bool = True) -> tuple[list, float]:
        ...
    def lattice(self, options: LatticeOptions | None = None) -> WordLattice:
        """
        The word lattice, weighted by the decoder's options or by `options`.
        """
    def process(self, features: typing.Annotated[numpy.typing.ArrayLike, numpy.float32]) -> None:
        ...
    def second_pass(self, options: SearchOptions | None = None) -> bool:
        """
        With options.fwdflat: search the utterance again over a flat lexicon of the first pass's words (its best path and lattice replace the first pass's). False if it did not run (option off or a grammar). `options`: take the fwdflat settings from these (tuning; a second call replaces the first's pass).
        """
    def start(self) -> None:
        ...
    @property
    def active_hmms(self) -> int:
        ...
    @property
    def flat_words(self) -> int:
        """
        Words of the utterance the second pass searched (0 if it did not run).
        """
    @property
    def frames(self) -> int:
        ...
    @property
    def hmm_evaluations(self) -> int:
        ...
    @property
    def num_word_exits(self) -> int:
        ...
class SpeechDetectorOptions:
    noise_tracking: bool
    def __init__(self) -> None:
        ...
    @property
    def background_range(self) -> float:
        ...
    @background_range.setter
    def background_range(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def background_suppression(self) -> float:
        ...
    @background_suppression.setter
    def background_suppression(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def densities(self) -> int:
        ...
    @densities.setter
    def densities(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def floor_rise(self) -> float:
        ...
    @floor_rise.setter
    def floor_rise(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def hangover(self) -> int:
        ...
    @hangover.setter
    def hangover(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def level_range(self) -> float:
        ...
    @level_range.setter
    def level_range(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def preroll(self) -> int:
        ...
    @preroll.setter
    def preroll(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def sensitivity(self) -> float:
        ...
    @sensitivity.setter
    def sensitivity(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def sensitivity_scale(self) -> float:
        ...
    @sensitivity_scale.setter
    def sensitivity_scale(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def threshold(self) -> float:
        ...
    @threshold.setter
    def threshold(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def window(self) -> int:
        ...
    @window.setter
    def window(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
class SpeechDetector:
    def __init__(self, model: AcousticModel, options: SpeechDetectorOptions = ...) -> None:
        ...
    def accept(self, frames: typing.Annotated[numpy.typing.ArrayLike, numpy.float32]) -> tuple:
        ...
    def finish(self) -> tuple:
        ...
    def reset(self) -> None:
        ...
    @property
    def delay(self) -> int:
        ...
    @property
    def densities_per_frame(self) -> int:
        ...
    @property
    def frame_dim(self) -> int:
        ...
class SpeakerDiarizerOptions:
    def __init__(self) -> None:
        ...
    @property
    def change_penalty(self) -> float:
        ...
    @change_penalty.setter
    def change_penalty(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def change_step(self) -> int:
        ...
    @change_step.setter
    def change_step(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def change_window(self) -> int:
        ...
    @change_window.setter
    def change_window(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def cluster_penalty(self) -> float:
        ...
    @cluster_penalty.setter
    def cluster_penalty(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def max_speakers(self) -> int:
        ...
    @max_speakers.setter
    def max_speakers(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def min_segment(self) -> int:
        ...
    @min_segment.setter
    def min_segment(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def min_speakers(self) -> int:
        ...
    @min_speakers.setter
    def min_speakers(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def pause_switch_penalty(self) -> float:
        ...
    @pause_switch_penalty.setter
    def pause_switch_penalty(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def resegment_iterations(self) -> int:
        ...
    @resegment_iterations.setter
    def resegment_iterations(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def switch_penalty(self) -> float:
        ...
    @switch_penalty.setter
    def switch_penalty(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def variance_floor(self) -> float:
        ...
    @variance_floor.setter
    def variance_floor(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
class SpeakerDiarizer:
    def __init__(self, options: SpeakerDiarizerOptions = ...) -> None:
        ...
    def run(self, features: typing.Annotated[numpy.typing.ArrayLike, numpy.float32], speech: typing.Annotated[numpy.typing.ArrayLike, numpy.bool]) -> tuple[int, numpy.typing.NDArray[numpy.int32], numpy.typing.NDArray[numpy.float32], numpy.typing.NDArray[numpy.int32]]:
        ...
class AdaptationStatistics:
    def __init__(self, model: AcousticModel) -> None:
        ...
    def accumulate(self, features: typing.Annotated[numpy.typing.ArrayLike, numpy.float32], senones: typing.Annotated[numpy.typing.ArrayLike, numpy.int32], weights: typing.Annotated[numpy.typing.ArrayLike, numpy.float32] | None = None, observed: typing.Annotated[numpy.typing.ArrayLike, numpy.float32] | None = None) -> None:
        """
        Adds frames aligned to senones (-1 skips a frame), weighted per frame; statistics of `observed` (default: `features`) under posteriors from `features`.
        """
    def merge(self, other: AdaptationStatistics) -> None:
        ...
    def occupancy(self) -> numpy.typing.NDArray[numpy.float64]:
        """
        occupancy of each Gaussian of stream 0, codebooks x densities
        """
    def sums(self) -> tuple[numpy.typing.NDArray[numpy.float64], numpy.typing.NDArray[numpy.float64], numpy.typing.NDArray[numpy.float64]]:
        """
        (occupancy, sum of o, sum of o^2), each codebooks x densities x frame dims
        """
    @property
    def codebook_frames(self) -> list[float]:
        ...
    @property
    def frames(self) -> float:
        ...
class RegressionTree:
    @staticmethod
    def phonetic(model: AcousticModel) -> RegressionTree:
        ...
    @property
    def nodes(self) -> list:
        ...
class MllrTransform:
    @staticmethod
    def estimate(prior: AcousticModel, statistics: AdaptationStatistics, tree: RegressionTree, min_frames: typing.SupportsFloat | typing.SupportsIndex = 3000.0, regression_tree: bool = True, block_diagonal: bool = True, ridge: typing.SupportsFloat | typing.SupportsIndex = 0.01) -> MllrTransform:
        ...
    @staticmethod
    def identity(veclens: collections.abc.Sequence[typing.SupportsInt | typing.SupportsIndex]) -> MllrTransform:
        ...
    @staticmethod
    def parse(text: str) -> MllrTransform:
        ...
    @staticmethod
    def read(path: str) -> MllrTransform:
        ...
    def __init__(self, a: collections.abc.Sequence[collections.abc.Sequence[collections.abc.Sequence[typing.SupportsFloat | typing.SupportsIndex]]], b: collections.abc.Sequence[collections.abc.Sequence[collections.abc.Sequence[typing.SupportsFloat | typing.SupportsIndex]]], var_scale: collections.abc.Sequence[collections.abc.Sequence[collections.abc.Sequence[typing.SupportsFloat | typing.SupportsIndex]]] = [], class_of_codebook: collections.abc.Sequence[typing.SupportsInt | typing.SupportsIndex] = []) -> None:
        """
        a[class][stream]: flattened veclen x veclen matrix; b like it with veclen offsets
        """
    def apply(self, model: AcousticModel) -> AcousticModel:
        """
        The model with transformed means (an adapted copy)
        """
    def to_text(self, layout: str = 'pocketsphinx') -> str:
        ...
    def write(self, path: str, layout: str = 'pocketsphinx') -> None:
        ...
    @property
    def a(self) -> list[list[list[float]]]:
        ...
    @property
    def b(self) -> list[list[list[float]]]:
        ...
    @property
    def class_frames(self) -> list[float]:
        ...
    @property
    def class_names(self) -> list[str]:
        ...
    @property
    def class_of_codebook(self) -> list[int]:
        ...
    @class_of_codebook.setter
    def class_of_codebook(self, arg1: collections.abc.Sequence[typing.SupportsInt | typing.SupportsIndex]) -> None:
        ...
    @property
    def n_class(self) -> int:
        ...
    @property
    def var_scale(self) -> list[list[list[float]]]:
        ...
    @property
    def veclens(self) -> list[int]:
        ...
def build_info() -> dict:
    """
    How the native core was built: {'kernels': 'native' | 'x86-64-v3' | 'baseline', 'native': bool}.
    """
def map_adapt(prior: AcousticModel, statistics: AdaptationStatistics, mean_prior: typing.SupportsFloat | typing.SupportsIndex = 8.0, variance_prior: typing.SupportsFloat | typing.SupportsIndex = 0.0, weight_prior: typing.SupportsFloat | typing.SupportsIndex = 0.0, variance_floor: typing.SupportsFloat | typing.SupportsIndex = 9.999999747378752e-05) -> AcousticModel:
    """
    MAP re-estimation around `prior`'s parameters; returns the adapted model
    """
def mel_filterbank(options: FrontendOptions) -> numpy.typing.NDArray[numpy.float32]:
    """
    The mel filter weights (filters x FFT bins 0..nfft/2) the front end builds for these options.
    """
def parse_feat_params(text: str, source: str = 'feat.params') -> dict[str, str]:
    """
    Parse the text of a Sphinx feat.params file into a dict of option name (no dash) to value.
    """
def write_model_parameters(model: AcousticModel, directory: str, mixture_weights: bool = False) -> None:
    """
    Writes the model's means, variances (and float mixture_weights) as Sphinx binary files
    """
