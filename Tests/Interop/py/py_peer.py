#!/usr/bin/env python3
"""A scriptable py-libp2p 0.8.1 peer for p2p-chat's interop tests and benchmarks.

One trio program. It starts a py-libp2p host with a fixed Ed25519 identity
(seed = sha256(--seed)), listens on 127.0.0.1, and then speaks a line protocol:

stdout: one JSON object per line, each with an "event" field:
  {"event":"ready","peer":"12D3KooW…","addrs":["/ip4/127.0.0.1/tcp/N/p2p/12D3…"],"agent":"py-libp2p/0.8.1"}
  {"event":"connected","peer":…,"direction":"inbound"|"outbound"}
  {"event":"disconnected","peer":…}
  {"event":"error","cmd":…,"message":…}
  plus one reply event per command (below).
stdin: one command per line (a leading "/" is accepted, so are JSON objects
  {"cmd":"ping","args":["12D3…"]}). Commands run concurrently:
  dial <multiaddr-with-/p2p>          → {"event":"dialed","peer":…}          (and "connected")
  ping <peer> [count]                 → {"event":"ping","peer":…,"rtt_ms":…,"rtts_ms":[…]}
  identify <peer>                     → {"event":"identify","peer":…,"agent":…,"protocol_version":…,
                                         "protocols":[…],"listen_addrs":[…],"observed_addr":…,
                                         "public_key_ok":bool,"messages":n,
                                         "signed_record": {"peer","seq","addrs","signer_ok"} as py's
                                         consume_envelope reads it, or {"error"}, or null}
  peers                               → {"event":"peers","peers":[{"peer","addrs","agent","protocols"}]}
  echo <peer> <nbytes>                → {"event":"echo","peer":…,"ok":bool,"bytes":n,"sha256":…,
                                         "sent_sha256":…,"seconds":…,"mbps":…}
  perf <peer> <upload> <download>     → {"event":"perf","peer":…,"upload_bytes":…,"download_bytes":…,
                                         "upload_seconds":…,"download_seconds":…,
                                         "upload_mbps":…,"download_mbps":…}   (mbps = 10^6 bytes/s)
  subscribe <topic>                   → {"event":"subscribed","topic":…}; then every message py delivers on it:
                                        {"event":"message","topic":…,"from":…,"data":<utf-8 text>,"seqno":<int>,
                                         "id":<hex from||seqno>}   (py's own publishes included)
  unsubscribe <topic>                 → {"event":"unsubscribed","topic":…}
  publish <topic> <text…>             → the rest of the line, as-is, as the data; {"event":"published","topic",
                                        "seqno","id"}
  publish-chat <topic> <content…>     → publishes the Go program's chat JSON {"type":"message","content",
                                        "username":"py","timestamp","from":<our id>} (then "published")
  publish-corrupt <topic> <content…>  → a chat message signed by us whose signature has one bit flipped, written
                                        by hand to every pubsub peer subscribed to the topic (py's own
                                        publish path would drop it); {"event":"published-corrupt",…,"peers":[…]}
  publish-direct <topic> <text…>      → the text, correctly signed, written by hand the same way (no mesh needed);
                                        {"event":"published-direct","topic","seqno","id","peers":[…]}
  mesh <topic> [<peer> [timeout]]     → {"event":"mesh","topic":…,"peers":[…]}; with a peer, first waits until
                                        it is in py's mesh for the topic (error event after the timeout)
  mesh-left <topic> <peer> [timeout]  → {"event":"mesh-left","topic":…,"peers":[…]} once <peer> is not in py's
                                        mesh for the topic (polled: py has no event for a removal)
  topic-peers <topic> [<peer> [timeout]] → {"event":"topic-peers","topic":…,"peers":[…]} (peers py knows are
                                        subscribed); with a peer, first waits for its subscription
  sent <peer> [<id> [timeout]]        → {"event":"sent","peer":…,"messages":{<id hex>:<times written>}}: every
                                        pubsub message py wrote to that peer (replays and flushes included); with
                                        an ID, first waits until that message has been written to the peer
  heartbeat [n]                       → {"event":"heartbeat","count":<total>} after n more GossipSub heartbeats
                                        (1 s each): lets time pass without sleeping
  With --dht server|client, a py-libp2p KadDHT on /ipfs/kad/1.0.0 (random walk off, no per-subnet cap) and:
  dht-add-peer <peer>                 → {"event":"dht-peer-added","peer":…,"added":bool} (seeds py's table)
  dht-provide <room>                  → provides the room key 0x1220||sha256(room) (hex multihash);
                                        {"event":"dht-provided","room":…,"key":<hex>,"ok":bool}
  dht-providers <room> [<peer> [timeout]] → {"event":"dht-providers","room":…,"providers":[{"peer","addrs"}]};
                                        with a peer, asks again (every 0.2 s) until that peer is among them.
                                        (py answers from its local records when it has any.)
  dht-table [<peer> [timeout]]        → {"event":"dht-table","peers":[…]} (py's routing table); with a peer,
                                        first waits until it is in the table
  dht-find-node <peer> <hexkey> [min [timeout]] → one FIND_NODE sent to <peer> (again every 0.2 s until it
                                        returns ≥ min peers); {"event":"dht-find-node","peers":[…as received],
                                        "py_order":[the same sorted by py's XOR distance],"table":[…]}
  With --autonat, py-libp2p's AutoNAT v1 service answers /libp2p/autonat/1.0.0 dial-back requests, and:
  autonat <peer>                      → asks <peer> to dial us back (py's query_server, our listen addresses);
                                        {"event":"autonat","peer":…,"status":<ResponseStatus int>,"addr":<multiaddr>|null}
  quit                                → exits 0 (so does EOF on stdin)
Served protocols: py's defaults (/ipfs/id/1.0.0, /ipfs/id/push/1.0.0, /ipfs/ping/1.0.0), the test echo
protocol /p2p-chat-test/echo/1.0.0 (reports {"event":"echo-served","peer":…,"bytes":n,"sha256":…}) and,
unless --no-perf, py-libp2p's own PerfService on /perf/1.0.0, and, unless --no-pubsub, GossipSub
(/meshsub/1.1.0, /meshsub/1.0.0; D=6, D_lo=4, D_hi=12, heartbeat 1 s, adaptive gossip off, spam limit raised;
with --do-px, peer exchange on: its PRUNEs offer its other mesh peers, with the signed records identify gave it).
With --mdns, py-libp2p's own mDNS discovery runs (new_host(enable_mDNS=True)) and every peer it discovers is
reported as {"event":"mdns-discovered","peer":…,"addrs":[…]} (py does not dial it; send "dial" for that).
Logs go to stderr only.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import logging
import os
import random
import secrets
import struct
import sys
import time

import multiaddr
import trio

from libp2p import new_host
from libp2p.crypto.ed25519 import create_new_key_pair
from libp2p.custom_types import TProtocol
from libp2p.host.ping import ID as PING_ID
from libp2p.host.ping import perform_ping_roundtrip
from libp2p.identity.identify.identify import ID as IDENTIFY_ID
from libp2p.identity.identify.pb.identify_pb2 import Identify
from libp2p.network.stream.exceptions import StreamEOF, StreamReset
from libp2p.crypto.serialization import deserialize_public_key
from libp2p.peer.envelope import consume_envelope
from libp2p.peer.id import ID
from libp2p.peer.peerinfo import info_from_p2p_addr
from libp2p.pubsub.gossipsub import PROTOCOL_ID, PROTOCOL_ID_V11, GossipSub
from libp2p.pubsub.pb import rpc_pb2
from libp2p.pubsub.pubsub import PUBSUB_SIGNING_PREFIX, Pubsub

ECHO_ID = TProtocol("/p2p-chat-test/echo/1.0.0")
PERF_ID = TProtocol("/perf/1.0.0")
CHUNK = 64 * 1024
IDENTIFY_MAX_BYTES = 8192 * 10
DEFAULT_TIMEOUT = 60.0
# py's per-peer per-topic forwarding limit (default 10/s) would drop and penalise test bursts.
SPAM_LIMIT_PER_SECOND = 100_000.0

log = logging.getLogger("py_peer")


def emit(obj: dict) -> None:
    """Write one JSON event line to stdout; exit quietly if the reader is gone."""
    try:
        sys.stdout.write(json.dumps(obj, separators=(",", ":")) + "\n")
        sys.stdout.flush()
    except BrokenPipeError:
        os._exit(0)


def pseudorandom(n: int, seed: int) -> bytes:
    """Deterministic pseudorandom bytes (fast; not cryptographic)."""
    return random.Random(seed).randbytes(n)


async def read_to_eof(stream, limit: int | None = None) -> bytes:
    buf = bytearray()
    while True:
        try:
            data = await stream.read(CHUNK)
        except StreamEOF:
            break
        if not data:
            break
        buf += data
        if limit is not None and len(buf) > limit:
            raise ValueError(f"more than {limit} bytes")
    return bytes(buf)


def read_uvarint(data: bytes, pos: int) -> tuple[int, int]:
    """Strict unsigned LEB128 (≤ 9 bytes, minimal); returns (value, new position)."""
    value, shift, start = 0, 0, pos
    while True:
        if pos >= len(data):
            raise ValueError(f"truncated varint at offset {start}")
        if pos - start >= 9:
            raise ValueError(f"varint longer than 9 bytes at offset {start}")
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            if byte == 0 and pos - start > 1:
                raise ValueError(f"non-minimal varint at offset {start}")
            return value, pos


def split_varint_messages(data: bytes) -> list[bytes]:
    """Strictly split uvarint-length-prefixed messages; raise on a bad prefix or trailing garbage."""
    out = []
    pos = 0
    while pos < len(data):
        length, body = read_uvarint(data, pos)
        if body + length > len(data):
            raise ValueError(f"length prefix {length} at offset {pos} runs past the {len(data)} bytes received")
        out.append(data[body : body + length])
        pos = body + length
    return out


def maddr_str(raw: bytes) -> str:
    try:
        return str(multiaddr.Multiaddr(raw))
    except Exception as exc:  # keep going: report the bytes
        return f"<unparsable {raw.hex()}: {exc}>"


class Notifee:
    """Reports connections in both directions as events."""

    async def opened_stream(self, network, stream) -> None:
        pass

    async def closed_stream(self, network, stream) -> None:
        pass

    async def connected(self, network, conn) -> None:
        peer = str(conn.muxed_conn.peer_id)
        direction = "outbound" if getattr(conn.muxed_conn, "is_initiator", False) else "inbound"
        emit({"event": "connected", "peer": peer, "direction": direction})

    async def disconnected(self, network, conn) -> None:
        emit({"event": "disconnected", "peer": str(conn.muxed_conn.peer_id)})

    async def listen(self, network, maddr) -> None:
        pass

    async def listen_close(self, network, maddr) -> None:
        pass


class Peer:
    def __init__(self, host, timeout: float, pubsub=None, dht=None) -> None:
        self.host = host
        self.dht = dht                # libp2p KadDHT, or None
        self.timeout = timeout
        self.pubsub = pubsub          # libp2p Pubsub with a GossipSub router, or None
        self.subscriptions = {}       # topic -> (subscription, cancel scope of its reader)
        self.nursery = None           # set by main(): long-lived tasks (subscription readers)
        self.sent = {}                # peer id string -> {message id hex: times written}
        self.heartbeats = 0
        self.heartbeat_event = trio.Event()
        self.autonat = None           # libp2p AutoNATService, with --autonat
        if pubsub is not None:
            self._count_writes(pubsub)
            self._count_heartbeats(pubsub.router)

    def _count_heartbeats(self, router) -> None:
        """Every GossipSub heartbeat ends with mcache.shift(): count them, so tests can let time pass by
        waiting for heartbeats instead of sleeping."""
        shift = router.mcache.shift

        def counted_shift(*args, **kwargs):
            result = shift(*args, **kwargs)
            self.heartbeats += 1
            self.heartbeat_event.set()
            self.heartbeat_event = trio.Event()
            return result

        router.mcache.shift = counted_shift

    def _count_writes(self, ps) -> None:
        """Wraps Pubsub.write_msg (every RPC py writes to a pubsub peer goes through it: queued sends,
        pending-message flushes, replays to new subscribers) to count the messages per peer once written."""
        original = ps.write_msg
        self.written = trio.Event()   # set (and replaced) after every counted write

        async def write_msg(stream, rpc_msg):
            ok = await original(stream, rpc_msg)
            if ok:
                try:
                    counts = self.sent.setdefault(str(stream.muxed_conn.peer_id), {})
                    for m in rpc_msg.publish:
                        mid = (m.from_id + m.seqno).hex()
                        counts[mid] = counts.get(mid, 0) + 1
                except Exception:
                    log.debug("counting a write failed", exc_info=True)
                self.written.set()
                self.written = trio.Event()
            return ok

        ps.write_msg = write_msg

    # ---- served protocols -------------------------------------------------------------
    async def handle_echo(self, stream) -> None:
        """Echo every byte back as it arrives; half-close after the peer's EOF."""
        peer = str(stream.muxed_conn.peer_id)
        digest = hashlib.sha256()
        total = 0
        try:
            while True:
                try:
                    data = await stream.read(CHUNK)
                except StreamEOF:
                    break
                if not data:
                    break
                total += len(data)
                digest.update(data)
                await stream.write(data)
            await stream.close()
            emit({"event": "echo-served", "peer": peer, "bytes": total, "sha256": digest.hexdigest()})
        except Exception as exc:
            emit({"event": "echo-served", "peer": peer, "bytes": total, "error": repr(exc)})
            try:
                await stream.reset()
            except Exception:
                pass

    # ---- commands -----------------------------------------------------------------------
    async def cmd_dial(self, addr: str) -> None:
        info = info_from_p2p_addr(multiaddr.Multiaddr(addr))
        with trio.fail_after(self.timeout):
            await self.host.connect(info)
        emit({"event": "dialed", "peer": str(info.peer_id)})

    async def cmd_ping(self, peer: str, count: str = "1") -> None:
        pid = ID.from_base58(peer)
        rtts = []
        with trio.fail_after(self.timeout):
            stream = await self.host.new_stream(pid, [PING_ID])
            try:
                for _ in range(int(count)):
                    start = time.perf_counter()
                    await perform_ping_roundtrip(stream)  # py's own wire code (32 bytes, echo check)
                    rtts.append((time.perf_counter() - start) * 1000.0)
                await stream.close_write()
                await stream.close()
            except BaseException:
                await stream.reset()
                raise
        emit({"event": "ping", "peer": peer, "rtt_ms": round(rtts[0], 3), "rtts_ms": [round(r, 3) for r in rtts]})

    async def fetch_identify(self, pid: ID) -> dict:
        """Open /ipfs/id/1.0.0, read to EOF, strictly split the uvarint-prefixed messages, merge them."""
        stream = await self.host.new_stream(pid, [IDENTIFY_ID])
        raw = await read_to_eof(stream, IDENTIFY_MAX_BYTES)
        await stream.close()
        messages = split_varint_messages(raw)
        if not messages:
            raise ValueError("identify: stream closed without a message")
        merged = Identify()
        for m in messages:
            part = Identify()
            part.ParseFromString(m)
            merged.MergeFrom(part)
        key_ok = False
        if merged.HasField("public_key"):
            key_ok = ID.from_pubkey(deserialize_public_key(merged.public_key)) == pid
        record = None
        if merged.HasField("signedPeerRecord"):
            try:
                envelope, peer_record = consume_envelope(merged.signedPeerRecord, "libp2p-peer-record")
                record = {"peer": str(peer_record.peer_id), "seq": peer_record.seq,
                          "addrs": [str(a) for a in peer_record.addrs],
                          "signer_ok": ID.from_pubkey(envelope.public_key) == pid}
            except Exception as exc:
                record = {"error": f"{type(exc).__name__}: {exc}"}
        return {
            "peer": str(pid),
            "agent": merged.agent_version,
            "protocol_version": merged.protocol_version,
            "protocols": list(merged.protocols),
            "listen_addrs": [maddr_str(a) for a in merged.listen_addrs],
            "observed_addr": maddr_str(merged.observed_addr) if merged.observed_addr else None,
            "public_key_ok": key_ok,
            "signed_record": record,
            "messages": len(messages),
            "bytes": len(raw),
        }

    async def cmd_identify(self, peer: str) -> None:
        with trio.fail_after(self.timeout):
            info = await self.fetch_identify(ID.from_base58(peer))
        emit({"event": "identify", **info})

    async def cmd_peers(self) -> None:
        """Connected peers; agent and protocols come from a fresh identify (py's peerstore keeps no agent)."""
        store = self.host.get_peerstore()
        out = []
        for pid in self.host.get_connected_peers():
            try:
                addrs = [str(a) for a in store.addrs(pid)]
            except Exception:
                addrs = []
            entry = {"peer": str(pid), "addrs": addrs, "agent": None, "protocols": []}
            try:
                with trio.fail_after(min(self.timeout, 10.0)):
                    info = await self.fetch_identify(pid)
                entry["agent"], entry["protocols"] = info["agent"], info["protocols"]
            except Exception as exc:
                entry["identify_error"] = f"{type(exc).__name__}: {exc}"
                try:
                    entry["protocols"] = list(store.get_protocols(pid))
                except Exception:
                    pass
            out.append(entry)
        emit({"event": "peers", "peers": out})

    async def cmd_echo(self, peer: str, nbytes: str) -> None:
        """Write nbytes of pseudorandom data on the echo protocol while reading the echo concurrently."""
        n = int(nbytes)
        pid = ID.from_base58(peer)
        payload = pseudorandom(n, n)
        sent_sha = hashlib.sha256(payload).hexdigest()
        received = bytearray()
        start = time.perf_counter()
        with trio.fail_after(self.timeout):
            stream = await self.host.new_stream(pid, [ECHO_ID])

            async def writer() -> None:
                view = memoryview(payload)
                for off in range(0, n, CHUNK):
                    await stream.write(bytes(view[off : off + CHUNK]))
                await stream.close_write()

            async def reader() -> None:
                while True:
                    try:
                        data = await stream.read(CHUNK)
                    except StreamEOF:
                        break
                    if not data:
                        break
                    received.extend(data)
                    if len(received) > n:
                        raise ValueError(f"echo returned more than {n} bytes")

            async with trio.open_nursery() as nursery:
                nursery.start_soon(writer)
                nursery.start_soon(reader)
            await stream.close()
        seconds = time.perf_counter() - start
        got_sha = hashlib.sha256(received).hexdigest()
        emit({
            "event": "echo", "peer": peer, "ok": len(received) == n and got_sha == sent_sha,
            "bytes": len(received), "sha256": got_sha, "sent_sha256": sent_sha,
            "seconds": round(seconds, 4), "mbps": round(2 * n / seconds / 1e6, 2) if seconds > 0 else None,
        })

    async def cmd_perf(self, peer: str, upload: str, download: str) -> None:
        """/perf/1.0.0 client (libp2p perf spec): u64 BE download size, upload bytes, close write, read."""
        up, down = int(upload), int(download)
        pid = ID.from_base58(peer)
        block = bytes(CHUNK)
        got = 0
        with trio.fail_after(max(self.timeout, 600.0)):
            stream = await self.host.new_stream(pid, [PERF_ID])
            t0 = time.perf_counter()
            await stream.write(struct.pack(">Q", down))
            left = up
            while left > 0:
                k = min(CHUNK, left)
                await stream.write(block[:k])
                left -= k
            await stream.close_write()
            t1 = time.perf_counter()
            while True:
                try:
                    data = await stream.read(CHUNK)
                except StreamEOF:
                    break
                if not data:
                    break
                got += len(data)
            t2 = time.perf_counter()
            await stream.close()
        if got != down:
            raise ValueError(f"perf: expected {down} bytes back, got {got}")
        up_s, down_s = t1 - t0, t2 - t1
        emit({
            "event": "perf", "peer": peer,
            "upload_bytes": up, "download_bytes": got,
            "upload_seconds": round(up_s, 6), "download_seconds": round(down_s, 6),
            "upload_mbps": round(up / up_s / 1e6, 2) if up and up_s > 0 else None,
            "download_mbps": round(got / down_s / 1e6, 2) if got and down_s > 0 else None,
        })

    # ---- pubsub -------------------------------------------------------------------------
    def _require_pubsub(self):
        if self.pubsub is None:
            raise RuntimeError("pubsub is off (--no-pubsub)")
        return self.pubsub

    async def cmd_subscribe(self, topic: str) -> None:
        ps = self._require_pubsub()
        if topic in self.subscriptions:
            emit({"event": "subscribed", "topic": topic, "already": True})
            return
        sub = await ps.subscribe(topic)
        scope = trio.CancelScope()
        self.subscriptions[topic] = (sub, scope)
        self.nursery.start_soon(self._read_subscription, topic, sub, scope)
        emit({"event": "subscribed", "topic": topic})

    async def _read_subscription(self, topic: str, sub, scope: trio.CancelScope) -> None:
        with scope:
            async for msg in sub:
                try:
                    sender = str(ID(msg.from_id))
                except Exception:
                    sender = msg.from_id.hex()
                emit({
                    "event": "message", "topic": topic, "from": sender,
                    "data": msg.data.decode("utf-8", "replace"),
                    "seqno": int.from_bytes(msg.seqno, "big") if msg.seqno else None,
                    "id": (msg.from_id + msg.seqno).hex(),
                })

    async def cmd_unsubscribe(self, topic: str) -> None:
        ps = self._require_pubsub()
        entry = self.subscriptions.pop(topic, None)
        await ps.unsubscribe(topic)
        if entry is not None:
            entry[1].cancel()
        emit({"event": "unsubscribed", "topic": topic})

    def _chat_json(self, content: str) -> bytes:
        return json.dumps({
            "type": "message", "content": content, "username": "py",
            "timestamp": int(time.time()), "from": str(self.host.get_id()),
        }, separators=(",", ":")).encode()

    async def _publish(self, topic: str, data: bytes, event: str) -> None:
        ps = self._require_pubsub()
        seqno = ps.counter + 1                 # Pubsub._next_seqno() adds 1 before use
        await ps.publish(topic, data)
        mid = (self.host.get_id().to_bytes() + seqno.to_bytes(8, "big")).hex()
        emit({"event": event, "topic": topic, "seqno": seqno, "id": mid})

    async def cmd_publish(self, topic: str, text: str = "") -> None:
        await self._publish(topic, text.encode(), "published")

    async def cmd_publish_chat(self, topic: str, content: str = "") -> None:
        await self._publish(topic, self._chat_json(content), "published")

    async def _write_direct(self, topic: str, msg) -> list[str]:
        """Writes one message by hand to every pubsub peer py knows is subscribed to the topic, bypassing
        py's own publish path (its mesh, signature check and seen-cache)."""
        ps = self._require_pubsub()
        rpc = rpc_pb2.RPC(publish=[msg])
        targets = []
        for pid in sorted(ps.peer_topics.get(topic, set()), key=str):
            stream = ps.peers.get(pid)
            if stream is not None and await ps.write_msg(stream, rpc):
                targets.append(str(pid))
        return targets

    def _signed(self, topic: str, data: bytes, corrupt: bool = False):
        """A message signed like py signs (StrictSign, key included); `corrupt` flips one signature bit."""
        ps = self._require_pubsub()
        msg = rpc_pb2.Message(data=data, topicIDs=[topic], from_id=self.host.get_id().to_bytes(),
                              seqno=ps._next_seqno())
        signature = bytearray(self.host.get_private_key().sign(
            PUBSUB_SIGNING_PREFIX.encode() + msg.SerializeToString()))
        if corrupt:
            signature[0] ^= 0x01
        msg.key = self.host.get_public_key().serialize()
        msg.signature = bytes(signature)
        return msg

    async def _publish_direct(self, topic: str, data: bytes, corrupt: bool, event: str) -> None:
        msg = self._signed(topic, data, corrupt)
        targets = await self._write_direct(topic, msg)
        emit({"event": event, "topic": topic, "seqno": int.from_bytes(msg.seqno, "big"),
              "id": (msg.from_id + msg.seqno).hex(), "peers": targets})

    async def cmd_publish_corrupt(self, topic: str, content: str = "") -> None:
        await self._publish_direct(topic, self._chat_json(content), True, "published-corrupt")

    async def cmd_publish_direct(self, topic: str, text: str = "") -> None:
        await self._publish_direct(topic, text.encode(), False, "published-direct")

    async def cmd_mesh(self, topic: str, peer: str | None = None, timeout: str | None = None) -> None:
        ps = self._require_pubsub()
        if peer is not None:
            await ps.wait_for_mesh(ID.from_base58(peer), topic, timeout=float(timeout or self.timeout))
        emit({"event": "mesh", "topic": topic,
              "peers": sorted(str(p) for p in ps.router.mesh.get(topic, set()))})

    async def cmd_mesh_left(self, topic: str, peer: str, timeout: str | None = None) -> None:
        """Waits until `peer` is not in py's mesh for `topic` (py processed its PRUNE or unsubscribe)."""
        ps = self._require_pubsub()
        target = ID.from_base58(peer)

        async def gone() -> bool:
            return target not in ps.router.mesh.get(topic, set())
        await self._poll(timeout, gone)
        emit({"event": "mesh-left", "topic": topic,
              "peers": sorted(str(p) for p in ps.router.mesh.get(topic, set()))})

    async def cmd_topic_peers(self, topic: str, peer: str | None = None, timeout: str | None = None) -> None:
        ps = self._require_pubsub()
        if peer is not None:
            await ps.wait_for_subscription(ID.from_base58(peer), topic, timeout=float(timeout or self.timeout))
        emit({"event": "topic-peers", "topic": topic,
              "peers": sorted(str(p) for p in ps.peer_topics.get(topic, set()))})

    async def cmd_sent(self, peer: str, msg_id: str | None = None, timeout: str | None = None) -> None:
        """Write counts per message to `peer`; with an ID, first waits until that message was written."""
        if msg_id is not None:
            with trio.fail_after(float(timeout or self.timeout)):
                while msg_id not in self.sent.get(peer, {}):
                    await self.written.wait()
        emit({"event": "sent", "peer": peer, "messages": dict(self.sent.get(peer, {}))})

    async def cmd_heartbeat(self, count: str = "1") -> None:
        """Waits for `count` more GossipSub heartbeats."""
        self._require_pubsub()
        target = self.heartbeats + int(count)
        with trio.fail_after(self.timeout):
            while self.heartbeats < target:
                await self.heartbeat_event.wait()
        emit({"event": "heartbeat", "count": self.heartbeats})

    # ---- Kademlia DHT ---------------------------------------------------------------------
    def _require_dht(self):
        if self.dht is None:
            raise RuntimeError("started without --dht")
        return self.dht

    @staticmethod
    def _room_key(room: str) -> str:
        return (b"\x12\x20" + hashlib.sha256(room.encode()).digest()).hex()

    async def _poll(self, timeout: str | None, done) -> None:
        """Runs `done()` (async, returns bool) until true; a test-harness wait for state py has no event for."""
        with trio.fail_after(float(timeout or self.timeout)):
            while not await done():
                await trio.sleep(0.2)

    async def cmd_dht_add_peer(self, peer: str) -> None:
        added = await self._require_dht().add_peer(ID.from_base58(peer))
        emit({"event": "dht-peer-added", "peer": peer, "added": bool(added)})

    async def cmd_dht_provide(self, room: str) -> None:
        key = self._room_key(room)
        ok = await self._require_dht().provide(key)
        emit({"event": "dht-provided", "room": room, "key": key, "ok": bool(ok)})

    async def cmd_dht_providers(self, room: str, peer: str | None = None, timeout: str | None = None) -> None:
        dht = self._require_dht()
        found = []

        async def check() -> bool:
            found[:] = await dht.find_providers(self._room_key(room), 100)
            return peer is None or any(str(info.peer_id) == peer for info in found)

        await self._poll(timeout, check)
        emit({"event": "dht-providers", "room": room,
              "providers": [{"peer": str(i.peer_id), "addrs": [str(a) for a in i.addrs]} for i in found]})

    def _table(self) -> list[str]:
        return sorted(str(p) for p in self._require_dht().routing_table.get_peer_ids())

    async def cmd_dht_table(self, peer: str | None = None, timeout: str | None = None) -> None:
        async def check() -> bool:
            return peer is None or peer in self._table()

        await self._poll(timeout, check)
        emit({"event": "dht-table", "peers": self._table()})

    async def cmd_dht_find_node(self, peer: str, hexkey: str, minimum: str = "0", timeout: str | None = None) -> None:
        from libp2p.kad_dht.utils import sort_peer_ids_by_distance

        dht = self._require_dht()
        key = bytes.fromhex(hexkey)
        got = []

        async def check() -> bool:
            got[:] = await dht.peer_routing._query_peer_for_closest(ID.from_base58(peer), key)
            return len(got) >= int(minimum)

        await self._poll(timeout, check)
        emit({"event": "dht-find-node", "peer": peer, "peers": [str(p) for p in got],
              "py_order": [str(p) for p in sort_peer_ids_by_distance(key, list(got))], "table": self._table()})

    async def cmd_autonat(self, peer: str) -> None:
        if self.autonat is None:
            raise RuntimeError("start with --autonat")
        with trio.fail_after(self.timeout):
            status, addr = await self.autonat.query_server(ID.from_base58(peer))
        emit({"event": "autonat", "peer": peer, "status": int(status),
              "addr": str(multiaddr.Multiaddr(addr)) if addr else None})

    # ---- dispatch -----------------------------------------------------------------------
    async def run_command(self, name: str, args: list[str], quit_scope: trio.CancelScope) -> None:
        handlers = {
            "dial": self.cmd_dial, "connect": self.cmd_dial, "ping": self.cmd_ping,
            "identify": self.cmd_identify, "peers": self.cmd_peers, "echo": self.cmd_echo,
            "perf": self.cmd_perf, "subscribe": self.cmd_subscribe, "unsubscribe": self.cmd_unsubscribe,
            "publish": self.cmd_publish, "publish-chat": self.cmd_publish_chat,
            "publish-corrupt": self.cmd_publish_corrupt, "publish-direct": self.cmd_publish_direct,
            "mesh": self.cmd_mesh, "mesh-left": self.cmd_mesh_left,
            "topic-peers": self.cmd_topic_peers, "sent": self.cmd_sent, "heartbeat": self.cmd_heartbeat,
            "dht-add-peer": self.cmd_dht_add_peer, "dht-provide": self.cmd_dht_provide,
            "dht-providers": self.cmd_dht_providers, "dht-table": self.cmd_dht_table,
            "dht-find-node": self.cmd_dht_find_node, "autonat": self.cmd_autonat,
        }
        if name == "quit":
            quit_scope.cancel()
            return
        handler = handlers.get(name)
        if handler is None:
            emit({"event": "error", "cmd": name, "message": f"unknown command {name!r}"})
            return
        try:
            await handler(*args)
        except trio.TooSlowError:
            emit({"event": "error", "cmd": name, "args": args, "message": f"{name}: timed out after {self.timeout}s"})
        except Exception as exc:
            log.debug("command %s failed", name, exc_info=True)
            emit({"event": "error", "cmd": name, "args": args, "message": f"{name}: {type(exc).__name__}: {exc}"})


def parse_command(line: str) -> tuple[str, list[str]] | None:
    raw = line.rstrip("\r\n").lstrip()
    line = line.strip()
    if not line:
        return None
    if line.startswith("{"):
        obj = json.loads(line)
        return str(obj["cmd"]).lstrip("/"), [str(a) for a in obj.get("args", [])]
    name = line.split(None, 1)[0].lstrip("/").lower()
    if name in REST_OF_LINE_COMMANDS:
        # "publish <topic> <text…>": the text is the rest of the line after one separating space, verbatim.
        parts = raw.split(" ", 2)
        args = [p for p in parts[1:2] if p]
        if len(parts) > 2:
            args.append(parts[2])
        return name, args
    words = line.split()
    return name, words[1:]


REST_OF_LINE_COMMANDS = {"publish", "publish-chat", "publish-corrupt", "publish-direct"}


async def read_stdin_lines():
    stream = trio.lowlevel.FdStream(os.dup(0))
    pending = b""
    async with stream:
        while True:
            data = await stream.receive_some(65536)
            if not data:
                break
            pending += data
            while b"\n" in pending:
                line, pending = pending.split(b"\n", 1)
                yield line.decode("utf-8", "replace")
        if pending:
            yield pending.decode("utf-8", "replace")


async def main(opts: argparse.Namespace) -> None:
    if opts.rsa:
        # An RSA identity (a `Qm…` PeerID), like the public IPFS bootstrap nodes: random, 2048 bits.
        from libp2p.crypto.rsa import create_new_key_pair as create_rsa_key_pair
        key_pair = create_rsa_key_pair(2048)
    elif opts.secp256k1:
        # A secp256k1 identity (a `16Uiu2…` PeerID): random.
        from libp2p.crypto.secp256k1 import create_new_key_pair as create_secp256k1_key_pair
        key_pair = create_secp256k1_key_pair()
    else:
        seed = hashlib.sha256(opts.seed.encode()).digest() if opts.seed else secrets.token_bytes(32)
        key_pair = create_new_key_pair(seed)
    host = new_host(key_pair=key_pair, enable_mDNS=opts.mdns)
    if opts.mdns:
        from libp2p.discovery.events.peerDiscovery import peerDiscovery

        peerDiscovery.register_peer_discovered_handler(lambda info: emit({
            "event": "mdns-discovered", "peer": str(info.peer_id), "addrs": [str(a) for a in info.addrs]}))
    listen = multiaddr.Multiaddr(opts.listen or f"/ip4/127.0.0.1/tcp/{opts.port}")
    gossipsub = pubsub = None
    if not opts.no_pubsub:
        gossipsub = GossipSub(protocols=[PROTOCOL_ID_V11, PROTOCOL_ID], degree=6, degree_low=4, degree_high=12,
                              heartbeat_interval=1, adaptive_gossip_enabled=False,
                              max_messages_per_topic_per_second=SPAM_LIMIT_PER_SECOND, do_px=opts.do_px)
        pubsub = Pubsub(host, gossipsub)
    dht = None
    if opts.dht:
        from libp2p.kad_dht.kad_dht import DHTMode, KadDHT

        mode = DHTMode.SERVER if opts.dht == "server" else DHTMode.CLIENT
        dht = KadDHT(host, mode, enable_random_walk=False, max_peers_per_subnet=1000)
    peer = Peer(host, opts.timeout, pubsub, dht)
    host.set_stream_handler(ECHO_ID, peer.handle_echo)
    if opts.autonat:
        from libp2p.host.autonat import AutoNATService

        peer.autonat = AutoNATService(host)
    host.get_network().register_notifee(Notifee())
    async with host.run(listen_addrs=[listen]):
        if not opts.no_perf:
            from libp2p.perf import PerfService

            await PerfService(host).start()
        from libp2p.utils import get_agent_version

        async with contextlib.AsyncExitStack() as services:
            if pubsub is not None:
                from libp2p.tools.anyio_service import background_trio_service

                await services.enter_async_context(background_trio_service(pubsub))
                await services.enter_async_context(background_trio_service(gossipsub))
                await pubsub.wait_until_ready()
            if dht is not None:
                from libp2p.tools.anyio_service import background_trio_service

                await services.enter_async_context(background_trio_service(dht))
            await serve(peer, host, get_agent_version())
        emit({"event": "bye"})


async def serve(peer: Peer, host, agent: str) -> None:
    emit({
        "event": "ready", "peer": str(host.get_id()),
        "addrs": [str(a) for a in host.get_addrs()], "agent": agent,
    })
    async with trio.open_nursery() as nursery:
        peer.nursery = nursery
        quit_scope = nursery.cancel_scope
        async for line in read_stdin_lines():
            try:
                parsed = parse_command(line)
            except Exception as exc:
                emit({"event": "error", "message": f"bad command line {line!r}: {exc}"})
                continue
            if parsed is None:
                continue
            name, args = parsed
            if name == "quit":
                break
            nursery.start_soon(peer.run_command, name, args, quit_scope)
        quit_scope.cancel()


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seed", help="identity seed string; key = Ed25519(sha256(seed)); random if absent")
    p.add_argument("--rsa", action="store_true", help="a random 2048-bit RSA identity instead (--seed ignored)")
    p.add_argument("--secp256k1", action="store_true", help="a random secp256k1 identity instead (--seed ignored)")
    p.add_argument("--port", type=int, default=0, help="TCP port on 127.0.0.1 (default 0 = any)")
    p.add_argument("--listen", help="full listen multiaddr (overrides --port)")
    p.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help="per-command timeout in seconds")
    p.add_argument("--no-perf", action="store_true", help="do not serve /perf/1.0.0")
    p.add_argument("--no-pubsub", action="store_true", help="do not run GossipSub")
    p.add_argument("--mdns", action="store_true", help="run py-libp2p's mDNS discovery (enable_mDNS=True)")
    p.add_argument("--do-px", action="store_true",
                   help="GossipSub peer exchange: PRUNEs (a leave included) list other mesh peers with their records")
    p.add_argument("--dht", choices=["server", "client"], help="run a py-libp2p KadDHT in this mode")
    p.add_argument("--autonat", action="store_true", help="serve AutoNAT v1 (py-libp2p's AutoNATService)")
    p.add_argument("--log-level", default=os.environ.get("PY_PEER_LOG", "WARNING"))
    return p.parse_args(argv)


if __name__ == "__main__":
    options = parse_args(sys.argv[1:])
    logging.basicConfig(stream=sys.stderr, level=options.log_level.upper(),
                        format="py_peer %(levelname)s %(name)s: %(message)s")
    code = 0
    try:
        trio.run(main, options)
    except KeyboardInterrupt:
        pass
    except BaseException as exc:  # report, then exit non-zero
        logging.getLogger("py_peer").error("fatal: %r", exc, exc_info=True)
        emit({"event": "error", "message": f"fatal: {type(exc).__name__}: {exc}"})
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    # py-libp2p can leave non-daemon helper threads behind; never hang on exit.
    os._exit(code)
