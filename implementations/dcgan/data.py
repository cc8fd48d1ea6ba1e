"""sklearn's 8x8 digits, split once: the GANs and the judging classifier learn from the training
digits only; the held-out digits measure the classifier."""

from __future__ import annotations

import numpy as np
import torch
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression

N_TRAIN = 1400


def split(seed: int = 0) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """(train, held-out) pairs of pixels in [0, 1] (n x 64) and labels; disjoint, shuffled by ``seed``."""
    x, y = load_digits(return_X_y=True)
    order = np.random.default_rng(seed).permutation(len(x))
    x = x / 16.0
    train, held = order[:N_TRAIN], order[N_TRAIN:]
    return (x[train], y[train]), (x[held], y[held])


def as_images(pixels: np.ndarray) -> torch.Tensor:
    """n x 64 pixels in [0, 1] -> n x 1 x 8 x 8 in [−1, 1], the range of G's tanh output."""
    return torch.tensor(pixels * 2 - 1, dtype=torch.float32).view(-1, 1, 8, 8)


def fit_judge(train: tuple[np.ndarray, np.ndarray]) -> LogisticRegression:
    """The digit classifier that labels generated samples, trained on real training digits."""
    return LogisticRegression(max_iter=2000).fit(*train)


def confident_labels(judge: LogisticRegression, images: torch.Tensor, confidence: float) -> np.ndarray:
    """The judge's label for each image, or −1 where its top probability is below ``confidence``."""
    pixels = ((images.detach().cpu().double().reshape(len(images), 64) + 1) / 2).clamp(0, 1).numpy()
    proba = judge.predict_proba(pixels)
    return np.where(proba.max(axis=1) >= confidence, judge.classes_[proba.argmax(axis=1)], -1)


def balanced_confidence(labels: np.ndarray, classes: int = 10) -> tuple[float, int]:
    """Σ_c min(share labelled c confidently, 1/10), and how many classes hold at least 2% of samples.

    Like the ring's balanced precision: a sample counts only if the judge is sure of it, and each
    class for at most its share, so a generator stuck on a few digits cannot score high.
    """
    shares = np.bincount(labels[labels >= 0], minlength=classes)[:classes] / len(labels)
    return float(np.minimum(shares, 1 / classes).sum()), int((shares >= 0.02).sum())
