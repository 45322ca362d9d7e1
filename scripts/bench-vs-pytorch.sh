#!/usr/bin/env bash
# Runs this project's training-step and CNN / residual-network epoch benchmarks and their PyTorch peers on the same machine, one after the other.
# Not part of CI: it installs Debian's python3-torch (about 1 GB) when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! /usr/bin/python3 -c "import torch" 2>/dev/null || [ ! -e /usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3 ]; then
  apt-get update -qq
  # Without an optimized BLAS, Debian's torch falls back to the reference BLAS (about 3 GFLOP/s).
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-torch libopenblas0-pthread
fi
echo "== tribuo-nmsparse (JMH)"
mvn -q -pl tribuo-nmsparse test-compile exec:exec -Dexec.skip=false -Dexec.classpathScope=test -Dexec.mainClass=io.github.nmsparse.engine.TrainingStepBenchmark \
  2>&1 | sed -n '/GEMM peak in this run/,$p'
echo "== PyTorch peer"
/usr/bin/python3 scripts/pytorch_peer.py
echo "== tribuo-nmsparse CNN: seconds per epoch"
mvn -q -pl tribuo-nmsparse test-compile exec:exec -Dexec.skip=false -Dexec.classpathScope=test -Dexec.mainClass=io.github.nmsparse.bench.CnnEpochBenchmark 2>&1 | grep '^|'
echo "== PyTorch CNN peer"
/usr/bin/python3 scripts/pytorch_cnn_peer.py
echo "== PyTorch residual-network peer"
/usr/bin/python3 scripts/pytorch_resnet_peer.py
