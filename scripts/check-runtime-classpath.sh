#!/usr/bin/env bash
# Checks that the command line's run-time class path holds every library of the plugin's. Spark is provided in the
# command-line module, and Maven's nearest-wins mediation can make a library both share provided too, which drops it
# from the main job's class path (commons-io did, once). Run by CI; prints what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -pl tribuo-nmsparse,tribuo-nmsparse-cli dependency:list -DincludeScope=runtime -DoutputFile=target/runtime-deps.txt
libraries() {
  grep -E '^ +[^ ]+:[^ ]+:' "$1/target/runtime-deps.txt" | sed 's/^ *//' | cut -d: -f1,2 | sort -u
}
missing=$(comm -23 <(libraries tribuo-nmsparse) <(libraries tribuo-nmsparse-cli))
if [ -n "$missing" ]; then
  echo "the command line's run-time class path lacks these libraries of the plugin's:"
  echo "$missing"
  exit 1
fi
echo "the command line's run-time class path holds all $(libraries tribuo-nmsparse | wc -l) libraries of the plugin's"
