"""Every entry shape and markdown form the importer reads, one small list each.

Titles and ids are real papers' facts; the markup around them is the way
public reading lists write them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tracker.ingest.parser import parse_file, parse_text


def parse(text: str, base_url: str | None = None):
    return parse_text(text, Path("shapes.md"), "shapes", base_url)


def only(parsed, **where):
    found = [i for i in parsed.items if all(getattr(i, k) == v for k, v in where.items())]
    assert len(found) == 1, [(i.title, i.line) for i in parsed.items]
    return found[0]


def test_citation_paragraph_with_quoted_bold_title_authors_year_and_stars():
    parsed = parse('# Roadmap\n\n## 1.3 ImageNet Evolution\n\n'
                   '**[7]** He, Kaiming, et al. "**Deep residual learning for image recognition**." arXiv preprint '
                   'arXiv:1512.03385 (2015). [[pdf]](https://arxiv.org/pdf/1512.03385.pdf) **(ResNet, CVPR best paper)** '
                   ':star::star::star::star::star:\n\n'
                   '**[0]** Bengio, Yoshua, Ian J. Goodfellow, and Aaron Courville. "**Deep learning**." An MIT Press book. '
                   '(2015). [[html]](http://www.deeplearningbook.org/) :star::star::star:\n')
    resnet = only(parsed, line=5)
    assert resnet.title == "Deep residual learning for image recognition"
    assert resnet.title_source == "citation" and resnet.ids == {"arxiv": "1512.03385"}
    assert resnet.authors == ["Kaiming He"] and resnet.year == 2015 and resnet.stars == 5
    assert resnet.url == "https://arxiv.org/pdf/1512.03385.pdf"
    assert [(l.label, l.kind) for l in resnet.links] == [("[pdf]", "paper")]
    book = only(parsed, line=7)
    assert book.title == "Deep learning" and book.stars == 3
    assert book.authors == ["Yoshua Bengio", "Ian J. Goodfellow", "Aaron Courville"]
    assert resnet.topic[-1] == "ImageNet Evolution"  # section numbers are not part of the topic's name


def test_plain_quoted_title_in_a_citation():
    parsed = parse('# R\n\n**[20]** Chen, Tianqi, Ian Goodfellow, and Jonathon Shlens. "Net2net: Accelerating learning '
                   'via knowledge transfer." arXiv preprint arXiv:1511.05641 (2015). [[pdf]](https://arxiv.org/abs/1511.05641)\n')
    item = only(parsed, line=3)
    assert item.title == "Net2net: Accelerating learning via knowledge transfer"
    assert item.ids["arxiv"] == "1511.05641" and item.year == 2015


def test_bold_title_bullet_with_year_authors_and_pdf_label():
    parsed = parse("# Papers\n\n### Optimization\n"
                   "- **Adam: A method for stochastic optimization** (2014), D. Kingma and J. Ba "
                   "[[pdf]](http://arxiv.org/pdf/1412.6980)\n"
                   "- Recurrent neural network regularization (2014), W. Zaremba et al. [[pdf]](http://arxiv.org/pdf/1409.2329)\n")
    adam = only(parsed, line=4)
    assert adam.title == "Adam: A method for stochastic optimization" and adam.title_source == "bold"
    assert adam.year == 2014 and adam.authors == ["D. Kingma", "J. Ba"] and adam.ids == {"arxiv": "1412.6980"}
    zaremba = only(parsed, line=5)
    assert zaremba.title == "Recurrent neural network regularization" and zaremba.year == 2014
    assert zaremba.authors == ["W. Zaremba et al"]


def test_underscored_titles_with_search_scholar_pdf_labels_and_tag_notes():
    parsed = parse(
        "# GANs\n\n"
        " 1. __Generative Adversarial Networks__ -   ([Search](http://www.google.com/search?q=Generative))  "
        "([Scholar](http://scholar.google.com/scholar?q=Generative))   ([PDF](https://arxiv.org/pdf/1406.2661))  "
        "([arXiv](https://arxiv.org/abs/1406.2661))\n"
        "    - `2014/6` __`GAN`__ `NIPS 2014`\n\n"
        " 2. __Wasserstein GAN__ -   ([Search](http://www.google.com/search?q=Wasserstein))  "
        "([Scholar](http://scholar.google.com/scholar?q=Wasserstein))   ([PDF](https://arxiv.org/pdf/1701.07875))\n"
        "    - `2017/1` __`WGAN`__\n\n"
        " 3. __Improved Training of Wasserstein GANs__ -   ([Search](http://www.google.com/search?q=Improved))\n")
    titles = [i.title for i in parsed.items]
    assert titles == ["Generative Adversarial Networks", "Wasserstein GAN", "Improved Training of Wasserstein GANs"]
    gan = parsed.items[0]
    assert gan.ids == {"arxiv": "1406.2661"} and gan.year == 2014
    assert gan.url == "https://arxiv.org/pdf/1406.2661"  # the PDF, never the search link
    assert {l.label for l in gan.links} == {"Search", "Scholar", "PDF", "arXiv"}
    assert parsed.items[2].url is None  # only a search link: no identity URL


@pytest.mark.parametrize("link", ["[pdf](https://e.org/a.pdf)", "[[pdf]](https://e.org/a.pdf)",
                                  "[**Paper**](https://e.org/a.pdf)", "([Search](https://google.com/search?q=x))",
                                  "[[Code]](https://github.com/a/b)", "[Tweet](https://x.com/a/status/1)",
                                  "[blog_2](https://e.org/post)"])
def test_labels_are_never_titles_in_any_wrapping(link):
    parsed = parse(f"# L\n\n- Learning Phrase Representations using RNN Encoder-Decoder {link}\n")
    item = only(parsed, line=3)
    assert item.title == "Learning Phrase Representations using RNN Encoder-Decoder"


def test_a_link_text_used_for_several_urls_in_one_list_is_a_label_there():
    parsed = parse("# L\n\n"
                   "- Sequence to Sequence Learning with Neural Networks [Read](https://arxiv.org/abs/1409.3215)\n"
                   "- Neural Machine Translation by Jointly Learning to Align [Read](https://arxiv.org/abs/1409.0473)\n"
                   "- Effective Approaches to Attention-based NMT [Read](https://arxiv.org/abs/1508.04025)\n")
    assert [i.title for i in parsed.items] == ["Sequence to Sequence Learning with Neural Networks",
                                               "Neural Machine Translation by Jointly Learning to Align",
                                               "Effective Approaches to Attention-based NMT"]


def test_a_bare_id_is_no_title_when_text_names_the_paper():
    parsed = parse("# L\n\n- Generative Adversarial Nets [1406.2661](https://arxiv.org/abs/1406.2661)\n")
    item = only(parsed, line=3)
    assert item.title == "Generative Adversarial Nets" and item.ids == {"arxiv": "1406.2661"}


def test_with_nothing_better_the_title_says_what_the_thing_is():
    parsed = parse("# L\n\n- [1706.03762](https://arxiv.org/abs/1706.03762)\n- <https://example.org/talks/deep-nets>\n")
    assert parsed.items[0].title == "arXiv 1706.03762" and parsed.items[0].derived_title
    assert parsed.items[1].derived_title and "example.org" in parsed.items[1].title


def test_table_rows_by_title_header_bold_or_spaced_titles_and_label_links():
    parsed = parse(
        "# Week\n\n| **Paper** | **Links** |\n| --- | --- |\n"
        "| 1) **Kolmogorov-Arnold Networks** - proposes KANs as alternatives to MLPs | "
        "[Paper](https://arxiv.org/abs/2404.19756), [Tweet](https://x.com/a/status/1) |\n"
        "| 2) Ultra-Fast Diffusion-based Language Models  This paper introduces Mercury, and it **thinks** fast. | "
        "[Paper](https://arxiv.org/abs/2506.17298), [Tweet](https://x.com/a/status/2) |\n")
    kan, mercury = parsed.items
    assert kan.title == "Kolmogorov-Arnold Networks" and kan.ids == {"arxiv": "2404.19756"} and kan.line == 5
    assert mercury.title == "Ultra-Fast Diffusion-based Language Models" and mercury.line == 6
    assert mercury.url == "https://arxiv.org/abs/2506.17298" and mercury.title_source == "table"


def test_table_without_a_title_header_uses_the_wordiest_cell_and_the_type_column():
    parsed = parse("# T\n\n| # | What | Type |\n|---|---|---|\n"
                   "| 1 | Dive into Deep Learning | Book |\n| 2 | Practical Deep Learning for Coders | Course |\n")
    assert [(i.title, i.kind) for i in parsed.items] == [("Dive into Deep Learning", "book"),
                                                         ("Practical Deep Learning for Coders", "course")]


def test_a_heading_naming_one_paper_with_field_bullets():
    parsed = parse('# Classics\n\n## Generative models\n\n### 5. "Generative Adversarial Networks" (2014)\n'
                   "- **Authors**: Ian Goodfellow, Jean Pouget-Abadie, Mehdi Mirza\n"
                   "- **arXiv**: [1406.2661](https://arxiv.org/abs/1406.2661)\n"
                   "- **Code**: [reference](https://github.com/goodfeli/adversarial)\n"
                   "- **Why read**: the minimax game that started it all\n")
    item = only(parsed, line=5)
    assert item.title == "Generative Adversarial Networks" and item.year == 2014
    assert item.authors == ["Ian Goodfellow", "Jean Pouget-Abadie", "Mehdi Mirza"]
    assert item.ids["arxiv"] == "1406.2661" and item.url == "https://arxiv.org/abs/1406.2661"
    assert "https://github.com/goodfeli/adversarial" in {l.url for l in item.links}
    assert "minimax" in item.description and item.topic[-1] == "Generative models"


def test_a_bold_paragraph_then_an_author_line_then_a_bare_url():
    parsed = parse("# Reading\n\n**Attention Is All You Need**\n\n*Vaswani et al. (2017)*\n\n"
                   "https://arxiv.org/abs/1706.03762\n\n**Just emphasis in prose, no entry here**\n\nSome prose.\n")
    item = only(parsed, line=3)
    assert item.title == "Attention Is All You Need" and item.year == 2017
    assert item.url == "https://arxiv.org/abs/1706.03762" and item.ids == {"arxiv": "1706.03762"}
    assert len(parsed.items) == 1


def test_headings_inside_bullets_and_year_section_headings():
    parsed = parse("# L\n\n## 2015\n\n- ### Batch Normalization\n  - [paper](https://arxiv.org/abs/1502.03167)\n"
                   "- [Deep Residual Learning for Image Recognition](https://arxiv.org/abs/1512.03385)\n")
    resnet = only(parsed, title="Deep Residual Learning for Image Recognition")
    assert resnet.topic[-1] == "2015" and resnet.year == 2015
    assert any(i.title == "Batch Normalization" for i in parsed.items)


def test_html_anchors_reference_links_and_curly_wrappers():
    parsed = parse('# L\n\n<p><a href="https://arxiv.org/abs/1409.3215">Sequence to Sequence Learning</a></p>\n\n'
                   "- [Neural Turing Machines][ntm]\n- {{https://arxiv.org/abs/1503.02531}} Distilling the Knowledge\n\n"
                   "[ntm]: https://arxiv.org/abs/1410.5401\n")
    by_title = {i.title: i for i in parsed.items}
    assert by_title["Sequence to Sequence Learning"].ids == {"arxiv": "1409.3215"}
    assert by_title["Neural Turing Machines"].url == "https://arxiv.org/abs/1410.5401"
    distil = next(i for i in parsed.items if i.ids.get("arxiv") == "1503.02531")
    assert distil.url == "https://arxiv.org/abs/1503.02531"


def test_relative_links_resolve_against_base_url_or_stay_local():
    text = "# L\n\n- [Notes on ResNet](notes/resnet.md)\n"
    assert only(parse(text), line=3).url == "notes/resnet.md"
    assert only(parse(text, base_url="https://github.com/me/list/blob/main/"), line=3).url == \
        "https://github.com/me/list/blob/main/notes/resnet.md"


def test_an_entry_with_no_url_at_all():
    parsed = parse("# L\n\n## Papers\n\n- Vaswani et al. (2017). Attention Is All You Need. NeurIPS.\n"
                   '- Hochreiter, S., and Schmidhuber, J. "Long Short-Term Memory." Neural Computation (1997).\n')
    lstm = only(parsed, line=6)
    assert lstm.title == "Long Short-Term Memory" and lstm.url is None and lstm.year == 1997
    assert any(i.url is None and "Attention Is All You Need" in i.title for i in parsed.items)


def test_untrusted_markup_in_titles_is_stored_literally(tmp_path):
    listing = tmp_path / "hostile.md"
    listing.write_text("# L\n\n- [bold red]x[/] and \x1b[2Jmore\x07 [pdf](https://e.org/p)\n", encoding="utf-8")
    parsed = parse_file(listing)
    assert parsed.items[0].title == "[bold red]x[/] and more"
    assert any(w.line == 3 and "control characters" in w.message for w in parsed.warnings)
    parsed = parse("# L\n\n- [bold red]x[/] and more [pdf](https://e.org/p)\n")
    assert parsed.items[0].title == "[bold red]x[/] and more"


def test_black_star_ratings():
    parsed = parse("# L\n\n- [Dropout: A Simple Way to Prevent Overfitting](https://jmlr.org/papers/v15/srivastava14a.html) ★★★★\n")
    assert parsed.items[0].stars == 4


def test_a_table_of_contents_is_not_entries():
    parsed = parse("# Awesome\n\n* **[Books](#books)**\n* **[Courses](#courses)**\n\n### Books\n\n"
                   "1. [Deep Learning](http://www.deeplearningbook.org/) by Goodfellow\n")
    assert [(i.title, i.kind) for i in parsed.items] == [("Deep Learning", "book")]
    assert parsed.items[0].authors == ["Goodfellow"]
