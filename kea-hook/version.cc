// version.cc: the Kea hooks API version this library was built against.

#include <hooks/hooks.h>

extern "C" {

/// @brief Kea refuses a library built for another hooks API.
int
version() {
    return (KEA_HOOKS_VERSION);
}

}
