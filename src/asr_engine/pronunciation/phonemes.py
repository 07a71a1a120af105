"""Phoneme names in the two alphabets Azure's assessment reports.

The model's phones are CMUdict's (stress-free, upper case). ``SAPI`` is
Microsoft's en-US SAPI phone set: the same symbols in lower case, with
``HH`` written ``h``. ``IPA`` follows the usual CMUdict-to-IPA table; as the
dictionary carries no stress, ``AH`` is written ``ə`` (its most frequent
realisation in running speech) and ``ER`` ``ɝ``.
"""
from __future__ import annotations

__all__ = ["ALPHABETS", "phoneme_name"]

ALPHABETS = ("SAPI", "IPA")

_IPA = {
    "AA": "ɑ", "AE": "æ", "AH": "ə", "AO": "ɔ", "AW": "aʊ", "AY": "aɪ", "B": "b", "CH": "tʃ", "D": "d",
    "DH": "ð", "EH": "ɛ", "ER": "ɝ", "EY": "eɪ", "F": "f", "G": "ɡ", "HH": "h", "IH": "ɪ", "IY": "i",
    "JH": "dʒ", "K": "k", "L": "l", "M": "m", "N": "n", "NG": "ŋ", "OW": "oʊ", "OY": "ɔɪ", "P": "p",
    "R": "ɹ", "S": "s", "SH": "ʃ", "T": "t", "TH": "θ", "UH": "ʊ", "UW": "u", "V": "v", "W": "w",
    "Y": "j", "Z": "z", "ZH": "ʒ",
}


def phoneme_name(phone: str, alphabet: str) -> str:
    """``phone`` (a model phone such as ``HH``) in ``alphabet``; phones the
    table does not know (another model's phone set) are lower-cased in SAPI
    and kept as they are in IPA."""
    if alphabet == "IPA":
        return _IPA.get(phone, phone)
    return "h" if phone == "HH" else phone.lower()
