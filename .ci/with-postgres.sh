#!/usr/bin/env bash
# Runs a command with DATABASE_URL pointing at a throwaway PostgreSQL cluster on 127.0.0.1.
# Installs Debian's postgresql if missing; the cluster is deleted and the server stopped
# (by its PID file) whatever the command's outcome.
set -euo pipefail

if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  echo "Installing Debian's postgresql..."
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null
fi
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
PORT=${PGPORT_CI:-54329}
CLUSTER=$(mktemp -d /tmp/stressed-pg.XXXXXX)
RUN_AS=()
if [ "$(id -u)" -eq 0 ]; then
  # initdb refuses to run as root; the server runs as Debian's postgres user.
  chown postgres "$CLUSTER"
  RUN_AS=(runuser -u postgres --)
fi

stop() {
  "${RUN_AS[@]}" "$PGBIN/pg_ctl" -D "$CLUSTER/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$CLUSTER"
}
trap stop EXIT

"${RUN_AS[@]}" "$PGBIN/initdb" -D "$CLUSTER/data" -A trust -U stressed >/dev/null
"${RUN_AS[@]}" "$PGBIN/pg_ctl" -D "$CLUSTER/data" -l "$CLUSTER/server.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $PORT -k $CLUSTER -c fsync=off" start >/dev/null
"$PGBIN/createdb" -h 127.0.0.1 -p "$PORT" -U stressed stressed

echo "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT"
DATABASE_URL="postgres://stressed@127.0.0.1:$PORT/stressed" "$@"
