// kea-empty-hook.cc: a Kea hooks library whose pkt4_send callout returns
// at once.  tests/bench/kea-bench.py loads it as "empty" to measure what
// Kea itself spends calling any pkt4_send callout (argument setup, the
// callout manager, its timing): the floor under libdhcp_pxekit's cost.

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

} // end extern "C"
