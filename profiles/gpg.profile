# gpg: encrypts, decrypts, signs and verifies in the working directory and the files named on its
# command line (read-write, for --output). Keys live where GNUPGHOME (passed in) or --homedir
# point, in the working directory or a directory named on the command line; without them gpg gets
# an empty ~/.gnupg in the private home, discarded at exit (sbx says so). Your own ~/.gnupg is never
# granted (sbx refuses it as a working directory or argument too): the keys stay out of reach of
# what gpg parses. gpg-agent starts inside the sandbox and ends with it. No network (no keyserver).
keepenv GNUPGHOME
net none
include hardened
bind-try ${CWD}
grant-args rw
