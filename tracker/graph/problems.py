"""The error every graph-data problem becomes, light enough to import without the loader."""

from __future__ import annotations


class GraphError(ValueError):
    """A problem in the graph data, naming the file, line and node."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))
