"""Demo: attention vs a fixed context vector on a toy translation, tested on longer sentences than trained on."""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F

from implementations._common.demo import Claim, DemoConfig, main
from tracker.demo_protocol import Reporter

from .model import Seq2Seq, Seq2SeqConfig

PAD, BOS, EOS, FIRST_SYMBOL = 0, 1, 2, 3


@dataclass(frozen=True)
class TaskSetup:
    n_symbols: int
    train_lengths: tuple[int, int]
    longer_buckets: tuple[tuple[int, int], ...]  # test lengths beyond training
    batch_size: int
    n_test: int
    embed: int
    hidden: int
    attn: int
    lr: float
    margin: float  # claim: attention beats the baseline by at least this much word accuracy


def task_setup(quick: bool) -> TaskSetup:
    """Train on short sentences, test on longer ones; ``quick`` shrinks the vocabulary and lengths."""
    if quick:
        return TaskSetup(n_symbols=16, train_lengths=(3, 8), longer_buckets=((9, 12), (13, 16)), batch_size=64,
                         n_test=100, embed=16, hidden=32, attn=16, lr=1e-2, margin=0.10)
    return TaskSetup(n_symbols=40, train_lengths=(5, 15), longer_buckets=((16, 20), (21, 25), (26, 30)),
                     batch_size=64, n_test=500, embed=32, hidden=64, attn=32, lr=3e-3, margin=0.20)


class ToyTranslation:
    """A 'language pair': every word has a fixed translation and adjacent word pairs swap order.

    Source x_1 x_2 x_3 x_4 x_5 -> target d(x_2) d(x_1) d(x_4) d(x_3) d(x_5), then EOS, where d is a
    random one-to-one dictionary. The alignment is local reordering, as between languages.
    """

    def __init__(self, n_symbols: int, gen: torch.Generator) -> None:
        self.n_symbols = n_symbols
        self.dictionary = torch.cat([torch.arange(FIRST_SYMBOL), FIRST_SYMBOL + torch.randperm(n_symbols, generator=gen)])

    @property
    def vocab_size(self) -> int:
        return FIRST_SYMBOL + self.n_symbols

    def sample(self, gen: torch.Generator, n: int, lengths: tuple[int, int]) -> tuple[torch.Tensor, ...]:
        """src (n, L+1), tgt_in (n, L+1) = [BOS, y...], tgt_out (n, L+1) = [y..., EOS]; PAD-padded."""
        lo, hi = lengths
        length = torch.randint(lo, hi + 1, (n,), generator=gen)
        words = torch.randint(FIRST_SYMBOL, self.vocab_size, (n, hi), generator=gen)
        pos = torch.arange(hi)
        words = words.masked_fill(pos >= length[:, None], PAD)
        # Swap pairs (0,1), (2,3), ...; a last unpaired word stays put.
        partner = pos + 1 - 2 * (pos % 2)
        partner = torch.where(partner[None, :] < length[:, None], partner[None, :], pos[None, :])
        target = self.dictionary[words.gather(1, partner.expand(n, hi))]
        src = F.pad(words, (0, 1), value=PAD)
        tgt_out = F.pad(target, (0, 1), value=PAD)
        rows = torch.arange(n)
        src[rows, length] = EOS
        tgt_out[rows, length] = EOS
        tgt_in = torch.cat([torch.full((n, 1), BOS), tgt_out[:, :-1].masked_fill(tgt_out[:, :-1] == EOS, PAD)], 1)
        return src, tgt_in, tgt_out


def words_before_eos(tokens: torch.Tensor) -> torch.Tensor:
    """Per row, how many words come before the first EOS (or PAD)."""
    stop = (tokens == EOS) | (tokens == PAD)
    return (stop.cumsum(dim=1) == 0).sum(dim=1)


def word_errors(pred: torch.Tensor, tgt_out: torch.Tensor) -> tuple[int, int]:
    """(total edit distance, total reference words) between greedy outputs and references.

    1 - errors / words is the word accuracy (1 - word error rate); like BLEU it
    does not let one dropped word wipe out every later position. The
    Levenshtein table is filled cell by cell, vectorised over the batch.
    """
    hyp_len, ref_len = words_before_eos(pred), words_before_eos(tgt_out)
    n_hyp, n_ref = int(hyp_len.max()), int(ref_len.max())
    batch = pred.size(0)
    row = torch.arange(n_hyp + 1).expand(batch, -1)  # distances from the empty reference prefix
    dist = row.gather(1, hyp_len[:, None]).squeeze(1).where(ref_len == 0, torch.zeros_like(ref_len))
    for i in range(1, n_ref + 1):
        cells = [torch.full((batch,), i)]
        for j in range(1, n_hyp + 1):
            substitute = row[:, j - 1] + (tgt_out[:, i - 1] != pred[:, j - 1]).long()
            cells.append(torch.minimum(torch.minimum(row[:, j] + 1, cells[j - 1] + 1), substitute))
        row = torch.stack(cells, dim=1)
        dist = torch.where(ref_len == i, row.gather(1, hyp_len[:, None]).squeeze(1), dist)
    return int(dist.sum()), int(ref_len.sum())


def alignment_picture(alpha: torch.Tensor, src_len: int, tgt_len: int) -> list[str]:
    shades = " .:-=+*#%@"
    return [
        "    |" + "".join(shades[int(round(a * (len(shades) - 1)))] for a in alpha[i, :src_len].tolist()) + "|"
        for i in range(tgt_len)
    ]


def train(model: Seq2Seq, task: ToyTranslation, s: TaskSetup, cfg: DemoConfig, gen: torch.Generator,
          report: Reporter, first_step: int, steps: int, name: str) -> None:
    optimizer = torch.optim.Adam(model.parameters(), lr=s.lr)
    for k in range(steps):
        src, tgt_in, tgt_out = (t.to(cfg.device) for t in task.sample(gen, s.batch_size, s.train_lengths))
        logits, _ = model(src, tgt_in)
        loss = F.cross_entropy(logits.flatten(0, 1), tgt_out.flatten(), ignore_index=PAD)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)  # the paper clips the gradient norm to 1
        optimizer.step()
        report.progress(first_step + k, series=name, loss=loss.item())


def run(cfg: DemoConfig, report: Reporter) -> Claim:
    s = task_setup(cfg.quick)
    gen = torch.Generator().manual_seed(cfg.seed)
    task = ToyTranslation(s.n_symbols, gen)
    buckets = [s.train_lengths] + list(s.longer_buckets)
    tests = {b: task.sample(gen, s.n_test, b) for b in buckets}
    names = ("attention", "fixed_context")
    report.start(total=2 * cfg.steps, series=names)
    results: dict[tuple[str, tuple[int, int]], tuple[int, int]] = {}
    for index, name in enumerate(names):
        model_cfg = Seq2SeqConfig(task.vocab_size, task.vocab_size, embed_size=s.embed, hidden_size=s.hidden,
                                  attn_size=s.attn, maxout_size=s.hidden // 2, attention=name == "attention")
        torch.manual_seed(cfg.seed)
        model = Seq2Seq(model_cfg).to(cfg.device)
        train(model, task, s, cfg, gen, report, index * cfg.steps + 1, cfg.steps, name)
        model.eval()
        for bucket, (src, _, tgt_out) in tests.items():
            pred, alpha = model.greedy_decode(src.to(cfg.device), max_len=tgt_out.size(1) + 2)
            results[name, bucket] = word_errors(pred.cpu(), tgt_out)
            if name == "attention" and bucket == buckets[1]:
                example = (src[0], tgt_out[0], alpha[0].cpu())

    def accuracy(name: str, chosen: list[tuple[int, int]]) -> float:
        errors = sum(results[name, b][0] for b in chosen)
        return max(0.0, 1.0 - errors / sum(results[name, b][1] for b in chosen))

    report.say("word accuracy (1 - word error rate) of greedy translations, by source length:")
    report.say("  " + " " * 15 + "".join(f"{f'{lo}-{hi}' + (' (train)' if i == 0 else ''):>14}" for i, (lo, hi) in enumerate(buckets)))
    for name in names:
        report.say(f"  {name:<15}" + "".join(f"{accuracy(name, [b]):>14.1%}" for b in buckets))
    src, tgt, alpha = example
    n_src, n_tgt = int((src != PAD).sum()), int((tgt != PAD).sum())
    report.say(f"alignment alpha_ij of one test sentence ({n_src} source words incl. EOS; row i = target word i):")
    for row in alignment_picture(alpha, n_src, n_tgt):
        report.say(row)
    longer = list(s.longer_buckets)
    attn, fixed = accuracy("attention", longer), accuracy("fixed_context", longer)
    margin = attn - fixed
    lo, hi = longer[0][0], longer[-1][1]
    return Claim(
        text=f"on sentences longer than trained ({lo}-{hi} words) attention {attn:.1%} vs fixed context "
        f"{fixed:.1%} word accuracy: margin {margin:.1%} >= {s.margin:.0%}",
        measured=margin, threshold=s.margin, reproduced=margin >= s.margin,
    )


if __name__ == "__main__":
    main(run, __file__)
