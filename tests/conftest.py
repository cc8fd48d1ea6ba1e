"""Shared fixtures: isolated user data, small graphs written as YAML layers, the CLI in-process."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED_LISTS = REPO.parent / "shared" / "reading_lists"


@pytest.fixture(autouse=True)
def isolated_user_data(tmp_path_factory, monkeypatch):
    """Every test gets its own data folder and database; the real ones are never touched."""
    data = tmp_path_factory.mktemp("userdata")
    monkeypatch.setenv("TRACKER_DATA_DIR", str(data))
    monkeypatch.setenv("TRACKER_CACHE_DIR", str(data / "cache"))
    monkeypatch.delenv("TRACKER_DB", raising=False)
    monkeypatch.delenv("TRACKER_GRAPH_DATA", raising=False)
    return data


@pytest.fixture
def write_layer(tmp_path):
    """Write a YAML layer (dedented text) into a graph folder and return the folder."""
    folder = tmp_path / "graph"
    folder.mkdir(exist_ok=True)

    def write(text: str, name: str = "layer.yaml") -> Path:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return folder

    return write


@pytest.fixture
def cli(capsys):
    """Run the CLI in-process; returns (exit code, stdout, stderr)."""
    from tracker.cli.main import main

    def run(*args: str) -> tuple[int, str, str]:
        code = main(list(args))
        out = capsys.readouterr()
        return code, out.out, out.err

    return run
