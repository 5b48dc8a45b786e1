# Shared by scripts/cluster_demo.sh and the end-to-end test (tools/lashupd/tests/): start, stop
# and query a cluster of lashupd processes on loopback. Source it after setting LASHUPD and
# LASHUPCTL (binaries) and WORK (a scratch directory). Every wait has a deadline.

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# N free loopback ports, one per line (asks the kernel, so two runs never collide by chance).
free_ports() {
  /usr/bin/python3 - "$1" <<'PY'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); socks.append(s)
for s in socks:
    print(s.getsockname()[1])
PY
}

# cluster_init N: node ids n1..nN with free ports, certificates, data directories.
cluster_init() {
  local count=$1 i
  mapfile -t PORTS < <(free_ports $((2 * count)))
  IDS=()
  for ((i = 1; i <= count; i++)); do IDS[$i]="node$i@127.0.0.1:${PORTS[$((i - 1))]}"; done
  METRICS_PORT=()
  for ((i = 1; i <= count; i++)); do METRICS_PORT[$i]=${PORTS[$((count + i - 1))]}; done
  "$LASHUPCTL" certs --dir "$WORK/certs" "${IDS[@]:1}" >/dev/null
  PIDS=()
}

# node_start I: starts node I (contact: node 1) with its metrics endpoint; logs to WORK/nodeI.log.
node_start() {
  local i=$1
  local contact=()
  [ "$i" -ne 1 ] && contact=(--contact "${IDS[1]}")
  "$LASHUPD" --id "${IDS[$i]}" --data-dir "$WORK/data$i" --preset local \
    --tls-ca "$WORK/certs/ca.pem" --tls-cert "$WORK/certs/node$i.pem" \
    --tls-key "$WORK/certs/node$i.key" --metrics-listen "127.0.0.1:${METRICS_PORT[$i]}" \
    "${contact[@]}" >>"$WORK/node$i.log" 2>&1 &
  PIDS[$i]=$!
  wait_for 10000 "node$i's admin socket" node_answers "$i"
}

node_answers() { ctl "$1" -c info >/dev/null 2>&1; }

# ctl I ARGS...: lashupctl against node I's admin socket.
ctl() {
  local i=$1
  shift
  "$LASHUPCTL" --socket "$WORK/data$i/admin.sock" "$@"
}

# wait_for MS WHAT COMMAND...: runs COMMAND every 20 ms until it succeeds; fails after MS.
wait_for() {
  local limit=$1 what=$2
  shift 2
  local deadline=$(($(now_ms) + limit))
  until "$@"; do
    if [ "$(now_ms)" -gt "$deadline" ]; then
      echo "timed out after ${limit} ms waiting for: $what" >&2
      return 1
    fi
    sleep 0.02
  done
}

# reachable_is I NAME true|false: node I's answer to "reachable NAME".
reachable_is() {
  ctl "$1" --json -c "reachable $2" 2>/dev/null | grep -q "\"reachable\":$3"
}

# all_reachable I: node I's table lists every node, all reachable.
all_reachable() {
  local out
  out=$(ctl "$1" --json -c members 2>/dev/null) || return 1
  [ "$(grep -o '"reachable":true' <<<"$out" | wc -l)" -eq "$((${#IDS[@]}))" ]
}

# SIGTERM to every node still running; fails unless each one exits 0 (a clean stop).
cluster_stop() {
  local pid status failed=0
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    status=0
    wait "$pid" 2>/dev/null || status=$?
    # 127: already reaped (a node the caller killed and waited for).
    if [ "$status" -ne 0 ] && [ "$status" -ne 127 ]; then
      echo "lashupd pid $pid exited with status $status" >&2
      failed=1
    fi
  done
  PIDS=()
  return "$failed"
}
