"""A generated language with subject-verb agreement, and an acceptability task that needs it.

Every sentence follows one template (``?``: present with probability 1/2)::

    [CLS] adj? NOUN_subj (prep det NOUN_attr)? adv? VERB [SEP]       (the attractor's adj? sits before it)

Nouns and verbs are singular or plural, and the verb agrees with the *subject*, the first noun.
The attractor noun in the prepositional phrase has an independent random number, so the nearest
noun is a coin flip; its determiner agrees with it. Number is carried only by which word is used
(8 singular and 8 plural nouns, 6 of each verb, 2 of each determiner), never by an ending, so a
model knows a word's number only if it has learned it. The unlabelled corpus is unlimited, and a
masked LM can learn every word's number from it: nouns locally from their determiners, verbs from
the subject across the phrase.

The labelled task (CoLA-like acceptability): half the sentences have their verb swapped for one
of the other number. The label, "agrees", is the XOR of the subject's and the verb's number, so
it needs both the words' latent number and word order (which noun is the subject). A linear
model of unigram and bigram counts cannot express an XOR; it can only memorise particular
(noun, verb) bigrams, where the two happen to be adjacent (no phrase, no adverb: 1 in 4).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor

PAD, CLS, SEP, MASK = 0, 1, 2, 3
SPECIALS = ("[PAD]", "[CLS]", "[SEP]", "[MASK]")
CLASS_SIZES = {"det_sg": 2, "det_pl": 2, "adj": 4, "noun_sg": 8, "noun_pl": 8, "prep": 3, "adv": 3, "verb_sg": 6, "verb_pl": 6}


def _class_ranges() -> dict[str, tuple[int, int]]:
    start, out = len(SPECIALS), {}
    for name, size in CLASS_SIZES.items():
        out[name] = (start, start + size)
        start += size
    return out


CLASSES = _class_ranges()
VOCAB_SIZE = max(end for _, end in CLASSES.values())
MAX_LEN = 10   # the template with every optional slot present


def words() -> list[str]:
    """Readable names for the ids: [PAD] ... det0 ... noun_sg3 ... verb_pl15."""
    names = list(SPECIALS)
    for name, size in CLASS_SIZES.items():
        names += [f"{name}{i}" for i in range(size)]
    return names


def _draw(cls: str, n: int, gen: torch.Generator) -> Tensor:
    lo, hi = CLASSES[cls]
    return torch.randint(lo, hi, (n,), generator=gen)


def _numbered(kind: str, plural: Tensor, gen: torch.Generator) -> Tensor:
    """A noun, verb or determiner of the given number for each row (plural: bool)."""
    return torch.where(plural, _draw(f"{kind}_pl", len(plural), gen), _draw(f"{kind}_sg", len(plural), gen))


@dataclass(frozen=True)
class Sentences:
    tokens: Tensor       # (n, MAX_LEN) ids, left-aligned, PAD after [SEP]
    verb_pos: Tensor     # (n,) index of the verb in each row
    subject_plural: Tensor


def generate(n: int, gen: torch.Generator) -> Sentences:
    """n grammatical sentences: slots filled column by column, absent optional slots squeezed out."""
    n_subj, n_attr = (torch.rand(n, generator=gen) < 0.5 for _ in range(2))
    present = torch.rand(n, 4, generator=gen) < 0.5          # adj, prepositional phrase, adj, adv
    ones = torch.ones(n, dtype=torch.bool)
    slots = [  # (tokens, present)
        (torch.full((n,), CLS), ones),
        (_draw("adj", n, gen), present[:, 0]), (_numbered("noun", n_subj, gen), ones),
        (_draw("prep", n, gen), present[:, 1]), (_numbered("det", n_attr, gen), present[:, 1]),
        (_draw("adj", n, gen), present[:, 1] & present[:, 2]), (_numbered("noun", n_attr, gen), present[:, 1]),
        (_draw("adv", n, gen), present[:, 3]), (_numbered("verb", n_subj, gen), ones),
        (torch.full((n,), SEP), ones),
    ]
    tok = torch.stack([t for t, _ in slots], 1)
    keep = torch.stack([p for _, p in slots], 1)
    # stable sort on "absent": present slots keep their order and move left
    order = torch.sort((~keep).to(torch.int8), dim=1, stable=True).indices
    tokens = torch.where(keep, tok, PAD).gather(1, order)
    verb_slot = 8
    verb_pos = keep[:, :verb_slot].sum(1)
    return Sentences(tokens, verb_pos, n_subj)


def lengths(tokens: Tensor) -> Tensor:
    return (tokens != PAD).sum(1)


def plural_of(tokens: Tensor) -> Tensor:
    """True where a token is a plural noun or verb (the latent feature the task is about)."""
    out = torch.zeros_like(tokens, dtype=torch.bool)
    for cls in ("noun_pl", "verb_pl"):
        lo, hi = CLASSES[cls]
        out |= (tokens >= lo) & (tokens < hi)
    return out


@dataclass(frozen=True)
class Labelled:
    tokens: Tensor
    labels: Tensor   # 1: the verb agrees with the subject, 0: it does not


def acceptability(n: int, gen: torch.Generator) -> Labelled:
    """n sentences, half (at random) with the verb replaced by a random verb of the other number."""
    s = generate(n, gen)
    agrees = torch.rand(n, generator=gen) < 0.5
    rows = torch.arange(n)
    swapped = _numbered("verb", ~s.subject_plural, gen)
    tokens = s.tokens.clone()
    tokens[rows, s.verb_pos] = torch.where(agrees, tokens[rows, s.verb_pos], swapped)
    return Labelled(tokens, agrees.long())
