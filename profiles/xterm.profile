# xterm (uxterm, lxterm, koi8rxterm): a terminal window on your X display whose shell runs in the
# same sandbox: an empty home, nothing of yours, no network; grant directories with --bind DIR.
# /dev/tty goes in because xterm opens it once its pty is the controlling terminal.
names uxterm lxterm koi8rxterm
socket x11
include desktop
include hardened
dev-bind-try /dev/tty
