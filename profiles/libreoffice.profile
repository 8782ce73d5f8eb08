# libreoffice (soffice, lowriter and the other lo* names): edits the documents named on its
# command line in a window on your X display, with each document's directory read-write (it
# writes a lock file `.~lock.NAME#` beside the document and saves through a new copy there), and
# converts them (`--headless --convert-to pdf --outdir DIR`, DIR granted as it is named; without
# --outdir the result goes to the working directory, which is granted only when it is a named
# document's directory). Its user profile, ~/.config/libreoffice, when that exists (create it once,
# or every run starts from a fresh profile that sbx discards). No network: no updates, no
# extensions download, no remote files. Documents it opens from its own dialog must be granted
# (--bind DIR).
names soffice lowriter localc limpress lodraw lomath lobase loweb loffice
socket x11
include desktop
include hardened
grant-args edit
bind-try ${XDG_CONFIG_HOME}/libreoffice
