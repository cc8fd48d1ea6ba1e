"""Search on the 100k-node benchmark graph: as typed, with a typo, with 1,000 notes; rapidfuzz against difflib.

Run alone with ``python -m benchmarks.bench_search``. The goal is under 50 ms
warm for every query. ``typo_scorer_*`` times the one function the typo
reading needs (a query against every word of the graph, unbucketed) with difflib's ``SequenceMatcher.ratio`` (quick_ratio first,
as the old search did) and with rapidfuzz's ``fuzz.ratio`` with a cutoff;
``typo_quality_*`` counts, on the shipped graph, the typo queries whose
intended node comes first.
"""

from __future__ import annotations

import random
import tempfile
import time
from datetime import datetime, timedelta, timezone
from difflib import SequenceMatcher
from pathlib import Path

from benchmarks.bench_topics import cpu_seconds
from benchmarks.timing import median_seconds as timed

NOW = datetime(2026, 6, 1, tzinfo=timezone.utc)
# (typo, the title it means) on the shipped graph.
TYPOS = [("tranformer", "Attention Is All You Need"), ("transfomer", "Attention Is All You Need"),
         ("resnte", "Deep Residual Learning for Image Recognition"),
         ("dropuot", "Dropout: A Simple Way to Prevent Neural Networks from Overfitting"),
         ("batchnrom", "Batch Normalization: Accelerating Deep Network Training by Reducing Internal Covariate Shift"),
         ("alexnte", "ImageNet Classification with Deep Convolutional Neural Networks"),
         ("word2vce", "Efficient Estimation of Word Representations in Vector Space"),
         ("lenet5", "Gradient-Based Learning Applied to Document Recognition")]


def big_graph():
    from benchmarks.bench_graph import parse_merge_build
    from benchmarks.generate_lists import generate

    with tempfile.TemporaryDirectory() as tmp:
        return parse_merge_build(generate(Path(tmp) / "q", 100_000))


def _difflib_close(query: str, words: list[str]) -> int:
    bound = SequenceMatcher(None, "", query)
    found = 0
    for word in words:
        bound.set_seq1(word)
        if bound.quick_ratio() >= 0.8 and bound.ratio() >= 0.8:
            found += 1
    return found


def _rapidfuzz_close(query: str, words: list[str]) -> int:
    from rapidfuzz import fuzz, process

    return len(process.extract(query, words, scorer=fuzz.ratio, score_cutoff=80, limit=None))


def run() -> dict:
    from tracker.graph.loader import load_graph
    from tracker.graph.search import SearchText, search, search_index, text_index

    results: dict = {}
    graph = big_graph()
    results["graph_nodes"] = len(graph.nodes)
    graph.cache.clear()
    start = time.perf_counter()
    search(graph, "residual attention", 20)
    results["first_call_ms"] = 1000 * (time.perf_counter() - start)  # builds the name and text indexes
    results["residual_attention_ms"] = 1000 * timed(lambda: search(graph, "residual attention", 20), 5)
    results["residual_attention_cpu_ms"] = 1000 * cpu_seconds(lambda: search(graph, "residual attention", 20), 5)
    results["typo_resdiual_atention_ms"] = 1000 * timed(lambda: search(graph, "resdiual atention", 20), 3, warmup=1)
    results["typo_tranformer_ms"] = 1000 * timed(lambda: search(graph, "tranformer", 20), 3)
    rng = random.Random(0)
    ids = list(graph.nodes)
    notes = [SearchText(rng.choice(ids), "note", f"my note {i} on degradation and plateaus {rng.random():.3f}",
                        NOW - timedelta(days=rng.randrange(400))) for i in range(1000)]
    results["with_1000_notes_ms"] = 1000 * timed(lambda: search(graph, "degradation", 20, extra=notes, now=NOW), 5)
    results["note_word_hits"] = len(search(graph, "degradation", 20, extra=notes, now=NOW))

    words = search_index(graph).words + text_index(graph).words  # every word, unbucketed: the scorers alone
    results["typo_scorer_words"] = len(words)
    results["typo_scorer_difflib_ms"] = 1000 * timed(lambda: _difflib_close("tranformer", words), 3)
    results["typo_scorer_rapidfuzz_ms"] = 1000 * timed(lambda: _rapidfuzz_close("tranformer", words), 3)

    shipped = load_graph([Path(__file__).resolve().parent.parent / "graph_data"])
    firsts = sum(shipped.nodes[search(shipped, typo)[0].id].title == title for typo, title in TYPOS
                 if search(shipped, typo))
    results["typo_quality_first"] = f"{firsts}/{len(TYPOS)}"
    return results


if __name__ == "__main__":
    for key, value in run().items():
        print(f"{key:32} {value}")
