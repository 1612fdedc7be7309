#!/bin/sh
# STUB nvidia-smi for SimDeck's tests (no GPU exists on the test machines). It answers only the query SimDeck's
# samplers send (--query-gpu=... --format=csv,noheader,nounits) with two A100 rows; the utilization comes from the
# file "util" next to this script (default 0), so a test can make a GPU busy or idle.
dir=$(dirname "$0")
util=$(cat "$dir/util" 2>/dev/null || echo 0)
case "$*" in
  *--query-gpu=*)
    printf '0, GPU-5e4e2d3a-9c1b-4f7e-8d2a-3b6c1f0e9a47, NVIDIA A100-SXM4-40GB, %s, 7, 2210, 40960, 88.10, 400.00, 44\n' "$util"
    printf '1, GPU-7a1c0b2e-1d4f-4c3a-9e8b-2f6d5c4b3a21, NVIDIA A100-SXM4-40GB, %s, 5, 1810, 40960, 79.30, 400.00, 41\n' "$util"
    ;;
  *)
    echo "nvidia-smi stub: only --query-gpu is implemented" >&2
    exit 2
    ;;
esac
