"""The generated corpus: vocabulary from the training text only, held-out variants never seen,
planted analogies well-formed, relation markers on one side only."""

from __future__ import annotations

from collections import Counter

from implementations.word2vec.corpus import (MARKERS, STRAY, analogy_questions, build_vocab, generate,
                                             held_out_variants, relations)

CORPUS = generate(0, 4000)


def test_vocabulary_counts_only_the_given_training_sentences_with_min_count() -> None:
    train = [["a", "b", "a"], ["a", "c", "b"]]
    vocab = build_vocab(train, min_count=2)
    assert vocab.words == ["a", "b"] and vocab.counts == [3, 2]
    assert vocab.encode(["c", "b", "zzz", "a"]) == [1, 0]       # unknown words are dropped, not mapped
    full = build_vocab(CORPUS.sentences)
    seen = Counter(w for s in CORPUS.sentences for w in s)
    assert set(full.words) == {w for w, c in seen.items() if c >= 5}
    assert all(full.counts[full.index[w]] == seen[w] for w in full.words)


def test_held_out_variants_never_appear_in_training_text_or_vocabulary() -> None:
    held = held_out_variants()
    assert len(held) == 8 and all(v in (s + "s", s + "ed") for s, v in held.items())
    tokens = {w for s in CORPUS.sentences for w in s}
    assert not tokens & set(held.values())
    assert set(held) <= tokens                                   # their stems are seen
    vocab = build_vocab(CORPUS.sentences)
    assert not any(v in vocab.index for v in held.values())


def test_analogy_questions_are_well_formed_and_complete() -> None:
    vocab = build_vocab(CORPUS.sentences)
    questions = analogy_questions(CORPUS.relations, vocab)
    of = {pair: rel.name for rel in relations() for pair in rel.pairs}
    for a, b, c, d in questions:
        assert len({a, b, c, d}) == 4
        assert all(w in vocab.index for w in (a, b, c, d))
        assert of[(a, b)] == of[(c, d)]
    # 12 capital pairs, 8 plural and 8 past pairs with both words seen: n (n - 1) ordered questions each
    assert len(questions) == 12 * 11 + 8 * 7 + 8 * 7
    assert ("france", "paris", "italy", "rome") in questions and ("dog", "dogs", "cat", "cats") in questions
    assert not any("lamps" in q for q in questions)             # held out, so not asked


def test_each_sentence_has_one_pair_word_and_mostly_its_own_sides_markers() -> None:
    side_of = {w: rel.sides[k] for rel in relations() for pair in rel.pairs for k, w in enumerate(pair)}
    marker_side = {m: side for side, ms in MARKERS.items() for m in ms}
    own = stray = 0
    for sentence in CORPUS.sentences:
        pair_words = [w for w in sentence if w in side_of]
        assert len(pair_words) <= 1
        for m in (marker_side[w] for w in sentence if w in marker_side):
            own += bool(pair_words) and m == side_of[pair_words[0]]
            stray += not pair_words or m != side_of[pair_words[0]]
    # a marker strays with probability STRAY, and lands on its own side by chance 4 times in 24
    expected = 1 - STRAY * (1 - 4 / 24)
    assert abs(own / (own + stray) - expected) < 0.02


def test_sentences_depend_on_the_seed_and_only_on_it() -> None:
    assert generate(0, 300).sentences == generate(0, 300).sentences
    assert generate(0, 300).sentences != generate(1, 300).sentences
    assert generate(0, 300).topics == generate(1, 300).topics
