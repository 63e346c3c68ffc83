// pxekit_pkt.h: reading a Kea packet's options without copies, for v4
// and v6 replies alike.

#ifndef PXEKIT_PKT_H
#define PXEKIT_PKT_H

#include <dhcp/option.h>
#include <dhcp/pkt.h>

#include <typeinfo>

namespace isc {
namespace pxekit {

/// @brief Reads a packet's options as they are, for as long as it lives.
///
/// Around pkt4_send and pkt6_send Kea turns on
/// Pkt::setCopyRetrievedOptions(): every getOption then clones the
/// option (~500 instructions) and puts the clone in the packet, so that
/// a hook that modifies what it got cannot change the option instance
/// Kea's configuration shares.  pxekit never modifies a retrieved option
/// (it reads them, and replaces reply options with delOption/addOption),
/// so it reads with copying off and gives Kea its setting back on the
/// way out, exceptions included.
class ReadOptionsInPlace {
public:
    explicit ReadOptionsInPlace(isc::dhcp::Pkt& pkt)
        : pkt_(pkt), copy_(pkt.isCopyRetrievedOptions()) {
        pkt_.setCopyRetrievedOptions(false);
    }
    ~ReadOptionsInPlace() {
        pkt_.setCopyRetrievedOptions(copy_);
    }

private:
    ReadOptionsInPlace(const ReadOptionsInPlace&);
    ReadOptionsInPlace& operator=(const ReadOptionsInPlace&);

    isc::dhcp::Pkt& pkt_;
    const bool copy_;
};

/// @brief opt as a T when it is exactly one (the class Kea's definition
/// of the code makes), else NULL.  Comparing type_info is a pointer
/// compare where a dynamic_cast walks the class hierarchy (~85
/// instructions each); an option Kea holds in any other class, a
/// subclass included, takes the caller's generic path.
template <typename T>
const T*
exactly(const isc::dhcp::Option& opt) {
    return (typeid(opt) == typeid(T) ? static_cast<const T*>(&opt) : NULL);
}

} // end of namespace isc::pxekit
} // end of namespace isc

#endif // PXEKIT_PKT_H
