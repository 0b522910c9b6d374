#!/usr/bin/env bash
# The browser test drives the system Chromium (Playwright's own browser download cannot work
# offline). Install it with apt-get when we can; otherwise say how, and that test is skipped.
set -euo pipefail
for candidate in chromium chromium-browser; do
  if command -v "$candidate" >/dev/null 2>&1; then exit 0; fi
done
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Chromium for the browser test (apt-get)..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
else
  echo "note: no Chromium found; the browser test will be skipped." >&2
  echo "      install it with: sudo apt-get install chromium" >&2
fi
