#!/usr/bin/env bash
# System packages the test suite needs (Debian). Idempotent; skips what is already installed.
# poppler: PDF text reference for the pdf tests; chromium + chromium-driver: the web UI's
# end-to-end tests drive a real headless browser; postgresql: the second store backend.
set -euo pipefail
need=()
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils poppler-data)
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -x /usr/bin/chromedriver ] || need+=(chromium-driver)
# A CJK font, so that the e2e screenshot of the Chinese pages is legible.
[ -d /usr/share/fonts/truetype/wqy ] || need+=(fonts-wqy-zenhei)
# PostgreSQL: the store's second backend; the pg_* and workers tests run on it
# (scripts/start-postgres.sh starts it).
command -v pg_ctlcluster >/dev/null 2>&1 && ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 \
  || need+=(postgresql postgresql-client)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
