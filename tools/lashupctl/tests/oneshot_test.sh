#!/usr/bin/env bash
# lashupctl without a terminal, against a real lashupd: -c commands, --json, --count on a
# watch, script mode on stdin, the exit statuses (0 ok, 1 daemon error, 2 usage, 3
# unreachable), and `lashupctl certs` output that a TLS lashupd accepts.
#
# Usage: oneshot_test.sh LASHUPD LASHUPCTL
# Exits 0 when every check holds, else 1 naming the failed check. Every wait is bounded.
set -euo pipefail

if [[ $# -ne 2 ]]; then
  echo "usage: $0 LASHUPD LASHUPCTL" >&2
  exit 2
fi
lashupd=$(realpath "$1")
lashupctl=$(realpath "$2")
work=$(mktemp -d /tmp/lashupctl_oneshot.XXXXXX)
pids=()
readonly wait_seconds=20

cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*" >&2
  for log in "$work"/*.log; do
    [[ -f $log ]] && { echo "--- $log" >&2; tail -n 20 "$log" >&2; }
  done
  exit 1
}

# Runs lashupctl; sets $out, $err and $status without tripping `set -e`.
ctl() {
  status=0
  "$lashupctl" "$@" >"$work/out" 2>"$work/err" || status=$?
  out=$(cat "$work/out")
  err=$(cat "$work/err")
}

expect_status() {
  [[ $status == "$1" ]] || fail "$2: exit status $status, expected $1 (stdout: $out; stderr: $err)"
}

expect_out() {
  grep -qF -- "$1" <<<"$out" || fail "$2: stdout lacks \"$1\" (stdout: $out; stderr: $err)"
}

# start_node NAME EXTRA_FLAGS...: a lashupd on a free loopback port; sets $node and $socket.
start_node() {
  local name=$1 attempt port
  shift
  for attempt in 1 2 3 4 5; do
    port=$((20000 + (RANDOM % 30000)))
    node="$name@127.0.0.1:$port"
    socket="$work/$name/admin.sock"
    rm -rf "${work:?}/$name"
    mkdir -p "$work/$name"
    "$lashupd" --id "$node" --data-dir "$work/$name" --preset local --log-level info "$@" \
      >"$work/$name.log" 2>&1 &
    local pid=$!
    pids+=("$pid")
    local deadline=$((SECONDS + wait_seconds))
    while ((SECONDS < deadline)) && kill -0 "$pid" 2>/dev/null; do
      "$lashupctl" --socket "$socket" --timeout 2 -c info >/dev/null 2>&1 && return 0
      sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    echo "lashupd $name did not come up on port $port (attempt $attempt); retrying" >&2
  done
  fail "lashupd $name never answered on its admin socket"
}

start_node n1 --plaintext
s1=$socket
n1=$node

ctl --socket "$s1" -c info
expect_status 0 "info"
expect_out "$n1" "info names the node"

ctl --socket "$s1" -c "op t/k add s a b, incr c 2" -c "get t/k" -c "keys t"
expect_status 0 "op, get, keys"
expect_out "s (orset): a, b" "get shows the set"
expect_out "c (counter): 2" "get shows the counter"
expect_out "t/k" "keys lists the key"

ctl --socket "$s1" --json -c "get t/k" -c "reachable n1"
expect_status 0 "--json get"
expect_out '"s:orset":["a","b"]' "--json get prints the value JSON"
expect_out "{\"node\":\"$n1\",\"reachable\":true}" "--json reachable by name"

ctl --socket "$s1" -c "get t/nope" -c "keys t"
expect_status 1 "get of an absent key"
[[ $err == "error: "* ]] || fail "a daemon error is printed as 'error: ...', got: $err"
expect_out "t/k" "the commands after an error still run"

ctl --socket "$s1" -c "op t/k frobnicate s"
expect_status 1 "bad op syntax"
[[ $err == "error: op 0"* ]] || fail "bad op syntax error, got: $err"

ctl --socket "$work/nowhere.sock" -c info
expect_status 3 "an absent daemon"
[[ $err == "lashupctl: cannot reach lashupd at $work/nowhere.sock: No such file or directory (is lashupd running? --socket)" ]] ||
  fail "the unreachable message, got: $err"

ctl --socket "$s1" -c ""
expect_status 2 "an empty -c"
ctl --socket "$s1" --timeout 0 -c info
expect_status 2 "--timeout 0"

# LASHUP_ADMIN_SOCKET stands in for --socket.
status=0
out=$(LASHUP_ADMIN_SOCKET="$s1" "$lashupctl" -c "keys t" 2>&1) || status=$?
expect_status 0 "LASHUP_ADMIN_SOCKET"
expect_out "t/k" "keys through LASHUP_ADMIN_SOCKET"

# Script mode: commands on stdin, comments and blank lines skipped.
status=0
out=$(printf '# a comment\n\nkeys t\nget t/k\n' | "$lashupctl" --socket "$s1" 2>&1) || status=$?
expect_status 0 "script mode"
expect_out "c (counter): 2" "script mode runs get"

# watch: the snapshot, then a live change; --count ends it without a signal.
ctl --socket "$s1" --count 1 -c "watch t"
expect_status 0 "watch --count 1"
expect_out "[snapshot] t/k =" "watch's snapshot event"

timeout 30 "$lashupctl" --socket "$s1" --json --count 2 -c "watch t" >"$work/watch.out" \
  2>"$work/watch.err" &
watch_pid=$!
deadline=$((SECONDS + wait_seconds))
until grep -q '"snapshot":true' "$work/watch.out"; do
  ((SECONDS < deadline)) || fail "the JSON watch's snapshot never came"
  sleep 0.1
done
ctl --socket "$s1" -c "op t/k incr c"
expect_status 0 "the op during the watch"
watch_status=0
wait "$watch_pid" || watch_status=$?
[[ $watch_status == 0 ]] || fail "watch --count 2 exited $watch_status: $(cat "$work/watch.err")"
[[ $(wc -l <"$work/watch.out") == 2 ]] || fail "watch --count 2 printed: $(cat "$work/watch.out")"
live=$(sed -n 2p "$work/watch.out")
[[ $live == *'"snapshot":false'* && $live == *'"c:counter":3'* ]] ||
  fail "the live event after incr: $live"

# certs: two lashupd nodes with mutual TLS on lashupctl's certificates find each other. The
# certificates name the ids, ports included, so they are made for the ports the nodes will use.
ctl certs --dir "$work/certs" n9@127.0.0.1:1
expect_status 0 "certs"
for file in ca.pem ca.key n9.pem n9.key; do
  expect_out "$work/certs/$file" "certs lists $file"
  [[ -s $work/certs/$file ]] || fail "certs did not write $file"
done

# launch NAME ID CONTACT: a TLS lashupd; true once its admin socket answers.
launch() {
  mkdir -p "$work/$1"
  "$lashupd" --id "$2" --contact "$3" --data-dir "$work/$1" --preset local --log-level info \
    --tls-ca "$work/certs/ca.pem" --tls-cert "$work/certs/$1.pem" \
    --tls-key "$work/certs/$1.key" >"$work/$1.log" 2>&1 &
  pids+=("$!")
  local deadline=$((SECONDS + wait_seconds))
  while ((SECONDS < deadline)) && kill -0 "${pids[-1]}" 2>/dev/null; do
    "$lashupctl" --socket "$work/$1/admin.sock" --timeout 2 -c info >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  return 1
}

up=0
for attempt in 1 2 3 4 5; do
  port=$((20000 + (RANDOM % 30000)))
  n2="n2@127.0.0.1:$port" n3="n3@127.0.0.1:$((port + 1))"
  ctl certs --dir "$work/certs" "$n2" "$n3"
  expect_status 0 "certs for n2 and n3"
  expect_out "$work/certs/n3.key" "certs lists n3.key"
  rm -rf "${work:?}/n2" "${work:?}/n3"
  if launch n2 "$n2" "$n3" && launch n3 "$n3" "$n2"; then
    up=1
    break
  fi
  echo "TLS nodes did not come up on ports $port and $((port + 1)); retrying" >&2
done
((up)) || fail "TLS lashupd nodes with lashupctl's certificates did not come up"
deadline=$((SECONDS + wait_seconds))
until "$lashupctl" --socket "$work/n2/admin.sock" --json -c "reachable n3" 2>/dev/null |
  grep -qF '"reachable":true'; do
  ((SECONDS < deadline)) || fail "n2 never reached n3 over mutual TLS with lashupctl's certs"
  sleep 0.1
done

echo "PASS: lashupctl one-shot test"
