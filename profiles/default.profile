# sbx default profile: used for every app without a profile of its own (sbx says so on stderr).
# Nothing is granted: no network, an empty private home, private /tmp, a minimal /dev, read-only
# /usr and /etc. To give an app more, write ~/.config/sbx/profiles/APP.profile (sbx-profile(5)).
net none
landlock required
