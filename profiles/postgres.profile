# PostgreSQL's server (postgres, initdb, pg_ctl) with a cluster in a directory you grant: the
# working directory, or the data directory named on the command line (-D), e.g.
#   sbx /usr/lib/postgresql/15/bin/initdb -D ~/pg/data
#   sbx /usr/lib/postgresql/15/bin/postgres -D ~/pg/data -k ~/pg/data -p 5433 -c listen_addresses=127.0.0.1
# It listens on ports 5432-5499 and connects nowhere; its Unix socket goes where -k puts it
# (Debian's /run/postgresql is not granted). Nothing else of the home. Started by root it runs as
# the postgres account, whose cluster directory it must be (as for Debian's own clusters).
names initdb pg_ctl
user postgres
include network
include hardened
net-bind 5432-5499
bind-try ${CWD}
grant-args rw
