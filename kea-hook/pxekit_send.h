// pxekit_send.h: the body of pkt4_send and pkt6_send, once.

#ifndef PXEKIT_SEND_H
#define PXEKIT_SEND_H

#include <hooks/hooks.h>

#include "pxekit_impl.h"
#include "pxekit_log.h"

namespace isc {
namespace pxekit {

/// @brief The loaded configuration (pxekit_callouts.cc).
extern PxekitImplPtr impl;

/// @brief Hands a reply about to be sent to the impl's process (v4) or
/// process6, as Kea's own callouts defend themselves: a dropped packet
/// is left alone, a packed one (SKIP: a library before pxekit packed it)
/// is warned about once, every exception is logged with the query's
/// label, and the callout always returns 0.
template <typename PktPtrT>
int
sendCallout(isc::hooks::CalloutHandle& handle, const std::string& query_arg,
            const std::string& response_arg, int family,
            void (PxekitImpl::*process)(const PktPtrT&, const PktPtrT&) const) {
    isc::hooks::CalloutHandle::CalloutNextStep status = handle.getStatus();
    if (status == isc::hooks::CalloutHandle::NEXT_STEP_DROP) {
        return (0);
    }
    PxekitImplPtr current = impl;
    if (!current || current->family() != family) {
        return (0);
    }
    PktPtrT query;
    PktPtrT response;
    try {
        if (status == isc::hooks::CalloutHandle::NEXT_STEP_SKIP) {
            // Packed already (libdhcp_bootp.so does so for BOOTP): a
            // change now would not reach the wire.  Said once: it is a
            // config fix, not a per-packet event.
            if (!current->warnedPacked().exchange(true)) {
                handle.getArgument(query_arg, query);
                LOG_WARN(pxekit_logger, PXEKIT_REPLY_PACKED)
                    .arg(query ? query->getLabel()
                               : std::string("(no query)"));
            }
            return (0);
        }
        handle.getArgument(query_arg, query);
        handle.getArgument(response_arg, response);
        if (!query || !response) {
            return (0);
        }
        ((*current).*process)(query, response);
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

} // end of namespace isc::pxekit
} // end of namespace isc

#endif // PXEKIT_SEND_H
