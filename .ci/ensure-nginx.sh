#!/usr/bin/env bash
# Debian's nginx, for tests/core/test_nginx.py and the benchmark's nginx phases. Installed if
# missing; never started as a service (the tests start their own, on a free port).
set -euo pipefail
if command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; then
  exit 0
fi
echo "Installing Debian's nginx..."
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
# policy-rc.d or no init system: the package must not try to start its own server here.
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq nginx >/dev/null
