#!/usr/bin/env bash
# The main job: builds lashup-sim and runs the simulated-cluster demo. Extra arguments go to
# the demo (for example: --nodes 9 --seed 7 --loss 0.01).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh demo
cmake -S . -B build/demo -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLASHUP_BUILD_TESTS=OFF \
  -DLASHUP_BUILD_BENCHMARKS=OFF -DLASHUP_BUILD_FUZZERS=OFF -DLASHUP_BUILD_CHAOS=OFF >/dev/null
cmake --build build/demo --target lashup-sim
build/demo/tools/lashup_sim/lashup-sim demo "$@"
