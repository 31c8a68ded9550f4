#!/usr/bin/env python3
"""tandemd under a stand-in for systemd's service manager (sd_notify(3), Type=notify).

Usage: systemd_notify_test.py TANDEMD TANDEMCTL
The test binds the datagram socket systemd would ($NOTIFY_SOCKET), sets WATCHDOG_USEC and
JOURNAL_STREAM (naming the file tandemd's stderr goes to) and runs tandemd on net_null vdevs.
Checks: READY=1 with STATUS= naming the VRRP6 group's role once the CLI socket serves;
WATCHDOG=1 about every WATCHDOG_USEC/2; `tandemctl commit` of a bad file exits 1 (what makes
`systemctl reload` fail, scripts/tandemd.service) framed by RELOADING=1 ... READY=1, a good
file exits 0; SIGTERM sends STOPPING=1; every log line carries its syslog priority "<N>",
start-up errors included.
Needs root (DPDK); exits 77 (skipped) otherwise.
"""
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time

WATCHDOG_USEC = 300_000  # tandemd pings every 150 ms


def config(priority, extra=""):
    return f"""interface ge0
 device net_null0
 ipv6 address 2001:db8:1::2/64
 ipv6 address auto link-local
 vrrp6 vrid 7 virtual-ip fe80::7 link-local
 vrrp6 vrid 7 priority {priority}
 {extra}
quit
"""


class Notifications:
    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(path)
        self.log = []  # (monotonic time, {key: value})

    def receive(self, timeout):
        """Every message arriving within `timeout` seconds."""
        got, end = [], time.monotonic() + timeout
        while True:
            left = end - time.monotonic()
            if left <= 0:
                return got
            self.sock.settimeout(left)
            try:
                data = self.sock.recv(4096)
            except socket.timeout:
                return got
            fields = dict(line.split("=", 1) for line in data.decode().split("\n") if "=" in line)
            self.log.append((time.monotonic(), fields))
            got.append(fields)

    def wait_for(self, key, timeout):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            for m in self.receive(min(0.2, max(0.0, end - time.monotonic()))):
                if key in m:
                    return m
        return None


def main():
    tandemd, tandemctl = sys.argv[1], sys.argv[2]
    if os.geteuid() != 0:
        print("SKIP: needs root for DPDK")
        return 77
    failures = []

    def check(ok, what):
        print(("ok   " if ok else "FAIL ") + what)
        if not ok:
            failures.append(what)

    with tempfile.TemporaryDirectory(prefix="tandem-daemon-notify-") as d:
        good, good2, bad = (os.path.join(d, n) for n in ("good.cfg", "good2.cfg", "bad.cfg"))
        open(good, "w").write(config(120))
        open(good2, "w").write(config(110))
        open(bad, "w").write(config(120, "mld robust-count 9"))
        sock = os.path.join(d, "tandemd.sock")
        notes = Notifications(os.path.join(d, "notify"))
        log_path = os.path.join(d, "tandemd.log")
        log = open(log_path, "w")
        st = os.fstat(log.fileno())
        env = dict(os.environ, NOTIFY_SOCKET=os.path.join(d, "notify"),
                   WATCHDOG_USEC=str(WATCHDOG_USEC),
                   JOURNAL_STREAM=f"{st.st_dev}:{st.st_ino}")
        proc = subprocess.Popen(
            [tandemd, "--config", good, "--socket", sock, "--", "--no-huge", "--no-shconf",
             "-l", "0", "-m", "256", f"--file-prefix=tandem-daemon-notify-{os.getpid()}"],
            stdout=log, stderr=log, env=env)
        try:
            ready = notes.wait_for("READY", 30)
            check(ready is not None, "READY=1 once started")
            if ready is None:
                raise RuntimeError("not ready")
            check(os.path.exists(sock), "the CLI socket serves when READY=1 arrives")
            check("vrrp6 ge0/7 " in ready.get("STATUS", ""),
                  f"STATUS= names the VRRP6 group: {ready.get('STATUS')!r}")

            pings = [m for m in notes.receive(1.5) if m.get("WATCHDOG") == "1"]
            # 1.5 s / 150 ms = 10; a loaded 2-core machine may delay some turns.
            check(6 <= len(pings) <= 11, f"WATCHDOG=1 every WATCHDOG_USEC/2: {len(pings)} in 1.5 s")

            ctl = [tandemctl, "--socket", sock, "commit"]
            r = subprocess.run(ctl + [bad], capture_output=True, text=True)
            check(r.returncode == 1 and "out of range 2-5" in r.stderr,
                  f"commit of a bad file exits 1 with the error (rc {r.returncode})")
            msgs = notes.receive(0.5)
            keys = [k for m in msgs for k in m if k in ("RELOADING", "READY")]
            check(keys == ["RELOADING", "READY"], f"refused reload: RELOADING=1, READY=1 ({keys})")
            check(any("MONOTONIC_USEC" in m for m in msgs), "RELOADING=1 carries MONOTONIC_USEC")

            r = subprocess.run(ctl + [good2], capture_output=True, text=True)
            check(r.returncode == 0, f"commit of a good file exits 0 (rc {r.returncode})")
            keys = [k for m in notes.receive(0.5) for k in m if k in ("RELOADING", "READY")]
            check(keys == ["RELOADING", "READY"], f"applied reload: RELOADING=1, READY=1 ({keys})")

            proc.send_signal(signal.SIGTERM)
            check(notes.wait_for("STOPPING", 10) is not None, "STOPPING=1 on SIGTERM")
            check(proc.wait(timeout=15) == 0, "clean exit")
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            log.close()
        lines = open(log_path).read().splitlines()
        # DPDK's own EAL lines are not tandem's; every line tandem writes has a priority.
        ours = [l for l in lines if not l.startswith("EAL:") and not l.startswith("TELEMETRY")]
        check(any(l.startswith("<5>tandemd: started") for l in ours),
              "the start line is notice (<5>)")
        check(any(l.startswith("<3>reload:") for l in ours), "reload errors are err (<3>)")
        unprefixed = [l for l in ours if not (l[:1] == "<" and l[2:3] == ">")]
        check(not unprefixed, f"every tandem log line has a priority prefix: {unprefixed[:3]}")
        if failures:
            print("".join("  tandemd| " + l + "\n" for l in lines))

        # A config that does not load: tandemd stops before EAL, every line an error (<3>).
        with open(log_path, "w") as log:
            st = os.fstat(log.fileno())
            env["JOURNAL_STREAM"] = f"{st.st_dev}:{st.st_ino}"
            rc = subprocess.run([tandemd, "--config", bad, "--socket", sock], stdout=log,
                                stderr=log, env=env, timeout=30).returncode
        lines = open(log_path).read().splitlines()
        check(rc == 1 and len(lines) == 2 and all(l.startswith("<3>") for l in lines),
              f"start-up errors are err (<3>): rc {rc}, {lines}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
