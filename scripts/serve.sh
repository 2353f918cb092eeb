#!/usr/bin/env bash
# Builds Reflect (release) and serves it on SQLite. Installs missing build tools first.
# The database file is created at first start (DATABASE_URL, default sqlite://data/reflect.db).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup.sh
[ -f .env ] && { set -a; source .env; set +a; }
export LEPTOS_SITE_ADDR="${LEPTOS_SITE_ADDR:-127.0.0.1:3000}"
echo "[serve] building; when it is ready Reflect prints its URL (http://$LEPTOS_SITE_ADDR)"
# --precompress writes .br and .gz beside each built file; the server sends them as they are
exec cargo leptos serve --release --precompress --split
