/* tcpx_defer.c: the first pass of frames nobody looks at now, in batches.
 *
 * `tshark -q -z tcpx,health` builds no tree and shows no frame: the core's analysis of a frame is needed
 * only by the health report, which reads it at the end.  Between two frames tshark runs some 40,000
 * instructions of its own, which push tcpx's code out of the processor's instruction cache; analysed one
 * frame at a time, every frame fetches it again.  So the headers the hook read are kept (a copy of each,
 * with its stream) and analysed 4096 at a time (tcpx_health_batch.c says why so many), in frame order,
 * their tap records handed straight to the report (tcpx_defer_set_consumer).  The results are the same:
 * the core reads nothing but the header and its stream's state, and the report takes the records in the
 * same order.
 *
 * Only while nothing else needs a frame's result during its dissection: no tree (a column, a filter or
 * the details would read tcpx's fields), no Expert Info listener, no other listener of the tcpx tap (the
 * GUI's tables, -z tcpx,report: they would miss the deferred frames), no tap filter, and no later pass
 * yet.  Any frame that needs its result now first flushes the batch, so the order holds.  Another
 * listener is noticed by the first record the consumer gets through the tap: every listener has had that
 * one too, and ours call tcpx_defer_forbid().
 *
 * In tshark a deferred frame is never dissected again (one pass; with -2 its first pass runs no taps, so
 * nothing is deferred, and the second finds every frame visited), so its results are not packed for later
 * passes: ~300 instructions per notable frame, and the memory they took.  Elsewhere (a GUI given -z) they
 * are kept, as for any frame.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define WS_LOG_DOMAIN "tcpx"

#include <epan/packet.h>
#include <epan/tap.h>

#include "tcpx_hook.h"

#define DEFER_HEADERS 4096

typedef struct {
    tcpx_segment_t seg;
    tcpx_stream_glue_t *stream;
    guint32 cut_len;
    guint8 index; /* the header's place in its frame */
} deferred_t;

static struct {
    deferred_t header[DEFER_HEADERS];
    guint n;
    tcpx_result_t result;
    tcpx_tap_rec_t rec;
    tcpx_defer_add_fn add;
    void *ctx;
    gboolean tapped;    /* the consumer has had a record through the tap */
    gboolean one_pass;  /* tshark: no frame is dissected twice, so no result is kept for a later pass */
    gboolean forbidden; /* another listener, or a second consumer */
} defer;

void
tcpx_defer_set_consumer(tcpx_defer_add_fn add, void *ctx)
{
    if (defer.add) { /* two consumers: defer nothing */
        defer.forbidden = TRUE;
        return;
    }
    defer.add = add;
    defer.ctx = ctx;
    defer.one_pass = g_strcmp0(g_get_prgname(), "tshark") == 0;
}

void
tcpx_defer_clear_consumer(const void *ctx)
{
    if (!defer.add || defer.ctx != ctx)
        return;
    tcpx_defer_flush();
    defer.add = NULL;
    defer.ctx = NULL;
}

void
tcpx_defer_tapped(void)
{
    defer.tapped = TRUE;
}

void
tcpx_defer_forbid(void)
{
    if (!defer.forbidden)
        tcpx_defer_flush();
    defer.forbidden = TRUE;
}

gboolean
tcpx_defer_on(void)
{
    return defer.add && !defer.forbidden && defer.tapped;
}

void
tcpx_defer_file_init(void)
{
    defer.n = 0; /* the previous file's streams are gone */
    defer.tapped = FALSE;
}

void
tcpx_defer_flush(void)
{
    for (guint i = 0; i < defer.n; i++) {
        deferred_t *d = &defer.header[i];
        const tcpx_result_t *r = tcpx_analyze_header(d->stream, &d->seg, d->index, &defer.result, !defer.one_pass);
        if (!defer.add)
            continue;
        tcpx_tap_record_fill(&defer.rec, d->stream, &d->seg, d->cut_len, r, tcpx_from_client(d->stream, &d->seg, r));
        defer.add(defer.ctx, &defer.rec);
    }
    defer.n = 0;
}

gboolean
tcpx_defer_frame(packet_info *pinfo, const proto_tree *tree, gboolean expert_listens, tcpx_layer_t *layers, guint n)
{
    if (!defer.add || defer.forbidden || !defer.tapped || tree || expert_listens || PINFO_FD_VISITED(pinfo) ||
        have_filtering_tap_listeners() || n > DEFER_HEADERS) {
        tcpx_defer_flush();
        return FALSE;
    }
    if (defer.n + n > DEFER_HEADERS)
        tcpx_defer_flush();
    for (guint i = 0; i < n; i++) {
        if (!layers[i].stream)
            continue;
        deferred_t *d = &defer.header[defer.n++];
        d->seg = layers[i].seg;
        d->stream = layers[i].stream;
        d->cut_len = tcpx_cut_len(pinfo);
        d->index = (guint8)i;
    }
    if (defer.n == DEFER_HEADERS)
        tcpx_defer_flush();
    return TRUE;
}
