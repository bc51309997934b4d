# Sourced by start.sh and test.sh: make (or reuse) the virtual environment at .venv and install
# the given requirements file into it. Works on a fresh Debian/Ubuntu with Python >= 3.11.
set -euo pipefail

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

PY="${PYTHON:-python3}"
if ! command -v "$PY" >/dev/null 2>&1; then
  echo "error: $PY not found; install Python >= 3.11 (apt-get install python3)" >&2
  exit 1
fi
if ! "$PY" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)'; then
  echo "error: Python >= 3.11 is needed, found $("$PY" --version)" >&2
  exit 1
fi
if [ ! -x .venv/bin/python ]; then
  if ! "$PY" -m venv .venv 2>/dev/null; then
    # Debian/Ubuntu ship venv separately (python3.X-venv).
    rm -rf .venv
    ver=$("$PY" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
    as_root apt-get update -qq
    as_root apt-get install -y -qq "python${ver}-venv" || as_root apt-get install -y -qq python3-venv
    "$PY" -m venv .venv
  fi
fi

install_requirements() {
  # Reinstall only when the requirements files changed (a stamp holds their hash).
  local req="$1" stamp=".venv/.installed-$(basename "$1")"
  local want; want=$(cat requirements*.txt | sha256sum | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    .venv/bin/python -m pip install -q --upgrade pip
    .venv/bin/python -m pip install -q -r "$req"
    echo "$want" > "$stamp"
  fi
}
