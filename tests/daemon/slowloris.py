#!/usr/bin/env python3
"""A slowloris against one of tandemd's management sockets, while a real client keeps asking.

Holds CONNECTIONS connections open: half send the start of a request and then one more byte
every TRICKLE seconds (never completing it), half send nothing. Whatever the server closes is
opened again at once. Meanwhile a probe sends a complete request every PROBE_EVERY seconds
and times the whole answer. Prints the figures; exits 1 if a probe failed or took longer
than MAX_LATENCY seconds.

usage: slowloris.py (--tcp HOST PORT | --unix PATH) [--connections N] [--duration S]
                    [--max-latency S] [--save-probe FILE]
"""
import argparse
import resource
import selectors
import socket
import statistics
import sys
import threading
import time


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--tcp", nargs=2, metavar=("HOST", "PORT"))
    p.add_argument("--unix")
    p.add_argument("--connections", type=int, default=1000)
    p.add_argument("--duration", type=float, default=8.0)
    p.add_argument("--trickle", type=float, default=0.2)
    p.add_argument("--probe-every", type=float, default=0.25)
    p.add_argument("--max-latency", type=float, default=1.0)
    p.add_argument("--save-probe", help="write the last probe's answer here")
    a = p.parse_args()
    if bool(a.tcp) == bool(a.unix):
        p.error("give exactly one of --tcp and --unix")
    return a


class Target:
    def __init__(self, args):
        self.args = args
        if args.tcp:
            host, port = args.tcp[0], int(args.tcp[1])
            self.family = socket.AF_INET6 if ":" in host else socket.AF_INET
            self.address = (host, port)
            self.partial = b"GET /metrics HTTP/1.1\r\nHost: x\r\nX-Slow: "
            self.request = b"GET /metrics HTTP/1.1\r\nHost: probe\r\n\r\n"
            self.good = lambda answer: answer.startswith(b"HTTP/1.1 200 OK\r\n") and b"tandem_" in answer
        else:
            self.family = socket.AF_UNIX
            self.address = args.unix
            self.partial = b"tandem1 text display"
            self.request = b"tandem1 text display vrrp6\n"
            self.good = lambda answer: answer.startswith(b"ok\n")

    def connect(self, blocking):
        s = socket.socket(self.family, socket.SOCK_STREAM)
        s.setblocking(blocking)
        try:
            s.connect(self.address)
        except (BlockingIOError, InterruptedError):
            pass
        return s


class Attack(threading.Thread):
    def __init__(self, target, count, trickle):
        super().__init__(daemon=True)
        self.target, self.count, self.trickle = target, count, trickle
        self.stop = threading.Event()
        self.opened = 0
        self.closed_by_server = 0
        self.sel = selectors.DefaultSelector()

    def open_one(self, slow):
        try:
            s = self.target.connect(blocking=False)
        except OSError:
            return
        self.opened += 1
        # slow: [bytes of the partial request sent so far]; idle: None
        self.sel.register(s, selectors.EVENT_READ, [0] if slow else None)

    def run(self):
        for i in range(self.count):
            self.open_one(slow=i % 2 == 0)
        next_trickle = time.monotonic()
        while not self.stop.is_set():
            for key, _ in self.sel.select(timeout=0.05):
                try:
                    data = key.fileobj.recv(4096)
                except (BlockingIOError, InterruptedError):
                    continue
                except OSError:
                    data = b""
                if data:
                    continue  # a refusal or timeout message: the close follows
                self.closed_by_server += 1
                slow = key.data is not None
                self.sel.unregister(key.fileobj)
                key.fileobj.close()
                self.open_one(slow)
            if time.monotonic() >= next_trickle:
                next_trickle += self.trickle
                for key in list(self.sel.get_map().values()):
                    if key.data is None:
                        continue
                    sent = key.data[0]
                    piece = self.target.partial[sent:sent + 1] if sent < len(self.target.partial) else b"a"
                    try:
                        key.fileobj.send(piece)
                        key.data[0] += 1
                    except (BlockingIOError, InterruptedError):
                        pass
                    except OSError:
                        pass  # the server closed it: the read side sees that
        for key in list(self.sel.get_map().values()):
            key.fileobj.close()

    def held(self):
        return len(self.sel.get_map())


def probe(target):
    start = time.monotonic()
    answer = b""
    try:
        s = target.connect(blocking=True)
        s.settimeout(5)
        s.sendall(target.request)
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            answer += chunk
        s.close()
    except OSError as e:
        return time.monotonic() - start, False, str(e).encode()
    return time.monotonic() - start, target.good(answer), answer


def main():
    args = parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = args.connections + 64
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(want, hard), hard))
    target = Target(args)
    attack = Attack(target, args.connections, args.trickle)
    attack.start()
    time.sleep(1.0)  # let the flood reach its full size first
    latencies, failures, last = [], 0, b""
    end = time.monotonic() + args.duration
    while time.monotonic() < end:
        took, ok, answer = probe(target)
        latencies.append(took)
        if ok:
            last = answer
        else:
            failures += 1
            print(f"probe failed after {took:.3f} s: {answer[:200]!r}", file=sys.stderr)
        time.sleep(args.probe_every)
    attack.stop.set()
    attack.join()
    if args.save_probe:
        with open(args.save_probe, "wb") as f:
            f.write(last)
    worst = max(latencies)
    print(f"{'tcp ' + ' '.join(args.tcp) if args.tcp else 'unix ' + args.unix}: "
          f"{args.connections} attack connections, {attack.opened} opened in all, "
          f"{attack.closed_by_server} closed by the server; {len(latencies)} probes, "
          f"{failures} failed, latency median {statistics.median(latencies) * 1000:.1f} ms, "
          f"max {worst * 1000:.1f} ms")
    if failures or worst > args.max_latency:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
