// pxekit_callouts6.cc: the DHCPv6 callouts of the same library.  load(),
// unload() and pxekit-explain (pxekit_callouts.cc) serve both servers;
// kea-dhcp6 calls these instead of pkt4_send and dhcp4_srv_configured.

#include <dhcp/pkt6.h>
#include <hooks/hooks.h>

#include "pxekit_impl.h"
#include "pxekit_log.h"

using namespace isc;
using namespace isc::dhcp;
using namespace isc::hooks;
using namespace isc::pxekit;

namespace isc {
namespace pxekit {

extern PxekitImplPtr impl;
void startPublishing();

} // end of namespace isc::pxekit
} // end of namespace isc

extern "C" {

/// @brief Sets option 59 (and 60, and the option 16 echo) in an
/// ADVERTISE or REPLY just before kea-dhcp6 sends it: after classes and
/// host reservations, so the hook has the final word, as in v4.
int
pkt6_send(CalloutHandle& handle) {
    CalloutHandle::CalloutNextStep status = handle.getStatus();
    if (status == CalloutHandle::NEXT_STEP_DROP) {
        return (0);
    }
    PxekitImplPtr current = impl;
    if (!current || current->family() != 6) {
        return (0);
    }
    Pkt6Ptr query;
    Pkt6Ptr response;
    try {
        if (status == CalloutHandle::NEXT_STEP_SKIP) {
            // Packed already by a library listed before pxekit: a change
            // now would not reach the wire.  Said once.
            if (!current->warnedPacked().exchange(true)) {
                handle.getArgument("query6", query);
                LOG_WARN(pxekit_logger, PXEKIT_REPLY_PACKED)
                    .arg(query ? query->getLabel()
                               : std::string("(no query)"));
            }
            return (0);
        }
        handle.getArgument("query6", query);
        handle.getArgument("response6", response);
        if (!query || !response) {
            return (0);
        }
        current->process6(query, response);
    } catch (const std::exception& ex) {
        LOG_ERROR(pxekit_logger, PXEKIT_PROCESS_ERROR)
            .arg(query ? query->getLabel() : std::string("(no query)"))
            .arg(ex.what());
    } catch (...) {
        LOG_ERROR(pxekit_logger, PXEKIT_PROCESS_ERROR)
            .arg(query ? query->getLabel() : std::string("(no query)"))
            .arg("unknown exception");
    }
    return (0);
}

/// @brief Starts publishing the counts once kea-dhcp6 is configured.
int
dhcp6_srv_configured(CalloutHandle&) {
    startPublishing();
    return (0);
}

} // end extern "C"
