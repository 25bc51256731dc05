#!/usr/bin/env bash
# Runs every benchmark in bench/ (each *.sh and *.py except this file and names starting with "_").
# Benchmarks print tables; they never fail the build: this script always exits 0.
# Output is also saved under bench/results/ (git-ignored). `make bench` builds and sets things up first.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$(pwd)
py=${P2P_CHAT_PY:-$root/.venv/bin/python}
[ -x "$py" ] || py=$(command -v python3 || true)
export P2P_CHAT_BIN=${P2P_CHAT_BIN:-$root/.build/release/p2p-chat}
mkdir -p bench/results
out="bench/results/$(date -u +%Y%m%dT%H%M%SZ).txt"
{
  echo "# p2p-chat benchmarks — $(date -u '+%Y-%m-%d %H:%M UTC') — $(uname -srm) — $(nproc 2>/dev/null || echo ?) cpus"
  echo "# commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown); p2p-chat: $P2P_CHAT_BIN"
  for script in bench/*.sh bench/*.py; do
    [ -e "$script" ] || continue
    base=$(basename "$script")
    case "$base" in run-all.sh|_*) continue ;; esac
    echo
    echo "## $base"
    case "$script" in
      *.py) if [ -n "$py" ]; then "$py" "$script" "$@" </dev/null; else echo "n/a: no python3"; false; fi ;;
      *)    bash "$script" "$@" </dev/null ;;
    esac
    rc=$?
    [ $rc -eq 0 ] || echo "($base exited $rc; reported, not fatal)"
  done
} 2>&1 | tee "$out"
echo
echo "saved to $out"
exit 0
