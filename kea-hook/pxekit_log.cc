// pxekit_log.cc: the hook's logger.

#include "pxekit_log.h"

namespace isc {
namespace pxekit {

const int DBG_PXEKIT_DECISION = isc::log::DBGLVL_TRACE_BASIC;

isc::log::Logger pxekit_logger("pxekit-hooks");

} // end of namespace isc::pxekit
} // end of namespace isc
