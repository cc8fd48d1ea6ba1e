"""Synthetic reading lists in the five styles, with duplicates across lists, for scaling runs."""

from __future__ import annotations

import random
from pathlib import Path

STYLES = ("bold", "weekly", "groups", "links", "obsidian")


def _title(rng: random.Random, i: int) -> str:
    words = ["Deep", "Residual", "Attention", "Sparse", "Neural", "Graph", "Memory", "Learning", "Networks",
             "Recurrent", "Scaling", "Diffusion", "Models", "Efficient", "Training", "Representations"]
    return " ".join(rng.choice(words) for _ in range(4)) + f" {i}"


def generate(folder: Path, items: int, seed: int = 0, duplicate_fraction: float = 0.2) -> list[Path]:
    """Write five lists holding about ``items`` entries in total; return their paths."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    per_list = max(items // len(STYLES), 1)
    pool = list(range(items))
    paths = []
    for style_index, style in enumerate(STYLES):
        lines: list[str] = ["---", f"title: Synthetic {style}", "---", ""] if style == "obsidian" else [f"# Synthetic {style}", ""]
        for j in range(per_list):
            if j % 50 == 0:
                section = j // 50
                lines += ["", f"### Week {section + 1}" if style == "weekly" else f"## Section {section}", ""]
                if style == "groups":
                    lines.append(f"1. Grouped topic {section}")  # the concept bullet the link groups sit under
            if rng.random() < duplicate_fraction:
                k = rng.choice(pool[: max(per_list, 1)])  # an entry other lists also cite
            else:
                k = style_index * per_list + j
            title, arxiv = _title(random.Random(k), k), f"{10 + k // 12 % 15:02d}{k % 12 + 1:02d}.{k % 100000:05d}"
            url = f"https://arxiv.org/abs/{arxiv}"
            if style == "bold":
                lines.append(f"- **{title}** - a note on item {k}")
            elif style == "weekly":
                lines += [f"#### Paper {j % 50 + 1}: {title}", f"Link to the paper: {url}", ""]
            elif style == "groups":
                lines.append(f"    - {title} [[paper]({url})] [[blog](https://blog.example.org/{k})]")
            elif style == "links":
                lines.append(f"- [{title}]({url}): summary {k}")
            else:
                lines.append(f"- #PAPER {title} (Author{k % 97} {2000 + k % 25}): {url}")
        path = folder / f"synthetic-{style}.md"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        paths.append(path)
    return paths
