"""``tracker import``: the user's own layer, re-imports in place, task lists, validation before writing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

LISTS = Path(__file__).parent / "fixtures" / "lists"


def test_import_goes_to_the_user_layer_and_reimport_keeps_progress(cli, tmp_path, isolated_user_data):
    empty = tmp_path / "shipped"
    empty.mkdir()
    src = tmp_path / "my-list.md"
    shutil.copy(LISTS / "link_titles.md", src)
    code, out, _ = cli("import", str(src), "--graph-data", str(empty), "--json")
    assert code == 0
    [entry] = json.loads(out)["imported"]
    layer = isolated_user_data / "lists" / "my-list.yaml"
    assert entry["layer"] == str(layer) and layer.is_file()
    assert cli("mark", "Attention is all you need", "read", "--graph-data", str(empty))[0] == 0
    src.write_text(src.read_text() + "\n- [A New Entry](https://example.org/new-entry)\n")
    assert cli("import", str(src), "--graph-data", str(empty))[0] == 0
    assert sorted(p.name for p in layer.parent.iterdir()) == ["my-list.yaml"]
    _, out, _ = cli("list", "--graph-data", str(empty), "--json")
    nodes = {n["title"]: n for n in json.loads(out)}
    assert nodes["Attention is all you need"]["status"] == "read"
    assert "A New Entry" in nodes
    assert len([n for n in nodes if n.startswith("Attention")]) == 1


def test_checked_task_items_become_read_without_overwriting(cli, tmp_path):
    empty = tmp_path / "shipped"
    empty.mkdir()
    code, out, _ = cli("import", str(LISTS / "obsidian.md"), "--graph-data", str(empty), "--json")
    assert code == 0 and json.loads(out)["marked_read"] == 1
    _, out, _ = cli("list", "--status", "read", "--graph-data", str(empty), "--json")
    assert [n["title"] for n in json.loads(out)] == ["Already Read Paper"]
    assert cli("mark", "Already Read Paper", "reading", "--graph-data", str(empty))[0] == 0
    _, out, _ = cli("import", str(LISTS / "obsidian.md"), "--graph-data", str(empty), "--json")
    assert json.loads(out)["marked_read"] == 0
    _, out, _ = cli("show", "Already Read Paper", "--graph-data", str(empty), "--json")
    assert json.loads(out)["status"] == "reading"


def test_an_import_that_breaks_the_graph_writes_nothing(cli, tmp_path, write_layer):
    folder = write_layer("nodes:\n  - {id: a, kind: paper, title: A, related: [weekly/week-1]}\n")
    into = tmp_path / "into"
    weekly = tmp_path / "weekly.md"
    weekly.write_text("# Plan\n### Week 1\n- **P** - x\n### Week 2\n- **Q** - y\n")
    assert cli("import", str(weekly), "--into", str(into), "--graph-data", str(folder))[0] == 0
    # Now a curated edge makes week 1 require week 2: a cycle with the imported week order.
    write_layer("nodes:\n  - {id: weekly/week-1, kind: topic, title: Week 1, "
                "requires: [{id: weekly/week-2, reason: backwards}]}\n", "curated.yaml")
    before = (into / "weekly.yaml").read_text()
    weekly.write_text(weekly.read_text() + "- **R** - z\n")
    code, _, err = cli("import", str(weekly), "--into", str(into), "--graph-data", str(folder))
    assert code == 1 and "would make the graph invalid; nothing written" in err and "cycle" in err
    assert (into / "weekly.yaml").read_text() == before


def test_a_curated_requirement_against_the_lists_week_order_is_dropped_with_a_warning(cli, tmp_path, write_layer):
    # Curated: X builds on Y. The user's plan reads X in week 1 and Y in week 2.
    folder = write_layer("nodes:\n"
                         "  - {id: x, kind: paper, title: Paper X, arxiv: '2001.00001', "
                         "requires: [{id: y, reason: builds on it}]}\n"
                         "  - {id: y, kind: paper, title: Paper Y, arxiv: '2001.00002'}\n")
    weekly = tmp_path / "plan.md"
    weekly.write_text("# Plan\n### Week 1\n- [Paper X](https://arxiv.org/abs/2001.00001)\n"
                      "### Week 2\n- [Paper Y](https://arxiv.org/abs/2001.00002)\n")
    code, _, err = cli("import", str(weekly), "--into", str(folder), "--graph-data", str(folder))
    assert code == 0
    assert "layer.yaml:2: ignoring 'x' requires 'y': with the order of the weeks it would wait for itself" in err
    code, out, _ = cli("next", "--json", "--graph-data", str(folder))
    assert code == 0 and [n["id"] for n in json.loads(out)] == ["x"]  # week 1 first, as the plan says
