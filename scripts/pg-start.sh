#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server on 127.0.0.1 in a temporary directory (initdb, pg_ctl)
# and prints its URL. Usage: pg-start.sh DIR (an empty directory); stop with pg-stop.sh DIR.
set -euo pipefail
bin=$(dirname "$(ls /usr/lib/postgresql/*/bin/pg_ctl 2>/dev/null | sort -V | tail -n 1)")
[ -x "$bin/pg_ctl" ] || { echo "pg-start: PostgreSQL is not installed" >&2; exit 1; }
port=${PGPORT_TEST:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}
dir=${1:?usage: pg-start.sh DIR}
run=()
if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  chown postgres "$dir"
  run=(runuser -u postgres --)
fi
"${run[@]}" "$bin/initdb" -D "$dir/data" -U klu --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
"${run[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c max_connections=200" start >/dev/null
"${run[@]}" "$bin/createdb" -h 127.0.0.1 -p "$port" -U klu klu_test
echo "postgresql://klu@127.0.0.1:$port/klu_test"
