"""netns: run this test in a network namespace of its own (root).

Imported before anything slow (scapy): the test re-executes itself under
`unshare --net`, brings the namespace's loopback up and gives it the
extra addresses the test binds servers to.  The namespace ends with the
test's last process, so nothing is left to delete and nothing the test
binds collides with other tests on the machine.
"""

import os
import shutil
import subprocess
import sys

MARK = "PXE_TEST_NETNS"


def enter(addrs):
    if os.environ.get(MARK) == "1":
        subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
        for a in addrs:
            subprocess.run(["ip", "addr", "add", a + "/8", "dev", "lo"], check=True)
        return
    reason = None
    if os.geteuid() != 0:
        reason = "needs root for a network namespace (unshare --net)"
    elif not shutil.which("unshare") or not shutil.which("ip"):
        reason = "unshare (util-linux) or ip (iproute2) not found"
    if reason:
        print("1..0 # SKIP " + reason)
        sys.exit(0)
    sys.stdout.flush()
    os.execvpe("unshare", ["unshare", "--net", "--", sys.executable] + sys.argv,
               dict(os.environ, **{MARK: "1"}))
