"""Start demos as ``python -m implementations.SLUG.demo`` does, from a process that imported torch once.

Each quick demo paid ~1.5-3 CPU-s just to import torch (and scikit-learn), about a fifth of its run and
more than a minute of the suite. The launcher is one real subprocess per test worker that imports them
and then forks a child per demo. The child runs the demo module as ``__main__`` with ``runpy`` (what
``python -m`` does), with its own argv, environment, stdout and stderr (files), and its own exit code.
Nothing of torch runs in the launcher before a fork, so no thread pool is copied into the children.
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

SERVER = r"""
import json, os, runpy, sys, traceback
import torch, numpy, sklearn.datasets  # imported once; forked children share them
import implementations._common.demo, tracker.demo_protocol

answers = os.fdopen(os.dup(1), "w", buffering=1)
for request in sys.stdin:
    job = json.loads(request)
    sys.stdout.flush(); sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            with open(job["out"], "wb", buffering=0) as out, open(job["err"], "wb", buffering=0) as err:
                os.dup2(out.fileno(), 1); os.dup2(err.fileno(), 2)
            os.environ.update(job["env"])
            sys.argv = [job["module"].replace(".", "/") + ".py", *job["args"]]
            runpy.run_module(job["module"], run_name="__main__", alter_sys=True)
            code = 0
        except SystemExit as done:
            code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
            if not isinstance(done.code, (int, type(None))):
                print(done.code, file=sys.stderr)
        except BaseException:
            traceback.print_exc()
        finally:
            sys.stdout.flush(); sys.stderr.flush()
            os._exit(code)
    answers.write(json.dumps({"pid": pid}) + "\n")
    _, status = os.waitpid(pid, 0)
    answers.write(json.dumps({"rc": os.waitstatus_to_exitcode(status)}) + "\n")
"""


@dataclass(frozen=True)
class Finished:
    returncode: int
    stdout: str
    stderr: str


class DemoLauncher:
    """One launcher process; ``run`` starts one demo and waits for it (demos run one after another)."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.proc = subprocess.Popen([sys.executable, "-c", SERVER], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     text=True, cwd=Path(__file__).resolve().parents[1])
        self.count = 0
        self._pending = b""  # answer bytes read but not yet a whole line

    def run(self, module: str, args: list[str], env: dict[str, str], timeout: float) -> Finished:
        self.count += 1
        out, err = self.workdir / f"{self.count}.out", self.workdir / f"{self.count}.err"
        self.proc.stdin.write(json.dumps({"module": module, "args": args, "env": env,
                                          "out": str(out), "err": str(err)}) + "\n")
        self.proc.stdin.flush()
        pid = self._answer(timeout)["pid"]
        try:
            rc = self._answer(timeout)["rc"]
        except TimeoutError:
            os.kill(pid, 9)
            self._answer(10)
            raise
        return Finished(rc, out.read_text(encoding="utf-8", errors="replace"),
                        err.read_text(encoding="utf-8", errors="replace"))

    def _answer(self, timeout: float) -> dict:
        """The next line from the launcher, read from the pipe itself so no line waits in a buffer."""
        deadline = time.monotonic() + timeout
        fd = self.proc.stdout.fileno()
        while b"\n" not in self._pending:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise TimeoutError(f"no answer from the demo launcher in {timeout:.0f} s")
            chunk = os.read(fd, 4096)
            if not chunk:
                raise RuntimeError(f"the demo launcher exited ({self.proc.poll()})")
            self._pending += chunk
        line, self._pending = self._pending.split(b"\n", 1)
        return json.loads(line)

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=30)
