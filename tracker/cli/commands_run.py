"""``tracker run`` (a node's demo or tests, with a live progress bar) and ``tracker impls``."""

from __future__ import annotations

import signal
from contextlib import contextmanager

from rich.text import Text

from ..errors import UserError
from ..figures import claim_figures, metric_line, test_counts
from .render import safe


def register(sub, common) -> None:
    p = sub.add_parser("run", parents=[common], help="run the implementation linked to a node (demo, or --tests)")
    p.add_argument("id", help="node id, alias or title (or an implementation slug)")
    p.add_argument("--tests", action="store_true", help="run its tests instead of the demo")
    p.add_argument("--quick", action="store_true", help="the few-second version of the demo")
    p.add_argument("--steps", type=int)
    p.add_argument("--seed", type=int)
    p.add_argument("--device", choices=("auto", "cpu", "cuda"))
    p.add_argument("--timeout", type=float, default=600.0, help="seconds before the run is stopped (default 600)")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("impls", parents=[common], help="every implementation with its claim, nodes and last results")
    p.set_defaults(func=cmd_impls)


def _target(ctx, key: str) -> tuple[str, str]:
    """(node id, implementation slug) for a node id/alias/title or a slug."""
    from ..impl_meta import discover

    impls = discover()
    node_id = ctx.graph.resolve(key)
    if node_id is None and key in impls:
        linked = [n.id for n in ctx.graph.nodes.values() if n.implementation == key]
        return (linked[0] if linked else key), key
    node_id = ctx.resolve(key)
    node = ctx.graph.nodes[node_id]
    if not node.implementation:
        reason = f": {node.no_implementation}" if node.no_implementation else ""
        raise UserError(f"{node_id!r} has no linked implementation{reason}")
    if node.implementation not in impls:
        raise UserError(f"implementation {node.implementation!r} of {node_id!r} is not installed")
    return node_id, node.implementation


def cmd_run(ctx) -> int:
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from ..runner import Runner

    node_id, slug = _target(ctx, ctx.args.id)
    kind = "test" if ctx.args.tests else "demo"
    run = Runner(store=ctx.store).prepare(
        node_id, slug, kind, quick=ctx.args.quick, steps=ctx.args.steps, seed=ctx.args.seed,
        device=ctx.args.device, timeout=ctx.args.timeout,
    )
    console = ctx.console
    if not ctx.json:
        console.print(Text(f"running {slug} {kind}: ", style="bold") + Text(" ".join(run.command[1:]), style="dim"))
    progress = Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                        TextColumn("{task.fields[metrics]}"), TimeElapsedColumn(), console=console,
                        disable=ctx.json, transient=False)
    task = None
    with _stop_on_hangup(run) as received:
        try:
            with progress:
                for line in run.stream():
                    if received:
                        continue  # the terminal may be gone: drain quietly until the run has stopped
                    event = line.event
                    if event is None:
                        if not ctx.json:
                            progress.console.print(Text.from_ansi(line.text) if kind == "test" else safe(line.text))
                    elif event.kind == "start":
                        task = progress.add_task(slug, total=event.data["total"], metrics="")
                    elif event.kind == "progress" and task is not None:
                        progress.update(task, completed=event.data["step"], metrics=metric_line(event))
        except KeyboardInterrupt:
            run.cancel()
            raise
        except OSError:  # the terminal went away mid-print (SIGHUP): the run is stopped and recorded
            if not received:
                raise
    result = run.result
    if received:
        return 128 + received[0]
    if ctx.json:
        ctx.print_json({"node": node_id, "implementation": slug, "kind": kind, "outcome": result.outcome,
                        "exit_code": result.exit_code, "seconds": round(result.seconds, 2),
                        "metrics": result.metrics, "claim": result.claim, "run_id": result.run_id,
                        "tests": result.tests})
    else:
        if result.claim is not None:
            console.print(Text("claim figures: ", style="dim") + Text(claim_figures(result.claim), style="dim"))
        if result.tests:
            console.print(Text(test_counts(result.tests), style="dim"))
        style = "green" if result.outcome == "passed" else "red"
        console.print(Text(f"{kind} {result.outcome}", style=f"bold {style}")
                      + Text(f"  exit {result.exit_code}  {result.seconds:.1f}s", style="dim"))
        if result.record_error:
            console.print(Text(f"recorded the outcome only: {result.record_error}", style="yellow"))
    return 0 if result.outcome == "passed" else 1


@contextmanager
def _stop_on_hangup(run):
    """SIGHUP (the terminal closed) and SIGTERM stop the whole run and record it ``interrupted``.

    The handler only flags and signals (no locks, no I/O), so it is safe
    wherever it lands; the stream then ends within the kill grace and the
    row is written before ``tracker run`` exits with 128 + the signal.
    """
    received: list[int] = []

    def on_signal(signum, _frame) -> None:
        if not received:
            received.append(signum)
        run.interrupt()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGHUP, signal.SIGTERM)}
    try:
        yield received
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def cmd_impls(ctx) -> int:
    from ..impl_meta import MetaError, discover

    try:
        impls = discover()
    except MetaError as err:
        raise UserError(str(err)) from None
    linked: dict[str, list[str]] = {}
    for node in ctx.graph.nodes.values():
        if node.implementation:
            linked.setdefault(node.implementation, []).append(node.id)
    store = ctx.store
    rows = []
    for slug, meta in impls.items():
        demo, test = store.last_run(slug, "demo"), store.last_run(slug, "test")
        demo_verdict = store.last_run(slug, "demo", finished=True)
        test_verdict = store.last_run(slug, "test", finished=True)
        rows.append({
            "slug": slug, "title": meta.title, "claim": meta.claim, "papers": list(meta.papers),
            "nodes": linked.get(slug, []), "expected_cpu_seconds": meta.expected_cpu_seconds,
            "last_demo": demo.outcome if demo else None, "last_test": test.outcome if test else None,
            "demo_verdict": demo_verdict.outcome if demo_verdict else None,
            "test_verdict": test_verdict.outcome if test_verdict else None,
            "implemented": bool(test_verdict and test_verdict.outcome == "passed"),
        })
    if ctx.json:
        ctx.print_json(rows)
        return 0
    for row in rows:
        line = Text(f"{row['slug']:<20}", style="bold")
        line.append(f" demo {_outcome(row['demo_verdict'], row['last_demo']):<10} "
                    f"tests {_outcome(row['test_verdict'], row['last_test']):<10}",
                    style="green" if row["implemented"] else "dim")
        line.append_text(safe(row["title"]))
        ctx.console.print(line)
        ctx.console.print(Text(" " * 21) + safe(row["claim"], "dim"))
        if row["nodes"]:
            ctx.console.print(Text(" " * 21 + "nodes: " + ", ".join(row["nodes"]), style="cyan"))
    ctx.console.print(Text(f"{len(rows)} implementations", style="dim"))
    return 0


def _outcome(verdict: str | None, last: str | None) -> str:
    """The last verdict, and the last run beside it when that one did not finish (``passed, then cancelled``)."""
    if verdict is None:
        return last or "-"
    return verdict if last == verdict or last is None else f"{verdict}, then {last}"
