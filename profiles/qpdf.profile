# qpdf: checks, decrypts, linearises, splits and merges PDF files in the working directory; PDFs
# named on the command line elsewhere are readable. No network, nothing else of the home.
names fix-qdf zlib-flate
net none
include hardened
bind-try ${CWD}
grant-args
