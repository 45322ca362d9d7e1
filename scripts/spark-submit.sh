#!/usr/bin/env bash
# Runs the command line under Spark's own launcher, org.apache.spark.deploy.SparkSubmit, taken with the rest of the
# class path from Maven Central: what `spark-submit --driver-class-path CP --class io.github.nmsparse.cli.Main JAR ...`
# does with a Spark distribution, for machines that have none. Every jar sits on the driver's class path, as a Spark
# installation with the project's jars pre-installed on each node has them (README, "Scaling out").
#   scripts/spark-submit.sh --master 'local[2]' -- experiment --grid smoke-grid --spark-master 'local[2]' --out DIR
# Arguments before -- go to SparkSubmit, those after it to the command line.
set -euo pipefail
cd "$(dirname "$0")/.."
submit=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do submit+=("$1"); shift; done
[ $# -gt 0 ] && shift
mvn -q install -DskipTests
classpath=$(mktemp)
mvn -q -pl tribuo-nmsparse-cli dependency:build-classpath -Dmdep.outputFile="$classpath" -DincludeScope=compile
jar=$(ls tribuo-nmsparse-cli/target/tribuo-nmsparse-cli-*.jar | head -1)
flags=$(sed -n 's:.*<spark.jvm.flags>\(.*\)</spark.jvm.flags>.*:\1:p' pom.xml)
spin=$(sed -n 's:.*<gomp.spincount>\(.*\)</gomp.spincount>.*:\1:p' pom.xml)
# shellcheck disable=SC2086
GOMP_SPINCOUNT="$spin" exec java -Xmx4g $flags -cp "$(cat "$classpath"):$jar" org.apache.spark.deploy.SparkSubmit \
  "${submit[@]}" --class io.github.nmsparse.cli.Main "$jar" "$@"
