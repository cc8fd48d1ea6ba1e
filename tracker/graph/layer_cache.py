"""Validated layers kept per file, keyed by the file's bytes.

Reading a 25 MB layer back (YAML, then pydantic) costs about 2 s of CPU;
unpickling the validated result costs 0.13 s. An import re-validates every
other layer, and the first command after it rebuilds the graph, so both reuse
each unchanged file's last validated form. The key is a hash of the file's
content and of the graph code, so an edit of the same size within the same
clock tick is never missed; bad files are never cached (their errors repeat).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from pathlib import Path

from .cache import _cache_dir, code_digest
from .schema import LayerFile


def _entry(path: Path, data: bytes) -> tuple[str, Path]:
    key = hashlib.blake2b(code_digest().encode() + data, digest_size=16).hexdigest()
    return key, _cache_dir() / "layers" / f"{hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:24]}.pickle"


def remember_layer(path: Path, text: str, layer: LayerFile) -> None:
    """Cache a layer just written from data already validated (an import), so no command re-reads its YAML."""
    key, where = _entry(path, text.encode("utf-8"))
    _store(where, key, layer)


def read_layer_cached(path: Path) -> LayerFile:
    from .loader import read_layer_file

    try:
        data = path.read_bytes()
    except OSError:
        return read_layer_file(path)  # names the file and the problem
    key, where = _entry(path, data)
    try:
        with where.open("rb") as handle:
            stored_key, layer = pickle.load(handle)
        if stored_key == key and isinstance(layer, LayerFile):
            return layer
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
        pass
    layer = read_layer_file(path)
    _store(where, key, layer)
    return layer


def _store(where: Path, key: str, layer: LayerFile) -> None:
    try:
        where.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=where.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            pickle.dump((key, layer), handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, where)
    except OSError:
        pass  # a read-only cache folder only costs speed
