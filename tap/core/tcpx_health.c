/* tcpx_health.c: per-stream health from tcpx tap records (plain C, no epan):
 * the public API's lifecycle and lookup, the stable names and the short texts.
 *
 * The rules, and which function implements each: docs/health-rules.md.
 * Records are accumulated in tcpx_health_add.c, streams judged in tcpx_health_judge.c,
 * sentences rendered from the templates of tcpx_health_words.c.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "tcpx_health_int.h"
#include "tcpx_text.h"
#include "tcpx_units.h"

void
tcpx_health_prefs_default(tcpx_health_prefs_t *p)
{
    p->slow_factor = 10;
    p->slow_min_ms = 200;
    p->ack_fast_ms = 250;
    p->loss_mid_pct = 1;
    p->loss_high_pct = 5;
    p->zero_window_long_ms = 1000;
    p->burst_rtts = 1;
    p->burst_min_events = 3;
    p->w_loss_low = 5;
    p->w_loss_mid = 20;
    p->w_loss_high = 40;
    p->w_zero_window = 30;
    p->w_reset = 15;
    p->w_slow = 30;
    p->w_capture = 5;
    p->refused_score = 10;
}

/* Ids may grow the dense index by this much at a time before they go to the sparse table. */
#define DENSE_ID_SLACK 4096u

static void
hstream_free(gpointer p)
{
    hstream_t *hs = (hstream_t *)p;
    g_free(hs->pub.client);
    g_free(hs->pub.server);
    g_free(hs->lim[0].timeline);
    g_free(hs->lim[1].timeline);
    tcpx_health_limits_release(&hs->lim[0]);
    tcpx_health_limits_release(&hs->lim[1]);
    g_free(hs->ph);
    g_free(hs->pub.verdict);
    g_free(hs->pub.pmtu_router);
    g_free(hs->pub.unreach_router);
    g_free(hs);
}

tcpx_health_t *
tcpx_health_new(const tcpx_health_prefs_t *prefs)
{
    tcpx_health_t *h = g_new0(tcpx_health_t, 1);
    if (prefs)
        h->prefs = *prefs;
    else
        tcpx_health_prefs_default(&h->prefs);
    if (h->prefs.burst_min_events < 2)
        h->prefs.burst_min_events = 2;
    h->by_id = g_ptr_array_new();
    h->sparse = g_hash_table_new(g_direct_hash, g_direct_equal);
    h->list = g_ptr_array_new_with_free_func(hstream_free);
    h->scratch = g_string_sized_new(512);
    h->texts = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    return h;
}

void
tcpx_health_reset(tcpx_health_t *h)
{
    if (!h)
        return;
    g_ptr_array_set_size(h->by_id, 0);
    g_hash_table_remove_all(h->sparse);
    g_ptr_array_set_size(h->list, 0);
    h->analysis_off = FALSE;
    h->capture_last_ts = 0;
    tcpx_health_batch_free(h->batch);
    h->batch = NULL;
}

void
tcpx_health_free(tcpx_health_t *h)
{
    if (!h)
        return;
    g_ptr_array_free(h->by_id, TRUE);
    g_hash_table_destroy(h->sparse);
    g_ptr_array_free(h->list, TRUE);
    g_string_free(h->scratch, TRUE);
    g_hash_table_destroy(h->texts);
    tcpx_health_batch_free(h->batch);
    g_free(h);
}

const char *
tcpx_health_shared_text(tcpx_health_t *h, const char *text)
{
    char *kept = (char *)g_hash_table_lookup(h->texts, text);
    if (!kept) {
        kept = g_strdup(text);
        g_hash_table_add(h->texts, kept);
    }
    return kept;
}

void
tcpx_health_set_text(char **field, const char *text, gsize max)
{
    g_free(*field);
    *field = g_strndup(text, max - 1);
}

void
tcpx_health_set_sink(tcpx_health_t *h, FILE *sink)
{
    h->sink = sink;
}

#define SINK_CHUNK 65536
void
tcpx_health_drain(const tcpx_health_t *h, GString *out)
{
    if (!h->sink || out->len < SINK_CHUNK)
        return;
    fwrite(out->str, 1, out->len, h->sink);
    g_string_truncate(out, 0);
}

guint
tcpx_health_count(const tcpx_health_t *h)
{
    return h ? h->list->len : 0;
}

const tcpx_health_stream_t *
tcpx_health_nth(const tcpx_health_t *h, guint i)
{
    if (!h || i >= h->list->len)
        return NULL;
    return &((hstream_t *)g_ptr_array_index(h->list, i))->pub;
}

static void
index_stream(tcpx_health_t *h, hstream_t *hs)
{
    guint32 stream = hs->pub.stream;
    if (stream >= h->by_id->len && stream - h->by_id->len < DENSE_ID_SLACK)
        g_ptr_array_set_size(h->by_id, stream + 1);
    if (stream < h->by_id->len)
        g_ptr_array_index(h->by_id, stream) = hs;
    else
        g_hash_table_insert(h->sparse, GUINT_TO_POINTER(stream), hs);
}

hstream_t *
tcpx_health_new_stream(tcpx_health_t *h, const tcpx_tap_rec_t *rec)
{
    hstream_t *hs = g_new0(hstream_t, 1);
    hs->pub.stream = rec->stream;
    hs->pub.index = h->list->len;
    hs->pub.rst_side = -1;
    hs->pub.wscale[0] = hs->pub.wscale[1] = -1;
    hs->pub.hs_d1_ns = hs->pub.hs_d2_ns = -1;
    hs->pub.resp_max_ack_ns = -1;
    hs->pub.verdict_code = "healthy";
    hs->pub.done_text = "";
    tcpx_health_set_text(&hs->pub.verdict, "healthy", TCPX_VERDICT_MAX);
    g_ptr_array_add(h->list, hs);
    index_stream(h, hs);
    return hs;
}

const tcpx_health_stream_t *
tcpx_health_lookup(const tcpx_health_t *h, guint32 stream)
{
    hstream_t *hs = h ? tcpx_health_find(h, stream) : NULL;
    return hs ? &hs->pub : NULL;
}

gboolean
tcpx_health_analysis_off(const tcpx_health_t *h)
{
    return h && h->analysis_off;
}

const tcpx_health_stream_t *
tcpx_health_judge(tcpx_health_t *h, guint32 stream)
{
    tcpx_health_flush(h);
    hstream_t *hs = h ? tcpx_health_find(h, stream) : NULL;
    if (!hs)
        return NULL;
    tcpx_health_judge_stream(h, hs);
    return &hs->pub;
}

void
tcpx_health_finish(tcpx_health_t *h)
{
    guint i;
    if (!h)
        return;
    tcpx_health_flush(h);
    for (i = 0; i < h->list->len; i++)
        tcpx_health_judge_stream(h, (hstream_t *)g_ptr_array_index(h->list, i));
    tcpx_health_group(h);
}

gboolean
tcpx_health_unhealthy(const tcpx_health_stream_t *s)
{
    return s && s->fault != TCPX_FAULT_NONE;
}

static gint
worst_cmp(gconstpointer a, gconstpointer b)
{
    const tcpx_health_stream_t *x = *(const tcpx_health_stream_t *const *)a;
    const tcpx_health_stream_t *y = *(const tcpx_health_stream_t *const *)b;
    if (x->score != y->score)
        return x->score < y->score ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

static gint
stream_id_cmp(gconstpointer a, gconstpointer b)
{
    const tcpx_health_stream_t *x = *(const tcpx_health_stream_t *const *)a;
    const tcpx_health_stream_t *y = *(const tcpx_health_stream_t *const *)b;
    return x->stream < y->stream ? -1 : x->stream > y->stream;
}

static GPtrArray *
sorted_streams(const tcpx_health_t *h, GCompareFunc cmp)
{
    GPtrArray *a = g_ptr_array_new();
    guint i;
    for (i = 0; h && i < h->list->len; i++)
        g_ptr_array_add(a, &((hstream_t *)g_ptr_array_index(h->list, i))->pub);
    g_ptr_array_sort(a, cmp);
    return a;
}

GPtrArray *
tcpx_health_worst_first(const tcpx_health_t *h)
{
    return sorted_streams(h, worst_cmp);
}

GPtrArray *
tcpx_health_by_stream(const tcpx_health_t *h)
{
    return sorted_streams(h, stream_id_cmp);
}

/* ---------------------------------------------------------------------- */
/* Names (stable: JSON values and keys) */

const char *
tcpx_health_fault_name(tcpx_fault_t f)
{
    switch (f) {
    case TCPX_FAULT_CLIENT: return "client";
    case TCPX_FAULT_NETWORK: return "network";
    case TCPX_FAULT_SERVER: return "server";
    case TCPX_FAULT_CAPTURE: return "capture";
    case TCPX_FAULT_UNDETERMINED: return "undetermined";
    default: return "none";
    }
}

const char *
tcpx_health_loss_pattern_name(tcpx_loss_pattern_t l)
{
    switch (l) {
    case TCPX_LOSS_ISOLATED: return "isolated";
    case TCPX_LOSS_BURSTS: return "bursts";
    case TCPX_LOSS_SCATTERED: return "scattered";
    case TCPX_LOSS_PATH_DEAD: return "path_dead";
    default: return "none";
    }
}

const char *
tcpx_health_loss_cause_name(tcpx_loss_cause_t c)
{
    switch (c) {
    case TCPX_LOSS_CAUSE_QUEUE: return "queue";
    case TCPX_LOSS_CAUSE_NO_QUEUE: return "no_queue_delay";
    case TCPX_LOSS_CAUSE_UNDETERMINED: return "undetermined";
    default: return NULL;
    }
}

const char *
tcpx_health_done_name(tcpx_done_t d)
{
    switch (d) {
    case TCPX_DONE_COMPLETE: return "complete";
    case TCPX_DONE_REFUSED: return "refused";
    case TCPX_DONE_SYN_UNANSWERED: return "syn_unanswered";
    case TCPX_DONE_HANDSHAKE_ONLY: return "handshake_only";
    case TCPX_DONE_RESET: return "reset";
    case TCPX_DONE_HALF_CLOSED: return "half_closed";
    case TCPX_DONE_OPEN: return "open";
    case TCPX_DONE_MIDSTREAM: return "midstream";
    default: return "unknown";
    }
}

/* ---------------------------------------------------------------------- */
/* Short texts */

const char *
tcpx_health_side_name(int side)
{
    return side == 0 ? "client" : "server";
}

/* ns / unit with three decimals, as "%.3f" prints it; unit is 10^6 or 10^9. */
static char *
decimal3_text(gint64 ns, gint64 unit, char *buf, gsize len)
{
    if (!tcpx_fixed_text(buf, len, ns, unit / 1000, 3))
        g_ascii_formatd(buf, (int)len, "%.3f", (double)ns / unit);
    return buf;
}

const char *
tcpx_health_ms_text(gint64 ns, char *buf, gsize len)
{
    if (ns < 0) {
        g_strlcpy(buf, "-", len);
        return buf;
    }
    return decimal3_text(ns, NS_PER_MS, buf, len);
}

char *
tcpx_health_secs_text(gint64 ns, char *buf, gsize len)
{
    return decimal3_text(ns, NS_PER_S, buf, len);
}
