// pxekit_kea_check.cc: pxekit-kea-check KEA-CONFIG.json
//
// kea-dhcp4 -t never calls a hook's load(), so bad pxekit parameters pass
// it and only fail when Kea (re)loads.  This reads the Kea config the way
// Kea does (comments allowed), finds every libdhcp_pxekit.so entry of its
// Dhcp4 and Dhcp6 sections and runs the hook's own configure() on its
// parameters, for the server family the section is for.

#include <cc/data.h>
#include <exceptions/exceptions.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "pxekit_impl.h"

using namespace isc::data;

namespace {

const char* const HOOK_NAME = "libdhcp_pxekit.so";

bool
isPxekit(const std::string& library) {
    std::string::size_type slash = library.rfind('/');
    std::string base = slash == std::string::npos ? library :
        library.substr(slash + 1);
    return (base == HOOK_NAME);
}

/// @brief Kea's config syntax minus comments: "//", "/* */" and "#".
///
/// Element::fromJSONFile's preprocessing only knows "#" lines, while
/// kea-dhcp4's own parser takes all three; strings are kept intact.
std::string
stripComments(std::istream& in) {
    std::string text((std::istreambuf_iterator<char>(in)),
                     std::istreambuf_iterator<char>());
    std::string out;
    out.reserve(text.size());
    bool in_string = false;
    for (size_t i = 0; i < text.size(); ++i) {
        char ch = text[i];
        if (in_string) {
            out += ch;
            if (ch == '\\' && i + 1 < text.size()) {
                out += text[++i];
            } else if (ch == '"') {
                in_string = false;
            }
        } else if (ch == '"') {
            in_string = true;
            out += ch;
        } else if (ch == '#' ||
                   (ch == '/' && i + 1 < text.size() && text[i + 1] == '/')) {
            // Keep the newline so positions in errors stay right.
            while (i < text.size() && text[i] != '\n') {
                ++i;
            }
            out += '\n';
        } else if (ch == '/' && i + 1 < text.size() && text[i + 1] == '*') {
            i += 2;
            while (i + 1 < text.size() &&
                   !(text[i] == '*' && text[i + 1] == '/')) {
                if (text[i] == '\n') {
                    out += '\n';
                }
                ++i;
            }
            ++i;
            out += ' ';
        } else {
            out += ch;
        }
    }
    return (out);
}

/// @brief Checks the pxekit entries of one server section; how many.
///
/// @throw isc::BadValue with the core's message, prefixed "Dhcp6: " for
/// a DHCPv6 section (a v4 one keeps the message load() logs, as is).
int
checkSection(const std::string& file, const ConstElementPtr& config,
             const std::string& section, int family) {
    ConstElementPtr server = config->getType() == Element::map ?
        config->get(section) : ConstElementPtr();
    ConstElementPtr hooks = server && server->getType() == Element::map ?
        server->get("hooks-libraries") : ConstElementPtr();
    int found = 0;
    if (!hooks || hooks->getType() != Element::list) {
        return (0);
    }
    for (auto const& entry : hooks->listValue()) {
        if (entry->getType() != Element::map) {
            continue;
        }
        ConstElementPtr library = entry->get("library");
        if (!library || library->getType() != Element::string ||
            !isPxekit(library->stringValue())) {
            continue;
        }
        ++found;
        isc::pxekit::PxekitImpl impl;
        try {
            impl.configure(entry->get("parameters"), family);
        } catch (const std::exception& ex) {
            if (family == 4) {
                throw;
            }
            isc_throw(isc::BadValue, section << ": " << ex.what());
        }
        std::cout << file << ": " << library->stringValue()
                  << (family == 6 ? " (Dhcp6)" : "")
                  << ": ok, " << impl.ruleCount() << " rules" << std::endl;
    }
    return (found);
}

} // end of anonymous namespace

int
main(int argc, char* argv[]) {
    if (argc != 2 || argv[1][0] == '-') {
        std::cerr << "usage: pxekit-kea-check KEA-CONFIG.json" << std::endl
                  << "Validates the parameters of every " << HOOK_NAME
                  << " entry in Dhcp4 and Dhcp6 hooks-libraries."
                  << std::endl;
        return (argc == 2 && std::string(argv[1]) == "--help" ? 0 : 2);
    }
    const std::string file(argv[1]);
    try {
        std::ifstream in(file.c_str());
        if (!in) {
            isc_throw(isc::BadValue, "cannot open: " << std::strerror(errno));
        }
        std::istringstream text(stripComments(in));
        ConstElementPtr config = Element::fromJSON(text, file, false);
        int found = checkSection(file, config, "Dhcp4", 4) +
            checkSection(file, config, "Dhcp6", 6);
        if (found == 0) {
            std::cerr << file << ": no " << HOOK_NAME
                      << " in Dhcp4 or Dhcp6 hooks-libraries" << std::endl;
            return (1);
        }
    } catch (const std::exception& ex) {
        std::cerr << file << ": " << ex.what() << std::endl;
        return (1);
    }
    return (0);
}
