// pxekit_messages.cc: texts of the hook's log messages.
//
// What kea-msg-compiler would generate from a .mes file, written by hand
// (Debian ships no compiler).  Each message is explained here:
//
// PXEKIT_LOAD_ERROR: the hook parameters are invalid; the text names the
//   rule index (counting from 0) and the key.  Kea refuses the config.
// PXEKIT_LOADED / PXEKIT_UNLOADED: the library was (un)loaded.
// PXEKIT_DECISION (debug): which rule answered a client and with what.
// PXEKIT_NO_MATCH (debug): a netbooting client that no rule matched; the
//   reply is left as Kea built it.
// PXEKIT_NOT_NETBOOT (debug): not a network-boot client: untouched.
// PXEKIT_HTTP_ECHO (debug): option 60 "HTTPClient" added to the reply, as
//   UEFI HTTP boot firmware requires.
// PXEKIT_BAD_OPTION (debug): an option in the query was malformed and was
//   ignored.
// PXEKIT_RULE_SKIPPED (debug): a matching rule's boot file did not fit
//   (option-67 "never", or longer than 255 bytes) and the next rule was
//   tried.
// PXEKIT_PROCESS_ERROR: an unexpected error while applying a decision;
//   the reply goes out as Kea built it.
// PXEKIT_EXPLAIN_ERROR: the pxekit-explain command failed.
// PXEKIT_REPLY_PACKED (warning, once per load): a hooks library listed
//   before pxekit already packed a reply (pkt4_send status SKIP; Kea's
//   libdhcp_bootp.so does so for BOOTP), so pxekit's change could not
//   reach the wire and the reply went out as that library built it.
//   List libdhcp_pxekit.so before it in hooks-libraries.

#include <cstddef>
#include <log/message_initializer.h>
#include <log/message_types.h>

#include "pxekit_messages.h"

extern const isc::log::MessageID PXEKIT_LOAD_ERROR = "PXEKIT_LOAD_ERROR";
extern const isc::log::MessageID PXEKIT_LOADED = "PXEKIT_LOADED";
extern const isc::log::MessageID PXEKIT_UNLOADED = "PXEKIT_UNLOADED";
extern const isc::log::MessageID PXEKIT_DECISION = "PXEKIT_DECISION";
extern const isc::log::MessageID PXEKIT_NO_MATCH = "PXEKIT_NO_MATCH";
extern const isc::log::MessageID PXEKIT_NOT_NETBOOT = "PXEKIT_NOT_NETBOOT";
extern const isc::log::MessageID PXEKIT_HTTP_ECHO = "PXEKIT_HTTP_ECHO";
extern const isc::log::MessageID PXEKIT_BAD_OPTION = "PXEKIT_BAD_OPTION";
extern const isc::log::MessageID PXEKIT_RULE_SKIPPED = "PXEKIT_RULE_SKIPPED";
extern const isc::log::MessageID PXEKIT_PROCESS_ERROR = "PXEKIT_PROCESS_ERROR";
extern const isc::log::MessageID PXEKIT_EXPLAIN_ERROR = "PXEKIT_EXPLAIN_ERROR";
extern const isc::log::MessageID PXEKIT_REPLY_PACKED = "PXEKIT_REPLY_PACKED";

namespace {

const char* values[] = {
    "PXEKIT_LOAD_ERROR", "loading pxekit hooks library failed: %1",
    "PXEKIT_LOADED", "pxekit hooks library loaded: %1 rules, next-server %2",
    "PXEKIT_UNLOADED", "pxekit hooks library unloaded",
    "PXEKIT_DECISION", "%1: rule %2 (%3): file '%4' (file field %5, option 67 %6), next-server %7",
    "PXEKIT_NO_MATCH", "%1: %2 client matched no rule, reply left as is",
    "PXEKIT_NOT_NETBOOT", "%1: not a network-boot client, reply left as is",
    "PXEKIT_HTTP_ECHO", "%1: UEFI HTTP boot, option 60 HTTPClient added for '%2'",
    "PXEKIT_BAD_OPTION", "%1: malformed option %2 ignored: %3",
    "PXEKIT_RULE_SKIPPED", "%1: %2 matching rule(s) skipped: boot file does not fit",
    "PXEKIT_PROCESS_ERROR", "%1: pxekit failed, reply left as is: %2",
    "PXEKIT_EXPLAIN_ERROR", "pxekit-explain failed: %1",
    "PXEKIT_REPLY_PACKED", "%1: reply already packed by a hooks library listed before pxekit, left as is (list libdhcp_pxekit.so first; logged once)",
    NULL
};

const isc::log::MessageInitializer initializer(values);

} // end of anonymous namespace
