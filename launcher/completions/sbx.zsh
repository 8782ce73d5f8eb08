#compdef sbx
# zsh completion for sbx: the bash completion (sbx.bash, installed as
# @BASH_COMPLETION@) through zsh's bashcompinit, so both shells follow the same rules, which
# read options, values and subcommands from `sbx --help` at completion time.
# Installed as $PREFIX/share/zsh/site-functions/_sbx. Its first run sources the bash file, which
# replaces this function with the bash one of the same name and registers it for sbx
# (`complete -F _sbx sbx`); then it completes the current word through that.
autoload -U +X bashcompinit && bashcompinit
source "@BASH_COMPLETION@" || return 1
_bash_complete -F _sbx
