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

# Front-end files (ECharts) come from npm by package-lock.json, into node_modules/ (not committed).
npm_stamp="node_modules/.installed-$(cat package-lock.json | sha256sum | cut -c1-16)"
if [ ! -f "$npm_stamp" ]; then
  if ! command -v npm > /dev/null; then
    echo "luoshi needs npm (Node.js) to install its chart library: install it (Debian: apt-get install npm) and run again" >&2
    exit 1
  fi
  echo "Installing front-end files (npm ci) …"
  npm ci --no-audit --no-fund --loglevel=error
  touch "$npm_stamp"
fi

# The supervision notice PDF embeds a CJK font (WenQuanYi Micro Hei); as root, install it.
if [ ! -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] && [ "$(id -u)" = 0 ] && command -v apt-get > /dev/null; then
  echo "Installing a CJK font for PDF notices (apt-get) …"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-microhei > /dev/null; } \
    || echo "Notice: fonts-wqy-microhei could not be installed; PDF notices use a built-in CID font" >&2
fi

if [ "$mode" = demo ]; then
  exec .venv/bin/luoshi demo "$@"
fi

# Browser tests drive Debian's Chromium (with a CJK font for the screenshots); as root, install it.
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get > /dev/null; then
    echo "Installing Chromium and a CJK font for the browser tests (apt-get) …"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei > /dev/null
  else
    echo "Notice: /usr/bin/chromium is missing, so the browser tests will be skipped (as root: apt-get install chromium fonts-wqy-microhei)" >&2
  fi
fi

.venv/bin/ruff check .
.venv/bin/python manage.py makemigrations --check --dry-run > /dev/null \
  || { echo "models changed without a migration: run manage.py makemigrations" >&2; exit 1; }
exec .venv/bin/python -m pytest -n 2 "$@"
