"""Run an implementation's demo or tests as a subprocess, watch it, record it.

The command is built from the implementation's slug alone (checked against the
folders that exist), never from text in YAML or a reading list. The child runs
in its own process group (a new session), so cancelling or timing out kills
everything it started: DataLoader workers, distributed ranks, pytest workers.
Output is streamed line by line; only a bounded tail is kept, so a demo that
prints 100 MB costs no memory.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .demo_protocol import ENV_FLAG, Event, parse_line
from .errors import UserError
from .impl_meta import SLUG_RE, discover, implementations_root

KINDS = ("demo", "test")
DEVICES = ("auto", "cpu", "cuda")
MAX_LINE_BYTES = 64 * 1024
TAIL_LINES = 200
TAIL_CHARS = 64 * 1024
KILL_GRACE_SECONDS = 3.0


@dataclass(frozen=True)
class OutputLine:
    text: str
    event: Event | None = None


@dataclass
class RunResult:
    outcome: str  # passed | failed | cancelled | timed out | crashed
    exit_code: int | None
    seconds: float
    metrics: dict[str, float] = field(default_factory=dict)
    claim: dict[str, Any] | None = None
    output_tail: str = ""
    run_id: int | None = None
    total_steps: int | None = None
    last_step: int | None = None


def kill_group(pgid: int, sig: int = signal.SIGKILL) -> bool:
    """Signal a whole process group; False when nothing was left to signal."""
    try:
        os.killpg(pgid, sig)
        return True
    except (ProcessLookupError, PermissionError):
        return False


class Run:
    """One prepared launch. ``stream()`` starts it; ``cancel()`` may be called from any thread."""

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
        self._timed_out = threading.Event()
        self._lock = threading.Lock()

    # -- control -------------------------------------------------------------
    def cancel(self) -> None:
        self._cancelled.set()
        self._terminate()

    def _on_timeout(self) -> None:
        self._timed_out.set()
        self._terminate()

    def _terminate(self) -> None:
        with self._lock:
            process = self._process
        if process is None or process.poll() is not None:
            return
        kill_group(process.pid, signal.SIGTERM)

        def escalate() -> None:
            try:
                process.wait(KILL_GRACE_SECONDS)
            except subprocess.TimeoutExpired:
                pass
            kill_group(process.pid, signal.SIGKILL)

        threading.Thread(target=escalate, daemon=True).start()

    # -- running -------------------------------------------------------------
    def stream(self) -> Iterator[OutputLine]:
        """Start the process and yield its output lines until it ends."""
        if self.result is not None or self._process is not None:
            raise RuntimeError("a Run can be streamed once")
        run_id = None
        if self.store is not None:
            run_id = self.store.start_run(self.node_id, self.slug, self.kind)
        started = time.monotonic()
        tail: deque[str] = deque(maxlen=TAIL_LINES)
        metrics: dict[str, float] = {}
        claim: dict[str, Any] | None = None
        total = last_step = None
        timer = None
        exit_code: int | None = None
        try:
            if self._cancelled.is_set():
                raise _Cancelled
            try:
                process = subprocess.Popen(
                    self.command, cwd=self.cwd, env=self.env, stdin=subprocess.DEVNULL,
                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
                )
            except OSError as err:
                raise UserError(f"cannot start {self.command[0]}: {err.strerror}") from None
            with self._lock:
                self._process = process
                self.pid = process.pid
            if self._cancelled.is_set():
                self._terminate()
            if self.timeout:
                timer = threading.Timer(self.timeout, self._on_timeout)
                timer.daemon = True
                timer.start()
            assert process.stdout is not None
            while True:
                raw = process.stdout.readline(MAX_LINE_BYTES)
                if not raw:
                    break
                text = raw.decode("utf-8", errors="replace").rstrip("\r\n")
                event = parse_line(text)
                if event is None:
                    tail.append(text[:4096])
                elif event.kind == "start":
                    total = event.data.get("total")
                elif event.kind == "progress":
                    last_step = event.data.get("step")
                    metrics.update(event.metrics)
                elif event.kind == "claim":
                    claim = dict(event.data)
                yield OutputLine(text, event)
            exit_code = process.wait()
        except _Cancelled:
            pass
        finally:
            if timer is not None:
                timer.cancel()
            process = self._process
            if process is not None:
                if process.poll() is None:  # the consumer stopped early (Ctrl-C, closed generator)
                    self._cancelled.set()
                    kill_group(process.pid, signal.SIGKILL)
                    exit_code = process.wait()
                kill_group(process.pid, signal.SIGKILL)  # strays that outlived the leader
                if process.stdout:
                    process.stdout.close()
            self.result = RunResult(
                outcome=self._outcome(exit_code, claim), exit_code=exit_code, seconds=time.monotonic() - started,
                metrics=metrics, claim=claim, output_tail="\n".join(tail)[-TAIL_CHARS:], run_id=run_id,
                total_steps=total, last_step=last_step,
            )
            if self.store is not None and run_id is not None:
                self.store.finish_run(
                    run_id, outcome=self.result.outcome, exit_code=exit_code, metrics=metrics or None,
                    claim=(claim or {}).get("text"),
                    verdict=None if claim is None else ("reproduced" if claim.get("reproduced") else "not reproduced"),
                    output_tail=self.result.output_tail,
                )

    def _outcome(self, exit_code: int | None, claim: dict | None) -> str:
        """Demos: 0 with a reproduced claim passes, 1 with a claim fails, anything else crashed.

        Tests: pytest's 0 passes, 1 fails, anything else (usage error, internal error, signal) crashed.
        """
        if self._timed_out.is_set():
            return "timed out"
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
            command = [self.python, "-m", "pytest", str(self.root / slug), "-q", "--color=yes",
                       "-p", "no:cacheprovider"]
        command += [str(a) for a in extra_args]
        env = dict(os.environ)
        base = str(self.root.parent)
        env["PYTHONPATH"] = base + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        env[ENV_FLAG] = "1"
        env["PYTHONUNBUFFERED"] = "1"
        env.setdefault("FORCE_COLOR", "1")
        return Run(command, self.root.parent, env, kind, timeout, self.store, node_id, slug)
