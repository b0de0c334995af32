#!/usr/bin/env bash
# Runs a command with CACHE_URL pointing at a throwaway Redis server on 127.0.0.1 (a free
# port, no persistence). Installs Debian's redis-server if missing; the server is stopped by
# its PID whatever the command's outcome.
set -euo pipefail

if ! command -v redis-server >/dev/null 2>&1; then
  echo "Installing Debian's redis-server..."
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq redis-server >/dev/null
fi
PORT=${REDIS_PORT_CI:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
DIR=$(mktemp -d /tmp/stressed-redis.XXXXXX)
PID=""

stop() {
  if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then
    kill "$PID" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -rf "$DIR"
}
trap stop EXIT

# No RDB snapshots, no append-only file: nothing is written to disk.
redis-server --bind 127.0.0.1 --port "$PORT" --save "" --appendonly no --dir "$DIR" \
  --protected-mode yes --daemonize no --logfile "$DIR/redis.log" &
PID=$!
for _ in $(seq 100); do
  if redis-cli -h 127.0.0.1 -p "$PORT" ping >/dev/null 2>&1; then break; fi
  kill -0 "$PID" 2>/dev/null || { cat "$DIR/redis.log"; exit 1; }
  sleep 0.1
done
redis-cli -h 127.0.0.1 -p "$PORT" ping >/dev/null

echo "Redis $(redis-server --version | awk '{print $3}' | cut -d= -f2) on 127.0.0.1:$PORT"
CACHE_URL="redis://127.0.0.1:$PORT/0" "$@"
