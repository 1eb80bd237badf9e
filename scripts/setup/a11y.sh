#!/usr/bin/env bash
# Installs axe-core (the accessibility rules engine, WCAG 2.x AA) and Lighthouse from the npm
# registry into target/a11y/, for tests/readable_browser.rs (axe injected into every page type)
# and tests/lighthouse.rs (Lighthouse's accessibility category on the system Chromium).
# Lighthouse is pinned to 12.2.3: 13 needs Node 22 and Debian 12 ships Node 18/20.
# Idempotent: returns at once when both are there.
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=target/a11y
if [ -f "$dir/node_modules/axe-core/axe.min.js" ] && [ -f "$dir/node_modules/lighthouse/cli/index.js" ]; then
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq npm >/dev/null
fi
mkdir -p "$dir"
npm install --prefix "$dir" --no-audit --no-fund --no-save -E axe-core@4.14.1 lighthouse@12.2.3 >/dev/null
test -f "$dir/node_modules/axe-core/axe.min.js"
test -f "$dir/node_modules/lighthouse/cli/index.js"
echo "a11y: axe-core and lighthouse installed in $dir"
