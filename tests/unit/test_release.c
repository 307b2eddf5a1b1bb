/* test_release.c: a closed stream gives back its rings, its recent state and its copy table once
 * it has been quiet for a while (tcpx_release.c), and a segment that still comes finds them empty.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "core_fixture.h"

#define S_MS 1000

static gboolean
holds_memory(const tcpx_stream_t *s)
{
    for (int i = 0; i < 2; i++)
        if (s->side[i].sent || s->side[i].copies || s->side[i].recent)
            return TRUE;
    return FALSE;
}

/* Handshake, a request and its answer, then both FINs acknowledged at 100 ms. */
static void
exchange_and_close(tcpx_stream_t *s)
{
    fx_handshake(s, 10);
    fx_feed(s, fx_seg(TRUE, 20, TCPX_TH_ACK | TCPX_TH_PSH, 1, 1, 100));
    fx_feed(s, fx_seg(FALSE, 30, TCPX_TH_ACK | TCPX_TH_PSH, 1, 101, 1000));
    fx_feed(s, fx_seg(TRUE, 40, TCPX_TH_ACK | TCPX_TH_FIN, 101, 1001, 0));
    g_assert_false(tcpx_stream_closed(s));
    fx_feed(s, fx_seg(FALSE, 50, TCPX_TH_ACK | TCPX_TH_FIN, 1001, 102, 0));
    g_assert_false(tcpx_stream_closed(s)); /* the server's FIN is not acknowledged yet */
    fx_feed(s, fx_seg(TRUE, 100, TCPX_TH_ACK, 102, 1002, 0));
}

static void
test_released_after_quiet(void)
{
    tcpx_stream_t *s = fx_stream();
    tcpx_release_t q = { 0 };
    exchange_and_close(s);
    g_assert_true(tcpx_stream_closed(s));
    tcpx_release_note(&q, s);
    tcpx_release_note(&q, s); /* queued once */
    g_assert_true(q.head == s && q.tail == s);
    tcpx_release_sweep(&q, 2 * S_MS * MS); /* quiet for 1.9 s: kept (copies may still come) */
    g_assert_true(holds_memory(s));
    tcpx_release_sweep(&q, 4 * S_MS * MS);
    g_assert_false(holds_memory(s));
    g_assert_null(q.head);
    /* A late segment: analysed with empty history, and the stream may be queued again. */
    tcpx_segment_t late = fx_seg(FALSE, 5 * S_MS, TCPX_TH_ACK | TCPX_TH_FIN, 1001, 102, 0);
    late.ws = TCPX_WS_RETRANSMISSION;
    fx_feed(s, late);
    g_assert_nonnull(s->side[1].recent);
    tcpx_release_note(&q, s);
    g_assert_true(q.head == s);
    fx_free(s);
}

/* A stream that speaks again after it closed waits a full quiet period from then. */
static void
test_activity_restarts_wait(void)
{
    tcpx_stream_t *s = fx_stream();
    tcpx_release_t q = { 0 };
    exchange_and_close(s);
    tcpx_release_note(&q, s);
    fx_feed(s, fx_seg(TRUE, 2 * S_MS, TCPX_TH_ACK, 102, 1002, 0)); /* the last ACK again */
    tcpx_release_sweep(&q, 4 * S_MS * MS);                         /* 3.9 s after the close, 2 s after that */
    g_assert_true(holds_memory(s));
    g_assert_true(q.head == s);
    tcpx_release_sweep(&q, 6 * S_MS * MS);
    g_assert_false(holds_memory(s));
    fx_free(s);
}

/* A reset closes at once; an open stream is never queued. */
static void
test_reset_closes(void)
{
    tcpx_stream_t *open = fx_stream(), *reset = fx_stream();
    tcpx_release_t q = { 0 };
    fx_handshake(open, 10);
    fx_feed(open, fx_seg(TRUE, 20, TCPX_TH_ACK | TCPX_TH_PSH, 1, 1, 100));
    tcpx_release_note(&q, open);
    g_assert_null(q.head);
    fx_handshake(reset, 10);
    fx_feed(reset, fx_seg(FALSE, 20, TCPX_TH_RST | TCPX_TH_ACK, 1, 1, 0));
    g_assert_true(tcpx_stream_closed(reset));
    tcpx_release_note(&q, reset);
    tcpx_release_sweep(&q, 4 * S_MS * MS);
    g_assert_false(holds_memory(reset));
    g_assert_true(holds_memory(open));
    fx_free(open);
    fx_free(reset);
}

/* An ICMP "too big" that no resend answered keeps its state: the capture's end tells it. */
static void
test_open_pmtu_kept(void)
{
    tcpx_stream_t *s = fx_stream();
    tcpx_release_t q = { 0 };
    tcpx_result_t r;
    exchange_and_close(s);
    tcpx_icmp_t icmp = { .frame = 99, .ts_ns = 35 * MS, .from_first = FALSE, .seq = 1, .packet_len = 1040, .mtu = 576 };
    tcpx_analyze_icmp(s, &icmp, &r);
    tcpx_release_note(&q, s);
    tcpx_release_sweep(&q, 4 * S_MS * MS);
    g_assert_nonnull(s->side[1].recent);
    g_assert_null(s->side[0].recent);
    tcpx_later_t out[4];
    guint n = tcpx_hindsight_finish(s, 5 * S_MS * MS, out, G_N_ELEMENTS(out));
    gboolean told = FALSE;
    for (guint i = 0; i < n; i++)
        told |= out[i].what == TCPX_LATER_PMTU_NO_RESEND && out[i].frame == 99;
    g_assert_true(told);
    fx_free(s);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/release/after_quiet", test_released_after_quiet);
    g_test_add_func("/release/activity_restarts_wait", test_activity_restarts_wait);
    g_test_add_func("/release/reset_closes", test_reset_closes);
    g_test_add_func("/release/open_pmtu_kept", test_open_pmtu_kept);
    return g_test_run();
}
