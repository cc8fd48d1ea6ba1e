"""A hostile reading list imported and exported by real `tracker` processes: every export stays inert.

Issue 12 items 5-7: escapes from titles reached the terminal through
markdown and Mermaid exports, a title forged BibTeX fields, and a URL with
``)`` broke out of its markdown link.
"""

from __future__ import annotations

from urllib.parse import unquote

import pytest

from tests.reliability.store_helpers import Tracker
from tests.test_export_safety import markdown_summary, parse_bibtex

pytestmark = pytest.mark.slow

HOSTILE_LIST = (
    "# Hostile \x1b]0;pwned\x07list\n\n"
    "- [Innocent](<https://e.com/a)[x](javascript:alert(1)>)\n"
    "- **Forged}}, year = 1066, month = jan, note = 2** (Eve 2017) https://e.com/forged.pdf\n"
    "- \x1b[2J\x1b[HClear screen\x07 https://e.com/clear\n"
)


def test_exports_of_an_imported_hostile_list_are_inert(tmp_path):
    tracker = Tracker(tmp_path)
    tracker.write_graph("nodes: []\n")
    source = tmp_path / "hostile.md"
    source.write_text(HOSTILE_LIST, encoding="utf-8")
    assert tracker("import", str(source)).returncode == 0
    out = {}
    for fmt in ("markdown", "bibtex", "mermaid", "graphml", "json"):
        proc = tracker("export", "--format", fmt)
        assert proc.returncode == 0 and proc.stderr == "", (fmt, proc.stderr)
        assert "\x1b" not in proc.stdout and "\x07" not in proc.stdout, fmt
        out[fmt] = proc.stdout
    links = markdown_summary(out["markdown"])["links"]
    assert sorted(unquote(link) for link in links) == [
        "https://e.com/a)[x](javascript:alert(1)", "https://e.com/clear", "https://e.com/forged.pdf"]
    entries = parse_bibtex(out["bibtex"])
    forged = [e for e in entries.values() if "Forged" in e.fields["title"]]
    assert len(forged) == 1 and forged[0].fields.get("year") == "2017" and "month" not in forged[0].fields
