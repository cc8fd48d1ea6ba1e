"""A generated language whose hidden states matter, and a downstream task that only order can solve.

Words come in classes of synonyms (``n_classes`` classes of ``synonyms`` words, Zipf-weighted
within a class, so some words are rare). A sentence is a walk of a Markov chain over the
classes, started from its stationary distribution pi, each class emitting one of its words.
Half of the unlabelled sentences are walks of the chain P, half of its time reversal

    P_rev(j | i) = pi_j P(i | j) / pi_i,

so a language model has to infer, from the words so far, which way the text runs before it can
predict the next word: the direction is the hidden state pretraining must learn to track, and
the classes are what it must learn to group words by.

The downstream task labels a sentence by that direction (0: P, 1: P_rev). A backward sentence
is distributed exactly as a forward one read in reverse, so every word's count has the same
distribution under both labels: a bag of words is at chance, and only the order (which class
follows which) carries the label. The Bayes-optimal rule is known in closed form
(``log_odds``): the log-likelihood ratio of the two chains, a sum over adjacent class pairs.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class Language:
    transition: torch.Tensor  # P, (C, C), rows sum to 1
    stationary: torch.Tensor  # pi, (C,), pi P = pi
    emission: torch.Tensor  # (M,): P(synonym | class), the same Zipf weights for every class

    @property
    def n_classes(self) -> int:
        return self.transition.shape[0]

    @property
    def synonyms(self) -> int:
        return self.emission.shape[0]

    @property
    def vocab(self) -> int:
        return self.n_classes * self.synonyms  # word id = class * synonyms + synonym

    def reversed_transition(self) -> torch.Tensor:
        """P_rev(j | i) = pi_j P(i | j) / pi_i: the chain that walks P's paths backwards."""
        return self.stationary[None, :] * self.transition.T / self.stationary[:, None]


def stationary_distribution(transition: torch.Tensor) -> torch.Tensor:
    """pi with pi P = pi: the left eigenvector of P for eigenvalue 1, normalised."""
    values, vectors = torch.linalg.eig(transition.T)
    pi = vectors[:, values.real.argmax()].real
    return pi / pi.sum()


def make_language(seed: int, n_classes: int = 8, synonyms: int = 8, cycle: float = 0.5, sharpness: float = 1.0,
                  zipf: float = 1.0) -> Language:
    """P = cycle * (a random tour of all classes) + (1 - cycle) * softmax(sharpness * N(0, I)) rows.

    The tour makes every chain as irreversible as every other (the label is equally hard on every
    seed); the random rows make which class follows which less predictable.
    """
    g = torch.Generator().manual_seed(10_000 + seed)
    order = torch.randperm(n_classes, generator=g)
    tour = torch.zeros(n_classes, n_classes, dtype=torch.float64)
    tour[order, order.roll(-1)] = 1.0  # order[k] -> order[k + 1]: one cycle through every class
    noise = (sharpness * torch.randn(n_classes, n_classes, generator=g, dtype=torch.float64)).softmax(1)
    transition = cycle * tour + (1 - cycle) * noise
    weights = 1.0 / torch.arange(1, synonyms + 1, dtype=torch.float64) ** zipf
    return Language(transition, stationary_distribution(transition), weights / weights.sum())


def sample_classes(lang: Language, n: int, length: int, backward: torch.Tensor, g: torch.Generator) -> torch.Tensor:
    """(n, length) class walks from pi, by P where ``backward`` is False and by P_rev where True."""
    chains = torch.stack([lang.transition, lang.reversed_transition()])  # (2, C, C)
    classes = torch.empty(n, length, dtype=torch.long)
    classes[:, 0] = torch.multinomial(lang.stationary.expand(n, -1), 1, generator=g)[:, 0]
    for t in range(1, length):
        rows = chains[backward.long(), classes[:, t - 1]]
        classes[:, t] = torch.multinomial(rows, 1, generator=g)[:, 0]
    return classes


def sample_sentences(lang: Language, n: int, length: int, g: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """(words (n, length), direction labels (n,)): each sentence runs either way with probability 1/2."""
    backward = torch.rand(n, generator=g) < 0.5
    classes = sample_classes(lang, n, length, backward, g)
    synonym = torch.multinomial(lang.emission, n * length, replacement=True, generator=g).view(n, length)
    return classes * lang.synonyms + synonym, backward.long()


def log_odds(lang: Language, words: torch.Tensor) -> torch.Tensor:
    """log P_rev(sentence) / P(sentence), the Bayes-optimal score for 'backward' (> 0 says backward).

    pi(c_1) and the emissions are the same under both chains and cancel; what is left is a sum
    over adjacent pairs: sum_t log P_rev(c_t+1 | c_t) - log P(c_t+1 | c_t).
    """
    c = words // lang.synonyms
    step = lang.reversed_transition().log() - lang.transition.log()
    return step[c[:, :-1], c[:, 1:]].sum(1)


@dataclass(frozen=True)
class Task:
    """Unlabelled pretraining text and the small labelled downstream task, drawn once per seed."""

    lang: Language
    corpus: torch.Tensor  # (n, length + 1) unlabelled sentences: length + 1 so every position is predicted
    splits: dict[str, tuple[torch.Tensor, torch.Tensor]]  # train / valid / test: (words, labels)


def make_task(seed: int, n_corpus: int, n_labelled: dict[str, int], length: int, **language) -> Task:
    lang = make_language(seed, **language)
    g = torch.Generator().manual_seed(seed)
    corpus, _ = sample_sentences(lang, n_corpus, length + 1, g)
    splits = {name: sample_sentences(lang, n, length, g) for name, n in n_labelled.items()}
    return Task(lang, corpus, splits)


def true_nll(lang: Language, words: torch.Tensor) -> tuple[float, float]:
    """Per-token NLL of u_2..u_n under (the true model, a direction-blind bigram model), in nats.

    The true model filters the direction: P(u_t+1 | u_<=t) = sum_d P(d | u_<=t) P_d(c_t+1 | c_t) e(u_t+1).
    The blind one predicts with the mixture (P + P_rev) / 2 from the last class alone: the best a
    model can do that groups words into classes but never learns which way the text runs.
    """
    c = words // lang.synonyms
    chains = torch.stack([lang.transition, lang.reversed_transition()]).log()  # (2, C, C)
    steps = chains[:, c[:, :-1], c[:, 1:]]  # (2, n, length - 1): log P_d(c_t+1 | c_t)
    before = torch.cumsum(steps, -1) - steps  # log P_d(c_2..c_t | c_1): the evidence before each step
    log_post = before - torch.logsumexp(before, 0, keepdim=True)
    emission = lang.emission.log()[words[:, 1:] % lang.synonyms]
    true = -(torch.logsumexp(log_post + steps, 0) + emission).mean().item()
    blind = -(torch.logsumexp(steps, 0) - torch.log(torch.tensor(2.0)) + emission).mean().item()
    return true, blind
