#!/usr/bin/env bats
# Shell completions (issue 16): launcher/completions/sbx.{bash,zsh,fish}. bash is driven by
# scripted calls (COMP_WORDS/COMP_CWORD, then _sbx, then COMPREPLY), fish by `complete -C`, zsh by
# typing TAB into an interactive zsh on a pseudo-terminal (zsh/zpty). The drift tests walk
# `sbx --help` and `sbx SUB --help` and check that every option, fixed value and subcommand they
# name is offered, so a new option or value cannot be left out of the completions.

load ../lib/common
bats_require_minimum_version 1.5.0

setup_file() {
	# A copy the test user can read (the checkout may sit below a directory it cannot traverse),
	# laid out as `make install` lays it out.
	COMP_DIR=$(mktemp -d /tmp/sbx-comp.XXXXXX)
	chmod 0755 "$COMP_DIR"
	make -s --no-print-directory -C "$BATS_TEST_DIRNAME/../.." install-completions \
		DESTDIR="$COMP_DIR" PREFIX=/usr >&2
	chmod -R a+rX "$COMP_DIR"
	export COMP_DIR
}

teardown_file() {
	rm -rf "$COMP_DIR"
}

teardown() {
	sbx_cleanup
}

BASH_FILE() { printf '%s\n' "$COMP_DIR/usr/share/bash-completion/completions/sbx"; }

# comp_bash WHO WORD...: the candidates bash offers for the last WORD (the first is sbx's path),
# one a line, as WHO (root or user), in a bash without any startup file.
comp_bash() {
	local who=$1
	shift
	local script='source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=()
		_sbx; printf "%s\n" "${COMPREPLY[@]}"'
	if [ "$who" = user ]; then
		as_user bash --norc --noprofile -c "$script" _ "$(BASH_FILE)" "$@"
	else
		as_root bash --norc --noprofile -c "$script" _ "$(BASH_FILE)" "$@"
	fi
}

# has LINE: $output holds LINE as a whole line.
has() { grep -qxF -- "$1" <<<"$output"; }

@test "completions: sourcing the bash file registers _sbx for sbx" {
	run as_root bash --norc --noprofile -c 'source "$1" && complete -p sbx' _ "$(BASH_FILE)"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "complete -F _sbx sbx" ]
}

@test "completions: bash completes an option, its value, a subcommand and a profile name" {
	run comp_bash root "$SBX" --ne
	echo "option: $output"
	[ "$status" -eq 0 ]
	[ "$(sort <<<"$output" | tr '\n' ' ')" = "--net --net-rules " ]
	run comp_bash root "$SBX" --net ''
	echo "value: $output"
	[ "$(sort <<<"$output" | tr '\n' ' ')" = "host none " ]
	run comp_bash root "$SBX" --socket x11-t
	[ "$output" = x11-trusted ]
	run comp_bash root "$SBX" profile s
	echo "subcommand: $output"
	[ "$output" = show ]
	run comp_bash root "$SBX" desktop ''
	[ "$(sort <<<"$output" | tr '\n' ' ')" = "disable enable list sync " ]
	run comp_bash root "$SBX" profile show cur
	echo "profile: $output"
	[ "$output" = curl ]
	run comp_bash root "$SBX" --profile cur
	[ "$output" = curl ]
	run comp_bash root "$SBX" seccomp export cur
	[ "$output" = curl ]
	# A shipped profile's name is not a command completed at the first word unless it is one.
	run comp_bash root "$SBX" desktop enable --s
	[ "$output" = --system ]
}

@test "completions: bash completes by position: seccomp export's files, learn -o FILE, --prefix DIR, --user NAME" {
	local d
	d=$(mktemp -d /tmp/sbx-comp-files.XXXXXX)
	touch "$d/out.pfc"
	run comp_bash root "$SBX" seccomp export curl "$d/out"
	[ "$output" = "$d/out.pfc" ]
	run comp_bash root "$SBX" learn -o "$d/o"
	[ "$output" = "$d/out.pfc" ]
	run comp_bash root "$SBX" learn -o "$d/x" --net h
	[ "$output" = host ]
	run comp_bash root "$SBX" desktop sync --system --prefix "$d/o"
	[ "$output" = "$d/out.pfc" ]
	run comp_bash root "$SBX" --user roo
	[ "$output" = root ]
	# After the command, sbx's options are no longer offered: the words are COMMAND's.
	run comp_bash root "$SBX" --net host true --ne
	[ -z "$output" ]
	rm -rf "$d"
}

@test "completions: as a user, profile names include the user's own profile directory" {
	as_user mkdir -p "$TEST_HOME/.config/sbx/profiles"
	as_user sh -c 'printf "net none\n" >"$HOME/.config/sbx/profiles/deb-mine.profile"'
	cleanup_path "$TEST_HOME/.config/sbx"
	run comp_bash user "$SBX" profile show deb-m
	echo "$output"
	[ "$output" = deb-mine ]
}

@test "completions: every option of sbx --help and every fixed value it lists is offered (drift)" {
	local opts line opt value v n=0
	opts=$("$SBX" --help | sed -n 's/^  \(--[a-z][a-z0-9-]*\)\( [^ ]*\)\{0,1\} .*/\1\2/p')
	[ "$(wc -l <<<"$opts")" -ge 30 ]
	run comp_bash root "$SBX" --
	for opt in $(cut -d' ' -f1 <<<"$opts"); do
		has "$opt" || { echo "option $opt not offered"; false; }
	done
	while IFS= read -r line; do
		opt=${line%% *}
		[ "$line" != "$opt" ] || continue
		value=${line#* }
		[[ $value != *[A-Z]* ]] || continue
		run comp_bash root "$SBX" "$opt" ''
		for v in ${value//|/ }; do
			has "$v" || { echo "$opt: value $v not offered ($output)"; false; }
			n=$((n + 1))
		done
	done <<<"$opts"
	# --net none|host, --allow (6), --socket (3), the required|optional pairs, --caps-keep at least.
	[ "$n" -ge 18 ]
}

@test "completions: every subcommand and subcommand word of the usage lines is offered (drift)" {
	local subs sub words w
	subs=$("$SBX" --help | sed -n '/^$/q; s/^\(Usage:\)\{0,1\} *sbx \([a-z][a-z-]*\).*/\2/p' | sort -u)
	[ "$(tr '\n' ' ' <<<"$subs")" = "apps desktop learn overlay profile seccomp unwrap wrap " ]
	run comp_bash root "$SBX" ''
	for sub in $subs; do
		has "$sub" || { echo "subcommand $sub not offered"; false; }
	done
	for sub in profile seccomp desktop; do
		words=$("$SBX" "$sub" --help 2>&1 | sed -n "s/^\(usage:\)\{0,1\} *sbx $sub \([a-z][a-z|]*\) .*/\2/p; s/^\(usage:\)\{0,1\} *sbx $sub \([a-z][a-z|]*\)$/\2/p" | tr '|' '\n' | sort -u)
		[ -n "$words" ]
		run comp_bash root "$SBX" "$sub" ''
		for w in $words; do
			has "$w" || { echo "$sub $w not offered ($output)"; false; }
		done
	done
	run comp_bash root "$SBX" profile ''
	[ "$(sort <<<"$output" | tr '\n' ' ')" = "check directives dirs index show which " ]
}

@test "completions: every placeholder in the usage lines has a kind the completion knows" {
	# Unknown placeholders would silently complete nothing: list each and what it maps to.
	local sub holders h kind
	for sub in profile seccomp desktop; do
		holders=$("$SBX" "$sub" --help 2>&1 | sed -n "s/^\(usage:\)\{0,1\} *sbx $sub [a-z|]* *//p" |
			sed -E 's/(^|[ [])--?[a-z][a-z-]*( [A-Z][A-Z-]*)?//g' | grep -oE '[A-Z][A-Za-z.|-]*' | sort -u)
		for h in $holders; do
			kind=$(as_root bash --norc --noprofile -c 'source "$1"; _sbx_kind "$2" ""' _ "$(BASH_FILE)" "$h")
			echo "$sub: $h -> $kind"
			[ -n "$kind" ]
		done
	done
}

@test "completions: fish loads the file and completes an option, a value, a subcommand and a profile" {
	command -v fish >/dev/null || skip "fish is not installed (make deps)"
	local f=$COMP_DIR/usr/share/fish/vendor_completions.d/sbx.fish
	fc() { as_root fish --no-config -c 'source $argv[1]; complete -C $argv[2]' "$f" "$1" | cut -f1; }
	run fc "$SBX --ne"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(sort <<<"$output" | tr '\n' ' ')" = "--net --net-rules " ]
	run fc "$SBX --net "
	[ "$(sort <<<"$output" | tr '\n' ' ')" = "host none " ]
	run fc "$SBX profile "
	[ "$(sort <<<"$output" | tr '\n' ' ')" = "check directives dirs index show which " ]
	run fc "$SBX profile show cur"
	[ "$output" = curl ]
	run fc "$SBX desktop enable --sy"
	[ "$output" = --system ]
}

# zsh_tab LINE: types LINE and TAB into an interactive zsh with the installed _sbx on $fpath,
# then prints the line as completed. Each step waits for zsh's own output (its prompt, READY)
# through pty_keys.py, so typing never races zsh's start or compinit, and a step that never comes
# fails after 60 s with what zsh wrote.
zsh_tab() {
	# The installed _sbx, sourcing the bash file of this copy instead of /usr/share's.
	local zdir=$COMP_DIR/zsh out
	mkdir -p "$zdir"
	sed "s#/usr/share/bash-completion/completions/sbx#$(BASH_FILE)#" \
		"$COMP_DIR/usr/share/zsh/site-functions/_sbx" >"$zdir/_sbx"
	chmod -R a+rX "$zdir"
	# The prompt is written as <%%P> so that it shows as <%P> only when zsh prints it, never in the
	# echo of a typed line; RE''ADY likewise.
	out=$(as_root /usr/bin/python3 "$BATS_TEST_DIRNAME/../lib/pty_keys.py" \
		'<%P>' "fpath=($zdir \$fpath); autoload -Uz compinit; compinit -u -D; echo RE''ADY\\r" \
		'READY' '' \
		'<%P>' "$1\\t\\x01print -r -- RESULT: \\r" \
		'<%P>' 'exit\r' \
		-- env 'PS1=<%%P>' TERM=dumb zsh -f -i) || { printf '%s\n' "$out"; return 1; }
	printf '%s\n' "$out" | tr -d '\r' | sed -n 's/^RESULT: //p'
}

@test "completions: zsh completes through its _sbx (bashcompinit): a value and a profile name" {
	command -v zsh >/dev/null || skip "zsh is not installed (make deps)"
	run zsh_tab "$SBX --socket x11-t"
	echo "$output"
	[ "$output" = "$SBX --socket x11-trusted" ]
	run zsh_tab "$SBX profile show cur"
	echo "$output"
	[ "$output" = "$SBX profile show curl" ]
}

@test "completions: make install puts them where bash-completion, zsh and fish look" {
	[ -f "$COMP_DIR/usr/share/bash-completion/completions/sbx" ]
	[ -f "$COMP_DIR/usr/share/fish/vendor_completions.d/sbx.fish" ]
	run grep -c '@BASH_COMPLETION@' "$COMP_DIR/usr/share/zsh/site-functions/_sbx"
	[ "$output" = 0 ]
	grep -qF 'source "/usr/share/bash-completion/completions/sbx"' "$COMP_DIR/usr/share/zsh/site-functions/_sbx"
	run find "$COMP_DIR" -type f -perm /6000
	[ -z "$output" ]
}
