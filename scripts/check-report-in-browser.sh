#!/usr/bin/env bash
# Opens report pages (index.html written by the "report" or "experiment --results-doc" commands) in Debian's
# headless Chromium and fails unless every picture on each page loaded: the page's own script sets
# data-images-ok="true" on <body> after the load event. Installs chromium when it is missing.
# Usage: scripts/check-report-in-browser.sh PAGE.html [PAGE.html ...]
set -euo pipefail
if [ $# -eq 0 ]; then
  echo "usage: $0 PAGE.html [PAGE.html ...]" >&2
  exit 2
fi
if ! command -v chromium >/dev/null 2>&1; then
  echo "installing Debian's chromium ..."
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get install -y -qq chromium >/dev/null
fi
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
status=0
for page in "$@"; do
  url="file://$(realpath "$page")"
  # The flags keep Chromium off the (closed) network; the virtual time budget lets the load event fire.
  dom="$(chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
      --disable-component-update --disable-sync --user-data-dir="$profile" --virtual-time-budget=10000 \
      --dump-dom "$url" 2>/dev/null)"
  images="$(grep -o '<img ' <<<"$dom" | wc -l)"
  if grep -q 'data-images-ok="true"' <<<"$dom" && grep -q "data-image-count=\"$images\"" <<<"$dom" && [ "$images" -gt 0 ]; then
    echo "ok: $page: $images pictures loaded in Chromium"
  else
    echo "BROKEN: $page: the pictures did not all load in Chromium ($images <img> tags)" >&2
    status=1
  fi
  chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
      --disable-component-update --disable-sync --user-data-dir="$profile" --virtual-time-budget=10000 \
      --window-size=1280,2400 --screenshot="${page%.html}-screenshot.png" "$url" >/dev/null 2>&1 || true
done
exit $status
