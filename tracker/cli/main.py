"""Entry point: parse arguments, dispatch to a command module, turn user errors into one line.

With no command, the TUI starts (imported only then, so other commands stay
fast and never load textual).
"""

from __future__ import annotations

import argparse
import sys

import importlib

from ..errors import UserError

COMMAND_MODULES = ("commands_graph", "commands_import_export", "commands_store", "commands_run", "commands_review",
                   "commands_group")


def common_options() -> argparse.ArgumentParser:
    """Options every command accepts, before or after its name."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--graph-data", metavar="DIR", default=argparse.SUPPRESS,
                        help="graph folder to load instead of the shipped one (env TRACKER_GRAPH_DATA)")
    common.add_argument("--db", metavar="PATH_OR_URL", default=argparse.SUPPRESS,
                        help="database file or SQLAlchemy URL (env TRACKER_DB)")
    common.add_argument("--json", action="store_true", default=argparse.SUPPRESS,
                        help="machine-readable JSON output")
    return common


def build_parser() -> argparse.ArgumentParser:
    common = common_options()
    parser = argparse.ArgumentParser(
        prog="tracker",
        description="Study deep learning from reading lists: a topic graph, progress, notes and runnable implementations.",
        parents=[common],
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(f"{__package__}.{name}").register(sub, common)
    return parser


def _wants_tui(argv: list[str]) -> bool:
    """No command word, only global options: open the TUI without loading every command module."""
    takes_value = {"--graph-data", "--db"}
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg in takes_value:
            skip = True
        elif arg.startswith("--graph-data=") or arg.startswith("--db=") or arg == "--json":
            continue
        else:
            return False
    return True


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if _wants_tui(argv):
        parser = argparse.ArgumentParser(prog="tracker", parents=[common_options()])
        args = parser.parse_args(argv)
        args.command = None
    else:
        args = build_parser().parse_args(argv)
    for name, default in (("graph_data", None), ("db", None), ("json", False)):
        if not hasattr(args, name):
            setattr(args, name, default)
    from .context import Context

    ctx = Context(args)
    try:
        if args.command is None:
            return launch_tui(ctx)
        if args.command == "run":  # a watcher that may run for hours keeps the collector
            return int(args.func(ctx) or 0)
        from ..gc_pause import gc_paused

        with gc_paused():  # a short command: the collector would only re-scan the graph it just loaded
            return int(args.func(ctx) or 0)
    except UserError as err:
        sys.stderr.write(f"tracker: {err}\n")
        return 1
    except KeyboardInterrupt:
        sys.stderr.write("tracker: interrupted\n")
        return 130
    except BrokenPipeError:
        return 0


def launch_tui(ctx) -> int:
    try:
        from ..tui.app import run_app
    except ImportError:
        raise UserError("the TUI is not installed in this build; see `tracker --help` for commands") from None
    return run_app(ctx)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
