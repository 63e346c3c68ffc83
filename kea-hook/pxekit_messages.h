// pxekit_messages.h: the hook's log message IDs.
//
// Kea's kea-msg-compiler is not shipped by Debian, so the IDs are declared
// here by hand in the shape it would generate; the texts and their
// explanations are in pxekit_messages.cc.

#ifndef PXEKIT_MESSAGES_H
#define PXEKIT_MESSAGES_H

#include <log/message_types.h>

extern const isc::log::MessageID PXEKIT_LOAD_ERROR;
extern const isc::log::MessageID PXEKIT_LOADED;
extern const isc::log::MessageID PXEKIT_UNLOADED;
extern const isc::log::MessageID PXEKIT_DECISION;
extern const isc::log::MessageID PXEKIT_NO_MATCH;
extern const isc::log::MessageID PXEKIT_NOT_NETBOOT;
extern const isc::log::MessageID PXEKIT_HTTP_ECHO;
extern const isc::log::MessageID PXEKIT_BAD_OPTION;
extern const isc::log::MessageID PXEKIT_RULE_SKIPPED;
extern const isc::log::MessageID PXEKIT_PROCESS_ERROR;
extern const isc::log::MessageID PXEKIT_EXPLAIN_ERROR;
extern const isc::log::MessageID PXEKIT_REPLY_PACKED;

#endif // PXEKIT_MESSAGES_H
