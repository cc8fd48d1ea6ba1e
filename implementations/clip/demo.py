"""Demo: contrastive image-caption pretraining classifies unseen attribute combinations zero-shot.

(Radford et al. 2021, the zero-shot transfer of Sec. 3.1, in miniature.) CLIP is pretrained on
generated (image, caption) pairs of 48 of the 64 shape x colour x position classes. The 16 held-out
triples are then classified zero-shot, by cosine similarity to the prompt-ensembled captions of all
64 classes, and compared with chance (1/64), with a supervised linear probe on the frozen image
features (labels of all 64 classes), and with per-attribute classifiers composed at test time.
"""

from __future__ import annotations

import torch

from implementations._common.demo import Claim, DemoConfig, main
from implementations._common.schedules import cosine_after_hold
from implementations.adamw.optim import AdamW
from tracker.demo_protocol import Reporter

from . import baselines, data
from .model import CLIP, CLIPConfig, class_embeddings, symmetric_contrastive_loss, zero_shot_predict

BATCH, LR, HOLD = 64, 3e-3, 0.3  # hold the rate for 30% of the steps, then a half cosine to 0
QUICK_BATCH, QUICK_HOLD = 32, 0.7  # --quick: more, cheaper steps at the full rate; no attribute baseline
TEST_PER_CLASS, PROBE_TRAIN, PROBE_VALID = 40, 12, 6
CHANCE = 1 / data.N_CLASSES
TIMES_CHANCE, GAP = 40, 0.20  # zero-shot >= 40 x chance (62.5%) and at most 20 points below the probe
QUICK_TIMES_CHANCE, QUICK_GAP = 8, 0.40


def config() -> CLIPConfig:
    return CLIPConfig(vocab=len(data.VOCAB), context=data.CONTEXT, eot_id=data.EOT, image_size=data.SIZE)


def train(model, loss_of, steps: int, quick: bool, seed: int, offset: int, series: str, report: Reporter) -> None:
    """AdamW on fresh batches of seen-class images; ``loss_of(labels, g)`` builds and scores one."""
    opt = AdamW(model.parameters(), lr=LR)
    g = torch.Generator().manual_seed(seed)
    seen = data.seen_classes()
    batch, hold = (QUICK_BATCH, QUICK_HOLD) if quick else (BATCH, HOLD)
    for step in range(1, steps + 1):
        loss = loss_of(seen[torch.randint(len(seen), (batch,), generator=g)], g)
        opt.lr = LR * cosine_after_hold(step - 1, steps, int(hold * steps))
        loss.backward()
        opt.step()
        report.progress(offset + step, series=series, loss=loss.item())
    model.eval()


def accuracy(pred: torch.Tensor, labels: torch.Tensor) -> float:
    return (pred.cpu() == labels.cpu()).double().mean().item()


def run(cfg: DemoConfig, report: Reporter) -> Claim:
    attr_steps = 0 if cfg.quick else cfg.steps  # the same steps, batch and encoder as CLIP
    if attr_steps:
        report.start(cfg.steps + attr_steps, series=["clip", "attributes"], series_steps=[cfg.steps, attr_steps])
    else:
        report.start(cfg.steps, series=["clip"])
    table = data.caption_table().to(cfg.device)

    torch.manual_seed(cfg.seed)
    clip = CLIP(config()).to(cfg.device)

    def contrastive(labels, g):
        images = data.render(labels, g).to(cfg.device)
        templates = torch.randint(len(data.TEMPLATES), (len(labels),), generator=g)
        return symmetric_contrastive_loss(clip(images, table[labels.to(cfg.device), templates.to(cfg.device)]))

    train(clip, contrastive, cfg.steps, cfg.quick, cfg.seed, 0, "clip", report)
    report.say(f"CLIP pretrained on {len(data.seen_classes())} classes; learned logit scale exp(t) = "
               f"{clip.temperature_scale().item():.1f}")

    if attr_steps:
        torch.manual_seed(cfg.seed + 1)
        attr = baselines.AttributeClassifier(config()).to(cfg.device)
        train(attr, lambda labels, g: attr.loss(data.render(labels, g).to(cfg.device), labels.to(cfg.device)),
              attr_steps, cfg.quick, cfg.seed + 1, cfg.steps, "attributes", report)

    g = torch.Generator().manual_seed(10_000 + cfg.seed)  # evaluation images, never trained on by CLIP
    everything = torch.arange(data.N_CLASSES)
    test = data.sample(data.unseen_classes(), TEST_PER_CLASS // 2 if cfg.quick else TEST_PER_CLASS, g)
    seen_test = data.sample(data.seen_classes(), 10, g)
    probe_train, probe_valid = data.sample(everything, PROBE_TRAIN, g), data.sample(everything, PROBE_VALID, g)
    with torch.no_grad():
        weights = class_embeddings(clip, table)
        zero_shot = accuracy(zero_shot_predict(clip.encode_image(test.images.to(cfg.device)), weights), test.labels)
        seen_zero_shot = accuracy(zero_shot_predict(clip.encode_image(seen_test.images.to(cfg.device)), weights),
                                  seen_test.labels)
        features = [clip.image_encoder(s.images.to(cfg.device)) for s in (probe_train, probe_valid, test)]
        composed = accuracy(attr.predict(test.images.to(cfg.device)), test.labels) if attr_steps else float("nan")
    probe, l2 = baselines.linear_probe(features[0], probe_train.labels.to(cfg.device), features[1],
                                       probe_valid.labels.to(cfg.device), data.N_CLASSES)
    with torch.no_grad():
        probed = accuracy(probe(features[2]).argmax(1), test.labels)

    report.say(f"held-out triples, {len(test.labels)} images, 64-way: zero-shot {zero_shot:.1%}, linear probe "
               f"{probed:.1%} (L2 {l2:g}), per-attribute classifiers composed "
               f"{f'{composed:.1%}' if attr_steps else '(not run in --quick)'}, chance {CHANCE:.1%}")
    report.say(f"seen classes, zero-shot 64-way: {seen_zero_shot:.1%}")
    times, gap = (QUICK_TIMES_CHANCE, QUICK_GAP) if cfg.quick else (TIMES_CHANCE, GAP)
    need = max(times * CHANCE, probed - gap)
    return Claim(
        text=(f"zero-shot accuracy on held-out shape-colour-position triples is {zero_shot:.1%} over all 64 "
              f"captions, {zero_shot / CHANCE:.0f}x chance (need >= {times}x), {100 * (probed - zero_shot):.1f} points "
              f"below the supervised linear probe's {probed:.1%} (need <= {100 * gap:.0f})"
              + (f"; per-attribute classifiers composed: {composed:.1%}" if attr_steps else "")),
        measured=zero_shot,
        threshold=need,
        reproduced=zero_shot >= need,
    )


if __name__ == "__main__":
    main(run, __file__)
