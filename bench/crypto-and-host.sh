#!/usr/bin/env bash
# In-process benchmarks (bench/Sources, the p2p-chat-bench executable): libsodium vs the Noise transport,
# Noise handshakes/s, yamux in memory, the 1-byte round trip and perf between two hosts on one reactor.
# Builds in release mode first. A benchmark, not a test: prints "n/a" and exits 0 when something is missing.
#   P2P_CHAT_BENCH_ARGS   arguments for p2p-chat-bench (e.g. "--quick", "crypto handshake"); run-all.sh's own
#                         arguments are meant for perf-interop.py and are not passed on.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if ! command -v swift >/dev/null 2>&1; then
  echo "n/a: swift is not installed"; exit 0
fi
if ! log=$(swift build -c release --product p2p-chat-bench 2>&1); then
  echo "n/a: release build of p2p-chat-bench failed:"; echo "$log" | grep -E "error" | head -20; exit 0
fi
bin="$(swift build -c release --show-bin-path 2>/dev/null)/p2p-chat-bench"
[ -x "$bin" ] || { echo "n/a: $bin not found"; exit 0; }
# shellcheck disable=SC2086  # word splitting of the argument list is intended
"$bin" ${P2P_CHAT_BENCH_ARGS:-} || echo "(p2p-chat-bench exited $?; reported, not fatal)"
exit 0
