"""Spaced review of read nodes: fsrs scheduling, cards in the store, what a card shows.

Core code: imports neither textual nor torch (``fsrs`` loads its optional
torch optimizer only when asked for it, and we never ask).
"""
