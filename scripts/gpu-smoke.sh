#!/usr/bin/env bash
# GPU smoke check, for a machine with an NVIDIA GPU: the README's main job for a few epochs on the CPU with the FUSED
# executor, then on the GPU with -Dcuda (where AUTO resolves to the OPS executor), and a verdict.
# Needs what -Dcuda needs (README, "The CUDA backend"): an NVIDIA driver for CUDA 11.6 and the CUDA 11 libraries
# libcublas.so.11 and libcusolver.so.11 on the library path. Not run by CI: no GPU there.
#
#   scripts/gpu-smoke.sh [epochs]        (default 5)
set -euo pipefail
cd "$(dirname "$0")/.."
epochs=${1:-5}
cpu=$(mktemp)
gpu=$(mktemp)

echo "== CPU, FUSED executor, $epochs epochs"
mvn -B -q compile exec:exec -Dnmsparse.args="--epochs $epochs --executor FUSED" 2>&1 | tee "$cpu"
echo "== GPU (-Dcuda), AUTO executor, $epochs epochs"
if ! mvn -B -q -Dcuda compile exec:exec -Dnmsparse.args="--epochs $epochs" 2>&1 | tee "$gpu"; then
  echo "VERDICT: FAIL - the -Dcuda run did not complete (no GPU, driver or CUDA 11 libraries?); see its output above"
  exit 1
fi

accuracy() { grep -oE '^Accuracy: [0-9.]+' "$1" | grep -oE '[0-9.]+$'; }
ran_on() { grep -oE 'on [A-Za-z]+Backend .* with the [A-Z]+ executor' "$1"; }
cpu_accuracy=$(accuracy "$cpu")
gpu_accuracy=$(accuracy "$gpu")
gpu_ran_on=$(ran_on "$gpu")
echo "CPU: $(ran_on "$cpu"), test accuracy $cpu_accuracy%"
echo "GPU: $gpu_ran_on, test accuracy $gpu_accuracy%"

if [[ "$gpu_ran_on" == *CpuBackend* ]]; then
  echo "VERDICT: FAIL - the -Dcuda run used ND4J's CPU backend, not CUDA"
  exit 1
fi
if [[ "$gpu_ran_on" != *"OPS executor"* ]]; then
  echo "VERDICT: FAIL - the GPU run did not use the OPS executor"
  exit 1
fi
if ! grep -Eq "^0 +256x667 +2:4 .* yes$" "$gpu"; then
  echo "VERDICT: FAIL - the GPU-trained first layer is not an N:M-valid 2:4 layer"
  exit 1
fi
if awk -v a="$cpu_accuracy" -v b="$gpu_accuracy" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= 0.5) }'; then
  echo "VERDICT: PASS - the GPU trains the same model as the CPU, to within 0.5 points of test accuracy"
else
  echo "VERDICT: FAIL - the GPU's test accuracy is more than 0.5 points from the CPU's: a wrong model"
  exit 1
fi
