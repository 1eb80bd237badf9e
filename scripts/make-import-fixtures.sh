#!/usr/bin/env bash
# Writes the Word fixtures of `gongkai import` (tests/fixtures/import/) with real writers:
# python-docx (PyPI) for a document typed in Word, LibreOffice headless (Debian) converting a
# flat .odt and an .html page to .docx, and the .odt to a Word 97 .doc. The password-protected
# .docx is the LibreOffice one encrypted by msoffcrypto-tool (PyPI; LibreOffice 7.4's
# --convert-to cannot set a password). The outputs are committed, so CI never runs this; run it
# again after editing a source in tests/fixtures/import/src/.
#   needs: apt-get install libreoffice-writer-nogui; pip install python-docx Pillow piexif msoffcrypto-tool
set -euo pipefail
cd "$(dirname "$0")/.."
dir=tests/fixtures/import
src=$dir/src
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

python3 "$src/make_docx.py" "$dir/财务公示-python-docx.docx" "$tmp/photo.jpg"

# A private profile so a running LibreOffice of the user is not disturbed.
lo() { soffice -env:UserInstallation="file://$tmp/profile" --headless "$@" >/dev/null 2>&1; }
lo --convert-to 'docx:MS Word 2007 XML' --outdir "$tmp" "$src/决议公开.fodt"
lo --convert-to 'docx:MS Word 2007 XML' --outdir "$tmp" "$src/招标结果公示.html"
lo --convert-to 'doc:MS Word 97' --outdir "$tmp" "$src/决议公开.fodt"
cp "$tmp/决议公开.docx" "$dir/决议公开-libreoffice.docx"
cp "$tmp/招标结果公示.docx" "$dir/招标结果公示-html.docx"
cp "$tmp/决议公开.doc" "$dir/决议公开-word97.doc"

python3 - "$tmp/决议公开.docx" "$dir/加密-密码1234.docx" <<'PY'
import sys
from msoffcrypto.format.ooxml import OOXMLFile
with open(sys.argv[1], "rb") as f, open(sys.argv[2], "wb") as out:
    OOXMLFile(f).encrypt("1234", out)
PY

# A download cut off half-way: the zip's central directory is missing.
head -c 20000 "$dir/财务公示-python-docx.docx" > "$dir/损坏-下载中断.docx"
ls -l "$dir"
