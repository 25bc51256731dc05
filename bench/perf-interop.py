#!/usr/bin/env python3
"""perf throughput over TCP + Noise + yamux on loopback, one stream, both directions.

Pairs (client → server): p2p-chat → p2p-chat, p2p-chat → py-libp2p, py-libp2p → p2p-chat,
py-libp2p → py-libp2p, all over /perf/1.0.0 (libp2p perf spec: the client sends a u64 BE
download size, uploads, half-closes, then reads the download). Prints a table in MB/s
(10^6 bytes/s, median of --runs), plus libsodium's own ChaCha20-Poly1305 rate on this machine
as the ceiling for one stream.

A benchmark, not a test: it always exits 0, printing "n/a" (and why) for a side that is missing
or fails.

  p2p-chat side: `p2p-chat --headless --enable-perf`, command `/perf PEERID UPLOAD DOWNLOAD` →
                 {"event":"perf","upload_mbps":…,"download_mbps":…[,"upload_bytes","upload_seconds",
                  "download_bytes","download_seconds"]}
  py side:       Tests/Interop/py/py_peer.py (py-libp2p 0.8.1's own PerfService as server)

Environment: P2P_CHAT_BIN (default .build/release/p2p-chat), P2P_CHAT_PY (default .venv/bin/python).
"""

from __future__ import annotations

import argparse
import ctypes
import ctypes.util
import os
import statistics
import sys
import tempfile
import time
import shutil

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PY_DIR = os.path.join(ROOT, "Tests", "Interop", "py")
sys.path.insert(0, PY_DIR)
from lineproc import LineProcess, LineProcessError  # noqa: E402

MiB = 1024 * 1024


def find_chat() -> str | None:
    path = os.environ.get("P2P_CHAT_BIN") or os.path.join(ROOT, ".build", "release", "p2p-chat")
    return path if os.access(path, os.X_OK) else None


def find_python() -> str | None:
    path = os.environ.get("P2P_CHAT_PY") or os.path.join(ROOT, ".venv", "bin", "python")
    return path if os.access(path, os.X_OK) else None


class Side:
    """One running node of either kind, with a uniform perf/connect interface."""

    def __init__(self, kind: str, name: str, chat: str | None, python: str | None,
                 connect_to: "Side | None" = None) -> None:
        self.kind = kind
        self.tmp = None
        self.proc = None
        if kind == "chat":
            if chat is None:
                raise LineProcessError("p2p-chat binary not found (make build, or set P2P_CHAT_BIN)")
            self.tmp = tempfile.mkdtemp(prefix="p2p-chat-bench-")
            env = dict(os.environ, XDG_DATA_HOME=os.path.join(self.tmp, "xdg"), TERM="dumb")
            argv = [chat, "--headless", "--listen", "/ip4/127.0.0.1/tcp/0", "--data-dir", self.tmp, "--enable-perf"]
            if connect_to is not None:
                argv += ["--connect", connect_to.addr]  # the contract has --connect, no runtime /connect
            self.proc = LineProcess(argv, name, env=env)
        else:
            if python is None:
                raise LineProcessError("no py-libp2p virtualenv (make venv, or set P2P_CHAT_PY)")
            self.proc = LineProcess([python, os.path.join(PY_DIR, "py_peer.py"), "--timeout", "900"], name)
        try:
            ready = self.proc.wait_for("ready", timeout=90)
            self.peer = ready["peer"]
            self.addr = next((a for a in ready["addrs"] if a.startswith("/ip4/127.0.0.1/")), ready["addrs"][0])
            if connect_to is not None:
                if kind == "py":
                    self.proc.send("dial " + connect_to.addr)
                self.proc.wait_for("connected", lambda e: e.get("peer") == connect_to.peer, timeout=30)
        except BaseException:
            self.close()
            raise

    def perf(self, other: "Side", upload: int, download: int) -> tuple[float | None, float | None]:
        prefix = "/perf" if self.kind == "chat" else "perf"
        self.proc.send(f"{prefix} {other.peer} {upload} {download}")
        e = self.proc.wait_for("perf", timeout=900)
        return rate(e, "upload", upload), rate(e, "download", download)

    def close(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
        if self.tmp:
            shutil.rmtree(self.tmp, ignore_errors=True)


def rate(event: dict, direction: str, expected: int) -> float | None:
    """MB/s from bytes/seconds when reported, else the *_mbps field (defined as 10^6 bytes/s)."""
    if not expected:
        return None
    nbytes, seconds = event.get(f"{direction}_bytes"), event.get(f"{direction}_seconds")
    if isinstance(nbytes, (int, float)) and isinstance(seconds, (int, float)) and seconds > 0:
        if nbytes != expected:
            raise LineProcessError(f"perf moved {nbytes} of {expected} {direction} bytes: {event}")
        return nbytes / seconds / 1e6
    value = event.get(f"{direction}_mbps")
    return float(value) if isinstance(value, (int, float)) else None


def measure_pair(client_kind: str, server_kind: str, nbytes: int, runs: int, chat, python) -> dict:
    server = client = None
    try:
        server = Side(server_kind, f"{server_kind}-server", chat, python)
        client = Side(client_kind, f"{client_kind}-client", chat, python, connect_to=server)
        ups, downs = [], []
        client.perf(server, min(nbytes, 4 * MiB), min(nbytes, 4 * MiB))  # warm-up (window growth, caches)
        for _ in range(runs):
            up, _ = client.perf(server, nbytes, 0)
            _, down = client.perf(server, 0, nbytes)
            ups.append(up)
            downs.append(down)
        return {"upload": median(ups), "download": median(downs), "bytes": nbytes, "error": None}
    except Exception as exc:  # a benchmark never fails the build
        return {"upload": None, "download": None, "bytes": nbytes, "error": f"{type(exc).__name__}: {exc}"}
    finally:
        for side in (client, server):
            if side is not None:
                try:
                    side.close()
                except Exception:
                    pass


def median(values: list) -> float | None:
    vals = [v for v in values if v is not None]
    return statistics.median(vals) if vals else None


def libsodium_chacha_rate(total: int = 512 * MiB, frame: int = 65519) -> float | None:
    """Single-core libsodium ChaCha20-Poly1305-IETF seal rate (MB/s) in Noise-sized frames."""
    name = ctypes.util.find_library("sodium")
    if not name:
        return None
    try:
        lib = ctypes.CDLL(name)
        if lib.sodium_init() < 0:
            return None
        f = lib.crypto_aead_chacha20poly1305_ietf_encrypt
        f.restype = ctypes.c_int
        msg = ctypes.create_string_buffer(frame)
        out = ctypes.create_string_buffer(frame + 16)
        outlen = ctypes.c_ulonglong(0)
        key = ctypes.create_string_buffer(32)
        nonce = ctypes.create_string_buffer(12)
        n = max(1, total // frame)
        start = time.perf_counter()
        for _ in range(n):
            f(out, ctypes.byref(outlen), msg, ctypes.c_ulonglong(frame), None, ctypes.c_ulonglong(0),
              None, nonce, key)
        return n * frame / (time.perf_counter() - start) / 1e6
    except Exception:
        return None


def load_average() -> str:
    try:
        return "%.2f" % os.getloadavg()[0]
    except OSError:
        return "?"


def fmt(v: float | None) -> str:
    return f"{v:,.1f}" if v is not None else "n/a"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--chat-bytes", type=int, default=1024 * MiB, help="bytes per direction, p2p-chat ↔ p2p-chat")
    ap.add_argument("--py-bytes", type=int, default=64 * MiB, help="bytes per direction when py-libp2p is a side")
    ap.add_argument("--runs", type=int, default=3)
    opts = ap.parse_args()
    chat, python = find_chat(), find_python()
    load_before = load_average()

    pairs = [("chat", "chat"), ("chat", "py"), ("py", "chat"), ("py", "py")]
    label = {"chat": "p2p-chat", "py": "py-libp2p 0.8.1"}
    results = []
    for c, s in pairs:
        nbytes = opts.chat_bytes if (c, s) == ("chat", "chat") else opts.py_bytes
        print(f"# measuring {label[c]} → {label[s]} ({nbytes // MiB} MiB × {opts.runs} each way)…",
              file=sys.stderr, flush=True)
        results.append(((c, s), measure_pair(c, s, nbytes, opts.runs, chat, python)))

    sodium = libsodium_chacha_rate()
    print(f"perf /perf/1.0.0 over TCP+Noise+yamux on 127.0.0.1, one stream; MB/s = 10^6 bytes/s, "
          f"median of {opts.runs}")
    print(f"p2p-chat: {chat or 'not built'}; python: {python or 'no venv'}")
    print(f"load average before / after: {load_before} / {load_average()} on {os.cpu_count()} cpus "
          "(other work on the machine takes cores from both nodes)")
    print()
    print(f"| {'client → server':<36} | {'size':>9} | {'upload MB/s':>12} | {'download MB/s':>14} |")
    print(f"|{'-' * 38}|{'-' * 11}|{'-' * 14}|{'-' * 16}|")
    for (c, s), r in results:
        name = f"{label[c]} → {label[s]}"
        print(f"| {name:<36} | {r['bytes'] // MiB:>5} MiB | {fmt(r['upload']):>12} | {fmt(r['download']):>14} |")
    print()
    print(f"libsodium ChaCha20-Poly1305-IETF seal, 65519-byte frames, one core: {fmt(sodium)} MB/s")
    cc = results[0][1]
    if sodium and cc["upload"] and cc["download"]:
        print(f"p2p-chat ↔ p2p-chat as a fraction of it: upload {cc['upload'] / sodium:.0%}, "
              f"download {cc['download'] / sodium:.0%}")
    pp = results[3][1]
    if cc["upload"] and pp["upload"] and cc["download"] and pp["download"]:
        print(f"p2p-chat ↔ p2p-chat vs py ↔ py: upload ×{cc['upload'] / pp['upload']:.1f}, "
              f"download ×{cc['download'] / pp['download']:.1f}")
    notes = [(f"{label[c]} → {label[s]}", r["error"]) for (c, s), r in results if r["error"]]
    for name, error in notes:
        print(f"n/a {name}: {error[:300]}")


if __name__ == "__main__":
    try:
        main()
    except Exception as exc:  # never fail the build
        print(f"perf-interop: n/a ({type(exc).__name__}: {exc})")
    sys.exit(0)
