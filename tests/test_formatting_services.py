"""The services' own documented examples, and the façade-facing helpers.

IBM: *Response formatting and filtering* (smart formatting tables 2 and 3,
numeric redaction table 5, the profanity-filter response).  Azure: the
short-audio REST samples (``Remind me to buy 5 pencils.``, ``Good morning.``,
``doctor smith`` -> ``dr smith`` / ``Dr. Smith``).
"""
from __future__ import annotations

import pytest

from asr_engine.errors import InvalidArgumentError
from asr_engine.formatting import (
    HESITATION,
    apply_display_as,
    azure_text_forms,
    format_spans,
    hesitation_form,
    inverse_normalize,
    is_profane,
    ItnOptions,
    mark_hesitations,
    mask_profanity,
    masker,
    redact,
    watson_transcript,
)

# IBM smart formatting, "Smart formatting example transcripts" and the
# examples of "US English and Spanish", verbatim.
IBM_SMART_FORMATTING = [
    ("I was born on ten oh six nineteen seventy", "I was born on 10/6/1970"),
    ("I was born on the ninth of December nineteen hundred", "I was born on 12/9/1900"),
    ("Today is June sixth", "Today is June 6"),
    ("The meeting starts at nine thirty AM", "The meeting starts at 9:30 AM"),
    ("I am available at seven EST", "I am available at 7:00 EST"),
    ("We meet at oh seven hundred hours", "We meet at 0700 hours"),
    ("The quantity is one million one hundred and one", "The quantity is 1000101"),
    ("One point five is between one and two", "1.5 is between 1 and 2"),
    ("Call me at nine one four two three seven one thousand", "Call me at 914-237-1000"),
    ("Call me at one nine one four nine oh nine twenty six forty five", "Call me at 1-914-909-2645"),
    ("You owe me three thousand two hundred two dollars and sixty six", "You owe me $3202.66"),
    ("The dollar rose to one hundred and nine point seven nine yen from one hundred and nine point seven two yen",
     "The dollar rose to 109.79 yen from 109.72 yen"),
    ("My email address is john dot doe at foo dot com", "My email address is john.doe@foo.com"),
    ("I saw the story on yahoo dot com", "I saw the story on yahoo.com"),
    ("The code is zero two four eight one and the date of service is May fifth two thousand and one",
     "The code is 02481 and the date of service is 5/5/2001"),
    ("There are forty seven links on Yahoo dot com now", "There are 47 links on Yahoo.com now"),
    ("My email address is j dot d o e at i b m dot com", "My email address is j.doe@ibm.com"),
    ("I saw the story on w w w dot yahoo dot com", "I saw the story on w w w .yahoo.com"),
    ("sixty nine thousand five hundred sixty dollars and twenty five cents", "$69560.25"),
    ("sixty nine thousand five hundred sixty dollars point twenty five", "$69560.25"),
    ("the warranty period is short period", "the warranty period is short."),
    # Table 3: one phrase, and the same digits split by a pause into two results.
    ("My phone number is nine one four five five seven three three nine two", "My phone number is 914-557-3392"),
    ("My phone number is nine one four", "My phone number is 914"),
    ("five five seven three three nine two", "5573392"),
]


@pytest.mark.parametrize("spoken,written", IBM_SMART_FORMATTING)
def test_ibm_smart_formatting_documented_examples(spoken, written):
    assert inverse_normalize(spoken, convention="ibm") == written


def test_ibm_email_needs_the_email_cue_and_punctuation_its_place():
    # IBM converts email addresses "if the input audio uses the phrasing email address".
    assert inverse_normalize("write to john at foo dot com", convention="ibm") == "write to john at foo.com"
    assert inverse_normalize("write to john at foo dot com") == "write to john@foo.com"
    assert inverse_normalize("hello comma how are you question mark", convention="ibm") == "hello, how are you?"
    assert inverse_normalize("put a comma here", convention="ibm") == "put a comma here"
    assert inverse_normalize("comma", convention="ibm") == "comma"
    assert inverse_normalize("the trial period is over", convention="ibm") == "the trial period is over"
    assert inverse_normalize("hello comma world", spoken_punctuation=False, convention="ibm") == "hello comma world"


def test_ibm_redaction_documented_example():
    words = "my credit card number is four one four seven two".split()
    assert watson_transcript(words, redaction=True) == "my credit card number is XXXXX"
    assert redact("call 914-237-1000 at 12/9/1900 for $5") == "call XXX-XXX-XXXX at 12/9/XXXX for $5"
    with pytest.raises(InvalidArgumentError):
        redact(None)


def test_redaction_and_smart_formatting_touch_final_results_only():
    words = ["four", "one", "four", "++UM++"]
    assert watson_transcript(words, final=False, redaction=True) == f"four one four {HESITATION}"
    assert watson_transcript(words, final=True, redaction=True) == "XXX"
    assert watson_transcript(words, final=True) == f"four one four {HESITATION}"


def test_ibm_profanity_filter_documented_response():
    # transcript "**** you", word_confidence [["****", 1.0], ...], timestamps [["****", ...]]
    assert watson_transcript(["fuck", "you"]) == "**** you"
    assert watson_transcript(["fuck", "you"], profanity_filter=False) == "fuck you"
    mask = masker(True)
    assert [mask(w) for w in ["fuck", "you"]] == ["****", "you"]
    assert masker(False)("fuck") == "fuck"


def test_profanity_modes_and_list():
    assert mask_profanity("Shit happens") == "**** happens"
    assert mask_profanity("shit happens", mode="removed") == "happens"
    assert mask_profanity("shit happens", mode="raw") == "shit happens"
    assert mask_profanity(["bullshit", "ok"]) == ["********", "ok"]
    assert is_profane("FUCKER'S") and not is_profane("god") and not is_profane("scunthorpe")
    assert not is_profane("knob") and not is_profane("kill")
    with pytest.raises(InvalidArgumentError):
        mask_profanity("x", mode="bleeped")
    with pytest.raises(InvalidArgumentError):
        mask_profanity(42)
    with pytest.raises(InvalidArgumentError):
        mask_profanity(["ok", 3])


def test_hesitations():
    assert hesitation_form("++UH++") == HESITATION
    assert hesitation_form("++UM++") == HESITATION
    assert hesitation_form("um") == HESITATION and hesitation_form("uh") == HESITATION
    assert hesitation_form("++NOISE++") is None and hesitation_form("[NOISE]") is None
    assert hesitation_form("<sil>") is None
    assert hesitation_form("hello") == "hello"
    assert mark_hesitations(["uh", "i", "[NOISE]", "think", "++UM++", "so"]) == [HESITATION, "i", "think", HESITATION, "so"]
    # Smart formatting suppresses them from final transcripts (en-US).
    assert watson_transcript(["uh", "i", "think", "so"], smart_formatting=True) == "i think so"
    assert watson_transcript(["uh", "i", "think", "so"]) == f"{HESITATION} i think so"


def test_display_as_and_smart_formatting_preempts_it():
    table = {"one": "won", "ibm": "IBM&trade;"}
    words = ["i", "want", "one", "ibm"]
    assert watson_transcript(words, display_as=table) == "i want won IBM&trade;"
    assert watson_transcript(words, display_as=table, smart_formatting=True) == "i want 1 IBM&trade;"
    assert watson_transcript(words, display_as={"ibm": ""}) == "i want one ibm"  # "" = as spelled
    spans = apply_display_as(format_spans(["twenty", "ibm"], ItnOptions(convention="azure")), table)
    assert [s.text for s in spans] == ["20", "IBM&trade;"]
    with pytest.raises(InvalidArgumentError):
        watson_transcript(words, display_as=["ibm"])
    with pytest.raises(InvalidArgumentError):
        watson_transcript("not a list")


def test_azure_documented_text_forms():
    forms = azure_text_forms("remind me to buy five pencils".split())
    assert forms.lexical == "remind me to buy five pencils"
    assert forms.itn == "remind me to buy 5 pencils"
    assert forms.masked_itn == "remind me to buy 5 pencils"
    assert forms.display == "Remind me to buy 5 pencils."
    forms = azure_text_forms(["good", "morning"])
    assert (forms.lexical, forms.itn, forms.masked_itn, forms.display) == (
        "good morning", "good morning", "good morning", "Good morning.")
    forms = azure_text_forms(["doctor", "smith"])
    assert forms.itn == "dr smith" and forms.display == "Dr. Smith."
    assert azure_text_forms(["two", "hundred"]).itn == "200"


def test_azure_display_form_rules():
    assert azure_text_forms("where are you going".split()).display == "Where are you going?"
    assert azure_text_forms("i think i'm late".split()).display == "I think I'm late."
    assert azure_text_forms("we met on may fifth".split()).display == "We met on May 5."
    assert azure_text_forms("you may go".split()).display == "You may go."
    forms = azure_text_forms("we visited contoso in paris".split(), proper_nouns={"contoso": "Contoso", "paris": "Paris"})
    assert forms.display == "We visited Contoso in Paris."
    assert azure_text_forms(["++UH++"]).display == ""
    assert azure_text_forms([]).display == ""


def test_azure_profanity_modes():
    masked = azure_text_forms(["fuck", "you"], profanity="masked")
    assert (masked.lexical, masked.itn, masked.masked_itn, masked.display) == (
        "fuck you", "fuck you", "**** you", "**** you.")
    removed = azure_text_forms(["fuck", "you"], profanity="removed")
    assert removed.masked_itn == "you" and removed.display == "You."
    # Only profanity, removed: nothing left to display (no speech result).
    assert azure_text_forms(["shit"], profanity="removed").display == ""
    raw = azure_text_forms(["fuck", "you"], profanity="raw")
    assert raw.display == "Fuck you."
    with pytest.raises(InvalidArgumentError):
        azure_text_forms(["x"], profanity="none")
