#!/bin/sh
# LibreOffice for .doc/.wps/.rtf/.odt (extractors/office.py converts them to .docx with
# `soffice --headless`): Debian's libreoffice-writer-nogui, without recommends (≈ 150 MB).
# When soffice is missing and apt-get is usable as root, installs it; otherwise does nothing:
# those files are then `unsupported` with the install hint, and their tests skip. Always exits 0.
set -u
command -v soffice >/dev/null 2>&1 && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
	echo "ensure_libreoffice: soffice missing and apt-get not usable as root; .doc/.wps tests will skip"
	exit 0
fi
echo "ensure_libreoffice: installing Debian's libreoffice-writer-nogui with apt-get"
export DEBIAN_FRONTEND=noninteractive
if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends libreoffice-writer-nogui; } >/dev/null; then
	echo "ensure_libreoffice: apt-get failed; .doc/.wps tests will skip"
fi
exit 0
