"""Malformed protocol lines are log text, never a crash or a lie (issue 12, item 4).

The parser is fuzzed with hypothesis: it never raises, and every event the
Reporter can send parses back to exactly what was sent.
"""

from __future__ import annotations

import io
import json
import math

from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.demo_protocol import PREFIX, Reporter, parse_line

FIGURE = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e300, max_value=1e300)
NAME = st.text(min_size=1, max_size=20).filter(lambda s: s.strip())
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
@given(total=st.integers(1, 10_000), step=st.integers(1, 10_000), metrics=st.dictionaries(NAME, FIGURE, max_size=5),
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
    assert events[2].data == {"step": step, "series": series[-1], "series_step": 1, "metrics": metrics}
    assert events[3].data == {"text": text, "measured": measured, "threshold": threshold, "reproduced": reproduced}
    assert events[4].data == {"status": "reproduced"}
