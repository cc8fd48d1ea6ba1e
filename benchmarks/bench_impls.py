"""From-scratch kernels against PyTorch's own, measured side by side in one run.

- LSTM forward+backward: ``implementations.lstm`` against ``nn.LSTM`` (goal: within 2x).
- Attention forward+backward: ``implementations.transformer`` against
  ``F.scaled_dot_product_attention`` (goal: within 1.5x).
- The Transformer demo's training step: achieved matmul FLOP/s as a fraction of
  this machine's measured 2048x2048 float32 matmul FLOP/s.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from benchmarks import timing


def median_seconds(fn, repeats: int = 7, warmup: int = 2) -> float:
    return timing.median_seconds(fn, repeats, warmup)


def matmul_flops_per_second(n: int = 2048) -> float:
    a, b = torch.randn(n, n), torch.randn(n, n)
    seconds = median_seconds(lambda: a @ b, repeats=5)
    return 2 * n**3 / seconds


def lstm_ratio(steps: int = 50, batch: int = 32, inputs: int = 32, hidden: int = 128) -> dict:
    from implementations.lstm.model import LSTMCell, Recurrent

    torch.manual_seed(0)
    ours = Recurrent(LSTMCell(inputs, hidden))
    ref = nn.LSTM(inputs, hidden)
    xs = torch.randn(steps, batch, inputs)

    def step(module, unpack):
        out = unpack(module(xs))
        out.sum().backward()

    t_ours = median_seconds(lambda: step(ours, lambda r: r[0]))
    t_ref = median_seconds(lambda: step(ref, lambda r: r[0]))
    return {"lstm_ours_ms": 1000 * t_ours, "lstm_torch_ms": 1000 * t_ref, "lstm_ratio": t_ours / t_ref}


def attention_ratio(batch: int = 32, heads: int = 4, length: int = 128, d_k: int = 32) -> dict:
    from implementations._common.attention import causal_mask, scaled_dot_product_attention

    torch.manual_seed(0)
    q, k, v = (torch.randn(batch, heads, length, d_k, requires_grad=True) for _ in range(3))
    mask = causal_mask(length)

    def ours():
        out, _ = scaled_dot_product_attention(q, k, v, mask)
        out.sum().backward()

    def ref():
        F.scaled_dot_product_attention(q, k, v, attn_mask=mask).sum().backward()

    t_ours, t_ref = median_seconds(ours), median_seconds(ref)
    return {"attention_ours_ms": 1000 * t_ours, "attention_torch_ms": 1000 * t_ref, "attention_ratio": t_ours / t_ref}


def transformer_flop_fraction(peak: float, steps: int = 10) -> dict:
    from implementations.transformer.demo import demo_flops_per_step, task_setup
    from implementations.transformer.model import Transformer

    torch.manual_seed(0)
    setup = task_setup(quick=False)
    model = Transformer(setup.model)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    src = torch.randint(3, setup.model.vocab_size, (setup.batch_size, setup.max_len))
    tgt = torch.randint(3, setup.model.vocab_size, (setup.batch_size, setup.max_len + 1))

    def train_step():
        logits = model(src, tgt)
        loss = F.cross_entropy(logits.reshape(-1, logits.size(-1)), tgt.reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

    seconds = median_seconds(train_step, repeats=steps)
    achieved = demo_flops_per_step(quick=False) / seconds
    return {"transformer_step_ms": 1000 * seconds, "transformer_gflops": achieved / 1e9,
            "transformer_fraction_of_matmul": achieved / peak}


def run() -> dict:
    peak = matmul_flops_per_second()
    results = {"matmul_2048_gflops": peak / 1e9, "torch_threads": torch.get_num_threads()}
    results.update(lstm_ratio())
    results.update(attention_ratio())
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # per-core efficiency: small from-scratch ops gain little from a second thread
    try:
        one_thread = {**lstm_ratio(), **attention_ratio()}
        results.update({f"{key}_1_thread": value for key, value in one_thread.items() if key.endswith("ratio")})
    finally:
        torch.set_num_threads(threads)
    results.update(transformer_flop_fraction(peak))
    return results


if __name__ == "__main__":
    for key, value in run().items():
        print(f"{key:34} {value:10.4g}")
