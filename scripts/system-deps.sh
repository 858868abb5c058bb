#!/usr/bin/env bash
# Installs the Debian packages the tests need, if missing: PostgreSQL (second test pass),
# libical (independent calendar validator), poppler-utils (PDF text check), Node.js with
# Mozilla's ical.js (a second independent calendar reader, into .cache/icaljs), and what
# WeasyPrint needs to print the dagsorden and the referat (Pango, HarfBuzz's subsetter, DejaVu),
# and Dovecot (a real IMAP server the mail tests start on a loopback port, XOAUTH2 through its
# oauth2 passdb; the system service the package starts is stopped again).
set -euo pipefail
need=()
command -v pg_ctl >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || need+=(postgresql)
pkg-config --exists libical 2>/dev/null || need+=(libical-dev pkg-config)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
command -v gcc >/dev/null 2>&1 || need+=(gcc libc6-dev)
command -v npm >/dev/null 2>&1 || need+=(nodejs npm)
ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0 || need+=(libpango-1.0-0 libpangoft2-1.0-0)
ldconfig -p 2>/dev/null | grep -q libharfbuzz-subset || need+=(libharfbuzz-subset0)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
command -v dovecot >/dev/null 2>&1 || [ -x /usr/sbin/dovecot ] || need+=(dovecot-imapd)
icaljs() {
  [ -d .cache/icaljs/node_modules/ical.js ] && return 0
  mkdir -p .cache/icaljs
  npm install --prefix .cache/icaljs --silent --no-audit --no-fund --no-save ical.js@2 >/dev/null \
    || echo "system-deps: could not install ical.js with npm" >&2
}
if [ ${#need[@]} -eq 0 ]; then icaljs; exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
    echo "system-deps: missing ${need[*]} and not root; install them with apt-get" >&2; exit 0; fi
else SUDO=; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
if [[ " ${need[*]} " == *" dovecot-imapd "* ]]; then
  $SUDO service dovecot stop >/dev/null 2>&1 || true  # the tests start their own
fi
icaljs
