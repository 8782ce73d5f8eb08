# sbx default profile: used for every app without a profile of its own (sbx says so on stderr).
# No network, an empty private home, private /tmp, a minimal /dev, read-only /usr and /etc, and
# the working directory read-write when it is a project directory: never the home or above it,
# never a shared, socket or system directory (sbx says why it leaves it out; grant a directory
# with --bind DIR). To give an app more, write ~/.config/sbx/profiles/APP.profile (sbx-profile(5)).
net none
landlock required
bind-try ${CWD}
