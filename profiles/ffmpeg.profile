# ffmpeg: converts media in the working directory and the paths named on the command line,
# read-write (the directory of an output that does not exist yet). Reads ~/.ffmpeg presets. No
# network: http://, rtmp:// and other stream inputs and outputs fail (ffmpeg.local with
# 'override net host' for streaming). No devices (cameras, sound).
net none
include hardened
bind-try ${CWD}
grant-args rw
ro-bind-try ${HOME}/.ffmpeg
