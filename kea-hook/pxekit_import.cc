// pxekit_import.cc: pxekit-import dhcpd FILE | dnsmasq FILE...
//                   [--kea-config] [--hook PATH] [--next-server ADDR]
//
// Arguments and I/O only: the core (lib/import*.c) parses and translates;
// the output is checked with the hook's own configure() before it is
// written, so what pxekit-import prints, load() accepts.

#include <cc/data.h>
#include <exceptions/exceptions.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "pxekit_impl.h"

using namespace isc::data;

namespace {

const char* const DEFAULT_HOOK =
    PXEKIT_KEA_HOOKS_DIR "/libdhcp_pxekit.so";

/// @brief Exit statuses (the contract, see pxekit-import(1)).
enum {
    EXIT_TRANSLATED = 0,
    EXIT_PARSE = 1,
    EXIT_USAGE = 2,
    EXIT_PARTIAL = 3
};

int
usage() {
    std::cerr << "usage: pxekit-import dhcpd FILE [--kea-config] "
        "[--hook PATH] [--next-server ADDR]\n"
        "       pxekit-import dnsmasq FILE... [--kea-config] "
        "[--hook PATH] [--next-server ADDR]\n";
    return (EXIT_USAGE);
}

/// @brief RAII for the core's buffer and result.
struct Result {
    pxe_import_t* im;
    pxe_buf_t out;
    pxe_buf_t err;
    Result() : im(0) {
        pxe_buf_init(&out, 64 * 1024 * 1024, NULL);
        pxe_buf_init(&err, 4096, NULL);
    }
    ~Result() {
        pxe_import_free(im);
        pxe_buf_free(&out);
        pxe_buf_free(&err);
    }
};

} // end of anonymous namespace

int
main(int argc, char* argv[]) {
    if (argc < 3) {
        return (usage());
    }
    std::string kind = argv[1];
    std::vector<std::string> files;
    bool kea_config = false;
    std::string hook = DEFAULT_HOOK;
    std::string next_server;
    for (int i = 2; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg == "--kea-config") {
            kea_config = true;
        } else if ((arg == "--hook" || arg == "--next-server") &&
                   i + 1 < argc) {
            (arg == "--hook" ? hook : next_server) = argv[++i];
        } else if (!arg.empty() && arg[0] == '-') {
            return (usage());
        } else {
            files.push_back(arg);
        }
    }
    if ((kind != "dhcpd" && kind != "dnsmasq") || files.empty() ||
        (kind == "dhcpd" && files.size() != 1)) {
        return (usage());
    }
    std::vector<std::string> texts;
    for (auto const& file : files) {
        std::ifstream in(file.c_str(), std::ios::binary);
        if (!in) {
            std::cerr << "pxekit-import: " << file << ": "
                      << std::strerror(errno) << "\n";
            return (EXIT_PARSE);
        }
        texts.push_back(std::string((std::istreambuf_iterator<char>(in)),
                                    std::istreambuf_iterator<char>()));
    }

    Result r;
    pxe_import_opts_t opts;
    opts.next_server = next_server.empty() ? NULL : next_server.c_str();
    int rc;
    if (kind == "dhcpd") {
        rc = pxe_import_dhcpd(&r.im, files[0].c_str(), texts[0].data(),
                              texts[0].size(), &opts, &r.err);
    } else {
        std::vector<const char*> names, datas;
        std::vector<size_t> lens;
        for (size_t i = 0; i < files.size(); ++i) {
            names.push_back(files[i].c_str());
            datas.push_back(texts[i].data());
            lens.push_back(texts[i].size());
        }
        rc = pxe_import_dnsmasq(&r.im, files.size(), &names[0], &datas[0],
                                &lens[0], &opts, &r.err);
    }
    if (rc != PXE_OK) {
        std::cerr << (r.err.len ? std::string(r.err.data, r.err.len) :
                      files[0] + ": " + pxe_strerror(rc)) << "\n";
        return (EXIT_PARSE);
    }
    rc = kea_config ? pxe_import_kea(r.im, hook.c_str(), &r.out) :
        pxe_import_params(r.im, &r.out);
    if (rc != PXE_OK) {
        std::cerr << "pxekit-import: " << pxe_strerror(rc) << "\n";
        return (EXIT_PARSE);
    }
    std::string json(r.out.data, r.out.len);

    // What load() will run, run now: never print what the hook refuses.
    try {
        ConstElementPtr parsed = Element::fromJSON(json);
        ConstElementPtr params = parsed;
        if (kea_config) {
            params = parsed->get("Dhcp4")->get("hooks-libraries")->get(0)
                ->get("parameters");
        }
        isc::pxekit::PxekitImpl impl;
        impl.configure(params);
    } catch (const std::exception& ex) {
        std::cerr << "pxekit-import: internal error: the hook refuses the "
            "translation: " << ex.what() << "\n";
        return (EXIT_PARSE);
    }

    size_t partial = 0;
    for (size_t i = 0; i < pxe_import_nnotes(r.im); ++i) {
        int only = pxe_import_note_kea(r.im, i);
        if ((only == 1 && !kea_config) || (only == 2 && kea_config)) {
            continue;
        }
        std::cerr << pxe_import_note(r.im, i) << "\n";
        ++partial;
    }
    std::cout << json;
    std::cout.flush();
    if (!std::cout) {
        std::cerr << "pxekit-import: write error\n";
        return (EXIT_PARSE);
    }
    return (partial ? EXIT_PARTIAL : EXIT_TRANSLATED);
}
