#!/usr/bin/env bash
# Stops a server started by scripts/pg-start.sh and removes its directory.
set -euo pipefail
dir=$1
bin=$(dirname "$(ls /usr/lib/postgresql/*/bin/pg_ctl | sort -V | tail -n 1)")
run=()
[ "$(id -u)" -eq 0 ] && run=(runuser -u postgres --)
"${run[@]}" "$bin/pg_ctl" -D "$dir/data" -m fast stop >/dev/null || true
rm -rf "$dir"
