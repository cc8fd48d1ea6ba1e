"""The generated language follows its template and agreement rule; the task's label is exactly agreement."""

from __future__ import annotations

import re

import torch

from implementations.bert_mlm import data

GEN = torch.Generator().manual_seed(0)
SENTENCES = data.generate(3000, GEN)
CLASS_OF = {i: name for name, (lo, hi) in data.CLASSES.items() for i in range(lo, hi)}
TEMPLATE = re.compile(r"\[CLS\] (adj )?noun_(sg|pl) (prep det_(sg|pl) (adj )?noun_(sg|pl) )?(adv )?verb_(sg|pl) \[SEP\]( \[PAD\])*")


def _classes(row) -> str:
    return " ".join(CLASS_OF.get(t, data.SPECIALS[t] if t < len(data.SPECIALS) else "?") for t in row.tolist())


def test_every_sentence_matches_the_template_and_its_verb_agrees_with_the_first_noun() -> None:
    attractor_differs = with_attractor = 0
    for row, verb_pos, plural in zip(SENTENCES.tokens, SENTENCES.verb_pos, SENTENCES.subject_plural):
        match = TEMPLATE.fullmatch(_classes(row))
        assert match, _classes(row)
        subject, det, attractor, verb = match.group(2), match.group(4), match.group(6), match.group(8)
        assert subject == verb == ("pl" if plural else "sg")
        assert CLASS_OF[row[verb_pos].item()].startswith("verb")
        if attractor:
            with_attractor += 1
            assert det == attractor                                  # the attractor's determiner agrees with it
            attractor_differs += attractor != subject
    assert abs(with_attractor / 3000 - 0.5) < 0.05
    assert abs(attractor_differs / with_attractor - 0.5) < 0.05   # the nearest noun is a coin flip


def test_vocabulary_layout_and_plural_feature() -> None:
    assert data.VOCAB_SIZE == len(data.words()) == len(data.SPECIALS) + sum(data.CLASS_SIZES.values())
    lo, hi = data.CLASSES["noun_pl"]
    v_lo, _ = data.CLASSES["verb_sg"]
    assert data.plural_of(torch.tensor([lo, hi - 1, lo - 1, v_lo, data.CLS])).tolist() == [True, True, False, False, False]


def test_acceptability_labels_are_agreement_and_only_the_verb_is_changed() -> None:
    task = data.acceptability(3000, torch.Generator().manual_seed(1))
    grammatical = data.generate(3000, torch.Generator().manual_seed(1))
    rows = torch.arange(3000)
    subject = data.plural_of(task.tokens[rows, 1 + (task.tokens[:, 1] < data.CLASSES["noun_sg"][0]).long()])
    verb = data.plural_of(task.tokens[rows, grammatical.verb_pos])
    assert ((subject == verb).long() == task.labels).all()
    same = task.tokens == grammatical.tokens
    same[rows, grammatical.verb_pos] = True
    assert same.all()
    assert abs(task.labels.double().mean().item() - 0.5) < 0.03


def test_sentences_depend_on_the_generator_only() -> None:
    a = data.generate(50, torch.Generator().manual_seed(5)).tokens
    assert torch.equal(a, data.generate(50, torch.Generator().manual_seed(5)).tokens)
    assert not torch.equal(a, data.generate(50, torch.Generator().manual_seed(6)).tokens)
