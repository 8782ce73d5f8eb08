# mpv: plays the files named on its command line (read-only) in a window on your X display, with
# its configuration (~/.config/mpv) read-only. No network, so no streams. No sound yet: mpv carries
# on without audio output until a later version grants `socket pulseaudio`; no GPU either (a
# later `device dri`), so it draws with the X11 video output.
socket x11
include desktop
include hardened
grant-args
ro-bind-try ${XDG_CONFIG_HOME}/mpv
