"""No implementation grows a new copy of a shared primitive without it being held to the references.

A recurrent cell class or a momentum optimiser outside ``_common`` must either derive from the shared
one or be a copy that ``test_conformance.py`` checks; ``cosine_after_hold``, parameter counting and
the ring of Gaussians' sampler and scores, and attention, are never redefined.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# (file under implementations/, class): each is read out against PyTorch in test_conformance.py
CONFORMANCE_CHECKED = {
    ("lstm/model.py", "LSTMCell"), ("lstm/model.py", "GRUCell"),
    ("lstm_variants/model.py", "VariantLSTMCell"), ("ntm/model.py", "LSTMCell"),
    ("bahdanau_attention/gru.py", "GRUCell"), ("ctc/model.py", "GRUCell"),
    ("backprop/model.py", "MomentumDescent"),
}
PRIMITIVE_CLASS = re.compile(r"(LSTM|GRU)\w*Cell$|Momentum")
NEVER_REDEFINED = {"cosine_after_hold", "count_parameters", "num_parameters",
                   "mode_centres", "sample_mixture", "mode_coverage", "balanced_precision",
                   "scaled_dot_product_attention", "padding_mask"}
SELF_ATTENTION_CLASS = re.compile(r"MultiHead\w*Attention$|SelfAttention$")


def _sources():
    for path in sorted(ROOT.glob("*/*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if not rel.startswith("_common/") and not path.name.startswith("test_"):
            yield rel, ast.parse(path.read_text(encoding="utf-8"))


def test_every_primitive_copy_derives_from_the_shared_one_or_is_conformance_checked():
    strays = []
    for rel, tree in _sources():
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and PRIMITIVE_CLASS.search(node.name):
                bases = {b.id for b in node.bases if isinstance(b, ast.Name)}
                derived = any(b.startswith("Shared") for b in bases)   # e.g. class LSTMCell(SharedLSTMCell)
                if not derived and (rel, node.name) not in CONFORMANCE_CHECKED:
                    strays.append(f"{rel}: class {node.name}")
    assert not strays, "use implementations._common (or add the copy to test_conformance.py): " + ", ".join(strays)


def test_schedules_and_parameter_counting_are_not_redefined():
    redefined = [f"{rel}: def {node.name}" for rel, tree in _sources() for node in ast.walk(tree)
                 if isinstance(node, ast.FunctionDef) and node.name in NEVER_REDEFINED]
    assert not redefined, "import these from implementations._common: " + ", ".join(redefined)


def test_multi_head_attention_has_one_home():
    copies = [f"{rel}: class {node.name}" for rel, tree in _sources() for node in ast.walk(tree)
              if isinstance(node, ast.ClassDef) and SELF_ATTENTION_CLASS.search(node.name)]
    assert not copies, "use implementations._common.attention.MultiHeadAttention: " + ", ".join(copies)


def test_the_allowed_copies_are_exactly_those_the_conformance_test_runs():
    from implementations._common import test_conformance as conformance

    def where(cls: type) -> tuple[str, str]:
        module = cls.__module__.removeprefix("implementations.").replace(".", "/") + ".py"
        return module, cls.__name__

    made = {where(type(copy.make())) for copy in [*conformance.LSTM_COPIES.values(), *conformance.GRU_COPIES.values()]}
    made = {m for m in made if not m[0].startswith("_common/")} | {where(conformance.MomentumDescent)}
    assert made == CONFORMANCE_CHECKED
