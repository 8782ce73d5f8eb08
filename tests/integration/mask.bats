#!/usr/bin/env bats
# `mask PATH` / `--mask PATH` (issue 14, launcher/mask.c): the host file or directory PATH names is
# covered, wherever the view shows it, by an empty read-only directory or file, on top of every
# grant (so inside a granted home too), also where a second grant or a symlink shows it again. As
# the test user and as root (the command runs as 65534).

load ../lib/common
bats_require_minimum_version 1.5.0


# A home-like tree of WHO's (the command's uid for root) under /var/tmp, in TREE:
# .ssh/id_ed25519 (the secret), .ssh/sub/x, notes (plain), token (a secret file), link -> .ssh.
make_tree() {
	local who=$1 d
	user_tmpdir d sbx-mask || return 1
	mkdir -p "$d/.ssh/sub"
	echo SECRET-KEY-MATERIAL >"$d/.ssh/id_ed25519"
	echo inner >"$d/.ssh/sub/x"
	echo plain >"$d/notes"
	echo TOKEN-SECRET >"$d/token"
	ln -s .ssh "$d/link"
	chmod 0700 "$d/.ssh"
	chown -R "$(uid_in "$who"):$(uid_in "$who")" "$d"
	TREE=$d
	SUM=$(cd "$d" && find . -printf '%p %y %m %s\n' | sort && cat .ssh/id_ed25519 token)
}

tree_unchanged() {
	local now
	now=$(cd "$TREE" && find . -printf '%p %y %m %s\n' | sort && cat .ssh/id_ed25519 token)
	[ "$now" = "$SUM" ]
}

msbx() {
	local who=$1
	shift
	sbx_as "$who" --quiet "$@"
}

# ---- a directory and a file inside a read-write grant ----

check_dir_and_file() {
	local who=$1
	make_tree "$who"
	run msbx "$who" --bind "$TREE" --mask "$TREE/.ssh" --mask "$TREE/token" -- sh -c '
		cd "$1"
		ls -A .ssh | wc -l
		cat .ssh/id_ed25519 2>&1 || echo "read: $?"
		wc -c <token
		echo planted >.ssh/new 2>&1 || echo "create: $?"
		mkdir .ssh/d 2>&1 || echo "mkdir: $?"
		echo x >token 2>&1 || echo "write: $?"
		chmod 0777 token 2>&1 || echo "chmod: $?"
		rm token 2>&1 || echo "rm: $?"
		rm -rf .ssh 2>&1 || echo "rmdir: $?"
		mv .ssh gone 2>&1 || echo "mv: $?"
		cat notes; echo changed >notes && cat notes' sh "$TREE"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 0 ]
	[[ $output == *"id_ed25519: No such file or directory"* ]]
	[[ $output == *"read: 1"* ]]
	[[ $output != *SECRET* ]]
	[ "${lines[3]}" = 0 ]  # the masked file reads as empty
	[[ $output == *".ssh/new: Read-only file system"*"create: "* ]]
	[[ $output == *"mkdir: "* ]]
	[[ $output == *"token: Read-only file system"*"write: "* ]]
	[[ $output == *"chmod: "* ]]
	[[ $output == *"rm: "* ]]
	[[ $output == *"mv: "* ]]
	[[ $output == *$'plain\nchanged' ]]
	# The host's files are as they were, but for the one the grant let it change.
	echo plain >"$TREE/notes"
	tree_unchanged
	[ ! -e "$TREE/.ssh/new" ] && [ ! -e "$TREE/gone" ]
	# The control: without the mask the same grant shows both secrets.
	run msbx "$who" --bind "$TREE" -- cat "$TREE/.ssh/id_ed25519" "$TREE/token"
	[ "$output" = $'SECRET-KEY-MATERIAL\nTOKEN-SECRET' ]
}
@test "mask[user]: a directory and a file inside a read-write grant are empty and read-only; the host's stay" { check_dir_and_file user; }
@test "mask[root]: a directory and a file inside a read-write grant are empty and read-only; the host's stay" { needs_root; check_dir_and_file root; }

# ---- the real home, granted read-write, with ~/.ssh masked (the issue's example) ----

@test "mask[user]: bind-rw \${HOME} then mask \${HOME}/.ssh in a profile: a planted key in ~/.ssh is not readable" {
	plant_secret id_mask_test
	user_profile mask-home.profile "override bind \${HOME}
mask \${HOME}/.ssh"
	run sbx_user --quiet --profile mask-home -- sh -c 'ls -A ~/.ssh | wc -l; cat ~/.ssh/id_mask_test; echo x >~/.ssh/authorized_keys; test -w ~/.config && echo home-writable'
	echo "$output"
	[ "${lines[0]}" = 0 ]
	[[ $output == *"id_mask_test: No such file or directory"* ]]
	[[ $output == *"authorized_keys: Read-only file system"* ]]
	[[ $output == *home-writable* ]]
	[[ $output != *SECRET* ]]
	[ ! -e "$TEST_HOME/.ssh/authorized_keys" ]
	grep -q SECRET "$secret"
	# The control: the same profile without the mask line reads it.
	user_profile mask-home.profile "override bind \${HOME}"
	run sbx_user --quiet --profile mask-home -- cat "$secret"
	[ "$output" = SECRET-KEY-MATERIAL ]
}

# ---- a second path to it: another grant of the parent, a symlink, a read-only grant ----

check_second_paths() {
	local who=$1 other
	make_tree "$who"
	user_tmpdir other sbx-mask-other
	ln -s "$TREE/.ssh" "$other/to-ssh"
	ln -s "$TREE/token" "$other/to-token"
	run msbx "$who" --bind "$TREE" --ro-bind "$TREE:/alias" --ro-bind "$TREE/.ssh:/direct" \
		--ro-bind "$other" --mask "$TREE/.ssh" --mask "$TREE/token" -- sh -c '
		for p in "$1/.ssh" "$1/link" /alias/.ssh /alias/link /direct "$2/to-ssh"; do
			echo "$p: $(ls -A "$p/" | wc -l)"
			cat "$p/id_ed25519" "$p/sub/x" 2>/dev/null
		done
		for p in "$1/token" /alias/token "$2/to-token"; do echo "$p: $(wc -c <"$p")"; done
		echo x >"$1/link/new" || echo create-through-link-refused' sh "$TREE" "$other"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output != *SECRET* ]]
	[[ $output != *inner* ]]
	[ "$(grep -c ': 0$' <<<"$output")" -eq 9 ]
	[[ $output == *create-through-link-refused* ]]
	tree_unchanged
	# --explain names every place it covers.
	run msbx "$who" --explain --bind "$TREE" --ro-bind "$TREE:/alias" --ro-bind "$TREE/.ssh:/direct" \
		--mask "$TREE/.ssh" -- true
	[[ $output == *"mask       $TREE/.ssh "*"empty read-only directory, hides $TREE/.ssh"* ]]
	[[ $output == *"mask       /alias/.ssh "*"hides $TREE/.ssh"* ]]
	[[ $output == *"mask       /direct "*"hides $TREE/.ssh"* ]]
}
@test "mask[user]: a masked directory is not reachable through a second grant of its parent, a grant of itself elsewhere, or symlinks" { check_second_paths user; }
@test "mask[root]: a masked directory is not reachable through a second grant of its parent, a grant of itself elsewhere, or symlinks" { needs_root; check_second_paths root; }

@test "mask[user]: a sandbox path below a grant placed elsewhere masks the host file behind it" {
	make_tree user
	run msbx user --ro-bind "$TREE:/data" --mask /data/.ssh -- sh -c 'ls -A /data/.ssh | wc -l; cat /data/notes'
	echo "$output"
	[ "$output" = $'0\nplain' ]
	run msbx user --explain --ro-bind "$TREE:/data" --mask /data/.ssh -- true
	[[ $output == *"mask       /data/.ssh "*"hides $TREE/.ssh"* ]]
}

@test "mask[user]: a mask in a read-only grant, and a mask in a system directory (/etc)" {
	make_tree user
	run msbx user --ro-bind "$TREE" --mask "$TREE/.ssh/sub" --mask /etc/passwd -- sh -c '
		cat "$1/.ssh/id_ed25519"; ls -A "$1/.ssh/sub" | wc -l; wc -c </etc/passwd; cat /etc/hostname >/dev/null && echo etc-readable' sh "$TREE"
	echo "$output"
	[ "$output" = $'SECRET-KEY-MATERIAL\n0\n0\netc-readable' ]
}

# ---- nothing to mask ----

check_noop() {
	local who=$1
	make_tree "$who"
	run msbx "$who" --bind "$TREE" --mask "$TREE/absent" --mask /var/log -- sh -c 'cat "$1/notes"; test -e "$1/absent" || echo absent' sh "$TREE"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = $'plain\nabsent' ]
	run msbx "$who" --explain --bind "$TREE" --mask "$TREE/absent" --mask /var/log -- true
	[[ $output == *"mask       $TREE/absent "*"no-op: not on the host"* ]]
	[[ $output == *"mask       /var/log "*"no-op: not in the sandbox's view"* ]]
	# Nothing was made on the host either.
	[ ! -e "$TREE/absent" ]
}
@test "mask[user]: a path missing on the host, or not in the view, is a no-op that --explain names" { check_noop user; }
@test "mask[root]: a path missing on the host, or not in the view, is a no-op that --explain names" { needs_root; check_noop root; }

@test "mask[user]: --explain --json lists each mask with what it covers" {
	make_tree user
	run msbx user --explain --json --bind "$TREE" --mask "$TREE/.ssh" --mask "$TREE/token" --mask "$TREE/absent" -- true
	[ "$status" -eq 0 ]
	run python3 -c '
import json, sys
d = json.loads(sys.argv[1])
for m in d["mounts"]:
    if m["type"] == "mask":
        print(m["dst"], m.get("cover", "-"), m.get("noop", "-"), m["origin"])' "$output"
	echo "$output"
	[ "${lines[0]}" = "$TREE/.ssh directory - command line" ]
	[ "${lines[1]}" = "$TREE/token file - command line" ]
	[ "${lines[2]}" = "$TREE/absent - no-op: not on the host command line" ]
}

# ---- a profile's mask, and bad input ----

@test "mask[user]: a profile's mask line applies, with its file:line in --explain" {
	make_tree user
	user_profile mask-tree.profile "bind $TREE
mask $TREE/.ssh"
	run sbx_user --quiet --profile mask-tree -- ls -A "$TREE/.ssh"
	echo "$output"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	run sbx_user --explain --profile mask-tree -- true
	[[ $output == *"mask       $TREE/.ssh "*"[$TEST_HOME/.config/sbx/profiles/mask-tree.profile:2]"* ]]
}

@test "mask[user]: bad mask lines and options are refused with exit 125, nothing started" {
	local line want
	while IFS='|' read -r line want; do
		user_profile bad-mask.profile "ro-bind /var/tmp
$line"
		run sbx_user --profile bad-mask -- touch /var/tmp/sbx-mask-started
		echo "$line -> $output"
		[ "$status" -eq 125 ]
		[[ $output == *"bad-mask.profile:2:"*"$want"* ]]
		[ "${#lines[@]}" -le 2 ]
	done <<'EOF'
mask relative/path|expected an absolute path
mask /var/tmp/../etc|expected an absolute path
mask /|cannot mask the sandbox's root
mask /var/tmp/*.key|globs are not supported
mask|mask PATH
mask /a /b|mask PATH
mask ${NO_SUCH_VARIABLE}/x|NO_SUCH_VARIABLE
EOF
	[ ! -e /var/tmp/sbx-mask-started ]
	run sbx_user --mask "" -- true
	[ "$status" -eq 125 ]
	[[ $output == *"--mask: empty path"* ]]
	run sbx_user --mask / -- true
	[ "$status" -eq 125 ]
	[[ $output == *"--mask '/'"* ]]
}

@test "mask[user]: a mask through a symlink inside a writable grant (which the sandbox could plant) is refused" {
	make_tree user
	run msbx user --bind "$TREE" --mask "$TREE/link" -- true
	echo "$output"
	[ "$status" -eq 125 ]
	[[ $output == *"mask $TREE/link: a symlink inside the writable grant $TREE"* ]]
	# Outside writable grants a symlink is resolved and its target masked.
	local other
	user_tmpdir other sbx-mask-ln
	ln -s "$TREE/.ssh" "$other/ssh"
	run msbx user --ro-bind "$TREE" --mask "$other/ssh" -- ls -A "$TREE/.ssh"
	echo "$output"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

# ---- escape: the mask cannot be taken off from inside ----

check_no_unmount() {
	local who=$1
	make_tree "$who"
	# Even with nested user namespaces allowed, the command owns no mount it could remove: the
	# mask was made by sbx's setup (locked for a child namespace) and Landlock refuses mount changes.
	run msbx "$who" --allow userns --bind "$TREE" --mask "$TREE/.ssh" -- sh -c '
		umount -l "$1/.ssh"; unshare -Urm --propagation unchanged sh -c "umount \"$1/.ssh\"; umount -l \"$1/.ssh\"; cat \"$1/.ssh/id_ed25519\""
		mount --move "$1/.ssh" /tmp 2>&1; cat "$1/.ssh/id_ed25519"; ls -A "$1/.ssh" | wc -l' sh "$TREE"
	echo "$output"
	[[ $output != *SECRET* ]]
	[ "${lines[-1]}" = 0 ]
}
@test "mask[user]: escape: the mask cannot be unmounted or moved, not even from a nested user namespace" { check_no_unmount user; }
@test "mask[root]: escape: the mask cannot be unmounted or moved, not even from a nested user namespace" { needs_root; check_no_unmount root; }
