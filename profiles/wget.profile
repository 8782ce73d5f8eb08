# wget: downloads into the working directory over the host network; reads ~/.wgetrc.
# Run from ~ (never granted), its downloads are discarded at exit, and sbx says so.
include network
include hardened
bind-try ${CWD}
ro-bind-try ${HOME}/.wgetrc
