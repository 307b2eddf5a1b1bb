/* test_scoreboard.c: senders that ignore what the receiver said: data past its window (kind
 * beyond_window, and the resend cause after_beyond_window), resends of data it had SACKed (cause
 * resent_sacked); and the cases where tcpx must say nothing.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "core_fixture.h"

#define FULL 1448

static const tcpx_finding_t *
kind_finding(const tcpx_result_t *r, tcpx_kind_t kind)
{
    for (int i = 0; i < r->n; i++)
        if (r->f[i].kind == kind)
            return &r->f[i];
    return NULL;
}

static tcpx_segment_t
client_ack(gint64 t_ms, guint32 ack, guint32 win)
{
    tcpx_segment_t a = fx_seg(TRUE, t_ms, TCPX_TH_ACK, 40, ack, 0);
    a.win = win;
    return a;
}

/* fx_handshake with the client's windows small (the edge it offers starts at one segment). */
static void
handshake_small_window(tcpx_stream_t *s)
{
    tcpx_segment_t syn = fx_seg(TRUE, 0, TCPX_TH_SYN, 0, 0, 0);
    syn.mss = 1460;
    syn.sack_perm = TRUE;
    fx_feed(s, syn);
    tcpx_segment_t synack = fx_seg(FALSE, 40, TCPX_TH_SYN | TCPX_TH_ACK, 0, 1, 0);
    synack.mss = 1460;
    synack.sack_perm = TRUE;
    fx_feed(s, synack);
    fx_feed(s, client_ack(40, 1, FULL));
}

/* The server's third segment after the client offered two (its ACK at ack_ms; the handshake's server
 * leg is 40 ms): beyond_window only when the edge is a leg old. */
static const tcpx_finding_t *
third_segment(gint64 ack_ms, gboolean handshake, tcpx_stream_t **out)
{
    tcpx_stream_t *s = fx_stream();
    if (handshake)
        handshake_small_window(s);
    tcpx_segment_t request = fx_seg(TRUE, 41, TCPX_TH_ACK | TCPX_TH_PSH, 1, 1, 39);
    request.win = FULL;
    fx_feed(s, request);
    fx_feed(s, client_ack(ack_ms, 1, 2 * FULL));
    fx_feed(s, fx_seg(FALSE, 100, TCPX_TH_ACK, 1, 40, FULL));
    g_assert_null(kind_finding(fx_feed(s, fx_seg(FALSE, 100, TCPX_TH_ACK, 1 + FULL, 40, FULL)), TCPX_K_BEYOND_WINDOW));
    const tcpx_finding_t *f = kind_finding(fx_feed(s, fx_seg(FALSE, 100, TCPX_TH_ACK, 1 + 2 * FULL, 40, FULL)),
                                           TCPX_K_BEYOND_WINDOW);
    *out = s;
    return f;
}

static void
test_beyond_window(void)
{
    tcpx_stream_t *s;
    const tcpx_finding_t *f = third_segment(50, TRUE, &s);
    g_assert_nonnull(f);
    g_assert_cmpint(f->cause, ==, TCPX_C_BEYOND_WINDOW);
    g_assert_cmpuint(f->bytes, ==, FULL);
    g_assert_cmpuint(f->waits_for + f->bytes2, ==, 1 + 2 * FULL); /* the edge */
    g_assert_cmpuint(f->ref_frame, ==, 5);                        /* the client's ACK */
    guint32 first = fx_next_frame;                                /* the segment past the window */
    /* its resend, once the window opened: the first copy went past the window */
    fx_feed(s, client_ack(300, 1 + 2 * FULL, 4 * FULL));
    tcpx_segment_t rt = fx_seg(FALSE, 400, TCPX_TH_ACK, 1 + 2 * FULL, 40, FULL);
    rt.ws = TCPX_WS_RETRANSMISSION;
    const tcpx_finding_t *r = kind_finding(fx_feed(s, rt), TCPX_K_RETRANSMISSION);
    g_assert_nonnull(r);
    g_assert_cmpint(r->cause, ==, TCPX_C_RETX_BEYOND_WINDOW);
    g_assert_cmpuint(r->ref_frame, ==, first);
    fx_free(s);
}

/* The edge offered 10 ms before, within the sender's 40 ms leg: it may not have reached the sender.
 * No handshake: the window scale is unknown.  Either way, nothing. */
static void
test_beyond_window_undetermined(void)
{
    tcpx_stream_t *s;
    g_assert_null(third_segment(90, TRUE, &s));
    fx_free(s);
    g_assert_null(third_segment(50, FALSE, &s));
    fx_free(s);
}

/* One byte at a closed window is a zero-window probe, not a fault. */
static void
test_zero_window_probe_is_no_fault(void)
{
    tcpx_stream_t *s = fx_stream();
    handshake_small_window(s);
    fx_feed(s, fx_seg(FALSE, 41, TCPX_TH_ACK, 1, 1, FULL));
    fx_feed(s, client_ack(81, 1 + FULL, 0));
    g_assert_null(kind_finding(fx_feed(s, fx_seg(FALSE, 300, TCPX_TH_ACK, 1 + FULL, 1, 1)), TCPX_K_BEYOND_WINDOW));
    fx_free(s);
}

/* The server sends 4 segments at 41 ms; the client's dup ACK at 81 ms SACKs the last 3; then a
 * resend of the second at resend_ms, with (renege) or without a later ACK that SACKs nothing. */
static tcpx_cause_t
resend_of_sacked(gint64 resend_ms, gboolean renege, guint32 *ref)
{
    tcpx_stream_t *s = fx_stream();
    fx_handshake(s, 40);
    fx_feed(s, fx_seg(TRUE, 40, TCPX_TH_ACK | TCPX_TH_PSH, 1, 1, 39));
    for (guint32 i = 0; i < 4; i++)
        fx_feed(s, fx_seg(FALSE, 41, TCPX_TH_ACK, 1 + i * FULL, 40, FULL));
    tcpx_segment_t dup = fx_seg(TRUE, 81, TCPX_TH_ACK, 40, 1, 0);
    dup.ws = TCPX_WS_DUPLICATE_ACK;
    dup.dupack_num = 1;
    dup.n_sack = 1;
    dup.sack_le[0] = 1 + FULL;
    dup.sack_re[0] = 1 + 4 * FULL;
    fx_feed(s, dup);
    guint32 sack_frame = fx_next_frame;
    if (renege) {
        tcpx_segment_t plain = fx_seg(TRUE, 90, TCPX_TH_ACK, 40, 1, 0);
        plain.ws = TCPX_WS_DUPLICATE_ACK;
        fx_feed(s, plain);
    }
    tcpx_segment_t rt = fx_seg(FALSE, resend_ms, TCPX_TH_ACK, 1 + FULL, 40, FULL);
    rt.ws = TCPX_WS_RETRANSMISSION;
    const tcpx_finding_t *f = kind_finding(fx_feed(s, rt), TCPX_K_RETRANSMISSION);
    tcpx_cause_t cause = (tcpx_cause_t)f->cause;
    *ref = f->ref_frame == sack_frame ? sack_frame : 0;
    fx_free(s);
    return cause;
}

static void
test_resent_sacked(void)
{
    guint32 ref;
    g_assert_cmpint(resend_of_sacked(300, FALSE, &ref), ==, TCPX_C_RETX_SACKED);
    g_assert_cmpuint(ref, !=, 0); /* names the ACK whose SACK block reported it */
    /* 19 ms after the SACK, within the server's 40 ms leg: it may not have arrived */
    g_assert_cmpint(resend_of_sacked(100, FALSE, &ref), !=, TCPX_C_RETX_SACKED);
    /* the receiver's latest ACK no longer reports it: it may have reneged */
    g_assert_cmpint(resend_of_sacked(300, TRUE, &ref), !=, TCPX_C_RETX_SACKED);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/scoreboard/beyond_window", test_beyond_window);
    g_test_add_func("/scoreboard/beyond_window_undetermined", test_beyond_window_undetermined);
    g_test_add_func("/scoreboard/zero_window_probe", test_zero_window_probe_is_no_fault);
    g_test_add_func("/scoreboard/resent_sacked", test_resent_sacked);
    return g_test_run();
}
