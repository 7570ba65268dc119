#!/usr/bin/env bash
# Serves Lodestar on http://127.0.0.1:8000 with a Huey worker beside it; Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
$PY manage.py run_huey --quiet &
worker=$!
trap 'kill $worker 2>/dev/null; wait $worker 2>/dev/null' EXIT INT TERM
echo "Lodestar: http://127.0.0.1:8000  (demo logins in README.md; Ctrl-C stops)"
$PY manage.py runserver 127.0.0.1:8000
