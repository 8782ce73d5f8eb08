# openssl: file cryptography in the working directory (keys, certificates, digests, enc, smime);
# files named elsewhere are readable. No network (s_client and ocsp need sbx --net host), nothing
# else of the home: ~/.ssh and ~/.gnupg stay out unless granted.
net none
include hardened
bind-try ${CWD}
grant-args
