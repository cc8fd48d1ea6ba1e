"""A note saved over a version that changed meanwhile: the store refuses, and carries both versions."""

from __future__ import annotations

import pytest

from tracker.store import open_store
from tracker.store.api import NoteConflict


def test_update_note_is_a_compare_and_set_on_updated_at(tmp_path):
    path = tmp_path / "t.db"
    with open_store(path) as mine, open_store(path) as theirs:
        note = mine.add_note("n", "first")
        first_stamp = note.updated_at
        edited = theirs.update_note(note.uid, "their edit", expected_updated_at=first_stamp)
        assert edited.updated_at > first_stamp
        with pytest.raises(NoteConflict) as caught:
            mine.update_note(note.uid, "my edit", expected_updated_at=first_stamp)
        conflict = caught.value
        assert conflict.mine == "my edit" and conflict.theirs.body == "their edit"
        assert conflict.theirs.updated_at == edited.updated_at and conflict.uid == note.uid
        assert "changed elsewhere" in str(conflict)
        assert [n.body for n in mine.notes(["n"])] == ["their edit"]  # nothing written over
        again = mine.update_note(note.uid, "merged", expected_updated_at=conflict.theirs.updated_at)
        assert [n.body for n in theirs.notes(["n"])] == ["merged"] and again.updated_at > edited.updated_at
        assert mine.update_note(note.uid, "no check").body == "no check"  # the CLI's plain update still works


def test_two_saves_in_the_same_microsecond_still_change_the_stamp(tmp_path):
    with open_store(tmp_path / "t.db") as store:
        note = store.add_note("n", "a")
        stamps = [note.updated_at]
        for body in "bcdef":
            stamps.append(store.update_note(note.uid, body, expected_updated_at=stamps[-1]).updated_at)
        assert stamps == sorted(set(stamps))
