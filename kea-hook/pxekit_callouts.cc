// pxekit_callouts.cc: the hooks Kea calls, in one extern "C" block.
//
// load() validates everything or refuses the library; pkt4_send hands
// each outgoing OFFER, ACK or BOOTP reply to the impl; pxekit-explain
// answers "what would this client get?" over Kea's control channel;
// dhcp4_srv_configured starts the timer that publishes the statistics
// (Kea's own statistic-* commands read them: the hook registers none).

#include <cc/command_interpreter.h>
#include <dhcp/dhcp4.h>
#include <dhcp/pkt4.h>
#include <dhcp/pkt6.h>
#include <hooks/hooks.h>
#include <hooks/server_hooks.h>
#include <asiolink/interval_timer.h>
#include <dhcpsrv/timer_mgr.h>

#include "pxekit_impl.h"
#include "pxekit_log.h"
#include "pxekit_send.h"

using namespace isc;
using namespace isc::config;
using namespace isc::data;
using namespace isc::dhcp;
using namespace isc::hooks;
using namespace isc::pxekit;

namespace isc {
namespace pxekit {

/// @brief The loaded configuration; replaced only by load()/unload().
PxekitImplPtr impl;

/// @brief The TimerMgr name of the timer that publishes the counts.
const char* const PUBLISH_TIMER = "pxekit-statistics";

/// @brief pkt4_send's argument names, made once: getArgument takes a
/// std::string, and building one from a literal on every reply showed.
const std::string QUERY4("query4");
const std::string RESPONSE4("response4");

/// @brief Publishes the loaded configuration's counts (TimerMgr calls
/// it on Kea's main thread, from Kea's IOService).
void
publishTick() {
    PxekitImplPtr current = impl;
    if (current) {
        current->publishStats();
    }
}

/// @brief Stops the timer; its callback goes with it (see unload()).
void
stopPublishing() {
    const TimerMgrPtr& timers = TimerMgr::instance();
    if (timers->isTimerRegistered(PUBLISH_TIMER)) {
        timers->unregisterTimer(PUBLISH_TIMER);
    }
}

/// @brief (Re)starts the timer that publishes the counts, on TimerMgr,
/// the server's timers on its own IOService (the one the "io_context"
/// argument of dhcpX_srv_configured names): not an IntervalTimer of
/// ours, because an IntervalTimer's state, with our callback in it,
/// outlives cancel() until the IOService runs the aborted wait, which can
/// be after Kea has unloaded the library.  TimerMgr::unregisterTimer
/// destroys our callback at once, in unload(), and the pending wait holds
/// only Kea's.
void
startPublishing() {
    try {
        stopPublishing();
        const TimerMgrPtr& timers = TimerMgr::instance();
        timers->registerTimer(PUBLISH_TIMER, publishTick,
                              STATS_PUBLISH_INTERVAL_MS,
                              asiolink::IntervalTimer::REPEATING);
        timers->setup(PUBLISH_TIMER);
    } catch (const std::exception& ex) {
        // Without the timer the counts stay unpublished: an error, not
        // a refused config (the replies are right all the same).
        LOG_ERROR(pxekit_logger, PXEKIT_STATS_TIMER_ERROR).arg(ex.what());
    }
}

/// @brief 6 inside kea-dhcp6, else 4.  A server registers the hook
/// points it calls: only kea-dhcp6 has pkt6_send.  (A library loaded
/// into the other server is never called there without a word, so
/// load() must know which it is in.)
int
serverFamily() {
    return (ServerHooks::getServerHooks().findIndex("pkt6_send") >= 0 ?
            6 : 4);
}

} // end of namespace isc::pxekit
} // end of namespace isc

extern "C" {

/// @brief Applies the rules to a reply just before Kea sends it.
///
/// pkt4_send runs after every other decision Kea makes (classes, host
/// reservations), so the hook has the final word on the boot fields.
int
pkt4_send(CalloutHandle& handle) {
    return (sendCallout<Pkt4Ptr>(handle, QUERY4, RESPONSE4, 4,
                                 &PxekitImpl::process));
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

/// @brief Starts publishing the counts once the server is configured
/// (see startPublishing()).  Called after every successful
/// (re)configuration, after load().
int
dhcp4_srv_configured(CalloutHandle&) {
    startPublishing();
    return (0);
}

/// @brief Validates and loads the parameters; 1 refuses the library.
int
load(LibraryHandle& handle) {
    try {
        PxekitImplPtr fresh(new PxekitImpl());
        fresh->configure(handle.getParameters(), serverFamily());
        fresh->readLogLevel();
        fresh->initStats();
        handle.registerCommandCallout("pxekit-explain", pxekit_explain);
        impl = fresh;
        if (impl->family() == 6) {
            LOG_INFO(pxekit_logger, PXEKIT_LOADED6).arg(impl->ruleCount());
        } else {
            LOG_INFO(pxekit_logger, PXEKIT_LOADED)
                .arg(impl->ruleCount()).arg(impl->nextServer());
        }
    } catch (const std::exception& ex) {
        LOG_ERROR(pxekit_logger, PXEKIT_LOAD_ERROR).arg(ex.what());
        impl.reset();
        return (1);
    }
    return (0);
}

/// @brief Releases the configuration and its statistics.
///
/// The timer goes first: after unregisterTimer nothing of this library
/// is left for Kea's IOService to call.  (On a reconfiguration Kea has
/// usually unregistered every timer already; then there is nothing to
/// do.)  Kea stops its packet threads around a reconfiguration, so no
/// count is in flight here.
int
unload() {
    try {
        stopPublishing();
    } catch (const std::exception& ex) {
        LOG_ERROR(pxekit_logger, PXEKIT_STATS_TIMER_ERROR).arg(ex.what());
    }
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
