#!/usr/bin/env bash
# Installs axe-core (the accessibility rules engine, WCAG 2.x AA) from the npm registry into
# target/a11y/, for tests/readable_browser.rs, which injects it into every page type in the
# system Chromium. Idempotent: returns at once when it is already there.
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=target/a11y
if [ -f "$dir/node_modules/axe-core/axe.min.js" ]; then
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq npm >/dev/null
fi
mkdir -p "$dir"
npm install --prefix "$dir" --no-audit --no-fund --no-save -E axe-core@4.14.1 >/dev/null
test -f "$dir/node_modules/axe-core/axe.min.js"
echo "a11y: axe-core installed in $dir"
