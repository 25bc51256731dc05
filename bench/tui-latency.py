#!/usr/bin/env python3
"""Keystroke-to-screen latency of the full-screen p2p-chat, idle and while 1,000 chat messages/s arrive.

p2p-chat (release build, --no-mdns, a temp --data-dir, --listen on a fixed 127.0.0.1 port) runs in a pseudo-
terminal of 120×40 (TIOCSWINSZ, TERM=xterm-256color) driven by this script. A key is a character that never
occurs in the flood, alternately `Ж` and `Ю`, written to the pty master every --interval seconds (50 ms); its
latency runs from just before the write to the first read of the master that contains that character's UTF-8
bytes (CLOCK_MONOTONIC, one select() loop that also drains the screen output, so the node never blocks on a full
pty). Every 30 keys a Ctrl-U empties the line (not measured). The idle phase is the baseline; the flood phase
runs `p2p-chat-bench tui-flood`: --authors in-process hosts (default 120, each its own identity) dialing the node
and publishing valid chat JSON into its room at --rate msgs/s in total (8.3/s per author, under the chat's
10/s per-author limit). Messages shown per second = flood messages in the node's store (counted after /quit)
over the flood's duration; node CPU % from /proc/<pid>/stat over each phase. At the end `/quit` + Enter, and
the node must exit.

Target (issue 5): the input line stays responsive, ≤ 16 ms, under that load.

Environment: P2P_CHAT_BIN (default .build/release/p2p-chat), P2P_CHAT_BENCH_BIN (default
.build/release/p2p-chat-bench), TUI_LATENCY_ARGS (options for this script under run-all.sh, e.g. "--quick").
A benchmark, not a test: anything missing or broken prints "n/a" with the reason, and the exit status is 0.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import selectors
import shlex
import shutil
import signal
import socket
import sqlite3
import struct
import subprocess
import sys
import tempfile
import termios
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLK_TCK = os.sysconf("SC_CLK_TCK")
ROOM = "bench-tui"
KEYS = ["Ж", "Ю"]
TARGET_MS = 16.0


class BenchError(Exception):
    pass


def cpu_seconds(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK
    except (OSError, IndexError, ValueError):
        return float("nan")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def peer_id(bin_path: str, data: str, listen: str) -> str:
    """Runs the node headless once on the same data dir: its `ready` event names the identity the TUI run will use."""
    proc = subprocess.Popen([bin_path, "--headless", "--no-mdns", "--data-dir", data, "--listen", listen, "--room", ROOM],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            try:
                event = json.loads(line)
            except ValueError:
                continue
            if event.get("event") == "ready":
                return event["peer"]
        raise BenchError("headless p2p-chat gave no ready event: " + proc.stderr.read().decode(errors="replace")[-300:])
    finally:
        try:
            proc.stdin.write(b"/quit\n")
            proc.stdin.close()
        except OSError:
            pass
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class Screen:
    """p2p-chat in a pty: writes keys, drains output, finds each key's bytes."""

    def __init__(self, argv: list[str], columns: int, rows: int, workdir: str):
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        env = dict(os.environ, TERM="xterm-256color", LANG="C.UTF-8", LC_ALL="C.UTF-8")
        env.pop("NO_COLOR", None)
        self.stderr = open(os.path.join(workdir, "node.stderr"), "wb")

        def controlling_tty() -> None:
            os.setsid()
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)

        self.proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=self.stderr, env=env, cwd=workdir,
                                     preexec_fn=controlling_tty, close_fds=True)
        os.close(slave)
        os.set_blocking(self.master, False)
        self.sel = selectors.DefaultSelector()
        self.sel.register(self.master, selectors.EVENT_READ, "pty")
        self.output_bytes = 0
        self.tail = b""
        self.closed = False
        self.others: dict[int, tuple] = {}

    def watch(self, fileobj, callback) -> None:
        """Also reads `fileobj` (a pipe) in the same loop, calling `callback(line)` per line."""
        os.set_blocking(fileobj.fileno(), False)
        self.others[fileobj.fileno()] = (fileobj, callback, [b""])
        self.sel.register(fileobj, selectors.EVENT_READ, "other")

    def pump(self, until: float, needle: bytes | None = None) -> int | None:
        """Reads everything until monotonic time `until`; with a needle, returns as soon as it is seen (ns)."""
        while True:
            timeout = until - time.monotonic()
            if timeout <= 0:
                return None
            for key, _ in self.sel.select(timeout):
                if key.data == "pty":
                    try:
                        chunk = os.read(self.master, 1 << 16)
                    except BlockingIOError:
                        continue
                    except OSError:
                        chunk = b""
                    t = time.monotonic_ns()
                    if not chunk:
                        self.sel.unregister(self.master)
                        self.closed = True
                        return None
                    self.output_bytes += len(chunk)
                    window = self.tail + chunk
                    self.tail = chunk[-8:]
                    if needle is not None and needle in window:
                        return t
                else:
                    fileobj, callback, buffer = self.others[key.fd]
                    try:
                        chunk = os.read(key.fd, 1 << 16)
                    except BlockingIOError:
                        continue
                    if not chunk:
                        self.sel.unregister(fileobj)
                        del self.others[key.fd]
                        continue
                    buffer[0] += chunk
                    *lines, buffer[0] = buffer[0].split(b"\n")
                    for line in lines:
                        callback(line.decode(errors="replace"))

    def wait_for(self, text: bytes, seconds: float) -> bool:
        return self.pump(time.monotonic() + seconds, text) is not None

    def write(self, data: bytes) -> int:
        t = time.monotonic_ns()
        while data:
            n = os.write(self.master, data)
            data = data[n:]
        return t

    def keystrokes(self, count: int, interval: float, timeout: float = 1.0) -> tuple[list[float], int]:
        """`count` keys, one per `interval`; latencies in ms and the number never seen within `timeout`."""
        latencies: list[float] = []
        missed = 0
        for k in range(count):
            if k and k % 30 == 0:
                self.write(b"\x15")   # Ctrl-U: keep the line short (not measured)
                self.pump(time.monotonic() + interval)
            needle = KEYS[k % 2].encode()
            start = time.monotonic()
            t0 = self.write(needle)
            seen = self.pump(start + timeout, needle)
            if seen is None:
                missed += 1
            else:
                latencies.append((seen - t0) / 1e6)
            self.pump(start + interval)
            if self.closed:
                raise BenchError("the node closed its terminal")
        self.write(b"\x15")
        return latencies, missed

    def quit(self) -> int | None:
        """`/quit` + Enter; the exit status, or None if it did not exit within 10 s (then it is killed)."""
        self.write(b"\x15/quit\r")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            self.pump(min(deadline, time.monotonic() + 0.1))
            rc = self.proc.poll()
            if rc is not None:
                return rc
        self.proc.kill()
        self.proc.wait()
        return None

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        try:
            os.close(self.master)
        except OSError:
            pass
        self.stderr.close()


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    rank = max(0, min(len(s) - 1, int(-(-q * len(s) // 1)) - 1))
    return s[rank]


def fmt(v: float, d: int = 1) -> str:
    return "n/a" if v != v else f"{v:,.{d}f}"


def run(opts) -> None:
    for path, what in ((opts.bin, "p2p-chat"), (opts.bench_bin, "p2p-chat-bench")):
        if not os.access(path, os.X_OK):
            raise BenchError(f"{what} not built at {path} (swift build -c release --product {what})")
    workdir = tempfile.mkdtemp(prefix="p2p-chat-tui-latency-")
    flood = None
    screen = None
    try:
        data = os.path.join(workdir, "data")
        port = free_port()
        listen = f"/ip4/127.0.0.1/tcp/{port}"
        peer = peer_id(opts.bin, data, listen)
        target = f"{listen}/p2p/{peer}"
        screen = Screen([opts.bin, "--no-mdns", "--data-dir", data, "--listen", listen, "--room", ROOM,
                         "--nick", "bench"], opts.columns, opts.rows, workdir)
        if not screen.wait_for(b"in room", 15):
            raise BenchError("no screen within 15 s (node stderr: " + open(os.path.join(workdir, "node.stderr"), "rb")
                             .read().decode(errors="replace")[-300:] + ")")
        screen.pump(time.monotonic() + 1.0)
        pid = screen.proc.pid
        rows = []

        # Baseline: idle node.
        c0, w0 = cpu_seconds(pid), time.monotonic()
        idle, idle_missed = screen.keystrokes(opts.keys, opts.interval)
        idle_cpu = (cpu_seconds(pid) - c0) / (time.monotonic() - w0) * 100
        rows.append(("idle (no messages arriving)", idle, idle_missed, 0.0, idle_cpu))

        # Flood.
        state = {"ready": False, "done": None, "sent": 0, "error": None}

        def on_flood(line: str) -> None:
            parts = line.split()
            if not parts:
                return
            if parts[0] == "ready":
                state["ready"] = True
            elif parts[0] == "sent":
                state["sent"] = int(parts[1])
            elif parts[0] == "done":
                state["done"] = (int(parts[1]), float(parts[2].replace(",", "")))
            elif parts[0] == "error":
                state["error"] = line

        flood_seconds = opts.keys * opts.interval * 1.15 + 4
        flood = subprocess.Popen([opts.bench_bin, "tui-flood", "--target", target, "--room", ROOM,
                                  "--rate", str(opts.rate), "--authors", str(opts.authors),
                                  "--flood-seconds", f"{flood_seconds:.1f}"],
                                 stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                 stderr=open(os.path.join(workdir, "flood.stderr"), "wb"))
        screen.watch(flood.stdout, on_flood)
        deadline = time.monotonic() + 90
        while not state["ready"] and time.monotonic() < deadline and not state["error"] and flood.poll() is None:
            screen.pump(time.monotonic() + 0.1)
        if not state["ready"]:
            raise BenchError(f"flood source not ready: {state['error'] or 'timeout / exited'}")
        screen.pump(time.monotonic() + 2.0)   # let the rate settle (and the first burst be drawn)
        c0, f0, w0 = cpu_seconds(pid), cpu_seconds(flood.pid), time.monotonic()
        flooded, flood_missed = screen.keystrokes(opts.keys, opts.interval)
        flood_cpu = (cpu_seconds(pid) - c0) / (time.monotonic() - w0) * 100
        flooder_cpu = (cpu_seconds(flood.pid) - f0) / (time.monotonic() - w0) * 100
        deadline = time.monotonic() + flood_seconds + 30
        while state["done"] is None and time.monotonic() < deadline and flood.poll() is None:
            screen.pump(time.monotonic() + 0.1)
        screen.pump(time.monotonic() + 1.0)
        rc = screen.quit()
        sent, seconds = state["done"] or (state["sent"], float("nan"))
        shown = float("nan")
        try:
            db = sqlite3.connect(f"file:{os.path.join(data, 'chat.sqlite')}?mode=ro", uri=True)
            stored = db.execute("SELECT count(*) FROM messages WHERE room = ? AND username LIKE 'flood%'", (ROOM,)).fetchone()[0]
            db.close()
            shown = stored / seconds if seconds == seconds and seconds > 0 else float("nan")
        except sqlite3.Error as e:
            stored = f"n/a ({e})"
        rows.append((f"{opts.rate:,.0f} msgs/s from {opts.authors} authors", flooded, flood_missed, shown, flood_cpu))

        print(f"| p2p-chat full screen {opts.columns}×{opts.rows}, TERM=xterm-256color | keys | p50 ms | p90 | p99 | max "
              f"| missed | msgs shown/s | node CPU % | target (p99 ≤ {TARGET_MS:.0f} ms) |")
        print("|---|--:|--:|--:|--:|--:|--:|--:|--:|---|")
        for name, lat, missed, rate, cpu in rows:
            ok = "✓" if lat and pct(lat, 0.99) <= TARGET_MS and not missed else "✗"
            print(f"| {name} | {len(lat) + missed} | {fmt(pct(lat, .5), 2)} | {fmt(pct(lat, .9), 2)} | {fmt(pct(lat, .99), 2)} "
                  f"| {fmt(max(lat) if lat else float('nan'), 2)} | {missed} | {fmt(rate, 0) if rate else ''} "
                  f"| {fmt(cpu, 0)} | {ok} |")
        print()
        print(f"Keys every {opts.interval * 1000:.0f} ms, alternately Ж/Ю, latency = write to first pty read holding its bytes.")
        print(f"Flood: {sent:,} messages sent in {fmt(seconds, 1)} s ({fmt(sent / seconds if seconds == seconds else float('nan'), 0)}/s); "
              f"stored by the node: {stored:,}" if isinstance(stored, int) else f"stored: {stored}")
        print(f"The flood source's own CPU meanwhile: {fmt(flooder_cpu, 0)} % (same 2-core machine: {os.cpu_count()} cpus).")
        print(f"Screen output: {screen.output_bytes / 1e6:,.1f} MB over the run. "
              f"/quit: {'exited ' + str(rc) if rc is not None else 'did NOT exit within 10 s (killed)'}.")
    finally:
        if flood is not None and flood.poll() is None:
            flood.terminate()
            try:
                flood.wait(timeout=5)
            except subprocess.TimeoutExpired:
                flood.kill()
        if screen is not None:
            screen.close()
        if not os.environ.get("TUI_LATENCY_KEEP"): shutil.rmtree(workdir, ignore_errors=True)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--keys", type=int, default=300, help="keystrokes per phase (default 300)")
    p.add_argument("--interval", type=float, default=0.05, help="seconds between keys (default 0.05)")
    p.add_argument("--rate", type=float, default=1000.0, help="flood msgs/s in total (default 1000)")
    p.add_argument("--authors", type=int, default=120, help="flood authors, one host each (default 120)")
    p.add_argument("--columns", type=int, default=120)
    p.add_argument("--rows", type=int, default=40)
    p.add_argument("--quick", action="store_true", help="100 keys per phase")
    p.add_argument("--bin", default=os.environ.get("P2P_CHAT_BIN", os.path.join(ROOT, ".build/release/p2p-chat")))
    p.add_argument("--bench-bin", default=os.environ.get("P2P_CHAT_BENCH_BIN",
                                                         os.path.join(ROOT, ".build/release/p2p-chat-bench")))
    # TUI_LATENCY_ARGS: options for this script under run-all.sh; run-all's own arguments are ignored.
    opts, _ = p.parse_known_args(shlex.split(os.environ.get("TUI_LATENCY_ARGS", "")) + sys.argv[1:])
    if opts.quick:
        opts.keys = min(opts.keys, 100)
    try:
        run(opts)
    except BenchError as e:
        print(f"n/a: {e}")
    except Exception as e:  # a benchmark never fails the build
        print(f"n/a: {type(e).__name__}: {e}")
    return 0


if __name__ == "__main__":
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    sys.exit(main())
