"""Demo: fastText's subword vectors for words never seen in training (Bojanowski et al. 2017,
Sec. 5.5 and Table 7 in miniature), on word2vec's generated corpus.

The corpus never shows the plural or past form of 8 words (lamps, washed, ...). Skip-gram (word2vec)
has no vector for them at all. fastText builds one from the n-grams it saw in other words.
Checked: (1) each unseen variant's nearest vocabulary word is its stem; (2) the unseen vector is
not a copy of its stem's: it moves away from the stem along the relation's offset (the mean of
plural - singular, or past - present, over seen pairs), as the seen variants do.
"""

from __future__ import annotations

import torch

from implementations._common.demo import Claim, DemoConfig, main
from implementations.word2vec.corpus import analogy_questions, build_vocab, generate
from implementations.word2vec.demo import BATCH, DIM, LR, NEGATIVES, QUICK_SENTENCES, SENTENCES, SUBSAMPLE_T, WINDOW
from implementations.word2vec.evaluate import analogy_accuracy, nearest
from implementations.word2vec.sgns import keep_probability, noise_distribution, skipgram_pairs, train
from tracker.demo_protocol import Reporter

from .model import SubwordSkipGram, SubwordTable

FULL = {"stems": 6 / 8, "align": 0.3, "aligned": 6 / 8}
QUICK = {"stems": 6 / 8, "align": 0.2, "aligned": 6 / 8}


def run(cfg: DemoConfig, report: Reporter) -> Claim:
    corpus = generate(cfg.seed, QUICK_SENTENCES if cfg.quick else SENTENCES)
    vocab = build_vocab(corpus.sentences)
    encoded = [vocab.encode(s) for s in corpus.sentences]
    unseen = corpus.held_out                                   # stem -> variant never in training
    assert not any(v in vocab.index for v in unseen.values())
    gen = torch.Generator().manual_seed(cfg.seed)
    pairs = skipgram_pairs(encoded, WINDOW, keep_probability(vocab.counts, SUBSAMPLE_T), gen)
    table = SubwordTable(vocab.words)
    model = SubwordSkipGram(table, len(vocab.words), DIM, gen)
    report.start(total=cfg.steps)
    report.say(f"{len(corpus.sentences)} sentences, vocabulary {len(vocab.words)}, {len(table.index)} subword units "
               f"(3-6 characters of <word>, and the word); never seen: {', '.join(unseen.values())}")
    train(model, pairs, noise_distribution(vocab.counts), cfg.steps, BATCH, LR, NEGATIVES, gen,
          on_step=lambda step, total, loss: report.progress(step, loss=loss) if step % 50 == 0 or step == total else None)
    seen_vectors = model.input_vectors(torch.arange(len(vocab.words)))
    oov = list(unseen.values())
    all_vectors = torch.cat([seen_vectors, torch.stack([model.vector(w) for w in oov])])
    all_index = vocab.index | {w: len(vocab.words) + k for k, w in enumerate(oov)}
    stems_found = 0
    for stem, variant in unseen.items():
        top = nearest(seen_vectors, vocab.words, model.vector(variant), 2)
        stems_found += top[0][0] == stem
        report.say(f"  {variant:>8} (unseen): nearest {top[0][0]} ({top[0][1]:.2f}), then {top[1][0]} ({top[1][1]:.2f})")
    need = QUICK if cfg.quick else FULL
    # does the unseen vector move from its stem the way the relation moves seen words?
    unit = seen_vectors / seen_vectors.norm(dim=1, keepdim=True)
    alignment = {}
    for rel in corpus.relations:
        seen_pairs = [(a, b) for a, b in rel.pairs if a in vocab.index and b in vocab.index]
        offset = torch.stack([unit[vocab.index[b]] - unit[vocab.index[a]] for a, b in seen_pairs]).mean(0)
        for stem, variant in unseen.items():
            if (stem, variant) in rel.pairs:
                v_oov, v_stem = model.vector(variant), seen_vectors[vocab.index[stem]]
                move = v_oov / v_oov.norm() - v_stem / v_stem.norm()
                alignment[variant] = torch.nn.functional.cosine_similarity(move, offset, dim=0).item()
    report.say("  cos(unseen - stem, the relation's mean offset): "
               + ", ".join(f"{w} {c:+.2f}" for w, c in alignment.items()) + "  (a copy of the stem: no move at all)")
    aligned = sum(c >= need["align"] for c in alignment.values())
    questions = [(a, b, stem, var) for rel in corpus.relations for a, b in rel.pairs
                 for stem, var in unseen.items() if (stem, var) in rel.pairs and a in vocab.index and b in vocab.index]
    oov_acc = analogy_accuracy(all_vectors, all_index, questions)
    seen_acc = analogy_accuracy(seen_vectors, vocab.index, analogy_questions(corpus.relations, vocab))
    report.say(f"  3CosAdd with an unseen answer (dog : dogs :: lamp : ?): {oov_acc:.1%} of {len(questions)}; "
               f"on seen words {seen_acc:.1%}")
    stem_share, align_share = stems_found / len(unseen), aligned / len(unseen)
    return Claim(
        text=(f"unseen variants: nearest word is the stem for {stems_found}/{len(unseen)} (need >= "
              f"{need['stems'] * len(unseen):.0f}); unseen - stem points along the relation's offset "
              f"(cos >= {need['align']:g}) for {aligned}/{len(unseen)} (need >= {need['aligned'] * len(unseen):.0f}); "
              f"skip-gram has no vector for them"),
        measured=align_share,
        threshold=need["aligned"],
        reproduced=stem_share >= need["stems"] and align_share >= need["aligned"],
    )


if __name__ == "__main__":
    main(run, __file__)
