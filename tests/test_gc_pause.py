"""The collector pause used by large imports always restores the collector's state."""

from __future__ import annotations

import gc

import pytest

from tracker.gc_pause import gc_paused
from tracker.ingest.parser import parse_text


def test_pause_nests_and_restores_even_on_error():
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner block must not re-enable under the outer one
    assert gc.isenabled()
    with pytest.raises(ValueError):
        with gc_paused():
            raise ValueError("boom")
    assert gc.isenabled()


def test_a_caller_that_disabled_the_collector_keeps_it_disabled(tmp_path):
    gc.disable()
    try:
        parse_text("# List\n\n- [A paper](https://example.org/a)\n", tmp_path / "l.md")
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_parsing_leaves_the_collector_enabled(tmp_path):
    parsed = parse_text("# List\n\n- [A paper](https://example.org/a)\n", tmp_path / "l.md")
    assert gc.isenabled()
    assert [item.title for item in parsed.items] == ["A paper"]
