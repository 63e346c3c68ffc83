// pxekit_stats.cc: relaxed counters, published into Kea's StatsMgr.

#include <stats/stats_mgr.h>

#include <sstream>

#include "pxekit_stats.h"

using namespace isc::stats;

namespace isc {
namespace pxekit {

const char* const STAT_IPXE = "pxekit.ipxe-clients";
const char* const STAT_PXE = "pxekit.legacy-pxe-clients";
const char* const STAT_HTTP = "pxekit.http-boot-clients";
const char* const STAT_NON_BOOT = "pxekit.non-boot-clients";
const char* const STAT_NO_MATCH = "pxekit.no-match";
const char* const STAT_SKIPPED = "pxekit.skipped-rules";
const char* const STAT_HOST_RULES = "pxekit.host-rules.matches";

Counters::Counters(const std::vector<bool>& per_host)
    : rules_(per_host.size()) {
    names_.push_back(STAT_IPXE);
    names_.push_back(STAT_PXE);
    names_.push_back(STAT_HTTP);
    names_.push_back(STAT_NON_BOOT);
    names_.push_back(STAT_NO_MATCH);
    names_.push_back(STAT_SKIPPED);
    size_t host_rules = 0;      // their shared counter, once one is seen
    for (size_t i = 0; i < per_host.size(); ++i) {
        if (per_host[i] && host_rules) {
            rules_[i] = static_cast<uint32_t>(host_rules);
            continue;
        }
        rules_[i] = static_cast<uint32_t>(names_.size());
        if (per_host[i]) {
            host_rules = names_.size();
            names_.push_back(STAT_HOST_RULES);
            continue;
        }
        std::ostringstream name;
        name << "pxekit.rule[" << i << "].matches";
        names_.push_back(name.str());
    }
    counts_.reset(new std::atomic<uint64_t>[names_.size()]());
    dirty_.reset(new std::atomic<uint64_t>[(names_.size() + 63) / 64]());
    published_.assign(names_.size(), 0);
}

void
Counters::init() {
    std::lock_guard<std::mutex> lock(mutex_);
    StatsMgr& stats = StatsMgr::instance();
    for (size_t i = 0; i < names_.size(); ++i) {
        published_[i] = counts_[i].load(std::memory_order_relaxed);
        stats.setValue(names_[i], static_cast<int64_t>(0));
    }
}

void
Counters::publish() {
    std::lock_guard<std::mutex> lock(mutex_);
    StatsMgr& stats = StatsMgr::instance();
    for (size_t w = 0; w < (names_.size() + 63) / 64; ++w) {
        uint64_t bits = dirty_[w].exchange(0, std::memory_order_acquire);
        while (bits) {
            size_t i = w * 64 + static_cast<size_t>(__builtin_ctzll(bits));
            bits &= bits - 1;
            uint64_t now = counts_[i].load(std::memory_order_relaxed);
            if (now != published_[i]) {
                // A reset in between (statistic-reset) zeroed StatsMgr's
                // value; adding only the delta keeps counting from there.
                stats.addValue(names_[i],
                               static_cast<int64_t>(now - published_[i]));
                published_[i] = now;
            }
        }
    }
}

void
Counters::remove() {
    std::lock_guard<std::mutex> lock(mutex_);
    StatsMgr& stats = StatsMgr::instance();
    for (auto const& name : names_) {
        stats.del(name);
    }
}

} // end of namespace isc::pxekit
} // end of namespace isc
