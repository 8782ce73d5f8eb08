# exiftool: reads and writes image, audio and document metadata of the files in the working
# directory and of those named on its command line (read-only elsewhere: writing metadata in
# place outside the working directory needs running there). Untrusted files are its daily input:
# no network, nothing else of the home.
net none
include hardened
bind-try ${CWD}
grant-args
