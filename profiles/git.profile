# git: works on the repository in the working directory (run it from the top of the work tree);
# host network for clone, fetch and push over http(s) and git://; reads your git configuration.
# No ~/.ssh: for ssh remotes put 'include ssh-client' in ~/.config/sbx/profiles/git.local.
include network
include hardened
include cwd
ro-bind-try ${HOME}/.gitconfig
ro-bind-try ${XDG_CONFIG_HOME}/git
# Author and committer names from the environment, and the editor git starts.
keepenv GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL GIT_EDITOR
