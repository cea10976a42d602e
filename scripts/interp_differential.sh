#!/usr/bin/env bash
# Long differential run of the interpreter against V8 on random binaryen modules (the bounded run is the ctest
# interp_differential_test.RandomModulesBehaveAsOnV8).
#   scripts/interp_differential.sh [SEEDS [FIRST_SEED]]     defaults: 5000 seeds from 1000; build dir $BUILD_DIR or build/
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build}
cmake --build "$build" --target interp_differential_test >/dev/null
CAPSULE_DIFF_SEEDS=${1:-5000} CAPSULE_DIFF_FIRST_SEED=${2:-1000} \
  "$build/src/engine/interp/interp_differential_test" --gtest_brief=1
