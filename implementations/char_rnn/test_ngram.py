"""The Kneser-Ney baseline and the generated environments corpus."""

from __future__ import annotations

import math
import re

import pytest
import torch

from implementations.char_rnn.data import BODY_CHARS, BODY_LENGTH, ENVIRONMENTS, VOCAB, encode, environments_text
from implementations.char_rnn.ngram import KneserNey


@pytest.mark.parametrize("order", [1, 2, 3, 4])
def test_probabilities_sum_to_one_in_every_context(order):
    train = encode("abracadabra, abracadabra! cadabra" * 3)
    model = KneserNey(train, order, len(VOCAB))
    for context in [(), tuple(encode("ab").tolist()), tuple(encode("zzz").tolist()), tuple(encode("cad").tolist())]:
        total = sum(model.prob(context, c) for c in range(len(VOCAB)))
        assert total == pytest.approx(1.0, abs=1e-12)


def test_bigram_by_hand():
    # text "abab": bigrams ab, ba, ab. Unigram level uses continuation counts: a follows {b} once,
    # b follows {a} once -> P_1(a) = (1 - D + D * 2 * 1/V) / 2. Context "a": seen twice, one type (b).
    V, D = len(VOCAB), 0.75
    a, b = encode("ab").tolist()
    model = KneserNey(encode("abab"), 2, V, discount=D)
    p1_b = (1 - D + D * 2 / V) / 2
    assert model.prob((a,), b) == pytest.approx((2 - D + D * 1 * p1_b) / 2, rel=1e-12)
    p1_a = (1 - D + D * 2 / V) / 2
    assert model.prob((b,), a) == pytest.approx((1 - D + D * 1 * p1_a) / 1, rel=1e-12)
    held = encode("ab")
    expected = -(math.log2(model.prob((), a)) + math.log2(model.prob((a,), b))) / 2
    assert model.bits_per_character(held) == pytest.approx(expected, rel=1e-12)


def test_environments_close_what_they_opened():
    text = environments_text(20_000)
    lines = text.split("\n")[:-1]  # the last line may be cut
    pattern = re.compile(r"\\begin\{(\w+)\}([a-h ]*)\\end\{(\w+)\}")
    for line in lines:
        m = pattern.fullmatch(line)
        assert m is not None, line
        assert m.group(1) == m.group(3) and m.group(1) in ENVIRONMENTS
        assert BODY_LENGTH[0] <= len(m.group(2)) <= BODY_LENGTH[1] and set(m.group(2)) <= set(BODY_CHARS)
    assert len({pattern.fullmatch(line).group(1) for line in lines}) == len(ENVIRONMENTS)
    assert environments_text(20_000) == text and environments_text(20_000, seed=1) != text
    assert len(text) == 20_000


def test_no_n_gram_context_reaches_back_to_the_opening_name():
    # the closing name's first letter is predicted from the 5 characters "\end{" and the body;
    # the opening name ends at least BODY_LENGTH[0] + 5 characters earlier, beyond a 6-gram's context
    assert BODY_LENGTH[0] + len("\\end{") > 5
    model = KneserNey(encode(environments_text(50_000)), 4, len(VOCAB))
    context = tuple(encode("abc\\end{").tolist())
    firsts = {name[0] for name in ENVIRONMENTS}
    probs = {ch: model.prob(context, encode(ch).item()) for ch in firsts}
    assert max(probs.values()) < 0.3  # it can only guess among the names


def test_order_must_be_positive():
    with pytest.raises(ValueError):
        KneserNey(torch.tensor([1, 2, 3]), 0, len(VOCAB))
