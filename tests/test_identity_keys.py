"""The identity primitives: strong ids from links and prose, normalised URLs, placeholders, specific titles."""

from __future__ import annotations

import pytest

from tracker.graph.identity import (arxiv_id, doi_of, ids_in_text, is_placeholder_url, is_specific_title,
                                    normalize_title, normalize_url, openreview_id, strong_keys)


@pytest.mark.parametrize("url, expected", [
    ("https://arxiv.org/abs/1512.03385", "1512.03385"),
    ("http://arxiv.org/pdf/1512.03385v2.pdf", "1512.03385"),
    ("https://arxiv.org/html/2010.11929v3", "2010.11929"),
    ("https://export.arxiv.org/abs/1412.6980v9", "1412.6980"),
    ("https://arxiv.org/abs/math/0406077", "math/0406077"),
    ("https://arxiv.org/abs/1313.00001", None),  # month 13
    ("https://arxiv.org/abs/1706.0376", None),  # a 2017 id has five digits
    ("https://example.org/abs/1706.03762", None),
])
def test_arxiv_id_from_links_without_versions(url, expected):
    assert arxiv_id(url) == expected


@pytest.mark.parametrize("text, expected", [
    ("Kingma, D. P., & Ba, J. Adam. arXiv:1412.6980 (2014).", {"arxiv": "1412.6980"}),
    ("Simonyan, K. Very deep networks. arXiv preprint arXiv:1409.1556 (2014).", {"arxiv": "1409.1556"}),
    ("ViT: 2010.11929.", {"arxiv": "2010.11929"}),
    ("arXiv 1706.03762v5", {"arxiv": "1706.03762"}),
    ("LeCun et al. Nature 521, doi:10.1038/nature14539.", {"doi": "10.1038/nature14539"}),
    ("(10.1016/S0893-6080(05)80023-1)", {"doi": "10.1016/s0893-6080(05)80023-1"}),
    ("trained for 1412.6980 steps", {}),  # a number with no colon or arXiv before it
])
def test_ids_in_text(text, expected):
    assert ids_in_text(text) == expected


def test_doi_and_openreview_ids():
    assert doi_of("https://doi.org/10.1109/ICPR.1990.119325") == "10.1109/icpr.1990.119325"
    assert doi_of("https://dx.doi.org/10.1038/nature14539") == "10.1038/nature14539"
    assert doi_of("https://dl.acm.org/doi/abs/10.1145/1273445.1273458") == "10.1145/1273445.1273458"
    assert doi_of("10.1162/neco.1997.9.8.1735.") == "10.1162/neco.1997.9.8.1735"
    assert doi_of("https://example.org/paper/10") is None
    assert openreview_id("https://openreview.net/forum?id=p-BhZSz59o4") == "p-BhZSz59o4"
    assert openreview_id("https://openreview.net/pdf?id=p-BhZSz59o4") == "p-BhZSz59o4"
    assert openreview_id("https://openreview.net/group?id=ICLR.cc") is None


def test_normalised_urls_ignore_scheme_www_slash_pdf_and_tracking():
    same = ["https://www.example.org/papers/x.pdf", "http://example.org/papers/x/",
            "https://example.org/papers/x?utm_source=feed&fbclid=abc", "https://example.org/papers/x#section"]
    assert {normalize_url(u) for u in same} == {"example.org/papers/x"}
    assert normalize_url("https://youtu.be/8rrHTtUzyZA") == normalize_url("https://www.youtube.com/watch?v=8rrHTtUzyZA")
    assert normalize_url("https://example.org/p?id=1") != normalize_url("https://example.org/p?id=2")
    assert normalize_url("javascript:alert(1)") is None


def test_strong_keys_in_order_and_placeholders_are_no_keys():
    keys = strong_keys({"doi": "10.1/x", "arxiv": "1512.03385"}, "https://papers.example.org/resnet")
    assert keys == [("arxiv", "1512.03385"), ("doi", "10.1/x"), ("url", "papers.example.org/resnet")]
    assert strong_keys({}, "https://papers.example.org/resnet", placeholder=True) == []
    assert strong_keys({"arxiv": "1512.03385"}, "https://arxiv.org/abs/1512.03385") == [("arxiv", "1512.03385")]


def test_placeholder_urls():
    assert is_placeholder_url("https://github.com/vlgiitr/DL_Topics/blob/master")
    assert is_placeholder_url("https://github.com/vlgiitr/DL_Topics/tree/main/")
    assert is_placeholder_url("https://github.com/vlgiitr")
    assert is_placeholder_url("https://github.com/vlgiitr/DL_Topics", kind="paper")
    assert not is_placeholder_url("https://github.com/karpathy/char-rnn", kind="code")  # a repo is its code
    assert not is_placeholder_url("https://github.com/a/b/blob/master/notes/batchnorm.md")
    assert not is_placeholder_url("https://colah.github.io/posts/2015-08-Understanding-LSTMs/")


@pytest.mark.parametrize("title, specific", [
    ("Attention Is All You Need", True), ("Neural Networks and Deep Learning", True),
    ("Generative Adversarial Networks", True), ("Vanilla", False), ("BERT", False), ("Deep Learning", False),
    ("Introduction", False), ("Introduction to Deep Learning", False), ("Lecture 3: Deep Learning", False),
])
def test_specific_titles(title, specific):
    assert is_specific_title(normalize_title(title)) is specific
