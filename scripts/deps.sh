#!/usr/bin/env bash
# Installs the Debian packages a lashup build needs, only those that are missing.
#   scripts/deps.sh demo   packages to build the library and lashup-sim
#   scripts/deps.sh test   those plus test, benchmark and fuzzing dependencies
set -euo pipefail
set_name=${1:-test}
packages=(cmake ninja-build g++ capnproto libcapnp-dev libasio-dev libssl-dev librocksdb-dev
  libtomlplusplus-dev libcli11-dev libspdlog-dev nlohmann-json3-dev libreadline-dev python3)
if [ "$set_name" = "test" ]; then
  packages+=(libgtest-dev libgmock-dev libbenchmark-dev librapidcheck-dev libboost-graph-dev clang libclang-rt-14-dev
    python3-prometheus-client tmux curl)
fi
missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "installing missing packages: ${missing[*]}"
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
  sudo_cmd=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
