#!/usr/bin/env bash
# Starts the local PostgreSQL (Debian's package, installed by install-deps.sh) for the tests:
# listening on 127.0.0.1 only, with a password user that may create databases (each test makes
# its own) and a database of the same name. Idempotent. Prints nothing on stdout but the URL:
#   export GONGKAI_TEST_PG_URL="$(./scripts/start-postgres.sh)"
set -euo pipefail
PG_USER="${GONGKAI_PG_USER:-gongkai}"
PG_PASSWORD="${GONGKAI_PG_PASSWORD:-gongkai}"
PG_PORT="${GONGKAI_PG_PORT:-5432}"
log() { echo "start-postgres: $*" >&2; }

as_postgres() {
  if [ "$(id -un)" = postgres ]; then "$@"
  elif command -v runuser >/dev/null 2>&1; then runuser -u postgres -- "$@"
  else su postgres -s /bin/sh -c "$(printf '%q ' "$@")"; fi
}

version="$(ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -n 1)"
[ -n "$version" ] || { log "PostgreSQL is not installed (run scripts/install-deps.sh)"; exit 1; }
if ! pg_lsclusters -h 2>/dev/null | awk '{print $1" "$2}' | grep -qx "$version main"; then
  log "creating cluster $version/main"
  pg_createcluster "$version" main --port "$PG_PORT" >&2
fi
conf_dir="/etc/postgresql/$version/main/conf.d"
mkdir -p "$conf_dir"
conf="$conf_dir/gongkai-tests.conf"
wanted="listen_addresses = '127.0.0.1'
port = $PG_PORT
max_connections = 200"
changed=0
if [ "$(cat "$conf" 2>/dev/null)" != "$wanted" ]; then
  printf '%s\n' "$wanted" >"$conf"
  changed=1
fi
status="$(pg_lsclusters -h | awk -v v="$version" '$1==v && $2=="main" {print $4}')"
if [ "$status" != online ]; then
  log "starting cluster $version/main"
  pg_ctlcluster "$version" main start >&2
elif [ "$changed" = 1 ]; then
  log "restarting cluster $version/main for the new settings"
  pg_ctlcluster "$version" main restart >&2
fi
for _ in $(seq 1 60); do
  pg_isready -q -h 127.0.0.1 -p "$PG_PORT" && break
  sleep 0.5
done
pg_isready -q -h 127.0.0.1 -p "$PG_PORT" || { log "PostgreSQL did not come up"; exit 1; }

psql_admin() { as_postgres psql -X -q -v ON_ERROR_STOP=1 -p "$PG_PORT" -d postgres "$@"; }
if [ "$(psql_admin -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$PG_USER'")" != 1 ]; then
  log "creating role $PG_USER"
  psql_admin -c "CREATE ROLE \"$PG_USER\" LOGIN CREATEDB PASSWORD '$PG_PASSWORD'"
fi
if [ "$(psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname = '$PG_USER'")" != 1 ]; then
  log "creating database $PG_USER"
  psql_admin -c "CREATE DATABASE \"$PG_USER\" OWNER \"$PG_USER\""
fi
echo "postgres://$PG_USER:$PG_PASSWORD@127.0.0.1:$PG_PORT/$PG_USER"
