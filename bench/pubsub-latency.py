#!/usr/bin/env python3
"""Publish-to-deliver latency of chat messages over GossipSub, p2p-chat beside py-libp2p 0.8.1.

Every node is a separate process on 127.0.0.1 driven through its stdin/stdout (p2p-chat --headless, or
bench/_pubsub_py_node.py, which speaks the same JSON lines over py-libp2p's GossipSub). Latency is measured
at this harness: from the moment a text line is written to the publisher's stdin to the moment a receiver's
`message` event for it is read from the receiver's stdout (CLOCK_MONOTONIC, one select() loop, so both ends
are read by the same thread). It includes both processes' stdin/stdout handling, signing, verification,
validation, forwarding hops and loopback TCP.

Scenarios (each a table row; a side that cannot run is "n/a" with the reason, the script always exits 0):
  two nodes          A and B connected; messages alternate A→B and B→A, each author under the chat's
                     per-author rate limit (10 msgs/s, burst 40).
  N-node mesh        N processes; node i dials up to 3 random earlier nodes (the same seeded topology for
                     both implementations), meshes settle for --settle seconds, a warm-up round (one
                     message per node) must reach everyone, then messages are published by random nodes at
                     --mesh-rate msgs/s in total; latency to every other node and the delivery ratio.

The table also gives publish → deliver inside the processes ("in process"): every node runs with
P2P_CHAT_STAGE_TRACE, so it stamps (CLOCK_MONOTONIC) each of its stdin reads and the start of each event it
writes to stdout, once per line (p2p-chat: Network/Perf/StageTrace; the py-libp2p node: the same stamps in
the same file format). A delivery runs from the author's first stdin read after the harness wrote the line to
the receiver's stamp of the event line that carried it (the k-th stamp is the k-th line). That leaves out what
the harness adds on top: the pipe into the author, the pipe out of the receiver, waking the harness, and in a
mesh the harness reading 19 pipes one after another (`bench/floor/relay-floor.py` measures the two-node part
with two relays that do no work: 0.2-0.36 ms on this machine at this pace).

Targets (issue 3): two-node p50 ≤ 0.5 ms and p99 ≤ 2 ms; 20-node p99 ≤ 10 ms with 100 % delivery. Both are
judged on publish → deliver in process; the harness's figures are shown beside them.

Environment: P2P_CHAT_BIN (default .build/release/p2p-chat), P2P_CHAT_PY (python with py-libp2p; default .venv).
"""

from __future__ import annotations

import argparse
import bisect
import fcntl
import json
import os
import random
import selectors
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PY_NODE = os.path.join(ROOT, "bench", "_pubsub_py_node.py")
CLK_TCK = os.sysconf("SC_CLK_TCK")
ROOM = "bench-latency"


def now_ns() -> int:
    return time.monotonic_ns()


class BenchError(Exception):
    pass


class Node:
    """One chat process: stdin for lines, stdout parsed as JSON events."""

    def __init__(self, kind: str, index: int, argv: list[str], workdir: str, trace: str | None = None):
        self.kind, self.index = kind, index
        self.stderr_path = os.path.join(workdir, f"{kind}-{index}.stderr")
        self.stderr = open(self.stderr_path, "wb")
        # With `trace`, the node stamps its stdin reads and its `message` events there (P2P_CHAT_STAGE_TRACE).
        self.trace = trace
        env = dict(os.environ, P2P_CHAT_STAGE_TRACE=trace) if trace else None
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.stderr,
                                     cwd=workdir, start_new_session=True, env=env)
        fd = self.proc.stdout.fileno()
        fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) | os.O_NONBLOCK)
        self.buffer = b""
        self.lines = 0   # stdout lines so far: the k-th is the k-th `outputStart` stamp of its trace
        self.ready: dict | None = None
        self.peer = ""
        self.addr = ""
        self.connected = 0
        self.errors: list[str] = []
        self.closed = False

    def write_line(self, text: str) -> int:
        """Writes one line; returns the time just before the write."""
        data = (text + "\n").encode()
        t = now_ns()
        fd = self.proc.stdin.fileno()
        while data:
            n = os.write(fd, data)
            data = data[n:]
        return t

    def cpu_seconds(self) -> float:
        try:
            with open(f"/proc/{self.proc.pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / CLK_TCK
        except (OSError, IndexError, ValueError):
            return float("nan")

    def stderr_tail(self, n: int = 3) -> str:
        try:
            with open(self.stderr_path, "rb") as f:
                lines = f.read().decode("utf-8", "replace").strip().splitlines()
            return " | ".join(lines[-n:])
        except OSError:
            return ""

    def stop(self) -> None:
        if self.proc.poll() is None:
            try:
                self.write_line("/quit")
                self.proc.stdin.close()
            except (OSError, ValueError):
                pass
        self.stderr.close()


class Cluster:
    """All nodes of one scenario and the select() loop that reads them."""

    def __init__(self, workdir: str):
        self.workdir = workdir
        self.nodes: list[Node] = []
        self.sel = selectors.DefaultSelector()
        # content → {node index: first arrival ns}; duplicate arrivals counted
        self.arrivals: dict[str, dict[int, int]] = {}
        # content → {node index: which stdout line of that node (0-based) the first arrival was}
        self.arrival_lines: dict[str, dict[int, int]] = {}
        self.duplicates = 0

    def add(self, node: Node) -> Node:
        self.nodes.append(node)
        self.sel.register(node.proc.stdout, selectors.EVENT_READ, node)
        return node

    def pump(self, timeout: float) -> None:
        """Reads whatever arrives within `timeout` seconds (returns after the first batch of events)."""
        for key, _ in self.sel.select(max(0.0, timeout)):
            node: Node = key.data
            try:
                chunk = os.read(node.proc.stdout.fileno(), 1 << 16)
            except BlockingIOError:
                continue
            t = now_ns()
            if not chunk:
                self.sel.unregister(node.proc.stdout)
                node.closed = True
                continue
            node.buffer += chunk
            *lines, node.buffer = node.buffer.split(b"\n")
            for line in lines:
                self.handle(node, line, t)

    def handle(self, node: Node, line: bytes, t: int) -> None:
        ordinal = node.lines
        node.lines += 1
        try:
            event = json.loads(line)
        except ValueError:
            return
        kind = event.get("event")
        if kind == "message":
            if event.get("type") != "message":
                return
            seen = self.arrivals.setdefault(event.get("content", ""), {})
            if node.index in seen:
                self.duplicates += 1
            else:
                seen[node.index] = t
                self.arrival_lines.setdefault(event.get("content", ""), {})[node.index] = ordinal
        elif kind == "ready":
            node.ready = event
            node.peer = event.get("peer", "")
            addrs = [a for a in event.get("addrs", []) if a.startswith("/ip4/127.0.0.1/")] or event.get("addrs", [])
            node.addr = addrs[0] if addrs else ""
        elif kind == "connected":
            node.connected += 1
        elif kind == "error":
            node.errors.append(str(event.get("message")))

    def wait(self, what: str, condition, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            left = deadline - time.monotonic()
            if left <= 0:
                raise BenchError(f"timed out after {timeout:.0f} s waiting for {what}")
            for n in self.nodes:
                if n.closed or n.proc.poll() is not None:
                    raise BenchError(f"{n.kind} node {n.index} exited ({n.proc.poll()}): {n.stderr_tail()}")
            self.pump(min(left, 0.2))

    def sleep(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            self.pump(left)

    def close(self) -> None:
        for n in self.nodes:
            n.stop()
        deadline = time.monotonic() + 5
        for n in self.nodes:
            try:
                n.proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(n.proc.pid, signal.SIGKILL)
                except OSError:
                    pass
                n.proc.wait()
            try:
                n.proc.stdout.close()
            except OSError:
                pass
        self.sel.close()


# MARK: node kinds

def spawn(cluster: Cluster, kind: str, index: int, connect: list[str], opts, trace: bool = False) -> Node:
    if kind == "p2p-chat":
        data = os.path.join(cluster.workdir, f"data-{index}")
        # Discovery off: the topology is the one drawn above (mDNS would connect every node to every other on
        # this host, and the DHT adds its own traffic), as for the py-libp2p nodes, which have neither.
        argv = [opts.bin, "--headless", "--listen", "/ip4/127.0.0.1/tcp/0", "--data-dir", data, "--room", ROOM,
                "--nick", f"n{index}", "--no-mdns", "--no-dht"]
        for a in connect:
            argv += ["--connect", a]
    else:
        argv = [opts.py, PY_NODE, "--room", ROOM, "--nick", f"n{index}", "--seed", f"bench-py-{index}-{os.getpid()}"]
        for a in connect:
            argv += ["--connect", a]
    trace_path = os.path.join(cluster.workdir, f"{kind}-{index}.trace") if trace else None
    return cluster.add(Node(kind, index, argv, cluster.workdir, trace_path))


def unavailable(kind: str, opts) -> str | None:
    if kind == "p2p-chat":
        if not os.access(opts.bin, os.X_OK):
            return f"{opts.bin} not found (swift build -c release --product p2p-chat)"
    else:
        if not opts.py or not os.access(opts.py, os.X_OK):
            return "no python with py-libp2p (.venv; make test sets it up)"
        probe = subprocess.run([opts.py, "-c", "import libp2p.pubsub.gossipsub"], capture_output=True, timeout=60)
        if probe.returncode != 0:
            tail = probe.stderr.decode(errors="replace").strip().splitlines()
            return "py-libp2p does not import: " + (tail[-1] if tail else f"exit {probe.returncode}")
    return None


# MARK: measurement

class Result:
    def __init__(self, name: str):
        self.name = name
        self.nodes = 0
        self.messages = 0
        self.expected = 0
        self.latencies_ms: list[float] = []
        # publisher's own `message` event (stdin line → its own stdout): the local half of the path
        self.own_ms: list[float] = []
        # two nodes: publish → deliver inside the processes (the author reads the line → the receiver starts
        # writing its event), from the nodes' stage traces; `unmatched` counts messages not lined up
        self.inprocess_ms: list[float] = []
        self.unmatched = 0
        # two nodes: latencies by direction ("A → B")
        self.by_direction: dict[str, list[float]] = {}
        # (latency ms, seconds into the run, author, receiver) of every delivery, for --worst
        self.deliveries: list[tuple[float, float, int, int]] = []
        self.duplicates = 0
        self.cpu_seconds = float("nan")
        self.seconds = 0.0
        self.error: str | None = None
        # CPU share of one core per node while idle (meshes formed, no messages): heartbeats and keep-alives
        self.idle_cpu = float("nan")
        self.note = ""

    @property
    def delivered(self) -> int:
        return len(self.latencies_ms)


def percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return float("nan")
    rank = max(0, min(len(sorted_values) - 1, int(-(-q * len(sorted_values) // 1)) - 1))
    return sorted_values[rank]


def publish_and_collect(cluster: Cluster, schedule: list[tuple[float, int]], tag: str, drain: float,
                        result: Result) -> dict[str, tuple[int, int]]:
    """Publishes `schedule` ([(offset seconds, node index)]) and records each message's latency to every other
    node. Waits until everything arrived or `drain` seconds after the last publish."""
    n = len(cluster.nodes)
    sent: dict[str, tuple[int, int]] = {}
    cpu0 = sum(node.cpu_seconds() for node in cluster.nodes)
    start = time.monotonic()
    for i, (offset, who) in enumerate(schedule):
        while (left := start + offset - time.monotonic()) > 0:
            cluster.pump(left)
        content = f"{tag} {i}"
        sent[content] = (who, cluster.nodes[who].write_line(content))

    def complete() -> bool:
        return all(len(cluster.arrivals.get(c, {})) >= n for c in sent)

    deadline = time.monotonic() + drain
    while not complete() and time.monotonic() < deadline:
        cluster.pump(min(0.1, deadline - time.monotonic()))
    cluster.sleep(0.2)   # late duplicates
    result.seconds = time.monotonic() - start
    result.cpu_seconds = sum(node.cpu_seconds() for node in cluster.nodes) - cpu0
    result.nodes = n
    result.messages += len(sent)
    result.expected += len(sent) * (n - 1)
    first = min((t0 for _, t0 in sent.values()), default=0)
    for content, (who, t0) in sent.items():
        for receiver, t in cluster.arrivals.get(content, {}).items():
            if receiver != who:
                result.latencies_ms.append((t - t0) / 1e6)
                result.deliveries.append(((t - t0) / 1e6, (t0 - first) / 1e9, who, receiver))
                if n == 2:
                    kinds = cluster.nodes[who].kind, cluster.nodes[receiver].kind
                    key = f"{kinds[0]} {who} → {kinds[1]} {receiver}"
                    result.by_direction.setdefault(key, []).append((t - t0) / 1e6)
            else:
                result.own_ms.append((t - t0) / 1e6)
    return sent


def settle(cluster: Cluster, seconds: float, result: Result) -> None:
    """Lets meshes form; measures the nodes' idle CPU over that time."""
    cluster.sleep(min(1.0, seconds))   # connection set-up and identify are not idle work
    cpu0, t0 = sum(n.cpu_seconds() for n in cluster.nodes), time.monotonic()
    cluster.sleep(max(0.0, seconds - 1.0))
    elapsed = time.monotonic() - t0
    if elapsed >= 1.0:
        result.idle_cpu = (sum(n.cpu_seconds() for n in cluster.nodes) - cpu0) / elapsed / len(cluster.nodes)


def warm_up(cluster: Cluster, tag: str, timeout: float) -> None:
    """One message from every node; all must reach all (proves the meshes carry traffic)."""
    n = len(cluster.nodes)
    contents = []
    for i, node in enumerate(cluster.nodes):
        content = f"{tag} warm {i}"
        node.write_line(content)
        contents.append(content)
        cluster.sleep(0.02)
    missing = lambda: sum(n - len(cluster.arrivals.get(c, {})) for c in contents)
    try:
        cluster.wait("the warm-up round to reach every node", lambda: missing() == 0, timeout)
    except BenchError:
        raise BenchError(f"warm-up: {missing()} of {n * n} deliveries missing after {timeout:.0f} s")
    cluster.duplicates = 0


def two_nodes(kinds: tuple[str, str], opts, workdir: str) -> Result:
    result = Result(f"two nodes: {kinds[0]} ↔ {kinds[1]}")
    cluster = Cluster(workdir)
    try:
        a = spawn(cluster, kinds[0], 0, [], opts, trace=True)
        cluster.wait(f"{kinds[0]} ready", lambda: a.ready is not None, 60)
        b = spawn(cluster, kinds[1], 1, [a.addr], opts, trace=True)
        cluster.wait(f"{kinds[1]} ready and connected", lambda: b.ready is not None and b.connected > 0, 60)
        settle(cluster, opts.settle, result)
        warm_up(cluster, "two", 15)
        # Alternate directions; each author sends at --two-rate / 2 (under 10/s).
        interval = 1.0 / opts.two_rate
        schedule = [(i * interval, i % 2) for i in range(opts.messages)]
        sent = publish_and_collect(cluster, schedule, "two", opts.drain, result)
        result.duplicates = cluster.duplicates
    except BenchError as e:
        result.error = str(e)
    except Exception as e:  # a benchmark never fails the run
        result.error = f"{type(e).__name__}: {e}"
    finally:
        cluster.close()   # the nodes write their traces as they exit
    if not result.error:
        line_up_in_process(cluster, sent, result)
    return result


# The stages of the nodes' traces used here (Network/Perf/StageTrace; bench/_pubsub_py_node.py writes the same).
LINE_READ, OUTPUT_START = 1, 16
# The author's stdin read of a line comes within this long after the harness wrote it, or is not found.
LINE_UP_WINDOW_NS = 50_000_000


def read_trace(path: str | None, stage: int) -> list[int]:
    """The stamps of `stage` in a node's trace, in the order they were taken."""
    try:
        with open(path) as f:
            return [int(t) for s, t in (line.split() for line in f if line.strip()) if int(s) == stage]
    except (OSError, TypeError, ValueError):
        return []


def line_up_in_process(cluster: Cluster, sent: dict[str, tuple[int, int]], result: Result) -> None:
    """Publish → deliver inside the processes, for every delivery: from the author's first stdin read after
    the harness wrote the line to the receiver's `outputStart` stamp of the event that carried it. Every
    node stamps `outputStart` once per stdout line, so the k-th stamp is the k-th line the harness read from
    it. A delivery whose stamps are missing or out of order is counted, never guessed."""
    reads = [sorted(read_trace(n.trace, LINE_READ)) for n in cluster.nodes]
    outputs = [read_trace(n.trace, OUTPUT_START) for n in cluster.nodes]
    for node, stamps in zip(cluster.nodes, outputs):
        if len(stamps) < node.lines:   # a line without its stamp: the pairing would be off (lines written after
            # the harness stopped reading, at /quit, only add stamps at the end)
            result.note = f"not lined up in process: node {node.index} stamped {len(stamps)} events for {node.lines} lines"
            return
    for content, (who, t0) in sent.items():
        i = bisect.bisect_left(reads[who], t0)
        read = reads[who][i] if i < len(reads[who]) and reads[who][i] - t0 <= LINE_UP_WINDOW_NS else None
        for receiver, k in cluster.arrival_lines.get(content, {}).items():
            if receiver == who:
                continue
            out = outputs[receiver][k] if k < len(outputs[receiver]) else None
            if read is None or out is None or out < read:
                result.unmatched += 1
            else:
                result.inprocess_ms.append((out - read) / 1e6)


def topology(n: int, degree: int, seed: int) -> list[list[int]]:
    rng = random.Random(seed)
    return [rng.sample(range(i), min(i, degree)) for i in range(n)]


def mesh(kind: str, n: int, opts, workdir: str) -> Result:
    rate = opts.mesh_rate if kind == "p2p-chat" else opts.py_mesh_rate
    result = Result(f"{n}-node mesh: {kind}, {rate:g} msgs/s")
    cluster = Cluster(workdir)
    links = topology(n, opts.links, opts.seed)
    try:
        if kind == "p2p-chat":
            # Starts in milliseconds: spawn in order, each dialing earlier nodes by the address they printed.
            for i in range(n):
                node = spawn(cluster, kind, i, [cluster.nodes[j].addr for j in links[i]], opts, trace=True)
                cluster.wait(f"node {i} ready", lambda: node.ready is not None, 30)
        else:
            # py-libp2p takes ~1–2 s of CPU to start: start all at once, then wire them with /connect.
            for i in range(n):
                spawn(cluster, kind, i, [], opts, trace=True)
            cluster.wait("every py node ready", lambda: all(x.ready is not None for x in cluster.nodes), 180)
            for i in range(n):
                for j in links[i]:
                    cluster.nodes[i].write_line(f"/connect {cluster.nodes[j].addr}")
        want = [len(links[i]) for i in range(n)]
        cluster.wait("every dial connected",
                     lambda: all(cluster.nodes[i].connected >= want[i] for i in range(n)), 60)
        settle(cluster, opts.settle, result)
        warm_up(cluster, "mesh", 30)
        rng = random.Random(opts.seed + 1)
        interval = 1.0 / rate
        count = opts.mesh_messages if kind == "p2p-chat" else opts.py_mesh_messages
        schedule = [(i * interval, rng.randrange(n)) for i in range(count)]
        sent = publish_and_collect(cluster, schedule, "mesh", opts.drain, result)
        result.duplicates = cluster.duplicates
        errors = [e for x in cluster.nodes for e in x.errors]
        if errors:
            result.note = f"{len(errors)} error events, e.g. {errors[0][:80]}"
    except BenchError as e:
        result.error = str(e)
    except Exception as e:
        result.error = f"{type(e).__name__}: {e}"
    finally:
        cluster.close()   # the nodes write their traces as they exit
    if not result.error:
        line_up_in_process(cluster, sent, result)
    return result


# MARK: report

def fmt(v: float, decimals: int = 2) -> str:
    return "n/a" if v != v else f"{v:,.{decimals}f}"


def print_table(results: list[Result], opts) -> None:
    headers = ["scenario", "nodes", "msgs", "delivered", "p50 ms", "p90 ms", "p99 ms", "max ms", "own p50 ms",
               "in process p50 / p99 ms", "CPU µs/msg/node", "idle CPU/node", "target"]
    rows = []
    for r in results:
        if r.error:
            rows.append([r.name, str(r.nodes or ""), "", "", "n/a", "", "", "", "", "", "", "", r.error])
            continue
        lat, own, inside = sorted(r.latencies_ms), sorted(r.own_ms), sorted(r.inprocess_ms)
        p50, p90, p99 = percentile(lat, 0.5), percentile(lat, 0.9), percentile(lat, 0.99)
        in50, in99 = percentile(inside, 0.5), percentile(inside, 0.99)
        ratio = r.delivered / r.expected if r.expected else float("nan")
        if r.nodes == 1:
            target = "(what the harness adds: write, one process hop, read)"
        elif "py-libp2p" in r.name:
            target = "(py-libp2p, for comparison)" if "p2p-chat" not in r.name else "(interop, for comparison)"
        elif r.nodes == 2:
            # Publish → deliver is the in-process figure; the harness's adds the floor's two pipe hops.
            met = inside and r.unmatched == 0 and in50 <= 0.5 and in99 <= 2.0
            target = "p50 ≤ 0.5, p99 ≤ 2 (in process) " + ("✓" if met else "✗")
            target += "; harness " + ("✓" if p50 <= 0.5 and p99 <= 2.0 else "✗")
        else:
            met = inside and r.unmatched == 0 and in99 <= 10.0 and r.delivered == r.expected
            target = "p99 ≤ 10, 100 % (in process) " + ("✓" if met else "✗")
            target += "; harness " + ("✓" if p99 <= 10.0 and r.delivered == r.expected else "✗")
        extra = []
        if r.duplicates:
            extra.append(f"{r.duplicates} duplicate events")
        if r.note:
            extra.append(r.note)
        if r.unmatched:
            extra.append(f"{r.unmatched} not lined up in process")
        cpu = r.cpu_seconds / (r.messages * r.nodes) * 1e6 if r.messages and r.nodes else float("nan")
        rows.append([r.name, str(r.nodes), f"{r.messages:,}", f"{fmt(100 * ratio, 1)} % ({r.delivered:,}/{r.expected:,})",
                     fmt(p50), fmt(p90), fmt(p99), fmt(lat[-1] if lat else float("nan")),
                     fmt(percentile(own, 0.5)) if own else "",
                     f"{fmt(in50)} / {fmt(in99)}" if inside else "", fmt(cpu, 0) if r.nodes > 1 else "",
                     fmt(100 * r.idle_cpu, 2) + " %" if r.idle_cpu == r.idle_cpu else "",
                     target + ("; " + ", ".join(extra) if extra else "")])
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(headers)]
    left = {0, 12}

    def line(cells):
        return "| " + " | ".join(c.ljust(w) if i in left else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths))) + " |"

    print(line(headers))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print(line(row))


def harness_floor(opts, workdir: str) -> Result:
    """`cat` echoing JSON lines: the cost of the measurement itself (a pipe write, one process hop, a pipe read)."""
    result = Result("harness floor: `cat` echo")
    cluster = Cluster(workdir)
    try:
        node = cluster.add(Node("cat", 0, ["cat"], workdir))
        sent = []
        interval = 1.0 / max(opts.two_rate, 50.0)
        for i in range(opts.messages):
            content = f"floor {i}"
            t0 = node.write_line(json.dumps({"event": "message", "type": "message", "content": content}))
            sent.append((content, t0))
            cluster.wait("the echo", lambda: content in cluster.arrivals, 5)
            cluster.sleep(interval)
        result.nodes, result.messages, result.expected = 1, len(sent), len(sent)
        result.latencies_ms = [(cluster.arrivals[c][0] - t0) / 1e6 for c, t0 in sent]
    except Exception as e:
        result.error = f"{type(e).__name__}: {e}"
    finally:
        cluster.close()
    return result


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--messages", type=int, default=300, help="two-node messages (alternating direction; default 300)")
    p.add_argument("--two-rate", type=float, default=16.0,
                   help="two-node msgs/s in total, half per author (default 16: 8/s each, under the 10/s limit)")
    p.add_argument("--nodes", type=int, default=20, help="p2p-chat mesh size (default 20; 0 skips)")
    p.add_argument("--py-nodes", type=int, default=20, help="py-libp2p mesh size (default 20; 0 skips)")
    p.add_argument("--mesh-messages", type=int, default=300, help="mesh messages (default 300)")
    p.add_argument("--mesh-rate", type=float, default=20.0, help="mesh msgs/s in total, random publishers (default 20)")
    p.add_argument("--py-mesh-rate", type=float, default=5.0,
                   help="py-libp2p mesh msgs/s in total (default 5: at 20/s a 20-node py mesh needs more than 2 cores)")
    p.add_argument("--py-mesh-messages", type=int, default=100, help="py-libp2p mesh messages (default 100)")
    p.add_argument("--only", help="comma-separated scenarios: floor,two,two-py,two-mixed,mesh,mesh-py (default: all)")
    p.add_argument("--links", type=int, default=3, help="dials per mesh node to random earlier nodes (default 3)")
    p.add_argument("--settle", type=float, default=3.0, help="seconds for meshes to form (default 3)")
    p.add_argument("--drain", type=float, default=5.0, help="seconds to wait for late deliveries (default 5)")
    p.add_argument("--seed", type=int, default=1, help="topology and publisher seed (default 1)")
    p.add_argument("--no-py", action="store_true", help="skip every py-libp2p scenario")
    p.add_argument("--worst", type=int, default=0, metavar="N",
                   help="also list each row's N slowest deliveries (when, author, receiver), to tell a stalled node from a stalled host")
    p.add_argument("--quick", action="store_true", help="a smoke test: 60 two-node and 60 mesh messages, 10-node meshes")
    # run-all.sh passes its arguments to every script; ignore the ones meant for others (perf-interop.py).
    # PUBSUB_LATENCY_ARGS: options for this script when it runs under run-all.sh (e.g. "--quick").
    opts, unknown = p.parse_known_args(shlex.split(os.environ.get("PUBSUB_LATENCY_ARGS", "")) + sys.argv[1:])
    if opts.quick:
        opts.messages, opts.mesh_messages, opts.py_mesh_messages = 60, 60, 30
        opts.nodes, opts.py_nodes = min(opts.nodes, 10), min(opts.py_nodes, 10)
    only = set(opts.only.split(",")) if opts.only else None
    opts.bin = os.environ.get("P2P_CHAT_BIN") or os.path.join(ROOT, ".build", "release", "p2p-chat")
    venv_py = os.path.join(ROOT, ".venv", "bin", "python")
    opts.py = os.environ.get("P2P_CHAT_PY") or (venv_py if os.access(venv_py, os.X_OK) else shutil.which("python3"))

    print("# pubsub-latency: publish-to-deliver latency at the harness (stdin line written → receiver's `message` "
          "event read) and in process (author's stdin read → receiver's event write), loopback, one process per node")
    print(f"# load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
          f"{os.cpu_count()} cpus; p2p-chat: {opts.bin}; python: {opts.py}")
    if unknown:
        print(f"# ignored arguments: {' '.join(unknown)}")
    print()
    missing = {"p2p-chat": unavailable("p2p-chat", opts),
               "py-libp2p": "skipped (--no-py)" if opts.no_py else unavailable("py-libp2p", opts)}
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="p2p-chat-latency-") as workdir:
        def run(key: str, name: str, kinds: set[str], body) -> None:
            if only is not None and key not in only:
                return
            reasons = [f"{k}: {missing[k]}" for k in sorted(kinds) if missing[k]]
            if reasons:
                r = Result(name)
                r.error = "; ".join(reasons)
                results.append(r)
                return
            sub = tempfile.mkdtemp(dir=workdir)
            print(f"# running {name} …", file=sys.stderr, flush=True)
            results.append(body(sub))

        run("floor", "harness floor: `cat` echo", set(), lambda d: harness_floor(opts, d))
        run("two", "two nodes: p2p-chat ↔ p2p-chat", {"p2p-chat"}, lambda d: two_nodes(("p2p-chat", "p2p-chat"), opts, d))
        run("two-py", "two nodes: py-libp2p ↔ py-libp2p", {"py-libp2p"}, lambda d: two_nodes(("py-libp2p", "py-libp2p"), opts, d))
        run("two-mixed", "two nodes: p2p-chat ↔ py-libp2p", {"p2p-chat", "py-libp2p"},
            lambda d: two_nodes(("p2p-chat", "py-libp2p"), opts, d))
        if opts.nodes > 1:
            run("mesh", f"{opts.nodes}-node mesh: p2p-chat, {opts.mesh_rate:g} msgs/s", {"p2p-chat"}, lambda d: mesh("p2p-chat", opts.nodes, opts, d))
        if opts.py_nodes > 1:
            run("mesh-py", f"{opts.py_nodes}-node mesh: py-libp2p, {opts.py_mesh_rate:g} msgs/s", {"py-libp2p"}, lambda d: mesh("py-libp2p", opts.py_nodes, opts, d))
    print_table(results, opts)
    print()
    for r in results:
        if not r.error and r.by_direction:
            parts = [f"{k}: {fmt(percentile(sorted(v), 0.5))} / {fmt(percentile(sorted(v), 0.99))}"
                     for k, v in sorted(r.by_direction.items())]
            print(f"{r.name}, by direction (p50 / p99 ms): " + "; ".join(parts))
    print()
    for r in results:
        if opts.worst and not r.error and r.deliveries:
            worst = sorted(r.deliveries, reverse=True)[:opts.worst]
            print(f"{r.name}, slowest deliveries (ms at s into the run, author → receiver): " +
                  "; ".join(f"{ms:,.2f} at {at:.2f} s, {a} → {b}" for ms, at, a, b in worst))
            print()
    # Whole-node CPU per relayed message in the meshes: the process-level counterpart of `p2p-chat-bench pubsub`.
    per_core = []
    for r in results:
        if not r.error and r.nodes > 2 and r.messages and r.cpu_seconds == r.cpu_seconds:
            us = r.cpu_seconds / (r.messages * r.nodes) * 1e6
            per_core.append(f"{r.name.split(': ')[1].split(',')[0]} {us:,.0f} µs (≈ {1e6 / us:,.0f} msgs/s per core)")
    if per_core:
        print("Whole-node CPU per message in a mesh (receive ~D copies, verify one, forward, print): " + "; ".join(per_core) + ".")
        print()
    notes = (
        f"Two nodes: {opts.messages} messages alternating direction, {opts.two_rate:g} msgs/s in total. "
        f"Meshes: node i dials {opts.links} random earlier nodes (seed {opts.seed}), {opts.settle:g} s to settle, a "
        f"warm-up round reaching every node, then {opts.mesh_messages} messages (py-libp2p: {opts.py_mesh_messages}) "
        "from random nodes at the rate shown; the latency of each message to every other node. "
        "'own p50': the publisher's own `message` event. 'in process': publish → deliver inside the "
        "processes, from the nodes' stage traces (the author reads the line → the receiver starts writing its event; "
        "the same in py-libp2p's node), so without the harness's pipe hops and wake-ups (the 'harness floor' row "
        "is one of those hops). 'CPU µs/msg/node': user+system CPU of all nodes while the "
        "measured messages flowed (heartbeats included), per message per node. 'idle CPU/node': one core's share per "
        "node with meshes formed and no messages. All nodes share this machine's cores, so a mesh whose nodes need "
        "more CPU per second than the machine has queues up (CPU µs/msg/node × nodes × msgs/s, against the cores). "
        "py-libp2p: GossipSub v1.1, D 6/4/12, heartbeat 1 s, adaptive gossip off, spam limit raised, eclipse "
        "protection off (bench/_pubsub_py_node.py)."
    )
    print(textwrap.fill(notes, 118))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(0)
