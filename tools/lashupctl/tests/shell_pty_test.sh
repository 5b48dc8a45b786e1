#!/usr/bin/env bash
# lashupctl's interactive shell, driven through a pseudo-terminal (tmux) against a real lashupd.
#
# Usage: shell_pty_test.sh LASHUPD LASHUPCTL
#
# Starts one lashupd (plaintext, preset local) in a temporary directory, runs
# `lashupctl --socket DIR/admin.sock` in a private tmux server with a fixed 120x40 screen and
# types into it: op writes, Tab completion of a key one component at a time (`get mi` + Tab),
# the get that runs, a bad op (its error, and the shell going on), history recall with Up,
# Ctrl-C clearing the line, `watch` stopped with Ctrl-C, `quit`; then a second shell that finds
# the first one's history and leaves with Ctrl-D. Every wait polls the screen for the expected
# text until a deadline. Exits 0 when all of it holds, else 1 with the reason, the screen and
# the daemon's log. Cleans up the daemon, the tmux server and the directory on any exit.
set -euo pipefail

if [[ $# -ne 2 ]]; then
  echo "usage: $0 LASHUPD LASHUPCTL" >&2
  exit 2
fi
lashupd=$(realpath "$1")
lashupctl=$(realpath "$2")
for binary in "$lashupd" "$lashupctl"; do
  [[ -x $binary ]] || { echo "FAIL: $binary is not an executable" >&2; exit 1; }
done
command -v tmux >/dev/null || { echo "FAIL: tmux is not installed" >&2; exit 1; }

work=$(mktemp -d /tmp/lashupctl_pty.XXXXXX)
data="$work/data"
tmux_socket="$work/tmux.sock"
daemon_pid=""
shell_session=""
readonly wait_seconds=20

tmuxc() { tmux -S "$tmux_socket" "$@"; }

cleanup() {
  tmuxc kill-server >/dev/null 2>&1 || true
  if [[ -n $daemon_pid ]] && kill -0 "$daemon_pid" 2>/dev/null; then
    kill -TERM "$daemon_pid" 2>/dev/null || true
    # Bounded wait for a clean exit, then the hard way.
    for _ in $(seq 50); do kill -0 "$daemon_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$daemon_pid" 2>/dev/null || true
    wait "$daemon_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

screen() { tmuxc capture-pane -p -J -t "$shell_session" -S -200 2>/dev/null || true; }

fail() {
  echo "FAIL: $*" >&2
  if [[ -n $shell_session ]]; then
    echo "--- screen ---" >&2
    screen | sed -e '/^$/d' >&2
  fi
  echo "--- lashupd log (last 30 lines) ---" >&2
  tail -n 30 "$work/lashupd.log" >&2 2>/dev/null || true
  exit 1
}

# The last non-blank line on the screen, trailing blanks removed.
last_line() { screen | sed -e 's/[[:space:]]*$//' -e '/^$/d' | tail -n 1; }

# Waits until the screen holds the fixed string $1 (described by $2 in a failure).
wait_for_text() {
  local deadline=$((SECONDS + wait_seconds))
  while ((SECONDS < deadline)); do
    screen | grep -qF -- "$1" && return 0
    sleep 0.1
  done
  fail "$2: \"$1\" never appeared"
}

# Waits until the last line is exactly $1.
wait_for_last_line() {
  local deadline=$((SECONDS + wait_seconds))
  while ((SECONDS < deadline)); do
    [[ $(last_line) == "$1" ]] && return 0
    sleep 0.1
  done
  fail "$2: the last line is \"$(last_line)\", expected \"$1\""
}

# Clears the screen and scrollback, so later checks only see what follows.
clear_screen() {
  tmuxc send-keys -t "$shell_session" C-l
  tmuxc clear-history -t "$shell_session"
  wait_for_last_line "$prompt" "clearing the screen"
  local deadline=$((SECONDS + wait_seconds))
  while ((SECONDS < deadline)); do
    [[ $(screen | sed -e '/^[[:space:]]*$/d' | wc -l) -eq 1 ]] && return 0
    sleep 0.1
  done
  fail "the screen did not clear"
}

type_text() { tmuxc send-keys -t "$shell_session" -l -- "$1"; }
press() { tmuxc send-keys -t "$shell_session" "$@"; }
run_line() {
  type_text "$1"
  press Enter
}

start_shell() {
  shell_session=$1
  tmuxc new-session -d -s "$shell_session" -x 120 -y 40 \
    "env HOME='$work' LASHUPCTL_HISTORY='$work/history' '$lashupctl' --socket '$data/admin.sock'"
  tmuxc set-option -t "$shell_session" remain-on-exit on >/dev/null
  wait_for_last_line "$prompt" "the shell's first prompt"
}

# Waits for the shell to exit and checks its status. tmux marks the pane dead when its terminal
# closes, and learns the status when it reaps the process on SIGCHLD; Debian's tmux links
# libutempter, whose own SIGCHLD handler can swallow that signal and leave the process a zombie
# (tmux issue #311), so a dead pane without a status gets its server nudged with SIGCHLD.
wait_for_exit() {
  local deadline=$((SECONDS + wait_seconds)) status signal
  while ((SECONDS < deadline)); do
    status=$(tmuxc display-message -p -t "$shell_session" '#{pane_dead_status}')
    signal=$(tmuxc display-message -p -t "$shell_session" '#{pane_dead_signal}')
    [[ -z $signal ]] || fail "$1: lashupctl was killed by signal $signal"
    if [[ -n $status ]]; then
      [[ $status == 0 ]] || fail "$1: lashupctl exited with status $status"
      return 0
    fi
    if [[ $(tmuxc display-message -p -t "$shell_session" '#{pane_dead}') == 1 ]]; then
      kill -CHLD "$(tmuxc display-message -p '#{pid}')" 2>/dev/null || true
    fi
    sleep 0.1
  done
  fail "$1: lashupctl did not exit"
}

# --- the daemon: a single node on a free loopback port (bounded retries on a taken port) ---
start_daemon() {
  local attempt
  for attempt in 1 2 3 4 5; do
    port=$((20000 + (RANDOM % 30000)))
    node="n1@127.0.0.1:$port"
    rm -rf "$data"
    mkdir -p "$data"
    "$lashupd" --id "$node" --data-dir "$data" --plaintext --preset local --log-level info \
      >"$work/lashupd.log" 2>&1 &
    daemon_pid=$!
    local deadline=$((SECONDS + wait_seconds))
    while ((SECONDS < deadline)) && kill -0 "$daemon_pid" 2>/dev/null; do
      if "$lashupctl" --socket "$data/admin.sock" --timeout 2 -c info >/dev/null 2>&1; then
        return 0
      fi
      sleep 0.1
    done
    kill -KILL "$daemon_pid" 2>/dev/null || true
    wait "$daemon_pid" 2>/dev/null || true
    daemon_pid=""
    echo "lashupd did not come up on port $port (attempt $attempt); retrying" >&2
  done
  fail "lashupd never answered on its admin socket"
}

start_daemon
prompt="lashup $node>"
echo "lashupd $node is up; driving lashupctl in tmux"

# --- the first shell ---
start_shell first

run_line "op minute/alpha add s x y, incr c 5"
wait_for_text "s (orset): x, y" "op's new value (set)"
wait_for_text "c (counter): 5" "op's new value (counter)"
wait_for_last_line "$prompt" "the prompt after op"
run_line "op minute/beta enable f"
wait_for_text "f (flag): on" "the second op's value"
wait_for_last_line "$prompt" "the prompt after the second op"
clear_screen

# Tab completes one key component at a time: "mi" -> "minute/", then "a" -> "minute/alpha ".
type_text "get mi"
press Tab
wait_for_last_line "$prompt get minute/" "Tab completing the first component"
type_text "a"
press Tab
wait_for_last_line "$prompt get minute/alpha" "Tab completing the whole key"
press Enter
wait_for_text "s (orset): x, y" "get of the completed key"
wait_for_text "c (counter): 5" "get of the completed key"
wait_for_last_line "$prompt" "the prompt after get"
clear_screen

# A bad op is the daemon's error; the shell goes on.
run_line "op minute/alpha frobnicate s"
wait_for_text "error: " "the error for a bad op"
wait_for_last_line "$prompt" "the prompt after an error"
clear_screen

# History: Up recalls the last command, Up again the one before; Ctrl-C drops the line.
press Up
wait_for_last_line "$prompt op minute/alpha frobnicate s" "Up recalling the last command"
press Up
wait_for_last_line "$prompt get minute/alpha" "Up recalling the command before"
press C-c
wait_for_last_line "$prompt" "Ctrl-C clearing the line"
clear_screen

# watch streams until Ctrl-C, then the prompt is back and commands still run.
run_line "watch minute"
wait_for_text "[snapshot] minute/alpha" "watch's snapshot"
wait_for_text "[snapshot] minute/beta" "watch's snapshot"
press C-c
wait_for_last_line "$prompt" "the prompt after Ctrl-C stopped watch"
run_line "keys minute"
wait_for_text "minute/beta" "keys after the watch"
wait_for_last_line "$prompt" "the prompt after keys"

run_line "quit"
wait_for_exit "quit"
echo "first shell: op, Tab completion, get, error, history, Ctrl-C, watch and quit all held"

# --- a second shell: history persisted across shells, Ctrl-D leaves ---
grep -qxF "get minute/alpha" "$work/history" || fail "the history file lacks 'get minute/alpha'"
start_shell second
press Up
wait_for_last_line "$prompt quit" "Up in a new shell recalling the previous shell's last command"
press Up
wait_for_last_line "$prompt keys minute" "Up in a new shell, one further back"
press C-c
wait_for_last_line "$prompt" "Ctrl-C clearing the recalled line"
press C-d
wait_for_exit "Ctrl-D"
echo "second shell: history from the first shell and Ctrl-D held"

echo "PASS: lashupctl shell pty test"
