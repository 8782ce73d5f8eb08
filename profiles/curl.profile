# curl: transfers URLs. Host network; writes only into the working directory (-o, -O) and reads
# its own configuration. The rest of the home (~/.ssh, ~/.netrc, ...) stays hidden.
# Downloads (-O, -o FILE) land in the working directory when it is granted: run curl from a project
# or download directory. From your home directory (never granted) they go to the sandbox's private
# home and are discarded at exit; sbx then lists them (--keep-discarded DIR copies them out).
include network
include hardened
bind-try ${CWD}
ro-bind-try ${HOME}/.curlrc
ro-bind-try ${XDG_CONFIG_HOME}/curlrc
