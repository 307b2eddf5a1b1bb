/* test_resets.c: resets judged against the host they name (plugin/core/tcpx_hosts.c, the
 * reset causes of tcpx_story.c, the reset verdicts of tap/core/tcpx_health_judge.c).
 *
 * Streams are built as the glue builds them (hosts from a per-capture table), fed to the
 * core segment by segment, and the tap records made from them fed to the health judge.
 * Each rule has a test that builds its evidence and one that builds a contradiction.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>
#include <glib.h>
#include "tcpx_core.h"
#include "tcpx_explain.h"
#include "tcpx_hosts.h"
#include "tcpx_text.h"
#include "tcpx_health.h"

#define MS(x) ((gint64)((x)*1000000.0))

static void *
t_alloc0(void *ctx, gsize n)
{
    (void)ctx;
    return g_malloc0(n);
}
static void *
t_realloc(void *ctx, void *p, gsize n)
{
    (void)ctx;
    if (n == 0) {
        g_free(p);
        return NULL;
    }
    return g_realloc(p, n);
}
static const tcpx_alloc_t alloc = { t_alloc0, t_realloc, NULL };

static const guint8 CLIENT_IP[4] = { 10, 1, 0, 1 };
static const guint8 SERVER_IP[4] = { 10, 2, 0, 2 };

/* One capture: its host table, its health judge, its frames. */
typedef struct {
    tcpx_hosts_t *hosts;
    tcpx_health_t *h;
    guint32 frame;
    tcpx_stream_t *streams[4];
    guint n;
} capture_t;

static void
capture_init(capture_t *c)
{
    memset(c, 0, sizeof *c);
    c->hosts = tcpx_hosts_new(&alloc);
    c->h = tcpx_health_new(NULL);
}

static void
capture_free(capture_t *c)
{
    for (guint i = 0; i < c->n; i++) {
        for (int d = 0; d < 2; d++)
            g_free(c->streams[i]->side[d].sent);
        g_free(c->streams[i]);
    }
    tcpx_hosts_free(c->hosts);
    tcpx_health_free(c->h);
}

/* A stream from the client to the server's port, hosts looked up as the glue does. */
static tcpx_stream_t *
new_stream(capture_t *c, guint16 sport, guint16 dport, const char *n0, const char *n1)
{
    tcpx_stream_t *s = g_new0(tcpx_stream_t, 1);
    tcpx_stream_init(s, c->n, n0, n1, sport, dport, &alloc);
    s->host[0] = tcpx_hosts_get(c->hosts, CLIENT_IP, 4);
    s->host[1] = tcpx_hosts_get(c->hosts, SERVER_IP, 4);
    c->streams[c->n++] = s;
    return s;
}

static tcpx_result_t last;

/* One segment through the core, then its tap record through the health judge. */
static const tcpx_finding_t *
feed(capture_t *c, tcpx_stream_t *s, gboolean from_client, double t_ms, guint16 flags, guint32 seq, guint32 len,
     guint8 ttl, guint32 ws, gint64 irtt)
{
    tcpx_segment_t g;
    memset(&g, 0, sizeof g);
    g.frame = ++c->frame;
    g.ts_ns = MS(t_ms);
    g.from_first = from_client;
    g.flags = flags;
    g.seq = seq;
    g.ack = (flags & TCPX_TH_ACK) ? 1 : 0;
    g.len = len;
    g.win = 65535;
    g.wscale = -1;
    g.has_ttl = TRUE;
    g.ip_ttl = ttl;
    g.ws = ws;
    g.irtt_ns = irtt;
    tcpx_analyze(s, &g, &last);

    tcpx_tap_rec_t r;
    memset(&r, 0, sizeof r);
    r.frame = g.frame;
    r.ts_ns = g.ts_ns;
    r.stream = s->id;
    r.from_client = from_client;
    r.client = s->name[0];
    r.server = s->name[1];
    r.flags = flags;
    r.seq = seq;
    r.len = len;
    r.win = g.win;
    r.irtt_ns = irtt;
    r.st = s;
    r.result = &last;
    for (guint8 i = 0; i < last.n; i++)
        if (last.f[i].kind < TCPX_K_N_ANOMALIES)
            r.kinds |= 1u << last.f[i].kind;
    tcpx_health_add(c->h, &r);
    for (guint8 i = 0; i < last.n; i++)
        if (last.f[i].kind == TCPX_K_RESET || last.f[i].kind == TCPX_K_RETRANSMISSION)
            return &last.f[i];
    return NULL;
}

/* A healthy connection to the server: handshake 40 ms at the capture point (near the client), the
 * server's packets with TTL server_ttl, some data. Returns its end time. */
static double
good_connection(capture_t *c, double t, guint8 server_ttl)
{
    tcpx_stream_t *s = new_stream(c, 40001, 8080, "10.1.0.1:40001", "10.2.0.2:8080");
    feed(c, s, TRUE, t, TCPX_TH_SYN, 0, 0, 64, 0, 0);
    feed(c, s, FALSE, t + 40, TCPX_TH_SYN | TCPX_TH_ACK, 0, 0, server_ttl, 0, 0);
    feed(c, s, TRUE, t + 40.1, TCPX_TH_ACK, 1, 0, 64, 0, MS(40.1));
    feed(c, s, TRUE, t + 40.2, TCPX_TH_ACK | TCPX_TH_PSH, 1, 100, 64, 0, MS(40.1));
    feed(c, s, FALSE, t + 80.2, TCPX_TH_ACK | TCPX_TH_PSH, 1, 1000, server_ttl, 0, MS(40.1));
    return t + 80.2;
}

/* A SYN to port 8443 answered by a reset rst_ms later with TTL ttl; the reset's finding. */
static const tcpx_finding_t *
syn_rst(capture_t *c, double t, double rst_ms, guint8 ttl, tcpx_stream_t **out)
{
    tcpx_stream_t *s = new_stream(c, 40002, 8443, "10.1.0.1:40002", "10.2.0.2:8443");
    feed(c, s, TRUE, t, TCPX_TH_SYN, 0, 0, 64, 0, 0);
    *out = s;
    return feed(c, s, FALSE, t + rst_ms, TCPX_TH_RST | TCPX_TH_ACK, 1, 0, ttl, 0, 0);
}

static char *
render(const tcpx_stream_t *s, const tcpx_finding_t *f, void (*fn)(GString *, const tcpx_text_ctx_t *))
{
    tcpx_text_ctx_t ctx = { s, f, FALSE, 0 };
    GString *out = g_string_new(NULL);
    fn(out, &ctx);
    return g_string_free(out, FALSE);
}

static void
assert_candidate(const tcpx_finding_t *f)
{
    const tcpx_kind_info_t *k = tcpx_kind_info((tcpx_kind_t)f->kind);
    for (int i = 0; i < TCPX_MAX_CAUSES; i++)
        if (k->causes[i] == f->cause)
            return;
    g_error("cause %s is not a candidate of kind %s", tcpx_cause_info((tcpx_cause_t)f->cause)->name, k->name);
}

static const tcpx_health_stream_t *
judged(capture_t *c, const tcpx_stream_t *s)
{
    const tcpx_health_stream_t *hs = tcpx_health_judge(c->h, s->id);
    g_assert_nonnull(hs);
    return hs;
}

/* ---- the host table ------------------------------------------------------- */

static void
test_host_table(void)
{
    tcpx_hosts_t *t = tcpx_hosts_new(&alloc);
    guint8 a[16] = { 0x20, 0x01, 0x0d, 0xb8 };
    tcpx_host_t *first = tcpx_hosts_get(t, a, 16);
    tcpx_host_learn_ttl(first, 57);
    for (guint i = 0; i < 300; i++) { /* growth keeps entries where they are */
        a[15] = (guint8)i;
        a[14] = (guint8)(i >> 8) + 1;
        tcpx_hosts_get(t, a, 16);
    }
    g_assert_cmpuint(tcpx_hosts_count(t), ==, 301);
    a[14] = a[15] = 0;
    g_assert_true(tcpx_hosts_get(t, a, 16) == first);
    g_assert_cmpuint(first->n_ttl, ==, 1);
    g_assert_true(tcpx_hosts_get(t, a, 4) != first); /* an IPv4 address with the same first bytes */
    tcpx_host_learn_ttl(first, 57);
    tcpx_host_learn_ttl(first, 244);
    g_assert_cmpuint(first->n_ttl, ==, 2);

    /* a TTL far from the host's is evidence; with many TTLs behind one address (NAT) it is not */
    tcpx_rst_evidence_t ev;
    tcpx_rst_judge(first, TRUE, 64, 0, &ev);
    g_assert_cmpint(ev.origin, ==, TCPX_RST_FORGED);
    g_assert_cmpuint(ev.ttl_ref, ==, 57);
    for (guint8 ttl = 100; ttl < 104; ttl++)
        tcpx_host_learn_ttl(first, ttl);
    g_assert_true(first->ttl_many);
    tcpx_rst_judge(first, TRUE, 64, 0, &ev);
    g_assert_cmpint(ev.origin, ==, TCPX_RST_FROM_UNKNOWN);
    tcpx_hosts_free(t);
}

/* ---- the reset's cause, frame by frame ------------------------------------- */

/* Evidence: TTL 64 where the server's own packets have 62, 0.1 ms after the SYN where its handshakes take 40 ms. */
static void
test_forged_refusal(void)
{
    capture_t c;
    tcpx_stream_t *s;
    capture_init(&c);
    double t = good_connection(&c, 0, 62);
    const tcpx_finding_t *f = syn_rst(&c, t + 10, 0.1, 64, &s);
    g_assert_cmpint(f->cause, ==, TCPX_C_RST_FORGED);
    assert_candidate(f);
    g_assert_cmpuint(f->ttl, ==, 64);
    g_assert_cmpuint(f->ttl_ref, ==, 62);
    g_assert_cmpint(f->rtt_ns, ==, MS(40));
    char *why = render(s, f, tcpx_render_cause);
    g_assert_nonnull(strstr(why, "it has TTL 64 where the server's own packets have 62"));
    g_assert_nonnull(strstr(why, "0.100 ms after the SYN"));
    g_assert_nonnull(strstr(why, "where the server's handshakes take 40 ms"));
    g_assert_null(strstr(why, "nothing listens"));
    g_free(why);
    char *sum = render(s, f, tcpx_render_summary);
    g_assert_cmpstr(sum, ==, "Reset in the server's name: forged by a device on the path");
    g_free(sum);

    const tcpx_health_stream_t *hs = judged(&c, s);
    g_assert_cmpstr(hs->verdict_code, ==, "reset_by_middlebox");
    g_assert_cmpint(hs->fault, ==, TCPX_FAULT_NETWORK);
    g_assert_nonnull(strstr(hs->verdict, "not by the server: TTL 64 where its own packets have 62"));
    g_assert_nonnull(strstr(hs->verdict, "after the SYN where its handshakes take 40"));
    g_assert_cmpint(hs->position, ==, TCPX_POS_NEAR_CLIENT); /* from the server's other handshake */
    g_assert_cmpint(hs->irtt_ns, ==, 0);
    g_assert_cmpuint(hs->rtt_n[TCPX_C2S], ==, 0); /* no RTT from a forged reset */
    GString *para = g_string_new(NULL);
    tcpx_health_render_paragraph(hs, para);
    for (char *nl; (nl = strstr(para->str, "\n  ")) != NULL;) /* the paragraph unwrapped */
        g_string_erase(para, nl - para->str, 2);
    g_assert_nonnull(strstr(para->str, "1 in the server's name (first in the server's name, forged by a device"));
    g_assert_nonnull(strstr(para->str, "reset before any SYN-ACK, by a device on the path"));
    g_assert_null(strstr(para->str, "1 from the server"));
    g_string_free(para, TRUE);
    capture_free(&c);
}

/* Contradiction: the reset has the server's TTL and comes one handshake time after the SYN. */
static void
test_refusal_from_the_server(void)
{
    capture_t c;
    tcpx_stream_t *s;
    capture_init(&c);
    double t = good_connection(&c, 0, 62);
    const tcpx_finding_t *f = syn_rst(&c, t + 10, 40, 62, &s);
    g_assert_cmpint(f->cause, ==, TCPX_C_RST_REFUSED);
    g_assert_cmpuint(f->ttl_ref, ==, 62);
    g_assert_cmpint(f->rtt_ns, ==, 0);
    char *why = render(s, f, tcpx_render_cause);
    g_assert_nonnull(strstr(why, "nothing listens on that port"));
    g_assert_nonnull(strstr(why, "(TTL 62; its own packets have 62)"));
    g_free(why);

    const tcpx_health_stream_t *hs = judged(&c, s);
    g_assert_cmpstr(hs->verdict_code, ==, "refused");
    g_assert_cmpint(hs->fault, ==, TCPX_FAULT_SERVER);
    g_assert_nonnull(strstr(hs->verdict, "nothing listening on port 8443"));
    /* SYN -> RST one round trip after the SYN: captured near the client */
    g_assert_cmpint(hs->position, ==, TCPX_POS_NEAR_CLIENT);
    capture_free(&c);
}

/* One hop off (a route change) is still the server's; the same TTL 0.1 ms after the SYN is not. */
static void
test_ttl_and_timing_each_decide(void)
{
    capture_t c;
    tcpx_stream_t *s;
    capture_init(&c);
    double t = good_connection(&c, 0, 62);
    g_assert_cmpint(syn_rst(&c, t + 10, 41, 61, &s)->cause, ==, TCPX_C_RST_REFUSED);
    const tcpx_finding_t *f = syn_rst(&c, t + 100, 0.1, 62, &s);
    g_assert_cmpint(f->cause, ==, TCPX_C_RST_FORGED);
    g_assert_cmpuint(f->ttl_ref, ==, 0); /* the TTL is not evidence here: the timing is */
    char *why = render(s, f, tcpx_render_cause);
    g_assert_null(strstr(why, "TTL"));
    g_assert_nonnull(strstr(why, "did not come from the server (10.2.0.2:8443): it came 0.100 ms after the SYN"));
    g_free(why);
    capture_free(&c);
}

/* No reference at all: undetermined, with what would decide. Then the server's own packets
 * arrive later in the capture: the health judge, which sees the whole capture, decides. */
static void
test_undetermined_then_settled(void)
{
    capture_t c;
    tcpx_stream_t *s;
    capture_init(&c);
    const tcpx_finding_t *f = syn_rst(&c, 0, 0.2, 64, &s);
    g_assert_cmpint(f->cause, ==, TCPX_C_RST_REFUSED_UNDETERMINED);
    char *why = render(s, f, tcpx_render_cause);
    g_assert_nonnull(strstr(why, "or a capture at the server, would decide"));
    g_assert_null(strstr(why, "nothing listens on that port:"));
    g_free(why);
    g_assert_cmpint(judged(&c, s)->fault, ==, TCPX_FAULT_UNDETERMINED);

    good_connection(&c, 100, 244);
    const tcpx_health_stream_t *hs = judged(&c, s);
    g_assert_cmpstr(hs->verdict_code, ==, "reset_by_middlebox");
    g_assert_cmpint(hs->fault, ==, TCPX_FAULT_NETWORK);
    capture_free(&c);
}

/* Mid-connection: a reset whose TTL is not the server's data packets' is a box on the path. */
static void
test_forged_mid_connection(void)
{
    capture_t c;
    capture_init(&c);
    double t = good_connection(&c, 0, 62);
    tcpx_stream_t *s = c.streams[0];
    const tcpx_finding_t *f = feed(&c, s, FALSE, t + 5, TCPX_TH_RST | TCPX_TH_ACK, 1001, 0, 64, 0, MS(40.1));
    g_assert_cmpint(f->cause, ==, TCPX_C_RST_FORGED_MID);
    assert_candidate(f);
    char *why = render(s, f, tcpx_render_cause);
    g_assert_nonnull(strstr(why, "it has TTL 64 where the server's own packets have 62"));
    g_free(why);
    const tcpx_health_stream_t *hs = judged(&c, s);
    g_assert_cmpstr(hs->verdict_code, ==, "reset_by_middlebox");
    g_assert_cmpint(hs->fault, ==, TCPX_FAULT_NETWORK);
    g_assert_nonnull(strstr(hs->verdict, "not by the server: TTL 64 where its own packets have 62"));
    capture_free(&c);

    /* contradiction: the server's own TTL */
    capture_init(&c);
    t = good_connection(&c, 0, 62);
    s = c.streams[0];
    f = feed(&c, s, FALSE, t + 5, TCPX_TH_RST | TCPX_TH_ACK, 1001, 0, 62, 0, MS(40.1));
    g_assert_cmpint(f->cause, ==, TCPX_C_RST_MID_TRANSFER);
    hs = judged(&c, s);
    g_assert_cmpstr(hs->verdict_code, ==, "reset_by_server");
    g_assert_cmpint(hs->fault, ==, TCPX_FAULT_SERVER);
    capture_free(&c);
}

/* A SYN sent again after a reset is a retry, not "no SYN-ACK came back"; one after silence is. */
static void
test_syn_retry_after_reset(void)
{
    capture_t c;
    tcpx_stream_t *s;
    capture_init(&c);
    syn_rst(&c, 0, 0.2, 64, &s);
    const tcpx_finding_t *f = feed(&c, s, TRUE, 500, TCPX_TH_SYN, 0, 0, 64, TCPX_WS_RETRANSMISSION, 0);
    g_assert_cmpint(f->kind, ==, TCPX_K_RETRANSMISSION);
    g_assert_cmpint(f->cause, ==, TCPX_C_SYN_RETRY_AFTER_RST);
    assert_candidate(f);
    char *why = render(s, f, tcpx_render_cause);
    g_assert_null(strstr(why, "No SYN-ACK came back"));
    g_assert_nonnull(strstr(why, "was answered with a reset"));
    g_free(why);
    capture_free(&c);

    capture_init(&c);
    s = new_stream(&c, 40003, 8443, "10.1.0.1:40003", "10.2.0.2:8443");
    feed(&c, s, TRUE, 0, TCPX_TH_SYN, 0, 0, 64, 0, 0);
    f = feed(&c, s, TRUE, 1000, TCPX_TH_SYN, 0, 0, 64, TCPX_WS_RETRANSMISSION, 0);
    g_assert_cmpint(f->cause, ==, TCPX_C_SYN_UNANSWERED);
    capture_free(&c);
}

/* TCP's iRTT after a reset that answered a SYN is SYN -> RST (0.2 ms): the handshake's own times instead. */
static void
test_irtt_not_from_a_reset(void)
{
    capture_t c;
    tcpx_stream_t *s;
    capture_init(&c);
    syn_rst(&c, 0, 0.2, 64, &s);
    feed(&c, s, TRUE, 500, TCPX_TH_SYN, 0, 0, 64, TCPX_WS_RETRANSMISSION, 0);
    feed(&c, s, FALSE, 544, TCPX_TH_SYN | TCPX_TH_ACK, 0, 0, 244, 0, MS(0.2));
    tcpx_segment_t ack;
    memset(&ack, 0, sizeof ack);
    ack.irtt_ns = MS(0.2);
    feed(&c, s, TRUE, 544.1, TCPX_TH_ACK, 1, 0, 64, 0, MS(0.2));
    g_assert_cmpint(tcpx_stream_rtt(s, &ack), ==, MS(44.1));
    const tcpx_health_stream_t *hs = judged(&c, s);
    g_assert_cmpint(hs->irtt_ns, ==, MS(44.1));
    g_assert_cmpint(hs->hs_d1_ns, ==, MS(44));
    capture_free(&c);

    /* contradiction: no reset, TCP's iRTT stands */
    capture_init(&c);
    good_connection(&c, 0, 62);
    s = c.streams[0];
    ack.irtt_ns = MS(40.1);
    g_assert_cmpint(tcpx_stream_rtt(s, &ack), ==, MS(40.1));
    g_assert_cmpint(judged(&c, s)->irtt_ns, ==, MS(40.1));
    capture_free(&c);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/resets/host_table", test_host_table);
    g_test_add_func("/resets/forged_refusal", test_forged_refusal);
    g_test_add_func("/resets/refusal_from_the_server", test_refusal_from_the_server);
    g_test_add_func("/resets/ttl_and_timing_each_decide", test_ttl_and_timing_each_decide);
    g_test_add_func("/resets/undetermined_then_settled", test_undetermined_then_settled);
    g_test_add_func("/resets/forged_mid_connection", test_forged_mid_connection);
    g_test_add_func("/resets/syn_retry_after_reset", test_syn_retry_after_reset);
    g_test_add_func("/resets/irtt_not_from_a_reset", test_irtt_not_from_a_reset);
    return g_test_run();
}
