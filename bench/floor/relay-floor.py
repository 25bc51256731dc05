#!/usr/bin/env python3
"""The floor under bench/pubsub-latency.py's two-node p50: two C relays that do nothing but move the bytes.

Builds bench/floor/relay.c with cc, starts `relay b` (TCP listener → stdout) and `relay a` (stdin → TCP), and
times a line from the write into a's stdin to the read from b's stdout, at two paces: 60 ms apart (the two-node
scenario's pace: the vCPUs halt between messages) and 1 ms apart (they stay warm). Whatever p2p-chat adds to
this floor is its own work; whatever the paces differ by is the host's wake-up cost.
"""
import os, shutil, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))


def run(relay: str, gap: float, count: int, port: int) -> list[float]:
    b = subprocess.Popen([relay, "b", str(port)], stdout=subprocess.PIPE, bufsize=0)
    os.read(b.stdout.fileno(), 100)   # "ready"
    a = subprocess.Popen([relay, "a", str(port)], stdin=subprocess.PIPE, bufsize=0)
    time.sleep(0.5)
    samples = []
    try:
        for i in range(count):
            line = b"x%d\n" % i
            t = time.perf_counter()
            os.write(a.stdin.fileno(), line)
            got = b""
            while not got.endswith(b"\n"):
                got += os.read(b.stdout.fileno(), 100)
            samples.append((time.perf_counter() - t) * 1000)
            time.sleep(gap)
    finally:
        a.kill(); b.kill(); a.wait(); b.wait()
    return sorted(samples)


def main() -> int:
    cc = shutil.which("cc") or shutil.which("gcc")
    if not cc:
        print("relay-floor: no C compiler (cc); nothing measured")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        relay = os.path.join(tmp, "relay")
        subprocess.run([cc, "-O2", "-o", relay, os.path.join(HERE, "relay.c")], check=True)
        print("| pace between messages | n | p50 ms | p90 ms | p99 ms |")
        print("|---|--:|--:|--:|--:|")
        for gap, label in [(0.06, "60 ms (as the two-node bench)"), (0.001, "1 ms (warm)")]:
            s = run(relay, gap, 300, 47000 + int(gap * 1000))
            pct = lambda q: s[min(len(s) - 1, int(q * len(s)))]
            print(f"| {label} | {len(s)} | {pct(0.5):.3f} | {pct(0.9):.3f} | {pct(0.99):.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
