"""The one exception type the CLI and TUI turn into a clear one-line message."""


class UserError(Exception):
    """A problem the user can fix (bad input, unknown id, unreadable file)."""
