/* tcpx_health_capture.c: what the capture file itself did, said once per file: packets
 * recorded twice (with a lower TTL: two points of the path with a router between them; with
 * the same: one point twice), frames the snaplen cut, and time going backwards.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "tcpx_health_add.h"
#include "tcpx_text.h"

/* A step back in time worth saying: clocks of two interfaces differ by microseconds. */
#define BACK_MIN_NS NS_PER_MS
/* TTLs this far apart are routers between two capture points, not another sender. */
#define HOPS_MAX 8

/* Every record, capture copies included, before its stream sees it. */
void
tcpx_health_add_capture(tcpx_health_t *h, const tcpx_tap_rec_t *rec)
{
    tcpx_capture_facts_t *c = &h->cap;
    /* unsigned: a hostile file's times span the whole 64 bits */
    guint64 back = rec->ts_ns < c->last_ts ? (guint64)c->last_ts - (guint64)rec->ts_ns : 0;
    if (c->records++ && back >= BACK_MIN_NS) {
        c->backwards++;
        c->back_max_ns = MAX(c->back_max_ns, (gint64)MIN(back, (guint64)G_MAXINT64));
    }
    c->last_ts = rec->ts_ns;
    if (rec->cut_len && (!c->cut || rec->cut_len < c->cut_len))
        c->cut_len = rec->cut_len;
    c->cut += rec->cut_len != 0;
    c->options_cut += rec->cut_len && rec->options_cut;
    for (guint i = 0; rec->result && i < rec->result->n && i < TCPX_MAX_FINDINGS; i++) {
        const tcpx_finding_t *f = &rec->result->f[i];
        if (f->kind != TCPX_K_CAPTURE_COPY)
            continue;
        c->copies++;
        c->copies_hop += f->ttl && f->ttl_ref && f->ttl != f->ttl_ref && ABS(f->ttl - f->ttl_ref) <= HOPS_MAX;
    }
}

#define FACT(field) offsetof(tcpx_capture_facts_t, field)

static gboolean
count(GString *o, const tcpx_var_t *v, const void *c)
{
    guint32 n = *(const guint32 *)((const char *)c + v->offset);
    if (n == 0)
        return FALSE;
    g_string_append_printf(o, "%u", n);
    return TRUE;
}

/* Known when the count at offset equals 1 (for plurals). */
static gboolean
is_one(GString *o, const tcpx_var_t *v, const void *c)
{
    (void)o;
    return *(const guint32 *)((const char *)c + v->offset) == 1;
}

/* Most copies have another TTL than their original: the packets before and after a router.
 * (The last record is always ahead: never a false step back.) */
static gboolean
mostly_hop(GString *o, const tcpx_var_t *v, const void *c)
{
    (void)o, (void)v;
    const tcpx_capture_facts_t *f = (const tcpx_capture_facts_t *)c;
    return f->copies_hop * 2 > f->copies;
}

static gboolean
duration(GString *o, const tcpx_var_t *v, const void *c)
{
    gint64 ns = *(const gint64 *)((const char *)c + v->offset);
    if (ns <= 0)
        return FALSE;
    tcpx_format_duration(o, ns);
    return TRUE;
}

/* clang-format off */
static const tcpx_var_t capture_vars[] = {
    { "back_max",   duration,   FACT(back_max_ns), 0 },
    { "backwards",  count,      FACT(backwards), 0 },
    { "copies",     count,      FACT(copies), 0 },
    { "cut",        count,      FACT(cut), 0 },
    { "cut_len",    count,      FACT(cut_len), 0 },
    { "hop",        mostly_hop, 0, 0 },
    { "one_backwards", is_one,  FACT(backwards), 0 },
    { "one_copies", is_one,     FACT(copies), 0 },
    { "one_cut",    is_one,     FACT(cut), 0 },
    { "options_cut", count,     FACT(options_cut), 0 },
};
static const tcpx_vars_t vars = TCPX_VARS(capture_vars);

/* The paragraph: one sentence a fact, only the facts there are. */
static const char *const sentences[] = {
    "{?copies: {copies} frame{?one_copies: is a copy|s are copies} of another "
    "{?hop:with another TTL: the file holds two capture points of the path with a router between them (two interfaces of "
    "a forwarding device, or two files merged), each packet before and after it|with the same TTL: each packet recorded "
    "twice at one point (a file merged with itself, or a SPAN port copying both directions)}; tcpx counts each packet "
    "once.}",
    "{?cut: {cut} frame{?one_cut: was|s were} cut by the snaplen (the shortest kept {cut_len} bytes): their payload and "
    "checksums cannot be checked{?options_cut:, and in {options_cut} of them the TCP options too (any SACK blocks there, "
    "with the holes and D-SACKs they report, go uncounted)|; their TCP headers are whole}.}",
    "{?backwards: Time goes backwards {backwards} time{?one_backwards:|s}, by up to {back_max}: frames merged from "
    "captures whose clocks differ, or out of order; durations that span such a step are unreliable.}",
};
/* clang-format on */

void
tcpx_health_render_capture(const tcpx_health_t *h, GString *out)
{
    const tcpx_capture_facts_t *c = &h->cap;
    if (!c->copies && !c->cut && !c->backwards)
        return;
    GString *t = g_string_new("Capture:");
    for (guint i = 0; i < G_N_ELEMENTS(sentences); i++)
        tcpx_template_render(t, sentences[i], &vars, c);
    tcpx_health_append_wrapped(out, t->str, 0);
    g_string_append_c(out, '\n');
    g_string_free(t, TRUE);
}
