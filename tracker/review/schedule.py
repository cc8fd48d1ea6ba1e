"""The one bridge to fsrs: the scheduler we use, replaying a log, retrievability.

Fuzzing is off, so a card's state is a pure function of when it was added and
its effective ratings: rating a card and replaying its log give the same card,
which is what makes undo (append an undo, replay) and restore (merge logs,
replay) exact. Nothing here schedules by hand; every interval comes from fsrs.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from fsrs import Card, Rating, Scheduler, State

SCHEDULER = Scheduler(enable_fuzzing=False)
RATINGS = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}
RECALLED = 0.9  # retrievability at or above this counts as recalled (the scheduler's own target retention)


def new_card(added_at: datetime) -> Card:
    return Card(card_id=0, due=added_at)


def review(card: Card, rating: int, at: datetime) -> Card:
    if rating not in RATINGS:
        raise ValueError(f"rating {rating!r} is not 1-4")
    reviewed, _ = SCHEDULER.review_card(card, Rating(rating), review_datetime=at)
    return reviewed


def replay(added_at: datetime, ratings: Iterable[tuple[int, datetime]]) -> Card:
    """The card after these ratings, oldest first."""
    card = new_card(added_at)
    for rating, at in ratings:
        card = review(card, rating, at)
    return card


def card_from_row(row) -> Card:
    """An fsrs card from a ``review_cards`` row (or anything with its columns)."""
    return Card(card_id=0, state=State(row.state), step=row.step, stability=row.stability,
                difficulty=row.difficulty, due=row.due, last_review=row.last_review)


def card_columns(card: Card) -> dict:
    return {"state": int(card.state), "step": card.step, "stability": card.stability,
            "difficulty": card.difficulty, "due": card.due, "last_review": card.last_review}


def curve() -> tuple[float, float]:
    """fsrs's forgetting curve constants for our scheduler: R = (1 + factor * days / stability) ** decay."""
    return SCHEDULER._FACTOR, SCHEDULER._DECAY


def retrievability(row, now: datetime) -> float:
    """fsrs's recall probability now; 0 for a card never reviewed."""
    if row.last_review is None or row.stability is None:
        return 0.0
    return float(SCHEDULER.get_card_retrievability(card_from_row(row), now))
