"""Schema figure of the Watson façade: N recognitions (default 300) of dev
audio with random parameter combinations (hypothesis), every response
through ``ibm_watson``'s ``SpeechRecognitionResults.from_dict(...).to_dict()``
unchanged and meeting the interaction rules of ``tests/watson_schema.py``.

    python benchmarks/bench_watson_schema.py [--examples 300] [--max-seconds 4]

Prints the number of recognitions checked, the failures (none expected),
and the distribution of the parameters drawn.
"""
from __future__ import annotations

import argparse
import collections
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from asr_engine.customization import Store  # noqa: E402
from asr_engine.watson import SpeechToText  # noqa: E402
from dev_set import load_dev_set  # noqa: E402
from watson_schema import check_response, parameters  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--examples", type=int, default=300)
    ap.add_argument("--max-seconds", type=float, default=4.0, help="longest dev utterance used")
    args = ap.parse_args()
    dev = [u for u in load_dev_set() if u.duration <= args.max_seconds]
    audio = [u.path.read_bytes() for u in dev]
    stt = SpeechToText(Store(tempfile.mkdtemp()), owner="bench")
    seen = collections.Counter()
    count = {"recognitions": 0, "results": 0}
    t0 = time.perf_counter()

    # No shrinking: a failing combination is reported as drawn (shrinking
    # re-runs recognitions for minutes).
    @settings(max_examples=args.examples, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(params=parameters(), which=st.integers(0, len(audio) - 1))
    def run(params, which):
        body = stt.recognize(audio[which], "audio/wav", **params)
        check_response(body, params)
        count["recognitions"] += 1
        count["results"] += len(body["results"])
        seen.update(params.keys())

    run()
    elapsed = time.perf_counter() - t0
    print(f"{count['recognitions']} recognitions of {len(dev)} dev utterances (<= {args.max_seconds} s), "
          f"{count['results']} results, every response through SpeechRecognitionResults.from_dict().to_dict() "
          f"unchanged and the interaction rules met; {elapsed:.0f} s")
    print("parameters drawn:", ", ".join(f"{k} {v}" for k, v in sorted(seen.items())))


if __name__ == "__main__":
    main()
