#!/usr/bin/env bash
# Runs every test of gongkai on a fresh Debian/Ubuntu machine: installs what the tests need
# (headless Chromium for browser and print checks, poppler for PDF text, CJK fonts, xmllint for
# feed schemas), then the whole test suite. `.ci/run` runs exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
for pkg in chromium poppler-utils libxml2-utils fonts-noto-cjk; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "Installing test dependencies: ${need[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
scripts/setup/publish.sh

cargo fmt --all -- --check
cargo clippy --all-targets --locked -- -D warnings
cargo test --locked --lib --bins --tests

# Fuzz smoke test: every target in fuzz/ for a short while (GONGKAI_FUZZ_SECS, default 10 s each;
# the first fuzz build takes about 5 minutes). A crash or a failed fuzz build fails the run. Only a
# machine where cargo-fuzz cannot be installed skips it, saying so; GONGKAI_FUZZ=0 skips it on
# purpose.
if [ "${GONGKAI_FUZZ:-1}" = "0" ]; then
  echo "test.sh: fuzz smoke test skipped (GONGKAI_FUZZ=0)" >&2
elif cargo fuzz --version >/dev/null 2>&1 || cargo install cargo-fuzz --locked; then
  scripts/fuzz-smoke.sh "${GONGKAI_FUZZ_SECS:-10}"
else
  echo "test.sh: cargo-fuzz could not be installed; fuzz smoke test skipped" >&2
fi
