"""The layer writer: whatever text a list holds, the YAML reads back as exactly the data written."""

from __future__ import annotations

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.ingest.yaml_out import dump

LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
scalars = st.one_of(st.text(), st.integers(-10**12, 10**12), st.booleans(), st.none(),
                    st.sampled_from(["yes", "No", "null", "~", "1e3", "2016-01-01", "0x1f", "on", "- a", "a: b",
                                     "#x", "[x]", "{y}", "x, y", "'q'", '"q"', "a #b", "1:20", "=", "<<", "\x85",
                                     "\u2028", "\x7f", "\ufeff", "tab\there", " lead", "trail ", "\\"]))
flat = st.dictionaries(st.sampled_from(["url", "label", "kind", "list", "line"]), scalars, max_size=4)
node = st.fixed_dictionaries({"id": st.text(min_size=1), "title": scalars}, optional={
    "topics": st.lists(st.text(), max_size=3), "links": st.lists(flat, max_size=3), "empty": st.just([]),
    "nested": st.dictionaries(st.text(max_size=5), scalars, max_size=2), "year": st.integers(1600, 2200)})


@settings(max_examples=300, deadline=None)
@given(st.fixed_dictionaries({"list": st.dictionaries(st.sampled_from(["id", "title", "file"]), st.text()),
                              "nodes": st.lists(node, max_size=4)}))
def test_written_yaml_reads_back_as_the_same_data(layer):
    assert yaml.load(dump(layer), Loader=LOADER) == layer


def test_plain_where_safe_and_readable():
    text = dump({"nodes": [{"id": "resnet", "title": "Deep Residual Learning", "year": 2015,
                            "topics": ["cnn"], "sources": [{"list": "a.md", "line": 3}], "url": "https://x.org/a"}]})
    assert text == ("nodes:\n"
                    "  - id: resnet\n"
                    "    title: Deep Residual Learning\n"
                    "    year: 2015\n"
                    "    topics:\n"
                    "      - cnn\n"
                    "    sources:\n"
                    "      - {list: a.md, line: 3}\n"
                    '    url: "https://x.org/a"\n')
