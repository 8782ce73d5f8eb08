#!/usr/bin/env bats
# The core launcher (issue 2), probed from inside the real sandbox and checked from the host, for
# a sandbox started by the unprivileged test user and by root (which runs COMMAND as 65534:65534).
# Most checks are a function `check_NAME WHO` with one @test per WHO, so a failure names the mode.
# Where a denial could also come from the host itself, a control shows the host allowing it.

load ../lib/common
bats_require_minimum_version 1.5.0

# Top-level entries a default sandbox has besides the merged-usr links and $HOME's first component.
SKELETON="dev etc proc run tmp usr var"
# /dev of a default sandbox, exactly (stdout is not a terminal in these tests, so no console).
# Without a terminal on a std fd: no /dev/tty (tests/escape/terminal.bats checks it with one).
DEV_ENTRIES="fd full null ptmx pts random shm stderr stdin stdout urandom zero"
# Variables that change how programs load; sbx must drop them from the caller's environment.
LOADER_VARS="LD_PRELOAD LD_LIBRARY_PATH LD_AUDIT PYTHONPATH GIO_EXTRA_MODULES GST_PLUGIN_PATH VK_ICD_FILENAMES"

# ---- helpers ----

# sbx as WHO (root|user). --quiet: sbx's notes on stderr (such as "no profile for 'sh'; using the
# default profile") would otherwise mix into the output these tests compare; errors still print.
sbx_as() {
	local who=$1
	shift
	case $who in
	root) sbx_root --quiet "$@" ;;
	user) sbx_user --quiet "$@" ;;
	*) echo "sbx_as: root or user, not '$who'" >&2; return 125 ;;
	esac
}

# sbx as WHO (root|user) with the probes bound read-only at /helpers.
psbx() {
	local who=$1
	shift
	sbx_as "$who" --ro-bind "$HELPERS:/helpers" "$@"
}

# The uid/gid COMMAND has inside (and on the host) when sbx is started by WHO.
gid_in() { if [ "$1" = root ]; then echo 65534; else echo "$TEST_GID"; fi; }
# $HOME of the caller (as as_root/as_user set it).

# runs CMD on the host as WHO, with the same clean environment sbx gets.
host_as() {
	local who=$1
	shift
	if [ "$who" = root ]; then as_root "$@"; else as_user "$@"; fi
}

# CWD=DIR for the next host_as/sbx_as of WHO.
set_cwd() {
	if [ "$1" = root ]; then export AS_ROOT_CWD=$2; else export AS_USER_CWD=$2; fi
}

# A directory the sandboxed COMMAND of WHO may write: owned by its uid on the host.
writable_dir() {
	local _v=$1 who=$2
	user_tmpdir "$_v" sbx-core
	chown "$(uid_in "$who"):$(gid_in "$who")" "${!_v}"
}

# A fresh string for marking processes and files of this test.
marker() { echo "sbxcore$$x$RANDOM$RANDOM"; }

# Succeeds when no process has MARKER in its command line. The pattern "[s]bxcore..." matches the
# marker but not itself, so a shell running this check is not found.
no_marker_procs() { ! pgrep -f "[${1:0:1}]${1:1}" >/dev/null; }

# The regexp pgrep -f needs to find the sandboxed `probe-core sleep N MARKER` (not sbx itself,
# whose command line contains the same words after its options).
inner_re() { echo "^/helpers/probe-core sleep [0-9]+ $1\$"; }

# Prints $output and fails unless it has the line LINE.
has_line() {
	if ! grep -qxF -- "$1" <<<"$output"; then
		echo "missing line: $1" >&2
		return 1
	fi
}

# Prints and fails if $output has the line LINE.
lacks_line() {
	if grep -qxF -- "$1" <<<"$output"; then
		echo "unexpected line: $1" >&2
		return 1
	fi
}

setup() {
	unset AS_USER_CWD AS_ROOT_CWD
	[ -x "$HELPERS/probe-core" ] || {
		echo "$HELPERS/probe-core is missing (make build/helpers/probe-core)" >&2
		return 1
	}
}

teardown() {
	unset AS_USER_CWD AS_ROOT_CWD
	sbx_cleanup
	# Sandboxed processes a failed test left behind (markers of this test process), by pid.
	local left
	left=$(pgrep -f "[s]bxcore$$x") && kill -KILL $left 2>/dev/null
	true
}

# ---- identity ----

check_identity() {
	local who=$1 u g
	u=$(uid_in "$who")
	g=$(gid_in "$who")
	run sbx_as "$who" -- sh -c 'echo "uid=$(id -u) gid=$(id -g) groups=$(id -G)"
		echo "uid_map=$(awk "{print \$1, \$2, \$3}" /proc/self/uid_map | xargs)"
		echo "gid_map=$(awk "{print \$1, \$2, \$3}" /proc/self/gid_map | xargs)"
		echo "setgroups=$(cat /proc/self/setgroups)"'
	echo "$output"
	[ "$status" -eq 0 ]
	has_line "uid=$u gid=$g groups=$g"
	# Mapped to itself: the same number inside and on the host, and nothing else mapped.
	has_line "uid_map=$u $u 1"
	has_line "gid_map=$g $g 1"
	has_line "setgroups=deny"
}
@test "core[user]: uid and gid map to themselves, only they are mapped, setgroups is denied" { check_identity user; }
@test "core[root]: root runs COMMAND as 65534:65534, mapped to itself, setgroups is denied" { needs_root; check_identity root; }

check_caps() {
	local who=$1
	# Control: the caller's bounding set is not empty (so an empty one inside is sbx's doing).
	run host_as "$who" grep '^CapBnd:' /proc/self/status
	echo "host: $output"
	[ "$output" != "$(printf 'CapBnd:\t0000000000000000')" ]
	run sbx_as "$who" -- grep -E '^(Cap(Inh|Prm|Eff|Bnd|Amb)|NoNewPrivs):' /proc/self/status
	echo "$output"
	[ "$status" -eq 0 ]
	local set
	for set in CapInh CapPrm CapEff CapBnd CapAmb; do
		has_line "$(printf '%s:\t0000000000000000' "$set")"
	done
	has_line "$(printf 'NoNewPrivs:\t1')"
}
@test "core[user]: every capability set is empty and no_new_privs is set" { check_caps user; }
@test "core[root]: every capability set is empty and no_new_privs is set" { needs_root; check_caps root; }

check_host_view() {
	local who=$1 m pid hostuser hostns
	m=$(marker)
	spawn_sbx pid "$BATS_TEST_TMPDIR/out" "$who" --quiet --ro-bind "$HELPERS:/helpers" -- /helpers/probe-core sleep 30 "$m"
	wait_until 10 pgrep -f "$(inner_re "$m")" >/dev/null || {
		cat "$BATS_TEST_TMPDIR/out"
		false
	}
	local inner
	inner=$(pgrep -f "$(inner_re "$m")")
	echo "sbx pid $pid, sandboxed pid $inner"
	# From the host: the sandboxed process runs as the unprivileged identity, holds no capability,
	# and lives in another user namespace.
	run ps -o uid=,gid= -p "$inner"
	echo "ps: $output"
	[ "$(echo $output)" = "$(uid_in "$who") $(gid_in "$who")" ]
	run grep -E '^Cap(Prm|Eff|Bnd|Amb):' "/proc/$inner/status"
	echo "$output"
	[ "$(grep -c ':	0000000000000000$' <<<"$output")" -eq 4 ]
	[ "$(readlink "/proc/$inner/ns/user")" != "$(readlink /proc/self/ns/user)" ]
	kill -KILL "$pid"
}
@test "core[user]: seen from the host, COMMAND runs as the user, without capabilities, in its own user ns" { check_host_view user; }
@test "core[root]: started by root, COMMAND runs on the host as 65534 without any capability" { needs_root; check_host_view root; }

# ---- namespaces ----

check_namespaces() {
	local who=$1 ns out host inside
	local script='for ns in user mnt pid ipc uts net cgroup; do echo "$ns $(readlink /proc/self/ns/$ns)"; done'
	host=$(host_as "$who" sh -c "$script")
	run sbx_as "$who" -- sh -c "$script"
	echo "host:"$'\n'"$host"$'\n'"inside:"$'\n'"$output"
	[ "$status" -eq 0 ]
	for ns in user mnt pid ipc uts net cgroup; do
		inside=$(awk -v n="$ns" '$1 == n { print $2 }' <<<"$output")
		out=$(awk -v n="$ns" '$1 == n { print $2 }' <<<"$host")
		[ -n "$inside" ] && [ -n "$out" ]
		[ "$inside" != "$out" ] || {
			echo "$ns namespace is the host's" >&2
			return 1
		}
	done
	# --net host shares the network namespace only.
	run sbx_as "$who" --net host -- sh -c "$script"
	echo "--net host:"$'\n'"$output"
	[ "$status" -eq 0 ]
	[ "$(awk '$1 == "net" { print $2 }' <<<"$output")" = "$(awk '$1 == "net" { print $2 }' <<<"$host")" ]
	[ "$(awk '$1 == "user" { print $2 }' <<<"$output")" != "$(awk '$1 == "user" { print $2 }' <<<"$host")" ]
}
@test "core[user]: user mnt pid ipc uts net cgroup namespaces are new; --net host shares only net" { check_namespaces user; }
@test "core[root]: user mnt pid ipc uts net cgroup namespaces are new; --net host shares only net" { needs_root; check_namespaces root; }

check_hostname() {
	local who=$1
	run sbx_as "$who" -- cat /proc/sys/kernel/hostname
	echo "inside: $output, host: $(cat /proc/sys/kernel/hostname)"
	[ "$status" -eq 0 ]
	[ -n "$output" ]
	[ "$output" != "$(cat /proc/sys/kernel/hostname)" ]
	run sbx_as "$who" --hostname sbx-core-box -- sh -c 'cat /proc/sys/kernel/hostname; uname -n'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "sbx-core-box"$'\n'"sbx-core-box" ]
}
@test "core[user]: the hostname is not the host's; --hostname sets it" { check_hostname user; }
@test "core[root]: the hostname is not the host's; --hostname sets it" { needs_root; check_hostname root; }

check_pids() {
	local who=$1
	# ls writes to a file, so the only processes are init, the shell and ls (a pipeline would add more).
	run sbx_as "$who" -- sh -c 'echo "self=$$"; ls /proc >/tmp/ls; grep -E "^[0-9]+$" /tmp/ls | sort -n | xargs echo "pids="'
	echo "$output"
	[ "$status" -eq 0 ]
	has_line "self=2"
	# pid 1 (the init), the shell (2) and ls (3): nothing of the host's.
	has_line "pids= 1 2 3"
}
@test "core[user]: /proc shows only the sandbox's processes: init is 1, COMMAND is 2" { check_pids user; }
@test "core[root]: /proc shows only the sandbox's processes: init is 1, COMMAND is 2" { needs_root; check_pids root; }

# ---- the view ----

# The merged-usr links and $HOME's top directory a sandbox of WHO should have at /.
expected_root() {
	local who=$1 d
	{
		for d in bin sbin lib lib32 lib64 libx32; do
			[ -e "/$d" ] && echo "$d"
		done
		printf '%s\n' $SKELETON
		home_of "$who" | cut -d/ -f2
	} | LC_ALL=C sort -u | xargs
}

check_root_listing() {
	local who=$1 d
	run sbx_as "$who" -- sh -c 'LC_ALL=C ls -A / | xargs; for d in bin sbin lib lib32 lib64 libx32; do
		if [ -L /$d ]; then echo "$d -> $(readlink /$d)"; elif [ -d /$d ]; then echo "$d dir"; fi; done'
	echo "$output"
	[ "$status" -eq 0 ]
	assert_eq "${lines[0]}" "$(expected_root "$who")"
	# The links are what the host has: a symlink into usr where the host's is one, else a directory.
	for d in bin sbin lib lib32 lib64 libx32; do
		if [ -L "/$d" ]; then
			has_line "$d -> $(readlink "/$d")"
		elif [ -d "/$d" ]; then
			has_line "$d dir"
		fi
	done
}
@test "core[user]: / holds exactly the skeleton (usr, links, etc, tmp, var, proc, dev, run, home)" { check_root_listing user; }
@test "core[root]: / holds exactly the skeleton (usr, links, etc, tmp, var, proc, dev, run, root's home)" { needs_root; check_root_listing root; }

check_dev() {
	local who=$1
	run sbx_as "$who" -- sh -c 'LC_ALL=C ls -A /dev | xargs; ls -A /dev/shm | wc -l
		readlink /dev/ptmx /dev/fd /dev/stdin /dev/stdout /dev/stderr | xargs
		test -e /sys && echo "sys present" || echo "no sys"
		for d in /dev/sda /dev/vda /dev/mem /dev/kmsg /dev/input /dev/console; do test -e $d && echo "present $d"; done; true' </dev/null
	echo "$output"
	[ "$status" -eq 0 ]
	assert_eq "${lines[0]}" "$DEV_ENTRIES"
	assert_eq "${lines[1]}" 0
	assert_eq "${lines[2]}" "pts/ptmx /proc/self/fd /proc/self/fd/0 /proc/self/fd/1 /proc/self/fd/2"
	has_line "no sys"
	[[ "$output" != *present* ]]
	# The devices work.
	run sbx_as "$who" -- sh -c 'head -c 16 /dev/urandom | wc -c; head -c 4 /dev/zero | od -An -tx1 | xargs; echo x > /dev/null && echo null-ok'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "16"$'\n'"00 00 00 00"$'\n'"null-ok" ]
}
@test "core[user]: /dev is minimal (null zero full random urandom ptmx pts shm fd std*); no /sys" { check_dev user; }
@test "core[root]: /dev is minimal (null zero full random urandom ptmx pts shm fd std*); no /sys" { needs_root; check_dev root; }

check_home() {
	local who=$1 u g home m
	u=$(uid_in "$who")
	g=$(gid_in "$who")
	home=$(home_of "$who")
	m=$(marker)
	make_user_file "$home/$m" "host secret"
	run sbx_as "$who" -- sh -c 'echo "HOME=$HOME"; stat -c "%u:%g %a" "$HOME"; ls -A "$HOME" | wc -l
		cat "$HOME/'"$m"'" 2>&1 || echo "not visible"
		awk -v h="$HOME" '\''$5 == h { print $5, $(NF-2) }'\'' /proc/self/mountinfo
		d=/run/user/$(id -u); stat -c "%n %u:%g %a" "$d"; awk -v h="$d" '\''$5 == h { print $5, $(NF-2) }'\'' /proc/self/mountinfo
		echo "XDG_RUNTIME_DIR=$XDG_RUNTIME_DIR"'
	echo "$output"
	[ "$status" -eq 0 ]
	has_line "HOME=$home"
	has_line "$u:$g 700"
	has_line "0"
	has_line "not visible"
	has_line "$home tmpfs"
	has_line "/run/user/$u $u:$g 700"
	has_line "/run/user/$u tmpfs"
	[ -f "$home/$m" ]
}
@test "core[user]: \$HOME is an empty private tmpfs (the host home's files are invisible); /run/user/UID too" { check_home user; }
@test "core[root]: \$HOME (/root) is an empty private tmpfs; /run/user/65534 too" { needs_root; check_home root; }

check_readonly() {
	local who=$1
	run psbx "$who" -- /helpers/probe-core create /usr/sbx-core /usr/bin/sbx-core /etc/sbx-core /sbx-core /bin/sbx-core
	echo "$output"
	[ "$status" -eq 0 ]
	has_line "/usr/sbx-core EROFS"
	has_line "/usr/bin/sbx-core EROFS"
	has_line "/etc/sbx-core EROFS"
	has_line "/sbx-core EROFS"
	has_line "/bin/sbx-core EROFS"
	run psbx "$who" -- /helpers/probe-core mkdir /usr/sbx-core /etc/sbx-core /sbx-core
	echo "$output"
	has_line "/usr/sbx-core EROFS"
	has_line "/etc/sbx-core EROFS"
	has_line "/sbx-core EROFS"
	[ ! -e /usr/sbx-core ] && [ ! -e /etc/sbx-core ] && [ ! -e /sbx-core ]
}
@test "core[user]: /usr, /etc and / are read-only (EROFS)" { check_readonly user; }
@test "core[root]: /usr, /etc and / are read-only (EROFS)" { needs_root; check_readonly root; }

check_private_tmp() {
	local who=$1 m
	m=$(marker)
	cleanup_path "/tmp/$m" "/var/tmp/$m" "/dev/shm/$m"
	run --separate-stderr sbx_as "$who" -- sh -c "echo inside > /tmp/$m && echo inside > /var/tmp/$m && echo inside > /dev/shm/$m && cat /tmp/$m /var/tmp/$m /dev/shm/$m && ls -A /tmp | wc -l"
	echo "$output"$'\n'"$stderr"
	[ "$status" -eq 0 ]
	[ "$output" = "inside"$'\n'"inside"$'\n'"inside"$'\n'"1" ]
	# What was written there is gone, and sbx says so (tests/integration/discard.bats).
	grep -qxF "  /tmp/$m  7 B" <<<"$stderr" && grep -qxF "  /var/tmp/$m  7 B" <<<"$stderr"
	[ ! -e "/tmp/$m" ] && [ ! -e "/var/tmp/$m" ] && [ ! -e "/dev/shm/$m" ]
	# And the host's /tmp is not visible inside: the fixture directory lives there.
	run sbx_as "$who" -- sh -c "test -e '$SBX_FIXTURE_DIR' && echo visible || echo hidden"
	[ "$output" = hidden ]
}
@test "core[user]: /tmp, /var/tmp and /dev/shm are private and writable" { check_private_tmp user; }
@test "core[root]: /tmp, /var/tmp and /dev/shm are private and writable" { needs_root; check_private_tmp root; }

check_proc() {
	local who=$1
	run psbx "$who" -- /helpers/probe-core write /proc/sys/kernel/hostname x
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" != "/proc/sys/kernel/hostname OK" ]
	run psbx "$who" -- /helpers/probe-core write /proc/sys/user/max_user_namespaces 1000
	echo "$output"
	[ "$output" != "/proc/sys/user/max_user_namespaces OK" ]
	run psbx "$who" -- /helpers/probe-core write /proc/sysrq-trigger h
	echo "$output"
	[[ "$output" == "/proc/sysrq-trigger "* ]]
	[ "$output" != "/proc/sysrq-trigger OK" ]
	# The /proc mount is this pid namespace's own.
	run sbx_as "$who" -- awk '$5 == "/proc" { for (i = 7; $i != "-"; i++); print $(i + 1) }' /proc/self/mountinfo
	echo "$output"
	[ "$output" = proc ]
}
@test "core[user]: /proc is fresh; /proc/sys and /proc/sysrq-trigger cannot be written" { check_proc user; }
@test "core[root]: /proc is fresh; /proc/sys and /proc/sysrq-trigger cannot be written" { needs_root; check_proc root; }

# Checks the per-mount options of every mount in mountinfo text $output.
assert_mount_flags() {
	local bad
	# Every mount nosuid.
	bad=$(awk '{ if ($6 !~ /(^|,)nosuid(,|$)/) print "no nosuid:", $5 }' <<<"$output")
	# nodev everywhere except the device nodes and devpts (which holds only pty devices).
	bad+=$(awk '{ sep = 0; for (i = 7; i <= NF; i++) if ($i == "-") { sep = i; break }
		fstype = $(sep + 1)
		dev = fstype == "devtmpfs" || fstype == "devpts"
		if (!dev && $6 !~ /(^|,)nodev(,|$)/) print "no nodev:", $5 }' <<<"$output")
	# /proc nosuid,nodev,noexec; / read-only.
	bad+=$(awk '$5 == "/proc" && !($6 ~ /nosuid/ && $6 ~ /nodev/ && $6 ~ /noexec/) { print "proc flags:", $6 }' <<<"$output")
	bad+=$(awk '$5 == "/" && $6 !~ /(^|,)ro(,|$)/ { print "root not read-only:", $6 }' <<<"$output")
	if [ -n "$bad" ]; then
		echo "$bad" >&2
		return 1
	fi
}

check_mount_flags() {
	local who=$1 d
	writable_dir d "$who"
	run sbx_as "$who" --bind "$d:/data/rw" --ro-bind /usr/share:/data/ro --tmpfs /data/tmp \
		--dev-bind /dev/null:/data/null -- cat /proc/self/mountinfo
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(wc -l <<<"$output")" -gt 10 ]
	grep -q ' /data/rw ' <<<"$output"
	assert_mount_flags
	# A --dev-bind keeps device access; it is still nosuid.
	awk '$5 == "/data/null" { print $6 }' <<<"$output" | grep -qv nodev
}
@test "core[user]: every mount is nosuid, all but device nodes nodev, /proc noexec, / read-only" { check_mount_flags user; }
@test "core[root]: every mount is nosuid, all but device nodes nodev, /proc noexec, / read-only" { needs_root; check_mount_flags root; }

check_unreadable() {
	local who=$1 f
	# A root-only file bound in (sbx opens bind sources with O_PATH, which needs no read access)
	# stays unreadable: root-started sandboxes run as 65534 too.
	# (Only root can make a file only root may read; a plain-user run checks /etc/shadow alone.)
	f=/etc/shadow
	if [ "$(id -u)" -eq 0 ]; then
		f=$(mktemp /var/tmp/sbx-core-secret.XXXXXX)
		cleanup_path "$f"
		echo "root secret" >"$f"
		chmod 0600 "$f"
	fi
	run sbx_as "$who" --ro-bind "$f:/data/secret" -- sh -c 'cat /data/secret; cat /etc/shadow; echo end'
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" != *"root secret"* ]]
	[[ "$output" != *"root:"* ]]
	[[ "$output" == *"/data/secret: Permission denied"* ]]
	[[ "$output" == *"/etc/shadow: Permission denied"* ]]
	has_line end
}
@test "core[user]: files only root may read stay unreadable when bound in (/etc/shadow, a 0600 file)" { check_unreadable user; }
@test "core[root]: files only root may read stay unreadable when bound in (/etc/shadow, a 0600 file)" { needs_root; check_unreadable root; }

check_no_scaffolding() {
	local who=$1
	run sbx_as "$who" -- sh -c 'cat /proc/self/mountinfo; echo "tmp entries: $(ls -A /tmp | wc -l)"'
	echo "$output"
	[ "$status" -eq 0 ]
	has_line "tmp entries: 0"
	# Nothing of how the root was built: no old root, no staging directory, no host path mounted
	# anywhere but where a grant or the skeleton puts it.
	[[ "$output" != *oldroot* ]] && [[ "$output" != *newroot* ]]
	local bad
	bad=$(awk '$1 ~ /^[0-9]+$/ && $5 !~ /^\/(usr|etc|tmp|var\/tmp|proc|dev|run\/user|home|root)?(\/|$)/ { print "unexpected mount point:", $5 }' <<<"$output")
	[ -z "$bad" ] || {
		echo "$bad" >&2
		false
	}
}
@test "core[user]: the scaffolding used to build the root is invisible inside" { check_no_scaffolding user; }
@test "core[root]: the scaffolding used to build the root is invisible inside" { needs_root; check_no_scaffolding root; }

# ---- grants ----

check_bind() {
	local who=$1 d r u
	u=$(uid_in "$who")
	writable_dir d "$who"
	writable_dir r "$who"
	# Owned by COMMAND's uid, so only the read-only mount can refuse writing it.
	echo "host file" >"$r/existing"
	chmod 644 "$r/existing"
	chown "$u:$(gid_in "$who")" "$r/existing"
	run psbx "$who" --bind "$d" --bind "$d:/data/rw" --ro-bind "$r:/data/ro" -- sh -c "
		echo one > '$d/same-path' && echo two > /data/rw/other-path && cat /data/ro/existing &&
		/helpers/probe-core create /data/ro/new /data/ro/existing && /helpers/probe-core mkdir /data/ro/dir"
	echo "$output"
	[ "$status" -eq 0 ]
	# Writes through --bind reach the host, owned by the caller's identity.
	[ "$(cat "$d/same-path")" = one ]
	[ "$(cat "$d/other-path")" = two ]
	[ "$(stat -c %u "$d/other-path")" = "$u" ]
	# --ro-bind is readable and refuses writes.
	has_line "host file"
	has_line "/data/ro/new EROFS"
	has_line "/data/ro/existing EROFS"
	has_line "/data/ro/dir EROFS"
	[ ! -e "$r/new" ] && [ ! -e "$r/dir" ]
}
@test "core[user]: --bind writes reach the host; --ro-bind is readable and EROFS for writes" { check_bind user; }
@test "core[root]: --bind writes reach the host; --ro-bind is readable and EROFS for writes" { needs_root; check_bind root; }

check_tmpfs() {
	local who=$1
	run sbx_as "$who" --tmpfs /data/scratch --tmpfs /usr/local -- sh -c '
		ls -A /data/scratch | wc -l; echo x > /data/scratch/f && cat /data/scratch/f
		echo y > /usr/local/g && cat /usr/local/g
		awk '\''$5 == "/data/scratch" || $5 == "/usr/local" { print $5, $(NF-2) }'\'' /proc/self/mountinfo'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "0"$'\n'"x"$'\n'"y"$'\n'"/data/scratch tmpfs"$'\n'"/usr/local tmpfs" ]
	[ ! -e /usr/local/g ]
}
@test "core[user]: --tmpfs mounts an empty private writable tmpfs, also over a read-only dir" { check_tmpfs user; }
@test "core[root]: --tmpfs mounts an empty private writable tmpfs, also over a read-only dir" { needs_root; check_tmpfs root; }

check_missing_sources() {
	local who=$1 missing=/nonexistent/sbx-core-missing-$RANDOM
	run sbx_as "$who" --bind-try "$missing:/data/x" --ro-bind-try "$missing" -- sh -c "test -e /data/x || test -e $missing || echo skipped"
	echo "$output"
	[ "$status" -eq 0 ]
	has_line skipped
	local opt
	for opt in --bind --ro-bind; do
		run sbx_as "$who" "$opt" "$missing:/data/x" -- sh -c 'echo ran'
		echo "$opt: $output"
		[ "$status" -eq 125 ]
		[[ "$output" == *"$missing"* ]]
		[[ "$output" != *ran* ]]
	done
}
@test "core[user]: a missing --bind source is an error naming it (125); --bind-try skips it" { check_missing_sources user; }
@test "core[root]: a missing --bind source is an error naming it (125); --bind-try skips it" { needs_root; check_missing_sources root; }

check_dest_escape() {
	local who=$1 d t e before
	writable_dir d "$who"
	writable_dir t "$who"
	writable_dir e "$who"
	# Inside the bound directory: a symlink to a host directory ($t) and one climbing out with ../
	ln -s "$t" "$d/abs"
	ln -s "../../../../../../../../../..$t" "$d/rel"
	before=$(grep -c . /proc/self/mountinfo)
	local dst
	for dst in /data/abs/sub /data/rel/sub /data/abs; do
		run sbx_as "$who" --bind "$d:/data" --bind "$e:$dst" -- sh -c 'echo ran'
		echo "--bind $e:$dst -> $status: $output"
		[ "$status" -eq 125 ]
		[[ "$output" != *ran* ]]
		run sbx_as "$who" --bind "$d:/data" --tmpfs "$dst" -- sh -c 'echo ran'
		echo "--tmpfs $dst -> $status: $output"
		[ "$status" -eq 125 ]
	done
	for dst in /../../../../tmp/sbx-core-escape /tmp/../../../sbx-core-escape; do
		run sbx_as "$who" --bind "$e:$dst" -- sh -c 'echo ran'
		echo "--bind $e:$dst -> $status: $output"
		[ "$status" -eq 125 ]
	done
	# Nothing was created or mounted on the host.
	[ -z "$(ls -A "$t")" ]
	[ ! -e /tmp/sbx-core-escape ] && [ ! -e /sbx-core-escape ]
	[ "$(grep -c . /proc/self/mountinfo)" -eq "$before" ]
}
@test "core[user]: a destination through a symlink or .. out of the new root is refused (125)" { check_dest_escape user; }
@test "core[root]: a destination through a symlink or .. out of the new root is refused (125)" { needs_root; check_dest_escape root; }

# ---- network ----

# Starts a TCP server on the host's 127.0.0.1 (as root, outside any sandbox); sets PORT.
start_host_server() {
	local pf="$BATS_TEST_TMPDIR/port" spid
	spawn_bg spid "$BATS_TEST_TMPDIR/server.log" python3 -c '
import socket, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(16)
open(sys.argv[1] + ".tmp", "w").write(str(s.getsockname()[1]))
import os; os.rename(sys.argv[1] + ".tmp", sys.argv[1])
while True:
    c, _ = s.accept()
    c.sendall(b"hello from the host\n")
    c.close()
' "$pf"
	wait_until 10 test -s "$pf"
	PORT=$(cat "$pf")
}

CONNECT='import socket, sys
try:
    c = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=3)
    print("connected:", c.recv(100).decode().strip())
except OSError as e:
    print("refused:", e)'

check_network() {
	local who=$1
	start_host_server
	# Control: the server answers on the host.
	run host_as "$who" python3 -c "$CONNECT" "$PORT"
	echo "host: $output"
	[ "$output" = "connected: hello from the host" ]
	# Default: only lo, which is up (a server inside answers), and the host's loopback is not reachable.
	run sbx_as "$who" -- sh -c 'tail -n +3 /proc/net/dev | cut -d: -f1 | xargs echo "ifaces:"
		python3 -c "import socket
s = socket.socket(); s.bind((\"127.0.0.1\", 0)); s.listen(1)
c = socket.create_connection(s.getsockname(), timeout=3); a, _ = s.accept(); a.sendall(b\"lo\"); print(\"inside:\", c.recv(10).decode())"
		python3 -c "$0" "$1"' "$CONNECT" "$PORT"
	echo "$output"
	[ "$status" -eq 0 ]
	has_line "ifaces: lo"
	has_line "inside: lo"
	grep -q '^refused:' <<<"$output"
	# --net host: the host's loopback is reachable.
	run sbx_as "$who" --net host -- python3 -c "$CONNECT" "$PORT"
	echo "--net host: $output"
	[ "$output" = "connected: hello from the host" ]
}
@test "core[user]: default network is lo only and up, host loopback unreachable; --net host reaches it" { check_network user; }
@test "core[root]: default network is lo only and up, host loopback unreachable; --net host reaches it" { needs_root; check_network root; }

# ---- init: exit status, reaping, signals, lifetime ----

check_exit_status() {
	local who=$1 d
	run sbx_as "$who" -- sh -c 'exit 0'
	[ "$status" -eq 0 ]
	run sbx_as "$who" -- sh -c 'exit 42'
	[ "$status" -eq 42 ]
	run sbx_as "$who" -- sh -c 'kill -KILL $$'
	[ "$status" -eq 137 ]
	run sbx_as "$who" -- sh -c 'kill -TERM $$'
	[ "$status" -eq 143 ]
	run -127 sbx_as "$who" -- sbx-core-no-such-command
	echo "$output"
	[ "$status" -eq 127 ]
	[[ "$output" == *sbx-core-no-such-command* ]]
	run -127 sbx_as "$who" -- /usr/sbx-core/no/such/path
	[ "$status" -eq 127 ]
	# Exists but cannot be executed: a file without x bits bound in, and a directory.
	writable_dir d "$who"
	printf '#!/bin/sh\necho ran\n' >"$d/script"
	chmod 0644 "$d/script"
	run sbx_as "$who" --ro-bind "$d/script:/data/script" -- /data/script
	echo "$output"
	[ "$status" -eq 126 ]
	[[ "$output" != *ran* ]]
	run sbx_as "$who" -- /usr/bin
	[ "$status" -eq 126 ]
}
@test "core[user]: exit status is COMMAND's; 128+N on signal N; 127 not found; 126 not executable" { check_exit_status user; }
@test "core[root]: exit status is COMMAND's; 128+N on signal N; 127 not found; 126 not executable" { needs_root; check_exit_status root; }

@test "core: sbx errors exit 125 with one line naming the cause" {
	run sbx_user --no-such-option -- true
	echo "$output"
	[ "$status" -eq 125 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "${lines[0]}" == sbx:* ]]
	[[ "${lines[0]}" == *--no-such-option* ]]
	run sbx_user --bind
	echo "$output"
	[ "$status" -eq 125 ]
	[[ "$output" == *--bind* ]]
	run sbx_user --net sideways -- true
	echo "$output"
	[ "$status" -eq 125 ]
	[[ "$output" == *sideways* ]]
	# No command at all.
	run sbx_user
	[ "$status" -eq 125 ]
}

check_reaping() {
	local who=$1
	# The subshell exits at once, so its three children are orphaned to pid 1 and exit 0.5 s later;
	# a second later none may be left as a zombie.
	run sbx_as "$who" -- sh -c '(sleep 0.5 & sleep 0.5 & sleep 0.5 &)
		sleep 0.2; ps -eo ppid=,args= | awk '\''$2 == "sleep" && $3 == "0.5" { print "orphan ppid", $1 }'\''
		sleep 1; ps -eo stat=,pid=,args= | awk '\''$1 ~ /^Z/ { print "zombie", $0 }'\''; echo done'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(grep -c '^orphan ppid 1$' <<<"$output")" -eq 3 ]
	[[ "$output" != *zombie* ]]
	has_line done
}
@test "core[user]: the init (pid 1) reaps orphaned zombies" { check_reaping user; }
@test "core[root]: the init (pid 1) reaps orphaned zombies" { needs_root; check_reaping root; }

check_signals() {
	local who=$1 d pid sig out="$BATS_TEST_TMPDIR/sig.out"
	writable_dir d "$who"
	spawn_sbx pid "$out" "$who" --quiet --ro-bind "$HELPERS:/helpers" --bind "$d" -- /helpers/probe-core sigwait "$d/ready"
	wait_until 10 test -s "$d/ready" || {
		cat "$out"
		false
	}
	for sig in HUP INT QUIT USR1 USR2 WINCH; do
		kill -s "$sig" "$pid"
		sleep 0.1
	done
	kill -s TERM "$pid"
	local rc=0
	wait "$pid" || rc=$?
	cat "$out"
	[ "$rc" -eq 0 ]
	assert_eq "$(LC_ALL=C sort "$out" | xargs)" "HUP INT QUIT TERM USR1 USR2 WINCH"
}
@test "core[user]: SIGHUP INT QUIT USR1 USR2 WINCH TERM sent to sbx reach COMMAND" { check_signals user; }
@test "core[root]: SIGHUP INT QUIT USR1 USR2 WINCH TERM sent to sbx reach COMMAND" { needs_root; check_signals root; }

check_dies_with_sbx() {
	local who=$1 m pid
	m=$(marker)
	spawn_sbx pid "$BATS_TEST_TMPDIR/out" "$who" --quiet --ro-bind "$HELPERS:/helpers" -- sh -c \
		"/helpers/probe-core sleep 60 $m & /helpers/probe-core sleep 61 $m"
	wait_until 10 sh -c "[ \$(pgrep -c -f '^/helpers/probe-core sleep 6[01] $m\$') -eq 2 ]" || {
		cat "$BATS_TEST_TMPDIR/out"
		false
	}
	kill -KILL "$pid"
	wait "$pid" || true
	# The whole tree goes, promptly.
	wait_until 3 no_marker_procs "$m" || {
		ps -eo pid,ppid,user,args | grep "$m" | grep -v grep
		false
	}
}
@test "core[user]: SIGKILL of sbx kills the whole sandbox" { check_dies_with_sbx user; }
@test "core[root]: SIGKILL of sbx kills the whole sandbox" { needs_root; check_dies_with_sbx root; }

THREAD_PARENT='import subprocess, sys, threading, time
marker, argv = sys.argv[1], sys.argv[2:]
box = {}
def start():
    box["p"] = subprocess.Popen(argv, stdin=subprocess.DEVNULL)
t = threading.Thread(target=start)
t.start()
t.join()
time.sleep(1.5)
p = box["p"]
inner = subprocess.run(["pgrep", "-f", "^/helpers/probe-core sleep 30 " + marker + "$"], capture_output=True)
print("sbx running:", p.poll() is None)
print("inside running:", inner.returncode == 0)
p.kill()
p.wait()'

check_thread_parent() {
	local who=$1 m
	m=$(marker)
	run host_as "$who" python3 -c "$THREAD_PARENT" "$m" "$SBX" --quiet --ro-bind "$HELPERS:/helpers" -- /helpers/probe-core sleep 30 "$m"
	echo "$output"
	[ "$status" -eq 0 ]
	has_line "sbx running: True"
	has_line "inside running: True"
	wait_until 3 no_marker_procs "$m"
}
@test "core[user]: the sandbox survives the exit of the thread that started sbx" { check_thread_parent user; }
@test "core[root]: the sandbox survives the exit of the thread that started sbx" { needs_root; check_thread_parent root; }

check_detached() {
	local who=$1 m
	m=$(marker)
	# setsid and a double fork: the classic daemon escape from a process tree.
	run psbx "$who" -- sh -c "setsid sh -c '(/helpers/probe-core sleep 60 $m &)' </dev/null >/dev/null 2>&1
		for i in \$(seq 50); do pgrep -f '^/helpers/probe-core sleep 60 $m\$' >/dev/null && { echo started; break; }
			sleep 0.1; done; exit 0"
	echo "$output"
	[ "$status" -eq 0 ]
	has_line started
	wait_until 2 no_marker_procs "$m" || {
		ps -eo pid,ppid,user,args | grep "$m" | grep -v grep
		false
	}
}
@test "core[user]: a detached daemon (setsid, double fork) does not outlive sbx" { check_detached user; }
@test "core[root]: a detached daemon (setsid, double fork) does not outlive sbx" { needs_root; check_detached root; }

# ---- descriptors, environment, cwd ----

check_fds() {
	local who=$1
	local opener='exec 5</dev/null 7</dev/null 9>/dev/null; exec "$@"'
	# Control: the caller does hold them (besides whatever bats leaves open).
	run host_as "$who" sh -c "$opener" sh "$HELPERS/probe-core" fds
	echo "host: $output"
	[[ " $output " == *" 5 7 9 "* ]]
	run host_as "$who" sh -c "$opener" sh "$SBX" --quiet --ro-bind "$HELPERS:/helpers" -- /helpers/probe-core fds
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "0 1 2" ]
	run host_as "$who" sh -c "$opener" sh "$SBX" --quiet --ro-bind "$HELPERS:/helpers" --pass-fd 5 --pass-fd 9 -- /helpers/probe-core fds
	echo "--pass-fd 5 --pass-fd 9: $output"
	[ "$status" -eq 0 ]
	[ "$output" = "0 1 2 5 9" ]
}
@test "core[user]: descriptors other than 0 1 2 are closed unless --pass-fd" { check_fds user; }
@test "core[root]: descriptors other than 0 1 2 are closed unless --pass-fd" { needs_root; check_fds root; }

check_env() {
	local who=$1 v
	local vars=(LD_PRELOAD=/nonexistent/sbx-core-preload.so LD_LIBRARY_PATH=/nonexistent/sbx-core-lib
		LD_AUDIT=/nonexistent/sbx-core-audit.so PYTHONPATH=/nonexistent/sbx-core-py
		GIO_EXTRA_MODULES=/nonexistent/gio GST_PLUGIN_PATH=/nonexistent/gst VK_ICD_FILENAMES=/nonexistent/vk.json
		SBX_CORE_KEEP=kept SBX_CORE_DROP=drop)
	# sbx's own loader may complain about the bogus preload; only stdout is the environment.
	run --separate-stderr host_as "$who" env "${vars[@]}" SBX_CORE_UNLISTED=secret-token LANG=C.UTF-8 "$SBX" \
		--quiet --keepenv 'SBX_CORE_*' --keepenv 'LD_*' --unsetenv SBX_CORE_DROP --setenv SBX_CORE_NEW=a=b -- env
	echo "$output"
	[ "$status" -eq 0 ]
	for v in $LOADER_VARS SBX_CORE_DROP; do
		if grep -q "^$v=" <<<"$output"; then
			echo "$v was not removed" >&2
			return 1
		fi
	done
	has_line SBX_CORE_KEEP=kept
	has_line SBX_CORE_UNLISTED=secret-token
	has_line SBX_CORE_NEW=a=b
	has_line LANG=C.UTF-8
	# Only the allow-list by default: a variable the profile does not keep stays outside.
	run --separate-stderr host_as "$who" env SBX_CORE_UNLISTED=secret-token SSH_AUTH_SOCK=/tmp/agent LANG=C.UTF-8 \
		"$SBX" --quiet -- env
	echo "default: $output"
	lacks_line SBX_CORE_UNLISTED=secret-token
	lacks_line SSH_AUTH_SOCK=/tmp/agent
	has_line LANG=C.UTF-8
	# A loader variable goes in only when named exactly.
	run --separate-stderr host_as "$who" env PYTHONPATH=/nonexistent/py "$SBX" --quiet --keepenv PYTHONPATH -- env
	has_line PYTHONPATH=/nonexistent/py
	has_line "PATH=$(if [ "$who" = root ]; then echo /usr/sbin:/usr/bin:/sbin:/bin; else echo /usr/bin:/bin; fi)"
	# --clearenv starts from nothing; --setenv adds after it.
	run --separate-stderr host_as "$who" env "${vars[@]}" "$SBX" --quiet --clearenv --setenv SBX_CORE_NEW=1 -- /usr/bin/env
	echo "--clearenv: $output"
	[ "$status" -eq 0 ]
	has_line SBX_CORE_NEW=1
	lacks_line SBX_CORE_KEEP=kept
	! grep -qE '^(HOME|USER|LD_PRELOAD)=' <<<"$output"
}
@test "core[user]: only allow-listed and kept variables go in, loader variables only by name; --setenv --unsetenv --clearenv" { check_env user; }
@test "core[root]: only allow-listed and kept variables go in, loader variables only by name; --setenv --unsetenv --clearenv" { needs_root; check_env root; }

check_cwd() {
	local who=$1 d home
	home=$(home_of "$who")
	writable_dir d "$who"
	mkdir "$d/sub"
	chmod 755 "$d/sub"
	# Visible inside (bound): kept.
	set_cwd "$who" "$d/sub"
	run sbx_as "$who" --bind "$d" -- sh -c 'echo "pwd=$(pwd -P) PWD=$PWD"'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "pwd=$d/sub PWD=$d/sub" ]
	# Not visible (a shared directory, which the default profile's bind-try ${CWD} leaves out): $HOME.
	mkdir "$d/shared"
	chmod 1777 "$d/shared"
	set_cwd "$who" "$d/shared"
	run sbx_as "$who" -- sh -c 'echo "pwd=$(pwd -P) PWD=$PWD"'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "pwd=$home PWD=$home" ]
	# A system directory that is in the view: kept.
	set_cwd "$who" /usr/share
	run sbx_as "$who" -- sh -c 'echo "pwd=$(pwd -P) PWD=$PWD"'
	echo "$output"
	[ "$output" = "pwd=/usr/share PWD=/usr/share" ]
}
@test "core[user]: the working directory is kept when visible, else \$HOME; PWD matches" { check_cwd user; }
@test "core[root]: the working directory is kept when visible, else \$HOME; PWD matches" { needs_root; check_cwd root; }

# ---- command line ----

@test "core: a COMMAND that looks like an option after -- is executed, never parsed (CVE-2024-32462)" {
	run -127 sbx_user -- --bind=/ sh -c 'echo pwned'
	echo "$output"
	[ "$status" -eq 127 ]
	[[ "$output" != *pwned* ]]
	if [ "$(id -u)" -eq 0 ]; then
		run -127 sbx_root -- --dev-bind / / sh -c 'echo pwned'
		echo "$output"
		[ "$status" -eq 127 ]
		[[ "$output" != *pwned* ]]
	fi
	run -127 sbx_user -- --help
	[ "$status" -eq 127 ]
}

@test "core: options end at COMMAND; its arguments are passed untouched" {
	run sbx_user --quiet sh -c 'printf "[%s]" "$@"' x --net host -- --bind /
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "[--net][host][--][--bind][/]" ]
	run sbx_user --quiet -- printf '[%s]' '' 'a b' '$HOME' '*'
	echo "$output"
	[ "$output" = '[][a b][$HOME][*]' ]
}

@test "core: --version and --help print to stdout and exit 0" {
	run --separate-stderr sbx_user --version
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *[0-9].[0-9]* ]]
	run --separate-stderr sbx_user --help
	[ "$status" -eq 0 ]
	[[ "$output" == *--bind* ]]
	[[ "$output" == *--explain* ]]
}

check_explain() {
	local who=$1 d
	writable_dir d "$who"
	run sbx_as "$who" --explain --bind "$d" -- sh -c "touch '$d/ran'"
	echo "$output"
	[ "$status" -eq 0 ]
	[ -n "$output" ]
	[[ "$output" == *"$d"* ]]
	[ ! -e "$d/ran" ]
	run --separate-stderr sbx_as "$who" --explain --json --bind "$d" -- sh -c "touch '$d/ran'"
	echo "$output"
	[ "$status" -eq 0 ]
	python3 -m json.tool <<<"$output" >/dev/null
	[ ! -e "$d/ran" ]
	# Control: without --explain the same command does run.
	run sbx_as "$who" --bind "$d" -- sh -c "touch '$d/ran'"
	[ "$status" -eq 0 ]
	[ -e "$d/ran" ]
}
@test "core[user]: --explain runs nothing; --explain --json is valid JSON" { check_explain user; }
@test "core[root]: --explain runs nothing; --explain --json is valid JSON" { needs_root; check_explain root; }

# ---- terminal ----

# Runs ARGS on a new pty as the controlling terminal of a new session; prints the output, the exit
# status, and what was left in the terminal's input queue (where an injection would land).
PTY_RUN='import os, pty, select, sys, time, tty, fcntl, termios
master, slave = pty.openpty()
tty.setraw(slave)
pid = os.fork()
if pid == 0:
    os.setsid()
    fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
    for fd in (0, 1, 2):
        os.dup2(slave, fd)
    os.close(master)
    os.close(slave)
    os.execvp(sys.argv[1], sys.argv[1:])
out, status, deadline = b"", None, time.time() + 30
while time.time() < deadline:
    r, _, _ = select.select([master], [], [], 0.1)
    if r:
        out += os.read(master, 4096)
    elif status is not None:
        break
    if status is None:
        done, st = os.waitpid(pid, os.WNOHANG)
        if done:
            status = os.waitstatus_to_exitcode(st)
os.set_blocking(slave, False)
try:
    queued = os.read(slave, 4096)
except BlockingIOError:
    queued = b""
print(out.decode(errors="replace").replace("\r", ""))
print("status:", status)
print("queued:", repr(queued))'

INJECT='import fcntl, os, termios
try:
    fcntl.ioctl(0, termios.TIOCSTI, b"Z")
    print("tiocsti: injected")
except OSError as e:
    print("tiocsti: refused", e.errno)
os.close(os.open("/dev/tty", os.O_RDWR))
print("devtty: ok")
print("foreground:", os.tcgetpgrp(0) == os.getpgrp())'

check_tiocsti() {
	local who=$1
	run host_as "$who" python3 -c "$PTY_RUN" "$SBX" --quiet -- sh -c 'tty; python3 -c "$0"' "$INJECT"
	echo "$output"
	has_line "status: 0"
	# A terminal inside, on which COMMAND is in the foreground, so interactive programs work.
	# (`tty` names the terminal; through a new devpts instance that may be /dev/console.)
	grep -qE '^/dev/(pts/[0-9]+|console)$' <<<"$output"
	has_line "devtty: ok"
	has_line "foreground: True"
	# The injection fails, and nothing reaches the outer terminal's input.
	grep -q '^tiocsti: refused' <<<"$output"
	has_line "queued: b''"
}
@test "core[user]: TIOCSTI from inside does not reach the terminal; COMMAND still has a terminal" { check_tiocsti user; }
@test "core[root]: TIOCSTI from inside does not reach the terminal; COMMAND still has a terminal" { needs_root; check_tiocsti root; }

@test "core: control for the TIOCSTI test: without sbx the injection reaches the terminal" {
	needs_root
	if [ "$(cat /proc/sys/dev/tty/legacy_tiocsti 2>/dev/null || echo 1)" = 0 ]; then
		echo "(legacy_tiocsti=0: only CAP_SYS_ADMIN may inject; root has it)"
	fi
	run as_root python3 -c "$PTY_RUN" python3 -c "$INJECT"
	echo "$output"
	has_line "tiocsti: injected"
	has_line "queued: b'Z'"
}

# ---- reopening the standard streams (/dev/stderr, /dev/stdout, /proc/self/fd/N) ----

# The files behind 0-2 are the command's already; Landlock gets a rule for exactly those inodes
# with the access each was opened with. A file outside the view, a pipe, a socket and a terminal.
check_reopen_std() {
	local who=$1 log
	log=$(mktemp /var/tmp/sbx-reopen.XXXXXX) && cleanup_path "$log"
	# Owned by the identity the command runs as (root runs it as 65534), as any log it writes would be.
	chown "$(if [ "$who" = root ]; then echo 65534; else echo "$TEST_UID"; fi)" "$log"
	# A file the sandbox cannot otherwise see (it is not granted).
	host_as "$who" "$SBX" -q -- sh -c 'echo to-stderr >/dev/stderr; echo to-fd2 >>/proc/self/fd/2' 2>"$log"
	grep -qx to-stderr "$log" && grep -qx to-fd2 "$log"
	run host_as "$who" sh -c "'$SBX' -q -- sh -c 'cat /dev/stdin' <'$log'"
	[ "$status" -eq 0 ] && [[ $output == *to-stderr* ]]
	# Reopening a read-only stdin for writing stays refused.
	run host_as "$who" sh -c "'$SBX' -q -- sh -c 'echo x >/dev/stdin' <'$log'"
	[ "$status" -ne 0 ]
	# A pipe, both ways. Not for root: the command runs as nobody, and a pipe root made is root's
	# (mode 0600), so the kernel refuses nobody to reopen it, sandbox or not.
	if [ "$who" = user ]; then
		run host_as "$who" sh -c "echo piped | '$SBX' -q -- sh -c 'cat /dev/stdin >/dev/stdout' | cat"
		[ "$status" -eq 0 ] && [ "$output" = piped ]
	fi
	# A socket as stdout: the kernel never reopens a socket through /proc (ENXIO); the command must
	# see exactly what it sees without sbx.
	local sock='
import socket, subprocess, sys
a, b = socket.socketpair()
p = subprocess.Popen(sys.argv[1:] + ["sh", "-c", "echo via-socket >/dev/stdout 2>/dev/null; echo $?"], stdout=b)
b.close(); p.wait(); print(a.recv(100).decode().strip(), p.returncode)'
	run host_as "$who" /usr/bin/python3 -c "$sock" env
	local control=$output
	run host_as "$who" /usr/bin/python3 -c "$sock" "$SBX" -q --
	[ "$output" = "$control" ]
	# A terminal (the user's own; a root-made pty is root's, like the pipe above).
	[ "$who" = user ] || return 0
	run host_as "$who" script -qec "'$SBX' -q -- sh -c 'echo on-tty >/dev/stdout'" /dev/null
	[ "$status" -eq 0 ] && [[ $output == *on-tty* ]]
}
@test "core[user]: the command can reopen its standard streams (file, pipe, socket, terminal) as opened, no more" { check_reopen_std user; }
@test "core[root]: the command can reopen its standard streams (file, pipe, socket, terminal) as opened, no more" { needs_root; check_reopen_std root; }
