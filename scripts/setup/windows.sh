#!/usr/bin/env bash
# Installs what the Windows test (tests/windows.rs) needs on a Debian/Ubuntu machine: the Rust
# standard library for x86_64-pc-windows-gnu, the mingw-w64 linker, and Wine to run the exe.
# Idempotent and quick when everything is already there. A failure here is reported, and the
# Windows test then fails saying what is missing (it is never skipped).
set -uo pipefail

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"

if ! rustup target list --installed 2>/dev/null | grep -qx x86_64-pc-windows-gnu; then
  echo "setup/windows: rustup target add x86_64-pc-windows-gnu"
  rustup target add x86_64-pc-windows-gnu || echo "setup/windows: could not install the Windows standard library" >&2
fi

need=()
command -v x86_64-w64-mingw32-gcc >/dev/null 2>&1 || need+=(gcc-mingw-w64-x86-64)
command -v wine >/dev/null 2>&1 || need+=(wine wine64)
if [ ${#need[@]} -gt 0 ]; then
  echo "setup/windows: installing ${need[*]}"
  if ! DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
      --no-install-recommends "${need[@]}" >/dev/null; then
    $SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
      --no-install-recommends "${need[@]}" >/dev/null \
      || echo "setup/windows: could not install ${need[*]}" >&2
  fi
fi
exit 0
