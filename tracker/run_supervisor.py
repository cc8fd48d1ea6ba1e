"""A small supervisor between the runner and a demo: nothing the demo starts outlives the run.

``python -m tracker.run_supervisor PARENT_PID -- COMMAND...`` is what the
runner launches (on Linux) in a new session. It

- makes itself a child subreaper (``prctl(PR_SET_CHILD_SUBREAPER)``), so a
  descendant orphaned by its parent, even one that called ``setsid()`` to
  leave the process group, is re-parented to the supervisor and still found
  by walking ``/proc`` from here;
- asks for SIGTERM when the runner's thread that started it ends
  (``PR_SET_PDEATHSIG``; the runner streams the run in that thread to the
  end), so even a ``kill -9`` of ``tracker run`` or of the TUI takes the demo
  with it;
- runs COMMAND, and when it exits (or when the supervisor is told to stop)
  kills every remaining descendant, SIGTERM first and SIGKILL after a grace,
  then exits with COMMAND's own status (or dies of the same signal).

What it cannot contain: a descendant that becomes a child of another
subreaper or that outlives a SIGKILL of the supervisor itself (the runner
then kills the descendants it saw a moment before). Stdlib only, no torch.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import time

PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36
GRACE_SECONDS = 3.0
SWEEP_ROUNDS = 50  # a fork bomb gets this many SIGKILL sweeps before the supervisor gives up


def parent_map() -> dict[int, int]:
    """pid -> parent pid for every process visible in /proc."""
    parents = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                fields = fh.read().rsplit(b")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[0] != b"Z":  # a zombie has exited; reaping is its parent's business
            parents[int(entry)] = int(fields[1])
    return parents


def descendants(root: int) -> list[int]:
    """Every live process below ``root`` (children first-seen order)."""
    children: dict[int, list[int]] = {}
    for pid, parent in parent_map().items():
        children.setdefault(parent, []).append(pid)
    found, todo = [], list(children.get(root, []))
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def start_time(pid: int) -> int | None:
    """When ``pid`` started, in clock ticks since boot (/proc/PID/stat field 22); None when unknown.

    A pid and its start time name one process: a reused pid has a later start.
    """
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return int(fh.read().rsplit(b")", 1)[1].split()[19])
    except (OSError, IndexError, ValueError):
        return None


def is_running(pid: int, started: int | None) -> bool:
    """Whether the process that had ``pid`` and started at ``started`` still runs (not a zombie)."""
    if os.path.isdir("/proc/self"):
        try:
            with open(f"/proc/{pid}/stat", "rb") as fh:
                fields = fh.read().rsplit(b")", 1)[1].split()
        except OSError:
            return False
        if fields[0] == b"Z":
            return False
        return started is None or int(fields[19]) == started
    try:  # no /proc: the pid alone (a reused pid reads as running)
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def signal_all(pids: list[int], sig: int) -> None:
    for pid in pids:
        try:
            os.kill(pid, sig)
        except (ProcessLookupError, PermissionError):
            pass


class Children:
    """Reaps every exited child (orphans re-parented to us included), remembering the command's status."""

    def __init__(self, command_pid: int) -> None:
        self.command_pid = command_pid
        self.code: int | None = None

    def reap(self, block: bool = False) -> None:
        while True:
            try:
                pid, status = os.waitpid(self.command_pid if block else -1, 0 if block else os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            if pid == self.command_pid:
                self.code = os.waitstatus_to_exitcode(status)
                if block:
                    return


def kill_tree(me: int, grace: float, children: Children) -> None:
    """SIGTERM every descendant, wait up to ``grace`` for them to go, then SIGKILL until none is left."""
    signal_all(descendants(me), signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        children.reap()
        if not descendants(me):
            return
        time.sleep(0.02)
    for _ in range(SWEEP_ROUNDS):
        left = descendants(me)
        if not left:
            return
        signal_all(left, signal.SIGKILL)
        time.sleep(0.01)
        children.reap()


def _prctl(option: int, value: int) -> bool:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(option, value, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def main(argv: list[str]) -> int:
    if len(argv) < 3 or argv[1] != "--":
        sys.stderr.write("usage: python -m tracker.run_supervisor PARENT_PID -- COMMAND...\n")
        return 2
    parent, command = int(argv[0]), argv[2:]
    me = os.getpid()
    _prctl(PR_SET_CHILD_SUBREAPER, 1)
    _prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    stop: list[int] = []

    def on_signal(signum, _frame) -> None:
        stop.append(signum)

    for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(sig, on_signal)
    if os.getppid() != parent:  # the runner died before the death signal was armed
        return 128 + signal.SIGTERM
    try:
        child = subprocess.Popen(command)
    except OSError as err:
        sys.stderr.write(f"cannot start {command[0]}: {err.strerror}\n")
        return 127
    children = Children(child.pid)
    child.returncode = 0  # we reap it ourselves (waitpid(-1) collects the orphans too); keep Popen out of it
    while children.code is None and not stop:
        children.reap()
        time.sleep(0.02)
    kill_tree(me, GRACE_SECONDS if stop else 0.0, children)
    if children.code is None:
        children.reap(block=True)
    children.reap()
    code = children.code if children.code is not None else 128 + signal.SIGTERM
    if code < 0:  # die of the same signal, so the runner sees what the demo saw
        signal.signal(-code, signal.SIG_DFL)
        os.kill(me, -code)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
