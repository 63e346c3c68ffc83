// pxekit_pkt.h: reading a Kea packet's options without copies, for v4
// and v6 replies alike.

#ifndef PXEKIT_PKT_H
#define PXEKIT_PKT_H

#include <dhcp/option.h>
#include <dhcp/option_int_array.h>
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

/// @brief opt's payload as on the wire (big-endian values) into out when
/// Kea holds it as exactly an array of uint16 (v4's 93, v6's 61) of at
/// most max bytes; false otherwise (the caller then packs it).
inline bool
uint16Payload(const isc::dhcp::Option& opt, uint8_t* out, size_t max,
              size_t& len) {
    const isc::dhcp::OptionUint16Array* a16 =
        exactly<isc::dhcp::OptionUint16Array>(opt);
    if (!a16 || a16->getValues().size() * 2 > max) {
        return (false);
    }
    len = 0;
    for (uint16_t value : a16->getValues()) {
        out[len++] = static_cast<uint8_t>(value >> 8);
        out[len++] = static_cast<uint8_t>(value & 0xff);
    }
    return (true);
}

} // end of namespace isc::pxekit
} // end of namespace isc

#endif // PXEKIT_PKT_H
