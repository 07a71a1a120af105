"""The constants that turn GOP, pauses and rate into scores, and where each
comes from. All were measured by ``python benchmarks/calibrate_pronunciation.py 100``
on 100 utterances of the dev set (seed 14): native speech force-aligned to
its own transcript ("right") and to another utterance's ("wrong"), with the
default en-us model.

Phone accuracy is ``100 / (1 + exp(-(GOP_SLOPE * gop + GOP_OFFSET)))``, a
logistic through two anchors: the lower quartile of native phones
(GOP 0.292 nats/frame) maps to 90 and the median phone of a wrong
transcript (GOP -5.022) to 10. Native speech thus centres high (its median
phone, GOP 1.26, scores 95) and text that was not said low.

Native timing (same run): speaking rate 9.2 phones/s (log-rate mean 2.171,
sd 0.326); in-utterance pauses take 0 % of the time in the median
utterance and 7.3 % at the 90th percentile.
"""
from __future__ import annotations

#: Logistic slope, per nat/frame of GOP.
GOP_SLOPE = 0.8269
#: Logistic offset.
GOP_OFFSET = 1.956

#: Native 90th percentile of the share of in-utterance pause time.
NATIVE_PAUSE_SHARE_P90 = 0.073
#: Fluency lost per unit of pause share beyond the native 90th percentile
#: (a further 10 % of the time in pauses costs 25 points).
PAUSE_WEIGHT = 2.5
#: Mean and standard deviation of the natural log of the native speaking
#: rate (phones per second of speech).
NATIVE_LOG_RATE_MEAN = 2.171
NATIVE_LOG_RATE_SD = 0.326

#: PronScore weights of accuracy, fluency and completeness (Azure does not
#: publish its own; accuracy dominates as in its examples).
PRON_WEIGHTS = (0.6, 0.2, 0.2)

#: A word scoring below this accuracy is ``Mispronunciation`` (Azure's rule).
MISPRONUNCIATION_BELOW = 60.0
#: A reference word scoring below this accuracy that the recognized words
#: do not contain was not said (``Omission``; not counted as pronounced).
OMISSION_BELOW = 30.0
#: So was one below the mispronunciation threshold that the alignment
#: squeezed into less than this many times its shortest possible length
#: (one frame per HMM state): the audio had no room for it.
SQUEEZED_BELOW = 1.5
#: A recognized word the reference lacks is an ``Insertion`` when aligning
#: the reference with it added raises the path score by more than this
#: (nats): about one word's insertion penalty in the search.
INSERTION_MIN_GAIN = 10.0
#: At most this many candidate insertions are re-aligned per utterance.
MAX_INSERTION_CANDIDATES = 5
