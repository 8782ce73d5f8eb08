# ssh: the OpenSSH client. Host network; reads ~/.ssh (configuration, keys, known hosts) but
# cannot change it, so new host keys are not remembered (grant it in ssh.local:
# 'bind ${HOME}/.ssh/known_hosts'). The agent socket is not reachable; nothing else of the home.
include network
include hardened
include ssh-client
