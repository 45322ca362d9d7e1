#!/usr/bin/env bash
# End-to-end training time of the shipped networks against PyTorch, side by side in one run, as one table: every
# network x method, this project's seconds, PyTorch's, the ratio, and the BLAS each side ran on (with a 1024^3 matmul
# timed in the same run). Arguments pick networks (mlp mlp-wide cnn resnet; all by default). PYTORCH_THREADS sets
# PyTorch's intra-op threads (1 by default; its GEMMs still run on OpenBLAS's own pool, 2 threads here, as this
# project's do: see BENCHMARKS.md). Not part of CI: it installs Debian's
# python3-torch (about 1 GB) when it is missing. The per-step and per-epoch benchmarks it used to run are still there:
# TrainingStepBenchmark, CnnEpochBenchmark and scripts/pytorch_peer.py, pytorch_cnn_peer.py, pytorch_resnet_peer.py.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! /usr/bin/python3 -c "import torch" 2>/dev/null || [ ! -e /usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3 ]; then
  apt-get update -qq
  # Without an optimized BLAS, Debian's torch falls back to the reference BLAS (about 3 GFLOP/s).
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-torch libopenblas0-pthread
fi
ours=$(mktemp)
theirs=$(mktemp)
mvn -q -pl tribuo-nmsparse test-compile exec:exec -Dexec.skip=false -Dexec.classpathScope=test \
  -Dexec.mainClass=io.github.nmsparse.bench.EndToEndBenchmark -Dnmsparse.args="$*" 2>/dev/null | grep -E '^(RESULT|BLAS)' > "$ours"
/usr/bin/python3 scripts/pytorch_end_to_end.py "${PYTORCH_THREADS:-1}" "$@" | grep -E '^(RESULT|BLAS)' > "$theirs"
grep '^BLAS' "$ours"
grep '^BLAS' "$theirs"
echo
echo "| network | method | this project (s) | PyTorch (s) | ratio (this / PyTorch) |"
echo "|---|---|---|---|---|"
awk 'FNR == NR && /^RESULT/ { t[$2 " " $3] = $4; next }
     /^RESULT/ { key = $2 " " $3; if (key in t) printf "| %s | %s | %.2f | %.2f | %.2f |\n", $2, $3, $4, t[key], $4 / t[key] }' "$theirs" "$ours"
rm -f "$ours" "$theirs"
