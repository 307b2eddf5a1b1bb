/* test_report.c: unit tests for the HTML report (tap/tcpx_report*.c).
 *
 * Hand-made connections are fed, record by record, to a tcpx_health_t and a
 * tcpx_report_t as the "tcpx" tap would; then the document is checked as
 * text (rows, sections, pictures, escaping, no URL) and the collected points
 * through the internal header (decimation keeps the extremes and every
 * anomaly, within the size bounds).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>
#include <glib.h>
#include "tcpx_report_int.h"
#include "tcpx_health_columns.h"

#define MS(x) ((gint64)((x)*1000000.0))
#define KB(kind) (1u << (kind))
#define C TRUE
#define S FALSE
#define A TCPX_TH_ACK
#define PA (TCPX_TH_PSH | TCPX_TH_ACK)

typedef struct {
    tcpx_stream_t st;
    tcpx_health_t *h;
    tcpx_report_t *r;
    guint32 stream, frame;
    guint32 seq[2];
    gint64 t0;
    gboolean analysis_off; /* records say TCP's sequence analysis was off */
} conn_t;

static void
conn_init(conn_t *c, tcpx_health_t *h, tcpx_report_t *r, guint32 stream, const char *client)
{
    memset(c, 0, sizeof *c);
    c->h = h;
    c->r = r;
    c->stream = stream;
    c->st.id = stream;
    c->st.name[0] = client;
    c->st.name[1] = "10.0.0.2:80";
    c->st.port[0] = 51234;
    c->st.port[1] = 80;
    c->st.side[0].wscale = c->st.side[1].wscale = -1;
    c->seq[0] = c->seq[1] = 0;
    c->t0 = G_GINT64_CONSTANT(1700000000) * 1000000000;
}

/* One record; a finding of `kind` (if not 0xff) is attached with byte range and related frames. */
static void
rec_k(conn_t *c, double t_ms, gboolean from_client, guint16 flags, guint32 len, guint32 win, guint kind,
      guint32 seq_override, gint64 rtt)
{
    tcpx_tap_rec_t r;
    tcpx_result_t res;
    int d = from_client ? 0 : 1;

    memset(&r, 0, sizeof r);
    memset(&res, 0, sizeof res);
    r.frame = ++c->frame;
    r.ts_ns = c->t0 + MS(t_ms);
    r.stream = c->stream;
    r.from_client = from_client;
    r.client = c->st.name[0];
    r.server = c->st.name[1];
    r.flags = flags;
    r.seq = seq_override ? seq_override : c->seq[d];
    r.ack = c->seq[1 - d];
    r.len = len;
    r.win = win;
    r.ack_rtt_ns = rtt;
    r.st = &c->st;
    r.tcp_analysis_off = c->analysis_off;
    if (flags & TCPX_TH_RST)
        kind = TCPX_K_RESET;
    if (kind != 0xff) {
        tcpx_finding_t *f = &res.f[res.n++];
        f->kind = (guint8)kind;
        f->lo = r.seq;
        f->hi = r.seq + (len ? len - 1 : 0);
        if (seq_override) {
            f->orig_frame = r.frame > 10 ? r.frame - 10 : 1;
            f->orig_age_ns = MS(5);
            f->n_listed = 2;
            f->listed[0] = r.frame - 2;
            f->listed[1] = r.frame - 1;
        }
        r.kinds = KB(kind);
        r.result = &res;
    }
    if (!seq_override)
        c->seq[d] += len + ((flags & (TCPX_TH_SYN | TCPX_TH_FIN)) ? 1 : 0);
    tcpx_health_add(c->h, &r);
    tcpx_report_add(c->r, &r);
}

static void
rec(conn_t *c, double t_ms, gboolean from_client, guint16 flags, guint32 len, guint32 win)
{
    rec_k(c, t_ms, from_client, flags, len, win, 0xff, 0, 0);
}

static void
handshake(conn_t *c, double t)
{
    rec(c, t, C, TCPX_TH_SYN, 0, 64240);
    rec(c, t + 10, S, TCPX_TH_SYN | TCPX_TH_ACK, 0, 65160);
    rec(c, t + 10.1, C, A, 0, 64256);
    rec(c, t + 11, C, PA, 100, 64256);
}

static guint
count_of(const char *hay, const char *needle)
{
    guint n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

static char *
render(tcpx_report_t *r, tcpx_health_t *h)
{
    GString *out = g_string_new(NULL);
    tcpx_health_finish(h);
    tcpx_report_render_html(r, h, "tcpx test <1>", out);
    return g_string_free(out, FALSE);
}

/* ------------------------------------------------------------------ */

static void
test_escape_and_numbers(void)
{
    GString *o = g_string_new(NULL);
    tcpx_report_escape(o, "a<b>&\"c'\x01");
    g_assert_cmpstr(o->str, ==, "a&lt;b&gt;&amp;&quot;c&#39;");
    g_string_truncate(o, 0);
    tcpx_report_append_fixed(o, 3.14159, 3);
    g_string_append_c(o, ' ');
    tcpx_report_append_fixed(o, -0.04, 1);
    g_string_append_c(o, ' ');
    tcpx_report_append_fixed(o, -2.25, 1);
    g_string_append_c(o, ' ');
    tcpx_report_append_fixed(o, 0.05, 2);
    g_string_append_c(o, ' ');
    tcpx_report_append_fixed(o, 1234567.0, 0);
    g_assert_cmpstr(o->str, ==, "3.142 0.0 -2.3 0.05 1234567");
    g_string_free(o, TRUE);
}

/* A lossy, reset stream and a clean one: rows, one section with pictures, escaping, no URL. */
static void
test_document(void)
{
    tcpx_health_t *h = tcpx_health_new(NULL);
    tcpx_report_t *r = tcpx_report_new();
    conn_t bad, good;
    char *doc;
    double t = 20;

    conn_init(&bad, h, r, 7, "10.0.0.1:51234<script>alert(1)</script>");
    handshake(&bad, 0);
    for (int i = 0; i < 60; i++, t += 1) {
        rec(&bad, t, S, PA, 1400, 65160);
        rec_k(&bad, t + 0.5, C, A, 0, i > 40 && i < 50 ? 0 : 64256, 0xff, 0, MS(0.5));
        if (i % 10 == 5)
            rec_k(&bad, t + 0.7, S, PA, 1400, 65160, TCPX_K_RETRANSMISSION, 1 + 1400 * (i - 2), 0);
    }
    rec(&bad, t + 1, S, TCPX_TH_RST, 0, 0);
    conn_init(&good, h, r, 3, "10.0.0.3:40000");
    handshake(&good, 0);
    rec(&good, 30, S, PA, 1400, 65160);
    rec_k(&good, 31, C, A, 0, 64256, 0xff, 0, MS(1));
    rec(&good, 40, C, TCPX_TH_FIN | A, 0, 64256);
    rec(&good, 41, S, TCPX_TH_FIN | A, 0, 65160);
    rec(&good, 42, C, A, 0, 64256);

    doc = render(r, h);
    g_assert_true(g_str_has_prefix(doc, "<!DOCTYPE html>"));
    g_assert_nonnull(strstr(doc, "<tr id=\"r7\" class=\"bad\">"));
    g_assert_nonnull(strstr(doc, "<tr id=\"r3\">"));
    g_assert_cmpuint(count_of(doc, "<section class=\"stream\""), ==, 1);
    g_assert_nonnull(strstr(doc, "<section class=\"stream\" id=\"s7\">"));
    g_assert_cmpuint(count_of(doc, "<svg class=\"seq\""), ==, 1);
    g_assert_cmpuint(count_of(doc, "<svg class=\"rtt\""), ==, 1);
    g_assert_cmpuint(count_of(doc, "<script>"), ==, 1); /* the sort script, not the address */
    g_assert_nonnull(strstr(doc, "51234&lt;script&gt;alert(1)&lt;/script&gt;"));
    g_assert_nonnull(strstr(doc, "tcpx test &lt;1&gt;"));
    g_assert_null(strstr(doc, "http:"));
    g_assert_null(strstr(doc, "https:"));
    g_assert_null(strstr(doc, "@import"));
    g_assert_null(strstr(doc, " src="));
    /* markers: 6 retransmissions, a zero window period, the reset's line, titles with frames */
    g_assert_cmpuint(count_of(doc, "class=\"m k0\""), ==, 6 + 1); /* + its legend entry */
    g_assert_cmpuint(count_of(doc, "<rect class=\"zw\""), ==, 1);
    g_assert_cmpuint(count_of(doc, "<path class=\"rst\""), ==, 1);
    g_assert_nonnull(strstr(doc, "Retransmission (sent by the server), bytes"));
    g_assert_nonnull(strstr(doc, "; related frames"));
    g_assert_nonnull(strstr(doc, "first transmission of the bytes frame"));
    g_assert_nonnull(strstr(doc, "Zero window advertised by the client from frame"));
    /* the health report's paragraph, unwrapped */
    g_assert_nonnull(strstr(doc, "<p class=\"verdict\">"));
    g_assert_null(strstr(doc, "\n  "));
    g_free(doc);
    tcpx_report_free(r);
    tcpx_health_free(h);
}

/* 200,000 segments with 3,000 retransmissions: bounded points, extremes and every anomaly kept. */
static void
test_decimation(void)
{
    tcpx_health_t *h = tcpx_health_new(NULL);
    tcpx_report_t *r = tcpx_report_new();
    conn_t c;
    const rstream_t *rs;
    guint32 events = 0, top_end = 0, retx = 0;
    gint64 rtt_top = 0;
    char *doc;
    double t = 20;

    conn_init(&c, h, r, 0, "10.0.0.1:51234");
    handshake(&c, 0);
    for (guint i = 0; i < 200000; i++, t += 0.05) {
        gint64 rtt = i == 123457 ? MS(900) : MS(1 + (i % 7));
        rec(&c, t, S, PA, 1400, 65160);
        if (i % 2)
            rec_k(&c, t + 0.01, C, A, 0, 64256, 0xff, 0, rtt);
        if (i % 66 == 7 && retx < 3000) {
            rec_k(&c, t + 0.02, S, PA, 1400, 65160, TCPX_K_FAST_RETRANSMISSION, 1 + 1400 * (i - 3), 0);
            retx++;
        }
        if (i == 123457)
            rtt_top = rtt / 1000;
    }
    top_end = c.seq[1];
    doc = render(r, h);
    rs = tcpx_report_stream(r, 0);
    g_assert_nonnull(rs);
    g_assert_cmpuint(rs->sent[1].pts->len, <=, TCPX_REPORT_POINTS / 2);
    g_assert_cmpuint(rs->acked[1].pts->len + rs->rtt[1].pts->len + rs->sent[1].pts->len, <=, TCPX_REPORT_POINTS + 100);
    g_assert_cmpuint(rs->events->len, <=, TCPX_REPORT_MARKERS);
    for (guint i = 0; i < rs->events->len; i++)
        events += g_array_index(rs->events, revent_t, i).count;
    g_assert_cmpuint(events, ==, retx);
    { /* the highest byte sent and the largest RTT survive */
        guint32 m = 0, mr = 0;
        for (guint i = 0; i < rs->sent[1].pts->len; i++)
            m = MAX(m, g_array_index(rs->sent[1].pts, rpt_t, i).y);
        for (guint i = 0; i < rs->rtt[1].pts->len; i++)
            mr = MAX(mr, g_array_index(rs->rtt[1].pts, rpt_t, i).y);
        g_assert_cmpuint(m, ==, top_end);
        g_assert_cmpuint(mr, ==, (guint32)rtt_top);
    }
    g_assert_cmpuint(strlen(doc), <, 250000);
    g_assert_nonnull(strstr(doc, " x Fast retransmission (sent by the server)"));
    g_free(doc);
    tcpx_report_free(r);
    tcpx_health_free(h);
}

/* No TCP at all, and only healthy streams. */
static void
test_empty_and_healthy(void)
{
    tcpx_health_t *h = tcpx_health_new(NULL);
    tcpx_report_t *r = tcpx_report_new();
    conn_t c;
    char *doc = render(r, h);
    g_assert_nonnull(strstr(doc, "no TCP traffic"));
    g_assert_null(strstr(doc, "<svg"));
    g_free(doc);
    tcpx_health_reset(h);
    tcpx_report_reset(r);
    conn_init(&c, h, r, 0, "10.0.0.1:51234");
    handshake(&c, 0);
    rec(&c, 20, S, PA, 1400, 65160);
    rec(&c, 21, C, A, 0, 64256);
    rec(&c, 40, C, TCPX_TH_FIN | A, 0, 64256);
    rec(&c, 41, S, TCPX_TH_FIN | A, 0, 65160);
    rec(&c, 42, C, A, 0, 64256);
    doc = render(r, h);
    g_assert_nonnull(strstr(doc, "All TCP streams look healthy."));
    g_assert_nonnull(strstr(doc, "<tr id=\"r0\">"));
    g_assert_null(strstr(doc, "<svg"));
    g_free(doc);
    tcpx_report_free(r);
    tcpx_health_free(h);
}

/* TCP's sequence analysis off: nothing judged, said at the top, no "healthy", no score. */
static void
test_not_judged(void)
{
    tcpx_health_t *h = tcpx_health_new(NULL);
    tcpx_report_t *r = tcpx_report_new();
    conn_t c;
    char *doc;

    conn_init(&c, h, r, 4, "10.0.0.1:51234");
    c.analysis_off = TRUE;
    handshake(&c, 0);
    rec(&c, 20, S, PA, 1400, 65160);
    rec(&c, 21, C, A, 0, 64256);
    doc = render(r, h);
    g_assert_nonnull(strstr(doc, "<p class=\"warn\">TCP&#39;s sequence analysis is off"));
    g_assert_nonnull(strstr(doc, "No stream judged"));
    g_assert_null(strstr(doc, "look healthy"));
    g_assert_nonnull(strstr(doc, "<td>not_judged\n"));
    g_assert_null(strstr(doc, "<td>-1<"));
    g_assert_null(strstr(doc, "<section"));
    { /* the GUI: no score, the short verdict says why */
        const tcpx_health_column_t *const *gui = tcpx_health_gui_columns();
        char *score = tcpx_health_gui_text(gui[0], tcpx_health_lookup(h, 4));
        char *verdict = tcpx_health_gui_text(gui[5], tcpx_health_lookup(h, 4));
        g_assert_cmpstr(score, ==, "");
        g_assert_cmpstr(verdict, ==, "not judged: TCP analysis off");
        g_free(score);
        g_free(verdict);
    }
    g_free(doc);
    tcpx_report_free(r);
    tcpx_health_free(h);
}

/* The column list: every position of the text and GUI tables taken once, JSON keys unique,
 * anomaly keys and marker titles from the kinds table, and the cells' forms. */
static void
test_columns(void)
{
    const tcpx_health_column_t *const *table = tcpx_health_table_columns();
    const tcpx_health_column_t *const *gui = tcpx_health_gui_columns();
    const tcpx_health_column_t *all;
    GHashTable *keys = g_hash_table_new(g_str_hash, g_str_equal);
    tcpx_health_t *h = tcpx_health_new(NULL);
    tcpx_report_t *r = tcpx_report_new();
    GString *out = g_string_new(NULL);
    const tcpx_health_stream_t *s;
    conn_t c;
    guint n, i, shown = 0;
    char *cell, *doc;

    all = tcpx_health_columns(&n);
    for (i = 0; i < n; i++) {
        g_assert_false(g_hash_table_contains(keys, all[i].key));
        g_hash_table_add(keys, (gpointer)all[i].key);
        shown += (all[i].table.pos ? 1 : 0) + (all[i].gui.pos ? 1 : 0);
        g_assert_true(!all[i].table.pos || (all[i].table.head && all[i].table.sort_key));
        g_assert_true(!all[i].gui.pos || all[i].gui.head);
    }
    g_assert_cmpuint(shown, ==, TCPX_HEALTH_TABLE_COLUMNS + TCPX_HEALTH_GUI_COLUMNS);
    for (i = 0; i < TCPX_HEALTH_TABLE_COLUMNS; i++)
        g_assert_nonnull(table[i]);
    for (i = 0; i < TCPX_HEALTH_GUI_COLUMNS; i++)
        g_assert_nonnull(gui[i]);
    g_assert_cmpstr(table[0]->key, ==, "stream");
    g_assert_cmpstr(gui[0]->key, ==, "score");

    conn_init(&c, h, r, 7, "10.0.0.1:51234");
    handshake(&c, 0);
    rec_k(&c, 20, S, PA, 1400, 65160, TCPX_K_CHECKSUM, 0, 0);
    rec(&c, 21, S, TCPX_TH_RST, 0, 0);
    doc = render(r, h);
    s = tcpx_health_lookup(h, 7);
    tcpx_health_render_json(h, out);
    g_assert_nonnull(strstr(out->str, "\"checksum\":1,\"capture_copy\":0,\"beyond_window\":0}"));
    g_assert_null(strstr(out->str, "bad_checksum"));
    g_assert_nonnull(strstr(doc, "frame 5, 0.020000 s: Checksum (sent by the server)"));
    g_assert_cmpuint(tcpx_health_gui_count(gui[1], s), ==, 7);
    cell = tcpx_health_gui_text(gui[0], s);
    g_assert_cmpuint(strlen(cell), ==, 3); /* the score, padded to sort as text */
    g_free(cell);
    cell = tcpx_health_gui_text(gui[11], s);
    g_assert_cmpstr(cell, ==, "0/1");
    g_free(cell);
    g_string_truncate(out, 0);
    tcpx_health_render_table(h, out);
    g_assert_true(g_str_has_prefix(out->str, "Stream  Client          Server       Pkts c>s  Pkts s>c  Bytes c>s"));
    g_free(doc);
    g_string_free(out, TRUE);
    g_hash_table_destroy(keys);
    tcpx_report_free(r);
    tcpx_health_free(h);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/report/escape_and_numbers", test_escape_and_numbers);
    g_test_add_func("/report/document", test_document);
    g_test_add_func("/report/decimation", test_decimation);
    g_test_add_func("/report/empty_and_healthy", test_empty_and_healthy);
    g_test_add_func("/report/not_judged", test_not_judged);
    g_test_add_func("/report/columns", test_columns);
    return g_test_run();
}
