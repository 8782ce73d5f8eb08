# curl: transfers URLs. Host network; writes only into the working directory (-o, -O) and reads
# its own configuration. The rest of the home (~/.ssh, ~/.netrc, ...) stays hidden.
# -O/-o files land in the working directory; from ~ (never granted) they are discarded, and sbx says so.
include network
include hardened
bind-try ${CWD}
ro-bind-try ${HOME}/.curlrc
ro-bind-try ${XDG_CONFIG_HOME}/curlrc
