"""The README's key table says what the footer shows: every key, its footer label and its binding id."""

from __future__ import annotations

import re
from pathlib import Path

from tracker.tui.bindings import APP_BINDINGS, BROWSE_BINDINGS, NODE_BINDINGS

README = Path(__file__).resolve().parents[2] / "README.md"


def key_table() -> list[list[str]]:
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## The TUI"):]
    section = section[:section.index("\n## ", 1)]
    rows = [line for line in section.splitlines() if line.startswith("| ") and not line.startswith("| ---")]
    return [[cell.strip() for cell in row.strip("|").split("|")] for row in rows[1:]]


def test_every_footer_key_is_in_the_readme_with_its_label_and_id():
    rows = key_table()
    for binding in NODE_BINDINGS + BROWSE_BINDINGS + APP_BINDINGS:
        matching = [row for row in rows if f"`{binding.id}`" in row[3]]
        assert len(matching) == 1, binding.id
        keys, footer, _does, _ids = matching[0]
        shown = binding.key_display or binding.key
        assert f"`{shown}`" in keys, (binding.id, keys)
        if binding.show:
            label = binding.group.description if binding.group else binding.description
            assert re.search(rf"\b{re.escape(label)}\b", footer), (binding.id, footer)
        else:
            assert footer == "", binding.id
    documented = {i for row in rows for i in re.findall(r"`([a-z_]+)`", row[3])}
    assert documented == {b.id for b in NODE_BINDINGS + BROWSE_BINDINGS + APP_BINDINGS}
