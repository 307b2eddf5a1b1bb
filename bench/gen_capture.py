#!/usr/bin/env python3
"""Make a large real TCP capture with loss, for bench/bench.py.

    python3 bench/gen_capture.py OUT.pcapng [--conns N] [--parallel P]
                                 [--min-kb A] [--max-kb B] [--seed S]

Must run as root.  Three throw-away network namespaces, client <-veth->
router <-veth-> server (sample_pcaps/regenerate.py's setup_path: offloads off,
ip_forward=1), with a `tbf` on the router's interface toward the client whose
small queue overflows: the drops are real losses (the server's TCP does not
see them locally).  The client makes N HTTP-like downloads of A..B KB each,
P at a time (asyncio); dumpcap captures on the client's veth with a 96-byte
snaplen (headers only).  The namespaces are always removed.

Internally re-invokes itself inside a namespace with --role server|client.
"""
import argparse
import asyncio
import os
import random
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "sample_pcaps"))
import regenerate as rg  # noqa: E402  (Namespaces, setup_path, nsexec)

SERVER_IP, PORT = "10.2.0.2", 80
# The router's queue toward the client: 300 Mbit/s, 32 KB bucket, ~40 KB
# queue.  With 128 downloads in flight it overflows often (a few % loss:
# fast retransmissions, RTOs, dup ACKs, SACK).
TBF = ["tbf", "rate", "300mbit", "burst", "32k", "limit", "40k"]
HEADER = (b"HTTP/1.1 200 OK\r\nServer: tcpx-bench\r\n"
          b"Content-Type: application/octet-stream\r\n"
          b"Content-Length: %d\r\n\r\n")
CHUNK = (b"0123456789abcdefghijklmnopqrstuvwxyz\n" * 1800)[:65536]


def log(msg):
    print("[gen_capture] " + msg, file=sys.stderr, flush=True)


# --- roles (inside a namespace) ---------------------------------------------

async def serve_one(reader, writer):
    try:
        buf = b""
        while b"\r\n\r\n" not in buf:
            d = await reader.read(4096)
            if not d:
                return
            buf += d
        # "GET /<size> HTTP/1.1"
        size = int(buf.split(b" ", 2)[1].lstrip(b"/") or b"0")
        writer.write(HEADER % size)
        left = size
        while left > 0:
            n = min(left, len(CHUNK))
            writer.write(CHUNK[:n])
            left -= n
            await writer.drain()
        await writer.drain()
        writer.write_eof()
        while await reader.read(65536):
            pass
    except (OSError, ValueError):
        pass
    finally:
        writer.close()


async def role_server():
    srv = await asyncio.start_server(serve_one, SERVER_IP, PORT, backlog=1024,
                                     reuse_address=True)
    print("ready", flush=True)
    async with srv:
        await srv.serve_forever()


async def role_client(conns, parallel, min_kb, max_kb, seed):
    rnd = random.Random(seed)
    sizes = [rnd.randint(min_kb * 1024, max_kb * 1024) for _ in range(conns)]
    sem = asyncio.Semaphore(parallel)
    stats = {"ok": 0, "failed": 0, "bytes": 0}

    async def one(size):
        async with sem:
            try:
                reader, writer = await asyncio.wait_for(
                    asyncio.open_connection(SERVER_IP, PORT), 30)
                writer.write(b"GET /%d HTTP/1.1\r\nHost: %s\r\n"
                             b"User-Agent: tcpx-bench\r\n\r\n" % (size, SERVER_IP.encode()))
                got = 0
                while True:
                    d = await asyncio.wait_for(reader.read(65536), 60)
                    if not d:
                        break
                    got += len(d)
                writer.close()
                stats["ok"] += 1
                stats["bytes"] += got
            except (OSError, asyncio.TimeoutError):
                stats["failed"] += 1

    t0 = time.time()
    await asyncio.gather(*(one(s) for s in sizes))
    print("client: %d ok, %d failed, %d bytes in %.1f s"
          % (stats["ok"], stats["failed"], stats["bytes"], time.time() - t0),
          flush=True)


# --- driver ------------------------------------------------------------------

def generate(out, conns, parallel, min_kb, max_kb, seed):
    if os.geteuid() != 0:
        raise SystemExit("gen_capture.py: must run as root (namespaces, tc, dumpcap)")
    tmp = out + ".tmp.pcapng"
    with rg.Namespaces("bench", "client", "router", "server") as nss:
        rg.setup_path(nss, TBF)
        # -s 96: headers only.  -B: a big kernel buffer so dumpcap keeps up.
        cap = nss.spawn("client", "dumpcap", "-i", "c0", "-f", "tcp", "-s", "96",
                        "-B", "256", "-w", tmp)
        deadline = time.time() + 10
        while not (os.path.exists(tmp) and os.path.getsize(tmp) > 0):
            if cap.poll() is not None or time.time() > deadline:
                raise RuntimeError("dumpcap did not start: " + cap.stderr.read())
            time.sleep(0.05)
        time.sleep(0.5)
        srv = nss.spawn("server", sys.executable, os.path.abspath(__file__), "--role", "server")
        if srv.stdout.readline().strip() != "ready":
            raise RuntimeError("server did not start: " + srv.stderr.read())
        t0 = time.time()
        cli = nss.spawn("client", sys.executable, os.path.abspath(__file__), "--role",
                        "client", str(conns), str(parallel), str(min_kb), str(max_kb),
                        str(seed))
        o, e = cli.communicate()
        log(o.strip() + " " + e.strip()[-2000:])
        log("traffic took %.1f s" % (time.time() - t0))
        time.sleep(1.0)
        cap.send_signal(signal.SIGINT)
        try:
            _, err = cap.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            cap.kill()
            _, err = cap.communicate()
        log("dumpcap: " + " ".join(err.split()))
        if cli.returncode != 0:
            raise RuntimeError("client failed")
    os.chmod(tmp, 0o644)
    os.replace(tmp, out)
    return err


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--role")
    ap.add_argument("out", nargs="?")
    ap.add_argument("--conns", type=int, default=12000)
    ap.add_argument("--parallel", type=int, default=128)
    ap.add_argument("--min-kb", type=int, default=64)
    ap.add_argument("--max-kb", type=int, default=128)
    ap.add_argument("--seed", type=int, default=4)
    a, rest = ap.parse_known_args()
    if a.role == "server":
        asyncio.run(role_server())
        return 0
    if a.role == "client":
        c, p, lo, hi, s = (int(x) for x in ([a.out] + rest)[:5])
        asyncio.run(role_client(c, p, lo, hi, s))
        return 0
    if not a.out:
        ap.error("OUT.pcapng missing")
    generate(a.out, a.conns, a.parallel, a.min_kb, a.max_kb, a.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
