// pxekit_impl.h: the adapter between Kea and libpxekit.
//
// It translates, it does not decide: Kea Elements become pxe_value_t trees
// for the core to validate, packet options become bytes and lengths for
// the core to decode, and the core's decision is applied to the reply.

#ifndef PXEKIT_IMPL_H
#define PXEKIT_IMPL_H

#include <cc/data.h>
#include <dhcp/pkt4.h>
#include <dhcp/pkt6.h>

#include <boost/shared_ptr.hpp>

#include <atomic>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "pxekit.h"
#include "pxekit_stats.h"

namespace isc {
namespace pxekit {

/// @brief A Kea Element tree as the core's pxe_value_t tree.
///
/// Owns every string and array the values point to, so the tree lives as
/// long as this object.
class ValueTree {
public:
    /// @brief Translates elem (may be null: a NULL value).
    explicit ValueTree(const isc::data::ConstElementPtr& elem);

    /// @brief The translated root.
    const pxe_value_t* root() const {
        return (&root_);
    }

private:
    void convert(const isc::data::ConstElementPtr& elem, pxe_value_t& out);
    pxe_str_t keep(const std::string& s);

    std::deque<std::string> strings_;
    std::deque<std::vector<pxe_value_t> > arrays_;
    pxe_value_t root_;
};

/// @brief The loaded configuration and what applies it to packets.
///
/// Immutable after configure(): the packet path only reads it, which is
/// what makes multi_threading_compatible() honest.
class PxekitImpl {
public:
    PxekitImpl();
    ~PxekitImpl();

    /// @brief Validates and loads the hook parameters, for a DHCPv4
    /// (family 4) or DHCPv6 (6) server.
    ///
    /// @throw isc::BadValue with the core's message, which names the rule
    /// index and the key ("rule 2, key 'arch': ...").
    void configure(const isc::data::ConstElementPtr& params, int family = 4);

    /// @brief 4 or 6: the server the configuration was loaded for.
    int family() const {
        return (policy_.family);
    }

    /// @brief Takes Kea's logging level for decision logging (see
    /// debug_): in load(), not configure(), which pxekit-kea-check runs
    /// without Kea's logging.
    void readLogLevel();

    /// @brief Creates this library's statistics at zero.
    void initStats() const;

    /// @brief Brings StatsMgr up to date with the counts (see Counters);
    /// the publishing timer calls it.
    void publishStats() const;

    /// @brief Removes them (unload).
    void removeStats() const;

    /// @brief Applies the policy to a reply about to be sent: an OFFER,
    /// ACK or BOOTP reply; any other (NAK) is left alone.
    void process(const isc::dhcp::Pkt4Ptr& query,
                 const isc::dhcp::Pkt4Ptr& response) const;

    /// @brief The same for DHCPv6 (pxekit_v6.cc): an ADVERTISE or REPLY
    /// gets option 59, and 60 and the option 16 echo as decided.
    void process6(const isc::dhcp::Pkt6Ptr& query,
                  const isc::dhcp::Pkt6Ptr& response) const;

    /// @brief The pxekit-explain answer for a described client.
    ///
    /// @throw isc::BadValue naming the bad argument.
    isc::data::ElementPtr explain(const isc::data::ConstElementPtr& args) const;

    /// @brief Number of rules loaded.
    size_t ruleCount() const {
        return (policy_.nrules);
    }

    /// @brief The default next-server, as text.
    std::string nextServer() const;

    /// @brief Set once PXEKIT_REPLY_PACKED has been logged.
    std::atomic<bool>& warnedPacked() const {
        return (warned_packed_);
    }

private:
    /// @brief Points out[] (PXE_CLASSES_MAX) at the query's class names,
    /// which outlive the decision; how many.
    static size_t pointClasses(const isc::dhcp::Pkt& query, pxe_str_t* out);

    /// @brief Decides for the client and counts the decision (its kind,
    /// the rules skipped, the rule or no match), logged at debug level;
    /// false when the client is not netbooting (reply left alone).
    /// matched: a rule matched (d.rule).  v4 and v6 alike.
    bool decide(const pxe_client_t& client, const isc::dhcp::Pkt& query,
                pxe_decision_t& d, bool& matched) const;

    /// @brief explain()'s fields of a DHCPv6 decision that matched a
    /// rule (pxekit_v6.cc): bootfile-url and bootfile-param.
    static void explain6(const pxe_decision_t& d,
                         const isc::data::ElementPtr& out);

    PxekitImpl(const PxekitImpl&);
    PxekitImpl& operator=(const PxekitImpl&);

    pxe_policy_t policy_;
    std::unique_ptr<Counters> counters_;    // made by configure()
    /// Decision logging, as Kea's logging stood at load: Kea applies a
    /// new logging config before it reloads the hook libraries
    /// (config-set, config-reload), so a level change reaches the packet
    /// path through a reload, and the check is not made on every reply.
    bool debug_;
    mutable std::atomic<bool> warned_packed_;
};

/// @brief "pxe", "http", "ipxe" or "none": logs and pxekit-explain.
const char* kindName(pxe_kind_e kind);

/// @brief The Counters index of a kind of client.
size_t kindCounter(pxe_kind_e kind);

/// @brief Pointer to the loaded configuration.
typedef boost::shared_ptr<PxekitImpl> PxekitImplPtr;

} // end of namespace isc::pxekit
} // end of namespace isc

#endif // PXEKIT_IMPL_H
