#!/usr/bin/env python3
"""Drives an interactive program on a pseudo-terminal, for tests of editors and pagers.

pty_keys.py EXPECT KEYS [EXPECT KEYS]... -- COMMAND [ARG]...

Starts COMMAND on a new pty (TERM=xterm, 80x24), and for each pair waits until the program has
written EXPECT (a plain substring of its output since the previous match) and then types KEYS
(Python escapes: \\r, \\x18 for ^X). Nothing depends on timing: a step waits for the program's own
output, up to 60 s before it fails. After the last step it reads until the program exits, prints
everything the program wrote (decoded, escapes kept) and exits with the program's status; 124
when an EXPECT never came (the output so far is printed).
"""
import fcntl
import os
import pty
import select
import struct
import sys
import termios
import time


def main():
    sep = sys.argv.index("--")
    steps, cmd = sys.argv[1:sep], sys.argv[sep + 1:]
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["TERM"] = "xterm"
        os.execvp(cmd[0], cmd)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    seen = b""
    pending = b""

    def read_some(deadline):
        nonlocal seen, pending
        r, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        if not r:
            return False
        try:
            data = os.read(fd, 4096)
        except OSError:
            data = b""
        if not data:
            return None
        seen += data
        pending += data
        return True

    for i in range(0, len(steps), 2):
        want = steps[i].encode()
        deadline = time.monotonic() + 60
        while want not in pending:
            got = read_some(deadline)
            if not got:
                sys.stdout.write(seen.decode(errors="replace"))
                sys.stdout.write("\npty_keys: never saw %r\n" % steps[i])
                os.kill(pid, 9)
                os.waitpid(pid, 0)
                sys.exit(124)
        pending = pending[pending.index(want) + len(want):]
        os.write(fd, steps[i + 1].encode().decode("unicode_escape").encode("latin-1"))
    while read_some(time.monotonic() + 60):
        pass
    _, status = os.waitpid(pid, 0)
    sys.stdout.write(seen.decode(errors="replace"))
    sys.exit(os.waitstatus_to_exitcode(status))


main()
