# transmission-gtk: a BitTorrent client over the host network in a window on your X display, with
# its settings, resume data and torrent list in ~/.config/transmission when that exists (create
# it once, or every run starts with no torrents and sbx discards what it wrote), the download
# directory read-write, and the .torrent files named on its command line read-only. Saving
# elsewhere needs that directory granted (--bind DIR).
socket x11
include desktop
include network
include hardened
include downloads
bind-try ${XDG_CONFIG_HOME}/transmission
grant-args
