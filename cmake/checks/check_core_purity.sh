#!/usr/bin/env bash
# Fails when protocol-core code reaches for a wall or monotonic clock, sleeps, starts a thread,
# uses rand/random_device, or includes an I/O library (DESIGN.md sections 1 and 3).
#   check_core_purity.sh DIR...   exit 0: clean; exit 1: violations listed; exit 2: usage.
# Comments are stripped first, so prose may name what code may not call. Tests and benchmarks
# (*_test.cc, *_bench.cc) are drivers, not cores, and are skipped.
set -u
if [ $# -eq 0 ]; then
  echo "usage: $0 DIR..." >&2
  exit 2
fi
patterns=(
  'steady_clock|system_clock|high_resolution_clock|utc_clock|file_clock'
  '\b(gettimeofday|clock_gettime|timespec_get)\b|\b(std::)?time\( *(NULL|nullptr|0)? *\)'
  'sleep_for|sleep_until|\b(usleep|nanosleep|sleep)\('
  'std::j?thread\b|\bpthread_create\b|std::async\b|#include <thread>|this_thread'
  '\b(s?rand|rand_r|drand48|lrand48|random)\(|random_device'
  '#include [<"](asio|rocksdb|openssl|capnp|kj)[/.]'
)
found=0
files=$(find "$@" -type f \( -name '*.h' -o -name '*.cc' -o -name '*.hpp' -o -name '*.cpp' \) \
        ! -name '*_test.cc' ! -name '*_bench.cc' | sort)
for f in $files; do
  stripped=$(sed -e 's://.*$::' "$f")
  for p in "${patterns[@]}"; do
    hits=$(printf '%s\n' "$stripped" | grep -nE "$p")
    if [ -n "$hits" ]; then
      printf '%s\n' "$hits" | sed "s|^|$f:|"
      found=1
    fi
  done
done
if [ $found -ne 0 ]; then
  echo "protocol-core purity check FAILED: inject clocks, timers, threads and randomness instead" >&2
  exit 1
fi
echo "protocol-core purity check passed ($(echo "$files" | wc -w) files)"
