"""The what-now queue and the explained learning path on a weekly list imported by the real importer.

The list has the shape of the shipped weekly course: each week's papers,
then bare "Helpful YouTube links" that the importer marks supplementary.
"""

from __future__ import annotations

import pytest

from tracker.graph import queries
from tracker.graph.loader import load_graph
from tracker.graph.path import learning_path
from tracker.graph.queue import what_now
from tracker.ingest.layer import build_layer, layer_yaml
from tracker.ingest.parser import parse_file

COURSE = """\
# Course

### Week 1

#### Paper 1: Learning representations by back-propagating errors
A walk down of the original paper:

https://www.youtube.com/watch?v=aaaaaaaaaaa

Helpful YouTube links:

1. https://www.youtube.com/watch?v=bbbbbbbbbbb
2. https://www.youtube.com/watch?v=ccccccccccc

### Week 2

#### Paper 1: Gradient-Based Learning Applied to Document Recognition

Helpful YouTube links:

1. https://www.youtube.com/watch?v=ddddddddddd

### Week 3

#### Paper 1: Deep Residual Learning for Image Recognition
"""

CURATED = """\
nodes:
  - id: lenet
    kind: paper
    title: Gradient-Based Learning Applied to Document Recognition
    authors: [Yann LeCun]
    year: 1998
    implementation: lenet
"""

WEEK1_VIDEO = "youtube-video-bbbbbbbbbbb-helpful-youtube-links"
WEEK2_VIDEO = "youtube-video-ddddddddddd-helpful-youtube-links"
BACKPROP = "learning-representations-by-back-propagating-errors"
RESNET = "deep-residual-learning-for-image-recognition"


@pytest.fixture
def tg(tmp_path):
    source = tmp_path / "course.md"
    source.write_text(COURSE, encoding="utf-8")
    graph = tmp_path / "graph"
    (graph / "lists").mkdir(parents=True)
    (graph / "curated").mkdir()
    (graph / "curated" / "papers.yaml").write_text(CURATED, encoding="utf-8")
    (graph / "lists" / "course.yaml").write_text(layer_yaml(build_layer(parse_file(source, "course"))),
                                                 encoding="utf-8")
    return load_graph(graph)


def test_the_importer_marks_a_weeks_helpful_links_supplementary_and_the_papers_core(tg):
    supplementary = {n for n, node in tg.nodes.items() if node.supplementary}
    assert supplementary == {WEEK1_VIDEO, WEEK2_VIDEO, "youtube-video-ccccccccccc-helpful-youtube-links",
                             "youtube-video-aaaaaaaaaaa"}
    assert tg.nodes["youtube-video-aaaaaaaaaaa"].title == "A walk down of the original paper"
    assert tg.nodes["lenet"].curated and not tg.nodes["lenet"].supplementary


def test_supplementary_items_never_gate_the_next_week(tg):
    progress = {BACKPROP: "read"}  # week 1's three videos are all unread
    assert "lenet" in queries.ready(tg, progress)
    assert RESNET not in queries.ready(tg, progress)  # week 3 still waits for week 2's core paper
    progress["lenet"] = "read"
    assert RESNET in queries.ready(tg, progress)  # week 2's helpful video is unread: no matter
    assert queries.learning_path(tg, RESNET, {}) == [BACKPROP, "lenet", RESNET]


def test_the_learners_flip_makes_an_extra_core_and_a_paper_optional(tg):
    roles = {WEEK1_VIDEO: "core"}
    assert "lenet" not in queries.ready(tg, {BACKPROP: "read"}, roles=roles)  # now it gates week 2
    assert "lenet" in queries.ready(tg, {BACKPROP: "read", WEEK1_VIDEO: "skipped"}, roles=roles)
    assert RESNET in queries.ready(tg, {BACKPROP: "read"}, roles={"lenet": "optional"})


def test_the_queue_ranks_a_curated_week_2_paper_above_an_untitled_supplementary_video(tg):
    queue = what_now(tg, {BACKPROP: "read"})
    order = [r.node_id for r in queue.rows]
    assert order.index("lenet") < order.index(WEEK2_VIDEO)
    assert order[0] == "lenet"  # every core row before any supplementary one
    rows = {r.node_id: r for r in queue.rows}
    assert rows["lenet"].reasons == ("next in Week 2", "curated, with an implementation")
    assert rows[WEEK2_VIDEO].reasons == ("supplementary to Week 2", "untitled in its list")
    assert rows[WEEK2_VIDEO].optional and not rows["lenet"].optional


def test_reading_items_come_first_and_the_counts_are_true(tg):
    progress = {BACKPROP: "read", RESNET: "reading"}
    full = what_now(tg, progress, limit=None)
    ready = queries.ready(tg, progress)
    assert full.ready == len(ready) == 5 and full.reading == 1
    page = what_now(tg, progress, limit=3)
    assert [r.node_id for r in page.rows][:2] == [RESNET, "lenet"]
    assert page.rows[0].reasons[0] == "you are reading it"
    assert (page.ready, page.shown_ready, page.summary()) == (5, 2, "1 reading · 5 ready, showing 2")


def test_the_path_says_why_each_step_is_there_folds_done_steps_and_leaves_out_extras(tg):
    lp = learning_path(tg, RESNET, {BACKPROP: "read"}, estimates={"lenet": 90})
    assert lp.steps == ["lenet", RESNET] and lp.done == [BACKPROP]
    # what --optional would add: the unread extras of the weeks the path crosses
    assert sorted(lp.hidden_optional) == sorted(["youtube-video-aaaaaaaaaaa", WEEK1_VIDEO,
                                                 "youtube-video-ccccccccccc-helpful-youtube-links", WEEK2_VIDEO])
    why = lp.why("lenet")
    assert (why.reason, why.needed_by, why.via) == ("Week 2 comes before Week 3 in Course", RESNET, "Week 2")
    assert lp.why(RESNET).reason == "your target"
    assert lp.minutes == {"lenet": 90, RESNET: 120} and lp.total_minutes == 210  # own estimate, then per kind
    with_extras = learning_path(tg, RESNET, {}, optional=True)
    assert with_extras.steps == queries.learning_path(tg, RESNET, {}, optional=True)
    assert set(with_extras.steps) >= {WEEK1_VIDEO, WEEK2_VIDEO} and with_extras.hidden_optional == []
    assert with_extras.steps.index(WEEK2_VIDEO) < with_extras.steps.index(RESNET)


def test_cli_next_and_path_show_reasons_counts_and_the_total(cli, tg, tmp_path):
    graph = str(tmp_path / "graph")
    assert cli("mark", BACKPROP, "read", "--graph-data", graph)[0] == 0
    code, out, _ = cli("next", "-n", "2", "--graph-data", graph)
    assert code == 0 and "5 ready, showing 2" in out and "next in Week 2 · curated, with an implementation" in out
    assert cli("estimate", "lenet", "1h30", "--graph-data", graph)[0] == 0
    code, out, _ = cli("path", RESNET, "--graph-data", graph)
    assert code == 0 and "2 steps, about 3h 30m" in out and "1 done" in out and "4 optional left out" in out
    assert "Week 2 comes before Week 3 in Course — for Deep Residual Learning for Image Recognition, via Week 2" in out
    code, _, err = cli("estimate", "lenet", "soon", "--graph-data", graph)
    assert code != 0 and "estimate 'soon': write a time such as 3h" in err
    assert cli("role", WEEK2_VIDEO, "core", "--graph-data", graph)[0] == 0
    code, out, _ = cli("path", RESNET, "--graph-data", graph)
    assert "3 steps" in out and "3 optional left out" in out  # week 2's video is core now: a step
