#!/usr/bin/env bash
# End to end with real processes on loopback: five lashupd nodes with mutual TLS form a cluster;
# a write through lashupctl on node 1 is readable on node 5 within 2 s and a watch on node 3
# sees it; after SIGKILL of node 2 every other node answers "reachable node2" false within 3 s;
# restarted, node 2 is reachable again with its data, and catches up on a write it missed.
# Node 1's metrics endpoint must parse as Prometheus text.
# Usage: cluster_e2e_test.sh LASHUPD LASHUPCTL PROMETHEUS_CHECKER [PYTHON]
set -euo pipefail
LASHUPD=$1 LASHUPCTL=$2 CHECKER=$3 PYTHON=${4:-/usr/bin/python3}
WORK=$(mktemp -d /tmp/lashup-e2e-XXXXXX)
source "$(dirname "$0")/../../../scripts/cluster_lib.sh"
WATCH_PID=
cleanup() {
  [ -n "$WATCH_PID" ] && kill "$WATCH_PID" 2>/dev/null || true
  cluster_stop || true
  if [ "${KEEP:-0}" = 1 ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*" >&2
  for f in "$WORK"/node*.log; do echo "--- $f" >&2; tail -20 "$f" >&2; done
  exit 1
}

cluster_init 5
for i in 1 2 3 4 5; do node_start "$i" || fail "node $i did not start"; done
start=$(now_ms)
for i in 1 2 3 4 5; do
  wait_for 20000 "node $i to reach all five" all_reachable "$i" || fail "no cluster"
done
echo "cluster of 5 formed in $(($(now_ms) - start)) ms"

# The watch on node 3 first shows a key written before it, so we know it is live.
ctl 1 -c 'op demo/ready enable ok' >/dev/null || fail "first write"
wait_for 5000 "node 3 to hold demo/ready" ctl 3 -c 'get demo/ready' >/dev/null 2>&1 || fail "demo/ready"
ctl 3 --json --count 2 -c 'watch demo' >"$WORK/watch.out" 2>"$WORK/watch.err" &
WATCH_PID=$!
wait_for 5000 "the watch's snapshot" grep -q 'demo/ready' "$WORK/watch.out" || fail "watch"

t0=$(now_ms)
ctl 1 -c 'op demo/vip add backends 10.0.0.1:80 10.0.0.2:80, incr generation' >/dev/null ||
  fail "write on node 1"
wait_for 2000 "node 5 to read demo/vip" ctl 5 -c 'get demo/vip' >/dev/null 2>&1 ||
  fail "node 5 did not read the write within 2 s"
echo "write on node 1 readable on node 5 after $(($(now_ms) - t0)) ms"
ctl 5 --json -c 'get demo/vip' | grep -q '"backends:orset":\["10.0.0.1:80","10.0.0.2:80"\]' ||
  fail "node 5 read a different value: $(ctl 5 --json -c 'get demo/vip')"
wait_for 5000 "node 3's watch to see demo/vip" grep -q 'demo/vip' "$WORK/watch.out" ||
  fail "the watch on node 3 missed the write"
wait "$WATCH_PID" || fail "watch --count 2 did not end cleanly: $(cat "$WORK/watch.err")"
WATCH_PID=
echo "watch on node 3 saw it: $(grep demo/vip "$WORK/watch.out" | head -c 200)"

kill -KILL "${PIDS[2]}"
wait "${PIDS[2]}" 2>/dev/null || true
t0=$(now_ms)
for i in 1 3 4 5; do
  wait_for $((t0 + 3000 - $(now_ms))) "node $i to see node2 unreachable" \
    reachable_is "$i" node2 false || fail "node $i still reaches node2 3 s after SIGKILL"
  echo "node $i: node2 unreachable after $(($(now_ms) - t0)) ms"
done

ctl 4 -c 'op demo/missed assign owner node4' >/dev/null || fail "write while node 2 is down"
node_start 2 || fail "node 2 did not restart"
t0=$(now_ms)
for i in 1 3 4 5; do
  wait_for 10000 "node $i to reach node2 again" reachable_is "$i" node2 true ||
    fail "node2 not reachable from node $i after restart"
done
echo "node2 back: reachable from all after $(($(now_ms) - t0)) ms"
ctl 2 --json -c 'get demo/vip' | grep -q '10.0.0.2:80' || fail "node 2 lost demo/vip"
wait_for 10000 "node 2 to catch up on demo/missed" ctl 2 -c 'get demo/missed' >/dev/null 2>&1 ||
  fail "node 2 did not catch up on the write it missed"
echo "node2 kept its data and caught up"

curl -sf "http://127.0.0.1:${METRICS_PORT[1]}/metrics" >"$WORK/metrics.txt" || fail "scrape"
"$PYTHON" "$CHECKER" <"$WORK/metrics.txt" || fail "metrics are not valid Prometheus text"
for name in lashup_membership_reachable lashup_kv_update_seconds_bucket \
  lashup_transport_links_up_total lashup_storage_sync_seconds_count lashup_fd_local_health \
  lashup_multicast_sent_total; do
  grep -q "^$name" "$WORK/metrics.txt" || fail "metric $name missing"
done
cluster_stop || fail "a node did not exit 0 on SIGTERM"
echo "PASS"
