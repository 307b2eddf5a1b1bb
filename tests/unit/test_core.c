/* Unit tests of tcpx's pure-C core: sequence arithmetic, classification, words.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>
#include <glib.h>
#include "tcpx_core.h"
#include "tcpx_explain.h"
#include "tcpx_text.h"
#include "tcpx_pack.h"
#include "tcpx_template.h"

#define MS G_GINT64_CONSTANT(1000000)

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
    return g_realloc(p, n);
}
static const tcpx_alloc_t alloc = { t_alloc0, t_realloc, NULL };

/* A stream with client 10.0.0.1:40000 (side 0) and server 10.0.0.2:80 (side 1). */
static tcpx_stream_t *
new_stream(void)
{
    tcpx_stream_t *s = g_new0(tcpx_stream_t, 1);
    tcpx_stream_init(s, 7, "10.0.0.1:40000", "10.0.0.2:80", 40000, 80, &alloc);
    return s;
}

static guint32 next_frame;

static tcpx_segment_t
seg(gboolean from_client, gint64 t_ms, guint16 flags, guint32 seq, guint32 ack, guint32 len)
{
    tcpx_segment_t s;
    memset(&s, 0, sizeof s);
    s.frame = ++next_frame;
    s.ts_ns = t_ms * MS;
    s.from_first = from_client;
    s.flags = flags;
    s.seq = seq;
    s.ack = ack;
    s.len = len;
    s.win = 65535;
    s.wscale = -1;
    s.has_ip_id = TRUE;
    s.ip_id = (guint16)(s.frame * 7);
    s.checksum = (guint16)(s.frame * 13);
    return s;
}

static tcpx_result_t last;

static const tcpx_result_t *
feed(tcpx_stream_t *s, tcpx_segment_t g)
{
    tcpx_analyze(s, &g, &last);
    return &last;
}

static const tcpx_finding_t *
find_kind(const tcpx_result_t *r, tcpx_kind_t k)
{
    for (int i = 0; i < r->n; i++)
        if (r->f[i].kind == k)
            return &r->f[i];
    return NULL;
}

/* Handshake with a 20 ms RTT, then the client's 100-byte request. Returns the time. */
static gint64
handshake(tcpx_stream_t *s)
{
    next_frame = 0;
    tcpx_segment_t syn = seg(TRUE, 0, TCPX_TH_SYN, 0, 0, 0);
    syn.mss = 1460;
    syn.wscale = 7;
    syn.sack_perm = TRUE;
    feed(s, syn);
    tcpx_segment_t synack = seg(FALSE, 20, TCPX_TH_SYN | TCPX_TH_ACK, 0, 1, 0);
    synack.mss = 1400;
    synack.wscale = 8;
    synack.sack_perm = TRUE;
    feed(s, synack);
    feed(s, seg(TRUE, 20, TCPX_TH_ACK, 1, 1, 0));
    feed(s, seg(TRUE, 21, TCPX_TH_ACK | TCPX_TH_PSH, 1, 1, 100));
    return 21;
}

/* Checks the chosen cause is one the table lists for the kind. */
static void
assert_candidate(const tcpx_finding_t *f)
{
    const tcpx_kind_info_t *k = tcpx_kind_info((tcpx_kind_t)f->kind);
    for (int i = 0; i < TCPX_MAX_CAUSES; i++)
        if (k->causes[i] == f->cause)
            return;
    g_error("cause %s is not a candidate of kind %s", tcpx_cause_info((tcpx_cause_t)f->cause)->name, k->name);
}

static char *
render(const tcpx_stream_t *s, const tcpx_finding_t *f, gboolean from_client,
       void (*fn)(GString *, const tcpx_text_ctx_t *))
{
    tcpx_text_ctx_t ctx = { s, f, from_client, 0 };
    GString *out = g_string_new(NULL);
    fn(out, &ctx);
    return g_string_free(out, FALSE);
}

/* ---- sequence numbers --------------------------------------------------- */

static void
test_seq_wrap(void)
{
    g_assert_true(tcpx_seq_lt(0xFFFFFF00u, 0x10u));
    g_assert_true(tcpx_seq_gt(0x10u, 0xFFFFFF00u));
    g_assert_true(tcpx_seq_le(5, 5));
    g_assert_false(tcpx_seq_lt(5, 5));
    g_assert_cmpuint(tcpx_seq_diff(0xFFFFFFF0u, 0x10u), ==, 0x20u);
    g_assert_cmpuint(tcpx_seq_diff(0x10u, 0xFFFFFFF0u), ==, 0);
    g_assert_true(tcpx_seq_in(2, 0xFFFFFFFEu, 10));
    g_assert_false(tcpx_seq_in(10, 0xFFFFFFFEu, 10));
    g_assert_cmpuint(tcpx_segments_for(48180, 1460), ==, 33);
    g_assert_cmpuint(tcpx_segments_for(1, 1460), ==, 1);
    g_assert_cmpuint(tcpx_segments_for(100, 0), ==, 0);
}

/* A retransmission across the 2^32 boundary still finds its original. */
static void
test_retransmission_across_wrap(void)
{
    tcpx_stream_t *s = new_stream();
    next_frame = 0;
    feed(s, seg(TRUE, 0, TCPX_TH_ACK, 1, 0xFFFFF000u, 0));
    tcpx_segment_t a = seg(FALSE, 1, TCPX_TH_ACK, 0xFFFFFA00u, 1, 1448);
    guint32 orig_frame = a.frame;
    feed(s, a);
    feed(s, seg(FALSE, 2, TCPX_TH_ACK, 0xFFFFFA00u + 1448, 1, 1448));
    tcpx_segment_t rt = seg(FALSE, 400, TCPX_TH_ACK, 0xFFFFFA00u, 1, 1448);
    rt.ws = TCPX_WS_RETRANSMISSION;
    const tcpx_finding_t *f = find_kind(feed(s, rt), TCPX_K_RETRANSMISSION);
    g_assert_nonnull(f);
    g_assert_cmpuint(f->orig_frame, ==, orig_frame);
    g_assert_cmpint(f->orig_age_ns, ==, 399 * MS);
    g_assert_cmpint(f->cause, ==, TCPX_C_RETX_TIMEOUT);
    g_free(s);
}

/* ---- classification ----------------------------------------------------- */

static void
test_handshake_story(void)
{
    tcpx_stream_t *s = new_stream();
    next_frame = 0;
    tcpx_segment_t syn = seg(TRUE, 0, TCPX_TH_SYN, 0, 0, 0);
    syn.mss = 1460;
    syn.wscale = 7;
    syn.sack_perm = TRUE;
    const tcpx_result_t *r = feed(s, syn);
    g_assert_nonnull(find_kind(r, TCPX_K_SYN));
    g_assert_cmpint(r->phase, ==, TCPX_PHASE_HANDSHAKE);
    g_assert_true(r->from_client);
    tcpx_segment_t synack = seg(FALSE, 30, TCPX_TH_SYN | TCPX_TH_ACK, 0, 1, 0);
    synack.mss = 1400;
    synack.wscale = 8;
    synack.sack_perm = TRUE;
    r = feed(s, synack);
    const tcpx_finding_t *f = find_kind(r, TCPX_K_SYNACK);
    g_assert_nonnull(f);
    char *what = render(s, f, FALSE, tcpx_render_what);
    g_assert_nonnull(strstr(what, "window scale x256 (shift 8)"));
    g_assert_nonnull(strstr(what, "SACK on both sides"));
    g_assert_nonnull(strstr(what, "segments up to 1400 bytes toward the server and 1460 toward the client"));
    g_free(what);
    r = feed(s, seg(TRUE, 31, TCPX_TH_ACK, 1, 1, 0));
    f = find_kind(r, TCPX_K_HANDSHAKE_ACK);
    g_assert_nonnull(f);
    g_assert_cmpint(f->syn_synack_ns, ==, 30 * MS);
    g_assert_cmpint(f->synack_ack_ns, ==, 1 * MS);
    what = render(s, f, TRUE, tcpx_render_what);
    g_assert_nonnull(strstr(what, "near the client"));
    g_free(what);
    g_assert_false(s->roles_guessed);
    g_free(s);
}

static void
test_fast_retransmission(void)
{
    tcpx_stream_t *s = new_stream();
    gint64 t = handshake(s);
    tcpx_segment_t a = seg(FALSE, t + 20, TCPX_TH_ACK, 1, 101, 1400);
    guint32 orig = a.frame;
    feed(s, a);
    feed(s, seg(FALSE, t + 20, TCPX_TH_ACK, 1401, 101, 1400));
    feed(s, seg(FALSE, t + 20, TCPX_TH_ACK, 2801, 101, 1400));
    guint32 dups[3];
    for (int i = 0; i < 3; i++) {
        tcpx_segment_t d = seg(TRUE, t + 40 + i, TCPX_TH_ACK, 101, 1, 0);
        d.ws = TCPX_WS_DUPLICATE_ACK;
        d.dupack_num = i + 1;
        d.dupack_frame = 4;
        d.n_sack = 1;
        d.sack_le[0] = 1401;
        d.sack_re[0] = 1401 + 1400 * (i + 1);
        dups[i] = d.frame;
        const tcpx_finding_t *f = find_kind(feed(s, d), TCPX_K_DUP_ACK);
        g_assert_nonnull(f);
        g_assert_cmpint(f->cause, ==, TCPX_C_DUPACK_HOLE);
        g_assert_cmpuint(f->bytes, ==, 1400); /* the hole 1-1400 */
        g_assert_cmpuint(f->segments, ==, 1);
    }
    tcpx_segment_t rt = seg(FALSE, t + 43, TCPX_TH_ACK, 1, 101, 1400);
    rt.ws = TCPX_WS_RETRANSMISSION | TCPX_WS_FAST_RETRANSMISSION;
    const tcpx_result_t *r = feed(s, rt);
    g_assert_cmpint(r->n, ==, 1);
    const tcpx_finding_t *f = find_kind(r, TCPX_K_FAST_RETRANSMISSION);
    g_assert_nonnull(f);
    assert_candidate(f);
    g_assert_cmpint(f->cause, ==, TCPX_C_FAST_RETX_DUPACKS);
    g_assert_cmpuint(f->orig_frame, ==, orig);
    g_assert_cmpuint(f->n_listed, ==, 3);
    g_assert_cmpuint(f->listed[0], ==, dups[0]);
    g_assert_cmpuint(f->listed[2], ==, dups[2]);
    char *sum = render(s, f, FALSE, tcpx_render_summary);
    g_assert_cmpstr(sum, ==, "Fast retransmission of bytes 1-1400 (frame 5, +23 ms) after 3 dup ACKs");
    g_free(sum);
    char *what = render(s, f, FALSE, tcpx_render_what);
    g_assert_cmpstr(
        what, ==,
        "The server (10.0.0.2:80) sent bytes 1-1400 again. They first left in frame 5, 23 ms earlier, and "
        "the client (10.0.0.1:40000) has since asked for them 3 times (duplicate ACKs in frames 8, 9, 10).");
    g_free(what);
    g_free(s);
}

/* The ring of original transmissions grows with the data in flight and gives its room
 * back once that data is acknowledged, keeping every entry it still needs. */
static void
test_ring_follows_flight(void)
{
    tcpx_stream_t *s = new_stream();
    gint64 t = handshake(s);
    const tcpx_side_t *server = &s->side[1];
    guint32 frames[300];
    for (guint32 i = 0; i < 200; i++) {
        tcpx_segment_t d = seg(FALSE, t + 1, TCPX_TH_ACK, 1 + i * 100, 101, 100);
        frames[i] = d.frame;
        feed(s, d);
    }
    g_assert_cmpuint(server->sent_len, ==, 201); /* with the SYN-ACK */
    g_assert_cmpuint(server->sent_cap, ==, 256);
    /* All but the last two acknowledged: 8 acknowledged segments stay, plus the two in flight. */
    feed(s, seg(TRUE, t + 21, TCPX_TH_ACK, 101, 1 + 198 * 100, 0));
    g_assert_cmpuint(server->sent_len, ==, 10);
    g_assert_cmpuint(server->sent_cap, ==, 32);
    /* Both kinds of entry are still found. */
    tcpx_segment_t rt = seg(FALSE, t + 30, TCPX_TH_ACK, 1 + 195 * 100, 101, 100);
    rt.ws = TCPX_WS_RETRANSMISSION | TCPX_WS_SPURIOUS;
    const tcpx_finding_t *f = find_kind(feed(s, rt), TCPX_K_SPURIOUS_RETRANSMISSION);
    g_assert_nonnull(f);
    g_assert_cmpuint(f->orig_frame, ==, frames[195]);
    rt = seg(FALSE, t + 300, TCPX_TH_ACK, 1 + 199 * 100, 101, 100);
    rt.ws = TCPX_WS_RETRANSMISSION;
    f = find_kind(feed(s, rt), TCPX_K_RETRANSMISSION);
    g_assert_nonnull(f);
    g_assert_cmpuint(f->orig_frame, ==, frames[199]);
    /* The next burst grows it again, across the ring's wrap. */
    for (guint32 i = 200; i < 300; i++) {
        tcpx_segment_t d = seg(FALSE, t + 301, TCPX_TH_ACK, 1 + i * 100, 101, 100);
        frames[i] = d.frame;
        feed(s, d);
    }
    g_assert_cmpuint(server->sent_len, ==, 110);
    g_assert_cmpuint(server->sent_cap, ==, 128);
    rt = seg(FALSE, t + 600, TCPX_TH_ACK, 1 + 250 * 100, 101, 100);
    rt.ws = TCPX_WS_RETRANSMISSION;
    f = find_kind(feed(s, rt), TCPX_K_RETRANSMISSION);
    g_assert_nonnull(f);
    g_assert_cmpuint(f->orig_frame, ==, frames[250]);
    g_free(s->side[1].sent);
    g_free(s);
}

/* An ACK lost on the way to the sender, or a resend that waited in a queue on its way here: the ACK's
 * age at the resend says which the frame's cause may name. */
static void
test_spurious_ack_lost_words(void)
{
    static const struct {
        int age_ms;
        const char *says;
    } cases[] = { { 60, "or this resend waited in a queue" }, { 300, "lost, or held for long, on the way to it" } };
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        tcpx_stream_t *s = new_stream();
        gint64 t = handshake(s);
        feed(s, seg(FALSE, t + 1, TCPX_TH_ACK, 1, 101, 1000));
        feed(s, seg(TRUE, t + 21, TCPX_TH_ACK, 101, 1001, 0));
        tcpx_segment_t rt = seg(FALSE, t + 21 + cases[i].age_ms, TCPX_TH_ACK, 1, 101, 1000);
        rt.ws = TCPX_WS_RETRANSMISSION | TCPX_WS_SPURIOUS;
        const tcpx_finding_t *f = find_kind(feed(s, rt), TCPX_K_SPURIOUS_RETRANSMISSION);
        g_assert_nonnull(f);
        g_assert_cmpint(f->cause, ==, TCPX_C_SPURIOUS_ACK_LOST);
        char *cause = render(s, f, TRUE, tcpx_render_cause);
        g_assert_nonnull(strstr(cause, cases[i].says));
        g_free(cause);
        g_free(s);
    }
}

static void
test_spurious_causes(void)
{
    for (int late = 0; late < 2; late++) {
        tcpx_stream_t *s = new_stream();
        gint64 t = handshake(s);
        feed(s, seg(FALSE, t + 1, TCPX_TH_ACK, 1, 101, 1000));
        tcpx_segment_t ack = seg(TRUE, t + 21, TCPX_TH_ACK, 101, 1001, 0);
        guint32 ack_frame = ack.frame;
        feed(s, ack);
        /* resent 5 ms after the ACK passed (ACK still in flight) or 300 ms after (ACK lost) */
        tcpx_segment_t rt = seg(FALSE, t + 21 + (late ? 300 : 5), TCPX_TH_ACK, 1, 101, 1000);
        rt.ws = TCPX_WS_RETRANSMISSION | TCPX_WS_SPURIOUS;
        const tcpx_finding_t *f = find_kind(feed(s, rt), TCPX_K_SPURIOUS_RETRANSMISSION);
        g_assert_nonnull(f);
        assert_candidate(f);
        g_assert_cmpuint(f->ack_frame, ==, ack_frame);
        g_assert_cmpint(f->cause, ==, (late ? TCPX_C_SPURIOUS_ACK_LOST : TCPX_C_SPURIOUS_ACK_IN_FLIGHT));
        g_free(s);
    }
}

/* Without the handshake, the round trip between the capture point and the sender is unknown:
 * whether the ACK was in flight or lost stays undetermined, however old the ACK. */
static void
test_spurious_without_handshake(void)
{
    tcpx_stream_t *s = new_stream();
    next_frame = 0;
    feed(s, seg(FALSE, 1, TCPX_TH_ACK, 1, 101, 1000));
    tcpx_segment_t ack = seg(TRUE, 21, TCPX_TH_ACK, 101, 1001, 0);
    feed(s, ack);
    tcpx_segment_t rt = seg(FALSE, 521, TCPX_TH_ACK, 1, 101, 1000);
    rt.ws = TCPX_WS_RETRANSMISSION | TCPX_WS_SPURIOUS;
    const tcpx_finding_t *f = find_kind(feed(s, rt), TCPX_K_SPURIOUS_RETRANSMISSION);
    g_assert_nonnull(f);
    assert_candidate(f);
    g_assert_cmpint(f->cause, ==, TCPX_C_SPURIOUS_UNDETERMINED);
    g_assert_cmpuint(f->ack_frame, ==, ack.frame);
    char *text = render(s, f, FALSE, tcpx_render_cause);
    g_assert_nonnull(strstr(text, "does not tell"));
    g_free(text);
    g_free(s->side[1].sent);
    g_free(s);
}

static void
test_capture_duplicate(void)
{
    tcpx_stream_t *s = new_stream();
    gint64 t = handshake(s);
    tcpx_segment_t a = seg(FALSE, t + 1, TCPX_TH_ACK, 1, 101, 1000);
    feed(s, a);
    tcpx_segment_t copy = a;
    copy.frame = ++next_frame;
    copy.ts_ns += 20000;
    copy.ws = TCPX_WS_RETRANSMISSION;
    const tcpx_result_t *r = feed(s, copy);
    const tcpx_finding_t *f = find_kind(r, TCPX_K_CAPTURE_COPY);
    g_assert_nonnull(f);
    g_assert_cmpint(r->n, ==, 1); /* the copy only: no retransmission */
    g_assert_cmpint(f->cause, ==, TCPX_C_CAPTURE_DUPLICATE);
    g_assert_cmpuint(f->orig_frame, ==, a.frame);
    assert_candidate(f);
    /* the column says what it is, and the next step is about the capture, not the network */
    char *w = render(s, f, FALSE, tcpx_render_summary);
    g_assert_cmpstr(w, ==, "Capture copy of frame 5 (same IP ID, 0.020 ms later): not a retransmission");
    g_free(w);
    w = render(s, f, FALSE, tcpx_render_next_step);
    g_assert_null(strstr(w, "congest"));
    g_assert_null(strstr(w, "retransmissions"));
    g_assert_nonnull(strstr(w, "capture setup"));
    g_free(w);
    /* Same bytes with a new IP ID: a real retransmission. */
    tcpx_segment_t real = a;
    real.frame = ++next_frame;
    real.ts_ns += 5 * MS;
    real.ip_id++;
    real.checksum++;
    real.ws = TCPX_WS_RETRANSMISSION;
    f = find_kind(feed(s, real), TCPX_K_RETRANSMISSION);
    /* 5 ms after the original on a 20 ms path: neither a timeout nor a tail-loss probe */
    g_assert_cmpint(f->cause, ==, TCPX_C_RETX_UNDETERMINED);
    w = render(s, f, FALSE, tcpx_render_summary);
    g_assert_true(g_str_has_prefix(w, "Retransmission of bytes 1-1000 (frame 5, +"));
    g_free(w);
    g_free(s);
}

/* The cause of a plain retransmission must fit its timing against the round trip. */
static void
test_retransmission_timing(void)
{
    /* a tail-loss probe: the last segment sent, 45 ms (> 2 RTT) after that send, no ACK since */
    tcpx_stream_t *s = new_stream();
    gint64 t = handshake(s);
    feed(s, seg(FALSE, t + 1, TCPX_TH_ACK, 1, 101, 1000));
    tcpx_segment_t r = seg(FALSE, t + 46, TCPX_TH_ACK, 1, 101, 1000);
    r.ws = TCPX_WS_RETRANSMISSION;
    const tcpx_finding_t *f = find_kind(feed(s, r), TCPX_K_RETRANSMISSION);
    assert_candidate(f);
    g_assert_cmpint(f->cause, ==, TCPX_C_RETX_EARLY);
    g_free(s);

    /* a timeout: nothing acknowledged for 300 ms */
    s = new_stream();
    t = handshake(s);
    feed(s, seg(FALSE, t + 1, TCPX_TH_ACK, 1, 101, 1000));
    feed(s, seg(FALSE, t + 1, TCPX_TH_ACK, 1001, 101, 1000));
    r = seg(FALSE, t + 301, TCPX_TH_ACK, 1, 101, 1000);
    r.ws = TCPX_WS_RETRANSMISSION;
    f = find_kind(feed(s, r), TCPX_K_RETRANSMISSION);
    g_assert_cmpint(f->cause, ==, TCPX_C_RETX_TIMEOUT);
    g_free(s);

    /* contradiction: the original is 300 ms old, but an ACK advanced 0.4 ms before: no timeout, and not the tail */
    s = new_stream();
    t = handshake(s);
    feed(s, seg(FALSE, t + 1, TCPX_TH_ACK, 1, 101, 1000));
    feed(s, seg(FALSE, t + 1, TCPX_TH_ACK, 1001, 101, 1000));
    feed(s, seg(FALSE, t + 1, TCPX_TH_ACK, 2001, 101, 1000));
    feed(s, seg(TRUE, t + 300, TCPX_TH_ACK, 101, 1001, 0));
    tcpx_segment_t late = seg(FALSE, t + 300, TCPX_TH_ACK, 1001, 101, 1000);
    late.ts_ns += 400000;
    late.ws = TCPX_WS_RETRANSMISSION;
    f = find_kind(feed(s, late), TCPX_K_RETRANSMISSION);
    assert_candidate(f);
    g_assert_cmpint(f->cause, !=, TCPX_C_RETX_TIMEOUT);
    g_assert_cmpint(f->cause, !=, TCPX_C_RETX_EARLY);
    g_free(s);
}

/* Copies of pure ACKs: from a SPAN port (microseconds apart) and from a second capture
 * point (a path delay apart, the TTL two hops lower, IP ID 0 so the ID proves nothing). */
static void
test_capture_copy_of_ack(void)
{
    tcpx_stream_t *s = new_stream();
    gint64 t = handshake(s);
    tcpx_segment_t ack = seg(FALSE, t + 20, TCPX_TH_ACK, 1, 101, 0);
    feed(s, ack);
    tcpx_segment_t copy = ack;
    copy.frame = ++next_frame;
    copy.ts_ns += 10000;
    copy.ws = TCPX_WS_DUPLICATE_ACK; /* Wireshark's reading of a copied ACK */
    const tcpx_result_t *r = feed(s, copy);
    g_assert_nonnull(find_kind(r, TCPX_K_CAPTURE_COPY));
    g_assert_null(find_kind(r, TCPX_K_DUP_ACK));
    g_assert_cmpuint(s->side[1].dupacks_sent, ==, 0);

    /* second point: IP ID 0, TTL 62 after 64, 20 ms later, data from the peer in between */
    tcpx_segment_t ack2 = seg(FALSE, t + 30, TCPX_TH_ACK, 1, 101, 0);
    ack2.win = 30000;
    ack2.ip_id = 0;
    ack2.ip_ttl = 64;
    feed(s, ack2);
    feed(s, seg(TRUE, t + 35, TCPX_TH_ACK | TCPX_TH_PSH, 101, 1, 100));
    tcpx_segment_t far = ack2;
    far.frame = ++next_frame;
    far.ts_ns += 20 * MS;
    far.ip_ttl = 62;
    g_assert_nonnull(find_kind(feed(s, far), TCPX_K_CAPTURE_COPY));
    g_free(s);
}

/* The contradictions: bit-identical packets that TCP really sent twice. */
static void
test_bit_identical_is_not_a_copy(void)
{
    /* A retransmission with IP ID 0 and no timestamps, 181 ms later, after 3 dup ACKs. */
    tcpx_stream_t *s = new_stream();
    gint64 t = handshake(s);
    tcpx_segment_t a = seg(FALSE, t + 1, TCPX_TH_ACK, 1, 101, 1000);
    a.ip_id = 0;
    a.ip_ttl = 64;
    feed(s, a);
    feed(s, seg(FALSE, t + 2, TCPX_TH_ACK, 1001, 101, 1000));
    feed(s, seg(TRUE, t + 25, TCPX_TH_ACK, 101, 1, 0));
    for (int i = 0; i < 3; i++) {
        tcpx_segment_t d = seg(TRUE, t + 26 + i, TCPX_TH_ACK, 101, 1, 0);
        d.ws = TCPX_WS_DUPLICATE_ACK;
        feed(s, d);
    }
    tcpx_segment_t again = a;
    again.frame = ++next_frame;
    again.ts_ns += 181 * MS;
    again.ws = TCPX_WS_RETRANSMISSION;
    const tcpx_result_t *r = feed(s, again);
    g_assert_null(find_kind(r, TCPX_K_CAPTURE_COPY));
    g_assert_nonnull(find_kind(r, TCPX_K_RETRANSMISSION));
    g_free(s);

    /* A duplicate ACK from a stack with IP ID 0 and no timestamps: bit-identical to the
     * previous ACK 1 ms later, but data from the peer came in between: TCP's own. */
    s = new_stream();
    t = handshake(s);
    tcpx_segment_t ack = seg(FALSE, t + 20, TCPX_TH_ACK, 1, 101, 0);
    ack.ip_id = 0;
    feed(s, ack);
    feed(s, seg(TRUE, t + 20, TCPX_TH_ACK | TCPX_TH_PSH, 201, 1, 100));
    tcpx_segment_t dup = ack;
    dup.frame = ++next_frame;
    dup.ts_ns += 1 * MS;
    dup.ws = TCPX_WS_DUPLICATE_ACK;
    r = feed(s, dup);
    g_assert_null(find_kind(r, TCPX_K_CAPTURE_COPY));
    g_assert_nonnull(find_kind(r, TCPX_K_DUP_ACK));
    g_free(s);
}

/* Linux probes a zero window like a keep-alive (seq one below the ACKed byte, no data). */
static void
test_linux_window_probe(void)
{
    tcpx_stream_t *s = new_stream();
    gint64 t = handshake(s);
    tcpx_segment_t zw = seg(FALSE, t + 20, TCPX_TH_ACK, 1, 101, 0);
    zw.win = 0;
    zw.ws = TCPX_WS_ZERO_WINDOW;
    feed(s, zw);
    tcpx_segment_t probe = seg(TRUE, t + 300, TCPX_TH_ACK, 100, 1, 0);
    probe.ws = TCPX_WS_KEEP_ALIVE;
    const tcpx_result_t *r = feed(s, probe);
    const tcpx_finding_t *f = find_kind(r, TCPX_K_ZERO_WINDOW_PROBE);
    g_assert_nonnull(f);
    g_assert_null(find_kind(r, TCPX_K_KEEP_ALIVE));
    g_assert_cmpuint(f->ref_frame, ==, zw.frame);
    tcpx_segment_t answer = seg(FALSE, t + 320, TCPX_TH_ACK, 1, 101, 0);
    answer.win = 0;
    answer.ws = TCPX_WS_KEEP_ALIVE_ACK;
    g_assert_nonnull(find_kind(feed(s, answer), TCPX_K_ZERO_WINDOW_PROBE_ACK));
    /* the window open again: the same segment is a keep-alive */
    feed(s, seg(FALSE, t + 400, TCPX_TH_ACK, 1, 101, 0));
    probe.frame = ++next_frame;
    probe.ts_ns = (t + 8000) * MS;
    r = feed(s, probe);
    g_assert_nonnull(find_kind(r, TCPX_K_KEEP_ALIVE));
    g_assert_null(find_kind(r, TCPX_K_ZERO_WINDOW_PROBE));
    g_free(s);
}

/* A D-SACK (first SACK block below the ACK) proves the retransmission of those bytes unneeded. */
static void
test_dsack_proves_retransmission_unneeded(void)
{
    tcpx_stream_t *s = new_stream();
    gint64 t = handshake(s);
    feed(s, seg(FALSE, t + 1, TCPX_TH_ACK, 1, 101, 1000));
    feed(s, seg(TRUE, t + 25, TCPX_TH_ACK, 101, 1001, 0));
    tcpx_segment_t rt = seg(FALSE, t + 300, TCPX_TH_ACK, 1, 101, 1000);
    rt.ws = TCPX_WS_RETRANSMISSION;
    feed(s, rt);
    tcpx_segment_t d = seg(TRUE, t + 320, TCPX_TH_ACK, 101, 1001, 0);
    d.ws = TCPX_WS_DUPLICATE_ACK;
    d.dupack_num = 1;
    d.n_sack = 1;
    d.sack_le[0] = 1;
    d.sack_re[0] = 1001;
    const tcpx_result_t *r = feed(s, d);
    const tcpx_finding_t *f = find_kind(r, TCPX_K_DUP_ACK);
    g_assert_nonnull(f);
    g_assert_cmpint(f->cause, ==, TCPX_C_DUPACK_DSACK);
    /* hindsight: the retransmission's frame learns it was unneeded */
    g_assert_cmpuint(r->n_later, ==, 1);
    g_assert_cmpuint(r->later[0].what, ==, TCPX_LATER_UNNEEDED);
    g_assert_cmpuint(r->later[0].frame, ==, rt.frame);
    g_assert_cmpuint(r->later[0].lo, ==, 1);
    g_assert_cmpuint(r->later[0].hi, ==, 1000);
    g_assert_cmpuint(f->orig_frame, ==, rt.frame);
    g_assert_cmpuint(s->side[1].unneeded_retx_frame, ==, rt.frame);
    g_assert_cmpuint(s->side[1].unneeded_retx, ==, 1);
    char *sum = render(s, f, TRUE, tcpx_render_summary);
    g_assert_null(strstr(sum, "waits for"));
    g_assert_nonnull(strstr(sum, "twice (D-SACK)"));
    g_free(sum);
    g_free(s);
}

/* A D-SACK on an ACK that advances is no dup ACK, but the same proof: a dsack finding
 * names the unneeded resend (its reference frame), and nothing on an ACK without one. */
static void
test_dsack_on_advancing_ack(void)
{
    tcpx_stream_t *s = new_stream();
    gint64 t = handshake(s);
    feed(s, seg(FALSE, t + 1, TCPX_TH_ACK, 1, 101, 1000));
    feed(s, seg(FALSE, t + 2, TCPX_TH_ACK, 1001, 101, 1000));
    tcpx_segment_t rt = seg(FALSE, t + 300, TCPX_TH_ACK, 1, 101, 1000);
    rt.ws = TCPX_WS_RETRANSMISSION;
    feed(s, rt);
    tcpx_segment_t d = seg(TRUE, t + 320, TCPX_TH_ACK, 101, 2001, 0);
    d.n_sack = 1;
    d.sack_le[0] = 1;
    d.sack_re[0] = 1001;
    const tcpx_result_t *r = feed(s, d);
    const tcpx_finding_t *f = find_kind(r, TCPX_K_DSACK);
    g_assert_nonnull(f);
    g_assert_null(find_kind(r, TCPX_K_DUP_ACK));
    g_assert_cmpuint(f->ref_frame, ==, rt.frame);
    g_assert_cmpuint(f->orig_frame, ==, 0);
    char *sum = render(s, f, TRUE, tcpx_render_summary);
    g_assert_nonnull(strstr(sum, "bytes 1-1000 twice"));
    g_assert_nonnull(strstr(sum, "unneeded"));
    g_free(sum);
    d.frame++;
    d.ts_ns += MS;
    g_assert_null(find_kind(feed(s, d), TCPX_K_DSACK)); /* that resend is proved already */
    g_free(s);
}

/* A resend that came right after new data, which Wireshark calls out-of-order (cause
 * quick_retransmission), is a resend all the same: a D-SACK proves it unneeded. */
static void
test_dsack_proves_quick_retransmission_unneeded(void)
{
    tcpx_stream_t *s = new_stream();
    gint64 t = handshake(s);
    feed(s, seg(FALSE, t + 1, TCPX_TH_ACK, 1, 101, 1000));
    feed(s, seg(FALSE, t + 2, TCPX_TH_ACK, 1001, 101, 1000));
    feed(s, seg(FALSE, t + 45, TCPX_TH_ACK, 2001, 101, 1000));
    tcpx_segment_t rt = seg(FALSE, t + 45, TCPX_TH_ACK, 1, 101, 1000);
    rt.ws = TCPX_WS_OUT_OF_ORDER;
    const tcpx_finding_t *o = find_kind(feed(s, rt), TCPX_K_OUT_OF_ORDER);
    g_assert_nonnull(o);
    g_assert_cmpint(o->cause, ==, TCPX_C_QUICK_RETRANSMISSION);
    tcpx_segment_t d = seg(TRUE, t + 90, TCPX_TH_ACK, 101, 3001, 0);
    d.n_sack = 1;
    d.sack_le[0] = 1;
    d.sack_re[0] = 1001;
    const tcpx_finding_t *f = find_kind(feed(s, d), TCPX_K_DSACK);
    g_assert_nonnull(f);
    g_assert_cmpuint(f->ref_frame, ==, rt.frame);
    g_assert_cmpuint(s->side[1].unneeded_retx, ==, 1);
    g_free(s);
}

/* The contradictions: SACK blocks above the ACK report a hole, and a block below the ACK
 * that is not the first one is no D-SACK (RFC 2883: only the first block). */
static void
test_sack_above_ack_is_no_dsack(void)
{
    tcpx_stream_t *s = new_stream();
    gint64 t = handshake(s);
    tcpx_segment_t d = seg(TRUE, t + 30, TCPX_TH_ACK, 101, 1, 0);
    d.ws = TCPX_WS_DUPLICATE_ACK;
    d.n_sack = 2;
    d.sack_le[0] = 2001;
    d.sack_re[0] = 3001;
    d.sack_le[1] = 1;
    d.sack_re[1] = 1; /* below the ACK, but second */
    const tcpx_finding_t *f = find_kind(feed(s, d), TCPX_K_DUP_ACK);
    g_assert_nonnull(f);
    g_assert_cmpint(f->cause, ==, TCPX_C_DUPACK_HOLE);
    g_assert_cmpuint(f->held_lo, ==, 2001);
    g_assert_cmpuint(s->side[1].unneeded_retx, ==, 0);
    g_free(s);
}

static void
test_out_of_order(void)
{
    tcpx_stream_t *s = new_stream();
    gint64 t = handshake(s);
    feed(s, seg(FALSE, t + 1, TCPX_TH_ACK, 1, 101, 1000));
    tcpx_segment_t high = seg(FALSE, t + 2, TCPX_TH_ACK, 2001, 101, 1000);
    high.ws = TCPX_WS_LOST_SEGMENT;
    const tcpx_finding_t *gap = find_kind(feed(s, high), TCPX_K_LOST_SEGMENT);
    g_assert_nonnull(gap);
    g_assert_cmpint(gap->cause, ==, TCPX_C_LOSS_BEFORE_CAPTURE);
    g_assert_cmpuint(gap->bytes, ==, 1000);
    g_assert_cmpuint(gap->lo, ==, 1001);
    g_assert_cmpuint(gap->hi, ==, 2000);
    g_assert_cmpuint(gap->mss, ==, 1460); /* what the client (receiver) announced */
    tcpx_segment_t late = seg(FALSE, t + 3, TCPX_TH_ACK, 1001, 101, 1000);
    late.ws = TCPX_WS_OUT_OF_ORDER;
    late.ip_id = (guint16)(high.ip_id - 1); /* sent before the higher segment */
    const tcpx_finding_t *f = find_kind(feed(s, late), TCPX_K_OUT_OF_ORDER);
    g_assert_nonnull(f);
    g_assert_cmpint(f->cause, ==, TCPX_C_REORDERING);
    g_assert_cmpuint(f->ref_frame, ==, high.frame);
    g_assert_cmpint(f->ref_age_ns, ==, 1 * MS);
    g_free(s);
}

static void
test_midstream_gap_is_capture_start(void)
{
    tcpx_stream_t *s = new_stream();
    next_frame = 0;
    const tcpx_result_t *r = feed(s, seg(FALSE, 0, TCPX_TH_ACK, 1, 1, 1000));
    g_assert_nonnull(find_kind(r, TCPX_K_MIDSTREAM));
    g_assert_true(s->roles_guessed);
    g_assert_false(r->from_client); /* port 80 is the server */
    tcpx_segment_t g = seg(FALSE, 1, TCPX_TH_ACK, 5001, 1, 1000);
    g.ws = TCPX_WS_LOST_SEGMENT;
    const tcpx_finding_t *f = find_kind(feed(s, g), TCPX_K_LOST_SEGMENT);
    g_assert_cmpint(f->cause, ==, TCPX_C_CAPTURE_STARTED_LATE);
    g_assert_cmpuint(f->segments, ==, 0); /* MSS unknown without handshake */
    char *sum = render(s, f, FALSE, tcpx_render_summary);
    g_assert_cmpstr(sum, ==, "4,000 bytes not captured before this segment");
    g_free(sum);
    char *who = render(s, f, FALSE, tcpx_render_what);
    g_assert_nonnull(strstr(who, "The likely server (10.0.0.2:80)"));
    g_free(who);
    g_free(s);
}

static void
test_resets(void)
{
    /* a SYN answered by a reset, with nothing to compare it with (tests/unit/test_resets.c has the rest) */
    tcpx_stream_t *s = new_stream();
    next_frame = 0;
    feed(s, seg(TRUE, 0, TCPX_TH_SYN, 0, 0, 0));
    const tcpx_finding_t *f = find_kind(feed(s, seg(FALSE, 1, TCPX_TH_RST | TCPX_TH_ACK, 1, 1, 0)), TCPX_K_RESET);
    g_assert_cmpint(f->cause, ==, TCPX_C_RST_REFUSED_UNDETERMINED);
    char *sum = render(s, f, FALSE, tcpx_render_summary);
    g_assert_cmpstr(sum, ==, "Reset in the server's name: refused by the server or a firewall");
    g_free(sum);
    /* no data moved: said in words, never "having sent ?" */
    sum = render(s, f, FALSE, tcpx_render_what);
    g_assert_cmpstr(sum, ==,
                    "The server (10.0.0.2:80) aborted the connection with a reset (RST) before sending any data; "
                    "the client (10.0.0.1:40000) had sent no data.");
    g_free(sum);
    g_free(s);

    /* mid-transfer */
    s = new_stream();
    gint64 t = handshake(s);
    feed(s, seg(FALSE, t + 5, TCPX_TH_ACK, 1, 101, 1000));
    f = find_kind(feed(s, seg(FALSE, t + 6, TCPX_TH_RST | TCPX_TH_ACK, 1001, 101, 0)), TCPX_K_RESET);
    g_assert_cmpint(f->cause, ==, TCPX_C_RST_MID_TRANSFER);
    g_assert_cmpuint(f->bytes, ==, 1000);
    g_assert_cmpuint(f->bytes2, ==, 100);
    assert_candidate(f);
    sum = render(s, f, FALSE, tcpx_render_what);
    g_assert_cmpstr(sum, ==,
                    "The server (10.0.0.2:80) aborted the connection with a reset (RST) after sending 1,000 bytes; "
                    "the client (10.0.0.1:40000) had sent 100 bytes.");
    g_free(sum);
    g_free(s);

    /* after FIN */
    s = new_stream();
    t = handshake(s);
    feed(s, seg(TRUE, t + 1, TCPX_TH_FIN | TCPX_TH_ACK, 101, 1, 0));
    f = find_kind(feed(s, seg(FALSE, t + 2, TCPX_TH_RST, 1, 0, 0)), TCPX_K_RESET);
    g_assert_cmpint(f->cause, ==, TCPX_C_RST_AFTER_FIN);
    g_free(s);
}

/* A SYN sent again is the handshake's, not a data retransmission; after a reset it is a retry. */
static void
test_syn_retransmissions(void)
{
    tcpx_stream_t *s = new_stream();
    next_frame = 0;
    feed(s, seg(TRUE, 0, TCPX_TH_SYN, 0, 0, 0));
    tcpx_segment_t again = seg(TRUE, 1000, TCPX_TH_SYN, 0, 0, 0);
    again.ws = TCPX_WS_RETRANSMISSION;
    const tcpx_finding_t *f = find_kind(feed(s, again), TCPX_K_RETRANSMISSION);
    g_assert_nonnull(f);
    assert_candidate(f);
    g_assert_cmpint(f->cause, ==, TCPX_C_SYN_UNANSWERED);
    g_assert_cmpuint(f->count, ==, 0);
    g_assert_cmpuint(f->total, ==, 0);
    g_assert_cmpuint(s->side[0].retransmissions, ==, 0);
    char *sum = render(s, f, TRUE, tcpx_render_summary);
    g_assert_cmpstr(sum, ==, "SYN sent again (first in frame 1, +1.00 s): no SYN-ACK yet");
    g_free(sum);
    char *what = render(s, f, TRUE, tcpx_render_what);
    g_assert_cmpstr(
        what, ==,
        "The client (10.0.0.1:40000) sent its SYN again, 1.00 s after the first one (frame 1): no SYN-ACK or reset has "
        "come back from the server (10.0.0.2:80) yet.");
    g_free(what);
    g_free(s);

    /* contradiction: the server answered the first SYN with a reset; this is a retry, not a lost SYN */
    s = new_stream();
    next_frame = 0;
    feed(s, seg(TRUE, 0, TCPX_TH_SYN, 0, 0, 0));
    feed(s, seg(FALSE, 1, TCPX_TH_RST | TCPX_TH_ACK, 0, 1, 0));
    again = seg(TRUE, 500, TCPX_TH_SYN, 0, 0, 0);
    again.ws = TCPX_WS_RETRANSMISSION;
    f = find_kind(feed(s, again), TCPX_K_RETRANSMISSION);
    assert_candidate(f);
    g_assert_cmpint(f->cause, ==, TCPX_C_SYN_RETRY_AFTER_RST);
    g_assert_cmpuint(f->ref_frame, ==, 2);
    g_assert_cmpint(f->ref_age_ns, ==, 499 * MS);
    char *cause = render(s, f, TRUE, tcpx_render_cause);
    g_assert_null(strstr(cause, "No SYN-ACK"));
    g_assert_nonnull(strstr(cause, "answered with a reset (frame 2"));
    g_free(cause);
    g_free(s);
}

/* Ports reused after a refused attempt: no TIME-WAIT; after a closed connection: TIME-WAIT; a SYN-ACK says so. */
static void
test_reuse_after_refusal(void)
{
    tcpx_stream_t *p = new_stream();
    next_frame = 0;
    feed(p, seg(TRUE, 0, TCPX_TH_SYN, 0, 0, 0));
    feed(p, seg(FALSE, 1, TCPX_TH_RST | TCPX_TH_ACK, 0, 1, 0));
    tcpx_stream_t *s = new_stream();
    s->prev = p;
    tcpx_segment_t syn = seg(TRUE, 600, TCPX_TH_SYN, 5000, 0, 0);
    syn.ws = TCPX_WS_REUSED_PORTS;
    const tcpx_finding_t *f = find_kind(feed(s, syn), TCPX_K_REUSED_PORTS);
    g_assert_nonnull(f);
    assert_candidate(f);
    g_assert_cmpint(f->cause, ==, TCPX_C_PORTS_REUSED_AFTER_REFUSAL);
    char *what = render(s, f, TRUE, tcpx_render_what);
    g_assert_nonnull(strstr(what, "This SYN opens"));
    g_free(what);
    what = render(s, f, FALSE, tcpx_render_what);
    g_assert_nonnull(strstr(what, "This SYN-ACK accepts"));
    g_free(what);
    g_free(s);
    g_free(p);

    /* contradiction: the earlier connection was set up, then reset: within TIME-WAIT */
    p = new_stream();
    gint64 t = handshake(p);
    feed(p, seg(FALSE, t + 1, TCPX_TH_RST | TCPX_TH_ACK, 1, 101, 0));
    s = new_stream();
    s->prev = p;
    syn = seg(TRUE, t + 600, TCPX_TH_SYN, 5000, 0, 0);
    syn.ws = TCPX_WS_REUSED_PORTS;
    f = find_kind(feed(s, syn), TCPX_K_REUSED_PORTS);
    g_assert_cmpint(f->cause, ==, TCPX_C_PORTS_REUSED_TIME_WAIT);
    g_free(s);
    g_free(p);
}

/* One segment sent at t+30, then resent at the given times; the server's ACK at `ack_at` (0: none). */
static const tcpx_finding_t *
retry_series(tcpx_stream_t *s, const gint64 *at, int n, gint64 ack_at)
{
    gint64 t = handshake(s);
    const tcpx_finding_t *f = NULL;
    feed(s, seg(FALSE, t + 19, TCPX_TH_ACK, 1, 101, 0)); /* frame 5: the server's last word */
    feed(s, seg(TRUE, t + 30, TCPX_TH_ACK | TCPX_TH_PSH, 101, 1, 100));
    for (int i = 0; i < n; i++) {
        if (ack_at && at[i] > ack_at && (i == 0 || at[i - 1] < ack_at))
            feed(s, seg(FALSE, t + ack_at, TCPX_TH_ACK, 1, 101, 0));
        tcpx_segment_t r = seg(TRUE, t + at[i], TCPX_TH_ACK | TCPX_TH_PSH, 101, 1, 100);
        r.ws = TCPX_WS_RETRANSMISSION;
        f = find_kind(feed(s, r), TCPX_K_RETRANSMISSION);
        assert_candidate(f);
    }
    return f;
}

/* Exponential backoff only when the waits grow and nothing comes back; the text names the peer's last frame. */
static void
test_retry_backoff(void)
{
    static const gint64 doubling[] = { 230, 630, 1430, 3030 };
    static const gint64 flat[] = { 230, 630, 1030, 1430 };
    tcpx_stream_t *s = new_stream();
    const tcpx_finding_t *f = retry_series(s, doubling, 4, 0);
    g_assert_cmpint(f->cause, ==, TCPX_C_RETX_BACKOFF);
    g_assert_cmpuint(f->attempt, ==, 4);
    g_assert_cmpuint(f->quiet_frame, ==, 5);
    char *cause = render(s, f, TRUE, tcpx_render_cause);
    g_assert_nonnull(strstr(cause, "attempt #4 at the same bytes, 1.60 s after the previous one (frame 9)"));
    g_assert_nonnull(strstr(cause, "nothing has come back from the server (10.0.0.2:80) since frame 5"));
    g_free(cause);
    g_free(s);

    /* contradictions: waits that do not grow; the server answering between the attempts */
    s = new_stream();
    f = retry_series(s, flat, 4, 0);
    g_assert_cmpint(f->cause, !=, TCPX_C_RETX_BACKOFF);
    g_free(s);
    s = new_stream();
    f = retry_series(s, doubling, 4, 2000);
    g_assert_cmpint(f->cause, !=, TCPX_C_RETX_BACKOFF);
    g_free(s);
}

static void
test_checksum_offload(void)
{
    tcpx_stream_t *s = new_stream();
    next_frame = 0;
    tcpx_segment_t syn = seg(TRUE, 0, TCPX_TH_SYN, 0, 0, 0);
    syn.csum = TCPX_CSUM_ZERO;
    syn.checksum = 0;
    const tcpx_finding_t *f = find_kind(feed(s, syn), TCPX_K_CHECKSUM);
    g_assert_cmpint(f->cause, ==, TCPX_C_CSUM_OFFLOAD);
    tcpx_segment_t synack = seg(FALSE, 1, TCPX_TH_SYN | TCPX_TH_ACK, 0, 1, 0);
    synack.csum = TCPX_CSUM_GOOD;
    g_assert_null(find_kind(feed(s, synack), TCPX_K_CHECKSUM));
    tcpx_segment_t ack = seg(TRUE, 2, TCPX_TH_ACK, 1, 1, 0);
    ack.csum = TCPX_CSUM_BAD;
    f = find_kind(feed(s, ack), TCPX_K_CHECKSUM);
    g_assert_cmpint(f->cause, ==, TCPX_C_CSUM_OFFLOAD);
    char *sum = render(s, f, TRUE, tcpx_render_summary);
    g_assert_cmpstr(sum, ==, "Bad TCP checksum from client: checksum offload");
    g_free(sum);
    /* both ends bad: loopback */
    tcpx_segment_t d = seg(FALSE, 3, TCPX_TH_ACK, 1, 1, 10);
    d.csum = TCPX_CSUM_BAD;
    f = find_kind(feed(s, d), TCPX_K_CHECKSUM);
    g_assert_cmpint(f->cause, ==, TCPX_C_CSUM_CORRUPTION); /* the server also sent a good one */
    g_free(s);
}

static void
test_zero_window_then_update(void)
{
    tcpx_stream_t *s = new_stream();
    gint64 t = handshake(s);
    tcpx_segment_t z = seg(TRUE, t + 10, TCPX_TH_ACK, 101, 5001, 0);
    z.win = 0;
    z.ws = TCPX_WS_ZERO_WINDOW;
    const tcpx_finding_t *f = find_kind(feed(s, z), TCPX_K_ZERO_WINDOW);
    g_assert_cmpint(f->cause, ==, TCPX_C_RECEIVER_NOT_READING);
    tcpx_segment_t z2 = seg(TRUE, t + 510, TCPX_TH_ACK, 101, 5001, 0);
    z2.win = 0;
    z2.ws = TCPX_WS_ZERO_WINDOW;
    f = find_kind(feed(s, z2), TCPX_K_ZERO_WINDOW);
    g_assert_cmpint(f->cause, ==, TCPX_C_ZERO_WINDOW_PERSISTS);
    g_assert_cmpuint(f->ref_frame, ==, z.frame);
    g_assert_cmpint(f->ref_age_ns, ==, 500 * MS);
    tcpx_segment_t up = seg(TRUE, t + 1010, TCPX_TH_ACK, 101, 5001, 0);
    up.win = 32768;
    up.ws = TCPX_WS_WINDOW_UPDATE;
    f = find_kind(feed(s, up), TCPX_K_WINDOW_UPDATE);
    g_assert_cmpint(f->cause, ==, TCPX_C_WINDOW_REOPENED);
    char *sum = render(s, f, TRUE, tcpx_render_summary);
    g_assert_cmpstr(sum, ==, "Client opens its window to 32,768 bytes after 1.00 s at zero");
    g_free(sum);
    g_free(s);
}

static void
test_keepalive_idle(void)
{
    tcpx_stream_t *s = new_stream();
    gint64 t = handshake(s);
    tcpx_segment_t k = seg(TRUE, t + 45000, TCPX_TH_ACK, 100, 1, 1);
    k.ws = TCPX_WS_KEEP_ALIVE;
    const tcpx_result_t *r = feed(s, k);
    const tcpx_finding_t *f = find_kind(r, TCPX_K_KEEP_ALIVE);
    g_assert_cmpint(r->phase, ==, TCPX_PHASE_KEEPALIVE);
    g_assert_cmpint(f->idle_ns, ==, 45000 * MS);
    char *sum = render(s, f, TRUE, tcpx_render_summary);
    g_assert_cmpstr(sum, ==, "Keep-alive #1 from client after 45.00 s idle");
    g_free(sum);
    g_free(s);
}

static void
test_teardown_story(void)
{
    tcpx_stream_t *s = new_stream();
    gint64 t = handshake(s);
    const tcpx_result_t *r = feed(s, seg(FALSE, t + 5, TCPX_TH_FIN | TCPX_TH_ACK, 1, 101, 0));
    const tcpx_finding_t *f = find_kind(r, TCPX_K_FIN_FIRST);
    g_assert_nonnull(f);
    g_assert_cmpint(r->phase, ==, TCPX_PHASE_TEARDOWN);
    /* the server sent no data: said so, not "after sending ?" */
    char *w = render(s, f, FALSE, tcpx_render_summary);
    g_assert_cmpstr(w, ==, "Server closes first (FIN) without sending data");
    g_free(w);
    r = feed(s, seg(TRUE, t + 6, TCPX_TH_FIN | TCPX_TH_ACK, 101, 2, 0));
    f = find_kind(r, TCPX_K_FIN_SECOND);
    g_assert_nonnull(f);
    g_assert_cmpint(f->ref_age_ns, ==, 1 * MS);
    w = render(s, f, TRUE, tcpx_render_what);
    g_assert_cmpstr(
        w, ==,
        "The client (10.0.0.1:40000) closes its side as well, 1.0 ms after the server (10.0.0.2:80) sent its "
        "FIN in frame 5, having sent 100 bytes. Once this FIN is acknowledged, the connection is closed.");
    g_free(w);
    r = feed(s, seg(FALSE, t + 7, TCPX_TH_ACK, 2, 102, 0));
    f = find_kind(r, TCPX_K_CLOSE_ACK);
    g_assert_nonnull(f);
    w = render(s, f, FALSE, tcpx_render_what);
    g_assert_true(
        g_str_has_prefix(w,
                         "The server (10.0.0.2:80) acknowledges the FIN the client (10.0.0.1:40000) sent in frame 6,"));
    g_free(w);
    g_free(s);

    /* a capture that starts mid-connection: what came before is unknown, said in words */
    s = new_stream();
    next_frame = 0;
    feed(s, seg(TRUE, 0, TCPX_TH_ACK, 1, 1, 0));
    f = find_kind(feed(s, seg(TRUE, 1, TCPX_TH_FIN | TCPX_TH_ACK, 1, 1, 0)), TCPX_K_FIN_FIRST);
    g_assert_nonnull(f);
    w = render(s, f, TRUE, tcpx_render_what);
    g_assert_nonnull(strstr(w, "closes its side (FIN); what it sent before the capture began is unknown."));
    g_assert_null(strchr(w, '?'));
    g_free(w);
    g_free(s);
}

/* ---- the words ---------------------------------------------------------- */

static void
test_template_engine(void)
{
    tcpx_stream_t *s = new_stream();
    tcpx_finding_t f;
    memset(&f, 0, sizeof f);
    f.orig_frame = 104;
    f.orig_age_ns = 312 * MS;
    f.lo = 1461;
    f.hi = 2920;
    tcpx_text_ctx_t ctx = { s, &f, FALSE, 0 };
    GString *out = g_string_new(NULL);
    tcpx_render(out, "{Sender} sent {range}{?orig: (frame {orig}, {orig_age})}{?ack_frame: acked|; never acked} a || b",
                &ctx);
    g_assert_cmpstr(out->str, ==,
                    "The server (10.0.0.2:80) sent bytes 1461-2920 (frame 104, 312 ms); never acked a || b");
    g_string_truncate(out, 0);
    tcpx_render(out, "{?orig:x {?ack_frame:nested|inner-else} y}", &ctx);
    g_assert_cmpstr(out->str, ==, "x inner-else y");
    g_string_truncate(out, 0);
    tcpx_render(out, "{bogus}, {?bogus:shown|hidden}", &ctx); /* a typo shows */
    g_assert_cmpstr(out->str, ==, "{bogus}, shown");
    g_string_truncate(out, 0);
    tcpx_format_duration(out, 1500);
    g_string_append(out, "|");
    tcpx_format_duration(out, 2500 * MS);
    g_string_append(out, "|");
    tcpx_format_bytes(out, 48180);
    g_assert_cmpstr(out->str, ==, "0.002 ms|2.50 s|48,180 bytes");
    static const struct {
        guint64 v;
        const char *text;
    } sizes[] = {
        { 0, "0 bytes" },
        { 1, "1 byte" },
        { 999, "999 bytes" },
        { 1000, "1,000 bytes" },
        { 1234567, "1,234,567 bytes" },
        { G_MAXUINT64, "18,446,744,073,709,551,615 bytes" },
    };
    for (guint i = 0; i < G_N_ELEMENTS(sizes); i++) {
        g_string_truncate(out, 0);
        tcpx_format_bytes(out, sizes[i].v);
        g_assert_cmpstr(out->str, ==, sizes[i].text);
    }
    g_string_truncate(out, 0);
    tcpx_render(out, "{sender}, {Receiver}", &ctx);
    g_assert_cmpstr(out->str, ==, "the server (10.0.0.2:80), The client (10.0.0.1:40000)");
    /* {pct} prints what printf("%.1f%%") printed, ties (printf's own rounding) included */
    GString *want = g_string_new(NULL);
    for (f.total = 1; f.total <= 400; f.total++) {
        for (f.count = 0; f.count <= f.total + 3; f.count++) {
            g_string_truncate(out, 0);
            g_string_truncate(want, 0);
            tcpx_render(out, "{pct}", &ctx);
            g_string_append_printf(want, "%.1f%%", 100.0 * f.count / f.total);
            g_assert_cmpstr(out->str, ==, want->str);
        }
    }
    g_string_free(want, TRUE);
    g_string_free(out, TRUE);
    g_free(s);
}

/* Every kind and cause is described. */
static void
test_table_complete(void)
{
    for (int k = 0; k < TCPX_K_COUNT; k++) {
        const tcpx_kind_info_t *ki = tcpx_kind_info((tcpx_kind_t)k);
        g_assert_cmpint(ki->kind, ==, k);
        g_assert_true(ki->name && ki->title && ki->summary && ki->what && ki->ref_label);
        if (tcpx_kind_is_anomaly((tcpx_kind_t)k)) {
            g_assert_nonnull(ki->next_step);
            g_assert_cmpint(ki->severity, >=, TCPX_SEV_CHAT);
            g_assert_cmpint(ki->causes[0], !=, TCPX_C_NONE);
        }
    }
    for (int c = 0; c < TCPX_C_COUNT; c++)
        g_assert_cmpint(tcpx_cause_info((tcpx_cause_t)c)->cause, ==, c);
}

static void
assert_no_unknown_name(const char *what, const char *name, char *text)
{
    if (strchr(text, '{') || strchr(text, '}'))
        g_error("%s %s renders an unknown name: %s", what, name, text);
    /* "the client (10.0.0.1:40000)'s window": a party's address takes no possessive */
    if (strstr(text, ")'s"))
        g_error("%s %s puts a possessive after a party's address: %s", what, name, text);
    g_free(text);
}

/* Every template renders without unknown names ("{name}"), whatever the finding holds:
 * every field zero (unknown), or every field set. */
static void
test_texts_render(void)
{
    void (*kind_texts[])(GString *, const tcpx_text_ctx_t *) = { tcpx_render_summary, tcpx_render_what,
                                                                 tcpx_render_next_step };
    tcpx_stream_t *s = new_stream();
    tcpx_finding_t f;
    for (int fill = 0; fill < 2; fill++) {
        memset(&f, fill ? 0xff : 0, sizeof f);
        f.n_listed = fill ? 2 : 0;
        for (int k = 0; k < TCPX_K_COUNT; k++) {
            const tcpx_kind_info_t *ki = tcpx_kind_info((tcpx_kind_t)k);
            f.kind = (guint8)k;
            f.cause = (guint8)ki->causes[0];
            for (guint which = 0; which < G_N_ELEMENTS(kind_texts); which++)
                for (int from_client = 0; from_client < 2; from_client++)
                    assert_no_unknown_name("kind", ki->name, render(s, &f, from_client, kind_texts[which]));
        }
        for (int c = 0; c < TCPX_C_COUNT; c++) {
            f.cause = (guint8)c;
            assert_no_unknown_name("cause", tcpx_cause_info((tcpx_cause_t)c)->name,
                                   render(s, &f, FALSE, tcpx_render_cause));
            /* a cause's own summary, what-happened or next step, where it has one */
            for (guint which = 0; which < G_N_ELEMENTS(kind_texts); which++)
                assert_no_unknown_name("cause", tcpx_cause_info((tcpx_cause_t)c)->name,
                                       render(s, &f, TRUE, kind_texts[which]));
        }
        /* the tree's own lines: nothing more, one header; or 2 more of 3 headers, roles guessed */
        for (int t = 0; t < TCPX_TREE_COUNT; t++) {
            tcpx_text_ctx_t ctx = { s, &f, fill, 0, fill ? 2 : 0, fill ? 2 : 1, fill ? 3 : 1 };
            GString *out = g_string_new(NULL);
            s->roles_guessed = fill;
            tcpx_render(out, tcpx_tree_text((tcpx_tree_text_t)t), &ctx);
            assert_no_unknown_name("tree text", tcpx_tree_text((tcpx_tree_text_t)t), g_string_free(out, FALSE));
        }
    }
    /* and what they say */
    GString *out = g_string_new(NULL);
    tcpx_text_ctx_t ctx = { s, &f, TRUE, 0, 2, 2, 3 };
    tcpx_render(out, tcpx_tree_text(TCPX_TREE_MORE), &ctx);
    tcpx_render(out, tcpx_tree_text(TCPX_TREE_LAYER), &ctx);
    g_assert_cmpstr(out->str, ==, " (+2 more) (TCP header 2 of 3)");
    ctx.more = 0;
    ctx.layers = 1;
    g_string_truncate(out, 0);
    tcpx_render(out, tcpx_tree_text(TCPX_TREE_MORE), &ctx);
    tcpx_render(out, tcpx_tree_text(TCPX_TREE_LAYER), &ctx);
    g_assert_cmpstr(out->str, ==, "");
    g_string_free(out, TRUE);
    g_free(s);
}

static char *
render_finding(const tcpx_stream_t *s, const tcpx_finding_t *f, guint32 seg_ack,
               void (*fn)(GString *, const tcpx_text_ctx_t *))
{
    tcpx_text_ctx_t ctx = { s, f, TRUE, seg_ack };
    GString *out = g_string_new(NULL);
    fn(out, &ctx);
    return g_string_free(out, FALSE);
}

/* Plain words (issue #16, EXPLANATION-STYLE 9): "in frame 785" for one frame, an ACK
 * number is the next byte expected, no possessive after a party's address. */
static void
test_plain_words(void)
{
    tcpx_stream_t *s = new_stream();
    tcpx_finding_t f;
    memset(&f, 0, sizeof f);
    f.kind = TCPX_K_RETRANSMISSION;
    f.cause = TCPX_C_RETX_AFTER_DUPACKS;
    f.lo = 1;
    f.hi = 1000;
    f.dupacks = 1;
    f.n_listed = 1;
    f.listed[0] = 785;
    char *t = render_finding(s, &f, 0, tcpx_render_cause);
    g_assert_nonnull(strstr(t, "signalled the gap with duplicate ACK (in frame 785), so"));
    g_free(t);
    f.dupacks = 5; /* more than listed */
    t = render_finding(s, &f, 0, tcpx_render_cause);
    g_assert_nonnull(strstr(t, "with duplicate ACKs (the latest in frame 785), so"));
    g_free(t);
    f.n_listed = 2;
    f.listed[1] = 787;
    f.dupacks = 2;
    t = render_finding(s, &f, 0, tcpx_render_cause);
    g_assert_nonnull(strstr(t, "with duplicate ACKs (in frames 785, 787), so"));
    g_free(t);

    memset(&f, 0, sizeof f);
    f.kind = TCPX_K_NOTE_ACK;
    f.cause = TCPX_C_STORY;
    t = render_finding(s, &f, 1496, tcpx_render_summary);
    g_assert_cmpstr(t, ==, "ACK: client expects byte 1496 next");
    g_free(t);
    t = render_finding(s, &f, 1496, tcpx_render_what);
    g_assert_null(strstr(t, "up to byte"));
    g_assert_nonnull(strstr(t, "sent before byte 1496"));
    g_free(t);

    memset(&f, 0, sizeof f);
    f.kind = TCPX_K_WINDOW_FULL;
    f.cause = TCPX_C_WINDOW_NO_SCALING;
    f.bytes = 65535;
    t = render_finding(s, &f, 0, tcpx_render_what);
    g_assert_nonnull(strstr(t, "as much as the window the server (10.0.0.2:80) advertised allows"));
    g_free(t);
    t = render_finding(s, &f, 0, tcpx_render_cause);
    g_assert_true(g_str_has_prefix(t, "The window the server (10.0.0.2:80) advertises cannot grow past 64 KB"));
    g_free(t);
    g_free(s);
}

/* The frame variables are declared once each (in name order, for readers). */
static void
test_frame_vars_unique(void)
{
    const tcpx_vars_t *vars = &tcpx_frame_vars;
    for (gsize i = 0; i < vars->n; i++) {
        const char *name = vars->vars[i].name;
        if (i)
            g_assert_cmpint(strcmp(vars->vars[i - 1].name, name), <, 0);
        g_assert_true(tcpx_template_var(vars, name, strlen(name)) == &vars->vars[i]);
    }
    /* prefixes and extensions of a name are other names */
    g_assert_null(tcpx_template_var(vars, "ack_", 4));
    g_assert_null(tcpx_template_var(vars, "ref_ag", 6));
    g_assert_nonnull(tcpx_template_var(vars, "ref_age}", 7));
}

/* The memo of variables by their place in a template never gives another name's
 * variable: a template at the same address with other text renders its own. */
static void
test_template_memo(void)
{
    tcpx_stream_t *s = new_stream();
    tcpx_finding_t f;
    memset(&f, 0, sizeof f);
    f.lo = 5;
    f.hi = 9;
    tcpx_text_ctx_t ctx = { s, &f, TRUE, 0 };
    GString *out = g_string_new(NULL);
    char tmpl[32];
    for (int round = 0; round < 3; round++) {
        g_strlcpy(tmpl, round == 1 ? "{hi} {lo}" : "{lo} {hi}", sizeof tmpl);
        g_string_truncate(out, 0);
        tcpx_render(out, tmpl, &ctx);
        g_assert_cmpstr(out->str, ==, round == 1 ? "9 5" : "5 9");
    }
    g_strlcpy(tmpl, "{ref} {lo}", sizeof tmpl); /* same place, same length, other name */
    g_string_truncate(out, 0);
    tcpx_render(out, tmpl, &ctx);
    g_assert_cmpstr(out->str, ==, "? 5");
    g_string_free(out, TRUE);
    g_free(s);
}

/* A result survives the per-frame cache's packing exactly, extremes included,
 * and damaged packed bytes are refused rather than misread. */
static void
test_pack_roundtrip(void)
{
    static const gint64 i64s[] = { 0, 1, -1, 999, -223600000, G_MAXINT64, G_MININT64 };
    static const guint32 u32s[] = { 0, 1, 127, 128, 16384, G_MAXUINT32 };
    GRand *rnd = g_rand_new_with_seed(4242);
    guint8 buf[TCPX_PACKED_MAX];

    for (int round = 0; round < 2000; round++) {
        tcpx_result_t r, back;
        memset(&r, 0, sizeof r);
        r.phase = (guint8)g_rand_int_range(rnd, 0, 6);
        r.from_client = (guint8)g_rand_int_range(rnd, 0, 2);
        r.n = (guint8)(round == 0 ? TCPX_MAX_FINDINGS : g_rand_int_range(rnd, 0, TCPX_MAX_FINDINGS + 1));
        for (int k = 0; k < r.n; k++) {
            tcpx_finding_t *f = &r.f[k];
            gboolean full = round == 0; /* every field at its largest: the size bound */
#define PICK_U32()         \
    (full ? G_MAXUINT32    \
     : g_rand_boolean(rnd) \
         ? 0               \
         : u32s[g_rand_int_range(rnd, 0, G_N_ELEMENTS(u32s))] ^ (g_rand_boolean(rnd) ? g_rand_int(rnd) : 0))
#define PICK_I64() (full ? G_MININT64 : g_rand_boolean(rnd) ? 0 : i64s[g_rand_int_range(rnd, 0, G_N_ELEMENTS(i64s))])
            f->kind = (guint8)g_rand_int_range(rnd, 0, TCPX_K_COUNT);
            f->cause = (guint8)g_rand_int_range(rnd, 0, TCPX_C_COUNT);
            f->n_listed = (guint8)g_rand_int_range(rnd, 0, TCPX_MAX_LISTED + 1);
            f->orig_frame = PICK_U32();
            f->orig_age_ns = PICK_I64();
            f->ack_frame = PICK_U32();
            f->ack_age_ns = PICK_I64();
            f->ref_frame = PICK_U32();
            f->ref_age_ns = PICK_I64();
            for (int i = 0; i < TCPX_MAX_LISTED; i++)
                f->listed[i] = PICK_U32();
            f->lo = PICK_U32();
            f->hi = PICK_U32();
            f->bytes = PICK_U32();
            f->bytes2 = PICK_U32();
            f->count = PICK_U32();
            f->total = PICK_U32();
            f->segments = PICK_U32();
            f->mss = PICK_U32();
            f->waits_for = PICK_U32();
            f->dupacks = PICK_U32();
            f->held_lo = PICK_U32();
            f->attempt = PICK_U32();
            f->prev_stream = PICK_U32();
            f->rtt_ns = PICK_I64();
            f->idle_ns = PICK_I64();
            f->syn_synack_ns = PICK_I64();
            f->synack_ack_ns = PICK_I64();
            /* the small fields at their extremes: 0, the top and (signed) the bottom of their type */
            f->zero_checksum = (guint8)(full ? G_MAXUINT8 : PICK_U32());
            f->checksum = (guint16)(full ? G_MAXUINT16 : PICK_U32());
            tcpx_syn_opts_t *opts[] = { &f->sender_opts, &f->peer_opts };
            for (int i = 0; i < 2; i++) {
                opts[i]->mss = (guint16)(full ? G_MAXUINT16 : PICK_U32());
                opts[i]->wscale = (gint8)(full ? G_MININT8 : g_rand_boolean(rnd) ? -1 : (gint8)PICK_U32());
                opts[i]->flags = (guint8)(full ? G_MAXUINT8 : PICK_U32());
            }
#undef PICK_U32
#undef PICK_I64
        }
        gsize len = tcpx_result_pack(&r, buf);
        g_assert_cmpuint(len, <=, TCPX_PACKED_MAX);
        memset(&back, 0x5A, sizeof back);
        g_assert_true(tcpx_result_unpack(buf, len, &back));
        g_assert_cmpint(back.phase, ==, r.phase);
        g_assert_cmpint(back.from_client, ==, r.from_client);
        g_assert_cmpint(back.n, ==, r.n);
        g_assert_cmpint(memcmp(back.f, r.f, r.n * sizeof r.f[0]), ==, 0);
        /* every cut of the bytes is refused */
        for (gsize cut = 0; cut < len; cut += 1 + cut / 4)
            g_assert_false(tcpx_result_unpack(buf, cut, &back));
    }
    /* one finding with a single small field takes a few bytes, not 128 */
    tcpx_result_t one;
    memset(&one, 0, sizeof one);
    one.n = 1;
    one.f[0].kind = TCPX_K_DUP_ACK;
    one.f[0].ref_frame = 1000;
    g_assert_cmpuint(tcpx_result_pack(&one, buf), <=, 10);
    g_rand_free(rnd);
}

/* The per-frame cache finds what each frame's layer kept, across growth of both
 * arrays, and refuses what a first pass cannot produce (frames going backwards,
 * a layer kept twice). */
static void
test_pack_store(void)
{
    tcpx_store_t st;
    guint8 buf[600], *want;
    gsize len;
    const guint8 *got;
    GRand *rnd = g_rand_new_with_seed(99);
    const guint frames = 20000;
    guint32 *lens = g_new0(guint32, frames * 2);

    tcpx_store_init(&st, &alloc);
    g_assert_null(tcpx_store_get(&st, 1, 0, &len));
    for (guint32 fr = 1; fr < frames; fr++) {
        for (guint8 layer = 0; layer < 2; layer++) {
            if (fr % 3 == 0 || (layer == 1 && fr % 5))
                continue; /* not notable: nothing kept */
            lens[fr * 2 + layer] = 1 + g_rand_int_range(rnd, 0, (gint32)sizeof buf - 1);
            memset(buf, (int)(fr * 7 + layer), lens[fr * 2 + layer]);
            g_assert_true(tcpx_store_put(&st, fr, layer, buf, lens[fr * 2 + layer]));
        }
    }
    g_assert_false(tcpx_store_put(&st, frames - 1, 0, buf, 1)); /* layer kept twice */
    g_assert_false(tcpx_store_put(&st, 2, 0, buf, 1));          /* backwards */
    want = g_malloc(sizeof buf);
    for (guint32 fr = 0; fr < frames + 2; fr++) {
        for (guint8 layer = 0; layer < 3; layer++) {
            guint32 n = fr && fr < frames && layer < 2 ? lens[fr * 2 + layer] : 0;
            got = tcpx_store_get(&st, fr, layer, &len);
            if (!n) {
                g_assert_null(got);
                continue;
            }
            g_assert_nonnull(got);
            g_assert_cmpuint(len, ==, n);
            memset(want, (int)(fr * 7 + layer), n);
            g_assert_cmpint(memcmp(got, want, n), ==, 0);
        }
    }
    g_free(want);
    g_free(lens);
    g_free(st.bytes);
    g_free(st.index);
    g_rand_free(rnd);
}

/* Durations print exactly what the printf formats they replace printed
 * (rounding included), ties and band edges too. */
static void
reference_duration(GString *out, gint64 ns)
{
    if (ns < 0)
        ns = -ns;
    if (ns > 0 && ns < 500) /* "0.000 ms" would say no time passed */
        g_string_append(out, "under 0.001 ms");
    else if (ns < 1000000)
        g_string_append_printf(out, "%.3f ms", (double)ns / 1000000);
    else if (ns < 10000000)
        g_string_append_printf(out, "%.1f ms", (double)ns / 1000000);
    else if (ns < 1000000000)
        g_string_append_printf(out, "%" G_GINT64_FORMAT " ms", (ns + 500000) / 1000000);
    else if (ns < G_GINT64_CONSTANT(60000000000))
        g_string_append_printf(out, "%.2f s", (double)ns / 1000000000);
    else if (ns < G_GINT64_CONSTANT(3600000000000))
        g_string_append_printf(out, "%" G_GINT64_FORMAT " min %" G_GINT64_FORMAT " s",
                               ns / G_GINT64_CONSTANT(60000000000), (ns / 1000000000) % 60);
    else if (ns < G_GINT64_CONSTANT(172800000000000))
        g_string_append_printf(out, "%" G_GINT64_FORMAT " h %" G_GINT64_FORMAT " min",
                               ns / G_GINT64_CONSTANT(3600000000000), (ns / G_GINT64_CONSTANT(60000000000)) % 60);
    else
        g_string_append_printf(out, "%" G_GINT64_FORMAT " days", ns / G_GINT64_CONSTANT(86400000000000));
}

static void
test_duration_exact(void)
{
    static const gint64 edges[] = { 0,
                                    1,
                                    499,
                                    500,
                                    501,
                                    999,
                                    1000,
                                    1500,
                                    2500,
                                    999499,
                                    999500,
                                    999999,
                                    1000000,
                                    1049999,
                                    1050000,
                                    1250000,
                                    9949999,
                                    9950000,
                                    9999999,
                                    10000000,
                                    999499999,
                                    999500000,
                                    1000000000,
                                    1005000000,
                                    1015000000,
                                    59994999999,
                                    59995000000,
                                    G_GINT64_CONSTANT(60000000000),
                                    -2500,
                                    -1250000,
                                    G_GINT64_CONSTANT(3599999999999),
                                    G_GINT64_CONSTANT(3600000000000),
                                    G_GINT64_CONSTANT(172799999999999),
                                    G_GINT64_CONSTANT(172800000000000),
                                    G_MAXINT64 };
    GString *got = g_string_new(NULL), *want = g_string_new(NULL);
    GRand *rnd = g_rand_new_with_seed(7);
    for (guint i = 0; i < G_N_ELEMENTS(edges) + 400000; i++) {
        gint64 ns;
        if (i < G_N_ELEMENTS(edges))
            ns = edges[i];
        else if (i % 4 == 0)
            ns = g_rand_int_range(rnd, 0, 2000000) * (gint64)500; /* many ties */
        else if (i % 4 == 1)
            ns = g_rand_int(rnd); /* up to ~4.3 s */
        else if (i % 4 == 2)
            ns = (gint64)g_rand_int(rnd) * 16 + g_rand_int_range(rnd, 0, 16); /* up to ~69 s */
        else
            ns = g_rand_int_range(rnd, 0, 10000000);
        g_string_truncate(got, 0);
        g_string_truncate(want, 0);
        tcpx_format_duration(got, ns);
        reference_duration(want, ns);
        if (strcmp(got->str, want->str) != 0)
            g_error("duration %" G_GINT64_FORMAT " ns: \"%s\", printf gives \"%s\"", ns, got->str, want->str);
    }
    g_rand_free(rnd);
    g_string_free(got, TRUE);
    g_string_free(want, TRUE);
}

/* ---- conditions of newer Wireshark versions ------------------------------ */

/* The tables are indexed by kind and cause: a row out of place names the wrong words. */
static void
test_tables_in_order(void)
{
    for (int k = 0; k < TCPX_K_COUNT; k++)
        g_assert_cmpint(tcpx_kind_info((tcpx_kind_t)k)->kind, ==, k);
    for (int c = 0; c < TCPX_C_COUNT; c++)
        g_assert_cmpint(tcpx_cause_info((tcpx_cause_t)c)->cause, ==, c);
}

/* Server data to a client whose SYN said MSS 1460; the client ACKs into the middle of a segment. */
static const tcpx_finding_t *
partial_ack_after(tcpx_stream_t *s, guint32 seg_len, guint32 ack)
{
    next_frame = 0;
    tcpx_segment_t syn = seg(TRUE, 0, TCPX_TH_SYN, 0, 0, 0);
    syn.mss = 1460;
    feed(s, syn);
    tcpx_segment_t synack = seg(FALSE, 20, TCPX_TH_SYN | TCPX_TH_ACK, 0, 1, 0);
    synack.mss = 1400;
    feed(s, synack);
    feed(s, seg(TRUE, 40, TCPX_TH_ACK, 1, 1, 0));
    feed(s, seg(FALSE, 41, TCPX_TH_ACK, 1, 1, seg_len));
    tcpx_segment_t a = seg(TRUE, 61, TCPX_TH_ACK, 1, ack, 0);
    a.ws = TCPX_WS_PARTIAL_ACK;
    return find_kind(feed(s, a), TCPX_K_PARTIAL_ACK);
}

static void
test_partial_ack(void)
{
    tcpx_stream_t *s = new_stream();
    const tcpx_finding_t *f = partial_ack_after(s, 2920, 1461); /* a 2-MSS segment: seen before TSO cut it */
    g_assert_nonnull(f);
    g_assert_cmpint(f->cause, ==, TCPX_C_PARTIAL_ACK_OFFLOAD);
    g_assert_cmpuint(f->mss, ==, 1460);
    g_assert_cmpuint(f->ref_frame, ==, 4);
    g_assert_cmpuint(f->bytes, ==, 1460);
    g_assert_cmpuint(f->bytes2, ==, 1460);
    char *sum = render(s, f, TRUE, tcpx_render_summary);
    g_assert_cmpstr(sum, ==, "Partial ACK: client acknowledges part of a segment (frame 4), next byte 1461");
    g_free(sum);
    char *cause = render(s, f, TRUE, tcpx_render_cause);
    g_assert_nonnull(strstr(cause, "larger than the MSS (1460 bytes)"));
    g_free(cause);
    g_free(s);

    s = new_stream();
    f = partial_ack_after(s, 1000, 501); /* not larger than the MSS: no cause claimed */
    g_assert_nonnull(f);
    g_assert_cmpint(f->cause, ==, TCPX_C_PARTIAL_ACK_UNDETERMINED);
    cause = render(s, f, TRUE, tcpx_render_cause);
    g_assert_nonnull(strstr(cause, "Undetermined"));
    g_free(cause);
    g_free(s);
}

static void
test_ambiguous_ack(void)
{
    tcpx_stream_t *s = new_stream();
    next_frame = 0;
    feed(s, seg(TRUE, 0, TCPX_TH_ACK, 1, 1, 0));
    feed(s, seg(FALSE, 1, TCPX_TH_ACK, 1, 1, 1448));
    tcpx_segment_t rt = seg(FALSE, 300, TCPX_TH_ACK, 1, 1, 1448);
    rt.ws = TCPX_WS_RETRANSMISSION;
    feed(s, rt);
    tcpx_segment_t a = seg(TRUE, 320, TCPX_TH_ACK, 1, 1449, 0);
    a.ws = TCPX_WS_AMBIGUOUS_ACK;
    a.acks_frame = rt.frame;
    a.ack_rtt_ns = 20 * MS;
    const tcpx_finding_t *f = find_kind(feed(s, a), TCPX_K_AMBIGUOUS_ACK);
    g_assert_nonnull(f);
    g_assert_cmpint(f->cause, ==, TCPX_C_AMBIGUOUS_ACK_KARN);
    g_assert_cmpuint(f->ref_frame, ==, rt.frame);
    char *what = render(s, f, TRUE, tcpx_render_what);
    g_assert_nonnull(strstr(
        what,
        "before byte 1449, which the server (10.0.0.2:80) sent more than once (the copy in frame 3, 20 ms earlier)"));
    /* roles guessed: "likely" once, at the first party, not at every one */
    g_assert_true(g_str_has_prefix(what, "The likely client (10.0.0.1:40000) "));
    g_assert_null(strstr(strstr(what, "likely") + 1, "likely"));
    g_free(what);
    g_free(s);
}

/* Window full against a receiver whose window of `win` bytes stays under 64 KB: "window scaling off" only
 * when a side did not offer scaling in the handshake (both must), not when both offered a shift of 0, and
 * only near the 64 KB ceiling (a small window is the receiver's, scaling or not). */
static tcpx_cause_t
window_full_cause(gint8 client_ws, gint8 server_ws, guint32 win)
{
    tcpx_stream_t *s = new_stream();
    next_frame = 0;
    tcpx_segment_t syn = seg(TRUE, 0, TCPX_TH_SYN, 0, 0, 0);
    syn.wscale = client_ws;
    feed(s, syn);
    tcpx_segment_t synack = seg(FALSE, 20, TCPX_TH_SYN | TCPX_TH_ACK, 0, 1, 0);
    synack.wscale = server_ws;
    feed(s, synack);
    tcpx_segment_t ack = seg(TRUE, 20, TCPX_TH_ACK, 1, 1, 0);
    ack.win = win;
    feed(s, ack);
    tcpx_segment_t data = seg(TRUE, 21, TCPX_TH_ACK | TCPX_TH_PSH, 1, 1, 100);
    data.win = win;
    feed(s, data);
    tcpx_segment_t full = seg(FALSE, 42, TCPX_TH_ACK, 1, 101, win);
    full.ws = TCPX_WS_WINDOW_FULL;
    const tcpx_finding_t *f = find_kind(feed(s, full), TCPX_K_WINDOW_FULL);
    g_assert_nonnull(f);
    tcpx_cause_t cause = (tcpx_cause_t)f->cause;
    g_free(s);
    return cause;
}

static void
test_window_full_scaling(void)
{
    g_assert_cmpint(window_full_cause(-1, -1, 64240), ==, TCPX_C_WINDOW_NO_SCALING);
    g_assert_cmpint(window_full_cause(7, -1, 64240), ==, TCPX_C_WINDOW_NO_SCALING); /* the server did not agree */
    g_assert_cmpint(window_full_cause(0, 0, 64240), ==, TCPX_C_WINDOW_LIMITED);     /* agreed, with shift 0 */
    g_assert_cmpint(window_full_cause(7, 8, 64240), ==, TCPX_C_WINDOW_LIMITED);
    /* 11,680 bytes, far under the ceiling: the receiver's window, which scaling would not have grown */
    g_assert_cmpint(window_full_cause(7, -1, 11680), ==, TCPX_C_WINDOW_LIMITED);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/seq/wrap", test_seq_wrap);
    g_test_add_func("/seq/retransmission_across_wrap", test_retransmission_across_wrap);
    g_test_add_func("/story/handshake", test_handshake_story);
    g_test_add_func("/classify/window_full_scaling", test_window_full_scaling);
    g_test_add_func("/story/teardown", test_teardown_story);
    g_test_add_func("/classify/fast_retransmission", test_fast_retransmission);
    g_test_add_func("/classify/spurious", test_spurious_causes);
    g_test_add_func("/classify/spurious_ack_lost_words", test_spurious_ack_lost_words);
    g_test_add_func("/classify/capture_duplicate", test_capture_duplicate);
    g_test_add_func("/classify/capture_copy_of_ack", test_capture_copy_of_ack);
    g_test_add_func("/classify/bit_identical_is_not_a_copy", test_bit_identical_is_not_a_copy);
    g_test_add_func("/classify/linux_window_probe", test_linux_window_probe);
    g_test_add_func("/classify/dsack_proves_retransmission_unneeded", test_dsack_proves_retransmission_unneeded);
    g_test_add_func("/classify/spurious_without_handshake", test_spurious_without_handshake);
    g_test_add_func("/classify/dsack_on_advancing_ack", test_dsack_on_advancing_ack);
    g_test_add_func("/classify/dsack_proves_quick_retransmission_unneeded",
                    test_dsack_proves_quick_retransmission_unneeded);
    g_test_add_func("/classify/sack_above_ack_is_no_dsack", test_sack_above_ack_is_no_dsack);
    g_test_add_func("/classify/out_of_order", test_out_of_order);
    g_test_add_func("/classify/midstream", test_midstream_gap_is_capture_start);
    g_test_add_func("/classify/resets", test_resets);
    g_test_add_func("/classify/retry_backoff", test_retry_backoff);
    g_test_add_func("/classify/retransmission_timing", test_retransmission_timing);
    g_test_add_func("/classify/syn_retransmissions", test_syn_retransmissions);
    g_test_add_func("/classify/reuse_after_refusal", test_reuse_after_refusal);
    g_test_add_func("/classify/checksum", test_checksum_offload);
    g_test_add_func("/classify/zero_window", test_zero_window_then_update);
    g_test_add_func("/classify/keepalive", test_keepalive_idle);
    g_test_add_func("/pack/roundtrip", test_pack_roundtrip);
    g_test_add_func("/pack/store", test_pack_store);
    g_test_add_func("/core/ring_follows_flight", test_ring_follows_flight);
    g_test_add_func("/text/template", test_template_engine);
    g_test_add_func("/text/duration_exact", test_duration_exact);
    g_test_add_func("/text/table_complete", test_table_complete);
    g_test_add_func("/text/texts_render", test_texts_render);
    g_test_add_func("/text/plain_words", test_plain_words);
    g_test_add_func("/text/frame_vars_unique", test_frame_vars_unique);
    g_test_add_func("/text/template_memo", test_template_memo);
    g_test_add_func("/explain/tables_in_order", test_tables_in_order);
    g_test_add_func("/core/partial_ack", test_partial_ack);
    g_test_add_func("/core/ambiguous_ack", test_ambiguous_ack);
    return g_test_run();
}
