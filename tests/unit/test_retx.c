/* test_retx.c: retransmission causes that need a series of segments: a second resend of the
 * same bytes a timer's wait later, and a path-MTU black hole.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "core_fixture.h"

#define FULL 1448
#define SMALL 458

static const tcpx_finding_t *
retx_finding(const tcpx_result_t *r)
{
    for (int i = 0; i < r->n; i++)
        if (r->f[i].kind == TCPX_K_RETRANSMISSION || r->f[i].kind == TCPX_K_FAST_RETRANSMISSION)
            return &r->f[i];
    return NULL;
}

/* The server sends 3 full-size segments and a small last one at 41 ms; the client's dup ACK at
 * 81 ms SACKs a block of sacked_len bytes above the hole; the server resends the first segment
 * at 100 ms (fast), then at 348 ms and 868 ms with nothing from the client: the causes of the
 * resends at 348 and 868 ms. */
static void
full_size_resends(guint32 sacked_len, tcpx_cause_t *second, tcpx_cause_t *third)
{
    tcpx_stream_t *s = fx_stream();
    fx_handshake(s, 40);
    fx_feed(s, fx_seg(TRUE, 40, TCPX_TH_ACK | TCPX_TH_PSH, 1, 1, 39));
    for (guint32 i = 0; i < 3; i++)
        fx_feed(s, fx_seg(FALSE, 41, TCPX_TH_ACK, 1 + i * FULL, 40, FULL));
    fx_feed(s, fx_seg(FALSE, 41, TCPX_TH_ACK | TCPX_TH_PSH, 1 + 3 * FULL, 40, SMALL));
    tcpx_segment_t dup = fx_seg(TRUE, 81, TCPX_TH_ACK, 40, 1, 0);
    dup.ws = TCPX_WS_DUPLICATE_ACK;
    dup.dupack_num = 1;
    dup.n_sack = 1;
    dup.sack_re[0] = 1 + 3 * FULL + SMALL;
    dup.sack_le[0] = dup.sack_re[0] - sacked_len;
    fx_feed(s, dup);
    tcpx_segment_t rt = fx_seg(FALSE, 100, TCPX_TH_ACK, 1, 40, FULL);
    rt.ws = TCPX_WS_RETRANSMISSION | TCPX_WS_FAST_RETRANSMISSION;
    g_assert_cmpint(retx_finding(fx_feed(s, rt))->cause, ==, TCPX_C_FAST_RETX_DUPACKS);
    rt = fx_seg(FALSE, 348, TCPX_TH_ACK, 1, 40, FULL);
    rt.ws = TCPX_WS_RETRANSMISSION;
    *second = (tcpx_cause_t)retx_finding(fx_feed(s, rt))->cause;
    rt = fx_seg(FALSE, 868, TCPX_TH_ACK, 1, 40, FULL);
    rt.ws = TCPX_WS_RETRANSMISSION;
    const tcpx_finding_t *f = retx_finding(fx_feed(s, rt));
    *third = (tcpx_cause_t)f->cause;
    if (f->cause == TCPX_C_RETX_PMTU_BLACKHOLE) { /* the numbers its text cites */
        g_assert_cmpuint(f->bytes, ==, FULL);
        g_assert_cmpuint(f->bytes2, ==, sacked_len);
        g_assert_cmpuint(f->quiet_frame, ==, dup.frame);
        g_assert_cmpuint(f->attempt, ==, 3);
    }
    fx_free(s);
}

/* Only the small segment got through: the full-size resends are a path-MTU black hole. */
static void
test_blackhole(void)
{
    tcpx_cause_t second, third;
    full_size_resends(SMALL, &second, &third);
    g_assert_cmpint(second, ==, TCPX_C_RETX_PMTU_BLACKHOLE);
    g_assert_cmpint(third, ==, TCPX_C_RETX_PMTU_BLACKHOLE);
}

/* The contradiction: a SACK block as long as a full-size segment may hold one (full-size packets
 * do get through), so the same resends are timeouts: the second a plain one, not "after dup ACKs"
 * (the fast retransmission answered those), the third a backoff. */
static void
test_full_size_sacked_is_no_blackhole(void)
{
    tcpx_cause_t second, third;
    full_size_resends(FULL + SMALL, &second, &third);
    g_assert_cmpint(second, ==, TCPX_C_RETX_TIMEOUT);
    g_assert_cmpint(third, ==, TCPX_C_RETX_BACKOFF);
}

/* A handshake of rtt_ms, 3 segments from the server, the first acknowledged, one dup ACK for
 * the second (RACK off: too few to resend on); the second resent wait_ms after it left. */
static tcpx_cause_t
first_resend_after(gint64 rtt_ms, gint64 wait_ms)
{
    tcpx_stream_t *s = fx_stream();
    fx_handshake(s, rtt_ms);
    fx_feed(s, fx_seg(TRUE, rtt_ms, TCPX_TH_ACK | TCPX_TH_PSH, 1, 1, 39));
    for (guint32 i = 0; i < 3; i++)
        fx_feed(s, fx_seg(FALSE, rtt_ms + 1, TCPX_TH_ACK, 1 + i * FULL, 40, FULL));
    fx_feed(s, fx_seg(TRUE, 2 * rtt_ms + 1, TCPX_TH_ACK, 40, 1 + FULL, 0));
    tcpx_segment_t dup = fx_seg(TRUE, 2 * rtt_ms + 2, TCPX_TH_ACK, 40, 1 + FULL, 0);
    dup.ws = TCPX_WS_DUPLICATE_ACK;
    dup.dupack_num = 1;
    fx_feed(s, dup);
    tcpx_segment_t rt = fx_seg(FALSE, rtt_ms + 1 + wait_ms, TCPX_TH_ACK, 1 + FULL, 40, FULL);
    rt.ws = TCPX_WS_RETRANSMISSION;
    tcpx_cause_t cause = (tcpx_cause_t)retx_finding(fx_feed(s, rt))->cause;
    fx_free(s);
    return cause;
}

/* 6.3 s on a 30 ms path: a timer far too long; 300 ms on it, or 2.5 s on a 300 ms path (8 round
 * trips), a timeout as timers go. */
static void
test_timer_too_long(void)
{
    g_assert_cmpint(first_resend_after(30, 6300), ==, TCPX_C_RETX_TIMER_LONG);
    g_assert_cmpint(first_resend_after(30, 300), ==, TCPX_C_RETX_TIMEOUT);
    g_assert_cmpint(first_resend_after(300, 2500), ==, TCPX_C_RETX_TIMEOUT);
}

/* A SYN-ACK to a SYN sent again: the connect waited for the unanswered first SYN; after a reset
 * the first SYN was answered (refused), and the SYN-ACK is the plain story step. */
static const tcpx_finding_t *
synack_after_two_syns(tcpx_stream_t *s, gboolean reset_between)
{
    tcpx_segment_t syn = fx_seg(TRUE, 0, TCPX_TH_SYN, 0, 0, 0);
    fx_feed(s, syn);
    if (reset_between)
        fx_feed(s, fx_seg(FALSE, 1, TCPX_TH_RST | TCPX_TH_ACK, 0, 1, 0));
    tcpx_segment_t again = fx_seg(TRUE, 1000, TCPX_TH_SYN, 0, 0, 0);
    again.ws = TCPX_WS_RETRANSMISSION;
    fx_feed(s, again);
    const tcpx_result_t *r = fx_feed(s, fx_seg(FALSE, 1041, TCPX_TH_SYN | TCPX_TH_ACK, 0, 1, 0));
    for (int i = 0; i < r->n; i++)
        if (r->f[i].kind == TCPX_K_SYNACK)
            return &r->f[i];
    return NULL;
}

static void
test_connect_after_lost_syn(void)
{
    tcpx_stream_t *s = fx_stream();
    const tcpx_finding_t *f = synack_after_two_syns(s, FALSE);
    g_assert_nonnull(f);
    g_assert_cmpint(f->cause, ==, TCPX_C_CONNECT_SYNS_LOST);
    g_assert_cmpuint(f->attempt, ==, 2);
    g_assert_cmpuint(f->ref_frame, ==, 2);  /* the SYN it answers */
    g_assert_cmpuint(f->orig_frame, ==, 1); /* the first, unanswered */
    g_assert_cmpint(f->ref_age_ns, ==, 41 * MS);
    g_assert_cmpint(f->orig_age_ns, ==, 1041 * MS);
    fx_free(s);
    s = fx_stream();
    f = synack_after_two_syns(s, TRUE);
    g_assert_nonnull(f);
    g_assert_cmpint(f->cause, ==, TCPX_C_STORY);
    fx_free(s);
    /* the capture's copy of a SYN is no SYN sent again */
    s = fx_stream();
    tcpx_segment_t syn = fx_seg(TRUE, 0, TCPX_TH_SYN, 0, 0, 0);
    fx_feed(s, syn);
    tcpx_segment_t copy = syn;
    copy.frame = ++fx_next_frame;
    copy.ts_ns += MS / 50;
    fx_feed(s, copy);
    const tcpx_result_t *r = fx_feed(s, fx_seg(FALSE, 41, TCPX_TH_SYN | TCPX_TH_ACK, 0, 1, 0));
    g_assert_cmpint(r->f[0].kind, ==, TCPX_K_SYNACK);
    g_assert_cmpint(r->f[0].cause, ==, TCPX_C_STORY);
    g_assert_cmpuint(r->f[0].ref_frame, ==, syn.frame);
    fx_free(s);
}

/* The server sends n full-size segments at 21 ms; at 41 ms the client's ACK advances past the first and
 * SACKs the third: the second is a hole. */
static void
flight_with_sack_hole(tcpx_stream_t *s, guint32 n)
{
    fx_handshake(s, 20);
    for (guint32 i = 0; i < n; i++)
        fx_feed(s, fx_seg(FALSE, 21, TCPX_TH_ACK, 1 + i * FULL, 1, FULL));
    tcpx_segment_t ack = fx_seg(TRUE, 41, TCPX_TH_ACK, 1, 1 + FULL, 0);
    ack.n_sack = 1;
    ack.sack_le[0] = 1 + 2 * FULL;
    ack.sack_re[0] = 1 + 3 * FULL;
    fx_feed(s, ack);
}

/* An ACK that advances but SACKs data above a hole (Wireshark 4.4+ flags no dup ACK): the resend
 * of the hole right after it is SACK recovery, not undetermined. */
static void
test_resend_after_sack_hole(void)
{
    tcpx_stream_t *s = fx_stream();
    flight_with_sack_hole(s, 4);
    tcpx_segment_t rt = fx_seg(FALSE, 54, TCPX_TH_ACK, 1 + FULL, 1, FULL);
    rt.ws = TCPX_WS_RETRANSMISSION;
    g_assert_cmpint(retx_finding(fx_feed(s, rt))->cause, ==, TCPX_C_RETX_AFTER_DUPACKS);
    fx_free(s);
}

/* The server's 3 full-size segments leave at 41 ms; at 61 ms a router's ICMP (MTU mtu) quotes the
 * first, a 1500-byte packet.  Returns the ICMP's frame; its result in *out. */
static guint32
pmtu_flight(tcpx_stream_t *s, guint32 mtu, tcpx_result_t *out)
{
    fx_handshake(s, 40);
    fx_feed(s, fx_seg(TRUE, 40, TCPX_TH_ACK | TCPX_TH_PSH, 1, 1, 39));
    for (guint32 i = 0; i < 3; i++)
        fx_feed(s, fx_seg(FALSE, 41, TCPX_TH_ACK, 1 + i * FULL, 40, FULL));
    tcpx_icmp_t icmp = { ++fx_next_frame, 61 * MS, FALSE, 1, 1500, mtu, FALSE };
    tcpx_analyze_icmp(s, &icmp, out);
    return icmp.frame;
}

static const tcpx_result_t *
resend(tcpx_stream_t *s, gint64 t_ms, guint32 seq, guint32 len, guint32 ws)
{
    tcpx_segment_t rt = fx_seg(FALSE, t_ms, TCPX_TH_ACK, seq, 40, len);
    rt.ws = ws;
    return fx_feed(s, rt);
}

/* Segments 2, 4 and 5 of 5 are lost, 3 SACKed: the resend of 2 answers the SACK hole; the next ACK is partial
 * and SACKs nothing, and the sender resends 4 and then 5 at once.  5 continues the recovery (Linux counts it a
 * fast retransmission), not undetermined; the same resend after a timer's floor with nothing heard is a
 * timeout, and one that skips a segment is left undetermined. */
static tcpx_cause_t
after_partial_ack(gint64 fifth_ms, guint32 fifth_seq)
{
    tcpx_stream_t *s = fx_stream();
    flight_with_sack_hole(s, 5);
    g_assert_cmpint(retx_finding(resend(s, 42, 1 + FULL, FULL, TCPX_WS_RETRANSMISSION))->cause, ==,
                    TCPX_C_RETX_AFTER_DUPACKS);
    fx_feed(s, fx_seg(TRUE, 62, TCPX_TH_ACK, 1, 1 + 3 * FULL, 0));
    g_assert_cmpint(retx_finding(resend(s, 62, 1 + 3 * FULL, FULL, TCPX_WS_RETRANSMISSION))->cause, ==,
                    TCPX_C_RETX_IN_RECOVERY);
    tcpx_cause_t cause =
        (tcpx_cause_t)retx_finding(resend(s, fifth_ms, fifth_seq, FULL, TCPX_WS_RETRANSMISSION))->cause;
    fx_free(s);
    return cause;
}

static void
test_recovery_goes_on(void)
{
    g_assert_cmpint(after_partial_ack(63, 1 + 4 * FULL), ==, TCPX_C_RETX_IN_RECOVERY);
    g_assert_cmpint(after_partial_ack(300, 1 + 4 * FULL), ==, TCPX_C_RETX_TIMEOUT);
    g_assert_cmpint(after_partial_ack(63, 1 + 5 * FULL), ==, TCPX_C_RETX_UNDETERMINED);
}

/* The last segment sent, resent two round trips after it: a tail-loss probe only if no ACK of new data came
 * just before (it restarts the probe's timer); right after one, the ACK prompted it: undetermined. */
static tcpx_cause_t
tail_resend_after_ack(gint64 resend_ms)
{
    tcpx_stream_t *s = fx_stream();
    fx_handshake(s, 20);
    for (guint32 i = 0; i < 3; i++)
        fx_feed(s, fx_seg(FALSE, 21, TCPX_TH_ACK, 1 + i * FULL, 1, FULL));
    fx_feed(s, fx_seg(TRUE, 41, TCPX_TH_ACK, 1, 1 + FULL, 0));
    tcpx_cause_t cause =
        (tcpx_cause_t)retx_finding(resend(s, resend_ms, 1 + 2 * FULL, FULL, TCPX_WS_RETRANSMISSION))->cause;
    fx_free(s);
    return cause;
}

static void
test_probe_timer_restarts(void)
{
    g_assert_cmpint(tail_resend_after_ack(62), ==, TCPX_C_RETX_EARLY);
    g_assert_cmpint(tail_resend_after_ack(41), ==, TCPX_C_RETX_UNDETERMINED);
}

static const tcpx_finding_t *
kind_finding(const tcpx_result_t *r, tcpx_kind_t kind)
{
    for (int i = 0; i < r->n; i++)
        if (r->f[i].kind == kind)
            return &r->f[i];
    g_assert_not_reached();
}

/* The ICMP is a step of the stream that names the segment that did not fit; the first resends of the
 * flight in segments that fit (out-of-order or retransmissions, as Wireshark flags them) are its
 * doing, linked to it, and the first one settles the ICMP frame (a later note); a second ICMP for
 * another packet of the flight points at the first and at the resends under way. */
static void
test_pmtu_icmp(void)
{
    tcpx_stream_t *s = fx_stream();
    tcpx_result_t r;
    guint32 icmp = pmtu_flight(s, 1280, &r);
    g_assert_cmpuint(r.n, ==, 1);
    g_assert_false(r.from_client);
    const tcpx_finding_t *f = &r.f[0];
    g_assert_cmpint(f->kind, ==, TCPX_K_PMTU_ICMP);
    g_assert_cmpint(f->cause, ==, TCPX_C_PMTU_TOO_BIG);
    g_assert_cmpuint(f->orig_frame, ==, 5);
    g_assert_cmpuint(f->lo, ==, 1);
    g_assert_cmpuint(f->hi, ==, FULL);
    g_assert_cmpuint(f->mtu, ==, 1280);
    g_assert_cmpuint(f->bytes, ==, 1500);
    g_assert_cmpuint(f->mss, ==, 1240);
    g_assert_cmpuint(f->count, ==, 1);
    g_assert_cmpuint(f->ref_frame, ==, 0);
    g_assert_cmpuint(s->frames, ==, 7); /* the ICMP is no segment */

    const tcpx_result_t *x = resend(s, 62, 1, 1228, TCPX_WS_OUT_OF_ORDER);
    f = kind_finding(x, TCPX_K_OUT_OF_ORDER);
    g_assert_cmpint(f->cause, ==, TCPX_C_RETX_PMTU_ICMP);
    g_assert_cmpuint(f->ref_frame, ==, icmp);
    g_assert_cmpuint(f->mtu, ==, 1280);
    g_assert_cmpuint(f->bytes, ==, FULL); /* the original that did not fit */
    g_assert_cmpuint(x->n_later, ==, 1);
    g_assert_cmpuint(x->later[0].frame, ==, icmp);
    g_assert_cmpuint(x->later[0].what, ==, TCPX_LATER_PMTU_RESENT);
    g_assert_cmpuint(x->later[0].bytes, ==, 1228);
    guint32 first_resend = fx_next_frame;
    x = resend(s, 62, 1229, FULL - 1228, TCPX_WS_OUT_OF_ORDER);
    g_assert_cmpint(kind_finding(x, TCPX_K_OUT_OF_ORDER)->cause, ==, TCPX_C_RETX_PMTU_ICMP);
    g_assert_cmpuint(x->n_later, ==, 0);

    tcpx_icmp_t again = { ++fx_next_frame, 62 * MS, FALSE, 1 + FULL, 1500, 1280, FALSE };
    tcpx_analyze_icmp(s, &again, &r);
    g_assert_cmpuint(r.f[0].ref_frame, ==, icmp);
    g_assert_cmpuint(r.f[0].quiet_frame, ==, first_resend);
    g_assert_cmpuint(r.f[0].count, ==, 2);

    x = resend(s, 101, 1 + FULL, 1228, TCPX_WS_RETRANSMISSION);
    g_assert_cmpint(retx_finding(x)->cause, ==, TCPX_C_RETX_PMTU_ICMP);
    /* the same bytes once more, a timer's wait later: no longer the ICMP's doing */
    x = resend(s, 400, 1, 1228, TCPX_WS_RETRANSMISSION);
    g_assert_cmpint(retx_finding(x)->cause, !=, TCPX_C_RETX_PMTU_ICMP);
    fx_free(s);
}

/* What contradicts it: a resend still too large for the MTU; an ICMP whose MTU the quoted packet did
 * not exceed (not about its size: nothing follows from it). */
static void
test_pmtu_contradictions(void)
{
    tcpx_stream_t *s = fx_stream();
    tcpx_result_t r;
    pmtu_flight(s, 1280, &r);
    g_assert_cmpint(retx_finding(resend(s, 300, 1, FULL, TCPX_WS_RETRANSMISSION))->cause, !=, TCPX_C_RETX_PMTU_ICMP);
    fx_free(s);

    s = fx_stream();
    pmtu_flight(s, 1500, &r);
    g_assert_cmpint(r.f[0].cause, ==, TCPX_C_PMTU_NOT_TOO_BIG);
    const tcpx_result_t *x = resend(s, 62, 1, 1228, TCPX_WS_OUT_OF_ORDER);
    g_assert_cmpint(kind_finding(x, TCPX_K_OUT_OF_ORDER)->cause, ==, TCPX_C_QUICK_RETRANSMISSION);
    fx_free(s);
}

/* A destination unreachable about the client's SYN: a step of the stream (no segment of it) naming
 * the SYN, its code as the cause, in the handshake; the codes of IPv4 and ICMPv6 read alike. */
static void
test_icmp_unreachable(void)
{
    g_assert_cmpint(tcpx_icmp_kind(FALSE, 3, 4), ==, TCPX_ICMP_TOO_BIG);
    g_assert_cmpint(tcpx_icmp_kind(FALSE, 3, 13), ==, TCPX_ICMP_PROHIBITED);
    g_assert_cmpint(tcpx_icmp_kind(FALSE, 3, 1), ==, TCPX_ICMP_HOST_UNREACHABLE);
    g_assert_cmpint(tcpx_icmp_kind(FALSE, 3, 3), ==, TCPX_ICMP_PORT_UNREACHABLE);
    g_assert_cmpint(tcpx_icmp_kind(FALSE, 3, 200), ==, TCPX_ICMP_UNREACHABLE_OTHER);
    g_assert_cmpint(tcpx_icmp_kind(FALSE, 11, 0), ==, TCPX_ICMP_NOT_READ); /* time exceeded */
    g_assert_cmpint(tcpx_icmp_kind(TRUE, 2, 0), ==, TCPX_ICMP_TOO_BIG);
    g_assert_cmpint(tcpx_icmp_kind(TRUE, 1, 1), ==, TCPX_ICMP_PROHIBITED);
    g_assert_cmpint(tcpx_icmp_kind(TRUE, 1, 3), ==, TCPX_ICMP_HOST_UNREACHABLE);
    g_assert_cmpint(tcpx_icmp_kind(TRUE, 1, 0), ==, TCPX_ICMP_NET_UNREACHABLE);
    g_assert_cmpint(tcpx_icmp_kind(TRUE, 3, 0), ==, TCPX_ICMP_NOT_READ);

    tcpx_stream_t *s = fx_stream();
    tcpx_segment_t syn = fx_seg(TRUE, 0, TCPX_TH_SYN, 0, 0, 0);
    fx_feed(s, syn);
    tcpx_icmp_t icmp = { ++fx_next_frame, 1, TRUE, 0, 60, 0, FALSE, TCPX_ICMP_PROHIBITED };
    tcpx_result_t r;
    tcpx_analyze_icmp(s, &icmp, &r);
    g_assert_cmpuint(r.n, ==, 1);
    g_assert_true(r.from_client);
    g_assert_cmpint(r.phase, ==, TCPX_PHASE_HANDSHAKE);
    g_assert_cmpint(r.f[0].kind, ==, TCPX_K_ICMP_UNREACHABLE);
    g_assert_cmpint(r.f[0].cause, ==, TCPX_C_UNREACH_PROHIBITED);
    g_assert_cmpuint(r.f[0].orig_frame, ==, 1);
    g_assert_cmpuint(s->frames, ==, 1); /* the ICMP is no segment */
    fx_free(s);
}

/* No resend in segments that fit until the capture's end: the ICMP frame says so. */
static void
test_pmtu_no_resend(void)
{
    tcpx_stream_t *s = fx_stream();
    tcpx_result_t r;
    guint32 icmp = pmtu_flight(s, 1280, &r);
    tcpx_later_t out[4];
    guint n = tcpx_hindsight_finish(s, 500 * MS, out, G_N_ELEMENTS(out));
    g_assert_cmpuint(n, >=, 1);
    g_assert_cmpuint(out[0].what, ==, TCPX_LATER_PMTU_NO_RESEND);
    g_assert_cmpuint(out[0].frame, ==, icmp);
    g_assert_cmpint(out[0].after_ns, ==, 439 * MS);
    fx_free(s);
}

/* The server's segments 1 and 3 of a 40 ms path's flight, then the client's dup ACKs; segment 2, never
 * seen before, comes after_ms after 3, with a TCP timestamp ts_after_3 ahead of 3's (0: no timestamps)
 * and Wireshark's flags ws: its out-of-order or retransmission finding. */
static const tcpx_finding_t *
gap_fill(gint64 after_ms, gint32 ts_after_3, guint32 ws, tcpx_stream_t **out)
{
    tcpx_stream_t *s = *out = fx_stream();
    fx_handshake(s, 40);
    fx_feed(s, fx_seg(TRUE, 40, TCPX_TH_ACK | TCPX_TH_PSH, 1, 1, 39));
    tcpx_segment_t first = fx_seg(FALSE, 80, TCPX_TH_ACK, 1, 40, FULL);
    tcpx_segment_t third = fx_seg(FALSE, 81, TCPX_TH_ACK, 1 + 2 * FULL, 40, FULL);
    tcpx_segment_t second = fx_seg(FALSE, 81 + after_ms, TCPX_TH_ACK, 1 + FULL, 40, FULL);
    first.has_ts = third.has_ts = second.has_ts = ts_after_3 != 0;
    second.has_ip_id = FALSE; /* as over IPv6: only the timestamp may tell the order */
    first.tsval = 1000;
    third.tsval = 1001;
    second.tsval = (guint32)(1001 + ts_after_3);
    third.ws = TCPX_WS_LOST_SEGMENT;
    fx_feed(s, first);
    fx_feed(s, third);
    for (guint32 i = 0; i < 3; i++) { /* the client's dup ACKs */
        tcpx_segment_t dup = fx_seg(TRUE, 81 + i, TCPX_TH_ACK, 40, 1 + FULL, 0);
        dup.ws = i ? TCPX_WS_DUPLICATE_ACK : 0;
        fx_feed(s, dup);
    }
    second.frame = ++fx_next_frame;
    second.ws = ws;
    const tcpx_result_t *r = fx_feed(s, second);
    for (int i = 0; i < r->n; i++)
        if (r->f[i].kind == TCPX_K_OUT_OF_ORDER)
            return &r->f[i];
    return retx_finding(r);
}

static tcpx_cause_t
fill_cause(gint64 after_ms, gint32 ts_after_3, guint32 ws)
{
    tcpx_stream_t *s;
    const tcpx_finding_t *f = gap_fill(after_ms, ts_after_3, ws, &s);
    tcpx_cause_t cause = f->kind == TCPX_K_OUT_OF_ORDER ? (tcpx_cause_t)f->cause : TCPX_C_NONE;
    fx_free(s);
    return cause;
}

/* Bytes never seen: left before the data above them (an older timestamp), the original, reordered,
 * whatever Wireshark's flag and however late; left after it, a resend; else by the delay: sooner than
 * half a round trip, reordered (but Wireshark's retransmission flag stands without the timestamp's
 * word); a round trip later, a resend; in between, the capture cannot tell. */
static void
test_gap_fills(void)
{
    tcpx_stream_t *s;
    const tcpx_finding_t *f = gap_fill(4, -1, TCPX_WS_FAST_RETRANSMISSION, &s);
    g_assert_cmpint(f->kind, ==, TCPX_K_OUT_OF_ORDER);
    g_assert_cmpint(f->cause, ==, TCPX_C_REORDERED_ORIGINAL);
    g_assert_cmpint(f->order_by, ==, TCPX_ORDER_TSVAL);
    g_assert_cmpuint(s->side[1].retransmissions, ==, 0);
    fx_free(s);
    g_assert_cmpint(fill_cause(4, 0, TCPX_WS_FAST_RETRANSMISSION), ==, TCPX_C_NONE);
    g_assert_cmpint(fill_cause(4, 1, TCPX_WS_FAST_RETRANSMISSION), ==, TCPX_C_NONE);
    g_assert_cmpint(fill_cause(41, 0, TCPX_WS_FAST_RETRANSMISSION), ==, TCPX_C_NONE);
    g_assert_cmpint(fill_cause(4, -1, TCPX_WS_OUT_OF_ORDER), ==, TCPX_C_REORDERING);
    g_assert_cmpint(fill_cause(4, 0, TCPX_WS_OUT_OF_ORDER), ==, TCPX_C_REORDERING);
    g_assert_cmpint(fill_cause(4, 1, TCPX_WS_OUT_OF_ORDER), ==, TCPX_C_RESEND_AFTER_GAP);
    g_assert_cmpint(fill_cause(25, 0, TCPX_WS_OUT_OF_ORDER), ==, TCPX_C_OOO_UNDETERMINED);
    g_assert_cmpint(fill_cause(41, 0, TCPX_WS_OUT_OF_ORDER), ==, TCPX_C_RESEND_AFTER_GAP);
    g_assert_cmpint(fill_cause(41, 1, TCPX_WS_OUT_OF_ORDER), ==, TCPX_C_RESEND_AFTER_GAP);
    /* left first, arrived a round trip late: reordered all the same, and no round trip cited */
    f = gap_fill(60, -1, TCPX_WS_OUT_OF_ORDER, &s);
    g_assert_cmpint(f->cause, ==, TCPX_C_REORDERING);
    g_assert_cmpint(f->rtt_ns, ==, 0);
    fx_free(s);
}

/* While the sender is resending, a quick fill without a timestamp's or IP ID's word is not called
 * reordered: its timers may send a resend right after new data. */
static void
test_gap_fill_while_resending(void)
{
    tcpx_stream_t *s = fx_stream();
    fx_handshake(s, 40);
    fx_feed(s, fx_seg(TRUE, 40, TCPX_TH_ACK | TCPX_TH_PSH, 1, 1, 39));
    fx_feed(s, fx_seg(FALSE, 80, TCPX_TH_ACK, 1, 40, FULL));
    tcpx_segment_t again = fx_seg(FALSE, 300, TCPX_TH_ACK, 1, 40, FULL);
    again.ws = TCPX_WS_RETRANSMISSION;
    fx_feed(s, again);
    tcpx_segment_t third = fx_seg(FALSE, 301, TCPX_TH_ACK, 1 + 2 * FULL, 40, FULL);
    third.ws = TCPX_WS_LOST_SEGMENT;
    fx_feed(s, third);
    tcpx_segment_t second = fx_seg(FALSE, 302, TCPX_TH_ACK, 1 + FULL, 40, FULL);
    second.ws = TCPX_WS_OUT_OF_ORDER;
    second.has_ip_id = FALSE; /* as over IPv6: nothing tells the order */
    const tcpx_result_t *r = fx_feed(s, second);
    g_assert_cmpint(kind_finding(r, TCPX_K_OUT_OF_ORDER)->cause, ==, TCPX_C_OOO_UNDETERMINED);
    fx_free(s);
}

/* Without timestamps, the IP ID tells the order when the sender numbers its packets one by one; random
 * IP IDs tell nothing. */
static void
test_gap_fill_by_ip_id(void)
{
    for (int random_ids = 0; random_ids < 2; random_ids++) {
        tcpx_stream_t *s = fx_stream();
        fx_handshake(s, 40);
        fx_feed(s, fx_seg(TRUE, 40, TCPX_TH_ACK | TCPX_TH_PSH, 1, 1, 39));
        static const guint16 random_seq[] = { 40321, 771, 9050, 61122, 30303, 12, 50505, 2222, 17171, 44444 };
        for (guint32 i = 0; i < 10; i++) {
            tcpx_segment_t d = fx_seg(FALSE, 80 + i, TCPX_TH_ACK, 1 + i * FULL, 40, FULL);
            d.ip_id = random_ids ? random_seq[i] : (guint16)(5000 + i);
            fx_feed(s, d);
        }
        tcpx_segment_t above = fx_seg(FALSE, 91, TCPX_TH_ACK, 1 + 11 * FULL, 40, FULL);
        above.ip_id = random_ids ? 33333 : 5011;
        above.ws = TCPX_WS_LOST_SEGMENT;
        fx_feed(s, above);
        tcpx_segment_t late = fx_seg(FALSE, 93, TCPX_TH_ACK, 1 + 10 * FULL, 40, FULL);
        late.ip_id = random_ids ? 33000 : 5010;
        late.ws = TCPX_WS_FAST_RETRANSMISSION;
        const tcpx_result_t *r = fx_feed(s, late);
        const tcpx_finding_t *f = NULL;
        for (int i = 0; i < r->n; i++)
            if (r->f[i].kind == TCPX_K_OUT_OF_ORDER)
                f = &r->f[i];
        if (random_ids) {
            g_assert_null(f);
        } else {
            g_assert_nonnull(f);
            g_assert_cmpint(f->cause, ==, TCPX_C_REORDERED_ORIGINAL);
            g_assert_cmpint(f->order_by, ==, TCPX_ORDER_IP_ID);
        }
        fx_free(s);
    }
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/retx/blackhole", test_blackhole);
    g_test_add_func("/retx/full_size_sacked_is_no_blackhole", test_full_size_sacked_is_no_blackhole);
    g_test_add_func("/retx/timer_too_long", test_timer_too_long);
    g_test_add_func("/retx/connect_after_lost_syn", test_connect_after_lost_syn);
    g_test_add_func("/retx/resend_after_sack_hole", test_resend_after_sack_hole);
    g_test_add_func("/retx/recovery_goes_on", test_recovery_goes_on);
    g_test_add_func("/retx/probe_timer_restarts", test_probe_timer_restarts);
    g_test_add_func("/retx/pmtu_icmp", test_pmtu_icmp);
    g_test_add_func("/retx/pmtu_contradictions", test_pmtu_contradictions);
    g_test_add_func("/retx/pmtu_no_resend", test_pmtu_no_resend);
    g_test_add_func("/retx/icmp_unreachable", test_icmp_unreachable);
    g_test_add_func("/retx/gap_fills", test_gap_fills);
    g_test_add_func("/retx/gap_fill_by_ip_id", test_gap_fill_by_ip_id);
    g_test_add_func("/retx/gap_fill_while_resending", test_gap_fill_while_resending);
    return g_test_run();
}
