"""An override links a list's own node (a concept with no paper) to an implementation, and says when it is missing."""

from tracker.graph.loader import load_graph


def test_an_override_links_a_concept_to_an_implementation(write_layer):
    folder = write_layer("""
        nodes:
          - {id: reg, kind: topic, title: Regularization}
          - {id: early, kind: topic, title: Early Stopping, topics: [reg], concept: true}
    """, "list.yaml")
    write_layer("""
        overrides:
          - {id: early, implementation: early_stopping}
          - {id: reg, implementation: not_there}
    """, "over.yaml")
    tg = load_graph([folder], known_implementations={"early_stopping"})
    assert tg.nodes["early"].implementation == "early_stopping"
    assert any("'not_there' is not installed" in w for w in tg.warnings)


def test_the_shipped_concepts_link_their_implementations():
    from tracker.config import SHIPPED_GRAPH_DIR
    from tracker.impl_meta import discover

    tg = load_graph([SHIPPED_GRAPH_DIR], known_implementations=set(discover()))
    linked = {n.implementation for n in tg.nodes.values() if n.implementation}
    assert {"early_stopping", "norm_penalties", "realnvp", "adamw"} <= linked
    assert not [w for w in tg.warnings if "not installed" in w]
