/* tcpx_pack.h: a compact copy of a tcpx_result_t, for the per-frame cache.
 *
 * A finding is 128 bytes with most fields zero; the cache keeps a result for
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

#endif
