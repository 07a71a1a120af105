"""The ``Pronunciation-Assessment`` parameters (§5.5), from the header or a dict.

The header value is base64 of the UTF-8 JSON object of the parameters
(``{"ReferenceText": "Good morning.", "GradingSystem": "HundredMark",
"Granularity": "FullText", "Dimension": "Comprehensive"}``). The documented
names are PascalCase; the Speech SDKs serialize the same object in
camelCase (``referenceText``), so names and enumerated values match
case-insensitively and come out in their documented spelling. Every defect
is a 400 that says what to fix: bad base64, bytes that are not UTF-8 JSON,
a JSON value that is not an object, an unknown name (with the closest
known one), a value outside its list, an empty or over-long reference text.

``ScenarioId`` (a GUID naming a customized point system in the service) is
checked and kept, but there is one point system here, so it changes no
score. ``EnableProsodyAssessment`` may be given as false; true is refused
(there is no prosody model).
"""
from __future__ import annotations

import base64
import binascii
import difflib
import json
import uuid
from dataclasses import dataclass
from typing import Any, Mapping, Optional, Union

from ..errors import InvalidArgumentError
from ..pronunciation import DIMENSIONS, GRADING_SYSTEMS, GRANULARITIES
from ..pronunciation.assessor import MAX_NBEST_PHONEMES
from ..pronunciation.phonemes import ALPHABETS
from ..validation import describe_value

__all__ = ["AssessmentParameters", "parse_assessment", "encode_assessment_header",
           "MAX_REFERENCE_CHARS", "MAX_HEADER_CHARS"]

HEADER = "Pronunciation-Assessment"
#: Longest ``ReferenceText`` accepted, in characters: about three times what
#: a reader says in the 30 s an assessed request may hold.
MAX_REFERENCE_CHARS = 2000
#: Longest header value accepted before decoding (the reference text's
#: limit in base64 with room for the other parameters; servers cap request
#: headers near 8 KiB anyway).
MAX_HEADER_CHARS = 4 * (MAX_REFERENCE_CHARS * 4 + 1024) // 3

_CHOICES: dict[str, tuple[str, ...]] = {
    "GradingSystem": GRADING_SYSTEMS,
    "Granularity": GRANULARITIES,
    "Dimension": DIMENSIONS,
    "PhonemeAlphabet": ALPHABETS,
}
_FLAGS = ("EnableMiscue", "EnableProsodyAssessment")
_NAMES = ("ReferenceText", *_CHOICES, *_FLAGS, "ScenarioId", "NBestPhonemeCount")


@dataclass(frozen=True)
class AssessmentParameters:
    """One request's pronunciation-assessment parameters (Azure's defaults)."""

    reference_text: str
    grading_system: str = "FivePoint"
    granularity: str = "Phoneme"
    dimension: str = "Basic"
    enable_miscue: bool = False
    scenario_id: Optional[str] = None
    phoneme_alphabet: str = "SAPI"
    nbest_phoneme_count: int = 0

    def assess_options(self) -> dict[str, Any]:
        """Keyword arguments of :meth:`PronunciationAssessor.assess`."""
        return dict(grading_system=self.grading_system, granularity=self.granularity, dimension=self.dimension,
                    enable_miscue=self.enable_miscue, phoneme_alphabet=self.phoneme_alphabet,
                    nbest_phoneme_count=self.nbest_phoneme_count)


def parse_assessment(value: Union[str, bytes, Mapping[str, Any]]) -> AssessmentParameters:
    """The parameters of a ``Pronunciation-Assessment`` header value (base64
    JSON, str or bytes) or of a mapping of the same names.

    Raises:
        InvalidArgumentError: anything malformed (400), with what to fix.
    """
    if isinstance(value, Mapping):
        return _from_mapping(value, "pronunciation_assessment")
    if isinstance(value, (bytes, bytearray)):
        try:
            value = bytes(value).decode("ascii")
        except UnicodeDecodeError:
            raise InvalidArgumentError(f"The {HEADER} header must be base64 text (ASCII).") from None
    if not isinstance(value, str):
        raise InvalidArgumentError(f"pronunciation_assessment must be a dict of the parameters or the base64 "
                                   f"{HEADER} header value, got {describe_value(value)}")
    return _from_mapping(_decode_header(value), f"the {HEADER} header")


def encode_assessment_header(parameters: Mapping[str, Any]) -> str:
    """The header value for ``parameters``: base64 of their UTF-8 JSON (what
    a client sends)."""
    return base64.b64encode(json.dumps(dict(parameters), ensure_ascii=False).encode("utf-8")).decode("ascii")


def _decode_header(text: str) -> Any:
    text = text.strip()
    if not text:
        raise InvalidArgumentError(f"The {HEADER} header is empty: give base64 of the JSON parameters, "
                                   f'e.g. of {{"ReferenceText": "Good morning."}}.')
    if len(text) > MAX_HEADER_CHARS:
        raise InvalidArgumentError(f"The {HEADER} header is {len(text)} characters long, more than the "
                                   f"{MAX_HEADER_CHARS} accepted; shorten ReferenceText (at most "
                                   f"{MAX_REFERENCE_CHARS} characters).")
    try:
        raw = base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise InvalidArgumentError(f"The {HEADER} header is not valid base64: encode the UTF-8 JSON of the "
                                   f"parameters with standard base64 (A-Z a-z 0-9 + / =).") from None
    try:
        decoded = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidArgumentError(f"The {HEADER} header does not decode to UTF-8 text: base64-encode the "
                                   f"UTF-8 bytes of the JSON parameters.") from None
    try:
        return json.loads(decoded)
    except json.JSONDecodeError as e:
        raise InvalidArgumentError(f"The {HEADER} header does not hold valid JSON ({e.msg} at character "
                                   f"{e.pos}): encode a JSON object such as "
                                   f'{{"ReferenceText": "Good morning.", "GradingSystem": "HundredMark"}}.') from None


def _from_mapping(given: Any, where: str) -> AssessmentParameters:
    if not isinstance(given, Mapping):
        raise InvalidArgumentError(f"{where} must be a JSON object of the parameters "
                                   f"(ReferenceText, GradingSystem, ...), got {type(given).__name__}")
    by_lower = {n.lower(): n for n in _NAMES}
    found: dict[str, Any] = {}
    for key, value in given.items():
        name = by_lower.get(key.lower()) if isinstance(key, str) else None
        if name is None:
            close = difflib.get_close_matches(str(key).lower(), list(by_lower), n=1)
            hint = f" (did you mean {by_lower[close[0]]}?)" if close else ""
            raise InvalidArgumentError(f"Unknown pronunciation assessment parameter {key!r} in {where}{hint}; "
                                       f"known: {', '.join(_NAMES)}.")
        if name in found:
            raise InvalidArgumentError(f"{where} gives {name} twice.")
        found[name] = value
    if _flag(found, "EnableProsodyAssessment"):
        raise InvalidArgumentError("EnableProsodyAssessment is not supported by this service (there is no "
                                   "prosody model); leave it out or set it to false.")
    return AssessmentParameters(
        reference_text=_reference_text(found.get("ReferenceText")),
        grading_system=_choice(found, "GradingSystem", "FivePoint"),
        granularity=_choice(found, "Granularity", "Phoneme"),
        dimension=_choice(found, "Dimension", "Basic"),
        enable_miscue=_flag(found, "EnableMiscue"),
        scenario_id=_scenario(found.get("ScenarioId")),
        phoneme_alphabet=_choice(found, "PhonemeAlphabet", "SAPI"),
        nbest_phoneme_count=_count(found.get("NBestPhonemeCount")),
    )


def _reference_text(value: Any) -> str:
    if value is None:
        raise InvalidArgumentError("ReferenceText is required: give the text the speaker was meant to say.")
    if not isinstance(value, str):
        raise InvalidArgumentError(f"ReferenceText must be a string, got {describe_value(value)}")
    if not value.strip():
        raise InvalidArgumentError("ReferenceText is empty: give the text the speaker was meant to say.")
    if len(value) > MAX_REFERENCE_CHARS:
        raise InvalidArgumentError(f"ReferenceText has {len(value)} characters, more than the "
                                   f"{MAX_REFERENCE_CHARS} accepted; assess shorter passages.")
    return value


def _choice(found: Mapping[str, Any], name: str, default: str) -> str:
    value = found.get(name, default)
    allowed = _CHOICES[name]
    if isinstance(value, str):
        for option in allowed:
            if value.strip().lower() == option.lower():
                return option
    raise InvalidArgumentError(f"{name} must be one of {', '.join(allowed)}, got {describe_value(value)}")


def _flag(found: Mapping[str, Any], name: str) -> bool:
    value = found.get(name, False)
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise InvalidArgumentError(f"{name} must be true or false, got {describe_value(value)}")


def _scenario(value: Any) -> Optional[str]:
    if value is None:
        return None
    if isinstance(value, str):
        try:
            return str(uuid.UUID(value.strip()))
        except ValueError:
            pass
    raise InvalidArgumentError(f"ScenarioId must be a GUID such as 'b6d1bd07-0da1-44c6-bc45-8d3dad0d9a3e', "
                               f"got {describe_value(value)}")


def _count(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_NBEST_PHONEMES:
        raise InvalidArgumentError(f"NBestPhonemeCount must be an integer from 0 to {MAX_NBEST_PHONEMES}, "
                                   f"got {describe_value(value)}")
    return value
