"""Overhead of the Watson façade: ``SpeechToText.recognize`` at default
parameters against ``Recognizer.recognize`` on the same dev audio, in one
run, interleaved utterance by utterance (best of ``--repeat`` each).

    python benchmarks/bench_watson_overhead.py [--limit 205] [--step 1] [--repeat 2]

The façade's part is parameter checking, audio checks, formatting the
words (hesitations, profanity) and the JSON; the target is <= 5 %. The
façade decodes phrase by phrase as a stream does, with the model the
request names; ``Recognizer.recognize`` by default decodes the whole
utterance and sends band-limited 16 kHz audio to the narrowband model, so
the same recognizer with ``pick_model_by_rate=False`` (the façade's model
for every file) is timed too.
"""
from __future__ import annotations

import argparse
import os
import tempfile

from asr_engine.customization import Store
from asr_engine.customization.base_models import shared_base_models
from asr_engine.watson import SpeechToText
from bench_common import best_time
from dev_set import load_dev_set


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--limit", type=int, default=205)
    ap.add_argument("--step", type=int, default=1, help="every n-th utterance (a spread subset)")
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args()
    dev = load_dev_set()[: args.limit: args.step]
    stt = SpeechToText(Store(tempfile.mkdtemp()), owner="bench")
    recognizer = shared_base_models()["en-US_BroadbandModel"].recognizer()
    engine = wideband = facade = 0.0
    audio_seconds = 0.0
    for u in dev:
        data = u.path.read_bytes()
        engine += best_time(lambda: recognizer.recognize(data, "audio/wav"), args.repeat, warmup=u is dev[0])
        wideband += best_time(lambda: recognizer.recognize(data, "audio/wav", pick_model_by_rate=False),
                              args.repeat, warmup=u is dev[0])
        facade += best_time(lambda: stt.recognize(data, "audio/wav"), args.repeat, warmup=u is dev[0])
        audio_seconds += u.duration
    load = os.getloadavg()[0]
    print(f"{len(dev)} dev utterances, {audio_seconds:.0f} s of audio, load {load:.1f}")
    print(f"Recognizer.recognize   {engine:8.2f} s")
    print(f"  pick_model_by_rate=False {wideband:8.2f} s")
    print(f"SpeechToText.recognize {facade:8.2f} s")
    print(f"facade / engine        {facade / engine:8.4f}  (overhead {100 * (facade / engine - 1):+.2f} %)")
    print(f"facade / same model    {facade / wideband:8.4f}  (overhead {100 * (facade / wideband - 1):+.2f} %)")


if __name__ == "__main__":
    main()
