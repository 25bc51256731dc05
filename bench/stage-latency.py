#!/usr/bin/env python3
"""Where a two-node chat line's time goes: the harness, each process's stages, and the loopback hop.

Two p2p-chat processes (A dials B) run headless with P2P_CHAT_STAGE_TRACE set, so each writes a
timestamp at every stage boundary of its send and receive paths (Network/Perf/StageTrace). This harness
writes lines to A's stdin at the two-node bench's pace and reads B's `message` events, with the same
clock (CLOCK_MONOTONIC), then lines the three timelines up per message:

    harness write ─► A lineRead ─► signStart ─► signEnd ─► socketWrite      (A: stdin to the socket)
                 ─► B socketRead ─► verifyStart ─► verifyEnd ─► validated
                 ─► journalStart ─► journalEnd ─► outputStart                (B: the socket to stdout)
                 ─► harness read (B's write(2) to stdout, then the harness waking)

and prints the p50 and p90 of each step. The steps outside our code — the harness waking A, the loopback
hop (A's write until B's read returns, which includes waking B), B's write to stdout and the harness
waking — are
what no implementation can remove on this machine; `bench/floor/relay-floor.py` measures them with no
work at all.

Usage: P2P_CHAT_BIN=.build/p2p-chat python3 bench/stage-latency.py [--messages N] [--gap SECONDS] [--traces DIR]
Exits 0 whatever happens (a bench never fails a build).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STAGES = {1: "A lineRead", 2: "A signStart", 3: "A signEnd", 4: "A socketWrite",
          10: "B socketRead", 11: "B verifyStart", 12: "B verifyEnd", 13: "B validated",
          14: "B journalStart", 15: "B journalEnd", 16: "B outputStart", 17: "B outputDone"}
SEND_PATH = [1, 2, 3, 4]
RECEIVE_PATH = [10, 11, 12, 13, 14, 15, 16]   # outputDone may come after the harness has read the line


def start(binary: str, workdir: str, name: str, extra: list[str]) -> tuple[subprocess.Popen, str]:
    data = os.path.join(workdir, name)
    os.makedirs(data)
    trace = os.path.join(workdir, f"{name}.trace")
    env = dict(os.environ, P2P_CHAT_STAGE_TRACE=trace)
    argv = [binary, "--headless", "--data-dir", data, "--no-mdns", "--no-dht", "--listen", "/ip4/127.0.0.1/tcp/0",
            "--room", "bench-stages"] + extra
    proc = subprocess.Popen(argv, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, bufsize=0)
    return proc, trace


def events(proc: subprocess.Popen):
    """(monotonic ns when read, event) for each stdout line."""
    buffer = b""
    while True:
        chunk = os.read(proc.stdout.fileno(), 1 << 16)
        t = time.monotonic_ns()
        if not chunk:
            return
        buffer += chunk
        *lines, buffer = buffer.split(b"\n")
        for line in lines:
            yield t, json.loads(line)


def read_trace(path: str) -> list[tuple[int, int]]:
    with open(path) as f:
        return [(int(stage), int(t)) for stage, t in (line.split() for line in f)]


def first_after(trace: list[tuple[int, int]], stage: int, t: int, limit: int) -> int | None:
    for s, ts in trace:
        if s == stage and t <= ts < t + limit:
            return ts
    return None


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * q))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=200)
    parser.add_argument("--gap", type=float, default=0.125,
                        help="seconds between lines: the two-node bench's pace per sender, under the send pacer's 9/s")
    parser.add_argument("--traces", metavar="DIR",
                        help="also copy the two raw traces (a.trace, b.trace: `stage nanoseconds` lines) into DIR")
    opts = parser.parse_args()
    binary = os.environ.get("P2P_CHAT_BIN", os.path.join(ROOT, ".build", "p2p-chat"))
    workdir = tempfile.mkdtemp(prefix="stage-latency-")
    procs = []
    try:
        a, a_trace = start(binary, workdir, "a", [])
        procs.append(a)
        a_events = events(a)
        ready = next(e for _, e in a_events if e.get("event") == "ready")
        address = next(x for x in ready["addrs"] if "/127.0.0.1/" in x)
        b, b_trace = start(binary, workdir, "b", ["--connect", address])
        procs.append(b)
        b_events = events(b)
        next(e for _, e in b_events if e.get("event") == "ready")
        next(e for _, e in b_events if e.get("event") == "connected")
        # A's own echo and events: drained on a thread so its pipe never fills.
        threading.Thread(target=lambda: [None for _ in a_events], daemon=True).start()
        time.sleep(3)   # meshes form (GossipSub heartbeat 1 s)
        harness = []
        for i in range(-20, opts.messages):   # the first 20 warm up, unmeasured
            text = f"stage {i}"
            sent = time.monotonic_ns()
            os.write(a.stdin.fileno(), (text + "\n").encode())
            for t, e in b_events:
                if e.get("event") == "message" and e.get("content") == text:
                    break
            if i >= 0:
                harness.append((sent, t))
            time.sleep(opts.gap)
        for p in procs:
            os.write(p.stdin.fileno(), b"/quit\n")
        for p in procs:
            p.wait(timeout=10)
        if opts.traces:
            os.makedirs(opts.traces, exist_ok=True)
            for trace in (a_trace, b_trace):
                shutil.copy(trace, opts.traces)
        report(harness, read_trace(a_trace), read_trace(b_trace), opts)
    except Exception as error:  # noqa: BLE001 — a bench reports, never fails
        print(f"stage-latency: could not run: {error}")
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
        shutil.rmtree(workdir, ignore_errors=True)


def report(harness, a_trace, b_trace, opts) -> None:
    steps: dict[str, list[float]] = {}
    totals = []
    inside = []   # A lineRead → B outputStart: publish to deliver, both ends inside p2p-chat
    missing: dict[str, int] = {}
    limit = 5_000_000
    for sent, received in harness:
        points = [("harness write", sent)]
        ok = True
        for stage in SEND_PATH + RECEIVE_PATH:
            trace = a_trace if stage in SEND_PATH else b_trace
            t = first_after(trace, stage, points[-1][1], limit)
            if t is None:
                ok = False
                missing[STAGES[stage]] = missing.get(STAGES[stage], 0) + 1
                break
            points.append((STAGES[stage], t))
        if ok and received < points[-1][1]:
            missing["harness read"] = missing.get("harness read", 0) + 1
        if not ok or received < points[-1][1]:
            continue
        points.append(("harness read", received))
        for (n0, t0), (n1, t1) in zip(points, points[1:]):
            steps.setdefault(f"{n0} → {n1}", []).append((t1 - t0) / 1000)
        totals.append((received - sent) / 1000)
        inside.append((points[-2][1] - points[1][1]) / 1000)
    print(f"# stage-latency: {len(totals)} of {len(harness)} lines A → B lined up, one every {opts.gap * 1000:.1f} ms;"
          f" load average {os.getloadavg()[0]:.2f}, {os.cpu_count()} cpus")
    if missing:
        print("# not lined up, by the first stage not found: " + ", ".join(f"{k} {v}" for k, v in missing.items()))
    print()
    print("| step | p50 µs | p90 µs | p99 µs | whose |")
    print("|---|---:|---:|---:|---|")
    for name, values in steps.items():
        whose = "harness + kernel" if "harness" in name else ("kernel: loopback + wake-up" if "socketWrite → B socketRead" in name
                                                              else "p2p-chat")
        print(f"| {name} | {percentile(values, 0.5):.1f} | {percentile(values, 0.9):.1f} | "
              f"{percentile(values, 0.99):.1f} | {whose} |")
    if totals:
        print(f"| **publish → deliver: A lineRead → B outputStart** | **{percentile(inside, 0.5):.1f}** | "
              f"**{percentile(inside, 0.9):.1f}** | **{percentile(inside, 0.99):.1f}** | p2p-chat + kernel hop |")
        print(f"| **total: harness write → harness read** | **{percentile(totals, 0.5):.1f}** | "
              f"**{percentile(totals, 0.9):.1f}** | **{percentile(totals, 0.99):.1f}** | |")


if __name__ == "__main__":
    main()
