// pxekit_log.h: the hook's logger, "pxekit-hooks".

#ifndef PXEKIT_LOG_H
#define PXEKIT_LOG_H

#include <log/logger_support.h>
#include <log/macros.h>
#include <log/log_dbglevels.h>

#include "pxekit_messages.h"

namespace isc {
namespace pxekit {

/// @brief Debug level of the per-packet decision lines.
extern const int DBG_PXEKIT_DECISION;

/// @brief The logger of the pxekit hooks library.
extern isc::log::Logger pxekit_logger;

} // end of namespace isc::pxekit
} // end of namespace isc

#endif // PXEKIT_LOG_H
