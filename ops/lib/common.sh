# shellcheck shell=bash
# Shared helpers for the ops/ scripts: repo root, logging, privilege helpers,
# pid files, TCP/HTTP probes and the PostgreSQL binary directory.
# Source it from a script in ops/:  source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

# Guard against double sourcing.
if [[ -n "${SW_COMMON_SOURCED:-}" ]]; then
  return 0
fi
SW_COMMON_SOURCED=1

# Repo root, resolved from this file's location (ops/lib/common.sh -> repo root).
SW_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
SW_OPS="$SW_ROOT/ops"
SW_VAR="$SW_ROOT/var"
# PostgreSQL 15 server binaries (initdb, pg_ctl, postgres) are not on PATH on Debian.
SW_PG_BIN="${SLOTWISE_PG_BIN:-/usr/lib/postgresql/15/bin}"
SW_PROG="ops/$(basename "$0")"
export SW_ROOT SW_OPS SW_VAR SW_PG_BIN

sw_log() { printf '[%s] %s\n' "$SW_PROG" "$*" >&2; }
sw_warn() { printf '[%s] WARNING: %s\n' "$SW_PROG" "$*" >&2; }
sw_die() {
  printf '[%s] ERROR: %s\n' "$SW_PROG" "$*" >&2
  exit 1
}

# Run a command as root: directly when we are root, through sudo otherwise.
sw_as_root() {
  if [[ $EUID -eq 0 ]]; then
    "$@"
  else
    command -v sudo >/dev/null 2>&1 || sw_die "need root for: $* (sudo not found)"
    sudo "$@"
  fi
}

# Validate that $2 (named $1) is a TCP port number.
sw_require_port() {
  if ! [[ "$2" =~ ^[0-9]+$ ]] || ((10#$2 < 1 || 10#$2 > 65535)); then
    sw_die "$1 must be a TCP port number, got '$2'"
  fi
}

# True when something accepts TCP connections on host:port (pure bash, no nc/curl).
sw_port_open() {
  local host=$1 port=$2
  (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null
}

# Fail with a clear message when a port we want to listen on is already taken.
sw_require_port_free() {
  local name=$1 port=$2 env_name=$3 who=""
  if sw_port_open 127.0.0.1 "$port"; then
    if command -v ss >/dev/null 2>&1; then
      who="$(ss -Hltnp "sport = :$port" 2>/dev/null | head -n 1 | sed -E 's/.*users:\(\((.*)\)\).*/\1/')"
    fi
    sw_die "port $port (for $name) is already in use${who:+ by $who}; stop that process or set $env_name to a free port"
  fi
}

# HTTP status code of GET http://host:port/path (pure bash; prints 000 on failure).
sw_http_status() {
  local host=$1 port=$2 path=$3 line=""
  {
    exec 3<>"/dev/tcp/$host/$port" &&
      printf 'GET %s HTTP/1.0\r\nHost: %s:%s\r\nConnection: close\r\n\r\n' "$path" "$host" "$port" >&3 &&
      IFS= read -r -t 5 line <&3
    exec 3>&-
  } 2>/dev/null || true
  if [[ "$line" =~ ^HTTP/[0-9.]+\ ([0-9]{3}) ]]; then
    printf '%s\n' "${BASH_REMATCH[1]}"
  else
    printf '000\n'
  fi
}

# Process start time (clock ticks since boot), used with the pid to detect pid reuse.
sw_proc_start() {
  local stat fields
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
  stat="${stat##*) }" # drop "pid (comm) "; fields[0] is now field 3 (state)
  read -ra fields <<<"$stat"
  printf '%s\n' "${fields[19]}" # field 22 of /proc/pid/stat
}

# True when the pid exists and is not a zombie.
sw_pid_alive() {
  local pid=$1 stat
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  stat="$(cat "/proc/$pid/stat" 2>/dev/null)" || return 1
  stat="${stat##*) }"
  [[ "${stat:0:1}" != "Z" ]]
}

# Pid files hold "PID STARTTIME" so a stale file whose pid was reused is detected.
sw_write_pidfile() {
  local file=$1 pid=$2 start
  start="$(sw_proc_start "$pid")" || start=0
  printf '%s %s\n' "$pid" "$start" >"$file"
}

# Print the pid recorded in a pid file when that process is still the one that
# wrote it; return 1 (and print nothing) for a missing or stale pid file.
sw_pidfile_pid() {
  local file=$1 pid start now
  [[ -f "$file" ]] || return 1
  read -r pid start <"$file" || true
  sw_pid_alive "${pid:-}" || return 1
  now="$(sw_proc_start "$pid")" || return 1
  [[ -z "${start:-}" || "$start" == "0" || "$start" == "$now" ]] || return 1
  printf '%s\n' "$pid"
}

# Send SIGTERM, wait up to $3 seconds for the process to exit, then SIGKILL.
# Reaps the process when it is our own child.
sw_stop_pid() {
  local name=$1 pid=$2 timeout=${3:-20} i
  sw_pid_alive "$pid" || {
    wait "$pid" 2>/dev/null || true
    return 0
  }
  sw_log "stopping $name (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < timeout * 10; i++)); do
    sw_pid_alive "$pid" || break
    sleep 0.1
  done
  if sw_pid_alive "$pid"; then
    sw_warn "$name (pid $pid) did not exit within ${timeout}s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
      sw_pid_alive "$pid" || break
      sleep 0.1
    done
  fi
  wait "$pid" 2>/dev/null || true
}

# Wait until host:port accepts connections. Fails after $3 seconds, or early
# when the optional pid $5 dies. $4 names the thing in messages.
sw_wait_port() {
  local host=$1 port=$2 timeout=$3 name=$4 pid=${5:-} i
  for ((i = 0; i < timeout * 5; i++)); do
    sw_port_open "$host" "$port" && return 0
    if [[ -n "$pid" ]] && ! sw_pid_alive "$pid"; then
      sw_warn "$name exited before listening on $host:$port"
      return 1
    fi
    sleep 0.2
  done
  sw_warn "$name did not listen on $host:$port within ${timeout}s"
  return 1
}
