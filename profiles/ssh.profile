# ssh: the OpenSSH client. Host network; reads ~/.ssh (configuration, keys) but cannot change it,
# except known_hosts, where new host keys are remembered; the agent's socket from SSH_AUTH_SOCK is
# reachable (only that socket). Nothing else of the home.
include network
include hardened
include ssh-client
include ssh-remote
