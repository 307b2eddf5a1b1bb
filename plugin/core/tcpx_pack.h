/* tcpx_pack.h: a compact copy of a tcpx_result_t, for the per-frame cache.
 *
 * A finding is 152 bytes with most fields zero; the cache keeps a result for
 * every frame with an anomaly or a story step (40% of the frames of a lossy
 * capture), so it stores only the non-zero fields, as variable-length
 * integers: typically 10-40 bytes per finding.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef TCPX_PACK_H
#define TCPX_PACK_H

#include <glib.h>
#include "tcpx_core.h"

/* Enough for any result (header + TCPX_MAX_FINDINGS findings, every field present). */
#define TCPX_PACKED_MAX 2048

/* Packs r into buf (at least TCPX_PACKED_MAX bytes); returns the length used. */
gsize tcpx_result_pack(const tcpx_result_t *r, guint8 *buf);

/* Unpacks what tcpx_result_pack() wrote; FALSE (and *r empty) if buf is malformed. */
gboolean tcpx_result_unpack(const guint8 *buf, gsize len, tcpx_result_t *r);

/* The per-frame cache of a capture file: the packed results of every frame that
 * has one, appended in frame order to one growing byte array, and a sorted index
 * of (frame, offset). ~11 bytes of overhead per frame instead of ~70 for a
 * per-frame allocation plus Wireshark's proto-data entry and list node. */
typedef struct {
    guint32 frame, offset;
} tcpx_store_entry_t;

typedef struct {
    guint8 *bytes; /* per record: layer, length (2 bytes LE), packed result */
    guint32 used, cap;
    tcpx_store_entry_t *index; /* one entry per frame, frames ascending */
    guint32 n, n_cap;
    tcpx_alloc_t alloc;
} tcpx_store_t;

void tcpx_store_init(tcpx_store_t *s, const tcpx_alloc_t *alloc);

/* Keeps the packed result of a frame's layer. Frames come in ascending order (a
 * first pass); FALSE (nothing kept) for a frame before the last one kept, a layer
 * already kept, or a store that would pass 4 GB. */
gboolean tcpx_store_put(tcpx_store_t *s, guint32 frame, guint8 layer, const guint8 *packed, gsize len);

/* The packed result kept for frame's layer (its length in *len), or NULL. */
const guint8 *tcpx_store_get(const tcpx_store_t *s, guint32 frame, guint8 layer, gsize *len);

#endif
