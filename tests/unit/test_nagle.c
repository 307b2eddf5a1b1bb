/* test_nagle.c: a small segment Nagle held until the peer's delayed ACK, and what is not one.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "core_fixture.h"

/* A 40 ms handshake at the client; the client's small segment A at 100 ms; the server's ACK of
 * exactly A at 100 + ack_after ms (with `data` bytes: an answer, not a pure ACK); the client's
 * next small segment B `release` ms after that ACK. Returns B's Nagle finding, or NULL. */
static const tcpx_finding_t *
small_after_ack(tcpx_stream_t *s, gint64 ack_after, guint32 data, gint64 release)
{
    fx_handshake(s, 40);
    fx_feed(s, fx_seg(TRUE, 100, TCPX_TH_ACK | TCPX_TH_PSH, 1, 1, 100));
    fx_feed(s, fx_seg(FALSE, 100 + ack_after, TCPX_TH_ACK, 1, 101, data));
    const tcpx_result_t *r = fx_feed(s, fx_seg(TRUE, 100 + ack_after + release, TCPX_TH_ACK, 101, 1 + data, 100));
    for (int i = 0; i < r->n; i++)
        if (r->f[i].kind == TCPX_K_NAGLE)
            return &r->f[i];
    return NULL;
}

static void
test_nagle(void)
{
    tcpx_stream_t *s = fx_stream();
    const tcpx_finding_t *f = small_after_ack(s, 84, 0, 0);
    g_assert_nonnull(f);
    g_assert_cmpint(f->cause, ==, TCPX_C_NAGLE_DELAYED_ACK);
    g_assert_cmpint(f->idle_ns, ==, 44 * MS); /* 84 ms less the 40 ms round trip */
    g_assert_cmpuint(f->ref_frame, ==, 5);    /* the delayed ACK */
    g_assert_cmpuint(f->orig_frame, ==, 4);   /* the small segment before */
    fx_free(s);
}

/* The contradictions: an ACK in a round trip (not delayed); an answer with data (the next request
 * follows the answer, not an ACK); B long after the ACK (the application's own pace). */
static void
test_not_nagle(void)
{
    static const struct {
        gint64 ack_after;
        guint32 data;
        gint64 release;
    } cases[] = { { 41, 0, 0 }, { 84, 200, 0 }, { 84, 0, 20 } };
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        tcpx_stream_t *s = fx_stream();
        g_assert_null(small_after_ack(s, cases[i].ack_after, cases[i].data, cases[i].release));
        fx_free(s);
    }
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/nagle/held_until_delayed_ack", test_nagle);
    g_test_add_func("/nagle/not_nagle", test_not_nagle);
    return g_test_run();
}
