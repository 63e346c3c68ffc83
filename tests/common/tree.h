/*
 * tree.h: sample SmartOS platform trees for tests, in every layout, with
 * deterministic content so tests can compare served bytes with the disk.
 */

#ifndef PXEKIT_TESTS_TREE_H
#define PXEKIT_TESTS_TREE_H

#include <stddef.h>

#include "pxekit.h"

enum {
    FX_NO_HASH = 1u << 0,       /* no boot_archive.hash */
    FX_DISABLED = 1u << 1,      /* a `disable` file in the build directory */
    FX_NO_KERNEL = 1u << 2,
    FX_NO_ARCHIVE = 1u << 3,
    FX_MANIFEST = 1u << 4,      /* also boot_archive.manifest */
    FX_NO_STAMP = 1u << 5       /* unversioned: no etc/version/platform */
};

/* Creates one build under root; 0 on success, -1 with errno. */
int fixture_build(const char *root, const char *name, pxe_layout_e layout,
    unsigned flags, size_t archive_size);

/* Writes line and a newline to path (mode 0644). */
int fixture_text(const char *path, const char *line);

/* Writes len deterministic bytes derived from seed to path. */
int fixture_file(const char *path, const char *seed, size_t len);

/* mkdir -p; 0 or -1 with errno. */
int fixture_mkdirs(const char *path);

/* A fresh directory under $TMPDIR (or /tmp); free() the result. */
char *fixture_tmpdir(void);

/* rm -rf, not following symlinks. */
int fixture_rmtree(const char *path);

#endif
