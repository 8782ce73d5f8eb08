# git: works on the repository around the working directory (its top level ${GIT_TOP}, found by
# walking up to .git, also from a subdirectory) and on the working directory itself; host network
# for clone, fetch and push over http(s), git:// and ssh (known_hosts and the agent's socket; your
# keys stay unreadable: for keys on disk put 'include ssh-client' in ~/.config/sbx/profiles/git.local).
# Reads your git configuration.
include network
include hardened
bind-try ${GIT_TOP}
include cwd
include ssh-remote
ro-bind-try ${HOME}/.gitconfig
ro-bind-try ${XDG_CONFIG_HOME}/git
# Author and committer names from the environment, and the editor git starts.
keepenv GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL GIT_EDITOR
