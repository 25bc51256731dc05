#!/usr/bin/env python3
"""A py-libp2p 0.8.1 GossipSub chat node with p2p-chat's headless contract (the part the benchmarks use).

Used by bench/pubsub-latency.py (the leading "_" keeps bench/run-all.sh from running it on its own).

  _pubsub_py_node.py [--room R] [--connect MADDR]... [--seed S] [--port N]

stdout, one JSON object per line:
  {"event":"ready","peer":"12D3KooW…","addrs":["/ip4/127.0.0.1/tcp/N/p2p/12D3…"],"agent":"py-libp2p/…"}
  {"event":"connected","peer":…,"direction":"outbound"}      (after each --connect succeeds)
  {"event":"message","room":…,"type":…,"from":…,"username":…,"content":…,"timestamp":…,"id":…}
      for every message delivered on the room (our own included), like p2p-chat's headless mode
  {"event":"error","message":…}
stdin: each line is published to the room as the chat JSON {"type":"message","content":…,"username":…,
  "timestamp":…,"from":…}; "/connect MADDR" dials a peer (the harness starts py nodes in parallel, then wires
  them); "/quit" or EOF exits.

GossipSub as PROTOCOLS.md's "Minimal py harness API" sets it up (/meshsub/1.1.0 and 1.0.0, D=6, D_lo=4, D_hi=12,
heartbeat 1 s, adaptive gossip off), with spam protection raised: py's default of 10 messages per second per
forwarding peer per topic would drop most of a busy mesh's traffic, since one mesh peer relays everyone's messages.
Eclipse protection (IP diversity) is off: every node is on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import secrets
import sys
import time

import multiaddr
import trio

from libp2p import new_host
from libp2p.crypto.ed25519 import create_new_key_pair
from libp2p.peer.id import ID
from libp2p.peer.peerinfo import info_from_p2p_addr
from libp2p.pubsub.gossipsub import PROTOCOL_ID, PROTOCOL_ID_V11, GossipSub
from libp2p.pubsub.pubsub import Pubsub
from libp2p.tools.anyio_service import background_trio_service

# Per forwarding peer, per topic, per second (py's default is 10).
SPAM_LIMIT = 1_000_000.0


# P2P_CHAT_STAGE_TRACE: stamps of each stdin read (1) and of the start of each event written (16), the
# format and stage numbers of p2p-chat's Network/Perf/StageTrace, written at exit (bench/pubsub-latency.py).
TRACE_PATH = os.environ.get("P2P_CHAT_STAGE_TRACE") or None
TRACE: list[tuple[int, int]] = []
LINE_READ, OUTPUT_START = 1, 16


def mark(stage: int) -> None:
    if TRACE_PATH:
        TRACE.append((stage, time.monotonic_ns()))


def write_trace() -> None:
    if TRACE_PATH:
        with open(TRACE_PATH, "w") as f:
            f.writelines(f"{stage} {t}\n" for stage, t in TRACE)


def emit(obj: dict) -> None:
    line = json.dumps(obj, separators=(",", ":")) + "\n"
    mark(OUTPUT_START)   # as p2p-chat: once per event (every stdout line), rendered, as its write starts
    try:
        sys.stdout.write(line)
        sys.stdout.flush()
    except BrokenPipeError:
        os._exit(0)


async def read_stdin_lines():
    stream = trio.lowlevel.FdStream(os.dup(0))
    pending = b""
    async with stream:
        while True:
            data = await stream.receive_some(65536)
            mark(LINE_READ)
            if not data:
                break
            pending += data
            while b"\n" in pending:
                line, pending = pending.split(b"\n", 1)
                yield line.decode("utf-8", "replace")
        if pending:
            yield pending.decode("utf-8", "replace")


async def main(opts: argparse.Namespace) -> None:
    seed = hashlib.sha256(opts.seed.encode()).digest() if opts.seed else secrets.token_bytes(32)
    host = new_host(key_pair=create_new_key_pair(seed))
    me = host.get_id().to_string()
    nick = opts.nick or f"py_{me[-4:]}"
    gs = GossipSub(
        protocols=[PROTOCOL_ID_V11, PROTOCOL_ID], degree=6, degree_low=4, degree_high=12,
        heartbeat_interval=1, adaptive_gossip_enabled=False,
        spam_protection_enabled=True, max_messages_per_topic_per_second=SPAM_LIMIT,
        eclipse_protection_enabled=False,
    )
    ps = Pubsub(host, gs)
    listen = multiaddr.Multiaddr(f"/ip4/127.0.0.1/tcp/{opts.port}")
    async with host.run(listen_addrs=[listen]):
        async with background_trio_service(ps), background_trio_service(gs):
            await ps.wait_until_ready()
            sub = await ps.subscribe(opts.room)
            from libp2p.utils import get_agent_version

            emit({"event": "ready", "peer": me, "addrs": [str(a) for a in host.get_addrs()],
                  "agent": get_agent_version(), "room": opts.room, "nick": nick})

            async def deliver() -> None:
                while True:
                    msg = await sub.get()
                    try:
                        chat = json.loads(msg.data.decode("utf-8"))
                    except Exception:
                        continue
                    if not isinstance(chat, dict):
                        continue
                    emit({"event": "message", "room": opts.room, "type": chat.get("type"),
                          "from": ID(msg.from_id).to_string(), "username": chat.get("username"),
                          "content": chat.get("content"), "timestamp": chat.get("timestamp"),
                          "id": (msg.from_id + msg.seqno).hex()})

            async def connect(addr: str) -> None:
                try:
                    info = info_from_p2p_addr(multiaddr.Multiaddr(addr))
                    await host.connect(info)
                    emit({"event": "connected", "peer": info.peer_id.to_string(), "direction": "outbound",
                          "addr": addr})
                except Exception as exc:
                    emit({"event": "error", "message": f"dial {addr} failed: {type(exc).__name__}: {exc}"})

            async with trio.open_nursery() as nursery:
                nursery.start_soon(deliver)
                for addr in opts.connect:
                    nursery.start_soon(connect, addr)
                async for line in read_stdin_lines():
                    line = line.strip()
                    if not line:
                        continue
                    if line.startswith("/"):
                        words = line.split()
                        if words[0].startswith("/q"):
                            break
                        if words[0] == "/connect" and len(words) == 2:
                            nursery.start_soon(connect, words[1])
                        continue
                    data = json.dumps({"type": "message", "content": line, "username": nick,
                                       "timestamp": int(time.time()), "from": me},
                                      separators=(",", ":")).encode()
                    try:
                        await ps.publish(opts.room, data)
                    except Exception as exc:
                        emit({"event": "error", "message": f"publish failed: {type(exc).__name__}: {exc}"})
                nursery.cancel_scope.cancel()


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--room", default="p2p-chat-default")
    p.add_argument("--connect", action="append", default=[])
    p.add_argument("--seed", help="identity seed; key = Ed25519(sha256(seed)); random if absent")
    p.add_argument("--nick")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--log-level", default=os.environ.get("PY_NODE_LOG", "ERROR"))
    return p.parse_args(argv)


if __name__ == "__main__":
    options = parse_args(sys.argv[1:])
    logging.basicConfig(stream=sys.stderr, level=options.log_level.upper(),
                        format="py_node %(levelname)s %(name)s: %(message)s")
    code = 0
    try:
        trio.run(main, options)
    except KeyboardInterrupt:
        pass
    except BaseException as exc:
        emit({"event": "error", "message": f"fatal: {type(exc).__name__}: {exc}"})
        code = 1
    sys.stdout.flush()
    write_trace()
    os._exit(code)
