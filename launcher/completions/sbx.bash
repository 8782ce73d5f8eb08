# bash completion for sbx. Options and their fixed values come from `sbx --help` and profile names
# from the directories `sbx profile dirs` prints, so the completion follows the installed sbx.
# Installed as /usr/share/bash-completion/completions/sbx; zsh reuses it through bashcompinit.

# The option lines of `sbx --help` ("  --name VALUE  text"), read once per shell.
_sbx_help_lines() {
	if [ -z "${_sbx_help_cache-}" ]; then
		_sbx_help_cache=$(command sbx --help 2>/dev/null | sed -n 's/^  \(--[a-z-]*\)\( [^ ]*\)\{0,1\} .*/\1\2/p')
	fi
	printf '%s\n' "$_sbx_help_cache"
}

# The value word of OPTION in the help ("none|host", "SRC[:DST]"), empty for a flag.
_sbx_option_value() {
	local line
	while IFS= read -r line; do
		if [ "${line%% *}" = "$1" ]; then
			[ "$line" = "$1" ] || printf '%s\n' "${line#* }"
			return 0
		fi
	done < <(_sbx_help_lines)
	return 1
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
	done < <(command sbx profile dirs 2>/dev/null)
}

# Completes the value of an option whose help names VALUE.
_sbx_complete_value() {
	local value=$1 cur=$2
	if [[ $value != *[A-Z]* ]]; then
		# A fixed word or set of words (none|host); upper case marks a placeholder (NAME|PATH).
		mapfile -t COMPREPLY < <(compgen -W "${value//|/ }" -- "$cur")
		return
	fi
	case $value in
	NAME\|PATH) mapfile -t COMPREPLY < <(compgen -W "$(_sbx_profile_names)" -- "$cur")
		[[ $cur == */* ]] && mapfile -t COMPREPLY < <(compgen -f -- "$cur") ;;
	SRC* | DST | DIR | PATH) compopt -o filenames 2>/dev/null
		mapfile -t COMPREPLY < <(compgen -f -- "$cur") ;;
	NAME) [[ $3 == --user ]] && mapfile -t COMPREPLY < <(compgen -u -- "$cur") ;;
	*) COMPREPLY=() ;;
	esac
}

# Options, then COMMAND and its own arguments (left to COMMAND's completion where one exists).
_sbx_complete_run() {
	local i=$1 cur=${COMP_WORDS[COMP_CWORD]} word value
	while [ "$i" -lt "$COMP_CWORD" ]; do
		word=${COMP_WORDS[i]}
		if [ "$word" = -- ] || [[ $word != -* ]]; then
			# COMMAND starts here (after --): complete it and its arguments as if typed alone.
			[ "$word" != -- ] || i=$((i + 1))
			[ "$i" -lt "$COMP_CWORD" ] || break
			if declare -F _command_offset >/dev/null; then
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
		mapfile -t COMPREPLY < <(compgen -W "$(_sbx_help_lines | cut -d' ' -f1) --" -- "$cur")
	else
		compopt -o filenames 2>/dev/null
		mapfile -t COMPREPLY < <(compgen -c -- "$cur")
	fi
}

_sbx() {
	local cur=${COMP_WORDS[COMP_CWORD]}
	COMPREPLY=()
	if [ "$COMP_CWORD" -eq 1 ] && [[ $cur != -* ]]; then
		mapfile -t COMPREPLY < <(compgen -W "profile learn seccomp" -- "$cur")
		local more
		mapfile -t more < <(compgen -c -- "$cur")
		COMPREPLY+=("${more[@]}")
		return
	fi
	case ${COMP_WORDS[1]} in
	profile)
		if [ "$COMP_CWORD" -eq 2 ]; then
			mapfile -t COMPREPLY < <(compgen -W "check show which dirs" -- "$cur")
		elif [[ $cur == -* ]]; then
			mapfile -t COMPREPLY < <(compgen -W "--json" -- "$cur")
		else
			case ${COMP_WORDS[2]} in
			check) compopt -o filenames 2>/dev/null
				mapfile -t COMPREPLY < <(compgen -f -- "$cur") ;;
			show) mapfile -t COMPREPLY < <(compgen -W "$(_sbx_profile_names)" -- "$cur") ;;
			which) mapfile -t COMPREPLY < <(compgen -c -- "$cur") ;;
			esac
		fi
		;;
	seccomp)
		if [ "$COMP_CWORD" -eq 2 ]; then
			mapfile -t COMPREPLY < <(compgen -W "export" -- "$cur")
		elif [ "$COMP_CWORD" -eq 3 ]; then
			mapfile -t COMPREPLY < <(compgen -W "$(_sbx_profile_names)" -- "$cur")
		else
			compopt -o filenames 2>/dev/null
			mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		fi
		;;
	learn)
		if [ "${COMP_WORDS[COMP_CWORD - 1]}" = -o ]; then
			compopt -o filenames 2>/dev/null
			mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		elif [ "$COMP_CWORD" -eq 2 ] && [[ $cur == -* ]]; then
			_sbx_complete_run 2
			COMPREPLY+=($(compgen -W "-o" -- "$cur"))
		else
			local start=2
			[ "${COMP_WORDS[2]}" = -o ] && start=4
			_sbx_complete_run "$start"
		fi
		;;
	*) _sbx_complete_run 1 ;;
	esac
}

complete -F _sbx sbx
