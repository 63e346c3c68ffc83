// File created from pxekit_messages.mes

#ifndef PXEKIT_MESSAGES_H
#define PXEKIT_MESSAGES_H

#include <log/message_types.h>

namespace isc {
namespace pxekit {

extern const isc::log::MessageID PXEKIT_BAD_OPTION;
extern const isc::log::MessageID PXEKIT_DECISION;
extern const isc::log::MessageID PXEKIT_DECISION6;
extern const isc::log::MessageID PXEKIT_EXPLAIN_ERROR;
extern const isc::log::MessageID PXEKIT_HTTP_ECHO;
extern const isc::log::MessageID PXEKIT_HTTP_ECHO6;
extern const isc::log::MessageID PXEKIT_LOADED;
extern const isc::log::MessageID PXEKIT_LOADED6;
extern const isc::log::MessageID PXEKIT_LOAD_ERROR;
extern const isc::log::MessageID PXEKIT_NOT_NETBOOT;
extern const isc::log::MessageID PXEKIT_NO_MATCH;
extern const isc::log::MessageID PXEKIT_PROCESS_ERROR;
extern const isc::log::MessageID PXEKIT_REPLY_PACKED;
extern const isc::log::MessageID PXEKIT_RULE_SKIPPED;
extern const isc::log::MessageID PXEKIT_STATS_TIMER_ERROR;
extern const isc::log::MessageID PXEKIT_UNLOADED;

} // namespace pxekit
} // namespace isc

#endif // PXEKIT_MESSAGES_H
