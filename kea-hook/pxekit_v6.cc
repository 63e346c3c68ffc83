// pxekit_v6.cc: the DHCPv6 side of the adapter.  A Pkt6 query becomes a
// pxe_client_t through the core's v6 decoders (lib/dhcp6opt.c); the
// core's decision becomes option 59 (bootfile-url), 60 (bootfile-param)
// and the option 16 HTTPClient echo in the ADVERTISE or REPLY.  Nothing
// here decides: which file, which client kind, the MAC source and the
// echo are the core's.

#include <asiolink/io_address.h>
#include <dhcp/dhcp6.h>
#include <dhcp/option6_ia.h>
#include <dhcp/option6_iaaddr.h>
#include <dhcp/option_opaque_data_tuples.h>
#include <dhcp/option_string.h>
#include <dhcp/option_vendor_class.h>
#include <exceptions/exceptions.h>

#include <algorithm>
#include <cstring>

#include "pxekit_impl.h"
#include "pxekit_log.h"
#include "pxekit_pkt.h"

using namespace isc::asiolink;
using namespace isc::data;
using namespace isc::dhcp;

namespace isc {
namespace pxekit {

namespace {

/// @brief The client's options the core decodes (the relay's 79 apart).
const uint16_t QUERY6_OPTIONS[] = {
    PXE_OPT6_CLIENTID, PXE_OPT6_CLIENT_ARCH, PXE_OPT6_USER_CLASS,
    PXE_OPT6_VENDOR_CLASS
};

/// @brief A payload the core decodes, rebuilt from its typed form on the
/// stack: past this, Option::toBinary() packs it.
const size_t PAYLOAD6_MAX = 1024;

/// @brief tuples as on the wire (DHCPv6's 2-byte lengths) after len
/// bytes of buf; false when one has another length field or they do not
/// fit.
bool
packTuples(const std::vector<OpaqueDataTuple>& tuples, uint8_t* buf,
           size_t& len) {
    for (auto const& tuple : tuples) {
        const OpaqueDataTuple::Buffer& data = tuple.getData();
        if (tuple.getLengthFieldType() != OpaqueDataTuple::LENGTH_2_BYTES ||
            PAYLOAD6_MAX - len < 2 + data.size()) {
            return (false);
        }
        buf[len++] = static_cast<uint8_t>(data.size() >> 8);
        buf[len++] = static_cast<uint8_t>(data.size() & 0xff);
        std::copy(data.begin(), data.end(), buf + len);
        len += data.size();
    }
    return (true);
}

/// @brief The payload of opt as on the wire, read from the class Kea
/// parsed it into (1 and 79 raw, 61 a uint16 array, 15 tuples, 16 an
/// enterprise number and tuples) in place or into buf, without
/// Option::toBinary()'s buffers (~700 instructions an option, three a
/// reply).  False for any other form, or one with sub-options: the
/// caller packs those.
bool
wirePayload(const Option& opt, uint8_t* buf, const uint8_t*& out,
            size_t& len) {
    len = 0;
    out = buf;
    if (!opt.getOptions().empty()) {
        return (false);
    }
    if (exactly<Option>(opt)) {
        const OptionBuffer& data = opt.getData();
        out = data.empty() ? NULL : &data[0];
        len = data.size();
        return (true);
    }
    if (exactly<OptionUint16Array>(opt)) {
        return (uint16Payload(opt, buf, PAYLOAD6_MAX, len));
    }
    if (const OptionVendorClass* vc = exactly<OptionVendorClass>(opt)) {
        const uint32_t id = vc->getVendorId();
        buf[len++] = static_cast<uint8_t>(id >> 24);
        buf[len++] = static_cast<uint8_t>(id >> 16);
        buf[len++] = static_cast<uint8_t>(id >> 8);
        buf[len++] = static_cast<uint8_t>(id);
        return (packTuples(vc->getTuples(), buf, len));
    }
    if (const OptionOpaqueDataTuples* uc =
        exactly<OptionOpaqueDataTuples>(opt)) {
        return (packTuples(uc->getTuples(), buf, len));
    }
    return (false);
}

/// @brief Hands one option's payload to the core; logs a malformed one.
void
decode(pxe_client_t& client, const Pkt6& query, uint16_t code,
       const OptionPtr& opt, bool debug) {
    uint8_t buf[PAYLOAD6_MAX];
    const uint8_t* bytes;
    size_t len;
    OptionBuffer packed;
    if (!wirePayload(*opt, buf, bytes, len)) {
        packed = opt->toBinary(false);
        bytes = packed.empty() ? NULL : &packed[0];
        len = packed.size();
    }
    int rc = pxe_client6_set_option(&client, code, len ? bytes : NULL, len);
    if (rc != PXE_OK && debug) {
        LOG_DEBUG(pxekit_logger, DBG_PXEKIT_DECISION, PXEKIT_BAD_OPTION)
            .arg(query.getLabel()).arg(code).arg(pxe_strerror(rc));
    }
}

/// @brief The first address Kea assigns in the reply's IA_NAs, or ::.
IOAddress
assignedAddress(Pkt6& response) {
    // The classes Kea builds these in, compared exactly; any other
    // (a subclass) through dynamic_cast.
    for (auto const& ia : response.getOptions(D6O_IA_NA)) {
        if (!ia.second) {
            continue;
        }
        const Option6IA* ia_na = exactly<Option6IA>(*ia.second);
        if (!ia_na) {
            ia_na = dynamic_cast<const Option6IA*>(ia.second.get());
        }
        if (!ia_na) {
            continue;
        }
        OptionPtr sub = ia_na->getOption(D6O_IAADDR);
        const Option6IAAddr* addr = sub ? exactly<Option6IAAddr>(*sub) : NULL;
        if (sub && !addr) {
            addr = dynamic_cast<const Option6IAAddr*>(sub.get());
        }
        if (addr && addr->getValid() > 0 && addr->getAddress().isV6()) {
            return (addr->getAddress());
        }
    }
    return (IOAddress::IPV6_ZERO_ADDRESS());
}

/// @brief Replaces every instance of option code in the reply.
void
replace(Pkt6& response, const OptionPtr& opt) {
    while (response.delOption(opt->getType())) {
    }
    response.addOption(opt);
}

/// @brief The boot file URL Kea itself put in the reply (option-data).
std::string
replyBootUrl(Pkt6& response) {
    OptionPtr opt = response.getOption(D6O_BOOTFILE_URL);
    if (!opt) {
        return (std::string());
    }
    OptionBuffer data = opt->toBinary(false);
    return (std::string(data.begin(), data.end()));
}

} // end of anonymous namespace

void
PxekitImpl::process6(const Pkt6Ptr& query, const Pkt6Ptr& response) const {
    uint8_t type = response->getType();
    ReadOptionsInPlace query_options(*query);
    ReadOptionsInPlace response_options(*response);
    if (type != DHCPV6_ADVERTISE && type != DHCPV6_REPLY) {
        return;
    }
    pxe_client_t client;
    pxe_client6_init(&client);
    const bool debug = debug_;
    for (uint16_t code : QUERY6_OPTIONS) {
        OptionPtr opt = query->getOption(code);
        if (opt) {
            decode(client, *query, code, opt, debug);
        }
    }
    // RFC 6939: the relay closest to the client saw its link-layer
    // address; the core prefers it to the DUID's.
    OptionPtr lladdr = query->getAnyRelayOption(D6O_CLIENT_LINKLAYER_ADDR,
                                                Pkt6::RELAY_SEARCH_FROM_CLIENT);
    if (lladdr) {
        decode(client, *query, D6O_CLIENT_LINKLAYER_ADDR, lladdr, debug);
    }
    // On the server's own link the source is the client's link-local
    // address: its EUI-64 names the MAC when the DUID does not (iPXE
    // sends a DUID-UUID).  Relayed, the source is the relay's: skipped.
    // (relay_info_ is Pkt6's documented list of relay layers.)
    if (query->relay_info_.empty() && query->getRemoteAddr().isV6LinkLocal()) {
        std::vector<uint8_t> src = query->getRemoteAddr().toBytes();
        pxe_client6_set_source(&client, &src[0]);
    }
    IOAddress addr = assignedAddress(*response);
    if (!addr.isV6Zero()) {
        std::vector<uint8_t> bytes = addr.toBytes();
        pxe_client_set_ip6(&client, &bytes[0]);
    }
    // The class names only when a rule tests them (a walk of Kea's
    // class container a reply otherwise).
    pxe_str_t classes[PXE_CLASSES_MAX];
    if (policy_.needs_classes) {
        pxe_client_set_classes(&client, classes,
                               pointClasses(*query, classes));
    }

    pxe_decision_t d;
    bool matched;
    if (!decide(client, *query, d, matched)) {
        return;
    }
    bool decided_file = pxe_decision_has_file(&d);
    if (matched) {
        if (decided_file) {
            // The parameters belong to the file: a rule's file replaces
            // both 59 and whatever 60 Kea's option-data gave.
            replace(*response, OptionPtr(new OptionString(
                Option::V6, D6O_BOOTFILE_URL, std::string(d.file,
                                                          d.file_len))));
            while (response->delOption(D6O_BOOTFILE_PARAM)) {
            }
            if (d.param) {
                response->addOption(OptionPtr(new Option(
                    Option::V6, D6O_BOOTFILE_PARAM,
                    OptionBuffer(d.param, d.param + d.param_len))));
            }
        }
        if (debug) {
            LOG_DEBUG(pxekit_logger, DBG_PXEKIT_DECISION, PXEKIT_DECISION6)
                .arg(query->getLabel()).arg(d.rule).arg(kindName(d.kind))
                .arg(std::string(d.file, d.file_len))
                .arg(d.param ? std::to_string(d.param_len) + " bytes" :
                     std::string("none"))
                .arg(addr.toText());
        }
    }
    std::string kept;
    if (!decided_file) {
        kept = replyBootUrl(*response);
    }
    if (pxe_reply_http_echo(&client, &d, kept.data(), kept.size())) {
        uint8_t echo[PXE_ECHO6_LEN];
        size_t len = pxe_reply6_http_echo(echo);
        replace(*response, OptionPtr(new Option(Option::V6, D6O_VENDOR_CLASS,
                                                OptionBuffer(echo,
                                                             echo + len))));
        if (debug) {
            LOG_DEBUG(pxekit_logger, DBG_PXEKIT_DECISION, PXEKIT_HTTP_ECHO6)
                .arg(query->getLabel())
                .arg(decided_file ? std::string(d.file, d.file_len) : kept);
        }
    }
}

void
PxekitImpl::explain6(const pxe_decision_t& d, const ElementPtr& out) {
    out->set("bootfile-url",
             Element::create(std::string(d.file, d.file_len)));
    // Option 60 as its parameters (the core encoded them at load).
    if (!d.param) {
        out->set("bootfile-param", Element::create());
        return;
    }
    ElementPtr params = Element::createList();
    for (size_t pos = 0; pos + 2 <= d.param_len; ) {
        size_t len = static_cast<size_t>(d.param[pos]) << 8 | d.param[pos + 1];
        pos += 2;
        if (len > d.param_len - pos) {
            break;
        }
        params->add(Element::create(std::string(
            reinterpret_cast<const char*>(d.param + pos), len)));
        pos += len;
    }
    out->set("bootfile-param", params);
}

} // end of namespace isc::pxekit
} // end of namespace isc
