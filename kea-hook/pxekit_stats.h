// pxekit_stats.h: the hook's statistics, counted off StatsMgr's lock.
//
// StatsMgr::addValue takes one process-wide mutex and pushes a
// timestamped sample: ~750 instructions, and the hook counts twice per
// reply.  The packet path bumps a relaxed atomic instead; publish() adds
// what changed since the last call to StatsMgr.  A TimerMgr timer calls
// it every STATS_PUBLISH_INTERVAL_MS on Kea's main thread, so Kea's own
// statistic-get shows a reply at most that long (plus the time the main
// thread is busy with something else) after it was sent.

#ifndef PXEKIT_STATS_H
#define PXEKIT_STATS_H

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace isc {
namespace pxekit {

/// @brief How often the counts reach StatsMgr: the most a read lags.
const long STATS_PUBLISH_INTERVAL_MS = 1000;

/// @brief Names of the statistics, as statistic-get-all shows them.
extern const char* const STAT_IPXE;
extern const char* const STAT_PXE;
extern const char* const STAT_HTTP;
extern const char* const STAT_NON_BOOT;
extern const char* const STAT_NO_MATCH;
extern const char* const STAT_SKIPPED;
extern const char* const STAT_HOST_RULES;

/// @brief One counter per statistic: the fixed ones, then one per rule,
/// except that per-host rules share one.
class Counters {
public:
    /// @brief Indices of the fixed counters; rules come after RULES (see
    /// rule()).
    enum Fixed {
        IPXE = 0, PXE, HTTP, NON_BOOT, NO_MATCH, SKIPPED, RULES
    };

    /// @brief Counters for the fixed statistics and the rules: a
    /// pxekit.rule[i].matches for each rule i, except those per_host
    /// marks (the core's per-host rules, thousands from an imported
    /// dhcpd.conf), which all count in pxekit.host-rules.matches: each
    /// statistic's name makes every StatsMgr lookup of Kea's own slower.
    explicit Counters(const std::vector<bool>& per_host);

    /// @brief The counter of rule i.
    size_t rule(size_t i) const {
        return (rules_[i]);
    }

    /// @brief Counts n events; any thread, no lock.
    ///
    /// The counter's bit in dirty_ tells publish() to look at it: with
    /// thousands of per-host rules, reading every counter each tick cost
    /// ~90,000 instructions a second.  Release after the count, so that
    /// publish(), which takes the bits with acquire, reads it.
    void add(size_t index, uint64_t n = 1) {
        counts_[index].fetch_add(n, std::memory_order_relaxed);
        const uint64_t bit = static_cast<uint64_t>(1) << (index & 63);
        std::atomic<uint64_t>& word = dirty_[index >> 6];
        if (!(word.load(std::memory_order_relaxed) & bit)) {
            word.fetch_or(bit, std::memory_order_release);
        }
    }

    /// @brief Creates every statistic in StatsMgr at zero.
    void init();

    /// @brief Adds the counts made since the last call to StatsMgr.
    ///
    /// Safe against packet threads counting at the same time: what they
    /// add after the read is published next time.  Only the counters that
    /// changed are read and reach StatsMgr, so a tick costs a load per 64
    /// counters plus a StatsMgr call per counter that changed.
    void publish();

    /// @brief Removes every statistic from StatsMgr (unload).
    void remove();

    /// @brief The StatsMgr name of a counter.
    const std::string& name(size_t index) const {
        return (names_[index]);
    }

private:
    std::vector<std::string> names_;
    std::vector<uint32_t> rules_;       // rule -> counter
    std::unique_ptr<std::atomic<uint64_t>[]> counts_;
    std::unique_ptr<std::atomic<uint64_t>[]> dirty_;   // a bit a counter
    std::vector<uint64_t> published_;
    std::mutex mutex_;      // init/publish/remove: main thread, but cheap
};

} // end of namespace isc::pxekit
} // end of namespace isc

#endif // PXEKIT_STATS_H
