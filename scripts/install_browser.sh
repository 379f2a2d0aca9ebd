#!/usr/bin/env bash
# What tests/test_browser.py needs, on a clean Debian/Ubuntu machine:
# Debian's chromium (apt-get, as root) and Playwright for Python (pip) to drive
# it. Playwright's own browser download (`playwright install`) is never used:
# the machine may reach the package registries and nothing else.
#
#   PYTHON=.venv/bin/python scripts/install_browser.sh
set -euo pipefail
PYTHON="${PYTHON:-python3}"

if ! command -v chromium >/dev/null 2>&1 && [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "install_browser: installing chromium with apt-get" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
  else
    echo "install_browser: chromium is not installed and apt-get cannot be run here (needs root on Debian/Ubuntu);" \
         "tests/test_browser.py will be skipped" >&2
  fi
fi

if ! "$PYTHON" -c "import playwright.sync_api" >/dev/null 2>&1; then
  echo "install_browser: installing playwright for $PYTHON" >&2
  "$PYTHON" -m pip install --quiet playwright
fi
