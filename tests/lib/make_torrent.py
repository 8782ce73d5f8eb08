#!/usr/bin/python3
"""make_torrent.py FILE NAME: writes a single-file .torrent for NAME (a made-up payload, a tracker
on a loopback port nothing listens on) to FILE and prints its info hash (hex), the name
transmission gives its copy in its torrents directory. For tests/integration/gui-office.bats."""
import hashlib
import sys


def bencode(x):
    if isinstance(x, int):
        return b"i%de" % x
    if isinstance(x, str):
        x = x.encode()
    if isinstance(x, bytes):
        return b"%d:" % len(x) + x
    if isinstance(x, list):
        return b"l" + b"".join(map(bencode, x)) + b"e"
    return b"d" + b"".join(bencode(k) + bencode(v) for k, v in sorted(x.items())) + b"e"


data = b"sbx office torrent payload\n" * 100
piece = 16384
info = {"name": sys.argv[2], "length": len(data), "piece length": piece,
        "pieces": b"".join(hashlib.sha1(data[i:i + piece]).digest() for i in range(0, len(data), piece))}
with open(sys.argv[1], "wb") as f:
    f.write(bencode({"announce": "http://127.0.0.1:9/announce", "info": info}))
print(hashlib.sha1(bencode(info)).hexdigest())
