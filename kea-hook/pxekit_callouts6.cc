// pxekit_callouts6.cc: the DHCPv6 callouts of the same library.  load(),
// unload() and pxekit-explain (pxekit_callouts.cc) serve both servers;
// kea-dhcp6 calls these instead of pkt4_send and dhcp4_srv_configured.

#include <dhcp/pkt6.h>
#include <hooks/hooks.h>

#include "pxekit_impl.h"
#include "pxekit_log.h"
#include "pxekit_send.h"

using namespace isc;
using namespace isc::dhcp;
using namespace isc::hooks;
using namespace isc::pxekit;

namespace {

/// @brief pkt6_send's argument names, made once (as pkt4_send's).
const std::string QUERY6("query6");
const std::string RESPONSE6("response6");

} // end of anonymous namespace

namespace isc {
namespace pxekit {

void startPublishing();

} // end of namespace isc::pxekit
} // end of namespace isc

extern "C" {

/// @brief Sets option 59 (and 60, and the option 16 echo) in an
/// ADVERTISE or REPLY just before kea-dhcp6 sends it: after classes and
/// host reservations, so the hook has the final word, as in v4.
int
pkt6_send(CalloutHandle& handle) {
    return (sendCallout<Pkt6Ptr>(handle, QUERY6, RESPONSE6, 6,
                                 &PxekitImpl::process6));
}

/// @brief Starts publishing the counts once kea-dhcp6 is configured.
int
dhcp6_srv_configured(CalloutHandle&) {
    startPublishing();
    return (0);
}

} // end extern "C"
