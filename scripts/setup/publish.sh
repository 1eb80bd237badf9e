#!/usr/bin/env bash
# Servers for tests/publish.rs (issue 15), all started by the tests on 127.0.0.1 with ephemeral
# ports: OpenSSH's sshd (SFTP; Debian), and in a Python venv pyftpdlib (FTP), wsgidav + cheroot
# (WebDAV) and moto's server mode (S3). Idempotent and quick when already installed.
set -euo pipefail

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
if ! [ -x /usr/sbin/sshd ]; then
  echo "publish setup: installing openssh-server"
  $SUDO apt-get update -qq || true
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
    --no-install-recommends openssh-server >/dev/null
  # Only the binary is wanted: the tests run their own sshd with their own config and port.
  $SUDO systemctl disable --now ssh >/dev/null 2>&1 || true
fi

venv="${XDG_CACHE_HOME:-$HOME/.cache}/gongkai/publish-venv"
if ! [ -x "$venv/bin/moto_server" ] || ! [ -x "$venv/bin/wsgidav" ] \
  || ! "$venv/bin/python" -c "import pyftpdlib, cheroot" >/dev/null 2>&1; then
  echo "publish setup: installing pyftpdlib, wsgidav, cheroot, moto[server] into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check \
    "pyftpdlib>=1.5" "wsgidav>=4.3" "cheroot>=10" "moto[server]>=5"
fi
