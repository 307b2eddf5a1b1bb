/* tcpx_health_batch.c: records added in batches (tcpx_health_add_batched).
 *
 * Between two records tshark runs some 40,000 instructions of its own, which push the adding code out of
 * the processor's instruction cache: added one at a time, each record fetches it again.  A batch of records
 * added in a row fetches it once.  Measured with cachegrind on the benchmark's first 50,000 packets
 * (README.md, Performance, "Batches"): 118 fewer instruction-cache misses per packet, for 50 more
 * instructions (the copies).  Large batches, because each switch between tshark's work and tcpx's also
 * refills the caches tshark's own work uses: timed on one shared CPU, 4096 records cost ~2.5% less of
 * tshark's time than 64, 16384 no less than 4096 (README.md, Performance).
 *
 * A record is copied with its findings (the plugin reuses both for the next frame) and with what adding it
 * reads of the plugin's stream state as it is now (tcpx_health_view_t): the results are those of
 * tcpx_health_add().  An ICMP record names its router in a string valid during the tap callback only: the
 * batch is added first, then the ICMP record at once.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "tcpx_health_int.h"

#define BATCH_RECORDS 4096
#define BATCH_FINDINGS ((gsize)2 * BATCH_RECORDS) /* most records carry none or one */

typedef struct {
    tcpx_tap_rec_t rec;
    tcpx_health_view_t view;
    bool has_view;
} batched_t;

struct tcpx_health_batch {
    batched_t rec[BATCH_RECORDS];
    guint n;
    /* the records' findings, a result header each then its findings, packed */
    union {
        tcpx_result_t align;
        guint8 bytes[BATCH_FINDINGS * sizeof(tcpx_finding_t)];
    } findings;
    gsize used;
};

void
tcpx_health_batch_free(tcpx_health_batch_t *b)
{
    g_free(b);
}

void
tcpx_health_flush(tcpx_health_t *h)
{
    tcpx_health_batch_t *b = h ? h->batch : NULL;
    if (!b)
        return;
    for (guint i = 0; i < b->n; i++)
        tcpx_health_add_as(h, &b->rec[i].rec, b->rec[i].has_view ? &b->rec[i].view : NULL);
    b->n = 0;
    b->used = 0;
}

/* The result's header and its findings: what adding a record reads of it. */
static gsize
result_bytes(const tcpx_result_t *r)
{
    gsize n = MIN(r->n, TCPX_MAX_FINDINGS);
    gsize bytes = offsetof(tcpx_result_t, f) + n * sizeof(tcpx_finding_t);
    return (bytes + 7) & ~(gsize)7;
}

void
tcpx_health_add_batched(tcpx_health_t *h, const tcpx_tap_rec_t *rec)
{
    if (!h || !rec)
        return;
    if (rec->icmp) {
        tcpx_health_flush(h);
        tcpx_health_add(h, rec);
        return;
    }
    if (!h->batch)
        h->batch = g_new0(tcpx_health_batch_t, 1);
    tcpx_health_batch_t *b = h->batch;
    gsize need = rec->result ? result_bytes(rec->result) : 0;
    if (b->used + need > sizeof b->findings)
        tcpx_health_flush(h);
    batched_t *e = &b->rec[b->n++];
    e->rec = *rec;
    e->has_view = rec->st != NULL;
    if (rec->st)
        tcpx_health_view_of(rec->st, &e->view);
    if (rec->result) {
        memcpy(b->findings.bytes + b->used, rec->result, need); /* within the struct: f[] is followed by later[] */
        e->rec.result = (const tcpx_result_t *)(const void *)(b->findings.bytes + b->used);
        b->used += need;
    }
    if (b->n == BATCH_RECORDS)
        tcpx_health_flush(h);
}
