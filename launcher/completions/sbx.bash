# bash completion for sbx. Everything sbx-specific comes from the installed sbx at completion
# time, so the completion cannot go stale when options, values or subcommands change:
#   options and their values   the option lines of `sbx --help` ("  --net none|host   text")
#   subcommands                the usage lines of `sbx --help` ("sbx profile ...", "sbx desktop ...")
#   their words and flags      the usage lines of `sbx SUBCOMMAND --help`
#   profile names              the *.profile files in the directories `sbx profile dirs` prints
# A value written in lower case is a fixed set of words (none|host); upper case is a placeholder
# (NAME, PATH, APP, COMMAND), completed by kind. tests/integration/completions.bats checks every
# option, value and subcommand of --help against what this offers.
# Installed as /usr/share/bash-completion/completions/sbx. Written for bash; zsh and fish have
# their own files (sbx.zsh, sbx.fish) that follow the same rules.

# The sbx being completed: the word typed when it names a file (./build/sbx), else sbx on PATH.
_sbx_bin() {
	local b=${COMP_WORDS[0]}
	[[ $b == */* && -x $b ]] || b=sbx
	printf '%s\n' "$b"
}

# Appends each line of stdin that is not empty to COMPREPLY.
_sbx_add() {
	local line
	while IFS= read -r line; do
		[ -n "$line" ] && COMPREPLY+=("$line")
	done
	return 0
}

# The option lines of `sbx --help` as "--name" or "--name VALUE".
_sbx_options() {
	command "$(_sbx_bin)" --help 2>/dev/null | sed -n 's/^  \(--[a-z][a-z0-9-]*\)\( [^ ]*\)\{0,1\} .*/\1\2/p'
}

# The value word of OPTION in the help ("none|host", "SRC[:DST]"); fails for an unknown option,
# prints nothing for a flag.
_sbx_option_value() {
	local line found=1 values=""
	while IFS= read -r line; do
		[ "${line%% *}" = "$1" ] || continue
		found=0  # an option listed on several lines (--socket) has the values of all of them
		[ "$line" = "$1" ] || values="${values:+$values|}${line#* }"
	done < <(_sbx_options)
	[ -z "$values" ] || printf '%s\n' "$values"
	return $found
}

# The subcommands the usage lines of `sbx --help` name (profile, learn, seccomp, desktop).
_sbx_subcommands() {
	command "$(_sbx_bin)" --help 2>/dev/null | sed -n '/^$/q; s/^\(Usage:\)\{0,1\} *sbx \([a-z][a-z-]*\)\( .*\)\{0,1\}$/\2/p'
}

# The usage lines of `sbx SUB --help`, each without its leading "usage: sbx SUB ".
_sbx_sub_usage() {
	command "$(_sbx_bin)" "$1" --help 2>&1 | sed -n "s/^\\(usage:\\)\\{0,1\\} *sbx $1 //p"
}

# The words of SUB (profile: check show which dirs): the first word of each usage line when it
# is lower case, split at '|'.
_sbx_sub_words() {
	local first rest word='^[a-z][a-z|]*$'
	while read -r first rest; do
		[[ $first =~ $word ]] && printf '%s\n' "${first//|/$'\n'}"
	done < <(_sbx_sub_usage "$1") | sort -u
	return 0
}

# The usage lines of SUB WORD (desktop enable: two lines), without the word.
_sbx_sub_lines() {
	local first rest
	while read -r first rest; do
		[[ "|$first|" == *"|$2|"* ]] && printf '%s\n' "$rest"
	done < <(_sbx_sub_usage "$1")
	return 0
}

# The flags in usage lines on stdin, as "--flag" or "--flag ARG" ("[--prefix DIR]", "-o FILE").
_sbx_flags() {
	grep -oE '(^|[ [])--?[a-z][a-z-]*( [A-Z][A-Z-]*)?' | sed 's/^[ [] *//; s/^ //' | sort -u
}

# The positional placeholders of a usage line on stdin, in order (APP, PFC-FILE, BPF-FILE).
_sbx_placeholders() {
	sed -E 's/(^|[ [])--?[a-z][a-z-]*( [A-Z][A-Z-]*)?//g' | grep -oE '[A-Z][A-Za-z.|-]*' | head -n 20
}

# Profile names from the user, admin and distro directories.
_sbx_profile_names() {
	local kind dir f
	while IFS=$'\t' read -r kind dir; do
		for f in "$dir"/*.profile; do
			[ -f "$f" ] || continue
			f=${f##*/}
			printf '%s\n' "${f%.profile}"
		done
	done < <(command "$(_sbx_bin)" profile dirs 2>/dev/null)
	return 0
}

# What a placeholder stands for: profile, file, command, user or nothing (free text such as
# DURATION or NAME=VALUE). A placeholder may join several with '|' (APP|FILE.desktop).
_sbx_kind() {
	local part kinds=""
	local IFS='|'
	for part in $1; do
		part=${part%...}
		part=${part%%[[]*}
		case $part in
		APP | NAME) [ "$2" = --user ] && kinds+=" user" || kinds+=" profile" ;;
		*FILE* | *.desktop | PATH | DIR | SRC | DST) kinds+=" file" ;;
		COMMAND) kinds+=" command" ;;
		esac
	done
	printf '%s\n' "${kinds# }"
}

# Completes CUR as a value of the placeholder or word set VALUE (OPTION: the option it follows).
_sbx_complete_value() {
	local value=$1 cur=$2 option=$3 kind
	if [[ $value != *[A-Z]* ]]; then
		# A fixed word or set of words (none|host).
		_sbx_add < <(compgen -W "${value//|/ }" -- "$cur")
		return
	fi
	for kind in $(_sbx_kind "$value" "$option"); do
		case $kind in
		profile) _sbx_add < <(compgen -W "$(_sbx_profile_names)" -- "$cur") ;;
		file) compopt -o filenames 2>/dev/null
			_sbx_add < <(compgen -f -- "$cur") ;;
		command) _sbx_add < <(compgen -c -- "$cur") ;;
		user) _sbx_add < <(compgen -u -- "$cur") ;;
		esac
	done
}

# Options from word I on, then COMMAND and its own arguments (left to COMMAND's completion).
_sbx_complete_run() {
	local i=$1 cur=${COMP_WORDS[COMP_CWORD]} word value
	while [ "$i" -lt "$COMP_CWORD" ]; do
		word=${COMP_WORDS[i]}
		if [ "$word" = -- ] || [[ $word != -* ]]; then
			# COMMAND starts here: complete it and its arguments as if typed alone.
			[ "$word" != -- ] || i=$((i + 1))
			[ "$i" -lt "$COMP_CWORD" ] || break
			if [ -n "${BASH_VERSION-}" ] && declare -F _command_offset >/dev/null; then
				_command_offset "$i"
			else
				compopt -o default 2>/dev/null
			fi
			return
		fi
		i=$((i + 1))
		if value=$(_sbx_option_value "$word") && [ -n "$value" ]; then
			if [ "$i" -eq "$COMP_CWORD" ]; then
				_sbx_complete_value "$value" "$cur" "$word"
				return
			fi
			i=$((i + 1))
		fi
	done
	if [[ $cur == -* ]]; then
		_sbx_add < <(compgen -W "$(_sbx_options | cut -d' ' -f1) --" -- "$cur")
	else
		_sbx_add < <(compgen -c -- "$cur")
	fi
}

# sbx SUB WORD ...: WORD from SUB's usage, then its flags and positional arguments.
_sbx_complete_sub() {
	local sub=$1 cur=${COMP_WORDS[COMP_CWORD]}
	if [ "$COMP_CWORD" -eq 2 ]; then
		_sbx_add < <(compgen -W "$(_sbx_sub_words "$sub")" -- "$cur")
		return
	fi
	local lines flags line arg i=3 n=0 word
	lines=$(_sbx_sub_lines "$sub" "${COMP_WORDS[2]}")
	[ -n "$lines" ] || return 0
	flags=$(printf '%s\n' "$lines" | _sbx_flags)
	# Walk the words before CUR: flags (and their argument), positional arguments.
	while [ "$i" -lt "$COMP_CWORD" ]; do
		word=${COMP_WORDS[i]}
		i=$((i + 1))
		arg=""
		while IFS= read -r line; do
			[ "${line%% *}" = "$word" ] && [ "$line" != "$word" ] && arg=${line#* }
		done <<<"$flags"
		if [ -n "$arg" ]; then
			if [ "$i" -eq "$COMP_CWORD" ]; then
				_sbx_complete_value "$arg" "$cur" "$word"
				return
			fi
			i=$((i + 1))
		elif [[ $word != -* ]]; then
			n=$((n + 1))
		fi
	done
	if [[ $cur == -* ]]; then
		_sbx_add < <(compgen -W "$(printf '%s\n' "$flags" | cut -d' ' -f1)" -- "$cur")
		return
	fi
	# The placeholder for positional argument n (0-based); a last "..." one repeats.
	local holders holder=""
	holders=$(printf '%s\n' "$lines" | _sbx_placeholders)
	i=0
	while IFS= read -r line; do
		[ -n "$line" ] || continue
		if [ "$i" -eq "$n" ] || { [ "$i" -lt "$n" ] && [[ $line == *... ]]; }; then
			holder=$line
		fi
		i=$((i + 1))
	done <<<"$holders"
	[ -n "$holder" ] && _sbx_complete_value "$holder" "$cur" ""
	return 0
}

_sbx() {
	local cur=${COMP_WORDS[COMP_CWORD]} sub
	COMPREPLY=()
	if [ "$COMP_CWORD" -eq 1 ] && [[ $cur != -* ]]; then
		_sbx_add < <(compgen -W "$(_sbx_subcommands)" -- "$cur")
		_sbx_add < <(compgen -c -- "$cur")
		return 0
	fi
	sub=${COMP_WORDS[1]}
	if [ "$sub" = learn ]; then
		# sbx learn [-o FILE] [OPTIONS...] -- COMMAND: sbx's own options plus -o.
		local start=2
		if [ "${COMP_WORDS[COMP_CWORD - 1]}" = -o ]; then
			compopt -o filenames 2>/dev/null
			_sbx_add < <(compgen -f -- "$cur")
			return 0
		fi
		[ "${COMP_WORDS[2]}" = -o ] && [ "$COMP_CWORD" -gt 3 ] && start=4
		_sbx_complete_run "$start"
		[ "$COMP_CWORD" -eq 2 ] && [[ $cur == -* ]] && _sbx_add < <(compgen -W "-o" -- "$cur")
		return 0
	fi
	if [[ $sub != -* ]] && _sbx_subcommands | grep -qx -- "$sub"; then
		_sbx_complete_sub "$sub"
		return 0
	fi
	_sbx_complete_run 1
	return 0
}

complete -F _sbx sbx
