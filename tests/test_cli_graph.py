"""The graph commands end to end, in-process and as real subprocesses."""

from __future__ import annotations

import json
import subprocess
import sys

import networkx as nx
import pytest

from tests.test_graph_queries import GRAPH

EVIL = """\
  - {id: evil, kind: article, title: "[bold red]pwned[/] \\x1b[31mred\\x1b[0m", url: "javascript:alert(1)",
     sources: [{list: c.md, line: 2, order: 10}]}
"""


@pytest.fixture
def gd(write_layer):
    return str(write_layer(GRAPH + EVIL))


def test_topics_json_tree_with_counts(cli, gd):
    code, out, _ = cli("topics", "--graph-data", gd, "--json")
    assert code == 0
    [course] = json.loads(out)
    assert (course["id"], course["items"], course["done"]) == ("course", 4, 0)
    assert [c["id"] for c in course["children"]] == ["week-1", "week-2"]


def test_list_filters_by_topic_and_kind(cli, gd):
    _, out, _ = cli("list", "--graph-data", gd, "--topic", "Week 2", "--json")
    assert [n["id"] for n in json.loads(out)] == ["lenet", "alexnet"]
    _, out, _ = cli("list", "--graph-data", gd, "--kind", "video", "--json")
    assert [n["id"] for n in json.loads(out)] == ["intro-video"]


def test_show_everything_about_a_node(cli, gd):
    code, out, _ = cli("show", "ImageNet Classification with Deep CNNs", "--graph-data", gd, "--json")
    data = json.loads(out)
    assert code == 0 and data["id"] == "alexnet"
    assert data["prerequisites"] == [{"id": "lenet", "title": "LeNet", "reason": "scales LeNet up", "status": "unread"}]
    assert data["inherited_prerequisites"][0] == {"id": "week-1", "title": "Week 1", "via": "week-2", "reason": "weekly order"}
    assert data["sources"] == [{"list": "a.md", "line": 6}]
    _, out, _ = cli("show", "lenet", "--graph-data", gd, "--json")
    assert json.loads(out)["dependents"] == [{"id": "alexnet", "title": "AlexNet"}]


def test_next_path_search_json(cli, gd):
    _, out, _ = cli("next", "--graph-data", gd, "-n", "2", "--json")
    assert [n["id"] for n in json.loads(out)] == ["backprop", "intro-video"]
    _, out, _ = cli("path", "alexnet", "--graph-data", gd, "--json")
    assert [n["id"] for n in json.loads(out)] == ["backprop", "intro-video", "lenet", "alexnet"]
    _, out, _ = cli("search", "rumelhart", "--graph-data", gd, "--json")
    assert json.loads(out)[0]["id"] == "backprop"


def test_next_and_path_follow_real_progress(cli, gd):
    assert cli("mark", "backprop", "read", "--graph-data", gd)[0] == 0
    assert cli("mark", "intro-video", "skipped", "--graph-data", gd)[0] == 0
    _, out, _ = cli("next", "--graph-data", gd, "--json")
    assert [n["id"] for n in json.loads(out)] == ["lenet", "standalone", "evil"]
    _, out, _ = cli("path", "alexnet", "--graph-data", gd, "--json")
    assert [n["id"] for n in json.loads(out)] == ["lenet", "alexnet"]
    _, out, _ = cli("export", "--format", "markdown", "--graph-data", gd)
    assert "- [x] Backpropagation" in out and "- [ ] LeNet" in out
    assert out.index("Backpropagation") < out.index("LeNet") < out.index("AlexNet")


def test_untrusted_titles_print_literally_and_unsafe_links_are_not_links(cli, gd):
    _, out, _ = cli("show", "evil", "--graph-data", gd)
    assert "[bold red]pwned[/]" in out
    assert "\x1b" not in out
    _, md, _ = cli("export", "--format", "markdown", "--graph-data", gd)
    assert "javascript:" not in md


def test_unknown_node_is_one_line_with_suggestions(cli, gd):
    code, out, err = cli("show", "alexnte", "--graph-data", gd)
    assert code == 1 and out == ""
    assert err.startswith("tracker: unknown node 'alexnte' (did you mean: alexnet") and err.count("\n") == 1


def test_exports_parse_back(cli, gd, tmp_path):
    _, out, _ = cli("export", "--format", "json", "--graph-data", gd)
    data = json.loads(out)
    node = next(n for n in data["nodes"] if n["id"] == "alexnet")
    assert set(node) == {"id", "kind", "title", "aliases", "authors", "year", "url", "links", "arxiv", "doi", "openreview", "tags",
                         "topics", "implementation", "sources"}
    assert {"source": "alexnet", "target": "lenet", "kind": "requires", "reason": "scales LeNet up"} in data["edges"]
    assert {"source": "alexnet", "target": "week-2", "kind": "part_of", "reason": ""} in data["edges"]
    target = tmp_path / "g.graphml"
    assert cli("export", "--format", "graphml", "-o", str(target), "--graph-data", gd)[0] == 0
    graph = nx.read_graphml(target)
    assert graph.nodes["alexnet"]["title"] == "AlexNet" and graph.edges["alexnet", "lenet"]["kind"] == "requires"
    _, bib, _ = cli("export", "--format", "bibtex", "--graph-data", gd)
    assert bib.count("@") == 3 and "author = {David Rumelhart}" in bib
    _, mer, _ = cli("export", "--format", "mermaid", "--graph-data", gd)
    assert mer.startswith("graph LR") and mer.count("-->") == 3


def test_bad_graph_data_is_a_clear_error_not_a_traceback(tmp_path):
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "x.yaml").write_text("nodes:\n  - {id: a, title: A, colour: blue}\n")
    proc = subprocess.run([sys.executable, "-m", "tracker.cli.main", "next", "--graph-data", str(bad)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert f"{bad / 'x.yaml'}:2: node 'a' field colour" in proc.stderr


def test_non_tui_commands_import_neither_torch_nor_textual(gd):
    code = (
        "import sys\nfrom tracker.cli.main import main\n"
        f"for args in (['next'], ['show', 'alexnet'], ['mark', 'lenet', 'read'], ['stats'], ['impls'], ['search', 'x']):\n"
        f"    main(args + ['--graph-data', {gd!r}])\n"
        "bad = [m for m in ('torch', 'textual') if m in sys.modules]\n"
        "assert not bad, bad\nprint('clean')\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip().endswith("clean")
