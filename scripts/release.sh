#!/usr/bin/env bash
# Builds the downloads on this Linux machine (Debian/Ubuntu):
#   dist/gongkai-VERSION-windows-x64.zip    gongkai.exe + 使用说明.html (cross-compiled with mingw-w64)
#   dist/gongkai-VERSION-linux-x64.tar.gz   gongkai + 使用说明.html
# Nothing in them needs installing: the exe uses only DLLs that ship with Windows 10 and later.
# Archives are reproducible: fixed timestamps and owners, files in a fixed order.
set -euo pipefail
cd "$(dirname "$0")/.."

version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n1)
win=x86_64-pc-windows-gnu

rustup target list --installed | grep -qx "$win" || rustup target add "$win"
if ! command -v x86_64-w64-mingw32-gcc >/dev/null; then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq gcc-mingw-w64-x86-64 >/dev/null
fi

export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc
cargo build --locked --release --bin gongkai --target "$win"
# Host build in target/release: the same one `cargo install --locked --path .` reuses.
cargo build --locked --release --bin gongkai

# Stripped copies: a quarter smaller, nothing a clerk needs is lost.
stage=target/dist-stage
rm -rf "$stage" && mkdir -p "$stage"
x86_64-w64-mingw32-strip -o "$stage/gongkai.exe" "target/$win/release/gongkai.exe"
strip -o "$stage/gongkai" target/release/gongkai

mkdir -p dist
python3 - "$version" "$stage" <<'PY'
import gzip, sys, tarfile, zipfile
version, stage = sys.argv[1:]
top = f"gongkai-{version}"
guide = "packaging/使用说明.html"
stamp = (2026, 1, 1, 0, 0, 0)

def add_zip(z, path, name, mode):
    info = zipfile.ZipInfo(f"{top}/{name}", stamp)
    info.external_attr = mode << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    with open(path, "rb") as f:
        z.writestr(info, f.read())

out = f"dist/gongkai-{version}-windows-x64.zip"
with zipfile.ZipFile(out, "w") as z:  # names are UTF-8 flagged: Explorer shows 使用说明 right
    add_zip(z, f"{stage}/gongkai.exe", "gongkai.exe", 0o100755)
    add_zip(z, guide, "使用说明.html", 0o100644)
print(out)

out = f"dist/gongkai-{version}-linux-x64.tar.gz"
with gzip.GzipFile(out, "wb", mtime=0) as gz, tarfile.open(fileobj=gz, mode="w", format=tarfile.PAX_FORMAT) as t:
    for path, name, mode in [(f"{stage}/gongkai", "gongkai", 0o755),
                             (guide, "使用说明.html", 0o644)]:
        info = t.gettarinfo(path, f"{top}/{name}")
        info.mtime, info.mode, info.uid, info.gid, info.uname, info.gname = 1767225600, mode, 0, 0, "", ""
        with open(path, "rb") as f:
            t.addfile(info, f)
print(out)
PY
ls -l dist/gongkai-"$version"-*
