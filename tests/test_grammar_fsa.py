"""The compiled automaton: weights normalised per state, scores as the
grammar's weights say, $GARBAGE, the WordSequenceModel interface, and a
brute-force oracle on random grammars (language by direct set computation
on the grammar, against the automaton and against the parse matcher)."""
from __future__ import annotations

import math
import random
from concurrent.futures import ThreadPoolExecutor

import pytest

from asr_engine import _core
from asr_engine.grammar import GARBAGE_WORD, compile_grammar
from asr_engine.grammar.document import Alternatives, Repeat, RuleRef, Sequence, Special, Tag, Token
from grammar_helpers import TESTS_DATA, fsa_language

H = "#ABNF 1.0;\nlanguage en-US;\nroot $a;\n"


def logsumexp(xs):
    xs = [x for x in xs if x > -math.inf]
    if not xs:
        return -math.inf
    m = max(xs)
    return m + math.log(sum(math.exp(x - m) for x in xs))


def assert_normalised(g, tol=1e-4):
    fsa = g.fsa
    if g.empty:  # empty language: a lone start state with nothing to normalise
        assert fsa.num_states == 1 and fsa.num_arcs == 0
        return
    for s in range(fsa.num_states):
        arcs = fsa.arcs(s)
        words = [w for w, _, _ in arcs]
        assert len(words) == len(set(words)), "deterministic"
        total = logsumexp([w for _, w, _ in arcs] + [fsa.final_weight(s)])
        assert abs(total) < tol, (s, total)


def test_weights_are_probabilities_per_choice_point():
    g = compile_grammar(H + "$a = /1/ x | /3/ y z;")
    assert g.score("x") == pytest.approx(math.log(0.25), abs=1e-5)
    assert g.score("y z") == pytest.approx(math.log(0.75), abs=1e-5)
    assert g.score("y") == -math.inf
    assert_normalised(g)


def test_repeat_probabilities():
    g = compile_grammar(H + "$a = x<0-2 /0.8/> end;")
    assert g.score("end") == pytest.approx(math.log(0.2), abs=1e-5)
    assert g.score("x end") == pytest.approx(math.log(0.8 * 0.2), abs=1e-5)
    assert g.score("x x end") == pytest.approx(math.log(0.64), abs=1e-5)
    g = compile_grammar(H + "$a = (a | b)<1- /0.9/>;")
    assert g.score("a") == pytest.approx(math.log(0.5 * 0.1), abs=1e-5)
    assert g.score("a b b") == pytest.approx(math.log(0.5 ** 3 * 0.9 ** 2 * 0.1), abs=1e-5)
    assert_normalised(g)


def test_default_repeat_probability_is_an_option():
    g = compile_grammar(H + "$a = [x] y;", default_repeat_prob=0.25)
    assert g.score("x y") == pytest.approx(math.log(0.25), abs=1e-5)


def test_ambiguous_paths_sum():
    # "x" has two derivations ([x] then skip, or skip then [x]): 0.5*0.5 each.
    g = compile_grammar(H + "$a = [x] [x];")
    assert g.score("x") == pytest.approx(math.log(0.5), abs=1e-5)
    assert g.score("") == pytest.approx(math.log(0.25), abs=1e-5)
    assert_normalised(g)


def test_void_alternatives_are_removed_before_normalising():
    g = compile_grammar(H + "$a = /3/ $VOID x | y | z;")
    assert g.score("y") == pytest.approx(math.log(0.5), abs=1e-5)
    assert g.words == ["y", "z"]
    assert compile_grammar(H + "$a = x $VOID;").empty


def test_garbage_matches_one_or_more_tokens_or_nothing():
    g = compile_grammar(H + "$a = $GARBAGE help [$GARBAGE];")
    assert g.has_garbage and g.words == ["help"]
    for s in ["help", "please help", "oh please help me now", "help help", "help now"]:
        assert g.matches(s), s
    assert not g.matches("please") and not g.matches("")
    assert GARBAGE_WORD in g.fsa.words() and g.fsa.index(GARBAGE_WORD) == 2
    # garbage taken (1/2), then [$GARBAGE] matching nothing: skipped (1/2) or empty garbage (1/4)
    assert g.score("<garbage> help") == pytest.approx(math.log(0.5 * 0.75), abs=1e-5)
    g = compile_grammar(H + "$a = $GARBAGE help;", garbage_prob=0.2)
    assert g.score("help") == pytest.approx(math.log(0.8), abs=1e-5)


def test_word_sequence_model_interface():
    g = compile_grammar(H + "$a = go (north | south) [now];")
    m = g.fsa
    assert isinstance(m, _core.lm.WordSequenceModel)
    assert m.words()[:3] == ["<s>", "</s>", GARBAGE_WORD]
    assert m.bos_id == 0 and m.eos_id == 1
    s = m.begin_state()
    assert m.null_state() == s
    lp, s1 = m.score_word(s, "go")
    assert lp == pytest.approx(0.0, abs=1e-6)
    lp, s2 = m.score_word(s1, "north")
    assert lp == pytest.approx(math.log10(0.5), abs=1e-6)
    assert m.final(s2) == pytest.approx(math.log10(0.5), abs=1e-6)
    lp, dead = m.score_word(s1, "go")
    assert lp == -math.inf and m.final(dead) == -math.inf
    assert m.score_word(dead, "north")[0] == -math.inf
    assert m.score("go south now") == pytest.approx(math.log10(0.25), abs=1e-5)
    with pytest.raises(Exception):
        m.final(_core.lm.State([10 ** 6, 0, 0, 0]))


def test_lexicon_is_the_reachable_words_only():
    g = compile_grammar(H + "$a = one | two $b; $b = three; $unused = four; $dead = five $VOID;")
    assert g.words == ["one", "two", "three"]


def test_cards_automaton_is_small_and_normalised():
    g = compile_grammar(TESTS_DATA / "cards.abnf")
    assert g.num_states <= 12
    assert_normalised(g)
    assert not g.stats["weights_approximated"]


def test_shared_between_threads():
    g = compile_grammar(TESTS_DATA / "cards.abnf")
    sentences = ["ten of clubs", "five five", "eight of spades four of clubs seven of hearts", "ten ten ten"]
    expect = [True, True, True, False]

    def work(i):
        return [g.matches(s) for s in sentences] == expect

    with ThreadPoolExecutor(4) as ex:
        assert all(ex.map(work, range(200)))


def test_enumerate_reports_truncation():
    g = compile_grammar(H + "$a = x<1->;")
    sentences, complete = g.enumerate(max_length=3, max_count=100)
    assert sentences == [["x"], ["x", "x"], ["x", "x", "x"]] and complete
    sentences, complete = g.enumerate(max_length=10, max_count=4)
    assert len(sentences) == 4 and not complete


# -- brute-force oracle on random grammars ------------------------------------

VOCAB = ["a", "b", "c"]


def random_expansion(rng, depth, rule_index, n_rules):
    r = rng.random()
    if depth >= 3 or r < 0.3:
        k = rng.random()
        if k < 0.55:
            return rng.choice(VOCAB)
        if k < 0.65:
            return '"' + " ".join(rng.choice(VOCAB) for _ in range(2)) + '"'
        if k < 0.85 and rule_index + 1 < n_rules:
            return f"$r{rng.randrange(rule_index + 1, n_rules)}"
        return rng.choice(["$NULL", "$VOID", "{t}", "$GARBAGE", "()"])
    if r < 0.55:
        return " ".join(random_expansion(rng, depth + 1, rule_index, n_rules) for _ in range(rng.randint(2, 3)))
    if r < 0.8:
        alts = []
        for _ in range(rng.randint(2, 3)):
            w = f"/{rng.choice([1, 2, 0.5])}/ " if rng.random() < 0.3 else ""
            alts.append(w + random_expansion(rng, depth + 1, rule_index, n_rules))
        return "(" + " | ".join(alts) + ")"
    lo = rng.randint(0, 2)
    hi = rng.choice([lo, lo + 1, lo + 2, None])
    op = f"<{lo}-{'' if hi is None else hi}>" if rng.random() < 0.8 else "<0-1>"
    if rng.random() < 0.3:
        op = op[:-1] + f" /{rng.choice([0.2, 0.5, 0.9])}/>"
    return "(" + random_expansion(rng, depth + 1, rule_index, n_rules) + ")" + op


def random_grammar(rng):
    n = rng.randint(1, 4)
    rules = [f"$r{i} = {random_expansion(rng, 0, i, n)};" for i in range(n)]
    return "#ABNF 1.0;\nlanguage en;\nroot $r0;\n" + "\n".join(rules) + "\n"


def brute_language(doc, max_len):
    """The grammar's language up to max_len words, computed on the document."""
    memo = {}

    def cat(x, y):
        return {a + b for a in x for b in y if len(a) + len(b) <= max_len}

    def lang(node):
        if isinstance(node, Token):
            w = tuple(node.words)
            return {w} if len(w) <= max_len else set()
        if isinstance(node, Tag):
            return {()}
        if isinstance(node, Special):
            return {"NULL": {()}, "VOID": set(), "GARBAGE": {(), (GARBAGE_WORD,)}}[node.kind]
        if isinstance(node, RuleRef):
            key = node.target[1]
            if key not in memo:
                memo[key] = lang(node.target[0].rules[key].body)
            return memo[key]
        if isinstance(node, Sequence):
            acc = {()}
            for item in node.items:
                acc = cat(acc, lang(item))
            return acc
        if isinstance(node, Alternatives):
            out = set()
            for item in node.items:
                out |= lang(item)
            return out
        if isinstance(node, Repeat):
            item = lang(node.item)
            out = set()
            cur = {()}
            k = 0
            while True:
                if k >= node.min:
                    out |= cur
                if node.max is not None and k == node.max:
                    break
                nxt = cat(cur, item)
                k += 1
                if not nxt or (k > node.min and nxt <= out):
                    if k <= node.min and not nxt:
                        break
                    if k > node.min:
                        break
                cur = nxt
                if k > 50:
                    break
            return out
        raise TypeError(node)

    return {" ".join(s) for s in lang(doc.rules[doc.root].body)}


def test_random_grammars_against_brute_force():
    rng = random.Random(2024)
    checked = 0
    for _ in range(300):
        text = random_grammar(rng)
        g = compile_grammar(text)
        assert_normalised(g)
        expected = brute_language(g.document, 6)
        got = fsa_language(g, 6)
        assert got == expected, text
        # The parse matcher agrees with the automaton on members and near misses.
        probes = list(expected)[:20] + [" ".join(rng.choice(VOCAB) for _ in range(rng.randint(0, 5)))
                                        for _ in range(20)]
        for s in probes:
            tokens = s.replace(GARBAGE_WORD, "zzz")
            assert (g.parse(tokens) is not None) == g.matches(tokens), (text, s)
        # Weights survive minimisation unchanged.
        un = compile_grammar(text, minimize=False)
        for s in list(expected)[:10]:
            assert un.score(s) == pytest.approx(g.score(s), abs=2e-3), (text, s)
        # A finite language's probabilities sum to one.
        sentences, complete = g.enumerate(max_length=40, max_count=20000)
        finite = complete and len(g.enumerate(max_length=80, max_count=20001)[0]) == len(sentences)
        if finite and not g.stats["weights_approximated"] and sentences:
            total = logsumexp([g.score(s) for s in sentences])
            assert abs(total) < 1e-3, text
        checked += 1
    assert checked == 300


def test_right_recursion_is_a_loop():
    g = compile_grammar(H + "$a = digit $a | digit end; ")
    assert g.matches("digit digit digit end") and not g.matches("end")
    assert g.num_states == 3
    g = compile_grammar(H + "$a = x $b | stop; $b = y $a | $c; $c = z $a;")
    assert g.matches("x y x z stop") and not g.matches("x stop")


def test_languages_lists_attachments():
    g = compile_grammar(H + "$a = yes | oui!fr-CA | (bien sur)!fr;")
    assert g.languages == ["en-US", "fr-CA", "fr"] or sorted(g.languages) == sorted(["en-US", "fr-CA", "fr"])
