# vim (vi, ex, view, vimdiff, rvim, vim.basic, vim.tiny): edits files in the working directory
# and the files named on its command line, read-write (vim ../notes.txt; swap and backup files
# of those go to the working directory's ., the private /tmp or ~). Reads ~/.vimrc and ~/.vim;
# .viminfo history stays in the private home and is discarded. No network: :!cmd runs here too.
names vi ex view vimdiff rvim rview vim.basic vim.tiny vim.nox
net none
include hardened
bind-try ${CWD}
grant-args rw
ro-bind-try ${HOME}/.vimrc
ro-bind-try ${HOME}/.vim
ro-bind-try ${XDG_CONFIG_HOME}/vim
