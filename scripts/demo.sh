#!/usr/bin/env bash
# The README's run command: the two-router lab with failover. Not yet built (issue: lab).
echo "demo.sh: not yet: the two-router lab lands with the lab issue" >&2
exit 2
