#!/usr/bin/env python3
"""The applications of the corpus: a tiny HTTP-like server and client.

Run inside a namespace by make_corpus.py, arguments as key=value:

    python3 apps.py server port=8080 [think=2] [stall=3 stall_after=20000]
                           [rcvbuf=16384] [conns=1]
    python3 apps.py client server=10.2.0.2 port=8080 sport=40001
                           [get=1000000 | put=300000] [stall=3 stall_after=N]
                           [rcvbuf=16384] [timeout=30]

GET /N answers N bytes; PUT sends N bytes that the server reads.  ``think``:
the server sleeps before answering; ``stall``: the reader (client for GET,
server for PUT) stops reading for that many seconds after ``stall_after``
bytes.  Every socket uses cubic (the host default is bbr, and a namespace
cannot change it), so loss recovery looks like most servers'.  The client
prints one JSON line: connect time, bytes, error (e.g. ECONNREFUSED).
"""

import errno
import json
import socket
import sys
import time

CONGESTION = b"cubic"


def new_socket(rcvbuf=0):
    s = socket.socket()
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, CONGESTION)
    if rcvbuf:          # before connect/listen, so the window starts small
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    return s


def body(n):
    pat = b"0123456789abcdefghijklmnopqrstuvwxyz\n"
    return (pat * (n // len(pat) + 1))[:n]


def read_head(s):
    buf = b""
    while b"\r\n\r\n" not in buf:
        d = s.recv(4096)
        if not d:
            break
        buf += d
    head, _, rest = buf.partition(b"\r\n\r\n")
    return head, rest


def content_length(head):
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            return int(line.split(b":")[1])
    return 0


def read_body(s, length, got, stall=0.0, stall_after=0):
    """Read until ``length`` bytes; pause ``stall`` s once past stall_after."""
    stalled = not stall
    while got < length:
        if not stalled and got >= stall_after:
            time.sleep(stall)
            stalled = True
        want = length - got
        if not stalled:
            want = min(want, max(stall_after - got, 1))
        d = s.recv(min(want, 65536))
        if not d:
            break
        got += len(d)
    return got


def drain(s):
    try:
        while s.recv(65536):
            pass
    except OSError:
        pass


def serve_one(c, think, stall, stall_after):
    head, rest = read_head(c)
    if head.startswith(b"PUT"):
        read_body(c, content_length(head), len(rest), stall, stall_after)
        c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
    else:
        size = int(head.split(b" ")[1].lstrip(b"/") or 0)
        if think:
            time.sleep(think)
        c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % size
                  + body(size))
    c.shutdown(socket.SHUT_WR)
    drain(c)
    c.close()


def server(port, think=0, stall=0, stall_after=0, rcvbuf=0, conns=1):
    ls = new_socket(int(rcvbuf))
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("0.0.0.0", int(port)))
    ls.listen(8)
    print("listening", flush=True)
    for _ in range(int(conns)):
        c, _ = ls.accept()
        serve_one(c, float(think), float(stall), int(stall_after))


def client(server, port, sport, get=None, put=None, stall=0, stall_after=0,
           rcvbuf=0, timeout=30):
    res = {"sport": int(sport), "error": None, "bytes": 0}
    t0 = time.monotonic()
    s = new_socket(int(rcvbuf))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.settimeout(float(timeout))
    try:
        s.bind(("0.0.0.0", int(sport)))
        s.connect((server, int(port)))
        res["connect_s"] = round(time.monotonic() - t0, 4)
        if put is not None:
            s.sendall(b"PUT /up HTTP/1.1\r\nContent-Length: %d\r\n\r\n"
                      % int(put) + body(int(put)))
            res["bytes"] = int(put)
            read_head(s)
        else:
            s.sendall(b"GET /%d HTTP/1.1\r\nHost: %s\r\n\r\n"
                      % (int(get or 0), server.encode()))
            head, rest = read_head(s)
            res["bytes"] = read_body(s, content_length(head), len(rest),
                                     float(stall), int(stall_after))
        drain(s)
    except OSError as e:
        res["error"] = errno.errorcode.get(e.errno, str(e)) if e.errno \
            else type(e).__name__
    res["elapsed_s"] = round(time.monotonic() - t0, 4)
    s.close()
    print(json.dumps(res), flush=True)


def main(argv):
    kwargs = dict(a.split("=", 1) for a in argv[1:])
    {"server": server, "client": client}[argv[0]](**kwargs)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
