"""Repository-wide pytest set-up: the repo root is importable (``implementations``)."""
