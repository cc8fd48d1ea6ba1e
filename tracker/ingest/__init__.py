"""Reading lists in, graph layers out: markdown parsing, classification, YAML writing.

Imports neither textual nor torch.
"""
