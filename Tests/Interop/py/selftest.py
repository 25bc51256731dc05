#!/usr/bin/env python3
"""py↔py self-test of py_peer.py: every command against a second py_peer instance.

    .venv/bin/python Tests/Interop/py/selftest.py [--echo-bytes N] [--perf-bytes N]

Exits non-zero on the first failure. Prints one line per check.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from lineproc import LineProcess  # noqa: E402

PY_PEER = os.path.join(HERE, "py_peer.py")


def check(cond: bool, what: str, detail: object = "") -> None:
    print(("ok   " if cond else "FAIL ") + what + (f"  {detail}" if detail != "" else ""), flush=True)
    if not cond:
        raise SystemExit(1)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--echo-bytes", type=int, default=16 * 1024 * 1024)
    ap.add_argument("--perf-bytes", type=int, default=16 * 1024 * 1024)
    opts = ap.parse_args()
    py = sys.executable

    with LineProcess([py, PY_PEER, "--seed", "selftest-a"], "py-a") as a, \
         LineProcess([py, PY_PEER, "--seed", "selftest-b"], "py-b") as b:
        ra = a.wait_for("ready", timeout=60)
        rb = b.wait_for("ready", timeout=60)
        check(ra["peer"].startswith("12D3KooW"), "ready: Ed25519 peer id", ra["peer"])
        check(rb["addrs"][0].startswith("/ip4/127.0.0.1/tcp/") and rb["addrs"][0].endswith("/p2p/" + rb["peer"]),
              "ready: 127.0.0.1 address with /p2p suffix", rb["addrs"][0])
        pa, pb = ra["peer"], rb["peer"]

        # fixed identity from the seed
        with LineProcess([py, PY_PEER, "--seed", "selftest-a", "--no-perf"], "py-a2") as a2:
            check(a2.wait_for("ready", timeout=60)["peer"] == pa, "same seed gives the same peer id")

        a.send(f"dial {rb['addrs'][0]}")
        a.wait_for("dialed", lambda e: e["peer"] == pb)
        a.wait_for("connected", lambda e: e["peer"] == pb and e["direction"] == "outbound")
        b.wait_for("connected", lambda e: e["peer"] == pa and e["direction"] == "inbound")
        check(True, "dial: connected events on both sides")

        a.send(f"ping {pb} 3")
        e = a.wait_for("ping")
        check(e["peer"] == pb and len(e["rtts_ms"]) == 3 and e["rtt_ms"] >= 0, "ping ×3", e["rtts_ms"])

        a.send(f"identify {pb}")
        e = a.wait_for("identify")
        check(e["agent"] == "py-libp2p/0.8.1" and e["public_key_ok"]
              and "/ipfs/ping/1.0.0" in e["protocols"] and "/p2p-chat-test/echo/1.0.0" in e["protocols"],
              "identify", {k: e[k] for k in ("agent", "protocols", "listen_addrs", "observed_addr", "messages")})

        a.send("peers")
        e = a.wait_for("peers")
        entry = next((p for p in e["peers"] if p["peer"] == pb), None)
        check(entry is not None and entry["agent"] == "py-libp2p/0.8.1", "peers lists b with its agent", entry)

        for src, dst, name in ((a, pb, "a→b"), (b, pa, "b→a")):
            src.send(f"echo {dst} {opts.echo_bytes}")
            e = src.wait_for("echo", timeout=300)
            served = (b if src is a else a).wait_for("echo-served", timeout=30)
            check(e["ok"] and e["bytes"] == opts.echo_bytes and served["sha256"] == e["sent_sha256"],
                  f"echo {opts.echo_bytes} bytes {name}", f"{e['seconds']} s, {e['mbps']} MB/s (both directions)")

        a.send(f"perf {pb} {opts.perf_bytes} 0")
        up = a.wait_for("perf", timeout=600)
        a.send(f"perf {pb} 0 {opts.perf_bytes}")
        down = a.wait_for("perf", timeout=600)
        check(up["upload_bytes"] == opts.perf_bytes and down["download_bytes"] == opts.perf_bytes,
              "perf /perf/1.0.0 against py's PerfService",
              f"upload {up['upload_mbps']} MB/s, download {down['download_mbps']} MB/s")

        # GossipSub: subscribe, mesh, publish both ways, chat JSON, a corrupted signature is dropped.
        for node in (a, b):
            node.send("subscribe selftest-topic")
            node.wait_for("subscribed")
        a.send(f"mesh selftest-topic {pb} 30")
        check(pb in a.wait_for("mesh", timeout=40)["peers"], "gossipsub: b joins a's mesh")
        b.send(f"mesh selftest-topic {pa} 30")
        check(pa in b.wait_for("mesh", timeout=40)["peers"], "gossipsub: a joins b's mesh")
        a.send("publish selftest-topic hello  from a ")
        pub = a.wait_for("published")
        e = b.wait_for("message", lambda e: e["id"] == pub["id"], timeout=30)
        check(e["from"] == pa and e["data"] == "hello  from a " and e["seqno"] == pub["seqno"],
              "publish a→b: text verbatim, author and seqno", e)
        a.wait_for("message", lambda e: e["id"] == pub["id"], timeout=30)
        b.send("publish-chat selftest-topic chat from b")
        pub = b.wait_for("published")
        e = a.wait_for("message", lambda e: e["id"] == pub["id"], timeout=30)
        chat = json.loads(e["data"])
        check(chat["type"] == "message" and chat["content"] == "chat from b" and chat["from"] == pb,
              "publish-chat b→a: the Go program's JSON", chat)
        a.send("publish-corrupt selftest-topic forged")
        bad = a.wait_for("published-corrupt")
        a.send("publish-chat selftest-topic fence")
        fence = a.wait_for("published")
        b.wait_for("message", lambda e: e["id"] == fence["id"], timeout=30)
        check(pb in bad["peers"] and not any(e.get("id") == bad["id"] for e in b.events),
              "publish-corrupt: written to b, dropped by b's signature check")
        a.send(f"sent {pb} {fence['id']}")     # waits until a's write of the fence is counted (b may see it first)
        sent = a.wait_for("sent")["messages"]
        check(sent.get(bad["id"]) == 1 and sent.get(fence["id"], 0) >= 1, "sent: per-peer write counts", sent)

        a.send("bogus")
        e = a.wait_for("error", timeout=10)
        check("unknown command" in e["message"], "unknown command → error event")
        a.send(f"ping 12D3KooWDA9eATf2w7gVUwaRM4ZtKzkuHZw7FAMa4apwdovUw8P1")
        e = a.wait_for("error", timeout=30)
        check(e.get("cmd") == "ping", "ping to an unknown peer → error event", e["message"][:100])

        a.send("quit")
        check(a.wait_exit(15) == 0, "quit exits 0")
        b.wait_for("disconnected", lambda e: e["peer"] == pa, timeout=15)
        check(True, "peer sees the disconnect")
        b.close_stdin()
        check(b.wait_exit(15) == 0, "EOF on stdin exits 0")
        check(not a.noise and not b.noise, "stdout carried only JSON lines", a.noise + b.noise)


if __name__ == "__main__":
    main()
