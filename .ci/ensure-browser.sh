#!/usr/bin/env bash
# Installs what the browser tests need when it is missing: Debian's chromium (test tools
# cannot download browsers here) and axe-core from npm, pinned in tests/e2e/package-lock.json.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x /usr/bin/chromium ]; then
  echo "Installing Debian's chromium for the browser tests..."
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi

if [ ! -f tests/e2e/node_modules/axe-core/axe.min.js ]; then
  echo "Installing axe-core..."
  npm ci --prefix tests/e2e --no-audit --no-fund --loglevel=error
fi
