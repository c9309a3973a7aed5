#!/usr/bin/env bash
# `make bench`: run every bench/bench_*.py; they print figures, they assert nothing about time.
set -euo pipefail
cd "$(dirname "$0")/.."
shopt -s nullglob
files=(bench/bench_*.py)
if [ ${#files[@]} -eq 0 ]; then echo "bench: no benchmarks yet (bench/bench_*.py)"; exit 0; fi
for f in "${files[@]}"; do echo "== $f"; .venv/bin/python "$f"; done
