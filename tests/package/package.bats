#!/usr/bin/env bats
# The Debian package (issue 16), on this machine: `make check-deb` builds it (make deb) and runs this
# file as root with SBX_DEB_DIR set. It installs the package into the real /usr and /etc, so the
# whole file holds a lock (concurrent runs wait) and purges the package at the end; dpkg's own lock
# is waited for (other work may be installing packages). Other sessions use their own build/sbx,
# never /usr/bin/sbx.

bats_require_minimum_version 1.5.0

APT=(apt-get -o DPkg::Lock::Timeout=600 -y -qq --no-install-recommends)
TEST_APP=sbx-deb-trigger-test

setup_file() {
	[ "$(id -u)" -eq 0 ] || { echo "package.bats: run as root (make check-deb)" >&2; return 1; }
	DEB=$(ls "$SBX_DEB_DIR"/sbx_*.deb | head -n 1)
	[ -f "$DEB" ] || { echo "package.bats: no sbx_*.deb in $SBX_DEB_DIR (make deb)" >&2; return 1; }
	if dpkg-query -W -f='${Status}' sbx 2>/dev/null | grep -q 'ok installed'; then
		echo "package.bats: sbx is already installed here; not touching it" >&2
		return 1
	fi
	export DEB
	WORK=$(mktemp -d /tmp/sbx-pkg.XXXXXX)
	chmod 0755 "$WORK"
	export WORK
	exec 7>/run/sbx-check-deb.lock
	flock 7
	# /usr/local/share/applications is where `sbx desktop enable --system` writes (the trigger test
	# makes it); the test removes it again when it was not there.
	[ -d /usr/local/share/applications ] && touch "$WORK/had-local-apps"
	# What exists before: every path named like sbx in the places a package touches.
	snapshot >"$WORK/before"
}

teardown_file() {
	"${APT[@]}" purge sbx "$TEST_APP" >/dev/null 2>&1 || true
	rm -f /usr/local/share/applications/$TEST_APP.desktop
	restore_local_apps
	rm -rf "$WORK"
}

snapshot() {
	find /usr /etc /var/lib/dpkg/info /var/lib/dpkg/triggers /usr/local -xdev \
		\( -name '*sbx*' -o -name "$TEST_APP*" \) 2>/dev/null | sort
	find /usr/local/share/applications 2>/dev/null | sort
}

# Removes /usr/local/share/applications when the test made it. desktop-file-utils' own trigger
# (fired by the test's package) writes an empty mimeinfo.cache into every applications directory.
restore_local_apps() {
	[ ! -e "$WORK/had-local-apps" ] || return 0
	rm -f /usr/local/share/applications/mimeinfo.cache
	rmdir /usr/local/share/applications 2>/dev/null || true
}

# dummy_deb VERSION NAME: a package holding /usr/share/applications/$TEST_APP.desktop (Name=NAME).
dummy_deb() {
	local d=$WORK/dummy-$1
	mkdir -p "$d/DEBIAN" "$d/usr/share/applications"
	printf 'Package: %s\nVersion: %s\nArchitecture: all\nMaintainer: sbx tests <root@localhost>\nDescription: sbx package test: a desktop file\n' \
		"$TEST_APP" "$1" >"$d/DEBIAN/control"
	printf '[Desktop Entry]\nType=Application\nName=%s\nExec=/usr/bin/curl %%u\n' "$2" \
		>"$d/usr/share/applications/$TEST_APP.desktop"
	dpkg-deb --root-owner-group -b "$d" "$WORK/$TEST_APP-$1.deb" >/dev/null
	printf '%s\n' "$WORK/$TEST_APP-$1.deb"
}

@test "package: no setuid or setgid bit anywhere in the .deb" {
	run dpkg-deb -c "$DEB"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -gt 60 ]
	# The mode column: an s/S in the user or group execute position is setuid/setgid.
	run awk '$1 ~ /^...[sS]/ || $1 ~ /^......[sS]/' <<<"$output"
	[ -z "$output" ]
	rm -rf "$WORK/x" && dpkg-deb -x "$DEB" "$WORK/x"
	run find "$WORK/x" -perm /6000
	[ -z "$output" ]
}

@test "package: the launcher links the helper libraries dynamically; what the .deb holds" {
	rm -rf "$WORK/x" && dpkg-deb -x "$DEB" "$WORK/x"
	run ldd "$WORK/x/usr/bin/sbx"
	echo "$output"
	for lib in libseccomp libcap libbpf libapparmor libxcb; do
		grep -q "$lib\.so" <<<"$output"
	done
	run dpkg-deb -f "$DEB" Depends Recommends
	echo "$output"
	grep -q 'libseccomp2' <<<"$output"
	grep -q '^Recommends: xdg-dbus-proxy$' <<<"$output"
	for f in usr/share/sbx/profiles/curl.profile usr/share/man/man1/sbx.1.gz usr/share/man/man5/sbx-profile.5.gz \
		usr/share/bash-completion/completions/sbx usr/share/zsh/site-functions/_sbx \
		usr/share/fish/vendor_completions.d/sbx.fish usr/share/apparmor/extra-profiles/sbx; do
		[ -f "$WORK/x/$f" ] || { echo "missing: $f"; false; }
	done
	[ -d "$WORK/x/etc/sbx/profiles" ]
	run dpkg-deb -I "$DEB" triggers
	[ "$output" = "interest-noawait /usr/share/applications" ] || grep -qx 'interest-noawait /usr/share/applications' <<<"$output"
}

@test "package: install, sbx works from /usr/bin, debian/tests/smoke passes" {
	"${APT[@]}" install "$DEB"
	[ "$(dpkg-query -W -f='${Status} ${Version}' sbx)" = "install ok installed $(dpkg-deb -f "$DEB" Version)" ]
	[ "$(command -v sbx)" = /usr/bin/sbx ]
	run /usr/bin/sbx profile which curl
	echo "$output"
	grep -q '/usr/share/sbx/profiles/curl.profile' <<<"$output"
	# The postinst wrote the names index of the shipped profiles, which the lookup then reads.
	[ "$(stat -c '%U %a' /usr/share/sbx/profiles/.names-index)" = "root 644" ]
	run strace -e trace=openat -o "$WORK/which.trace" /usr/bin/sbx profile which zcat
	[ "$output" = "zcat: /usr/share/sbx/profiles/gzip.profile (via 'names' in /usr/share/sbx/profiles/gzip.profile)" ]
	grep -q '/usr/share/sbx/profiles/.names-index' "$WORK/which.trace"
	[ "$(grep -cE 'openat\([^)]*\.profile"' "$WORK/which.trace" || true)" -eq 0 ]
	run bash debian/tests/smoke
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "package: the autopkgtest integration script runs a bats file against /usr/bin/sbx" {
	# A clean environment: this bats run's own variables would mislead the inner bats.
	run env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
		SBX_TEST_USER_NAME=sbx-t-pkg SBX_TEST_STATE_DIR=/run/sbx-harness-pkg \
		SBX_BATS_FILES=tests/integration/completions.bats sh debian/tests/integration
	echo "$output"
	[ "$status" -eq 0 ]
	grep -q 'sbx copied to' <<<"$output"
	grep -qE '^[0-9]+ passed, 0 failed' <<<"$output"
}

@test "package: the dpkg trigger rewrites and removes the desktop copies sbx manages" {
	local copy=/usr/local/share/applications/$TEST_APP.desktop
	[ ! -e "$copy" ]
	"${APT[@]}" install "$(dummy_deb 1 'Deb Test One')"
	run sbx desktop enable --system "$TEST_APP"
	echo "$output"
	[ "$status" -eq 0 ]
	grep -qx 'Name=Deb Test One' "$copy"
	grep -q '^Exec=/usr/bin/sbx .*/usr/bin/curl %u' "$copy"
	# A new version of the app changes its desktop file: the trigger brings the copy in step.
	run "${APT[@]}" install "$(dummy_deb 2 'Deb Test Two')"
	echo "$output"
	grep -qx 'Name=Deb Test Two' "$copy"
	# The app goes: the trigger removes its copy.
	"${APT[@]}" purge "$TEST_APP"
	[ ! -e "$copy" ]
	restore_local_apps
}

@test "package: upgrade to a newer version and reinstall keep sbx working" {
	rm -rf "$WORK/r" && dpkg-deb -R "$DEB" "$WORK/r"
	local v
	v=$(dpkg-deb -f "$DEB" Version)+test1
	sed -i "s/^Version: .*/Version: $v/" "$WORK/r/DEBIAN/control"
	dpkg-deb --root-owner-group -b "$WORK/r" "$WORK/sbx-newer.deb" >/dev/null
	"${APT[@]}" install "$WORK/sbx-newer.deb"
	[ "$(dpkg-query -W -f='${Version}' sbx)" = "$v" ]
	"${APT[@]}" install --reinstall "$WORK/sbx-newer.deb"
	[ "$(/usr/bin/sbx --quiet -- /bin/echo up)" = up ]
	run dpkg --verify sbx
	[ -z "$output" ]
}

@test "package: purge leaves nothing behind" {
	rm -rf "$WORK/x" && dpkg-deb -x "$DEB" "$WORK/x"
	"${APT[@]}" purge sbx
	run dpkg-query -W -f='${Status}' sbx
	[[ $output != *installed* ]]
	snapshot >"$WORK/after"
	run diff "$WORK/before" "$WORK/after"
	echo "$output"
	[ "$status" -eq 0 ]
	# Every file the package held is gone (directories other packages share may stay).
	local f
	while IFS= read -r f; do
		[ ! -e "/$f" ] || { echo "left: /$f"; false; }
	done < <(cd "$WORK/x" && find . -type f -printf '%P\n')
}
