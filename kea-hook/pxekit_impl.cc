// pxekit_impl.cc: Kea Elements and packets to libpxekit calls, and back.

#include <asiolink/io_address.h>
#include <dhcp/dhcp4.h>
#include <dhcp/option_int.h>
#include <dhcp/option_int_array.h>
#include <dhcp/option_string.h>
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

/// @brief The options the core decodes, each read once per query with
/// Pkt::getOption (a map lookup; options not sent cost one miss each).
const uint16_t QUERY_OPTIONS[] = {
    PXE_OPT_CLIENT_ARCH, PXE_OPT_USER_CLASS, PXE_OPT_VENDOR_CLASS,
    PXE_OPT_IPXE_ENCAP, PXE_OPT_PRL, PXE_OPT_HOSTNAME
};

} // end of anonymous namespace

const char*
kindName(pxe_kind_e kind) {
    switch (kind) {
    case PXE_KIND_PXE:
        return ("pxe");
    case PXE_KIND_HTTP:
        return ("http");
    case PXE_KIND_IPXE:
        return ("ipxe");
    default:
        return ("none");
    }
}

/// @brief The counter of a kind of client.
size_t
kindCounter(pxe_kind_e kind) {
    switch (kind) {
    case PXE_KIND_PXE:
        return (Counters::PXE);
    case PXE_KIND_HTTP:
        return (Counters::HTTP);
    case PXE_KIND_IPXE:
        return (Counters::IPXE);
    default:
        return (Counters::NON_BOOT);
    }
}

namespace {

/// @brief From the core's network-order bytes.  (IOAddress::fromBytes
/// goes through inet_ntop and a text parse: 2.6k instructions a reply.)
IOAddress
toAddress(const uint8_t ip[4]) {
    return (IOAddress((static_cast<uint32_t>(ip[0]) << 24) |
                      (static_cast<uint32_t>(ip[1]) << 16) |
                      (static_cast<uint32_t>(ip[2]) << 8) | ip[3]));
}

/// @brief The payload of option 55 (Kea decodes it as an array of uint8)
/// or 93 (of uint16) as wire bytes, without Option::toBinary()'s buffer
/// copies.  False when Kea kept the option in another form (a malformed
/// one): the caller then packs it.
bool
arrayPayload(uint16_t code, const Option& opt, uint8_t* out, size_t max,
             size_t& len) {
    if (code == PXE_OPT_PRL) {
        const OptionUint8Array* a8 = exactly<OptionUint8Array>(opt);
        if (!a8 || a8->getValues().size() > max) {
            return (false);
        }
        const std::vector<uint8_t>& v = a8->getValues();
        std::copy(v.begin(), v.end(), out);
        len = v.size();
        return (true);
    }
    return (uint16Payload(opt, out, max, len));
}

/// @brief What Pkt4::getType() answers, for less: one getOption (read in
/// place, see ReadOptionsInPlace) and a type_info compare, where
/// getType() copies shared_ptrs through boost::dynamic_pointer_cast (195
/// instructions a reply against ~70).  An option 53 Kea holds in another
/// class is left to getType() itself.
uint8_t
messageType(Pkt4& pkt) {
    OptionPtr opt = pkt.getOption(DHO_DHCP_MESSAGE_TYPE);
    if (!opt) {
        return (DHCP_NOTYPE);
    }
    const OptionInt<uint8_t>* type = exactly<OptionInt<uint8_t> >(*opt);
    return (type ? type->getValue() : pkt.getType());
}

/// @brief The boot file a reply already carries (file field, else 67).
std::string
replyBootFile(const Pkt4Ptr& response) {
    OptionBuffer file = response->getFile();
    size_t len = 0;
    while (len < file.size() && file[len] != 0) {
        ++len;
    }
    if (len > 0) {
        return (std::string(file.begin(), file.begin() + len));
    }
    OptionPtr opt = response->getOption(DHO_BOOT_FILE_NAME);
    if (opt) {
        OptionBuffer data = opt->toBinary(false);
        return (std::string(data.begin(), data.end()));
    }
    return (std::string());
}

void
setOption(const Pkt4Ptr& response, uint16_t code, const std::string& value) {
    while (response->delOption(code)) {
    }
    OptionPtr opt(new OptionString(Option::V4, code, value));
    response->addOption(opt);
}

/// @brief The subnet Kea selected, for the rule key `subnet`: the
/// reply's address under the subnet mask (option 1) Kea puts in every
/// reply from the subnet it assigned from.  (Debian's kea-dev lacks
/// dhcpsrv/cfg_globals.h, so Subnet4 and CfgMgr do not compile here.)
void
setSubnet(pxe_client_t& client, Pkt4& response) {
    const IOAddress& yiaddr = response.getYiaddr();
    OptionPtr opt = response.getOption(DHO_SUBNET_MASK);
    if (!opt || !yiaddr.isV4() || yiaddr.isV4Zero()) {
        return;
    }
    OptionBuffer data = opt->toBinary(false);
    if (data.size() != 4) {
        return;
    }
    uint32_t mask = (static_cast<uint32_t>(data[0]) << 24) |
        (static_cast<uint32_t>(data[1]) << 16) |
        (static_cast<uint32_t>(data[2]) << 8) | data[3];
    unsigned len = 0;
    while (len < 32 && (mask & (0x80000000u >> len))) {
        ++len;
    }
    if (len < 32 && (mask << len) != 0) {
        return;             // not a contiguous mask
    }
    uint32_t net = yiaddr.toUint32() & mask;
    const uint8_t bytes[4] = {
        static_cast<uint8_t>(net >> 24), static_cast<uint8_t>(net >> 16),
        static_cast<uint8_t>(net >> 8), static_cast<uint8_t>(net)
    };
    pxe_client_set_subnet(&client, bytes, len);
}

} // end of anonymous namespace

ValueTree::ValueTree(const ConstElementPtr& elem) {
    std::memset(&root_, 0, sizeof(root_));
    convert(elem, root_);
}

pxe_str_t
ValueTree::keep(const std::string& s) {
    strings_.push_back(s);
    pxe_str_t out;
    out.data = strings_.back().data();
    out.len = strings_.back().size();
    return (out);
}

void
ValueTree::convert(const ConstElementPtr& elem, pxe_value_t& out) {
    if (!elem) {
        out.type = PXE_VALUE_NULL;
        return;
    }
    switch (elem->getType()) {
    case Element::integer:
        out.type = PXE_VALUE_INT;
        out.integer = elem->intValue();
        break;
    case Element::real:
        out.type = PXE_VALUE_REAL;
        break;
    case Element::boolean:
        out.type = PXE_VALUE_BOOL;
        out.boolean = elem->boolValue() ? 1 : 0;
        break;
    case Element::string:
        out.type = PXE_VALUE_STRING;
        out.string = keep(elem->stringValue());
        break;
    case Element::list: {
        const std::vector<ElementPtr>& list = elem->listValue();
        out.type = PXE_VALUE_LIST;
        arrays_.push_back(std::vector<pxe_value_t>(list.size()));
        std::vector<pxe_value_t>& items = arrays_.back();
        for (size_t i = 0; i < list.size(); ++i) {
            std::memset(&items[i], 0, sizeof(items[i]));
            convert(list[i], items[i]);
        }
        out.items = items.empty() ? NULL : &items[0];
        out.nitems = items.size();
        break;
    }
    case Element::map: {
        const std::map<std::string, ConstElementPtr>& map = elem->mapValue();
        out.type = PXE_VALUE_MAP;
        arrays_.push_back(std::vector<pxe_value_t>(map.size()));
        std::vector<pxe_value_t>& items = arrays_.back();
        size_t i = 0;
        for (auto const& member : map) {
            std::memset(&items[i], 0, sizeof(items[i]));
            convert(member.second, items[i]);
            items[i].key = keep(member.first);
            ++i;
        }
        out.items = items.empty() ? NULL : &items[0];
        out.nitems = items.size();
        break;
    }
    default:
        out.type = PXE_VALUE_NULL;
        break;
    }
}

PxekitImpl::PxekitImpl() : debug_(false), warned_packed_(false) {
    pxe_policy_init(&policy_);
}

PxekitImpl::~PxekitImpl() {
    pxe_policy_free(&policy_);
}

void
PxekitImpl::configure(const ConstElementPtr& params, int family) {
    ValueTree tree(params);
    pxe_policy_err_t err;
    int rc = family == 6 ? pxe_policy_load6(&policy_, tree.root(), &err) :
        pxe_policy_load(&policy_, tree.root(), &err);
    if (rc != PXE_OK) {
        isc_throw(BadValue, err.msg);
    }
    std::vector<bool> per_host(policy_.nrules);
    for (size_t i = 0; i < policy_.nrules; ++i) {
        per_host[i] = pxe_policy_rule_per_host(&policy_, i) != 0;
    }
    counters_.reset(new Counters(per_host));
}

void
PxekitImpl::readLogLevel() {
    debug_ = pxekit_logger.isDebugEnabled(DBG_PXEKIT_DECISION);
}

std::string
PxekitImpl::nextServer() const {
    return (toAddress(policy_.next_server).toText());
}

void
PxekitImpl::initStats() const {
    counters_->init();
}

void
PxekitImpl::publishStats() const {
    counters_->publish();
}

void
PxekitImpl::removeStats() const {
    counters_->remove();
}

void
PxekitImpl::process(const Pkt4Ptr& query, const Pkt4Ptr& response) const {
    // OFFER, ACK and BOOTP replies (no type); never a NAK.
    ReadOptionsInPlace query_options(*query);
    ReadOptionsInPlace response_options(*response);
    uint8_t type = messageType(*response);
    if (type != DHCPOFFER && type != DHCPACK && type != DHCP_NOTYPE) {
        return;
    }
    pxe_client_t client;
    pxe_client_init(&client);

    HWAddrPtr hw = query->getHWAddr();
    if (hw && !hw->hwaddr_.empty()) {
        (void) pxe_client_set_mac(&client, &hw->hwaddr_[0],
                                  hw->hwaddr_.size());
    }
    const IOAddress& yiaddr = response->getYiaddr();
    if (yiaddr.isV4() && !yiaddr.isV4Zero()) {
        uint32_t v = yiaddr.toUint32();
        const uint8_t ip[4] = {
            static_cast<uint8_t>(v >> 24), static_cast<uint8_t>(v >> 16),
            static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v)
        };
        pxe_client_set_ip(&client, ip);
    }
    // Each option the core decodes, looked up once.  String and binary
    // options hold their payload as data; the typed arrays (55, 93) give
    // it through their values.
    const bool debug = debug_;
    for (uint16_t code : QUERY_OPTIONS) {
        // Option 12 is read for ${hostname} only (a lookup a reply).
        if (code == PXE_OPT_HOSTNAME && !policy_.needs_hostname) {
            continue;
        }
        OptionPtr opt = query->getOption(code);
        if (!opt) {
            continue;
        }
        OptionBuffer packed;
        const uint8_t* bytes = NULL;
        size_t len = 0;
        uint8_t array[PXE_OPTION_MAX];
        const OptionBuffer& data = opt->getData();
        const bool typed = code == PXE_OPT_CLIENT_ARCH || code == PXE_OPT_PRL;
        if (typed && arrayPayload(code, *opt, array, sizeof(array), len)) {
            bytes = array;
        } else if (typed || data.empty()) {
            packed = opt->toBinary(false);
            bytes = packed.empty() ? NULL : &packed[0];
            len = packed.size();
        } else {
            bytes = &data[0];
            len = data.size();
        }
        int rc = pxe_client_set_option(&client, code, len ? bytes : NULL,
                                       len);
        if (rc != PXE_OK && debug) {
            LOG_DEBUG(pxekit_logger, DBG_PXEKIT_DECISION, PXEKIT_BAD_OPTION)
                .arg(query->getLabel()).arg(code).arg(pxe_strerror(rc));
        }
    }
    // The class names only when a rule tests them (a walk of Kea's
    // class container a reply otherwise).
    pxe_str_t classes[PXE_CLASSES_MAX];
    if (policy_.needs_classes) {
        pxe_client_set_classes(&client, classes,
                               pointClasses(*query, classes));
    }
    // The subnet costs a lookup and a packed copy of option 1 (~700
    // instructions): found only when a rule has the key.
    if (policy_.needs_subnet) {
        setSubnet(client, *response);
    }

    pxe_decision_t d;
    bool matched;
    if (!decide(client, *query, d, matched)) {
        return;
    }

    // The decision's file stays in d: a std::string per reply showed in
    // profiles (the URLs are past the small-string buffer).
    bool decided_file = pxe_decision_has_file(&d);
    if (matched) {
        response->setSiaddr(toAddress(d.next_server));
        if (d.sname_len > 0) {
            response->setSname(reinterpret_cast<const uint8_t*>(d.sname),
                               d.sname_len);
        }
        if (decided_file) {
            // The field stays empty when the name only fits in option 67.
            response->setFile(reinterpret_cast<const uint8_t*>(d.file),
                              d.file_field ? d.file_len : 0);
            while (response->delOption(DHO_BOOT_FILE_NAME)) {
            }
            if (d.option67) {
                setOption(response, DHO_BOOT_FILE_NAME,
                          std::string(d.file, d.file_len));
            }
        }
        if (debug) {
            LOG_DEBUG(pxekit_logger, DBG_PXEKIT_DECISION, PXEKIT_DECISION)
                .arg(query->getLabel()).arg(d.rule).arg(kindName(d.kind))
                .arg(std::string(d.file, d.file_len))
                .arg(d.file_field ? "yes" : "no")
                .arg(d.option67 ? "yes" : "no")
                .arg(toAddress(d.next_server).toText())
                .arg(response->getYiaddr().toText());
        }
    }
    // The core decides the echo on the file the reply ends up with; it
    // reads the one Kea chose (host reservation, class) only when its own
    // decision set none, so the reply is read back only then.
    std::string kept;
    if (!decided_file) {
        kept = replyBootFile(response);
    }
    if (pxe_reply_http_echo(&client, &d, kept.data(), kept.size())) {
        setOption(response, DHO_VENDOR_CLASS_IDENTIFIER, "HTTPClient");
        if (debug) {
            LOG_DEBUG(pxekit_logger, DBG_PXEKIT_DECISION, PXEKIT_HTTP_ECHO)
                .arg(query->getLabel())
                .arg(decided_file ? std::string(d.file, d.file_len) : kept);
        }
    }
}

size_t
PxekitImpl::pointClasses(const Pkt& query, pxe_str_t* out) {
    // The class names stay in the query while we decide: point at them.
    size_t n = 0;
    for (auto const& name : query.getClasses()) {
        if (n == PXE_CLASSES_MAX) {
            break;
        }
        out[n].data = name.data();
        out[n].len = name.size();
        ++n;
    }
    return (n);
}

bool
PxekitImpl::decide(const pxe_client_t& client, const Pkt& query,
                   pxe_decision_t& d, bool& matched) const {
    matched = pxe_policy_decide(&policy_, &client, &d) == PXE_OK;
    Counters& stats = *counters_;
    stats.add(kindCounter(d.kind));
    if (d.kind == PXE_KIND_NONE) {
        if (debug_) {
            LOG_DEBUG(pxekit_logger, DBG_PXEKIT_DECISION, PXEKIT_NOT_NETBOOT)
                .arg(query.getLabel());
        }
        return (false);
    }
    if (d.skipped > 0) {
        stats.add(Counters::SKIPPED, d.skipped);
        if (debug_) {
            LOG_DEBUG(pxekit_logger, DBG_PXEKIT_DECISION, PXEKIT_RULE_SKIPPED)
                .arg(query.getLabel()).arg(d.skipped);
        }
    }
    if (matched) {
        stats.add(counters_->rule(static_cast<size_t>(d.rule)));
    } else {
        stats.add(Counters::NO_MATCH);
        if (debug_) {
            LOG_DEBUG(pxekit_logger, DBG_PXEKIT_DECISION, PXEKIT_NO_MATCH)
                .arg(query.getLabel()).arg(kindName(d.kind));
        }
    }
    return (true);
}

ElementPtr
PxekitImpl::explain(const ConstElementPtr& args) const {
    ValueTree tree(args);
    pxe_client_t client;
    pxe_str_t classes[PXE_CLASSES_MAX];
    pxe_policy_err_t err;
    if (pxe_client_from_value(&client, tree.root(), classes, PXE_CLASSES_MAX,
                              &err) != PXE_OK) {
        isc_throw(BadValue, err.msg);
    }
    pxe_decision_t d;
    int rc = pxe_policy_decide(&policy_, &client, &d);

    ElementPtr out = Element::createMap();
    out->set("kind", Element::create(std::string(kindName(d.kind))));
    out->set("skipped", Element::create(static_cast<int64_t>(d.skipped)));
    // The same decision as on the wire, with Kea's own file if given.
    if (pxe_reply_http_echo(&client, &d, client.kea_file.data,
                            client.kea_file.len)) {
        out->set("vendor-class", Element::create(std::string("HTTPClient")));
    }
    if (rc != PXE_OK) {
        out->set("rule", Element::create());
        return (out);
    }
    out->set("rule", Element::create(static_cast<int64_t>(d.rule)));
    if (policy_.family == 6) {
        explain6(d, out);
        return (out);
    }
    std::string file(d.file, d.file_len);
    out->set("next-server",
             Element::create(toAddress(d.next_server).toText()));
    out->set("file", Element::create(d.file_field ? file : std::string()));
    if (d.option67) {
        out->set("option-67", Element::create(file));
    } else {
        out->set("option-67", Element::create());
    }
    if (d.sname_len > 0) {
        out->set("server-hostname",
                 Element::create(std::string(d.sname, d.sname_len)));
    }
    return (out);
}

} // end of namespace isc::pxekit
} // end of namespace isc
