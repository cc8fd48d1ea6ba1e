"""``tracker import``: the user's own layer, re-imports in place, task lists, validation before writing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

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


def write_list(path: Path, *entries: str) -> Path:
    path.write_text("# My List\n\n" + "".join(f"- {e}\n" for e in entries), encoding="utf-8")
    return path


def test_every_id_a_node_ever_had_resolves_after_many_renames(cli, tmp_path):
    empty = tmp_path / "shipped"
    empty.mkdir()
    src = tmp_path / "renames.md"
    ids = []
    for title in ("First Title of the Paper", "Second Title of the Paper", "Third Title of the Paper"):
        write_list(src, f"[{title}](https://example.org/paper-x)", "[A Stable Entry Here](https://example.org/y)")
        assert cli("import", str(src), "--graph-data", str(empty))[0] == 0
        _, out, _ = cli("show", title, "--graph-data", str(empty), "--json")
        ids.append(json.loads(out)["id"])
        if len(ids) == 1:
            assert cli("mark", ids[0], "read", "--graph-data", str(empty))[0] == 0
    assert ids == ["first-title-of-the-paper", "second-title-of-the-paper", "third-title-of-the-paper"]
    for old in ids:  # the first id survives two renames
        _, out, _ = cli("show", old, "--graph-data", str(empty), "--json")
        assert json.loads(out)["id"] == ids[-1]
    _, out, _ = cli("list", "--status", "read", "--graph-data", str(empty), "--json")
    assert [n["id"] for n in json.loads(out)] == [ids[-1]]  # progress stored against the first id


def test_a_reimport_that_lost_most_entries_is_refused_unless_replace(cli, tmp_path, isolated_user_data):
    empty = tmp_path / "shipped"
    empty.mkdir()
    src = write_list(tmp_path / "shrinks.md", "[Deep Residual Learning](https://arxiv.org/abs/1512.03385)",
                     "[Attention Is All You Need](https://arxiv.org/abs/1706.03762)")
    assert cli("import", str(src), "--graph-data", str(empty))[0] == 0
    layer = isolated_user_data / "lists" / "shrinks.yaml"
    before = layer.read_text()
    src.write_text("")
    code, _, err = cli("import", str(src), "--graph-data", str(empty))
    assert code == 1
    assert "refusing to replace" in err and "keeps 0 of its 2 entries" in err and "'Attention Is All You Need'" in err
    assert "--replace" in err and layer.read_text() == before
    _, out, _ = cli("list", "--graph-data", str(empty), "--json")
    assert len(json.loads(out)) == 2
    assert cli("import", str(src), "--graph-data", str(empty), "--replace")[0] == 0
    _, out, _ = cli("list", "--graph-data", str(empty), "--json")
    assert [n["kind"] for n in json.loads(out)] == ["topic"]  # only the emptied list's own topic is left


def test_the_report_counts_lists_merges_with_their_key_and_warns(cli, tmp_path, write_layer):
    folder = write_layer("nodes:\n"
                         "  - {id: resnet, kind: paper, title: Deep Residual Learning for Image Recognition,"
                         " aliases: [ResNet], arxiv: '1512.03385', url: 'https://arxiv.org/abs/1512.03385'}\n")
    src = write_list(tmp_path / "report.md", "[He et al.](https://arxiv.org/pdf/1512.03385v2.pdf)",
                     "[ResNet](https://paperswithcode.com/lib/torchvision/resnet)",
                     "[A New Paper On Things](https://example.org/new)", "[Again](https://arxiv.org/abs/1512.03385)",
                     "[Once More](https://arxiv.org/abs/1512.03385v3)", "<https://example.org/some-page>")
    into = tmp_path / "into"
    code, out, err = cli("import", str(src), "--into", str(into), "--graph-data", str(folder))
    assert code == 0
    assert "6 entries \u2192 3 nodes" in out
    assert "report.md:3: 'He et al' -> merged into 'Deep Residual Learning for Image Recognition' (resnet, from the " \
           "curated graph) by arXiv id" in out
    assert "report.md:4: 'ResNet' -> merged into" in out and "by curated alias" in out
    assert "report.md:3: 4 entries of this list became one node" in err
    assert "merged titles differ a lot: 'He et al'" in err
    assert "report.md:8: no title found; named 'Some page (example.org)' from its link" in err


def test_dry_run_shows_each_entry_and_writes_nothing(cli, tmp_path, isolated_user_data):
    empty = tmp_path / "shipped"
    empty.mkdir()
    src = write_list(tmp_path / "preview.md", "[Attention Is All You Need](https://arxiv.org/abs/1706.03762)",
                     "[The Transformer Paper Again](https://arxiv.org/pdf/1706.03762v5.pdf)")
    code, out, _ = cli("import", str(src), "--graph-data", str(empty), "--dry-run")
    assert code == 0 and not (isolated_user_data / "lists").exists()
    assert "2 entries \u2192 1 node," in out and "(dry run, nothing written)" in out
    assert "preview.md:3: Attention Is All You Need -> attention-is-all-you-need: new" in out
    assert "preview.md:4: The Transformer Paper Again -> attention-is-all-you-need: same as line 3 by arXiv id" in out
    code, out, _ = cli("import", str(src), "--graph-data", str(empty), "--dry-run", "--json")
    [report] = json.loads(out)["imported"]
    assert [o["how"] for o in report["outcomes"]] == ["new", "same as line 3 by arXiv id"]


def test_import_order_does_not_change_the_graph(cli, tmp_path, monkeypatch):
    empty = tmp_path / "shipped"
    empty.mkdir()
    a = write_list(tmp_path / "a.md", "[Understanding LSTM Networks](https://colah.github.io/posts/2015-08-Understanding-LSTMs/)",
                   "[Vanilla](http://karpathy.github.io/2015/05/21/rnn-effectiveness/)")
    b = write_list(tmp_path / "b.md", "[Colah on LSTMs](https://colah.github.io/posts/2015-08-Understanding-LSTMs)",
                   "[Vanilla](http://cs231n.github.io/optimization-2/)")
    graphs = []
    for n, order in enumerate(((a, b), (b, a))):
        monkeypatch.setenv("TRACKER_DATA_DIR", str(tmp_path / f"data{n}"))
        for path in order:
            assert cli("import", str(path), "--graph-data", str(empty))[0] == 0
        _, out, _ = cli("export", "--format", "json", "--graph-data", str(empty))
        graphs.append(json.loads(out.replace(str(tmp_path / f"data{n}"), "DATA")))
    assert graphs[0] == graphs[1]
    titles = sorted(n["title"] for n in graphs[0]["nodes"] if n["kind"] != "topic")
    assert titles == ["Understanding LSTM Networks", "Vanilla", "Vanilla"]


def test_hand_edits_in_overrides_survive_reimport(cli, tmp_path, isolated_user_data):
    empty = tmp_path / "shipped"
    empty.mkdir()
    src = write_list(tmp_path / "mine.md", "[Attention Is All You Need](https://arxiv.org/abs/1706.03762)",
                     "[Deep Residual Learning for Image Recognition](https://arxiv.org/abs/1512.03385)")
    assert cli("import", str(src), "--graph-data", str(empty))[0] == 0
    lists = isolated_user_data / "lists"
    assert "overrides.yaml" in (lists / "mine.yaml").read_text().splitlines()[1]  # the header says where edits go
    (lists / "overrides.yaml").write_text(
        "overrides:\n"
        "  - {id: attention-is-all-you-need, title: The Transformer paper, tags: [must-read], notes: Read twice.,\n"
        "     requires: [{id: deep-residual-learning-for-image-recognition, reason: my own order}]}\n"
        "  - {id: no-such-node, title: Gone}\n")
    src.write_text(src.read_text() + "- [A Third Paper on Something](https://example.org/third)\n")
    code, _, err = cli("import", str(src), "--graph-data", str(empty))
    assert code == 0 and "override #2 names unknown node 'no-such-node'" in err
    assert sorted(p.name for p in lists.iterdir()) == ["mine.yaml", "overrides.yaml"]
    _, out, _ = cli("show", "attention-is-all-you-need", "--graph-data", str(empty), "--json")
    shown = json.loads(out)
    assert shown["title"] == "The Transformer paper" and "must-read" in shown["tags"]
    _, out, _ = cli("next", "--graph-data", str(empty), "--json")
    assert "attention-is-all-you-need" not in [n["id"] for n in json.loads(out)]  # now waits for ResNet


def test_old_ids_kept_as_aliases_by_an_older_layer_are_carried_forward(cli, tmp_path, isolated_user_data):
    empty = tmp_path / "shipped"
    empty.mkdir()
    lists = isolated_user_data / "lists"
    lists.mkdir()
    (lists / "legacy.yaml").write_text(
        "list: {id: legacy, title: Legacy, file: legacy.md}\n"
        "nodes:\n"
        "  - {id: legacy, kind: topic, title: Legacy}\n"
        "  - {id: second-name, kind: paper, title: Second Name For It, aliases: [first-name],"
        " url: 'https://example.org/p', topics: [legacy]}\n")
    src = write_list(tmp_path / "legacy.md", "[Third Name For The Paper](https://example.org/p)")
    assert cli("import", str(src), "--graph-data", str(empty))[0] == 0
    for old in ("first-name", "second-name"):
        _, out, _ = cli("show", old, "--graph-data", str(empty), "--json")
        assert json.loads(out)["id"] == "third-name-for-the-paper"


def test_an_import_leaves_its_layer_validated_in_the_cache_exactly_as_read_back(cli, tmp_path, isolated_user_data,
                                                                              monkeypatch):
    import tracker.graph.loader as loader
    from tracker.graph.layer_cache import read_layer_cached

    empty = tmp_path / "shipped"
    empty.mkdir()
    assert cli("import", str(LISTS / "link_titles.md"), "--graph-data", str(empty))[0] == 0
    layer = isolated_user_data / "lists" / "link-titles.yaml"
    from_disk = loader.read_layer_file(layer)
    monkeypatch.setattr(loader, "read_layer_file", lambda p: pytest.fail(f"re-read {p}"))
    assert read_layer_cached(layer) == from_disk


def test_the_first_command_after_an_import_uses_the_graph_the_import_built(cli, tmp_path, monkeypatch):
    import tracker.graph.loader as loader

    empty = tmp_path / "shipped"
    empty.mkdir()
    assert cli("import", str(LISTS / "link_titles.md"), "--graph-data", str(empty))[0] == 0
    monkeypatch.setattr(loader, "load_graph", lambda *a, **k: pytest.fail("rebuilt the graph after an import"))
    code, out, _ = cli("list", "--graph-data", str(empty), "--json")
    assert code == 0 and "Attention is all you need" in {n["title"] for n in json.loads(out)}


def test_two_files_with_one_list_id_in_one_import_are_not_silently_merged(cli, tmp_path, isolated_user_data):
    empty = tmp_path / "shipped"
    empty.mkdir()
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    first = write_list(tmp_path / "one" / "notes.md", "[First List Entry Here](https://example.org/1)")
    second = write_list(tmp_path / "two" / "notes.md", "[Second List Entry Here](https://example.org/2)")
    code, _, err = cli("import", str(first), str(second), "--graph-data", str(empty))
    assert code == 1 and "has the same list id 'notes'" in err
    assert "First List Entry Here" in (isolated_user_data / "lists" / "notes.yaml").read_text()
