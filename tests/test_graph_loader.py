"""Every validation error names the file, the line and the problem; merging rules hold."""

from __future__ import annotations

import pytest

from tracker.graph.loader import GraphError, load_graph


def problems(folder) -> list[str]:
    with pytest.raises(GraphError) as info:
        load_graph(folder)
    return info.value.problems


def test_unknown_field_names_file_line_node_and_field(write_layer):
    folder = write_layer("""\
        nodes:
          - id: a
            title: A
          - id: b
            title: B
            titel: typo
        """)
    [problem] = problems(folder)
    assert problem.startswith(f"{folder / 'layer.yaml'}:4: node 'b' field titel")
    assert "Extra inputs are not permitted" in problem


def test_duplicate_ids_in_one_file(write_layer):
    folder = write_layer("""\
        nodes:
          - {id: a, title: A}
          - {id: a, title: Another}
        """)
    assert problems(folder) == [f"{folder / 'layer.yaml'}:3: duplicate id 'a' (first defined at line 2)"]


def test_dangling_references(write_layer):
    folder = write_layer("""\
        nodes:
          - id: a
            kind: paper
            title: A
            topics: [nowhere]
            requires: [{id: ghost, reason: needed}]
            related: [phantom]
        """)
    found = problems(folder)
    assert any("node 'a': unknown topic 'nowhere'" in p for p in found)
    assert any("requires unknown node 'ghost'" in p for p in found)
    assert any("related to unknown node 'phantom'" in p for p in found)
    assert all(p.startswith(f"{folder / 'layer.yaml'}:2:") for p in found)


def test_prerequisite_cycle_is_named(write_layer):
    folder = write_layer("""\
        nodes:
          - {id: a, kind: paper, title: A, requires: [{id: b, reason: x}]}
          - {id: b, kind: paper, title: B, requires: [{id: c, reason: x}]}
          - {id: c, kind: paper, title: C, requires: [{id: a, reason: x}]}
        """)
    [problem] = problems(folder)
    assert "prerequisite cycle" in problem
    cycle = problem.split("cycle: ")[1].split(" (files")[0].split(" -> ")
    assert cycle[0] == cycle[-1] and set(cycle) == {"a", "b", "c"}


def test_requirement_without_reason_and_bad_id(write_layer):
    folder = write_layer("""\
        nodes:
          - {id: Bad Id, title: X}
          - {id: b, title: B, requires: [{id: bad-id}]}
        """)
    found = problems(folder)
    assert any(":2: node 'Bad Id' field id" in p and "lowercase slug" in p for p in found)
    assert any(":3: node 'b' field requires.0.reason" in p for p in found)


def test_invalid_yaml_and_unsafe_tags(write_layer):
    folder = write_layer("nodes:\n  - {id: a, title: [unclosed\n")
    [problem] = problems(folder)
    assert problem.startswith(f"{folder / 'layer.yaml'}:") and "invalid YAML" in problem
    folder = write_layer("nodes:\n  - !!python/object/apply:os.system ['echo pwned']\n")
    [problem] = problems(folder)
    assert "invalid YAML" in problem  # safe loading refuses the tag; nothing is executed


def test_not_utf8_and_wrong_shape(write_layer, tmp_path):
    folder = write_layer("- just\n- a list\n")
    assert "expected a mapping" in problems(folder)[0]
    (folder / "layer.yaml").write_bytes(b"nodes: []\n\xff\xfe")
    assert "not UTF-8" in problems(folder)[0]


def test_layers_merge_by_arxiv_url_title_and_alias(write_layer):
    write_layer("""\
        nodes:
          - {id: resnet, kind: paper, title: Deep Residual Learning for Image Recognition, aliases: [ResNet],
             url: "https://arxiv.org/abs/1512.03385", arxiv: "1512.03385"}
          - {id: blog-post, kind: article, title: A Blog Post, url: "https://blog.example.org/post/"}
        """, "curated/a.yaml")
    folder = write_layer("""\
        list: {id: l, title: L, file: l.md}
        nodes:
          - {id: l, kind: topic, title: L}
          - {id: resnet-pdf, kind: paper, title: Some Other Title, url: "http://arxiv.org/pdf/1512.03385v2.pdf", topics: [l],
             sources: [{list: l.md, line: 3}]}
          - {id: resnet-2, kind: paper, title: ResNet, topics: [l], sources: [{list: l.md, line: 4}]}
          - {id: post, kind: article, title: Post, url: "https://www.blog.example.org/post?fbclid=abc", topics: [l],
             sources: [{list: l.md, line: 5}]}
          - {id: deep-residual-learning-for-image-recognition, kind: paper,
             title: "deep residual learning for image recognition.", topics: [l], sources: [{list: l.md, line: 6}]}
        """, "lists/l.yaml")
    graph = load_graph(folder)
    assert sorted(n for n in graph.nodes if not graph.nodes[n].is_topic) == ["blog-post", "resnet"]
    assert [s.line for s in graph.nodes["resnet"].sources] == [3, 4, 6]
    assert graph.resolve("resnet-pdf") == "resnet"  # old ids keep resolving
    assert graph.resolve("post") == "blog-post"
    assert graph.out_ids("resnet", "part_of") == ["l"]


def test_same_id_for_different_things_does_not_merge(write_layer):
    folder = write_layer("""\
        nodes:
          - {id: deep-learning, kind: talk, title: Deep Learning, url: "https://www.youtube.com/watch?v=abc"}
        """, "a.yaml")
    write_layer("""\
        nodes:
          - {id: deep-learning, kind: paper, title: Deep learning, url: "https://www.nature.com/articles/nature14539",
             related: [deep-learning]}
        """, "b.yaml")
    graph = load_graph(folder)
    assert graph.nodes["deep-learning"].kind == "talk"
    assert graph.nodes["deep-learning-2"].kind == "paper"
    assert graph.nodes["deep-learning-2"].url.endswith("nature14539")


def test_missing_implementation_is_a_warning_not_an_error(write_layer):
    folder = write_layer("nodes:\n  - {id: a, kind: paper, title: A, implementation: nope}\n")
    graph = load_graph(folder, known_implementations={"backprop"})
    assert len(graph.warnings) == 1 and "implementation 'nope' is not installed" in graph.warnings[0]


def test_cached_graph_is_reused_and_invalidated_by_edits(write_layer, tmp_path, monkeypatch):
    from tracker.graph.cache import load_graph_cached

    monkeypatch.setenv("TRACKER_CACHE_DIR", str(tmp_path / "cache"))
    folder = write_layer("nodes:\n  - {id: a, kind: paper, title: A}\n")
    first = load_graph_cached([folder])
    assert list((tmp_path / "cache").glob("graph-*.pickle"))
    second = load_graph_cached([folder])
    assert second.nodes["a"].title == "A" and second is not first
    import os
    import time

    write_layer("nodes:\n  - {id: a, kind: paper, title: A changed}\n")
    os.utime(folder / "layer.yaml", ns=(time.time_ns(), time.time_ns() + 10**9))
    assert load_graph_cached([folder]).nodes["a"].title == "A changed"
    write_layer("nodes:\n  - {id: a, kind: paper, title: A, colour: red}\n")
    with pytest.raises(GraphError):
        load_graph_cached([folder])  # invalid data is never served from an older cache


def test_each_data_folder_keeps_its_own_cache(write_layer, tmp_path, monkeypatch):
    from tracker.graph.cache import load_graph_cached

    monkeypatch.setenv("TRACKER_CACHE_DIR", str(tmp_path / "cache"))
    first = write_layer("nodes:\n  - {id: a, kind: paper, title: A}\n")
    second = tmp_path / "other"
    second.mkdir()
    (second / "layer.yaml").write_text("nodes:\n  - {id: b, kind: paper, title: B}\n")
    load_graph_cached([first])
    load_graph_cached([second])
    assert len(list((tmp_path / "cache").glob("graph-*.pickle"))) == 2  # switching kept the first one
    import tracker.graph.loader as loader

    def no_rebuild(*args, **kwargs):
        raise AssertionError("rebuilt a graph that was cached")

    monkeypatch.setattr(loader, "load_graph", no_rebuild)
    assert list(load_graph_cached([first]).nodes) == ["a"]
    assert list(load_graph_cached([second]).nodes) == ["b"]


def test_yaml_aliases_that_blow_a_layer_up_are_refused(write_layer):
    links = ", ".join(f'{{url: "https://e.org/{i}"}}' for i in range(2000))
    nodes = "\n".join(f"  - {{id: n{i}, kind: paper, title: N{i}, links: *many}}" for i in range(1, 200))
    folder = write_layer(f"nodes:\n  - {{id: n0, kind: paper, title: N0, links: &many [{links}]}}\n{nodes}\n")
    [problem] = problems(folder)
    assert problem.startswith(f"{folder / 'layer.yaml'}:1: YAML aliases expand this layer more than")
    small = write_layer("nodes:\n  - {id: a, kind: paper, title: A, tags: &t [x, y]}\n  - {id: b, kind: paper, title: B, tags: *t}\n")
    assert load_graph(small).nodes["b"].tags == ["x", "y"]  # modest reuse is fine


def test_validated_layers_are_reused_per_file_and_any_edit_is_seen(write_layer, tmp_path, monkeypatch):
    import os

    import tracker.graph.loader as loader
    from tracker.graph.layer_cache import read_layer_cached

    folder = write_layer("nodes:\n  - {id: a, kind: paper, title: A}\n")
    path = folder / "layer.yaml"
    assert read_layer_cached(path).nodes[0].title == "A"
    stat = path.stat()
    calls = []
    real = loader.read_layer_file
    monkeypatch.setattr(loader, "read_layer_file", lambda p: calls.append(p) or real(p))
    assert read_layer_cached(path).nodes[0].title == "A" and calls == []  # served from the cache
    path.write_text("nodes:\n  - {id: a, kind: paper, title: B}\n")  # same size, same timestamp
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert read_layer_cached(path).nodes[0].title == "B" and calls == [path]
    path.write_text("nodes:\n  - {id: a, kind: paper, title: B, colour: red}\n")
    with pytest.raises(GraphError):
        read_layer_cached(path)  # a bad file is never served from an older cache
