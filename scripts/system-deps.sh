#!/usr/bin/env bash
# Installs the Debian packages the tests need, if missing: PostgreSQL (second test pass),
# libical (independent calendar validator), poppler-utils (PDF text check).
set -euo pipefail
need=()
command -v pg_ctl >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || need+=(postgresql)
pkg-config --exists libical 2>/dev/null || need+=(libical-dev pkg-config)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
command -v gcc >/dev/null 2>&1 || need+=(gcc libc6-dev)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
    echo "system-deps: missing ${need[*]} and not root; install them with apt-get" >&2; exit 0; fi
else SUDO=; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
