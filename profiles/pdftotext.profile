# pdftotext and the other poppler-utils (pdftoppm, pdfinfo, pdfimages, pdftocairo, pdftohtml,
# pdftops, pdffonts, pdfseparate, pdfunite, pdfdetach, pdfattach): read the PDF files named on the
# command line and the working directory, write their output into the working directory (an
# output beside an input elsewhere needs running there). No network.
names pdftoppm pdfinfo pdfimages pdftocairo pdftohtml pdftops pdffonts pdfseparate pdfunite pdfdetach
names pdfattach
net none
include hardened
bind-try ${CWD}
grant-args
# Rendering builds a fontconfig cache: private and silent (a cache other apps parse stays yours).
tmpfs ${XDG_CACHE_HOME}/fontconfig
