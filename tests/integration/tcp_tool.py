#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""TCP endpoints for burrow's integration tests, fast enough for 1 GiB.

  tcp_tool.py server ADDR PORT [CONN OPTIONS] [--count N]
      listen (IPv6: V6ONLY), print "ready" once listening, then serve N
      connections one after the other (default 1), one JSON line each.
  tcp_tool.py client ADDR PORT [CONN OPTIONS] [--connect-timeout S]
      connect, run the connection, print one JSON line. Exit status 0
      unless the connect() failed.
  tcp_tool.py echo-server ADDR PORT
      echo every connection's bytes back until its EOF (selectors, any
      number of connections at once); prints "ready".
  tcp_tool.py many ADDR PORT N [--size S]
      open N connections at once, send each a distinct payload of about S
      bytes, shut down the write side, check each echo; print JSON.
  tcp_tool.py digest SEED BYTES
      sha256 of the first BYTES of stream SEED (what "--send" sends).

CONN OPTIONS (one connection, either end):
  --send N        send N bytes of the stream --seed (N < 0: until error)
  --seed S        stream seed (default 1)
  --order O       duplex (default: send and receive at once), send-first
                  (send, SHUT_WR, then read to EOF), recv-first (read to
                  EOF, then send, SHUT_WR)
  --no-recv       do not read (the sender's side of a one-way test)
  --pause S       sleep S seconds before reading anything
  --hello         client: send "hello" first; server: expect it first
  --wait-ok       client: then read "ok"; server: then send "ok"
  --abort         right after the hello (and ok): SO_LINGER 0 + close
  --progress N    print "progress" once N bytes were sent or
                  received (for tests that kill a process mid-transfer)
  --timeline      record (time, bytes sent) every 20 ms
  --report        print "p SENT RECEIVED" every 250 ms

Times are CLOCK_MONOTONIC (time.monotonic()), comparable across the
processes of one machine. The JSON has: sent, recv, sha_recv, eof (the
reader saw end of stream), recv_err / send_err (errno names),
t_resume (when a --pause ended), timeline, t_end.
"""

import errno
import hashlib
import json
import random
import selectors
import socket
import struct
import sys
import threading
import time

CHUNK = 1 << 20
OUT = threading.Lock()


def out(line):
    """One whole line on stdout (threads print too)."""
    with OUT:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def stream(seed, n):
    """Chunks (bytes-like) of the deterministic stream @seed, @n bytes in
    all (n < 0: endless). No period shorter than the whole stream: each
    1 MiB chunk is a rotation of a random block, stamped with its index."""
    base = random.Random(seed).randbytes(CHUNK)
    i = 0
    while n < 0 or n > 0:
        k = (i * 40503 + seed * 7) % CHUNK
        c = bytearray(base[k:])
        c += base[:k]
        c[0:8] = struct.pack(">Q", i + (seed << 40))
        if 0 <= n < CHUNK:
            c = c[:n]
        yield c
        if n > 0:
            n -= len(c)
        i += 1


def digest(seed, n):
    h = hashlib.sha256()
    for c in stream(seed, n):
        h.update(c)
    return h.hexdigest()


def ename(e):
    return errno.errorcode.get(e.errno, str(e.errno)) \
        if isinstance(e, OSError) and e.errno else repr(e)


class Conn:
    def __init__(self, sock, a):
        self.s = sock
        self.a = a
        self.sent = 0
        self.recv = 0
        self.res = {}
        self.timeline = []
        self.progress_said = False

    def progress(self):
        if (self.a.progress and not self.progress_said and
                self.sent + self.recv >= self.a.progress):
            self.progress_said = True
            out("progress")

    def do_send(self):
        a = self.a
        try:
            for c in stream(a.seed, a.send):
                mv = memoryview(c)
                for off in range(0, len(mv), 256 << 10):
                    piece = mv[off:off + (256 << 10)]
                    self.s.sendall(piece)
                    self.sent += len(piece)
                    self.progress()
            self.s.shutdown(socket.SHUT_WR)
        except OSError as e:
            self.res["send_err"] = ename(e)
        self.res["t_send_done"] = time.monotonic()

    def do_recv(self):
        a = self.a
        if a.pause:
            time.sleep(a.pause)
        self.res["t_resume"] = time.monotonic()
        h = hashlib.sha256()
        buf = bytearray(CHUNK)
        mv = memoryview(buf)
        eof = False
        try:
            while True:
                n = self.s.recv_into(buf)
                if n == 0:
                    eof = True
                    break
                h.update(mv[:n])
                self.recv += n
                self.progress()
        except OSError as e:
            self.res["recv_err"] = ename(e)
        self.res["eof"] = eof
        self.res["sha_recv"] = h.hexdigest()
        self.res["t_recv_done"] = time.monotonic()

    def sample(self, stop):
        last = 0
        while not stop.wait(0.02):
            now = time.monotonic()
            if self.a.timeline:
                self.timeline.append((now, self.sent))
            if self.a.report and now - last >= 0.25:
                out("p %d %d" % (self.sent, self.recv))
                last = now
        self.timeline.append((time.monotonic(), self.sent))

    def hello(self, server):
        a = self.a
        s = self.s
        if not a.hello:
            return
        if server:
            got = b""
            while len(got) < 5:
                d = s.recv(5 - len(got))
                if not d:
                    break
                got += d
            self.res["hello"] = got.decode(errors="replace")
            if a.wait_ok:
                s.sendall(b"ok")
        else:
            s.sendall(b"hello")
            if a.wait_ok:
                self.res["ok"] = s.recv(2).decode(errors="replace")

    def run(self, server):
        a = self.a
        s = self.s
        try:
            self.hello(server)
        except OSError as e:
            self.res["hello_err"] = ename(e)
            s.close()
            return self.finish()
        if a.abort:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                         struct.pack("ii", 1, 0))
            s.close()
            self.res["aborted"] = True
            return self.finish()
        stop = threading.Event()
        mon = None
        if a.timeline or a.report:
            mon = threading.Thread(target=self.sample, args=(stop,))
            mon.start()
        sending = a.send != 0
        if a.order == "duplex" and sending and not a.no_recv:
            t = threading.Thread(target=self.do_send)
            t.start()
            self.do_recv()
            t.join()
        else:
            if a.order == "recv-first" and not a.no_recv:
                self.do_recv()
            if sending:
                self.do_send()
            elif a.order == "recv-first":
                s.shutdown(socket.SHUT_WR)
            if a.order != "recv-first" and not a.no_recv:
                self.do_recv()
        stop.set()
        if mon:
            mon.join()
        s.close()
        return self.finish()

    def finish(self):
        self.res.update(sent=self.sent, recv=self.recv,
                        timeline=self.timeline, t_end=time.monotonic())
        out(json.dumps(self.res))
        return self.res


def listen(addr, port):
    ls = socket.socket(family(addr), socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if family(addr) == socket.AF_INET6:
        ls.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    ls.bind((addr, port))
    ls.listen(1024)
    return ls


def server(a):
    ls = listen(a.addr, a.port)
    print("ready", flush=True)
    for _ in range(a.count):
        s, peer = ls.accept()
        c = Conn(s, a)
        c.res["peer"] = list(peer[:2])
        c.res["t_accept"] = time.monotonic()
        c.run(True)


def client(a):
    s = socket.socket(family(a.addr), socket.SOCK_STREAM)
    s.settimeout(a.connect_timeout)
    t0 = time.monotonic()
    try:
        s.connect((a.addr, a.port))
    except OSError as e:
        out(json.dumps({"connect_err": ename(e),
                        "connect_time": time.monotonic() - t0}))
        return 1
    s.settimeout(None)
    c = Conn(s, a)
    c.res["connect_time"] = time.monotonic() - t0
    c.res["local"] = list(s.getsockname()[:2])
    c.run(False)
    return 0


def echo_server(a):
    ls = listen(a.addr, a.port)
    ls.setblocking(False)
    sel = selectors.DefaultSelector()
    sel.register(ls, selectors.EVENT_READ, None)
    print("ready", flush=True)
    pend = {}
    while True:
        for key, ev in sel.select():
            if key.data is None:
                while True:
                    try:
                        s, _ = ls.accept()
                    except BlockingIOError:
                        break
                    s.setblocking(False)
                    pend[s] = bytearray()
                    sel.register(s, selectors.EVENT_READ, "c")
                continue
            s = key.fileobj
            out = pend[s]
            if ev & selectors.EVENT_READ:
                try:
                    d = s.recv(65536)
                except ConnectionError:
                    d = None
                if d is None or (not d and not out):
                    sel.unregister(s)
                    s.close()
                    del pend[s]
                    continue
                if not d:  # EOF with echo still owed: finish writing
                    sel.modify(s, selectors.EVENT_WRITE, "eof")
                    continue
                out += d
            if out:
                try:
                    n = s.send(out)
                    del out[:n]
                except BlockingIOError:
                    pass
                except ConnectionError:
                    sel.unregister(s)
                    s.close()
                    del pend[s]
                    continue
            eof = key.data == "eof"
            if eof and not out:
                sel.unregister(s)
                s.close()
                del pend[s]
            elif not eof:
                sel.modify(s, selectors.EVENT_READ |
                           (selectors.EVENT_WRITE if out else 0), "c")


def many(a):
    """N connections open at once, each with its own payload."""
    rnd = random.Random(a.seed)
    sel = selectors.DefaultSelector()
    conns = {}
    t0 = time.monotonic()
    for i in range(a.n):
        s = socket.socket(family(a.addr), socket.SOCK_STREAM)
        s.setblocking(False)
        s.connect_ex((a.addr, a.port))
        size = rnd.randint(a.size // 2, a.size)
        payload = (b"conn %05d:" % i) + rnd.randbytes(size)
        conns[s] = {"i": i, "out": memoryview(payload), "want": payload,
                    "got": bytearray(), "eof": False, "err": None}
        sel.register(s, selectors.EVENT_WRITE)
    opened = len(conns)
    left = opened
    deadline = t0 + a.timeout
    while left and time.monotonic() < deadline:
        for key, ev in sel.select(0.5):
            s = key.fileobj
            c = conns[s]
            try:
                if ev & selectors.EVENT_WRITE:
                    if c["out"] is not None and len(c["out"]):
                        n = s.send(c["out"])
                        c["out"] = c["out"][n:]
                    if c["out"] is not None and not len(c["out"]):
                        s.shutdown(socket.SHUT_WR)
                        c["out"] = None
                        sel.modify(s, selectors.EVENT_READ)
                    continue
                d = s.recv(65536)
                if d:
                    c["got"] += d
                    continue
                c["eof"] = True
            except BlockingIOError:
                continue
            except OSError as e:
                c["err"] = ename(e)
            sel.unregister(s)
            left -= 1
    ok = sum(1 for c in conns.values()
             if c["eof"] and bytes(c["got"]) == c["want"])
    bad = [{"i": c["i"], "err": c["err"], "eof": c["eof"],
            "got": len(c["got"]), "want": len(c["want"])}
           for c in conns.values()
           if not (c["eof"] and bytes(c["got"]) == c["want"])]
    print(json.dumps({"n": a.n, "opened": opened, "ok": ok,
                      "bad": bad[:10], "nbad": len(bad),
                      "time": time.monotonic() - t0}), flush=True)
    return 0 if ok == a.n else 1


def parse(argv):
    import argparse
    p = argparse.ArgumentParser()
    p.add_argument("cmd")
    p.add_argument("args", nargs="*")
    p.add_argument("--send", type=int, default=0)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--order", default="duplex",
                   choices=["duplex", "send-first", "recv-first"])
    p.add_argument("--no-recv", action="store_true")
    p.add_argument("--pause", type=float, default=0)
    p.add_argument("--hello", action="store_true")
    p.add_argument("--wait-ok", action="store_true")
    p.add_argument("--abort", action="store_true")
    p.add_argument("--progress", type=int, default=0)
    p.add_argument("--timeline", action="store_true")
    p.add_argument("--report", action="store_true")
    p.add_argument("--count", type=int, default=1)
    p.add_argument("--connect-timeout", type=float, default=10)
    p.add_argument("--size", type=int, default=2000)
    p.add_argument("--timeout", type=float, default=60)
    a = p.parse_args(argv)
    if a.cmd in ("server", "client", "echo-server", "many"):
        a.addr, a.port = a.args[0], int(a.args[1])
    if a.cmd == "many":
        a.n = int(a.args[2])
    return a


def main():
    a = parse(sys.argv[1:])
    if a.cmd == "server":
        server(a)
    elif a.cmd == "client":
        sys.exit(client(a))
    elif a.cmd == "echo-server":
        echo_server(a)
    elif a.cmd == "many":
        sys.exit(many(a))
    elif a.cmd == "digest":
        print(digest(int(a.args[0]), int(a.args[1])))


if __name__ == "__main__":
    main()
