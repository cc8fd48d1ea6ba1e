"""Malformed protocol lines are log text, never a crash or a lie (issue 12, item 4).

The parser is fuzzed with hypothesis: it never raises, and every event the
Reporter can send parses back to exactly what was sent.
"""

from __future__ import annotations

import io
import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.demo_protocol import PREFIX, Reporter, parse_line

FIGURE = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e300, max_value=1e300)
NAME = st.text(min_size=1, max_size=20).filter(lambda s: s.strip())
RESERVED = ("step", "series", "series_step")  # progress()'s own arguments, not metric names
JSON_LEAF = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
JSON = st.recursive(JSON_LEAF, lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=20)
EVENT_KEYS = st.sampled_from(["event", "total", "title", "series", "step", "series_step", "metrics", "text",
                              "measured", "threshold", "reproduced", "status", "name", "outcome"])
PAYLOAD = st.dictionaries(EVENT_KEYS, JSON, max_size=8) | st.fixed_dictionaries({"event": st.sampled_from(["start", "progress", "claim", "end", "test"])},
                                         optional={k: JSON for k in ("total", "step", "metrics", "text", "measured",
                                                                     "reproduced", "status", "series", "title")})


def protocol(payload) -> str:
    return PREFIX + json.dumps(payload)


@given(st.text(max_size=200))
def test_any_text_parses_without_raising(text):
    parse_line(text)
    parse_line(PREFIX + text)


@settings(max_examples=300)
@given(PAYLOAD)
def test_any_json_payload_parses_without_raising_and_only_to_valid_events(payload):
    event = parse_line(protocol(payload))
    if event is None:
        return
    data = event.data
    if event.kind == "start":
        assert type(data["total"]) is int and 1 <= data["total"] <= 10**9
        assert isinstance(data["title"], str) and all(isinstance(s, str) for s in data["series"])
    elif event.kind == "progress":
        assert type(data["step"]) is int and data["step"] >= 1
        assert all(type(v) is float and math.isfinite(v) for v in data["metrics"].values())
    elif event.kind == "claim":
        assert isinstance(data["text"], str) and type(data["reproduced"]) is bool
        assert all(v is None or (type(v) is float and math.isfinite(v)) for v in (data["measured"], data["threshold"]))


def test_the_reported_attacks_are_plain_log_text():
    attacks = [
        '{"event": "progress", "step": 1, "metrics": {"loss": 1%s}}' % ("0" * 400),  # OverflowError before
        '{"event": "start", "total": "lots"}',  # TypeError in the progress bar before
        '{"event": "claim", "text": {"a": 1}, "measured": 1, "threshold": 1, "reproduced": true}',  # DB error before
        '{"event": "progress", "step": 1e400, "metrics": {}}',
        '{"event": "progress", "step": 1%s, "metrics": {}}' % ("0" * 30),
        '{"event": "progress", "step": true, "metrics": {}}',
        '{"event": "progress", "step": 2, "metrics": {"loss": NaN}}',
        '{"event": "progress", "step": 2, "metrics": {"loss": "low"}}',
        '{"event": "claim", "text": "t", "measured": Infinity, "threshold": 1, "reproduced": true}',
        '{"event": "claim", "text": "t", "measured": 1, "threshold": 1, "reproduced": "yes"}',
        '{"event": "end", "status": ["reproduced"]}',
        '{"event": "start", "total": 5, "series": "plain"}',
        '{"event": "progress", "step": 2, "series": 7, "series_step": 1, "metrics": {}}',
        '[' * 100_000,
    ]
    for attack in attacks:
        assert parse_line("@@tracker " + attack) is None, attack


@settings(max_examples=200)
@given(total=st.integers(1, 10_000), step=st.integers(1, 10_000),
       metrics=st.dictionaries(NAME.filter(lambda s: s not in RESERVED), FIGURE, max_size=5),
       text=st.text(max_size=100), measured=FIGURE, threshold=FIGURE, reproduced=st.booleans(),
       series=st.lists(NAME, min_size=1, max_size=3, unique=True))
def test_every_event_the_reporter_sends_round_trips(total, step, metrics, text, measured, threshold, reproduced,
                                                    series):
    out = io.StringIO()
    report = Reporter(out, machine=True, human_lines=0, machine_events=10**9)
    report.start(total, title="t", series=series)
    report.progress(step, **metrics)
    report.progress(step, series=series[-1], **metrics)
    report.claim(text, measured, threshold, reproduced)
    report.end("reproduced")
    events = [e for e in map(parse_line, out.getvalue().splitlines()) if e is not None]
    assert [e.kind for e in events] == ["start", "progress", "progress", "claim", "end"]
    assert events[0].data == {"total": total, "title": "t", "series": series}
    assert events[1].data == {"step": step, "metrics": metrics}
    share = max(total // len(series), 1)
    inner = step - (len(series) - 1) * share  # inside the last series' block, or else counted from its first report
    series_step = inner if 1 <= inner <= share else 1
    assert events[2].data == {"step": step, "series": series[-1], "series_step": series_step, "metrics": metrics}
    assert events[3].data == {"text": text, "measured": measured, "threshold": threshold, "reproduced": reproduced}
    assert events[4].data == {"status": "reproduced"}


@settings(max_examples=100)
@given(series=st.lists(st.text("abcXYZ019 -", min_size=1, max_size=12).filter(str.strip), min_size=1, max_size=4,
                       unique=True), lengths=st.lists(st.integers(1, 150), min_size=4, max_size=4),
       equal=st.booleans(), every=st.integers(1, 60), budget=st.integers(0, 300))
def test_a_sparse_series_counts_its_steps_from_its_own_first_step(series, lengths, equal, every, budget):
    """Series k owns the k-th block of steps (equal shares, or the lengths the demo declares); reporting
    only every `every`-th step of it, its series_step must be the step inside that block (every,
    2*every, ...), not the count since its first report; every event sent parses, and neither its first
    report nor its last step is thinned away."""
    lengths = [lengths[0]] * len(series) if equal else lengths[:len(series)]
    out = io.StringIO()
    report = Reporter(out, machine=True, human_lines=budget, machine_events=budget)
    report.start(sum(lengths), series=series, series_steps=None if equal else lengths)
    firsts = [1 + sum(lengths[:k]) for k in range(len(series))]
    sent = {name: list(range(every, n + 1, every)) for name, n in zip(series, lengths)}
    for name, first in zip(series, firsts):
        for i in sent[name]:
            report.progress(first - 1 + i, series=name, loss=float(i))
    events = [e for e in map(parse_line, out.getvalue().splitlines()) if e is not None and e.kind == "progress"]
    human = [line for line in out.getvalue().split("\n") if not line.startswith(PREFIX)]
    for name, first, n in zip(series, firsts, lengths):
        mine = [e.data for e in events if e.data["series"] == name]
        assert all(d["series_step"] == d["step"] - first + 1 == d["metrics"]["loss"] for d in mine)
        assert all(d["series_step"] in sent[name] for d in mine)
        if sent[name]:
            assert mine[0]["series_step"] == sent[name][0]
            assert n not in sent[name] or mine[-1]["series_step"] == n
            assert f"{name} step {sent[name][0]}/{n}  loss {float(sent[name][0]):.4g}" in human


def test_series_a_watcher_would_drop_are_refused_at_start():
    report = Reporter(io.StringIO(), machine=True)
    for series, steps in ((["a", "a"], None), ([f"s{k}" for k in range(17)], None), (["a", "b"], [5]),
                          (["a", "b"], [5, 6]), (["a", "b"], [0, 10])):
        with pytest.raises(ValueError):
            report.start(10, series=series, series_steps=steps)


def test_a_series_the_demo_does_not_declare_takes_the_step_it_is_given():
    out = io.StringIO()
    report = Reporter(out, machine=True, human_lines=0, machine_events=10**9)
    report.start(1000)
    for first in (1, 501):                               # two undeclared series of 500 steps, every 25th reported
        for i in range(25, 501, 25):
            report.progress(first + i - 1, series=f"run {first}", series_step=i, loss=1.0)
    steps = [e.data["series_step"] for e in map(parse_line, out.getvalue().splitlines()) if e and e.kind == "progress"]
    assert steps == list(range(25, 501, 25)) * 2


@settings(max_examples=100)
@given(lengths=st.lists(st.integers(1, 120), min_size=2, max_size=4))
def test_series_laid_out_unlike_their_declaration_count_from_their_first_report(lengths):
    """A demo that declares series but trains them in blocks of other lengths, reporting every step
    (as the older demos do), still gets each series' step counted from 1: never a step that jumps
    back or starts part-way."""
    out = io.StringIO()
    report = Reporter(out, machine=True, human_lines=0, machine_events=10**9)
    names = [f"s{k}" for k in range(len(lengths))]
    report.start(sum(lengths), series=names)                  # no series_steps: equal shares assumed
    first = 1
    for name, n in zip(names, lengths):
        for i in range(1, n + 1):
            report.progress(first - 1 + i, series=name, loss=float(i))
        first += n
    for e in map(parse_line, out.getvalue().splitlines()):
        if e is not None and e.kind == "progress":
            assert e.data["series_step"] == e.data["metrics"]["loss"]
