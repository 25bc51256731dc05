"""Drive a JSON-lines child process (py_peer.py or `p2p-chat --headless`) from Python.

Used by selftest.py and bench/perf-interop.py. Standard library only, so it runs on the
system python3 as well as in the venv. Waits with select() on the stdout pipe: no sleeping.
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import tempfile
import time
from typing import Any, Callable


class LineProcessError(RuntimeError):
    pass


class LineProcess:
    def __init__(self, argv: list[str], name: str | None = None, env: dict | None = None) -> None:
        self.name = name or os.path.basename(argv[0])
        self.argv = argv
        self.stderr_file = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(
            argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.stderr_file,
            env=env, bufsize=0,
        )
        self._buf = b""
        self.events: list[dict[str, Any]] = []   # every event seen, in order
        self._unread: list[dict[str, Any]] = []  # events not yet consumed by wait_for
        self.noise: list[str] = []               # non-JSON stdout lines (a contract violation)

    # ---- io -------------------------------------------------------------------------------
    def send(self, line: str) -> None:
        try:
            self.proc.stdin.write((line + "\n").encode())
            self.proc.stdin.flush()
        except BrokenPipeError as exc:
            raise LineProcessError(f"{self.name}: stdin closed ({self.describe()})") from exc

    def close_stdin(self) -> None:
        try:
            self.proc.stdin.close()
        except Exception:
            pass

    def _read_some(self, timeout: float) -> bool:
        """Read available stdout into events. False on EOF."""
        fd = self.proc.stdout.fileno()
        r, _, _ = select.select([fd], [], [], max(0.0, timeout))
        if not r:
            return True
        data = os.read(fd, 65536)
        if not data:
            return False
        self._buf += data
        while b"\n" in self._buf:
            line, self._buf = self._buf.split(b"\n", 1)
            text = line.decode("utf-8", "replace").strip()
            if not text:
                continue
            try:
                obj = json.loads(text)
            except json.JSONDecodeError:
                self.noise.append(text)
                continue
            if isinstance(obj, dict):
                self.events.append(obj)
                self._unread.append(obj)
            else:
                self.noise.append(text)
        return True

    def wait_for(self, event: str, where: Callable[[dict], bool] | None = None, timeout: float = 30.0,
                 error_fails: bool = True) -> dict[str, Any]:
        """Return the first unread event named `event` matching `where`.

        An unread {"event":"error"} fails the wait (when error_fails), so a failing command is
        reported at once instead of as a timeout.
        """
        deadline = time.monotonic() + timeout
        while True:
            for i, obj in enumerate(self._unread):
                if obj.get("event") == event and (where is None or where(obj)):
                    del self._unread[i]
                    return obj
                if error_fails and event != "error" and obj.get("event") == "error":
                    del self._unread[i]
                    raise LineProcessError(f"{self.name}: error event while waiting for {event!r}: {obj}")
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise LineProcessError(f"{self.name}: timed out after {timeout}s waiting for {event!r} "
                                       f"({self.describe()})")
            if not self._read_some(remaining):
                self.proc.wait(timeout=5)
                # one last pass over what arrived before EOF
                for i, obj in enumerate(self._unread):
                    if obj.get("event") == event and (where is None or where(obj)):
                        del self._unread[i]
                        return obj
                raise LineProcessError(f"{self.name}: exited ({self.proc.returncode}) before {event!r} "
                                       f"({self.describe()})")

    def wait_exit(self, timeout: float = 10.0) -> int:
        deadline = time.monotonic() + timeout
        while self._read_some(max(0.0, deadline - time.monotonic())):
            if time.monotonic() >= deadline:
                raise LineProcessError(f"{self.name}: still running after {timeout}s")
        return self.proc.wait(timeout=max(0.1, deadline - time.monotonic()))

    def stderr_text(self, limit: int = 4000) -> str:
        self.stderr_file.seek(0)
        data = self.stderr_file.read().decode("utf-8", "replace")
        return data[-limit:]

    def describe(self) -> str:
        tail = self.stderr_text(1500).strip()
        return f"argv={self.argv!r}; events={self.events[-5:]!r}; stderr tail: {tail!r}"

    def terminate(self) -> None:
        if self.proc.poll() is None:
            self.close_stdin()
            try:
                self.proc.wait(timeout=3)
            except subprocess.TimeoutExpired:
                self.proc.terminate()
                try:
                    self.proc.wait(timeout=3)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait()

    def __enter__(self) -> "LineProcess":
        return self

    def __exit__(self, *exc) -> None:
        self.terminate()
