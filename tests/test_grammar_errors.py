"""Bad grammars are refused clearly: syntax errors with line and column,
undefined and duplicate rules, missing roots, unsupported recursion, size
limits, unsafe XML and unsafe references; unknown words are listed."""
from __future__ import annotations

import pytest

from asr_engine.errors import (
    AsrError,
    FormatError,
    InvalidArgumentError,
    PayloadTooLargeError,
    UnsupportedMediaTypeError,
)
from asr_engine.grammar import GrammarError, compile_grammar

H = "#ABNF 1.0;\nlanguage en-US;\nroot $a;\n"  # rules start on line 4


def where(text: str, **kw) -> tuple[int, int, str]:
    with pytest.raises(GrammarError) as e:
        compile_grammar(text, **kw)
    return e.value.line, e.value.column, e.value.reason


@pytest.mark.parametrize("body, line, col, words", [
    ("$a = hello world", 4, 17, "expected ';'"),
    ("$a = hello\n  | ;", 5, 5, "empty alternative"),
    ("$a = ;", 4, 6, "empty expansion"),
    ('$a = "unterminated;', 4, 6, "unterminated quoted token"),
    ("$a = x {tag;", 4, 8, "unterminated tag"),
    ("$a = x /* never closed", 4, 8, "unterminated comment"),
    ("$a = many*;", 4, 10, "unexpected character '*'"),
    ("$a = x <2-1>;", 4, 8, "maximum is smaller"),
    ("$a = x <2 - 3>;", 4, 11, "expected '>'"),
    ("$a = x <1- /1.5/>;", 4, 12, "between 0 and 1"),
    ("$a = /0/ x | y;", 4, 6, "positive"),
    ("$a = /-1/ x;", 4, 6, "malformed weight"),
    ("$a = [ ];", 4, 8, "empty optional"),
    ("$a = $b!fr;", 4, 8, "rule reference"),
    ("$a = x;\nlanguage fr;", 5, 1, "declarations must come first"),
    ("$a = x;\n$a = y;", 5, 1, "defined twice"),
    ("$a = $b;", 4, 6, "undefined rule $b"),
    ("$a = x;\n$NULL = y;", 5, 2, "cannot be redefined"),
    ("$a = x $a y | z;", 4, 8, "not the end of the rule"),
    ("$a = $b x; $b = $a | y;", 4, 6, "right-recursive"),
    ('$a = "<garbage>";', 4, 6, "reserved"),
    ("$a = (((x);", 4, 11, "expected ')'"),
])
def test_abnf_syntax_errors_have_positions(body, line, col, words):
    got = where(H + body)
    assert got[:2] == (line, col), got
    assert words in got[2], got


@pytest.mark.parametrize("text, line, col, words", [
    ("#ABNF 1.0;language en;\n$a = x;", 1, 11, "line break"),
    ("# ABNF 1.0;\n", 1, 1, "must start with '#ABNF"),
    ("\n#ABNF 1.0;\n", 1, 1, "must start with '#ABNF"),
    ("#ABNF 2.0;\n", 1, 7, "version"),
    ("#ABNF  1.0;\n", 1, 6, "exactly one space"),
    ("#ABNF 1.0;\nlanguage en;\nbadstuff verybad;\n", 3, 1, "unrecognized declaration 'badstuff'"),
    ("#ABNF 1.0;\nlanguage en;\nroot $a;\nroot $b;\n$a = x;", 4, 1, "duplicate 'root'"),
    ("#ABNF 1.0;\nroot $a;\n$a = x;", 1, 1, "must declare its language"),
    ("#ABNF 1.0;\nlanguage en;\nroot $missing;\n$a = x;", 3, 6, "not defined"),
    ("#ABNF 1.0;\nlanguage en;\nmode speech;\n", 3, 6, "mode must be"),
    ("#ABNF 1.0;\nlanguage en;\n$a = x;", 1, 1, "no root declaration and no public rule"),
])
def test_abnf_header_errors(text, line, col, words):
    got = where(text)
    assert got[:2] == (line, col), got
    assert words in got[2], got


def test_errors_are_format_errors_with_code_400():
    with pytest.raises(FormatError) as e:
        compile_grammar(H + "$a = ;")
    assert e.value.code == 400 and isinstance(e.value, GrammarError)
    assert e.value.to_dict()["error"].startswith("<string>: line 4, column 6:")


def test_error_names_the_file(tmp_path):
    p = tmp_path / "broken.gram"
    p.write_text(H + "$a = x\n")
    with pytest.raises(GrammarError) as e:
        compile_grammar(p)
    assert str(p) in str(e.value) and e.value.line == 5


# -- size limits --------------------------------------------------------------

@pytest.mark.parametrize("body", [
    "$a = (a b c)<100000000>;",
    "$a = ((a | b)<0-1000>)<0-1000>;",
    "$a = $b $b $b $b; $b = $c $c $c $c; $c = $d $d $d $d; $d = $e $e $e $e; $e = $f $f $f $f;"
    " $f = $g $g $g $g; $g = $h $h $h $h; $h = $i $i $i $i; $i = $j $j $j $j; $j = $k $k $k $k;"
    " $k = p | q;",
])
def test_expansion_limits_raise_invalid_argument(body):
    with pytest.raises(InvalidArgumentError, match="max_states"):
        compile_grammar(H + body)


def test_limits_are_options():
    g = compile_grammar(H + "$a = (a b)<3000>;")
    assert g.matches(" ".join(["a b"] * 3000))
    with pytest.raises(InvalidArgumentError, match="max_states=100 "):
        compile_grammar(H + "$a = (a b)<3000>;", max_states=100)
    with pytest.raises(InvalidArgumentError, match="max_arcs"):
        compile_grammar(H + "$a = (a b)<3000>;", max_arcs=500)


def test_determinization_blowup_is_bounded():
    # (a|b)* a (a|b)^n needs 2^(n+1) deterministic states.
    with pytest.raises(InvalidArgumentError, match="deterministic automaton"):
        compile_grammar(H + "$a = (a | b)<0-> a (a | b)<14>;", max_states=20000)
    g = compile_grammar(H + "$a = (a | b)<0-> a (a | b)<6>;")
    assert g.num_states == 128


def test_repeat_counts_beyond_the_supported_range():
    with pytest.raises(InvalidArgumentError, match="exceeds"):
        compile_grammar(H + "$a = x<99999999999>;")


def test_huge_counts_of_silent_items_cost_nothing():
    g = compile_grammar(H + "$a = ($NULL)<2000000000> x {t}<0-2000000000> ($NULL | {u})<5->;")
    assert g.matches("x") and g.num_states == 2


def test_deep_nesting_is_refused_not_a_crash():
    with pytest.raises(GrammarError, match="nested"):
        compile_grammar(H + "$a = " + "(" * 150 + "x" + ")" * 150 + ";")
    chain = " ".join(f"$r{i} = $r{i + 1};" for i in range(3000))
    with pytest.raises(InvalidArgumentError, match="max_depth"):
        compile_grammar(H.replace("$a", "$r0") + chain + " $r3000 = x;")
    g = compile_grammar(H.replace("$a", "$r0") + chain + " $r3000 = x;", max_depth=10000)
    assert g.matches("x")


def test_source_size_limit(tmp_path):
    with pytest.raises(PayloadTooLargeError):
        compile_grammar(H + "$a = x;" + " " * 2000, max_source_bytes=1000)


def test_unknown_option_and_media_type():
    with pytest.raises(InvalidArgumentError, match="unknown grammar option"):
        compile_grammar(H + "$a = x;", max_sates=3)
    with pytest.raises(UnsupportedMediaTypeError) as e:
        compile_grammar(H + "$a = x;", "text/plain")
    assert e.value.code == 415
    with pytest.raises(GrammarError, match="not a grammar"):
        compile_grammar("hello world\n")


def test_bad_compile_options():
    with pytest.raises(InvalidArgumentError):
        compile_grammar(H + "$a = x;", default_repeat_prob=1.0)
    with pytest.raises(InvalidArgumentError):
        compile_grammar(H + "$a = x;", garbage_prob=0.0)


# -- unknown words ------------------------------------------------------------

def test_unknown_words_are_listed_by_name(en_us_model_dir):
    g = compile_grammar(H + '$a = call ("Zyxwvut" | mom) [qwertyuiop] please;')
    assert g.unknown_words({"call", "mom", "please"}) == ["Zyxwvut", "qwertyuiop"]
    dic = en_us_model_dir.parent / "cmudict-en-us.dict"
    assert g.unknown_words(dic) == ["Zyxwvut", "qwertyuiop"]


# -- XML safety and errors ------------------------------------------------------

XML = ('<?xml version="1.0"?>\n<grammar xmlns="http://www.w3.org/2001/06/grammar" version="1.0" '
       'xml:lang="en-US" root="a">\n{}\n</grammar>\n')


def test_xml_entity_declarations_are_refused():
    laughs = ('<?xml version="1.0"?>\n<!DOCTYPE grammar [\n<!ENTITY a "aaaaaaaaaa">\n'
              '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">\n<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">\n]>\n'
              '<grammar xmlns="http://www.w3.org/2001/06/grammar" version="1.0" xml:lang="en" root="a">'
              '<rule id="a">&c;</rule></grammar>')
    with pytest.raises(GrammarError, match="internal subset|entity"):
        compile_grammar(laughs)
    external = ('<?xml version="1.0"?>\n<!DOCTYPE grammar [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
                '<grammar xmlns="http://www.w3.org/2001/06/grammar" version="1.0" xml:lang="en" root="a">'
                '<rule id="a">&x;</rule></grammar>')
    with pytest.raises(GrammarError):
        compile_grammar(external)


@pytest.mark.parametrize("rules, line, words", [
    ('<rule id="a">x <ruleref uri="#b"/></rule>', 3, "undefined rule $b"),
    ('<rule id="a"><one-of><token>x</token></one-of></rule>', 3, "only <item>"),
    ('<rule id="a"><item repeat="3-1">x</item></rule>', 3, "maximum is smaller"),
    ('<rule id="a"><item>x</rule>', 3, "mismatched tag"),
    ('<rule id="a">\n  <ruleref special="NOTHING"/></rule>', 4, "special must be"),
    ('<rule id="a">x</rule>\n<rule id="a">y</rule>', 4, "defined twice"),
    ('<rule id="a"> </rule>', 3, "empty expansion"),
    ('<rule id="a"><ruleref uri="#a" xml:lang="fr"/></rule>', 3, "removed"),
])
def test_xml_errors_have_lines(rules, line, words):
    got = where(XML.format(rules))
    assert got[0] == line and words in got[2], got


def test_xml_namespace_and_version_are_required():
    with pytest.raises(GrammarError, match="namespace"):
        compile_grammar('<?xml version="1.0"?><grammar version="1.0" xml:lang="en"><rule id="a">x</rule></grammar>')
    with pytest.raises(GrammarError, match="version"):
        compile_grammar('<grammar xmlns="http://www.w3.org/2001/06/grammar" xml:lang="en"><rule id="a">x</rule>'
                        '</grammar>')


# -- references that leave the grammar's directory -------------------------------

def test_references_cannot_escape_the_base_directory(tmp_path):
    outside = tmp_path / "secret.gram"
    outside.write_text(H + "public $a = secret;")
    sub = tmp_path / "grammars"
    sub.mkdir()
    (sub / "main.gram").write_text(H + "$a = $<../secret.gram>;")
    with pytest.raises(GrammarError, match="outside"):
        compile_grammar(sub / "main.gram")
    g = compile_grammar(sub / "main.gram", allow_outside_base=True)
    assert g.matches("secret")
    (sub / "abs.gram").write_text(H + f"$a = $<file://{outside}>;")
    with pytest.raises(GrammarError, match="outside"):
        compile_grammar(sub / "abs.gram")
    (sub / "web.gram").write_text(H + "$a = $<http://example.com/x.gram>;")
    with pytest.raises(GrammarError, match="only local"):
        compile_grammar(sub / "web.gram")


def test_mutually_referencing_documents(tmp_path):
    (tmp_path / "a.gram").write_text(H + "public $a = x [$<b.gram#b>];")
    (tmp_path / "b.gram").write_text(H.replace("$a", "$b") + "public $b = y $<a.gram#a>;")
    g = compile_grammar(tmp_path / "a.gram")  # right recursion across two files
    assert g.matches("x y x y x") and not g.matches("x y")


def test_every_error_is_an_asr_error():
    for text in ["", "#ABNF", "#ABNF 1.0;\n", "#JSGF", "<grammar", "\x00\x01", "#ABNF 1.0;\nlanguage en;\n$"]:
        with pytest.raises(AsrError):
            compile_grammar(text.encode())


def test_encodings():
    body = "\nlanguage sv;\nroot $a;\n$a = ja det är rätt;"
    for enc, header in [("utf-8", "#ABNF 1.0;"), ("iso-8859-1", "#ABNF 1.0 ISO-8859-1;"),
                        ("utf-8", "#ABNF 1.0 ISO-8859-1;"), ("utf-16", "#ABNF 1.0 UTF-16;"),
                        ("utf-8-sig", "#ABNF 1.0;"), ("utf-16-be", "#ABNF 1.0;")]:
        data = (header + body).encode(enc)
        if enc == "utf-16-be":
            data = b"\xfe\xff" + data
        g = compile_grammar(data)
        assert g.matches("ja det är rätt"), (enc, header)
    with pytest.raises(GrammarError, match="unknown character encoding"):
        compile_grammar(("#ABNF 1.0 NO-SUCH-CODEC;" + body).encode())


@pytest.mark.parametrize("text", [
    "#ABNF 1.0; language en-US; root $c; $c = ace | king;",
    "#ABNF 1.0;\tlanguage en-US;\troot $c;\n$c = ace | king;",
    "#ABNF 1.0 UTF-8; language en-US; public $c = ace | king;",
])
def test_abnf_header_and_declarations_on_one_line(text):
    from asr_engine import compile_grammar, matches

    g = compile_grammar(text)
    assert matches(g, "king") and matches(g, "ace") and not matches(g, "queen")


@pytest.mark.parametrize("text", [
    "#ABNF 1.0;language en-US; root $c; $c = ace;",      # glued to the ';'
    "#ABNF 1.0; /* comment */ language en-US; root $c; $c = ace;",
])
def test_abnf_one_line_header_stays_strict_when_ambiguous(text):
    got = where(text)
    assert got[:2] == (1, 11) and "line break" in got[2], got
