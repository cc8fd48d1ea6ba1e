"""Which YAML files make up a graph: every *.yaml/*.yml under each layer folder, in path order."""

from __future__ import annotations

from pathlib import Path


def layer_files(dirs: list[Path]) -> list[Path]:
    """Files in load order: folders in the order given, paths sorted within each (curated/ before lists/)."""
    files: list[Path] = []
    for folder in dirs:
        if folder.is_file():
            files.append(folder)
        elif folder.is_dir():
            files.extend(sorted(p for p in folder.rglob("*.y*ml") if p.suffix in (".yaml", ".yml")))
    return files
