#!/usr/bin/env bash
# luoshi's two set-up commands:
#   ./setup.sh demo   install, set up an embedded SQLite demo and serve it on http://127.0.0.1:8000
#   ./setup.sh test   install the development dependencies and run the whole test suite
# Both create ./.venv on first use. DATABASE_URL selects another database (e.g. PostgreSQL).
set -euo pipefail
cd "$(dirname "$0")"

mode=${1:-}
shift || true
case "$mode" in
  demo|test) ;;
  *) echo "usage: ./setup.sh demo|test [args…]" >&2; exit 64 ;;
esac

PYTHON=${PYTHON:-python3}
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "luoshi needs Python 3.11 or newer (found: $("$PYTHON" --version 2>&1))" >&2
  exit 1
fi
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv

# Install (again) only when the dependency list changed since the last install.
extras=$([ "$mode" = test ] && echo "[dev]" || echo "")
stamp=".venv/.installed-$(cat pyproject.toml | sha256sum | cut -c1-16)${extras:+-dev}"
if [ ! -f "$stamp" ]; then
  echo "Installing luoshi${extras} into .venv …"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".${extras}"
  touch "$stamp"
fi

if [ "$mode" = demo ]; then
  exec .venv/bin/luoshi demo "$@"
fi

.venv/bin/ruff check .
.venv/bin/python manage.py makemigrations --check --dry-run > /dev/null \
  || { echo "models changed without a migration: run manage.py makemigrations" >&2; exit 1; }
exec .venv/bin/python -m pytest -n 2 "$@"
