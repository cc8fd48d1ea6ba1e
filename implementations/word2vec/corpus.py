"""A generated corpus with planted word classes and analogies, shared by word2vec, glove and fasttext.

Three relations of 12 pairs each: (country, capital), (singular, plural) and (verb, past tense).
The two words of a pair share four private "topic" words (what the pair is about); the relation
itself is carried by marker words that only one side of every pair uses (countries with
"nation"-type words, capitals with "city"-type words, plurals with "many", past tenses with
"yesterday"...). So capital - country is the same offset for every pair, which is what 3CosAdd
reads out, but only if a method sees past the frequent filler words ("the", "of", ...) that pad
every sentence with Zipfian frequency, past stray marker and topic words (``STRAY``), and past
the noise sentences that mix topics at random.
Pairs are themselves Zipf-distributed, so some are rare.

Plurals and past tenses are regular (stem + "s", stem + "ed"). For ``HELD_OUT`` of the nouns and
verbs the variant never appears in the training text: fasttext must build those from subwords.
Names and topic words are fixed; only the sentences depend on the seed.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from itertools import accumulate

COUNTRIES = ["france", "italy", "spain", "germany", "japan", "egypt",
             "russia", "greece", "peru", "kenya", "norway", "cuba"]
CAPITALS = ["paris", "rome", "madrid", "berlin", "tokyo", "cairo",
            "moscow", "athens", "lima", "nairobi", "oslo", "havana"]
NOUNS = ["dog", "cat", "horse", "bird", "tree", "car", "book", "ship", "river", "apple", "lamp", "road"]
VERBS = ["walk", "jump", "paint", "cook", "climb", "plant", "clean", "visit", "kick", "open", "pull", "wash"]
HELD_OUT = 4   # the last 4 nouns and verbs: their plural / past form never appears in training

MARKERS = {   # relation side -> words only that side co-occurs with
    "country": ["nation", "border", "flag", "president"],
    "capital": ["city", "mayor", "streets", "downtown"],
    "singular": ["one", "this", "single", "each"],
    "plural": ["many", "these", "several", "two"],
    "present": ["today", "now", "usually", "always"],
    "past": ["yesterday", "ago", "once", "earlier"],
}
FILLERS = ["the", "of", "and", "a", "in", "to", "is", "was", "it", "with", "for", "on", "that", "at", "by"]
TOPIC_WORDS = 4          # private topic words per pair
FILLER_RATE = 0.8        # chance of a filler word after each content word
FILLER_QUIRK = 2.0       # sigma of each pair word's lognormal filler preference
STRAY = 0.3              # chance that a marker or topic word is replaced by a random one of its kind
NOISE_SHARE = 0.15       # share of sentences that mix random topic words


def _pseudo_words(n: int) -> list[str]:
    """Distinct pronounceable tokens (no English word, no overlap with the names), from a fixed seed."""
    rng, out, taken = random.Random(12345), [], set()
    consonants, vowels = "bdfgklmnprstvz", "aeiou"
    reserved = set(COUNTRIES + CAPITALS + NOUNS + VERBS + FILLERS + sum(MARKERS.values(), []))
    while len(out) < n:
        word = "".join(rng.choice(consonants) + rng.choice(vowels) for _ in range(rng.choice((2, 3))))
        if word not in taken and word not in reserved:
            taken.add(word)
            out.append(word)
    return out


def _filler_preferences(words: list[str]) -> dict[str | None, list[float]]:
    """Cumulative filler weights after each word: Zipf over the fillers, times a fixed lognormal quirk
    per word (as "paris" takes "in" and "france" takes "of"). The quirks are large in raw counts, since
    fillers are frequent, but small in PMI, which divides frequency out."""
    rng = random.Random(54321)
    zipf = [1.0 / (1 + i) for i in range(len(FILLERS))]
    prefs = {None: list(accumulate(zipf))}
    for w in words:
        prefs[w] = list(accumulate(z * rng.lognormvariate(0.0, FILLER_QUIRK) for z in zipf))
    return prefs


@dataclass(frozen=True)
class Relation:
    name: str
    sides: tuple[str, str]          # marker keys of the first and second word
    pairs: tuple[tuple[str, str], ...]


def relations() -> list[Relation]:
    return [
        Relation("capital", ("country", "capital"), tuple(zip(COUNTRIES, CAPITALS))),
        Relation("plural", ("singular", "plural"), tuple((n, n + "s") for n in NOUNS)),
        Relation("past", ("present", "past"), tuple((v, v + "ed") for v in VERBS)),
    ]


def held_out_variants() -> dict[str, str]:
    """Stem -> its regular variant that the training text never contains."""
    return {n: n + "s" for n in NOUNS[-HELD_OUT:]} | {v: v + "ed" for v in VERBS[-HELD_OUT:]}


@dataclass(frozen=True)
class Corpus:
    sentences: list[list[str]]
    relations: list[Relation]
    topics: dict[tuple[str, str], list[str]]   # pair -> its private topic words
    held_out: dict[str, str]


def generate(seed: int, n_sentences: int = 20_000) -> Corpus:
    rels = relations()
    pairs = [(rel, pair) for rel in rels for pair in rel.pairs]
    words = iter(_pseudo_words(TOPIC_WORDS * len(pairs)))
    topics = {pair: [next(words) for _ in range(TOPIC_WORDS)] for _, pair in pairs}
    all_topic = [w for ws in topics.values() for w in ws]
    all_markers = [m for ms in MARKERS.values() for m in ms]
    held = set(held_out_variants().values())
    rng = random.Random(seed)
    pair_cum = list(accumulate(1.0 / (1 + i % 12) ** 0.7 for i in range(len(pairs))))   # Zipf-ish in a relation
    filler_cum = _filler_preferences([w for _, pair in pairs for w in pair])
    sentences = []
    while len(sentences) < n_sentences:
        if rng.random() < NOISE_SHARE:
            content = rng.sample(all_topic, 4)
        else:
            rel, pair = rng.choices(pairs, cum_weights=pair_cum)[0]
            side = rng.randrange(2)
            word = pair[side]
            if word in held:
                continue
            content = [word] + [rng.choice(all_markers) if rng.random() < STRAY else m
                                for m in rng.sample(MARKERS[rel.sides[side]], 2)]
            content += [rng.choice(all_topic) if rng.random() < STRAY else t for t in rng.sample(topics[pair], 2)]
            rng.shuffle(content)
        sentence = []
        for w in content:
            sentence.append(w)
            if rng.random() < FILLER_RATE:
                sentence.append(rng.choices(FILLERS, cum_weights=filler_cum.get(w, filler_cum[None]))[0])
        sentences.append(sentence)
    return Corpus(sentences, rels, topics, held_out_variants())


@dataclass(frozen=True)
class Vocab:
    words: list[str]                 # most frequent first
    index: dict[str, int]
    counts: list[int]

    def encode(self, sentence: list[str]) -> list[int]:
        """Known words' ids; unknown words dropped, as word2vec drops them."""
        return [self.index[w] for w in sentence if w in self.index]


def build_vocab(sentences: list[list[str]], min_count: int = 5) -> Vocab:
    """From the training sentences only: every word seen at least ``min_count`` times."""
    counted = Counter(w for s in sentences for w in s)
    words = sorted((w for w, c in counted.items() if c >= min_count), key=lambda w: (-counted[w], w))
    return Vocab(words, {w: i for i, w in enumerate(words)}, [counted[w] for w in words])


def analogy_questions(rels: list[Relation], vocab: Vocab) -> list[tuple[str, str, str, str]]:
    """a : b :: c : d for every ordered pair of distinct pairs of one relation, all four in the vocabulary."""
    questions = []
    for rel in rels:
        known = [p for p in rel.pairs if p[0] in vocab.index and p[1] in vocab.index]
        questions += [(a, b, c, d) for a, b in known for c, d in known if (a, b) != (c, d)]
    return questions
