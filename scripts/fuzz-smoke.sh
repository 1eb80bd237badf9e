#!/usr/bin/env bash
# Runs every fuzz target for a short while (default 20 s each): a smoke test, not a campaign.
#
#   scripts/fuzz-smoke.sh [SECONDS] [TARGET...]
#
# Needs cargo-fuzz (installed here if missing) and a nightly toolchain; without nightly it falls
# back to RUSTC_BOOTSTRAP=1 on stable (cargo-fuzz passes -Z flags). Builds go to
# $CARGO_TARGET_DIR, default /work/target-fuzz, so other builds are not disturbed.
set -euo pipefail

secs="${1:-20}"
shift || true
root="$(cd "$(dirname "$0")/.." && pwd)"
export CARGO_TARGET_DIR="${FUZZ_TARGET_DIR:-/work/target-fuzz}"

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz-smoke: installing cargo-fuzz" >&2
    cargo install cargo-fuzz --locked
fi

toolchain=()
if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
    toolchain=(+nightly)
else
    echo "fuzz-smoke: no nightly toolchain, using RUSTC_BOOTSTRAP=1 on stable" >&2
    export RUSTC_BOOTSTRAP=1
fi

cd "$root"
if [ "$#" -gt 0 ]; then
    targets=("$@")
else
    mapfile -t targets < <(cargo "${toolchain[@]}" fuzz list)
fi

# No C code is fuzzed, so AddressSanitizer adds build time and little value; override with
# FUZZ_SANITIZER=address. In CI the fuzz build runs alone after the tests, so it may use both
# cores; on a shared developer machine set FUZZ_BUILD_JOBS=1.
sanitizer="${FUZZ_SANITIZER:-none}"
jobs="${FUZZ_BUILD_JOBS:-2}"
status=0
for t in "${targets[@]}"; do
    echo "fuzz-smoke: $t for ${secs}s" >&2
    if ! CARGO_BUILD_JOBS="$jobs" nice -n 10 cargo "${toolchain[@]}" fuzz run \
        --sanitizer "$sanitizer" "$t" -- -max_total_time="$secs" -rss_limit_mb=2048; then
        echo "fuzz-smoke: $t FAILED (see fuzz/artifacts/$t)" >&2
        status=1
    fi
done
exit "$status"
