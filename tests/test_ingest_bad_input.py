"""Bad input is reported with file:line and never stops the rest of the file (or the CLI)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker.ingest.parser import parse_file, parse_text
from tracker.ingest.reading import UnreadableList


def test_undecodable_bytes_are_replaced_and_reported(tmp_path):
    path = tmp_path / "bad.md"
    path.write_bytes(b"# Topic\n- **Good Paper** - fine\n- **Bro\xff\xfeken** - bytes\n- **Also Fine** - ok\n")
    parsed = parse_file(path)
    titles = [i.title for i in parsed.items]
    assert titles[0] == "Good Paper" and titles[2] == "Also Fine"
    assert "\ufffd" in titles[1]
    assert [(w.line, "undecodable" in w.message) for w in parsed.warnings] == [(3, True)]
    assert str(parsed.warnings[0]).startswith(f"{path}:3: ")


def test_binary_file_is_refused_with_a_clear_message(tmp_path):
    path = tmp_path / "image.md"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    with pytest.raises(UnreadableList, match="binary"):
        parse_file(path)


def test_empty_file_warns_and_yields_nothing(tmp_path):
    path = tmp_path / "empty.md"
    path.write_text("  \n\n")
    parsed = parse_file(path)
    assert parsed.items == [] and [w.message for w in parsed.warnings] == ["empty file: nothing to import"]


def test_megabyte_line_is_cut_and_the_rest_imports(tmp_path):
    path = tmp_path / "long.md"
    path.write_text("# T\n- [Huge](https://example.org/" + "a" * 1_000_000 + ")\n- **After** - still here\n")
    parsed = parse_file(path)
    assert any(w.line == 2 and "cut" in w.message for w in parsed.warnings)
    assert parsed.items[-1].title == "After" and parsed.items[-1].line == 3


def test_unbalanced_markup_still_imports_the_good_lines(tmp_path):
    text = "# T\n- [unclosed link(https://x.org\n- **bold never closed\n- [[wiki never closed\n- **Good** - ok\n```\nfence never closed\n"
    parsed = parse_text(text, tmp_path / "u.md")
    assert "Good" in [i.title for i in parsed.items]


def test_cli_import_reports_bad_files_without_traceback(tmp_path):
    good = tmp_path / "good.md"
    good.write_text("# Topic\n- **A Paper** - note\n")
    binary = tmp_path / "bin.md"
    binary.write_bytes(b"\x00\x01\x02" * 100)
    missing = tmp_path / "missing.md"
    out = tmp_path / "layers"
    proc = subprocess.run([sys.executable, "-m", "tracker.cli.main", "import", str(good), str(binary), str(missing),
                           "--into", str(out), "--graph-data", str(tmp_path / "nograph")],
                          capture_output=True, text=True, timeout=60)
    assert "Traceback" not in proc.stderr
    assert proc.returncode == 1
    assert f"{binary}: looks like a binary file" in proc.stderr
    assert f"{missing}: no such file" in proc.stderr
    assert (out / "good.yaml").is_file()


_pieces = st.sampled_from(list("#-*_[]()!:`>|^ \n\t$\\abcxyz0129") + [
    "https://x.org/a", "[[", "]]", "**", "\r", "\x00", "é", "â€™", "\n- ", "\n  - ", "\n### ", "#PAPER ", "^blk", "[x] "])
markdownish = st.lists(_pieces, max_size=120).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(markdownish)
def test_importer_never_raises_on_markdown_like_text(text):
    from tracker.ingest.layer import build_layer

    parsed = parse_text(text, Path("fuzz.md"))
    layer = build_layer(parsed)
    ids = [n["id"] for n in layer["nodes"]]
    assert len(ids) == len(set(ids))


@settings(max_examples=80, deadline=None)
@given(st.binary(max_size=600))
def test_reader_never_raises_on_arbitrary_bytes(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("fuzz") / "x.md"
    path.write_bytes(data)
    try:
        parsed = parse_file(path)
    except UnreadableList as err:
        assert "binary" in str(err)
    else:
        assert all(w.line >= 1 for w in parsed.warnings)


def test_lists_nested_past_the_depth_limit_are_flattened_with_a_warning_not_dropped(tmp_path):
    from tracker.ingest.blocks import MAX_DEPTH

    lines = ["# Deep", ""] + ["  " * d + f"- level {d} note" for d in range(MAX_DEPTH + 30)]
    lines += ["  " * (MAX_DEPTH + 30) + "- [Deepest Paper On Things](https://e.org/deepest)", "- [After](https://e.org/after)"]
    path = tmp_path / "deep.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    parsed = parse_file(path)
    titles = {i.title for i in parsed.items}
    assert {"Deepest Paper On Things", "After"} <= titles
    assert any(f"deeper than {MAX_DEPTH} levels" in w.message for w in parsed.warnings)


def test_a_bad_front_matter_loses_only_itself(tmp_path):
    path = tmp_path / "fm.md"
    path.write_text("---\ntitle: [[[[\n---\n# Kept list\n\n- [Kept Paper Title](https://e.org/k)\n", encoding="utf-8")
    parsed = parse_file(path)
    assert [i.title for i in parsed.items] == ["Kept Paper Title"]
    assert any(w.line == 1 and "front matter" in w.message for w in parsed.warnings)
