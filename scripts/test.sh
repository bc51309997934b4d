#!/usr/bin/env bash
# Set up .venv (if needed), install Chromium for the browser test if missing, then run the
# project's checks: ruff (lint + format), mypy on core/, and the whole pytest suite.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/_venv.sh
install_requirements requirements-dev.txt
# the optional Ray engine: its tests (tests/engines, marker `ray`) build on a local runtime and a two-node cluster
install_requirements requirements-ray.txt

if [ ! -x /usr/bin/chromium ]; then
  echo "installing Chromium (Debian package) for the browser test..."
  as_root apt-get update -qq
  as_root apt-get install -y -qq chromium
fi

echo "== ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
echo "== mypy core/"
.venv/bin/mypy
echo "== pytest"
.venv/bin/python -m pytest "$@"
