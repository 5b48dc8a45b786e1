#!/usr/bin/env bash
# Builds everything (library, tools, tests, property tests, benchmarks, fuzz targets) with
# -Werror, builds the libFuzzer target with clang, runs the whole test suite with ctest, then runs
# the transport's tests again in a ThreadSanitizer build.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh test
jobs=$(nproc)

# The decoders' fuzz targets (frames, CRDT bytes, CRDT Cap'n Proto) under clang + libFuzzer with
# ASan and UBSan; ctest runs each for a bounded number of inputs (src/wire and src/crdt
# CMakeLists.txt).
CC=clang CXX=clang++ cmake -S . -B build/fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DLASHUP_BUILD_TESTS=OFF -DLASHUP_BUILD_BENCHMARKS=OFF -DLASHUP_BUILD_TOOLS=OFF \
  -DLASHUP_BUILD_CHAOS=OFF -DLASHUP_BUILD_FUZZERS=ON -DLASHUP_FUZZ_INSTRUMENT=ON >/dev/null
cmake --build build/fuzz --target frame_decoder_fuzz crdt_decode_fuzz crdt_capnp_fuzz

cmake -S . -B build/test -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLASHUP_BUILD_TESTS=ON \
  -DLASHUP_BUILD_BENCHMARKS=ON -DLASHUP_BUILD_TOOLS=ON -DLASHUP_BUILD_CHAOS=ON \
  -DLASHUP_BUILD_FUZZERS=ON -DLASHUP_LIBFUZZER_BINARY="$PWD/build/fuzz/src/wire/frame_decoder_fuzz" \
  -DLASHUP_CRDT_LIBFUZZER_BINARY="$PWD/build/fuzz/src/crdt/crdt_decode_fuzz" \
  -DLASHUP_CRDT_CAPNP_LIBFUZZER_BINARY="$PWD/build/fuzz/src/wire/crdt_capnp_fuzz" \
  >/dev/null
cmake --build build/test -j "$jobs"
ctest --test-dir build/test --output-on-failure -j "$jobs"

# The transport's and the Node facade's tests again under ThreadSanitizer: the driver is the
# multi-threaded part (a loop thread per node, callers posting into it), and the facade adds
# callers on any thread, listeners on the loop thread and Close; NetworkFaults is shared by
# every node's loop thread. TSan exits non-zero on any report.
cmake -S . -B build/tsan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLASHUP_TSAN=ON \
  -DLASHUP_BUILD_TESTS=ON -DLASHUP_BUILD_BENCHMARKS=OFF -DLASHUP_BUILD_TOOLS=OFF \
  -DLASHUP_BUILD_CHAOS=OFF -DLASHUP_BUILD_FUZZERS=OFF >/dev/null
cmake --build build/tsan -j "$jobs" --target net_test net_unit_test node_api_test \
  network_faults_test
TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" build/tsan/src/net/net_test --gtest_brief=1
TSAN_OPTIONS="halt_on_error=1" build/tsan/src/net/net_unit_test --gtest_brief=1
TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" build/tsan/src/api/node_api_test --gtest_brief=1
TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" build/tsan/src/api/network_faults_test \
  --gtest_brief=1
