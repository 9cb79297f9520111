#!/bin/sh
# Headless Chromium for the browser tests (pytest -m browser): Debian's package, never a
# downloaded browser. When /usr/bin/chromium is missing and apt-get is usable as root, installs
# chromium (and fonts-wqy-microhei, a small CJK font, so screenshots show Chinese, not boxes).
# Otherwise does nothing: the browser tests then skip. Always exits 0.
set -u
CHROMIUM=/usr/bin/chromium
FONT=/usr/share/fonts/truetype/wqy/wqy-microhei.ttc
[ -x "$CHROMIUM" ] && [ -e "$FONT" ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
	echo "ensure_chromium: $CHROMIUM or its CJK font missing and apt-get not usable as root; browser tests may skip"
	exit 0
fi
echo "ensure_chromium: installing Debian's chromium and fonts-wqy-microhei with apt-get"
export DEBIAN_FRONTEND=noninteractive
if ! { apt-get update -qq && apt-get install -y -qq chromium fonts-wqy-microhei; } >/dev/null; then
	echo "ensure_chromium: apt-get failed; browser tests will skip"
fi
exit 0
