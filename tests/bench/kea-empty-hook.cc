// kea-empty-hook.cc: a Kea hooks library whose pkt4_send and pkt6_send
// callouts return at once.  tests/bench/kea-bench.py (kea6-bench.py)
// loads it as "empty" ("empty6") to measure what Kea itself spends
// calling any such callout (argument setup, the callout manager, its
// timing): the floor under libdhcp_pxekit's cost.

#include <hooks/hooks.h>

using namespace isc::hooks;

extern "C" {

int
version() {
    return (KEA_HOOKS_VERSION);
}

int
load(LibraryHandle&) {
    return (0);
}

int
unload() {
    return (0);
}

int
multi_threading_compatible() {
    return (1);
}

int
pkt4_send(CalloutHandle&) {
    return (0);
}

int
pkt6_send(CalloutHandle&) {
    return (0);
}

} // end extern "C"
