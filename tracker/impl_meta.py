"""Implementation metadata, read from each ``implementations/<slug>/meta.toml``.

The tracker needs each implementation's title, papers, claim and budget
without importing torch, so they live in a small TOML file beside the code,
and the demo reads its default step counts from the same file.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

SLUG_RE = re.compile(r"^[a-z][a-z0-9_]*$")
IMPLEMENTATIONS_ROOT = Path(__file__).resolve().parent.parent / "implementations"
ROOT_ENV = "TRACKER_IMPLEMENTATIONS"


def implementations_root() -> Path:
    """The folder of implementations: the repo's, or ``TRACKER_IMPLEMENTATIONS`` (tests, forks)."""
    override = os.environ.get(ROOT_ENV)
    return Path(override).expanduser().resolve() if override else IMPLEMENTATIONS_ROOT

_REQUIRED = {
    "title": str,
    "papers": list,
    "claim": str,
    "default_steps": int,
    "quick_steps": int,
    "expected_cpu_seconds": (int, float),
}


class MetaError(ValueError):
    """A meta.toml that is missing, unreadable or malformed."""


@dataclass(frozen=True)
class ImplementationMeta:
    slug: str
    title: str
    papers: tuple[str, ...]
    claim: str
    default_steps: int
    quick_steps: int
    expected_cpu_seconds: float
    folder: Path
    cuda_checked: bool = False

    @property
    def demo_module(self) -> str:
        return f"implementations.{self.slug}.demo"


def load_meta(folder: Path | str) -> ImplementationMeta:
    folder = Path(folder)
    if folder.is_file():
        folder = folder.parent
    path = folder / "meta.toml"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise MetaError(f"{path}: missing") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise MetaError(f"{path}: {err}") from None
    slug = folder.name
    if not SLUG_RE.match(slug):
        raise MetaError(f"{path}: folder name {slug!r} is not a valid slug")
    for key, kind in _REQUIRED.items():
        if key not in data:
            raise MetaError(f"{path}: missing field {key!r}")
        if not isinstance(data[key], kind) or isinstance(data[key], bool):
            raise MetaError(f"{path}: field {key!r} has the wrong type")
    unknown = set(data) - set(_REQUIRED) - {"cuda_checked"}
    if unknown:
        raise MetaError(f"{path}: unknown field(s) {', '.join(sorted(unknown))}")
    return ImplementationMeta(
        slug=slug,
        title=data["title"],
        papers=tuple(str(p) for p in data["papers"]),
        claim=data["claim"],
        default_steps=data["default_steps"],
        quick_steps=data["quick_steps"],
        expected_cpu_seconds=float(data["expected_cpu_seconds"]),
        folder=folder,
        cuda_checked=bool(data.get("cuda_checked", False)),
    )


def discover(root: Path | str | None = None) -> dict[str, ImplementationMeta]:
    """Every implementation folder under root that has a meta.toml, by slug."""
    found: dict[str, ImplementationMeta] = {}
    root = Path(root) if root is not None else implementations_root()
    if not root.is_dir():
        return found
    for folder in sorted(root.iterdir()):
        if folder.is_dir() and not folder.name.startswith(("_", ".")) and (folder / "meta.toml").is_file():
            found[folder.name] = load_meta(folder)
    return found
