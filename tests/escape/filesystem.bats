#!/usr/bin/env bats
# Escape classes through the filesystem view: bind sources and destinations under the attacker's
# control, `..`, the launcher's own binary, /proc/sys, device nodes, /sys, the profile directories
# and the host's home. Each runs as the test user and as root (command as 65534), under the
# default profile and the most permissive shipped configuration (tests/escape/escape.bash).

load ../lib/common
load escape

# ---- a bind source swapped for a symlink while sbx opens it ----
#
# The attacker is a sandboxed app (or a second instance) with write access to a granted directory
# BASE; the user's profile also binds BASE/src elsewhere. While sbx starts, BASE/src is swapped
# atomically (renameat2 RENAME_EXCHANGE, tests/helpers/escape-host.c) between the real directory
# and a symlink to a SECRET directory, many times. sbx opens each bind source once (O_PATH) and
# mounts that very inode (open_tree on the fd), so there is no window between a check and the
# mount; and a source inside a writable grant is resolved below that grant without following
# symlinks, so the swapped-in symlink makes the launch fail instead of mounting SECRET.

# bind_race WHO VARIANT KIND ROUNDS: KIND is root-only (SECRET is readable only by root) or
# outside-grants (SECRET belongs to the sandbox's own uid but lies outside every grant).
bind_race() {
	local who=$1 variant=$2 kind=$3 rounds=$4 base sp secret flog out rc i
	local legit=0 refused=0 denied=0 leaked=0 uid gid
	uid=$(variant_uid "$who") gid=$(variant_gid "$who")
	sandbox_owned_dir base "$who" race || return 1
	sp=$(mktemp -d /var/tmp/sbx-escape-secret.XXXXXX) && chmod 0755 "$sp" && cleanup_path "$sp"
	secret=$sp/secret
	mkdir "$secret" && echo "SECRET-$kind" >"$secret/marker"
	chmod 0700 "$secret" && chmod 0600 "$secret/marker"
	if [ "$kind" = outside-grants ] && [ "$(id -u)" -eq 0 ]; then
		chown -R "$uid:$gid" "$secret"
	elif [ "$kind" = root-only ] && [ "$(id -u)" -ne 0 ]; then
		secret=/root  # a plain user cannot make a root-only directory; /root is one
	fi
	mkdir "$base/src" && echo legit >"$base/src/marker"
	ln -s "$secret" "$base/swap"
	[ "$(id -u)" -ne 0 ] || chown -hR "$uid:$gid" "$base"
	flog=$(mktemp /var/tmp/sbx-escape-flip.XXXXXX) && cleanup_path "$flog"
	start_marked "$(unique flipper)" "$flog" run_as_sandbox_uid "$who" -- \
		"$HELPERS/escape-host" flip "$base/src" "$base/swap" 120 || return 1
	for ((i = 0; i < rounds; i++)); do
		out=$(escape_sbx "$who" "$variant" --bind "$base:/data" --ro-bind "$base/src:/src" \
			-- /bin/cat /src/marker 2>/dev/null)
		rc=$?
		if [ "$rc" -eq 0 ] && [ "$out" = legit ]; then
			legit=$((legit + 1))
		elif [ "$rc" -eq 0 ]; then
			leaked=$((leaked + 1))
			echo "    [$who $variant] round $i: the command read: $out" >&2
		elif [ "$rc" -eq 125 ]; then
			refused=$((refused + 1))
		else
			denied=$((denied + 1))
		fi
	done
	kill -KILL "$MARKED_PID" 2>/dev/null
	echo "    [$who $variant] $rounds launches: $legit saw the real directory, $refused were refused," \
		"$denied mounted something unreadable, $leaked read the secret" >&2
	if grep -q 'escape-host:' "$flog"; then
		show "flipper" "$(cat "$flog")"
		return 1
	fi
	if [ "$legit" -eq 0 ]; then
		echo "    [$who $variant] no launch mounted the real directory: the race was not exercised" >&2
		return 1
	fi
	[ "$leaked" -eq 0 ]
}

# Layer: the mount plan opens each source once and mounts from that fd; then plain permissions
# (the mount does not change who may read what).
@test "bind source swapped for a symlink during launch: a root-only directory it points to stays unreadable" {
	for_variants bind_race root-only 60
}

# Layer: the mount plan must not follow a symlink that an app could have planted in a granted
# directory (CVE-2024-42472 Flatpak persist dirs; bubblewrap's "Race condition binding dirfd").
# Expected: each launch mounts the real directory or refuses; never the symlink's target.
@test "bind source swapped for a symlink during launch: a directory outside the grants is never mounted" {
	for_variants bind_race outside-grants 60
}

# Layer: the same rule without a race. A symlink that an app planted earlier in its writable
# grant (Flatpak's persist dirs, CVE-2024-42472) is never followed by a grant below it, while
# real directories there and symlinks outside writable grants (dotfiles) still work.
planted_symlink_check() {
	local who=$1 variant=$2 base secret out rc bad=0
	sandbox_owned_dir base "$who" planted || return 1
	sandbox_owned_dir secret "$who" secret || return 1
	echo SECRET >"$secret/marker" && echo legit >"$base/marker"
	mkdir "$base/real" && echo real >"$base/real/marker"
	ln -s "$secret" "$base/planted"
	[ "$(id -u)" -ne 0 ] || chown -hR "$(variant_uid "$who"):$(variant_gid "$who")" "$base" "$secret"
	out=$(escape_sbx "$who" "$variant" --bind "$base:/data" --ro-bind "$base/planted:/src" \
		-- /bin/cat /src/marker 2>&1)
	rc=$?
	if [ "$rc" -ne 125 ] || [[ $out == *SECRET* ]] || [[ $out != *"symlink inside the writable grant $base"* ]]; then
		show "$who $variant" "$out"
		echo "    [$who $variant] planted symlink: exit status $rc, expected 125 and the reason" >&2
		bad=1
	fi
	out=$(escape_sbx "$who" "$variant" --bind "$base:/data" --ro-bind "$base/real:/src" \
		-- /bin/cat /src/marker 2>/dev/null)
	if [ "$out" != real ]; then
		show "$who $variant" "$out"
		echo "    [$who $variant] a real directory inside the writable grant was not mounted" >&2
		bad=1
	fi
	out=$(escape_sbx "$who" "$variant" --ro-bind "$base/planted:/src" -- /bin/cat /src/marker 2>/dev/null)
	if [ "$out" != SECRET ]; then
		show "$who $variant" "$out"
		echo "    [$who $variant] a symlink outside any writable grant was not followed" >&2
		bad=1
	fi
	return "$bad"
}

@test "a symlink planted in a writable grant is never followed by a bind source below it; real directories and other symlinks work" {
	for_variants planted_symlink_check
}

# Layer: the same rule by identity (hostpath_open). The bind source names the planted link through
# another path: a symlink to the writable grant (review of 54f5aa8: comparing path text missed it).
planted_via_alias_check() {
	local who=$1 variant=$2 top out rc bad=0
	sandbox_owned_dir top "$who" alias || return 1
	mkdir "$top/grant" "$top/secret" && echo SECRET >"$top/secret/marker"
	ln -s "$top/secret" "$top/grant/planted"
	ln -s grant "$top/alias"
	[ "$(id -u)" -ne 0 ] || chown -hR "$(variant_uid "$who"):$(variant_gid "$who")" "$top"
	out=$(escape_sbx "$who" "$variant" --bind "$top/grant:/data" --ro-bind "$top/alias/planted:/src" \
		-- /bin/cat /src/marker 2>&1)
	rc=$?
	if [ "$rc" -ne 125 ] || [[ $out == *SECRET* ]] || [[ $out != *"symlink inside the writable grant $top/grant"* ]]; then
		show "$who $variant" "$out"
		echo "    [$who $variant] planted symlink named through an alias: exit status $rc, expected 125 and the reason" >&2
		bad=1
	fi
	return "$bad"
}

@test "a symlink planted in a writable grant is not followed when the bind source names it through another symlink" {
	for_variants planted_via_alias_check
}

# ---- a bind destination whose parent is a symlink out of the root ----

# Layer: the mount plan resolves destinations below the new root with
# openat2(RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS) (bubblewrap CVE-2026-87766). PROJ is granted
# read-write at /w/proj and holds symlinks to a host directory, to /etc and a relative one.
dst_symlink_check() {
	local who=$1 variant=$2 proj hostdir out rc bad=0 args before
	sandbox_owned_dir proj "$who" proj || return 1
	sandbox_owned_dir hostdir "$who" hostdir || return 1
	ln -s "$hostdir" "$proj/link"
	ln -s /etc "$proj/etclink"
	ln -s "../../../../../../..$hostdir" "$proj/rellink"
	before=$(ls -A "$proj")
	local tag
	tag=$(unique dst)
	for args in "--tmpfs /w/proj/link/x" "--ro-bind /usr/share:/w/proj/link/y" \
		"--tmpfs /w/proj/etclink/$tag" "--tmpfs /w/proj/rellink/z" "--tmpfs /w/proj/link" \
		"--bind $hostdir:/w/proj/link/self"; do
		# shellcheck disable=SC2086 # ARGS is two words
		out=$(escape_sbx "$who" "$variant" --bind "$proj:/w/proj" $args -- /bin/true 2>&1)
		rc=$?
		if [ "$rc" -ne 125 ]; then
			show "$who $variant" "$out"
			echo "    [$who $variant] $args: exit status $rc, expected 125 (refused)" >&2
			bad=1
		fi
	done
	if [ -n "$(ls -A "$hostdir")" ] || [ -e "/etc/$tag" ] || [ "$(ls -A "$proj")" != "$before" ]; then
		echo "    [$who $variant] ESCAPED: created on the host: $(ls -A "$hostdir" "$proj" /etc/$tag 2>&1 | tr '\n' ' ')" >&2
		rm -rf "/etc/$tag"
		bad=1
	fi
	return "$bad"
}

@test "bind and tmpfs destinations below a symlink out of the root (to a host dir, /etc, relative) are refused and create nothing on the host" {
	for_variants dst_symlink_check
}

# Layer: the command line and profile parser reject '.' and '..' in destinations; the mount plan
# resolves below the new root anyway.
dotdot_check() {
	local who=$1 variant=$2 hostdir rel out rc bad=0 args
	sandbox_owned_dir hostdir "$who" dotdot || return 1
	rel=${hostdir#/}
	for args in "--tmpfs /../../../$rel/a" "--tmpfs /tmp/../../../$rel/b" \
		"--ro-bind /usr/share:/../$rel/c" "--bind $hostdir:/x/../../$rel/d" "--tmpfs /.." \
		"--tmpfs /tmp/./../$rel/e"; do
		# shellcheck disable=SC2086
		out=$(escape_sbx "$who" "$variant" $args -- /bin/true 2>&1)
		rc=$?
		if [ "$rc" -ne 125 ]; then
			show "$who $variant" "$out"
			echo "    [$who $variant] $args: exit status $rc, expected 125 (refused)" >&2
			bad=1
		fi
	done
	if [ -n "$(ls -A "$hostdir")" ]; then
		echo "    [$who $variant] ESCAPED: created on the host: $(ls -A "$hostdir" | tr '\n' ' ')" >&2
		bad=1
	fi
	return "$bad"
}

@test "'..' in bind and tmpfs destinations is refused and creates nothing on the host" {
	for_variants dotdot_check
}

# ---- the launcher's binary through /proc (CVE-2019-5736 runc, CVE-2019-12499 firejail) ----

# Layer: Landlock (the binary is outside every rule, /proc magic links included) and the kernel's
# ETXTBSY. As the user, sbx runs from a copy the user owns, outside every grant, so that file
# permissions alone would allow the write; afterwards the copy must be unchanged.
exe_check() {
	local who=$1 variant=$2 sbx=$SBX dir sum out rc bad=0
	if [ "$who" = user ]; then
		sandbox_owned_dir dir "user" exe || return 1
		sbx=$dir/sbx
		cp "$SBX" "$sbx"
		chmod 0755 "$sbx"
		[ "$(id -u)" -ne 0 ] || chown "$TEST_UID:$TEST_GID" "$sbx"
	fi
	sum=$(sha256sum <"$sbx")
	variant_args "$who" "$variant"
	out=$(run_as "$who" "$sbx" "${VARGS[@]}" -- /helpers/escape-probe exe 2>&1)
	rc=$?
	show "$who $variant" "$out"
	if [ "$rc" -ne 0 ] || ! grep -qx 'VERDICT BLOCKED' <<<"$out"; then
		echo "    [$who $variant] escape-probe exe: exit status $rc; expected VERDICT BLOCKED" >&2
		bad=1
	fi
	if [ "$(sha256sum <"$sbx")" != "$sum" ]; then
		echo "    [$who $variant] ESCAPED: $sbx was modified" >&2
		bad=1
	fi
	return "$bad"
}

@test "/proc/self/exe and /proc/1/exe (the sbx binary) cannot be opened for writing, even when the user owns the binary" {
	for_variants exe_check
}

# Layer: /proc/sys, /proc/sysrq-trigger, /proc/irq, /proc/bus are bound read-only over the fresh
# /proc; the files are also owned by an unmapped root.
@test "/proc/sys and /proc/sysrq-trigger cannot be opened for writing" {
	for_variants expect_blocked procsys
}

# Layer: /dev is a tmpfs holding only null zero full random urandom tty, devpts and shm; mknod
# needs CAP_MKNOD in the initial user namespace and tmpfs mounts are nodev.
@test "device nodes: no kmsg, mem, kvm or block device in /dev, and mknod fails" {
	for_variants expect_blocked devices
}

# Layer: the view has no /sys (it shows the host's hardware, kernel and cgroup tree).
@test "/sys is absent" {
	for_variants expect_blocked sys
}

# ---- the profile directories (firejail #7132/#7154: a sandbox wrote ~/.config/firejail) ----

# Layer: the mount plan makes $XDG_CONFIG_HOME/sbx read-only inside any writable grant that holds
# it, whatever path the grant is mounted at. The sandbox must not be able to put a profile or a
# .local override there, whether the directory exists on the host or not. CFG is a fresh
# XDG_CONFIG_HOME owned by the sandboxed command's uid (so file permissions alone would allow the
# write), granted three ways: at its own path, at another path, and through its parent. An empty
# mount point sbx itself creates on the host is reported, not failed; a file is an escape.
profile_dir_check() {
	local who=$1 variant=$2 state=$3 top cfg tag out rc bad=0 grant inside t
	# As root, sbx ignores the caller's XDG_CONFIG_HOME (profiles.bats checks it) and reads only
	# root-owned profile directories, which the command (nobody) cannot write: nothing to protect.
	[ "$who" = user ] || return 0
	sandbox_owned_dir top "$who" xdg || return 1
	cfg=$top/config
	mkdir "$cfg"
	[ "$state" = existing ] && mkdir -p "$cfg/sbx/profiles"
	[ "$(id -u)" -ne 0 ] || chown -R "$(variant_uid "$who"):$(variant_gid "$who")" "$cfg"
	for grant in "$cfg" "$cfg:/mnt/cfg" "$top:/mnt/parent"; do
		case $grant in
		*:/mnt/cfg) inside=/mnt/cfg ;;
		*:/mnt/parent) inside=/mnt/parent/config ;;
		*) inside=$cfg ;;
		esac
		tag=$(unique profile)
		local targets=("$inside/sbx/profiles/$tag.local" "$inside/sbx/profiles/$tag.profile"
			"$inside/sbx/$tag.profile" "$inside/sbx/profiles/default.local")
		variant_args "$who" "$variant"
		out=$(run_as "$who" env XDG_CONFIG_HOME="$cfg" "$SBX" "${VARGS[@]}" --bind "$grant" \
			-- /helpers/escape-probe create "${targets[@]}" 2>&1)
		rc=$?
		show "$who $variant, --bind $grant" "$out"
		if [ "$rc" -ne 0 ] || ! grep -qx 'VERDICT HOST-CHECK' <<<"$out"; then
			echo "    [$who $variant] --bind $grant: the probe did not run (exit status $rc)" >&2
			bad=1
		fi
		if [ -n "$(find "$cfg" -type f 2>/dev/null)" ]; then
			echo "    [$who $variant] --bind $grant: ESCAPED: written on the host: $(find "$cfg" -type f | tr '\n' ' ')" >&2
			find "$cfg" -type f -delete
			bad=1
		fi
		if [ "$state" = absent ] && [ -e "$cfg/sbx" ]; then
			echo "    [$who $variant] --bind $grant: note: sbx created the empty mount point $cfg/sbx on the host" >&2
			rm -rf "$cfg/sbx"
		fi
	done
	return "$bad"
}

@test "writing the profile directories: a writable grant of XDG_CONFIG_HOME (at its path, elsewhere, via its parent) cannot write sbx/profiles (existing)" {
	for_variants profile_dir_check existing
}

@test "writing the profile directories: a writable grant of XDG_CONFIG_HOME cannot create sbx/profiles (absent on the host)" {
	for_variants profile_dir_check absent
}

# Layer: the same protection by identity (mount.c plan_protected, recheck_protected). The profile
# directory is reached through a symlink to XDG_CONFIG_HOME, and in a stow-style layout where
# XDG_CONFIG_HOME/sbx is a symlink into a dotfiles directory that the grant names (review of
# 54f5aa8: both were writable when the check compared path text).
profile_dir_alias_check() {
	local who=$1 variant=$2 top cfg out rc bad=0 grant inside tag
	# As root, sbx ignores the caller's XDG_CONFIG_HOME (profiles.bats checks it) and reads only
	# root-owned profile directories, which the command (nobody) cannot write: nothing to protect.
	[ "$who" = user ] || return 0
	sandbox_owned_dir top "$who" xdgalias || return 1
	cfg=$top/config
	mkdir -p "$cfg/sbx/profiles" "$top/dotfiles/sbx/profiles" "$top/stowcfg"
	ln -s "$cfg" "$top/cfglink"
	ln -s "$top/dotfiles/sbx" "$top/stowcfg/sbx"
	[ "$(id -u)" -ne 0 ] || chown -hR "$(variant_uid "$who"):$(variant_gid "$who")" "$top"
	for grant in "$top/cfglink" "$top/cfglink:/mnt/cfg" "$top/dotfiles" "$top/dotfiles:/mnt/dot"; do
		local xdg=$cfg
		case $grant in
		*:/mnt/cfg) inside=/mnt/cfg ;;
		*:/mnt/dot) inside=/mnt/dot xdg=$top/stowcfg ;;
		*/dotfiles) inside=$top/dotfiles xdg=$top/stowcfg ;;
		*) inside=$top/cfglink ;;
		esac
		tag=$(unique profile)
		local targets=("$inside/sbx/profiles/$tag.local" "$inside/sbx/profiles/default.local"
			"$inside/sbx/$tag.profile")
		variant_args "$who" "$variant"
		out=$(run_as "$who" env XDG_CONFIG_HOME="$xdg" "$SBX" "${VARGS[@]}" --bind "$grant" \
			-- /helpers/escape-probe create "${targets[@]}" 2>&1)
		rc=$?
		show "$who $variant, --bind $grant" "$out"
		if [ "$rc" -ne 0 ] || ! grep -qx 'VERDICT HOST-CHECK' <<<"$out"; then
			echo "    [$who $variant] --bind $grant: the probe did not run (exit status $rc)" >&2
			bad=1
		fi
		if [ -n "$(find "$cfg" "$top/dotfiles" -type f 2>/dev/null)" ]; then
			echo "    [$who $variant] --bind $grant: ESCAPED: written on the host: $(find "$cfg" "$top/dotfiles" -type f | tr '\n' ' ')" >&2
			find "$cfg" "$top/dotfiles" -type f -delete
			bad=1
		fi
	done
	return "$bad"
}

@test "writing the profile directories: a grant that names them through a symlink, or a stow-style dotfiles directory they link to, cannot write them" {
	for_variants profile_dir_alias_check
}

# ---- the host's home and everything else outside the grants ----

# Layer: the view (home is an empty tmpfs, /tmp /var/tmp /dev/shm private, /etc /usr read-only,
# the root a read-only tmpfs) and Landlock. In the permissive variant started by the user, the
# home directory IS granted: the write must show up there, which proves the test sees writes.
host_write_check() {
	local who=$1 variant=$2 home tag p out rc bad=0 granted=""
	home=$(variant_home "$who")
	tag=$(unique write)
	local paths=("$home/$tag" "/tmp/$tag" "/var/tmp/$tag" "/dev/shm/$tag" "/etc/$tag" "/usr/$tag"
		"/$tag" "/run/$tag" "/var/$tag" "/home/$tag" "/opt/$tag" "/srv/$tag")
	for p in "${paths[@]}"; do cleanup_path "$p"; done
	[ "$variant" = permissive ] && [ "$who" = user ] && granted=$home/$tag
	out=$(escape_sbx "$who" "$variant" -- /helpers/escape-probe create "${paths[@]}" 2>&1)
	rc=$?
	show "$who $variant" "$out"
	if [ "$rc" -ne 0 ] || ! grep -qx 'VERDICT HOST-CHECK' <<<"$out"; then
		echo "    [$who $variant] the probe did not run (exit status $rc)" >&2
		return 1
	fi
	for p in "${paths[@]}"; do
		if [ "$p" = "$granted" ]; then
			[ -f "$p" ] || { echo "    [$who $variant] the granted home did not receive $p" >&2; bad=1; }
		elif [ -e "$p" ]; then
			echo "    [$who $variant] ESCAPED: $p was created on the host" >&2
			bad=1
		fi
	done
	return "$bad"
}

@test "writing the host: nothing outside the grants (home, /tmp, /var/tmp, /dev/shm, /etc, /usr, /, /run...) is written" {
	for_variants host_write_check
}

# ---- mask PATH ----
# Reaching a masked path by another name (a second grant of its parent, a grant of it elsewhere,
# symlinks), writing it, and taking the mask off (umount, mount --move, from a nested user
# namespace) are tested as user and root in tests/integration/mask.bats.
