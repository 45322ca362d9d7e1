#!/usr/bin/env bash
# Data-parallel training on local[2] against one machine (BENCHMARKS.md, "Data-parallel training on Spark"): a
# ready-made trainer on datasets/mnist-10k, one machine first, then two replicas at each local-step count given.
#   scripts/bench-data-parallel.sh                          # the README's MLP at 1, 8 and 32 local steps
#   scripts/bench-data-parallel.sh cnn-sr-ste-2-4 8 32
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q install -DskipTests
mvn -q -pl tribuo-nmsparse-spark test-compile
classpath=$(mktemp)
mvn -q -pl tribuo-nmsparse-spark dependency:build-classpath -Dmdep.outputFile="$classpath" -DincludeScope=test
flags=$(sed -n 's:.*<spark.jvm.flags>\(.*\)</spark.jvm.flags>.*:\1:p' pom.xml)
spin=$(sed -n 's:.*<gomp.spincount>\(.*\)</gomp.spincount>.*:\1:p' pom.xml)
# shellcheck disable=SC2086
GOMP_SPINCOUNT="$spin" exec java $flags -Dorg.bytedeco.javacpp.platform.extension=-onednn \
  -cp "tribuo-nmsparse-spark/target/test-classes:tribuo-nmsparse-spark/target/classes:$(cat "$classpath")" \
  io.github.nmsparse.spark.DataParallelBenchmark "$@"
