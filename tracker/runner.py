"""Run an implementation's demo or tests as a subprocess, watch it, record it.

The command is built from the implementation's slug alone (checked against the
folders that exist), never from text in YAML or a reading list.

What is contained, exactly:

- On Linux the command runs under ``tracker.run_supervisor`` in a new session.
  The supervisor is a child subreaper, so every descendant (DataLoader
  workers, distributed ranks, pytest workers, and grandchildren that call
  ``setsid()`` to leave the process group) stays below it, and it kills all of
  them when the command exits or when it is stopped. It also dies with the
  runner (``PR_SET_PDEATHSIG``), so a SIGKILL of ``tracker run`` or of the TUI
  still stops the demo.
- Cancel and timeout signal the whole process group whatever state its leader
  is in (SIGTERM, then SIGKILL after ``KILL_GRACE_SECONDS`` plus a second, to
  the group and to every descendant seen), and never wait on the pipe: once
  the leader has exited, output is read for at most ``PIPE_GRACE_SECONDS``.
- Elsewhere (no ``/proc``, no ``prctl``) only the process group is killed: a
  grandchild that calls ``setsid()`` there can escape.

Output is read line by line; only a bounded tail is kept, so a demo that
prints 100 MB costs no memory. The run's row records the watching process
(pid, start time, host), so a later start can tell a run whose watcher died
(``Store.interrupt_orphaned_runs``); the row always gets a final outcome, even
when recording the details fails.
"""

from __future__ import annotations

import os
import selectors
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import run_supervisor
from .demo_protocol import ENV_FLAG, Event, curve_label, parse_line
from .errors import UserError
from .impl_meta import SLUG_RE, discover, implementations_root

KINDS = ("demo", "test")
DEVICES = ("auto", "cpu", "cuda")
MAX_LINE_BYTES = 64 * 1024
TAIL_LINES = 200
TAIL_CHARS = 64 * 1024
KILL_GRACE_SECONDS = run_supervisor.GRACE_SECONDS
PIPE_GRACE_SECONDS = 0.5
POLL_SECONDS = 0.1
CURVE_POINTS = 400  # per curve kept for the run's row (the Reporter sends about 200)
SUPERVISED = sys.platform.startswith("linux") and os.path.isdir("/proc/self")


@dataclass(frozen=True)
class OutputLine:
    text: str
    event: Event | None = None


@dataclass
class RunResult:
    outcome: str  # passed | failed | cancelled | interrupted | timed out | crashed
    exit_code: int | None
    seconds: float
    metrics: dict[str, float] = field(default_factory=dict)
    claim: dict[str, Any] | None = None
    output_tail: str = ""
    run_id: int | None = None
    total_steps: int | None = None
    last_step: int | None = None
    curves: dict[str, list[list[float]]] = field(default_factory=dict)
    tests: dict[str, int] = field(default_factory=dict)
    record_error: str = ""


def kill_group(pgid: int, sig: int = signal.SIGKILL) -> bool:
    """Signal a whole process group; False when nothing was left to signal."""
    try:
        os.killpg(pgid, sig)
        return True
    except (ProcessLookupError, PermissionError):
        return False


def kill_everything(leader: int, sig: int) -> None:
    """Signal the leader's process group and every descendant it has now (a setsid() one included)."""
    strays = run_supervisor.descendants(leader) if SUPERVISED else []
    kill_group(leader, sig)
    run_supervisor.signal_all(strays, sig)


def close_orphaned_runs(store) -> list[int]:
    """Mark ``interrupted`` the runs this machine's dead watchers left ``running`` (see ``Run``'s docstring)."""
    return store.interrupt_orphaned_runs(socket.gethostname(), run_supervisor.is_running)


class Run:
    """One prepared launch. ``stream()`` starts it; ``cancel()`` and ``interrupt()`` may be called from any thread
    (and from a signal handler: they take no lock)."""

    def __init__(self, command: list[str], cwd: Path, env: dict[str, str], kind: str,
                 timeout: float | None, store=None, node_id: str = "", slug: str = "") -> None:
        self.command = command
        self.cwd = cwd
        self.env = env
        self.kind = kind
        self.timeout = timeout
        self.store = store
        self.node_id = node_id
        self.slug = slug
        self.result: RunResult | None = None
        self.pid: int | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._cancelled = threading.Event()
        self._interrupted = threading.Event()
        self._timed_out = threading.Event()
        self._stopping = threading.Event()

    # -- control -------------------------------------------------------------
    def cancel(self) -> None:
        """The user stopped the run (the recorded outcome is ``cancelled``)."""
        self._cancelled.set()
        self._terminate()

    def interrupt(self) -> None:
        """The watcher is going away (SIGHUP, SIGTERM): stop the run and record ``interrupted``."""
        self._interrupted.set()
        self._terminate()

    def _on_timeout(self) -> None:
        self._timed_out.set()
        self._terminate()

    def _terminate(self) -> None:
        """SIGTERM everything now, SIGKILL after the grace; whatever state the leader is in."""
        process = self._process
        if process is None or self._stopping.is_set():
            return
        self._stopping.set()
        kill_everything(process.pid, signal.SIGTERM)

        def escalate() -> None:
            try:
                process.wait(KILL_GRACE_SECONDS + 1.0)  # the supervisor's own sweep comes first
            except subprocess.TimeoutExpired:
                pass
            kill_everything(process.pid, signal.SIGKILL)

        threading.Thread(target=escalate, daemon=True).start()

    # -- running -------------------------------------------------------------
    def _launch(self) -> list[str]:
        if not SUPERVISED:
            return self.command
        return [sys.executable, "-I", run_supervisor.__file__, str(os.getpid()), "--", *self.command]

    def _read(self, process: subprocess.Popen[bytes]) -> Iterator[str]:
        """Lines of output; stops at EOF, or ``PIPE_GRACE_SECONDS`` after the leader exited."""
        assert process.stdout is not None
        fd = process.stdout.fileno()
        os.set_blocking(fd, False)
        pending = b""
        exited_at = None
        with selectors.DefaultSelector() as selector:
            selector.register(fd, selectors.EVENT_READ)
            while True:
                chunk = None
                if selector.select(POLL_SECONDS):
                    try:
                        chunk = os.read(fd, 256 * 1024)
                    except BlockingIOError:
                        chunk = None
                    if chunk == b"":
                        break
                if chunk:
                    pending += chunk
                    *lines, pending = pending.split(b"\n")
                    for raw in lines:
                        while len(raw) > MAX_LINE_BYTES:
                            yield _decode(raw[:MAX_LINE_BYTES])
                            raw = raw[MAX_LINE_BYTES:]
                        yield _decode(raw)
                    while len(pending) > MAX_LINE_BYTES:
                        yield _decode(pending[:MAX_LINE_BYTES])
                        pending = pending[MAX_LINE_BYTES:]
                    continue
                if process.poll() is not None:
                    exited_at = exited_at or time.monotonic()
                    if time.monotonic() - exited_at > PIPE_GRACE_SECONDS:
                        break  # something that escaped still holds the pipe: stop listening to it
        if pending:
            yield _decode(pending)

    def stream(self) -> Iterator[OutputLine]:
        """Start the process and yield its output lines until it ends."""
        if self.result is not None or self._process is not None:
            raise RuntimeError("a Run can be streamed once")
        run_id = None
        if self.store is not None:
            me = os.getpid()
            run_id = self.store.start_run(self.node_id, self.slug, self.kind, pid=me,
                                          pid_started=run_supervisor.start_time(me), host=socket.gethostname())
        started = time.monotonic()
        tail: deque[str] = deque(maxlen=TAIL_LINES)
        metrics: dict[str, float] = {}
        curves: dict[str, list[list[float]]] = {}
        tests: dict[str, int] = {}
        claim: dict[str, Any] | None = None
        total = last_step = None
        timer = None
        exit_code: int | None = None
        try:
            if self._cancelled.is_set() or self._interrupted.is_set():
                raise _Cancelled
            try:
                process = subprocess.Popen(
                    self._launch(), cwd=self.cwd, env=self.env, stdin=subprocess.DEVNULL,
                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
                )
            except OSError as err:
                raise UserError(f"cannot start {self.command[0]}: {err.strerror}") from None
            self._process = process
            self.pid = process.pid
            if self._cancelled.is_set() or self._interrupted.is_set():
                self._terminate()
            if self.timeout:
                timer = threading.Timer(self.timeout, self._on_timeout)
                timer.daemon = True
                timer.start()
            for text in self._read(process):
                event = parse_line(text)
                if event is None:
                    tail.append(text[:4096])
                elif event.kind == "start":
                    total = event.data["total"]
                elif event.kind == "progress":
                    last_step = event.data["step"]
                    series = event.data.get("series")
                    x = event.data.get("series_step", last_step)
                    for name, value in event.metrics.items():
                        label = curve_label(name, series)  # two models' "loss" are two figures
                        metrics[label] = value
                        points = curves.setdefault(label, [])
                        if len(points) < CURVE_POINTS:
                            points.append([x, value])
                elif event.kind == "claim":
                    claim = dict(event.data)
                elif event.kind == "test":
                    tests[event.data["outcome"]] = tests.get(event.data["outcome"], 0) + 1
                yield OutputLine(text, event)
            exit_code = self._wait(process)
        except _Cancelled:
            pass
        finally:
            if timer is not None:
                timer.cancel()
            process = self._process
            if process is not None:
                if process.poll() is None:  # the consumer stopped early (Ctrl-C, closed generator)
                    if not (self._interrupted.is_set() or self._timed_out.is_set()):
                        self._cancelled.set()
                    kill_everything(process.pid, signal.SIGKILL)
                exit_code = self._wait(process) if exit_code is None else exit_code
                kill_everything(process.pid, signal.SIGKILL)  # strays that outlived the leader
                if process.stdout:
                    process.stdout.close()
            self.result = RunResult(
                outcome=self._outcome(exit_code, claim), exit_code=exit_code, seconds=time.monotonic() - started,
                metrics=metrics, claim=claim, output_tail="\n".join(tail)[-TAIL_CHARS:], run_id=run_id,
                total_steps=total, last_step=last_step, curves=curves, tests=tests,
            )
            if self.store is not None and run_id is not None:
                self._record(run_id)

    @staticmethod
    def _wait(process: subprocess.Popen[bytes]) -> int | None:
        """The leader's exit status; it is going (killed or exiting), so the wait is short."""
        try:
            return process.wait(KILL_GRACE_SECONDS + 2.0)
        except subprocess.TimeoutExpired:
            kill_everything(process.pid, signal.SIGKILL)
            return process.wait()

    def _record(self, run_id: int) -> None:
        """Write the result; if the details cannot be written, the outcome alone still is."""
        result = self.result
        assert result is not None
        claim = result.claim
        try:
            self.store.finish_run(
                run_id, outcome=result.outcome, exit_code=result.exit_code, metrics=result.metrics or None,
                claim=(claim or {}).get("text"),
                verdict=None if claim is None else ("reproduced" if claim.get("reproduced") else "not reproduced"),
                output_tail=result.output_tail, curves=result.curves or None,
                figures=None if claim is None else {"measured": claim.get("measured"),
                                                    "threshold": claim.get("threshold")},
                seconds=result.seconds, tests=result.tests or None,
            )
        except Exception as err:  # noqa: BLE001 - the row must not stay "running"
            result.record_error = str(err) or type(err).__name__
            self.store.finish_run(run_id, outcome=result.outcome, exit_code=result.exit_code)

    def _outcome(self, exit_code: int | None, claim: dict | None) -> str:
        """Demos: 0 with a reproduced claim passes, 1 with a claim fails, anything else crashed.

        Tests: pytest's 0 passes, 1 fails, anything else (usage error, internal error, signal) crashed.
        """
        if self._timed_out.is_set():
            return "timed out"
        if self._interrupted.is_set():
            return "interrupted"
        if self._cancelled.is_set():
            return "cancelled"
        if self.kind == "demo":
            if exit_code == 0 and claim is not None and claim.get("reproduced"):
                return "passed"
            if exit_code == 1 and claim is not None:
                return "failed"
            return "crashed"
        return {0: "passed", 1: "failed"}.get(exit_code, "crashed")

    def run_to_end(self) -> RunResult:
        for _ in self.stream():
            pass
        assert self.result is not None
        return self.result


def _decode(raw: bytes) -> str:
    return raw.decode("utf-8", errors="replace").rstrip("\r")


class _Cancelled(Exception):
    pass


class Runner:
    """Prepares runs of the implementations under ``root`` (``implementations/`` by default)."""

    def __init__(self, store=None, root: Path | None = None, python: str = sys.executable) -> None:
        self.store = store
        self.root = Path(root) if root is not None else implementations_root()
        self.python = python

    def check_slug(self, slug: str) -> str:
        if not SLUG_RE.match(slug or "") or slug not in discover(self.root):
            raise UserError(f"no implementation {slug!r} under {self.root}")
        return slug

    def prepare(self, node_id: str, slug: str, kind: str = "demo", *, quick: bool = False,
                steps: int | None = None, seed: int | None = None, device: str | None = None,
                timeout: float | None = None, extra_args: Sequence[str] = ()) -> Run:
        slug = self.check_slug(slug)
        if kind not in KINDS:
            raise UserError(f"invalid run kind {kind!r} (choose from: {', '.join(KINDS)})")
        if kind == "demo":
            command = [self.python, "-m", f"{self.root.name}.{slug}.demo"]
            if quick:
                command.append("--quick")
            if steps is not None:
                command += ["--steps", str(int(steps))]
            if seed is not None:
                command += ["--seed", str(int(seed))]
            if device is not None:
                if device not in DEVICES:
                    raise UserError(f"invalid device {device!r} (choose from: {', '.join(DEVICES)})")
                command += ["--device", device]
        else:
            command = [self.python, "-m", "pytest", str(self.root / slug), "-v", "--color=yes",
                       "-p", "no:cacheprovider", "-p", "tracker.pytest_protocol"]
        command += [str(a) for a in extra_args]
        env = dict(os.environ)
        base = str(self.root.parent)
        env["PYTHONPATH"] = base + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        env[ENV_FLAG] = "1"
        env["PYTHONUNBUFFERED"] = "1"
        env.setdefault("FORCE_COLOR", "1")
        return Run(command, self.root.parent, env, kind, timeout, self.store, node_id, slug)
