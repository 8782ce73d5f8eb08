# gs (Ghostscript, also ps2pdf and friends): renders and converts PostScript and PDF in the working
# directory; documents named elsewhere are readable. A hostile document's file operators reach
# only those (and the read-only system). No network, nothing else of the home.
names ghostscript gsnd ps2pdf ps2pdfwr ps2ps pdf2ps eps2eps
net none
include hardened
bind-try ${CWD}
grant-args
