#!/usr/bin/env bash
# The main job: builds lashupd and lashupctl and runs a 5-node cluster on loopback
# (scripts/cluster_demo.sh): fresh certificates, a write on one node read on another, a node
# killed and seen unreachable, restarted with its data, then everything stopped.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh demo
cmake -S . -B build/demo -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLASHUP_BUILD_TESTS=OFF \
  -DLASHUP_BUILD_BENCHMARKS=OFF -DLASHUP_BUILD_FUZZERS=OFF -DLASHUP_BUILD_CHAOS=OFF >/dev/null
cmake --build build/demo --target lashupd lashupctl
scripts/cluster_demo.sh build/demo/tools/lashupd/lashupd build/demo/tools/lashupctl/lashupctl
