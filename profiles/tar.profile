# tar: creates and extracts archives in the working directory, and nothing outside it. No network.
net none
include hardened
include cwd
