# unzip (zipinfo, funzip): lists and extracts archives into the working directory, and the paths
# named on its command line read-write (unzip ../a.zip -d ../dest). Never your home itself, a
# shared or system directory or ~/.ssh (sbx names what it left out). No network.
names zipinfo funzip
net none
include hardened
bind-try ${CWD}
grant-args rw
