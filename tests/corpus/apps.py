#!/usr/bin/env python3
"""The applications of the corpus: a tiny HTTP-like server and client.

Run inside a namespace by make_corpus.py, arguments as key=value:

    python3 apps.py server port=8080 [think=2] [stall=3 stall_after=20000]
                           [rcvbuf=16384] [conns=1] [pace=0.05 chunk=8192]
                           [chat=300] [maxrate=1500000]
    python3 apps.py client server=10.2.0.2 port=8080 sport=40001
                           [get=1000000 | put=300000 | chat=0.6,1.2 | nagle=20]
                           [stall=3 stall_after=N] [rcvbuf=16384]
                           [timeout=30] [linger0=0.3] [hold=0.5]
    python3 apps.py scan server=10.2.0.2 ports=9001-9030 sport=40101
                         [gap=0.01]

GET /N answers N bytes; PUT sends N bytes that the server reads.  ``think``:
the server sleeps before answering; ``stall``: the reader (client for GET,
server for PUT) stops reading for that many seconds after ``stall_after``
bytes.  ``pace``: the server writes its answer ``chunk`` bytes at a time,
``pace`` s apart (little in flight).  ``chat``: an interactive session (SSH-
like): the client sleeps each listed pause (its user's think time), sends a
one-line command and reads the server's immediate ``chat``-byte answer, then
closes.  ``hold``: the client waits that long between connecting and its
request (parallel clients: every handshake done before any data).
``nagle``: that many commands, each written in two small writes
(write-write-read, Nagle left on) to a ``chat`` server, the answer read after
each.  ``linger0``: once all is read (the server's FIN too), the client waits
that many seconds and closes with SO_LINGER {1, 0} (a RST instead of a FIN).
``conns``: the server serves that many connections, each in a thread;
``maxrate``: its sockets send no faster than that many bytes/s, paced.  ``scan``: a connect scan, one SYN every
``gap`` s to each port from consecutive source ports.  Every socket uses cubic (the host default is bbr, and a namespace
cannot change it), so loss recovery looks like most servers'.  The client
prints one JSON line: connect time, bytes, error (e.g. ECONNREFUSED).
"""

import errno
import json
import select
import socket
import struct
import sys
import threading
import time

CONGESTION = b"cubic"
SO_MAX_PACING_RATE = 47  # asm-generic/socket.h; Python's socket module lacks it


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


def send_paced(c, data, pace, chunk):
    for i in range(0, len(data), chunk):
        c.sendall(data[i:i + chunk])
        time.sleep(pace)


def serve_chat(c, answer):
    """Answer each line at once with ``answer`` bytes, until EOF."""
    buf = b""
    while True:
        d = c.recv(4096)
        if not d:
            return
        buf += d
        while b"\n" in buf:
            _, _, buf = buf.partition(b"\n")
            c.sendall(body(answer - 1) + b"\n")


def serve_one(c, think, stall, stall_after, pace=0.0, chunk=8192, chat=0):
    if chat:
        serve_chat(c, chat)
    else:
        serve_request(c, think, stall, stall_after, pace, chunk)
    c.shutdown(socket.SHUT_WR)
    drain(c)
    c.close()


def serve_request(c, think, stall, stall_after, pace, chunk):
    head, rest = read_head(c)
    if head.startswith(b"PUT"):
        read_body(c, content_length(head), len(rest), stall, stall_after)
        c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
    else:
        size = int(head.split(b" ")[1].lstrip(b"/") or 0)
        if think:
            time.sleep(think)
        data = (b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % size
                + body(size))
        if pace:
            send_paced(c, data, pace, chunk)
        else:
            c.sendall(data)


def server(port, think=0, stall=0, stall_after=0, rcvbuf=0, conns=1,
           pace=0, chunk=8192, chat=0, maxrate=0):
    ls = new_socket(int(rcvbuf))
    if int(maxrate):    # TCP paces its sends (internal pacing): no line-rate bursts
        ls.setsockopt(socket.SOL_SOCKET, SO_MAX_PACING_RATE, int(maxrate))
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("0.0.0.0", int(port)))
    ls.listen(8)
    print("listening", flush=True)
    # each connection in a thread of its own: parallel clients are served at once
    threads = []
    for _ in range(int(conns)):
        c, _ = ls.accept()
        t = threading.Thread(target=serve_one, args=(c, float(think), float(stall), int(stall_after),
                                                     float(pace), int(chunk), int(chat)))
        t.start()
        threads.append(t)
    for t in threads:
        t.join()


def read_line(s):
    """One answer line, or None at EOF."""
    line = b""
    while not line.endswith(b"\n"):
        d = s.recv(4096)
        if not d:
            return None
        line += d
    return line


def chat_session(s, pauses):
    """Think, send a command, read the whole answer (one line)."""
    got = 0
    for i, pause in enumerate(pauses):
        time.sleep(pause)
        s.sendall(b"cmd %d\n" % i)
        line = read_line(s)
        if line is None:
            return got
        got += len(line)
    s.shutdown(socket.SHUT_WR)
    return got


def nagle_session(s, n):
    """n commands in two writes each: the second waits (Nagle) for the first's ACK."""
    got = 0
    for i in range(n):
        s.sendall(b"cmd %03d " % i + b"x" * 92)
        s.sendall(b"y" * 99 + b"\n")
        line = read_line(s)
        if line is None:
            return got
        got += len(line)
    s.shutdown(socket.SHUT_WR)
    return got


def client(server, port, sport, get=None, put=None, stall=0, stall_after=0,
           rcvbuf=0, timeout=30, chat=None, linger0=None, nagle=None, hold=0):
    res = {"sport": int(sport), "error": None, "bytes": 0}
    t0 = time.monotonic()
    s = new_socket(int(rcvbuf))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.settimeout(float(timeout))
    try:
        s.bind(("0.0.0.0", int(sport)))
        s.connect((server, int(port)))
        res["connect_s"] = round(time.monotonic() - t0, 4)
        time.sleep(float(hold))
        if chat is not None:
            res["bytes"] = chat_session(s, [float(x) for x in chat.split(",")])
        elif nagle is not None:
            res["bytes"] = nagle_session(s, int(nagle))
        elif put is not None:
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
        if linger0 is not None:     # a RST after everything is acknowledged
            time.sleep(float(linger0))
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                         struct.pack("ii", 1, 0))
    except OSError as e:
        res["error"] = errno.errorcode.get(e.errno, str(e)) if e.errno \
            else type(e).__name__
    res["elapsed_s"] = round(time.monotonic() - t0, 4)
    s.close()
    print(json.dumps(res), flush=True)


def scan(server, ports, sport, gap=0.01):
    """A connect scan: a non-blocking connect to each port, ``gap`` s apart,
    then every answer collected (refused or open)."""
    first, last = (int(x) for x in ports.split("-"))
    t0, socks = time.monotonic(), []
    for i, port in enumerate(range(first, last + 1)):
        s = new_socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.setblocking(False)
        s.bind(("0.0.0.0", int(sport) + i))
        s.connect_ex((server, port))
        socks.append((port, s))
        time.sleep(float(gap))
    sent_s = time.monotonic() - t0
    res = {"scan": len(socks), "sent_s": round(sent_s, 4), "open": [],
           "refused": 0, "other": []}
    for port, s in socks:
        select.select([], [s], [], 5)
        err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
        if err == 0:
            res["open"].append(port)
        elif err == errno.ECONNREFUSED:
            res["refused"] += 1
        else:
            res["other"].append(errno.errorcode.get(err, str(err)))
        s.close()
    res["elapsed_s"] = round(time.monotonic() - t0, 4)
    res["error"] = None
    print(json.dumps(res), flush=True)


def main(argv):
    kwargs = dict(a.split("=", 1) for a in argv[1:])
    {"server": server, "client": client, "scan": scan}[argv[0]](**kwargs)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
