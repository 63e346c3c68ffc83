/*
 * mktree: builds a sample SmartOS tree for shell-driven tests.
 *   mktree ROOT [--size BYTES] LAYOUT:NAME[,FLAG...]...
 * LAYOUT is canonical, legacy (platform-NAME), underscore (platform_NAME)
 * or unversioned (platform/, NAME in its etc/version/platform); FLAGs:
 * nohash disabled nokernel noarchive manifest nostamp (unversioned without
 * the stamp file).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tree.h"

static int
parse_flags(char *s, unsigned *flags)
{
    char  *tok, *save = NULL;

    for (tok = strtok_r(s, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (strcmp(tok, "nohash") == 0) {
            *flags |= FX_NO_HASH;
        } else if (strcmp(tok, "disabled") == 0) {
            *flags |= FX_DISABLED;
        } else if (strcmp(tok, "nokernel") == 0) {
            *flags |= FX_NO_KERNEL;
        } else if (strcmp(tok, "noarchive") == 0) {
            *flags |= FX_NO_ARCHIVE;
        } else if (strcmp(tok, "manifest") == 0) {
            *flags |= FX_MANIFEST;
        } else if (strcmp(tok, "nostamp") == 0) {
            *flags |= FX_NO_STAMP;
        } else {
            fprintf(stderr, "mktree: unknown flag \"%s\"\n", tok);
            return -1;
        }
    }
    return 0;
}

int
main(int argc, char **argv)
{
    size_t         size = 65536;
    int            i;
    char          *spec, *colon, *comma;
    pxe_layout_e   layout;
    unsigned       flags;

    if (argc < 2) {
        fprintf(stderr, "usage: mktree ROOT [--size BYTES] LAYOUT:NAME[,FLAG...]...\n");
        return 2;
    }
    if (fixture_mkdirs(argv[1]) != 0) {
        perror(argv[1]);
        return 1;
    }
    for (i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--size") == 0 && i + 1 < argc) {
            size = strtoull(argv[++i], NULL, 10);
            continue;
        }
        spec = argv[i];
        colon = strchr(spec, ':');
        if (colon == NULL) {
            fprintf(stderr, "mktree: bad spec \"%s\"\n", spec);
            return 2;
        }
        *colon = '\0';
        if (strcmp(spec, "canonical") == 0) {
            layout = PXE_LAYOUT_CANONICAL;
        } else if (strcmp(spec, "legacy") == 0) {
            layout = PXE_LAYOUT_LEGACY;
        } else if (strcmp(spec, "underscore") == 0) {
            layout = PXE_LAYOUT_UNDERSCORE;
        } else if (strcmp(spec, "unversioned") == 0) {
            layout = PXE_LAYOUT_UNVERSIONED;
        } else {
            fprintf(stderr, "mktree: bad layout \"%s\"\n", spec);
            return 2;
        }
        flags = 0;
        comma = strchr(colon + 1, ',');
        if (comma != NULL) {
            *comma = '\0';
            if (parse_flags(comma + 1, &flags) != 0) {
                return 2;
            }
        }
        if (fixture_build(argv[1], colon + 1, layout, flags, size) != 0) {
            perror(colon + 1);
            return 1;
        }
    }
    return 0;
}
