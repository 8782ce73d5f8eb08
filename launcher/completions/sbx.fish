# fish completion for sbx. Same rules as sbx.bash: options, their values and subcommands come
# from `sbx --help` and `sbx SUBCOMMAND --help` at completion time, profile names from the
# directories `sbx profile dirs` prints; lower-case values are fixed words (none|host), upper-case
# ones placeholders completed by kind (APP: profiles, FILE/PATH/DIR: files, COMMAND: commands).
# Installed as $PREFIX/share/fish/vendor_completions.d/sbx.fish.

function __sbx_bin
    set -l b (commandline -opc)[1]
    if string match -q -- '*/*' $b; and test -x $b
        echo $b
    else
        echo sbx
    end
end

function __sbx_options
    set -l bin (__sbx_bin)
    command $bin --help 2>/dev/null | string replace -rf '^  (--[a-z][a-z0-9-]*)( [^ ]+)? .*' '$1$2'
end

function __sbx_subcommands
    set -l bin (__sbx_bin)
    command $bin --help 2>/dev/null | while read -l line
        test -z "$line"; and break
        string replace -rf '^(?:Usage:)? *sbx ([a-z][a-z-]*)(?: .*)?$' '$1' -- $line
    end
end

function __sbx_sub_usage -a sub
    set -l bin (__sbx_bin)
    command $bin $sub --help 2>&1 | string replace -rf "^(?:usage:)? *sbx $sub " ''
end

function __sbx_profile_names
    set -l bin (__sbx_bin)
    command $bin profile dirs 2>/dev/null | while read -l kind dir
        for f in $dir/*.profile
            test -f $f; and string replace -r '\.profile$' '' -- (path basename $f)
        end
    end
end

# Candidates for the placeholder or word set VALUE after OPTION.
function __sbx_value -a value option
    if not string match -qr '[A-Z]' -- $value
        string split '|' -- $value
        return
    end
    for part in (string split '|' -- $value)
        set part (string replace -r '\.\.\.$' '' -- $part | string replace -r '\[.*' '')
        switch $part
            case APP NAME
                if test "$option" = --user
                    __fish_complete_users
                else
                    __sbx_profile_names
                end
            case '*FILE*' '*.desktop' PATH DIR SRC DST
                __fish_complete_path (commandline -ct)
            case COMMAND
                __fish_complete_command
        end
    end
end

# Options from token I on, then COMMAND (completed as if typed alone).
function __sbx_run -a i
    set -l tokens (commandline -opc)
    set -l cur (commandline -ct)
    set -l opts (__sbx_options)
    while test $i -le (count $tokens)
        set -l word $tokens[$i]
        if test "$word" = --; or not string match -q -- '-*' $word
            test "$word" = --; and set i (math $i + 1)
            test $i -le (count $tokens); or break
            complete -C (string join ' ' -- (string escape -- $tokens[$i..-1]) $cur)
            return
        end
        set i (math $i + 1)
        set -l line (string match -- "$word *" $opts)
        if test -n "$line"
            if test $i -gt (count $tokens)
                __sbx_value (string split -m1 ' ' -- $line)[2] $word
                return
            end
            set i (math $i + 1)
        end
    end
    if string match -q -- '-*' $cur
        string replace -r ' .*' '' -- $opts
        echo --
    else
        __fish_complete_command
    end
end

function __sbx_sub -a sub
    set -l tokens (commandline -opc)
    if test (count $tokens) -eq 2
        for first in (__sbx_sub_usage $sub | string replace -r ' .*' '')
            string match -qr '^[a-z][a-z|]*$' -- $first; and string split '|' -- $first
        end | sort -u
        return
    end
    set -l lines
    for line in (__sbx_sub_usage $sub)
        set -l first (string split -m1 ' ' -- $line)
        contains -- $tokens[3] (string split '|' -- $first[1]); and set -a lines "$first[2]"
    end
    test -n "$lines"; or return
    set -l flags (string match -ar '(?:^|[ \[])(--?[a-z][a-z-]*(?: [A-Z][A-Z-]*)?)' -- $lines | string match -r '^--?[a-z].*' | sort -u)
    set -l n 0
    set -l i 4
    while test $i -le (count $tokens)
        set -l word $tokens[$i]
        set i (math $i + 1)
        set -l line (string match -- "$word *" $flags)
        if test -n "$line"
            if test $i -gt (count $tokens)
                __sbx_value (string split -m1 ' ' -- $line)[2] $word
                return
            end
            set i (math $i + 1)
        else if not string match -q -- '-*' $word
            set n (math $n + 1)
        end
    end
    if string match -q -- '-*' (commandline -ct)
        string replace -r ' .*' '' -- $flags
        return
    end
    set -l holders (string replace -ar '(^|[ \[])--?[a-z][a-z-]*( [A-Z][A-Z-]*)?' '' -- $lines | string match -ar '[A-Z][A-Za-z.|-]*')
    set -l holder
    for j in (seq (count $holders))
        if test (math $j - 1) -eq $n; or begin; test (math $j - 1) -lt $n; and string match -q -- '*...' $holders[$j]; end
            set holder $holders[$j]
        end
    end
    test -n "$holder"; and __sbx_value $holder ''
end

function __sbx_complete
    set -l tokens (commandline -opc)
    set -l cur (commandline -ct)
    if test (count $tokens) -eq 1; and not string match -q -- '-*' $cur
        __sbx_subcommands
        __fish_complete_command
        return
    end
    set -l sub $tokens[2]
    if test "$sub" = learn
        if test "$tokens[-1]" = -o
            __fish_complete_path $cur
            return
        end
        set -l start 3
        test (count $tokens) -ge 4; and test "$tokens[3]" = -o; and set start 5
        __sbx_run $start
        test (count $tokens) -eq 2; and string match -q -- '-*' $cur; and echo -o
        return
    end
    if contains -- $sub (__sbx_subcommands)
        __sbx_sub $sub
        return
    end
    __sbx_run 2
end

complete -c sbx -f -a '(__sbx_complete)'
