# nano (rnano): edits files in the working directory and the files named on its command line,
# read-write; reads ~/.nanorc and ~/.config/nano. Its search history and cursor positions (if
# enabled) stay in the private home and are discarded. No network.
names rnano pico
net none
include hardened
bind-try ${CWD}
grant-args rw
ro-bind-try ${HOME}/.nanorc
ro-bind-try ${XDG_CONFIG_HOME}/nano
