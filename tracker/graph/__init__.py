"""The topic graph: YAML schema, loading, identity merging and queries.

Imports neither textual nor torch.
"""
