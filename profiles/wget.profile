# wget: downloads into the working directory over the host network; reads ~/.wgetrc.
# From your home directory (never granted) downloads go to the sandbox's private home and are
# discarded at exit; sbx then lists them (--keep-discarded DIR copies them out).
include network
include hardened
bind-try ${CWD}
ro-bind-try ${HOME}/.wgetrc
