#!/usr/bin/env bash
# The README's main job, once built: a 5-node lashup cluster of lashupd processes on loopback
# with fresh certificates. It writes a value through lashupctl on one node and reads it on
# another, kills a node and shows it unreachable from the others, restarts it, then stops
# everything. Usage: cluster_demo.sh LASHUPD LASHUPCTL
set -euo pipefail
LASHUPD=$1 LASHUPCTL=$2
WORK=$(mktemp -d /tmp/lashup-demo-XXXXXX)
source "$(dirname "$0")/cluster_lib.sh"
trap 'cluster_stop || true; rm -rf "$WORK"' EXIT
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() {
  printf "\$ lashupctl -c '%s'   # on node %s\n" "${*:2}" "$1"
  ctl "$1" -c "${*:2}"
}
die() {
  echo "demo failed: $*" >&2
  for f in "$WORK"/node*.log; do echo "--- $f" >&2; tail -5 "$f" >&2; done
  exit 1
}

say "Creating a cluster CA and certificates for 5 nodes in $WORK/certs"
cluster_init 5
ls "$WORK/certs"

say "Starting 5 lashupd processes (mutual TLS, RocksDB in $WORK/dataN, preset local)"
for i in 1 2 3 4 5; do
  node_start "$i" || die "node $i did not start"
  echo "node$i: ${IDS[$i]}  pid ${PIDS[$i]}  metrics http://127.0.0.1:${METRICS_PORT[$i]}/metrics"
done
t0=$(now_ms)
for i in 1 2 3 4 5; do wait_for 20000 "node $i to see all five" all_reachable "$i" || die "no cluster"; done
echo "every node reaches every other after $(($(now_ms) - t0)) ms"
run 1 members

say "Writing a key on node 1 and reading it on node 4"
run 1 'op minuteman/vips add backends 10.0.0.1:80 10.0.0.2:80, incr generation'
t0=$(now_ms)
wait_for 5000 "node 4 to read it" ctl 4 -c 'get minuteman/vips' >/dev/null 2>&1 || die "not replicated"
echo "(visible on node 4 after $(($(now_ms) - t0)) ms)"
run 4 'get minuteman/vips'

say "Killing node 3 (SIGKILL) and asking the others whether they reach it"
kill -KILL "${PIDS[3]}"
wait "${PIDS[3]}" 2>/dev/null || true
t0=$(now_ms)
for i in 1 2 4 5; do
  wait_for 10000 "node $i to see node3 unreachable" reachable_is "$i" node3 false || die "node3 still up"
done
echo "all four survivors report node3 unreachable after $(($(now_ms) - t0)) ms"
run 1 'reachable node3'
run 5 members

say "Restarting node 3: it rejoins with its data"
node_start 3 || die "node 3 did not restart"
wait_for 10000 "node 1 to reach node3" reachable_is 1 node3 true || die "node3 did not rejoin"
run 1 'reachable node3'
run 3 'get minuteman/vips'

say "Stopping the cluster (SIGTERM)"
cluster_stop || die "a node did not stop cleanly"
echo "done: all nodes stopped cleanly (exit status 0)"
