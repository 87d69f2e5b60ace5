#!/bin/sh
# Install the named Debian packages that are missing, or say exactly which
# ones are missing when we cannot install them (not root, no apt-get).
missing=""
for p in "$@"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	if ! apt-get install -y -q $missing >/tmp/ckpt-apt.log 2>&1; then
		apt-get update -q >>/tmp/ckpt-apt.log 2>&1
		apt-get install -y -q $missing >>/tmp/ckpt-apt.log 2>&1 || {
			echo "error: apt-get could not install:$missing (see /tmp/ckpt-apt.log)" >&2
			exit 1
		}
	fi
	exit 0
fi
echo "error: missing Debian packages:$missing (run: apt-get install$missing)" >&2
exit 1
