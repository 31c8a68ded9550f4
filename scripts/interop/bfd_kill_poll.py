#!/usr/bin/python3
"""bfd_kill_poll.py TANDEMCTL SOCKET PID [TIMEOUT_S] -- SIGKILL one process (the BFD peer the
caller started) and poll tandem's BFD session table every 5 ms until the first session is no
longer Up.

Prints one JSON line: {"t_kill": epoch, "t_down": epoch, "poll_ms": (t_down - t_kill) in ms,
"state": ..., "reason": ...}. Exit 1 when the session is not Up before the kill or does not go
down within TIMEOUT_S (default 5). Each poll runs tandemctl (a few ms), so this figure is an
upper bound of tandem's detection; the capture gives the exact one."""
import json
import os
import signal
import subprocess
import sys
import time


def session(ctl, sock):
    out = subprocess.run([ctl, "--socket", sock, "--json", "display", "bfd", "session", "all",
                          "for-ipv6", "verbose"], capture_output=True, text=True, check=False)
    try:
        return json.loads(out.stdout)["sessions"][0]
    except (ValueError, KeyError, IndexError):
        return None


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    ctl, sock, pid = sys.argv[1], sys.argv[2], int(sys.argv[3])
    timeout = float(sys.argv[4]) if len(sys.argv) > 4 else 5.0
    s = session(ctl, sock)
    if not s or s.get("state") != "Up":
        print(json.dumps({"error": "session not Up before the kill", "session": s}))
        sys.exit(1)
    t_kill = time.time()
    os.kill(pid, signal.SIGKILL)
    while time.time() - t_kill < timeout:
        s = session(ctl, sock)
        t = time.time()
        if s and s.get("state") != "Up":
            print(json.dumps({"t_kill": t_kill, "t_down": t, "poll_ms": round((t - t_kill) * 1e3, 1),
                              "state": s.get("state"), "reason": s.get("session_not_up_reason")}))
            return
        time.sleep(0.005)
    print(json.dumps({"error": f"still Up {timeout} s after the kill"}))
    sys.exit(1)


if __name__ == "__main__":
    main()
