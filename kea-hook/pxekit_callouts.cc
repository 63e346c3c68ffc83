// pxekit_callouts.cc: the hooks Kea calls, in one extern "C" block.
//
// load() validates everything or refuses the library; pkt4_send hands
// each outgoing OFFER, ACK or BOOTP reply to the impl; pxekit-explain
// answers "what would this client get?" over Kea's control channel.

#include <cc/command_interpreter.h>
#include <dhcp/dhcp4.h>
#include <dhcp/pkt4.h>
#include <hooks/hooks.h>
#include <stats/stats_mgr.h>

#include "pxekit_impl.h"
#include "pxekit_log.h"

using namespace isc;
using namespace isc::config;
using namespace isc::data;
using namespace isc::dhcp;
using namespace isc::hooks;
using namespace isc::pxekit;
using namespace isc::stats;

namespace isc {
namespace pxekit {

/// @brief The loaded configuration; replaced only by load()/unload().
PxekitImplPtr impl;

/// @brief Kea's statistic commands that see values, and StatsMgr's own
/// handlers for them (the ones Kea registers itself).
///
/// The hook counts off StatsMgr's lock (pxekit_stats.h), so it answers
/// these commands in Kea's place: publish the counts, then the same
/// handler Kea would have run, so the answer is Kea's own.
struct StatCommand {
    const char* name;
    ConstElementPtr (*handler)(const std::string&, const ConstElementPtr&);
};

const StatCommand STAT_COMMANDS[] = {
    { "statistic-get", StatsMgr::statisticGetHandler },
    { "statistic-get-all", StatsMgr::statisticGetAllHandler },
    { "statistic-reset", StatsMgr::statisticResetHandler },
    { "statistic-reset-all", StatsMgr::statisticResetAllHandler },
    { "statistic-remove", StatsMgr::statisticRemoveHandler },
    { "statistic-remove-all", StatsMgr::statisticRemoveAllHandler }
};

} // end of namespace isc::pxekit
} // end of namespace isc

extern "C" {

/// @brief Applies the rules to a reply just before Kea sends it.
///
/// pkt4_send runs after every other decision Kea makes (classes, host
/// reservations), so the hook has the final word on the boot fields.
int
pkt4_send(CalloutHandle& handle) {
    CalloutHandle::CalloutNextStep status = handle.getStatus();
    if (status == CalloutHandle::NEXT_STEP_DROP) {
        return (0);
    }
    PxekitImplPtr current = impl;
    if (!current) {
        return (0);
    }
    Pkt4Ptr query;
    Pkt4Ptr response;
    try {
        if (status == CalloutHandle::NEXT_STEP_SKIP) {
            // Packed already (libdhcp_bootp.so does so for BOOTP): a
            // change now would not reach the wire.  Said once: it is a
            // config fix, not a per-packet event.
            if (!current->warnedPacked().exchange(true)) {
                handle.getArgument("query4", query);
                LOG_WARN(pxekit_logger, PXEKIT_REPLY_PACKED)
                    .arg(query ? query->getLabel()
                               : std::string("(no query)"));
            }
            return (0);
        }
        handle.getArgument("query4", query);
        handle.getArgument("response4", response);
        if (!query || !response) {
            return (0);
        }
        current->process(query, response);
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

/// @brief The pxekit-explain command.
///
/// Arguments describe a client (mac, arch, user-class, vendor-class,
/// classes, hostname, ip, requests-bootfile, and kea-boot-file: the file
/// Kea itself would set); the answer is the rule and the exact fields
/// that client would get.
int
pxekit_explain(CalloutHandle& handle) {
    ConstElementPtr response;
    try {
        ConstElementPtr command;
        handle.getArgument("command", command);
        ConstElementPtr args;
        static_cast<void>(parseCommand(args, command));
        PxekitImplPtr current = impl;
        if (!current) {
            isc_throw(InvalidOperation, "pxekit is not configured");
        }
        ElementPtr result = current->explain(args);
        std::string text = result->get("rule")->getType() == Element::null ?
            (result->get("kind")->stringValue() == "none" ?
             "not a network-boot client: reply left as is" :
             "no rule matches: reply left as is") :
            "rule " + result->get("rule")->str() + " matches";
        response = createAnswer(CONTROL_RESULT_SUCCESS, text, result);
    } catch (const std::exception& ex) {
        LOG_ERROR(pxekit_logger, PXEKIT_EXPLAIN_ERROR).arg(ex.what());
        response = createAnswer(CONTROL_RESULT_ERROR, ex.what());
    } catch (...) {
        LOG_ERROR(pxekit_logger, PXEKIT_EXPLAIN_ERROR).arg("unknown exception");
        response = createAnswer(CONTROL_RESULT_ERROR, "unknown exception");
    }
    handle.setArgument("response", response);
    return (0);
}

/// @brief statistic-get, -get-all, -reset, -reset-all, -remove,
/// -remove-all: the counts made so far, published, then Kea's handler.
int
pxekit_statistic(CalloutHandle& handle) {
    ConstElementPtr response;
    try {
        ConstElementPtr command;
        handle.getArgument("command", command);
        ConstElementPtr args;
        std::string name = parseCommand(args, command);
        PxekitImplPtr current = impl;
        if (current) {
            current->publishStats();
        }
        for (auto const& cmd : STAT_COMMANDS) {
            if (name == cmd.name) {
                response = cmd.handler(name, args);
                break;
            }
        }
        if (!response) {
            isc_throw(InvalidOperation, "'" << name << "' is not a statistic"
                      " command pxekit answers");
        }
    } catch (const std::exception& ex) {
        response = createAnswer(CONTROL_RESULT_ERROR, ex.what());
    } catch (...) {
        response = createAnswer(CONTROL_RESULT_ERROR, "unknown exception");
    }
    handle.setArgument("response", response);
    return (0);
}

/// @brief Validates and loads the parameters; 1 refuses the library.
int
load(LibraryHandle& handle) {
    try {
        PxekitImplPtr fresh(new PxekitImpl());
        fresh->configure(handle.getParameters());
        fresh->initStats();
        handle.registerCommandCallout("pxekit-explain", pxekit_explain);
        for (auto const& cmd : STAT_COMMANDS) {
            handle.registerCommandCallout(cmd.name, pxekit_statistic);
        }
        impl = fresh;
        LOG_INFO(pxekit_logger, PXEKIT_LOADED)
            .arg(impl->ruleCount()).arg(impl->nextServer());
    } catch (const std::exception& ex) {
        LOG_ERROR(pxekit_logger, PXEKIT_LOAD_ERROR).arg(ex.what());
        impl.reset();
        return (1);
    }
    return (0);
}

/// @brief Releases the configuration and its statistics.
int
unload() {
    if (impl) {
        impl->removeStats();
    }
    impl.reset();
    LOG_INFO(pxekit_logger, PXEKIT_UNLOADED);
    return (0);
}

/// @brief 1: the packet path reads only immutable state and bumps
/// relaxed atomic counters.
int
multi_threading_compatible() {
    return (1);
}

} // end extern "C"
