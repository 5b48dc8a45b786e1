#!/usr/bin/env bash
# Installs a lashup build tree into a scratch prefix and builds and runs cmake/checks/consumer
# against it, as another project would: find_package(lashup CONFIG REQUIRED) and
# lashup::lashup. Checks that the consumer (and the installed liblashup) resolve liblashup from
# the prefix, never from the build tree.
#
# Usage: consumer_test.sh LASHUP_BUILD_DIR SCRATCH_DIR
# Exit status 0 on success; otherwise the failing step is printed with its output.
set -uo pipefail

if [[ $# -ne 2 ]]; then
  echo "usage: $0 LASHUP_BUILD_DIR SCRATCH_DIR" >&2
  exit 2
fi
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build=$(cd "$1" && pwd -P) || { echo "consumer_test: no build directory '$1'" >&2; exit 2; }
mkdir -p "$2"
scratch=$(cd "$2" && pwd -P)
prefix=$scratch/prefix
consumer_build=$scratch/build

fail() {
  echo "consumer_test: FAIL: $*" >&2
  exit 1
}
step() { echo "consumer_test: == $*"; }
# Whether a ':'-separated path list names a directory of the lashup build tree (the scratch dir,
# and so the prefix, may sit inside the build tree, as it does under ctest: that is fine).
names_build_tree() {
  local entry
  local IFS=:
  for entry in $1; do
    entry=${entry%/}
    if [[ ($entry == "$build" || $entry == "$build"/*) &&
          $entry != "$prefix" && $entry != "$prefix"/* ]]; then
      return 0
    fi
  done
  return 1
}

[[ -f $build/CMakeCache.txt ]] || fail "$build is not a CMake build directory (no CMakeCache.txt)"
rm -rf "$prefix" "$consumer_build"

step "cmake --install $build --prefix $prefix"
if ! out=$(cmake --install "$build" --prefix "$prefix" 2>&1); then
  echo "$out" >&2
  fail "installing the lashup build tree failed (see above). cmake --install installs what the" \
       "build's install rules name (liblashup, and lashupd/lashupctl when LASHUP_BUILD_TOOLS is" \
       "ON): build those first, e.g. 'cmake --build $build'."
fi
echo "$out" | grep -E 'Installing|Up-to-date' | sed "s|$prefix|PREFIX|" | sed 's/^/  /'

# What a consumer relies on, checked before building it so a failure names the missing piece.
config=$(find "$prefix" -path '*/cmake/lashup/lashupConfig.cmake' | head -n 1)
[[ -n $config ]] || fail "no lib*/cmake/lashup/lashupConfig.cmake under $prefix"
for f in lashupConfigVersion.cmake lashupTargets.cmake; do
  [[ -f $(dirname "$config")/$f ]] || fail "$f is not installed next to $config"
done
[[ -f $prefix/include/lashup/node.h ]] || fail "include/lashup/node.h is not installed"
[[ ! -e $prefix/include/lashup/testing/sim_world.h ]] ||
  fail "include/lashup/testing/sim_world.h is installed, but the simulator is not in liblashup"
lib=$(find "$prefix" -name 'liblashup.so.*' -type f | head -n 1)
[[ -n $lib ]] || fail "no liblashup.so.* under $prefix"
if grep -rnF "$build" "$(dirname "$config")" | grep -vF "$prefix" >&2; then
  fail "the installed CMake package refers to the build tree $build (above)"
fi

cxx=$(sed -n 's/^CMAKE_CXX_COMPILER:[A-Z]*=//p' "$build/CMakeCache.txt")
step "configure the consumer (CMAKE_PREFIX_PATH=$prefix, CXX=${cxx:-default})"
if ! out=$(cmake -S "$here/consumer" -B "$consumer_build" -G Ninja \
    -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo ${cxx:+-DCMAKE_CXX_COMPILER="$cxx"} 2>&1); then
  echo "$out" >&2
  fail "configuring the consumer failed: find_package(lashup CONFIG) or lashup::lashup is broken"
fi
echo "$out" | grep -E 'lashup .* from' | sed 's/^--/ /'
found_dir=$(sed -n 's/^lashup_DIR:PATH=//p' "$consumer_build/CMakeCache.txt")
[[ $found_dir == "$prefix"/* ]] || fail "find_package found lashup in '$found_dir', not under $prefix"

step "build the consumer"
if ! out=$(cmake --build "$consumer_build" 2>&1); then
  echo "$out" >&2
  fail "building the consumer against the installed headers and liblashup failed"
fi

exe=$consumer_build/consumer
step "check where the consumer and liblashup resolve liblashup"
runpath=$(readelf -d "$exe" | sed -n 's/.*(\(RUNPATH\|RPATH\)).*\[\(.*\)\]/\2/p')
echo "  consumer RUNPATH: ${runpath:-<none>}"
! names_build_tree "$runpath" || fail "the consumer's RUNPATH names the lashup build tree: $runpath"
resolved=$(env -u LD_LIBRARY_PATH ldd "$exe" | grep 'liblashup')
echo "  ldd:$resolved"
[[ $resolved == *"=> $prefix/"* ]] || fail "the consumer does not resolve liblashup from $prefix"
lib_runpath=$(readelf -d "$lib" | sed -n 's/.*(\(RUNPATH\|RPATH\)).*\[\(.*\)\]/\2/p')
echo "  installed liblashup RUNPATH: ${lib_runpath:-<none>}"
! names_build_tree "$lib_runpath" ||
  fail "the installed liblashup's RUNPATH names the build tree: $lib_runpath"
if env -u LD_LIBRARY_PATH ldd "$lib" | grep -q 'not found'; then
  env -u LD_LIBRARY_PATH ldd "$lib" >&2
  fail "the installed liblashup has unresolved dependencies"
fi

step "run the consumer"
if ! env -u LD_LIBRARY_PATH timeout 120 "$exe"; then
  fail "the consumer program failed (see its output above)"
fi
echo "consumer_test: PASS"
