/* Unit tests of hindsight (tcpx_hindsight.c): what later frames and the capture's end
 * settle about an earlier frame, and when they must not claim anything.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "core_fixture.h"
#include "tcpx_text.h"

#define RTT 40

/* The server sends bytes 1-1000, then 2001-3000: a gap of bytes 1001-2000 (frame returned). */
static guint32
server_gap(tcpx_stream_t *s, gint64 t)
{
    tcpx_segment_t d = fx_seg(FALSE, t, TCPX_TH_ACK, 1, 1, 1000);
    d.has_ts = TRUE;
    d.tsval = 10;
    fx_feed(s, d);
    tcpx_segment_t g = fx_seg(FALSE, t + 1, TCPX_TH_ACK, 2001, 1, 1000);
    g.ws = TCPX_WS_LOST_SEGMENT;
    g.has_ts = TRUE;
    g.tsval = 11;
    const tcpx_result_t *r = fx_feed(s, g);
    g_assert_cmpuint(r->n_later, ==, 0);
    return g.frame;
}

static const tcpx_result_t *
fill(tcpx_stream_t *s, gint64 t, guint32 ws)
{
    tcpx_segment_t f = fx_seg(FALSE, t, TCPX_TH_ACK, 1001, 1, 1000);
    f.ws = ws;
    return fx_feed(s, f);
}

static void
test_gap_resent_after_a_round_trip(void)
{
    tcpx_stream_t *s = fx_stream();
    fx_handshake(s, RTT);
    guint32 gap = server_gap(s, 100);
    const tcpx_result_t *r = fill(s, 101 + RTT + 5, TCPX_WS_RETRANSMISSION);
    g_assert_cmpuint(r->n_later, ==, 1);
    g_assert_cmpuint(r->later[0].what, ==, TCPX_LATER_HOLE_RESENT);
    g_assert_cmpuint(r->later[0].frame, ==, gap);
    g_assert_cmpuint(r->later[0].lo, ==, 1001);
    g_assert_cmpuint(r->later[0].hi, ==, 2000);
    g_assert_cmpint(r->later[0].after_ns, ==, (RTT + 5) * MS);
    /* settled once: a second copy says nothing more */
    g_assert_cmpuint(fill(s, 200, TCPX_WS_RETRANSMISSION)->n_later, ==, 0);
    fx_free(s);
}

/* Flagged a retransmission by Wireshark, too soon for an answer to the gap: a timer's resend or the
 * original, the delay alone does not tell; an older timestamp does: reordered.  Not flagged, the
 * delay says reordered. */
static void
test_gap_filled_too_soon(void)
{
    for (int how = 0; how < 3; how++) {
        tcpx_stream_t *s = fx_stream();
        fx_handshake(s, RTT);
        server_gap(s, 100);
        tcpx_segment_t f = fx_seg(FALSE, 105, TCPX_TH_ACK, 1001, 1, 1000);
        f.ws = how == 2 ? TCPX_WS_OUT_OF_ORDER : TCPX_WS_RETRANSMISSION;
        f.has_ip_id = FALSE; /* as over IPv6 */
        f.has_ts = how == 1;
        f.tsval = 1; /* older than the gap's data (no timestamp: 0) */
        const tcpx_result_t *r = fx_feed(s, f);
        g_assert_cmpuint(r->n_later, ==, 1);
        g_assert_cmpuint(r->later[0].what, ==, how == 0 ? TCPX_LATER_HOLE_FILLED : TCPX_LATER_HOLE_REORDERED);
        g_assert_cmpuint(r->later[0].order_by, ==, how == 1 ? TCPX_ORDER_TSVAL : TCPX_ORDER_TIMING);
        fx_free(s);
    }
}

/* Without a round-trip time, only Wireshark's flag says resent; no flag: undetermined. */
static void
test_gap_without_rtt(void)
{
    tcpx_stream_t *s = fx_stream();
    fx_feed(s, fx_seg(TRUE, 0, TCPX_TH_ACK, 1, 1, 0)); /* mid-stream: no handshake */
    fx_feed(s, fx_seg(FALSE, 10, TCPX_TH_ACK, 1, 1, 1000));
    fx_feed(s, fx_seg(FALSE, 11, TCPX_TH_ACK, 1001, 1, 1000));
    fx_feed(s, fx_seg(FALSE, 12, TCPX_TH_ACK, 2001, 1, 1000));
    fx_feed(s, fx_seg(FALSE, 13, TCPX_TH_ACK, 3001, 1, 1000));
    tcpx_segment_t g = fx_seg(FALSE, 14, TCPX_TH_ACK, 5001, 1, 1000);
    g.ws = TCPX_WS_LOST_SEGMENT;
    fx_feed(s, g);
    tcpx_segment_t f = fx_seg(FALSE, 60, TCPX_TH_ACK, 4001, 1, 1000);
    f.ws = TCPX_WS_OUT_OF_ORDER;
    f.has_ip_id = FALSE; /* as over IPv6: nothing tells the order */
    const tcpx_result_t *r = fx_feed(s, f);
    g_assert_cmpuint(r->n_later, ==, 1);
    g_assert_cmpuint(r->later[0].what, ==, TCPX_LATER_HOLE_FILLED);
    fx_free(s);
}

/* The receiver acknowledges past the gap and the bytes never showed: the capture missed them. */
static void
test_gap_acked_unseen_is_a_capture_miss(void)
{
    tcpx_stream_t *s = fx_stream();
    fx_handshake(s, RTT);
    guint32 gap = server_gap(s, 100);
    const tcpx_result_t *r = fx_feed(s, fx_seg(TRUE, 102, TCPX_TH_ACK, 1, 3001, 0));
    g_assert_cmpuint(r->n_later, ==, 1);
    g_assert_cmpuint(r->later[0].what, ==, TCPX_LATER_HOLE_ACKED);
    g_assert_cmpuint(r->later[0].frame, ==, gap);
    /* an ACK that stops short of the gap's end settles nothing */
    tcpx_stream_t *t = fx_stream();
    fx_handshake(t, RTT);
    server_gap(t, 100);
    g_assert_cmpuint(fx_feed(t, fx_seg(TRUE, 102, TCPX_TH_ACK, 1, 1001, 0))->n_later, ==, 0);
    fx_free(s);
    fx_free(t);
}

/* The client resends bytes 1-100 three times, the server silent; the capture ends at end_ms. */
static guint
series(gint64 end_ms, gboolean server_acks, tcpx_later_t *out, guint32 *last_try)
{
    tcpx_stream_t *s = fx_stream();
    fx_handshake(s, RTT);
    fx_feed(s, fx_seg(TRUE, 50, TCPX_TH_ACK | TCPX_TH_PSH, 1, 1, 100));
    gint64 t = 50;
    for (gint64 wait = 200; wait <= 800; wait *= 2) {
        t += wait;
        tcpx_segment_t g = fx_seg(TRUE, t, TCPX_TH_ACK | TCPX_TH_PSH, 1, 1, 100);
        g.ws = TCPX_WS_RETRANSMISSION;
        fx_feed(s, g);
        *last_try = g.frame;
    }
    if (server_acks)
        fx_feed(s, fx_seg(FALSE, t + RTT, TCPX_TH_ACK, 1, 101, 0));
    guint n = tcpx_hindsight_finish(s, end_ms * MS, out, 4);
    fx_free(s);
    return n;
}

static void
test_series_nothing_answered(void)
{
    tcpx_later_t out[4];
    guint32 last;
    g_assert_cmpuint(series(1450 + 5000, FALSE, out, &last), ==, 1);
    g_assert_cmpuint(out[0].what, ==, TCPX_LATER_SERIES_LOST);
    g_assert_cmpuint(out[0].frame, ==, last);
    g_assert_cmpuint(out[0].tries, ==, 3);
    /* the capture ends before the next try was due (2 x 800 ms): it cannot tell */
    g_assert_cmpuint(series(1450 + 100, FALSE, out, &last), ==, 1);
    g_assert_cmpuint(out[0].what, ==, TCPX_LATER_SERIES_CUT);
    /* answered: no note */
    g_assert_cmpuint(series(1450 + 5000, TRUE, out, &last), ==, 0);
}

static guint
syns(gint64 end_ms, gboolean answered, tcpx_later_t *out)
{
    tcpx_stream_t *s = fx_stream();
    fx_feed(s, fx_seg(TRUE, 0, TCPX_TH_SYN, 0, 0, 0));
    tcpx_segment_t retry = fx_seg(TRUE, 1000, TCPX_TH_SYN, 0, 0, 0);
    retry.ws = TCPX_WS_RETRANSMISSION;
    fx_feed(s, retry);
    if (answered)
        fx_feed(s, fx_seg(FALSE, 1040, TCPX_TH_SYN | TCPX_TH_ACK, 0, 1, 0));
    guint n = tcpx_hindsight_finish(s, end_ms * MS, out, 4);
    fx_free(s);
    return n;
}

static void
test_syn_and_the_capture_end(void)
{
    tcpx_later_t out[4];
    g_assert_cmpuint(syns(9000, FALSE, out), ==, 1);
    g_assert_cmpuint(out[0].what, ==, TCPX_LATER_SYN_UNANSWERED);
    g_assert_cmpuint(out[0].frame, ==, 2);
    g_assert_cmpint(out[0].after_ns, ==, 9000 * MS); /* from the first SYN */
    g_assert_cmpuint(out[0].tries, ==, 1);
    /* one SYN in the capture's last moments: no verdict */
    tcpx_stream_t *s = fx_stream();
    fx_feed(s, fx_seg(TRUE, 0, TCPX_TH_SYN, 0, 0, 0));
    g_assert_cmpuint(tcpx_hindsight_finish(s, 30 * MS, out, 4), ==, 1);
    g_assert_cmpuint(out[0].what, ==, TCPX_LATER_SYN_CUT);
    fx_free(s);
    g_assert_cmpuint(syns(9000, TRUE, out), ==, 0);
}

/* Two resends of the same bytes, and two D-SACKs: each proves one of them unneeded. */
static void
test_two_dsacks_two_resends(void)
{
    tcpx_stream_t *s = fx_stream();
    fx_handshake(s, RTT);
    fx_feed(s, fx_seg(FALSE, 100, TCPX_TH_ACK, 1, 1, 1000));
    guint32 resend[2];
    for (int i = 0; i < 2; i++) {
        tcpx_segment_t g = fx_seg(FALSE, 400 + 500 * i, TCPX_TH_ACK, 1, 1, 1000);
        g.ws = TCPX_WS_RETRANSMISSION;
        fx_feed(s, g);
        resend[i] = g.frame;
    }
    fx_feed(s, fx_seg(TRUE, 990, TCPX_TH_ACK, 1, 1001, 0));
    guint32 proved = 0;
    for (int i = 0; i < 2; i++) {
        tcpx_segment_t d = fx_seg(TRUE, 1000 + i, TCPX_TH_ACK, 1, 1001, 0);
        d.ws = TCPX_WS_DUPLICATE_ACK;
        d.n_sack = 1;
        d.sack_le[0] = 1;
        d.sack_re[0] = 1001;
        const tcpx_result_t *r = fx_feed(s, d);
        g_assert_cmpuint(r->n_later, ==, 1);
        g_assert_cmpuint(r->later[0].what, ==, TCPX_LATER_UNNEEDED);
        g_assert_true(r->later[0].frame == resend[0] || r->later[0].frame == resend[1]);
        g_assert_cmpuint(r->later[0].frame, !=, proved);
        proved = r->later[0].frame;
    }
    g_assert_cmpuint(s->side[1].unneeded_retx, ==, 2);
    fx_free(s);
}

/* Every note renders with its numbers: no "?" and no unknown {name}. */
static void
test_later_words(void)
{
    tcpx_stream_t *s = fx_stream();
    fx_handshake(s, RTT);
    tcpx_finding_t f;
    memset(&f, 0, sizeof f);
    f.kind = TCPX_K_LOST_SEGMENT;
    tcpx_text_ctx_t ctx = { s, &f, FALSE, 0, 0, 1, 1 };
    for (guint8 w = 0; w < TCPX_LATER_N; w++) {
        tcpx_later_t l = { 9, 7, 0, 12 * MS, 1001, 2000, 3, w };
        l.by_frame = (w == TCPX_LATER_SERIES_LOST || w == TCPX_LATER_SERIES_CUT || w == TCPX_LATER_SYN_UNANSWERED ||
                      w == TCPX_LATER_SYN_CUT || w == TCPX_LATER_PMTU_NO_RESEND)
                         ? 0
                         : 12;
        l.bytes = 1228;
        for (int form = 0; form < 2; form++) {
            GString *out = g_string_new(NULL);
            tcpx_render_later(out, &l, &ctx, form);
            if (!out->len || strchr(out->str, '{') || strstr(out->str, " ?") || strstr(out->str, "?)"))
                g_error("later %s renders badly: \"%s\"", tcpx_later_name(w), out->str);
            g_string_free(out, TRUE);
        }
        g_assert_cmpstr(tcpx_later_name(w), !=, "?");
    }
    fx_free(s);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/hindsight/gap_resent", test_gap_resent_after_a_round_trip);
    g_test_add_func("/hindsight/gap_reordered", test_gap_filled_too_soon);
    g_test_add_func("/hindsight/gap_without_rtt", test_gap_without_rtt);
    g_test_add_func("/hindsight/gap_acked_unseen", test_gap_acked_unseen_is_a_capture_miss);
    g_test_add_func("/hindsight/series", test_series_nothing_answered);
    g_test_add_func("/hindsight/syn", test_syn_and_the_capture_end);
    g_test_add_func("/hindsight/two_dsacks", test_two_dsacks_two_resends);
    g_test_add_func("/hindsight/words", test_later_words);
    return g_test_run();
}
