#!/usr/bin/env bash
# Peers for the OTC Emulator benchmark harness: moto_server (EC2 Query API)
# and OpenStack Keystone (fernet tokens, SQLite) behind gunicorn.
#
#   peers.sh setup VENV_DIR                       create venv + pip install pins (idempotent)
#   peers.sh start-moto VENV_DIR PORT             start moto_server on 127.0.0.1:PORT, print PID
#   peers.sh start-keystone VENV_DIR PORT WORKDIR start keystone on 127.0.0.1:PORT, print PID
#   peers.sh stop PID                             stop a server started by this script
#
# Only the PID goes to stdout; progress and errors go to stderr. Servers are
# started in their own session (setsid), so PID is also the process-group id
# and `stop` takes the whole group (gunicorn master + workers) down.
#
# Environment knobs (all optional):
#   PYTHON                      interpreter for the venv (default: python3, must be >= 3.11)
#   PEERS_READY_TIMEOUT         seconds to wait for a server to answer (default: 90)
#   KEYSTONE_WORKERS            gunicorn worker processes (default: 2, one per core)
#   KEYSTONE_ADMIN_PASSWORD     bootstrap password of user "admin" (default: bench-admin-pw)
#   KEYSTONE_CACHE              memory (default: oslo.cache with dogpile.cache.memory,
#                               per worker) or off (stock config, no cache: ~100x slower
#                               token validation)
#   KEYSTONE_PASSWORD_HASH_ROUNDS  bcrypt rounds for the admin password hash; unset =
#                               keystone's default (bcrypt, 12 rounds, ~300 ms per
#                               password check here). Only takes effect when the hash is
#                               written: a fresh WORKDIR (or a changed admin password).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REQS="$SCRIPT_DIR/requirements-peers.txt"
READY_TIMEOUT="${PEERS_READY_TIMEOUT:-90}"

log() { printf '[peers] %s\n' "$*" >&2; }
die() { printf '[peers] error: %s\n' "$*" >&2; exit 1; }

usage() {
  sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

abspath() { mkdir -p "$1" && (cd "$1" && pwd); }

check_port() {
  local port="$1"
  [[ "$port" =~ ^[0-9]+$ ]] && (( port > 0 && port < 65536 )) || die "bad port: $port"
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    die "127.0.0.1:$port is already in use"
  fi
}

check_venv() {
  [[ -x "$1/bin/python" ]] || die "no venv at $1 (run: $0 setup $1)"
}

# ---------------------------------------------------------------- setup
cmd_setup() {
  local venv="$1"
  [[ -f "$REQS" ]] || die "missing $REQS"
  local py="${PYTHON:-python3}"
  "$py" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' \
    || die "$py is older than 3.11 (keystone 30 requires >= 3.11)"
  local pyver want marker
  pyver="$("$py" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])')"
  want="$(cat "$REQS" <(echo "python=$pyver") | sha256sum | cut -d' ' -f1)"
  marker="$venv/.peers-requirements.sha256"
  if [[ -x "$venv/bin/python" && -f "$marker" && "$(cat "$marker")" == "$want" ]]; then
    log "venv $venv is up to date (marker matches), skipping install"
    return 0
  fi
  if [[ ! -x "$venv/bin/python" ]]; then
    log "creating venv $venv with $py ($pyver)"
    "$py" -m venv "$venv"
  fi
  rm -f "$marker"
  log "installing pinned peers into $venv (this takes ~1 min)"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$REQS"
  "$venv/bin/pip" check >&2
  echo "$want" > "$marker"
  log "setup done"
}

# ------------------------------------------------------ readiness probe
# wait_http PID URL METHOD EXPECTED_STATUS [BODY] [HEADER...] ; needs N
# consecutive good answers (READY_OK, default 1).
wait_http() {
  local pid="$1" url="$2" method="$3" expect="$4" body="${5:-}"
  shift 5 || shift $#
  local deadline=$((SECONDS + READY_TIMEOUT)) ok=0 need="${READY_OK:-1}" code
  while (( SECONDS < deadline )); do
    if ! kill -0 "$pid" 2>/dev/null; then
      return 1
    fi
    code="$("$VENV_PY" - "$url" "$method" "$body" "$@" <<'PY' 2>/dev/null || true
import sys, urllib.request, urllib.error
url, method, body, *hdrs = sys.argv[1:]
req = urllib.request.Request(url, data=body.encode() if body else None, method=method)
for h in hdrs:
    k, v = h.split(":", 1)
    req.add_header(k.strip(), v.strip())
try:
    with urllib.request.urlopen(req, timeout=5) as r:
        print(r.status)
except urllib.error.HTTPError as e:
    print(e.code)
except Exception:
    print(0)
PY
)"
    if [[ "$code" == "$expect" ]]; then
      ok=$((ok + 1))
      (( ok >= need )) && return 0
      continue
    fi
    ok=0
    sleep 0.5
  done
  return 1
}

# Start "$@" detached in its own session (cwd $2), output to $1; sets PID.
# The cwd matters: gunicorn puts its --chdir / cwd on sys.path, so a stray
# *.py in the caller's directory (e.g. /tmp/resource.py) could shadow stdlib.
spawn() {
  local logfile="$1" dir="$2"; shift 2
  (cd "$dir" && exec setsid "$@" </dev/null >>"$logfile" 2>&1) &
  PID=$!
}

# ---------------------------------------------------------------- moto
cmd_start_moto() {
  local venv port
  venv="$(abspath "$1")"; port="$2"
  check_venv "$venv"; check_port "$port"
  VENV_PY="$venv/bin/python"
  mkdir -p "$venv/logs"
  local logfile="$venv/logs/moto-$port.log"
  : >"$logfile"
  log "starting moto_server on 127.0.0.1:$port (log: $logfile)"
  spawn "$logfile" "$venv/logs" "$venv/bin/moto_server" -H 127.0.0.1 -p "$port"
  if ! wait_http "$PID" "http://127.0.0.1:$port/" POST 200 \
      'Action=DescribeVpcs&Version=2016-11-15' \
      'Content-Type: application/x-www-form-urlencoded; charset=utf-8' \
      'X-Amz-Date: 20261122T000000Z' \
      'Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261122/us-east-1/ec2/aws4_request, SignedHeaders=host;x-amz-date, Signature=0000000000000000000000000000000000000000000000000000000000000000'
  then
    tail -n 30 "$logfile" >&2 || true
    stop_pid "$PID" || true
    die "moto_server exited or did not answer on 127.0.0.1:$port within ${READY_TIMEOUT}s"
  fi
  log "moto_server ready (pid $PID)"
  echo "$PID"
}

# ------------------------------------------------------------ keystone
cmd_start_keystone() {
  local venv port work
  venv="$(abspath "$1")"; port="$2"; work="$(abspath "$3")"
  check_venv "$venv"; check_port "$port"
  cd "$work"
  VENV_PY="$venv/bin/python"
  local workers="${KEYSTONE_WORKERS:-2}"
  local admin_pw="${KEYSTONE_ADMIN_PASSWORD:-bench-admin-pw}"
  local conf="$work/keystone.conf"
  local rounds_line=""
  if [[ -n "${KEYSTONE_PASSWORD_HASH_ROUNDS:-}" ]]; then
    rounds_line="password_hash_rounds = ${KEYSTONE_PASSWORD_HASH_ROUNDS}"
  fi
  # Caching: keystone without [cache] runs ~90 SQL queries per token
  # evaluation (~0.8 s per validation here); real deployments enable
  # oslo.cache (memcached). Default here: in-process dogpile.cache.memory
  # (one cache per gunicorn worker, no extra service). KEYSTONE_CACHE=off
  # reproduces the uncached stock config.
  local cache_block
  case "${KEYSTONE_CACHE:-memory}" in
    memory) cache_block=$'enabled = true\nbackend = dogpile.cache.memory' ;;
    off)    cache_block='enabled = false' ;;
    *) die "KEYSTONE_CACHE must be memory or off" ;;
  esac
  mkdir -p "$work/fernet-keys" "$work/credential-keys"
  chmod 700 "$work/fernet-keys" "$work/credential-keys"
  cat >"$conf" <<EOF
[DEFAULT]
debug = false
log_file = $work/keystone.log

[database]
connection = sqlite:///$work/keystone.db

[token]
provider = fernet
expiration = 3600

[fernet_tokens]
key_repository = $work/fernet-keys
max_active_keys = 3

[fernet_receipts]
# same repository as tokens, otherwise fernet_setup also initialises the
# default /etc/keystone/fernet-keys/
key_repository = $work/fernet-keys

[credential]
key_repository = $work/credential-keys

[identity]
$rounds_line

[cache]
$cache_block
EOF
  local km=("$venv/bin/keystone-manage" --config-file "$conf")
  local owner=(--keystone-user "$(id -un)" --keystone-group "$(id -gn)")
  local mlog="$work/keystone-manage.log"
  : >"$mlog"
  log "keystone-manage db_sync / fernet_setup / credential_setup / bootstrap in $work"
  "${km[@]}" db_sync >>"$mlog" 2>&1 || { tail -n 30 "$mlog" >&2; die "db_sync failed"; }
  if ! ls "$work/fernet-keys"/0 >/dev/null 2>&1; then
    "${km[@]}" fernet_setup "${owner[@]}" >>"$mlog" 2>&1 || { tail -n 30 "$mlog" >&2; die "fernet_setup failed"; }
  fi
  if ! ls "$work/credential-keys"/0 >/dev/null 2>&1; then
    "${km[@]}" credential_setup "${owner[@]}" >>"$mlog" 2>&1 || { tail -n 30 "$mlog" >&2; die "credential_setup failed"; }
  fi
  "${km[@]}" bootstrap \
      --bootstrap-password "$admin_pw" \
      --bootstrap-username admin \
      --bootstrap-project-name admin \
      --bootstrap-role-name admin \
      --bootstrap-service-name keystone \
      --bootstrap-region-id RegionOne \
      --bootstrap-admin-url "http://127.0.0.1:$port/v3" \
      --bootstrap-internal-url "http://127.0.0.1:$port/v3" \
      --bootstrap-public-url "http://127.0.0.1:$port/v3" \
      >>"$mlog" 2>&1 || { tail -n 30 "$mlog" >&2; die "bootstrap failed"; }

  # keystone's WSGI entry point is keystone.wsgi.api:application, but it parses
  # sys.argv with oslo.config, which would choke on gunicorn's own arguments;
  # this shim clears argv before importing it (config comes from the
  # OS_KEYSTONE_CONFIG_DIR / OS_KEYSTONE_CONFIG_FILES env vars below).
  cat >"$work/keystone_bench_wsgi.py" <<'PYEOF'
import sys

sys.argv = sys.argv[:1]

from keystone.wsgi.api import application  # noqa: E402,F401
PYEOF
  local logfile="$work/gunicorn.log"
  : >"$logfile"
  log "starting gunicorn ($workers sync workers) keystone.wsgi.api:application (via keystone_bench_wsgi.py) on 127.0.0.1:$port (log: $logfile)"
  # Sync workers: one request at a time per process, no keep-alive
  # (gunicorn sync workers answer "Connection: close"). 2 workers = 2 cores.
  OS_KEYSTONE_CONFIG_DIR="$work" OS_KEYSTONE_CONFIG_FILES="keystone.conf" \
    spawn "$logfile" "$work" "$venv/bin/gunicorn" \
      --bind "127.0.0.1:$port" \
      --workers "$workers" \
      --worker-class sync \
      --timeout 120 \
      --graceful-timeout 5 \
      --chdir "$work" \
      --name keystone-bench \
      --no-control-socket \
      keystone_bench_wsgi:application
  local body
  body="$(printf '{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"admin","domain":{"id":"default"},"password":"%s"}}},"scope":{"project":{"name":"admin","domain":{"id":"default"}}}}}' "$admin_pw")"
  # Readiness: /v3 answers and a real token issuance succeeds (DB + fernet + hash OK).
  if ! READY_OK=$workers wait_http "$PID" "http://127.0.0.1:$port/v3" GET 200 "" \
     || ! wait_http "$PID" "http://127.0.0.1:$port/v3/auth/tokens" POST 201 "$body" \
          'Content-Type: application/json'
  then
    tail -n 30 "$logfile" >&2 || true
    tail -n 30 "$work/keystone.log" >&2 2>/dev/null || true
    stop_pid "$PID" || true
    die "keystone exited or did not answer on 127.0.0.1:$port within ${READY_TIMEOUT}s"
  fi
  log "keystone ready (pid $PID); admin/admin project 'admin' domain 'default', password '$admin_pw'"
  echo "$PID"
}

# ---------------------------------------------------------------- stop
stop_pid() {
  local pid="$1" target pgid
  [[ "$pid" =~ ^[0-9]+$ ]] || die "bad pid: $pid"
  kill -0 "$pid" 2>/dev/null || { log "pid $pid is not running"; return 0; }
  pgid="$(ps -o pgid= -p "$pid" | tr -d ' ')"
  # Processes started by this script lead their own group: signal the group.
  if [[ "$pgid" == "$pid" ]]; then target="-$pid"; else target="$pid"; fi
  kill -TERM -- "$target" 2>/dev/null || true
  local i
  for i in $(seq 1 50); do
    kill -0 -- "$target" 2>/dev/null || { log "stopped $pid"; return 0; }
    sleep 0.2
  done
  log "pid $pid still alive after 10s, sending SIGKILL"
  kill -KILL -- "$target" 2>/dev/null || true
  sleep 0.2
}

main() {
  local cmd="${1:-}"
  case "$cmd" in
    setup)          [[ $# -eq 2 ]] || usage; cmd_setup "$2" ;;
    start-moto)     [[ $# -eq 3 ]] || usage; cmd_start_moto "$2" "$3" ;;
    start-keystone) [[ $# -eq 4 ]] || usage; cmd_start_keystone "$2" "$3" "$4" ;;
    stop)           [[ $# -eq 2 ]] || usage; stop_pid "$2" ;;
    *) usage ;;
  esac
}

main "$@"
