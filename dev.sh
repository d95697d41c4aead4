#!/usr/bin/env bash
# govqueue developer entry point: sets everything up (idempotently) and runs a job.
#   bash dev.sh demo   — install, then a simulated business day through the real server
#   bash dev.sh test   — install, then ruff + mypy + the whole pytest suite
#   bash dev.sh setup  — install only
set -euo pipefail
cd "$(dirname "$0")"

APT_PACKAGES=(
  libpulse0 libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3
  libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xinerama0 libxcb-randr0
  libxcb-render-util0 libxcb-image0 libnss3 libasound2
  fonts-wqy-microhei espeak-ng
  postgresql
)
UV_VERSION=0.13.8
PYTHON=${PYTHON:-python3.11}

need_sudo() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

install_system_packages() {
  if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "[setup] not a Debian system: install ${APT_PACKAGES[*]} yourself" >&2
    return 0
  fi
  local missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "[setup] installing Debian packages: ${missing[*]}"
    need_sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive need_sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

install_python_packages() {
  if [ ! -x .venv/bin/uv ] || [ "$(.venv/bin/uv --version 2>/dev/null | cut -d' ' -f2)" != "$UV_VERSION" ]; then
    echo "[setup] creating .venv with uv $UV_VERSION"
    "$PYTHON" -m venv .venv
    .venv/bin/python -m pip install -q --disable-pip-version-check "uv==$UV_VERSION"
  fi
  # Exact versions from uv.lock; fails if pyproject.toml and the lock disagree.
  UV_PROJECT_ENVIRONMENT=.venv .venv/bin/uv sync --frozen --all-extras --quiet --python .venv/bin/python
}

setup() {
  install_system_packages
  install_python_packages
}

as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi
}

# A throw-away PostgreSQL cluster on a free loopback port, for the store tests on PostgreSQL.
start_postgres() {
  local port
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  if [ -z "$PG_BIN" ]; then echo "[test] PostgreSQL not installed: skipping its tests"; return 1; fi
  PG_DIR=$(mktemp -d /tmp/govqueue-pg-XXXXXX)
  chown postgres "$PG_DIR" 2>/dev/null || sudo chown postgres "$PG_DIR"
  port=$(.venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  as_postgres "$PG_BIN/initdb" -D "$PG_DIR/data" -A trust -U postgres >/dev/null
  as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -w -l "$PG_DIR/log" \
    -o "-p $port -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=on" start >/dev/null
  trap 'as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast stop >/dev/null 2>&1; rm -rf "$PG_DIR"' EXIT
  export GOVQUEUE_TEST_POSTGRES="postgresql+psycopg://postgres@127.0.0.1:$port/postgres"
}

run_tests() {
  export QT_QPA_PLATFORM=offscreen
  echo "[test] ruff"; .venv/bin/ruff check .
  echo "[test] mypy"; .venv/bin/mypy
  echo "[test] pytest on PostgreSQL (store, REST, live feed)"
  if start_postgres; then
    .venv/bin/pytest -q tests/api tests/realtime tests/store tests/test_multiprocess.py
    unset GOVQUEUE_TEST_POSTGRES
  fi
  echo "[test] pytest (everything, on the embedded SQLite default)"
  .venv/bin/pytest "$@"
}

cmd=${1:-}
shift || true
case "$cmd" in
  setup) setup ;;
  demo) setup; exec .venv/bin/govqueue demo "$@" ;;
  test) setup; run_tests "$@" ;;
  *) echo "usage: bash dev.sh demo|test|setup" >&2; exit 2 ;;
esac
