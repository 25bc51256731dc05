#!/usr/bin/env python3
"""A stand-in for `p2p-chat --headless`, built on py-libp2p, that follows the headless contract the
AppTests and bench/perf-interop.py rely on. It exists to check the tests themselves:

    P2P_CHAT_BIN=$PWD/Tests/Interop/py/headless_stub.py swift test --filter AppTests
    P2P_CHAT_BIN=$PWD/Tests/Interop/py/headless_stub.py bench/perf-interop.py

It is not p2p-chat and proves nothing about it. Exit status 64 for bad command lines, like p2p-chat.
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
try:
    import libp2p  # noqa: F401
except ImportError:  # re-run under the project's virtualenv
    venv_py = os.environ.get("P2P_CHAT_PY") or os.path.join(ROOT, ".venv", "bin", "python")
    if os.path.abspath(sys.executable) == os.path.abspath(venv_py) or not os.access(venv_py, os.X_OK):
        print("headless_stub: needs py-libp2p (make venv)", file=sys.stderr)
        sys.exit(70)
    os.execv(venv_py, [venv_py, os.path.abspath(__file__), *sys.argv[1:]])

import argparse  # noqa: E402
import secrets  # noqa: E402

import multiaddr  # noqa: E402
import trio  # noqa: E402

sys.path.insert(0, HERE)
import py_peer  # noqa: E402
import libp2p.identity.identify.identify as identify  # noqa: E402
from libp2p import new_host  # noqa: E402
from libp2p.crypto.ed25519 import create_new_key_pair  # noqa: E402

identify.AGENT_VERSION = "p2p-chat/0.0.0-stub"


def usage_error(message: str) -> None:
    print(f"p2p-chat: error: {message}", file=sys.stderr)
    os._exit(64)


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:
        usage_error(message)


def check_multiaddr(text: str, listen: bool) -> None:
    try:
        ma = multiaddr.Multiaddr(text)
        ip = ma.value_for_protocol("ip4")
        port = int(ma.value_for_protocol("tcp"))
        if len(ip.split(".")) != 4 or not all(0 <= int(x) <= 255 for x in ip.split(".")) or not 0 <= port <= 65535:
            raise ValueError("out of range")
    except Exception as exc:
        usage_error(f"bad multiaddr {text!r}: {exc}")
    if listen:
        import socket
        s = socket.socket()
        try:
            s.bind((ip, 0))
        except OSError as exc:
            usage_error(f"cannot listen on {text}: {exc}")
        finally:
            s.close()


def main() -> None:
    ap = Parser(prog="p2p-chat", description="p2p-chat headless contract stub: --headless --listen "
                "--connect --data-dir --enable-perf --version")
    ap.add_argument("--headless", action="store_true")
    ap.add_argument("--listen", action="append", default=[])
    ap.add_argument("--connect", action="append", default=[])
    ap.add_argument("--data-dir", default=os.environ.get("DATA_DIR", "."))
    ap.add_argument("--enable-perf", action="store_true")
    ap.add_argument("--version", action="store_true")
    opts = ap.parse_args()
    if opts.version:
        print("p2p-chat 0.0.0-stub")
        return
    for a in opts.listen:
        check_multiaddr(a, listen=True)
    for a in opts.connect:
        check_multiaddr(a, listen=False)
    os.makedirs(opts.data_dir, exist_ok=True)
    seed_path = os.path.join(opts.data_dir, "stub-identity-seed")
    if not os.path.exists(seed_path):
        with open(seed_path, "wb") as f:
            f.write(secrets.token_bytes(32))
    with open(seed_path, "rb") as f:
        seed = f.read()
    trio.run(run, opts, seed)


async def run(opts, seed: bytes) -> None:
    host = new_host(key_pair=create_new_key_pair(seed))
    peer = py_peer.Peer(host, 600)
    host.set_stream_handler(py_peer.ECHO_ID, peer.handle_echo)
    host.get_network().register_notifee(py_peer.Notifee())
    listen = [multiaddr.Multiaddr(a) for a in (opts.listen or ["/ip4/127.0.0.1/tcp/0"])]
    async with host.run(listen_addrs=listen):
        if opts.enable_perf:
            from libp2p.perf import PerfService
            await PerfService(host).start()
        py_peer.emit({"event": "ready", "peer": str(host.get_id()),
                      "addrs": [str(a) for a in host.get_addrs()], "room": "p2p-chat-default", "nick": "stub"})
        for a in opts.connect:
            await peer.run_command("dial", [a], None)
        commands = {"/peers": "peers", "/ping": "ping", "/echo-test": "echo", "/perf": "perf"}
        async with trio.open_nursery() as nursery:
            async for line in py_peer.read_stdin_lines():
                words = line.split()
                if not words:
                    continue
                if words[0] == "/quit":
                    break
                name = commands.get(words[0])
                if name is None:
                    py_peer.emit({"event": "error", "message": f"unknown command {words[0]}"})
                    continue
                nursery.start_soon(peer.run_command, name, words[1:], nursery.cancel_scope)
            nursery.cancel_scope.cancel()


if __name__ == "__main__":
    main()
    sys.stdout.flush()
    os._exit(0)
