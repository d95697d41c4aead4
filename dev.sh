#!/usr/bin/env bash
# govqueue developer entry point: sets everything up (idempotently) and runs a job.
#   bash dev.sh demo   — install, then a simulated business day through the real server
#   bash dev.sh test   — install, then ruff + mypy + the whole pytest suite
#   bash dev.sh setup  — install only
set -euo pipefail
cd "$(dirname "$0")"

# Debian packages, by what needs them. `govqueue setup-check` (run at the end of setup) names
# the package of any shared library that is still missing.
APT_PACKAGES=(
  # Qt (PySide6): QtCore needs GLib; QtGui/QtWidgets fonts, OpenGL/EGL and keyboard maps; the
  # xcb and wayland platform plugins (real screens); QtMultimedia's FFmpeg backend (libXrandr)
  libglib2.0-0 libfontconfig1 libfreetype6 libegl1 libgl1 libopengl0 libxkbcommon0
  libxkbcommon-x11-0 libdbus-1-3 libx11-6 libx11-xcb1 libxrandr2 libxext6 libxrender1
  libxcb1 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xinerama0
  libxcb-randr0 libxcb-render-util0 libxcb-image0 libxcb-xkb1 libxcb-xfixes0 libxcb-shm0
  libxcb-sync1 libxcb-render0 libwayland-client0 libwayland-cursor0 libwayland-egl1
  libnss3 libasound2 libpulse0
  fonts-wqy-microhei                     # CJK font (screens, tickets, reports)
  fonts-droid-fallback                   # a second CJK font, as imagemagick brings in: Qt lists it
                                         # first; setup-check and its tests must check WenQuanYi
  espeak-ng                              # offline Mandarin speech (voice cmn-latn-pinyin)
  libusb-1.0-0                           # USB thermal printers (python-escpos through pyusb)
  postgresql                             # the production store; bash dev.sh test runs on it too
  chromium chromium-driver               # headless browser checks of the web pages
  tesseract-ocr tesseract-ocr-chi-sim    # reading Chinese off screenshots (optional checks)
  xvfb xdotool                           # real app processes on a virtual screen, tapped (tests/apps/x11.py)
  prometheus                             # promtool: checks docs/monitoring's alert rules and queries
  nginx openssl systemd                  # deploy/: the TLS proxy in front of a real server, the units verified
)
UV_VERSION=0.13.8
PYTHON=${PYTHON:-python3.11}

need_sudo() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

install_system_packages() {
  if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "[setup] not a Debian system: install ${APT_PACKAGES[*]} yourself" >&2
    return 0
  fi
  local missing
  # One dpkg-query for all: a second run costs milliseconds.
  missing=$(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "${APT_PACKAGES[@]}" 2>/dev/null |
    awk '$2 == "installed" {print $1}' | sort | comm -13 - <(printf '%s\n' "${APT_PACKAGES[@]}" | sort) || true)
  if [ -n "$missing" ]; then
    # shellcheck disable=SC2086
    echo "[setup] installing Debian packages (a few minutes on a new machine): $(echo $missing)"
    need_sudo apt-get update -qq
    # shellcheck disable=SC2086
    need_sudo env DEBIAN_FRONTEND=noninteractive \
      apt-get install -y -qq --no-install-recommends $missing >/dev/null
  fi
}

install_python_packages() {
  if [ ! -x .venv/bin/uv ] || [ "$(.venv/bin/uv --version 2>/dev/null | cut -d' ' -f2)" != "$UV_VERSION" ]; then
    echo "[setup] creating .venv with uv $UV_VERSION"
    "$PYTHON" -m venv .venv
    .venv/bin/python -m pip install -q --disable-pip-version-check "uv==$UV_VERSION"
  fi
  # Exact versions from uv.lock; fails if pyproject.toml and the lock disagree. Bytecode is
  # compiled here once: where PYTHONDONTWRITEBYTECODE is set, every process (each CLI test)
  # would otherwise compile every module it imports again, ~2 s of CPU each.
  UV_PROJECT_ENVIRONMENT=.venv .venv/bin/uv sync --frozen --all-extras --quiet --compile-bytecode \
    --python .venv/bin/python
  # shellcheck disable=SC2046
  .venv/bin/python -m compileall -q -j 0 $(ls -d server client migrations tests bench \
    kiosk_app display_app window_client app_shell 2>/dev/null) >/dev/null
}

setup() {
  install_system_packages
  install_python_packages
  # Fails early, naming the Debian package, when Qt, speech or printing cannot work here.
  .venv/bin/govqueue setup-check
}

# The tests run on PostgreSQL as well (bash dev.sh test): those whose behaviour depends on the
# store. A new test module whose SQL, locking or events differ by dialect belongs here.
POSTGRESQL_TESTS=(
  tests/store tests/realtime tests/test_multiprocess.py tests/outbox/test_two_senders.py
  tests/test_cli_database.py::test_postgresql_unknown_database
  tests/api/statistics_audit
  tests/api/test_appointment_booking.py tests/api/test_appointment_indicators.py
  tests/api/test_appointment_last_seat.py tests/api/test_concurrency.py
  tests/api/test_daily_limit.py tests/api/test_hot_path.py tests/api/test_idempotent_issue.py
  tests/api/test_indicators.py tests/api/test_integrations.py tests/api/test_numbering.py
  tests/api/test_readiness.py tests/api/test_records.py tests/api/test_revocation.py
  tests/api/test_stats_local_times.py tests/api/test_stats_plan.py
  tests/api/test_stats_rollup.py tests/api/test_ticket_life.py tests/api/test_window_today.py
)

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
  echo "[test] ruff"; .venv/bin/ruff check .; .venv/bin/ruff format --check .
  echo "[test] mypy"; .venv/bin/mypy
  # The two pytest runs go side by side: most of a test's time is waiting (servers, sockets,
  # fsync, subprocesses), not CPU, so together they take little longer than the longer one.
  local logs pg_pid="" pg_status=0 status=0
  logs=$(mktemp -d /tmp/govqueue-test-XXXXXX)
  if start_postgres; then
    echo "[test] pytest on PostgreSQL (the tests whose behaviour depends on the store), in the background, ${GOVQUEUE_TEST_PG_WORKERS:-2} workers: its report follows"
    # Two workers (pytest-xdist); each test has a database of its own, each worker its own
    # template database (tests/helpers.py). What runs here is what the store decides: the store
    # and the writer, the live feed's relay, several server processes, the SQL that differs by
    # dialect (statistics, numbering, locks, NOTIFY) and the REST flows built on it. The HTTP
    # surface (access rules, hostile input, the schema fuzz, request limits) answers the same
    # on either store and runs once, on SQLite (docs/decisions.md, "The PostgreSQL leg").
    .venv/bin/pytest -q -p no:cacheprovider -n "${GOVQUEUE_TEST_PG_WORKERS:-2}" \
      "${POSTGRESQL_TESTS[@]}" >"$logs/postgresql.txt" 2>&1 &
    pg_pid=$!
    unset GOVQUEUE_TEST_POSTGRES
  fi
  # Four workers (pytest-xdist) on the SQLite run: a test mostly waits on a server, a socket or
  # a subprocess; with three the two cores stood ~25 % idle for the whole run (most of all after
  # the PostgreSQL run ends), with four the same tests took ~1.5 min less (docs/benchmarks.md,
  # 2026-12-08). GOVQUEUE_TEST_WORKERS=0 runs them one by one.
  # Work stealing: a worker out of tests takes some of another's queue, so no worker is left
  # alone at the end with a queue of slow tests (three workers ended 3 s apart, where with the
  # default distribution the machine stood idle ~60 s at the end of the run).
  echo "[test] pytest (everything, on the embedded SQLite default, ${GOVQUEUE_TEST_WORKERS:-4} workers)"
  set +e
  .venv/bin/pytest -n "${GOVQUEUE_TEST_WORKERS:-4}" --dist worksteal "$@" | tee "$logs/sqlite.txt"
  status=${PIPESTATUS[0]}
  set -e
  if [ -n "$pg_pid" ]; then
    wait "$pg_pid" || pg_status=$?
    echo
    echo "[test] pytest on PostgreSQL — report:"
    cat "$logs/postgresql.txt"
    echo "[test] PostgreSQL run: $(tail -n 1 "$logs/postgresql.txt")"
  fi
  # pytest's summary line of the whole suite comes last
  echo "[test] SQLite run (the whole suite):"
  tail -n 1 "$logs/sqlite.txt"
  rm -rf "$logs"
  if [ "$status" -ne 0 ]; then return "$status"; fi
  return "$pg_status"
}

cmd=${1:-}
shift || true
case "$cmd" in
  setup) setup ;;
  demo) setup; exec .venv/bin/govqueue demo "$@" ;;
  test) setup; run_tests "$@" ;;
  *) echo "usage: bash dev.sh demo|test|setup" >&2; exit 2 ;;
esac
