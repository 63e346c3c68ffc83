// File created from pxekit_messages.mes

#include <cstddef>
#include <log/message_types.h>
#include <log/message_initializer.h>

namespace isc {
namespace pxekit {

extern const isc::log::MessageID PXEKIT_BAD_OPTION = "PXEKIT_BAD_OPTION";
extern const isc::log::MessageID PXEKIT_DECISION = "PXEKIT_DECISION";
extern const isc::log::MessageID PXEKIT_DECISION6 = "PXEKIT_DECISION6";
extern const isc::log::MessageID PXEKIT_EXPLAIN_ERROR = "PXEKIT_EXPLAIN_ERROR";
extern const isc::log::MessageID PXEKIT_HTTP_ECHO = "PXEKIT_HTTP_ECHO";
extern const isc::log::MessageID PXEKIT_HTTP_ECHO6 = "PXEKIT_HTTP_ECHO6";
extern const isc::log::MessageID PXEKIT_LOADED = "PXEKIT_LOADED";
extern const isc::log::MessageID PXEKIT_LOADED6 = "PXEKIT_LOADED6";
extern const isc::log::MessageID PXEKIT_LOAD_ERROR = "PXEKIT_LOAD_ERROR";
extern const isc::log::MessageID PXEKIT_NOT_NETBOOT = "PXEKIT_NOT_NETBOOT";
extern const isc::log::MessageID PXEKIT_NO_MATCH = "PXEKIT_NO_MATCH";
extern const isc::log::MessageID PXEKIT_PROCESS_ERROR = "PXEKIT_PROCESS_ERROR";
extern const isc::log::MessageID PXEKIT_REPLY_PACKED = "PXEKIT_REPLY_PACKED";
extern const isc::log::MessageID PXEKIT_RULE_SKIPPED = "PXEKIT_RULE_SKIPPED";
extern const isc::log::MessageID PXEKIT_STATS_TIMER_ERROR = "PXEKIT_STATS_TIMER_ERROR";
extern const isc::log::MessageID PXEKIT_UNLOADED = "PXEKIT_UNLOADED";

} // namespace pxekit
} // namespace isc

namespace {

const char* values[] = {
    "PXEKIT_BAD_OPTION", "%1: malformed option %2 ignored: %3",
    "PXEKIT_DECISION", "%1: rule %2 (%3): file '%4' (file field %5, option 67 %6), next-server %7, address %8",
    "PXEKIT_DECISION6", "%1: rule %2 (%3): bootfile-url '%4', bootfile-param %5, address %6",
    "PXEKIT_EXPLAIN_ERROR", "pxekit-explain failed: %1",
    "PXEKIT_HTTP_ECHO", "%1: UEFI HTTP boot, option 60 HTTPClient added for '%2'",
    "PXEKIT_HTTP_ECHO6", "%1: UEFI HTTP boot over IPv6, option 16 HTTPClient (enterprise 343) added for '%2'",
    "PXEKIT_LOADED", "pxekit hooks library loaded: %1 rules, next-server %2",
    "PXEKIT_LOADED6", "pxekit hooks library loaded into kea-dhcp6: %1 rules",
    "PXEKIT_LOAD_ERROR", "loading pxekit hooks library failed: %1",
    "PXEKIT_NOT_NETBOOT", "%1: not a network-boot client, reply left as is",
    "PXEKIT_NO_MATCH", "%1: %2 client matched no rule, reply left as is",
    "PXEKIT_PROCESS_ERROR", "%1: pxekit failed, reply left as is: %2",
    "PXEKIT_REPLY_PACKED", "%1: reply already packed by a hooks library listed before pxekit, left as is (list libdhcp_pxekit.so first; logged once)",
    "PXEKIT_RULE_SKIPPED", "%1: %2 matching rule(s) skipped: boot file does not fit",
    "PXEKIT_STATS_TIMER_ERROR", "the statistics timer could not be set up or removed: %1",
    "PXEKIT_UNLOADED", "pxekit hooks library unloaded",
    NULL
};

const isc::log::MessageInitializer initializer(values);

} // Anonymous namespace

