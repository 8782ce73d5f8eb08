# vlc (cvlc, qvlc, nvlc, rvlc): plays the files named on its command line (read-only) in a window
# on your X display, with its settings in ~/.config/vlc when that exists. No network, so no
# streams, no album art or subtitle downloads. No sound yet, as with mpv: VLC plays the picture
# and drops the sound until a later version grants `socket pulseaudio`; no GPU either (a later
# `device dri`), so it draws with its X11 output.
names cvlc qvlc nvlc rvlc
socket x11
include desktop
include hardened
grant-args
bind-try ${XDG_CONFIG_HOME}/vlc
