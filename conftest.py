"""Repository-wide pytest set-up: the repo root is importable (``implementations``).

``make test`` runs one xdist worker per core. The implementations' tensors are
tiny, so a second intra-op thread per worker would only spin against the other
worker; torch reads this before its first import, and demo subprocesses inherit it.
"""

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
