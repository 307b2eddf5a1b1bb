/* test_windows.c: why a window is full, from the evidence: a loss hole that pins its left
 * edge, a queue that grew the round trip, or neither (window scaling off, or the receiver).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "core_fixture.h"

#define SEG 1000
#define WIN 64000 /* near the 64 KB ceiling of a window without scaling */

/* No window scaling (neither side offers it), a 14 ms handshake measured near the server (the data
 * sender): the server sends 2 segments per round trip, each ACK of the client taking rtt_ms; then
 * the server fills the window. `hole`: the client's last ACK SACKs data above a gap. */
static tcpx_cause_t
full_window(gint64 rtt_ms, gboolean hole, gint64 *base, gint64 *now)
{
    tcpx_stream_t *s = fx_stream();
    fx_feed(s, fx_seg(TRUE, 0, TCPX_TH_SYN, 0, 0, 0));
    fx_feed(s, fx_seg(FALSE, 0, TCPX_TH_SYN | TCPX_TH_ACK, 0, 1, 0));
    tcpx_segment_t hs_ack = fx_seg(TRUE, 14, TCPX_TH_ACK, 1, 1, 0);
    hs_ack.win = WIN;
    fx_feed(s, hs_ack);
    guint32 seq = 1;
    gint64 t = 15;
    for (int round = 0; round < 4; round++, t += rtt_ms) {
        for (int i = 0; i < 2; i++, seq += SEG)
            fx_feed(s, fx_seg(FALSE, t, TCPX_TH_ACK, seq, 1, SEG));
        for (int i = 0; i < 2; i++) { /* each of those two, acknowledged rtt_ms later */
            tcpx_segment_t ack = fx_seg(TRUE, t + rtt_ms, TCPX_TH_ACK, 1, seq - SEG * (1 - i), 0);
            ack.win = WIN;
            ack.ack_rtt_ns = rtt_ms * MS;
            if (hole && round == 3) { /* the round's first segment missing, the second SACKed */
                ack.ack = seq - 2 * SEG;
                ack.n_sack = 1;
                ack.sack_le[0] = seq - SEG;
                ack.sack_re[0] = seq;
            }
            fx_feed(s, ack);
        }
    }
    tcpx_segment_t full = fx_seg(FALSE, t, TCPX_TH_ACK, seq, 1, SEG);
    full.ws = TCPX_WS_WINDOW_FULL;
    full.bytes_in_flight = WIN;
    const tcpx_result_t *r = fx_feed(s, full);
    const tcpx_finding_t *f = NULL;
    for (int i = 0; i < r->n; i++)
        if (r->f[i].kind == TCPX_K_WINDOW_FULL)
            f = &r->f[i];
    g_assert_nonnull(f);
    *base = f->rtt_ns;
    *now = f->idle_ns;
    if (f->cause == TCPX_C_WINDOW_LOSS_HOLE)
        g_assert_cmpuint(f->waits_for, ==, seq - 2 * SEG);
    tcpx_cause_t cause = (tcpx_cause_t)f->cause;
    fx_free(s);
    return cause;
}

/* The ACKs now take 700 ms where the handshake took 14: a queue, not the missing window scaling. */
static void
test_queue_not_scaling(void)
{
    gint64 base, now;
    g_assert_cmpint(full_window(700, FALSE, &base, &now), ==, TCPX_C_WINDOW_QUEUE);
    g_assert_cmpint(base, ==, 14 * MS);
    g_assert_cmpint(now, ==, 700 * MS);
}

/* The contradictions: ACKs as fast as the handshake (no queue): window scaling off; 40 ms ACKs on
 * a 14 ms handshake are 3 times, not 4 (a little queueing, not the limit). */
static void
test_no_queue_scaling_off(void)
{
    gint64 base, now;
    g_assert_cmpint(full_window(14, FALSE, &base, &now), ==, TCPX_C_WINDOW_NO_SCALING);
    g_assert_cmpint(full_window(40, FALSE, &base, &now), ==, TCPX_C_WINDOW_NO_SCALING);
    g_assert_cmpint(now, ==, 0);
}

/* The receiver's latest ACK holds data above a gap: the loss pins the window, whatever the RTT. */
static void
test_loss_hole(void)
{
    gint64 base, now;
    g_assert_cmpint(full_window(14, TRUE, &base, &now), ==, TCPX_C_WINDOW_LOSS_HOLE);
    g_assert_cmpint(full_window(700, TRUE, &base, &now), ==, TCPX_C_WINDOW_LOSS_HOLE);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/windows/queue_not_scaling", test_queue_not_scaling);
    g_test_add_func("/windows/no_queue_scaling_off", test_no_queue_scaling_off);
    g_test_add_func("/windows/loss_hole", test_loss_hole);
    return g_test_run();
}
