/* test_health.c: unit tests for the stream-health judgement (tap/core/tcpx_health*.c).
 *
 * Every test builds the record sequence the "tcpx" tap would deliver for a
 * small, hand-made connection, feeds it to tcpx_health and checks the result.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>
#include <stdlib.h>
#include <glib.h>
#include "tcpx_health.h"
#include "tcpx_health_int.h" /* the stream templates and their variables */

#define MS(x) ((gint64)((x)*1000000.0))
#define KB(kind) (1u << (kind))

/* A fake connection: the stream state the plugin would own, and a record factory. */
typedef struct {
    tcpx_stream_t st;
    tcpx_health_t *h;
    guint32 stream;
    guint32 frame;
    guint32 seq[2]; /* next relative seq per side: 0 client, 1 server */
    gboolean guessed;
    gint64 t0;
    tcpx_result_t res; /* findings of the next record, when res.n > 0 (then cleared) */
    gboolean ip_ids;   /* records carry IP IDs: each side's rises by one per record */
    guint16 ip_id[2];
} conn_t;

static void
conn_init(conn_t *c, tcpx_health_t *h, guint32 stream, gboolean with_options)
{
    memset(c, 0, sizeof *c);
    c->h = h;
    c->stream = stream;
    c->st.id = stream;
    c->st.name[0] = "10.0.0.1:51234";
    c->st.name[1] = "10.0.0.2:80";
    c->st.port[0] = 51234;
    c->st.port[1] = 80;
    c->st.client = 0;
    c->st.side[0].wscale = c->st.side[1].wscale = -1;
    if (with_options) {
        c->st.side[0].syn_seen = c->st.side[1].syn_seen = TRUE;
        c->st.side[0].mss = 1460;
        c->st.side[1].mss = 1400;
        c->st.side[0].wscale = 7;
        c->st.side[1].wscale = 9;
        c->st.side[0].sack_perm = c->st.side[1].sack_perm = TRUE;
    }
    c->seq[0] = c->seq[1] = 1;
    c->t0 = G_GINT64_CONSTANT(1700000000) * 1000000000;
}

/* Records go to tcpx_health_add_batched() instead of tcpx_health_add() (test_batched_same_results). */
static gboolean add_batched;

/* One record.  seq advances automatically for new data unless kinds mark a retransmission/keep-alive. */
static const tcpx_health_stream_t *
rec_full(conn_t *c, double t_ms, gboolean from_client, guint16 flags, guint32 len, guint32 win, guint32 kinds,
         gint64 ack_rtt, guint32 lost_bytes, guint32 lost_segs, guint32 seq_override)
{
    tcpx_tap_rec_t r;
    int d = from_client ? 0 : 1;
    memset(&r, 0, sizeof r);
    r.frame = ++c->frame;
    r.ts_ns = c->t0 + MS(t_ms);
    r.stream = c->stream;
    r.from_client = from_client;
    r.roles_guessed = c->guessed;
    r.client = c->st.name[0];
    r.server = c->st.name[1];
    r.flags = flags;
    r.seq = seq_override ? seq_override : c->seq[d];
    r.ack = c->seq[1 - d];
    r.len = len;
    r.win = win;
    r.kinds = kinds;
    r.ack_rtt_ns = ack_rtt;
    r.lost_bytes = lost_bytes;
    r.lost_segments = lost_segs;
    r.st = &c->st;
    r.has_ip_id = c->ip_ids;
    r.ip_id = c->ip_ids ? ++c->ip_id[d] : 0;
    if (c->res.n > 0)
        r.result = &c->res;
    if (flags & TCPX_TH_RST)
        r.kinds |= KB(TCPX_K_RESET);
    if (!(kinds & ((KB(TCPX_K_RETRANSMISSION) | KB(TCPX_K_FAST_RETRANSMISSION) | KB(TCPX_K_SPURIOUS_RETRANSMISSION) |
                    KB(TCPX_K_KEEP_ALIVE)))) &&
        !seq_override)
        c->seq[d] += len + ((flags & (TCPX_TH_SYN | TCPX_TH_FIN)) ? 1 : 0);
    const tcpx_health_stream_t *out = NULL;
    if (add_batched)
        tcpx_health_add_batched(c->h, &r);
    else
        out = tcpx_health_add(c->h, &r);
    c->res.n = 0;
    return out;
}

/* The next record carries one finding of this kind and cause (segments: its size, for a SACK hole). */
static void
finding_next(conn_t *c, guint8 kind, guint8 cause, guint32 bytes, guint32 segments)
{
    memset(&c->res, 0, sizeof c->res);
    c->res.n = 1;
    c->res.f[0].kind = kind;
    c->res.f[0].cause = cause;
    c->res.f[0].bytes = bytes;
    c->res.f[0].segments = segments;
}

static const tcpx_health_stream_t *
rec(conn_t *c, double t_ms, gboolean from_client, guint16 flags, guint32 len, guint32 win, guint32 kinds)
{
    return rec_full(c, t_ms, from_client, flags, len, win, kinds, 0, 0, 0, 0);
}

#define C TRUE
#define S FALSE
#define A TCPX_TH_ACK
#define PA (TCPX_TH_PSH | TCPX_TH_ACK)

/* SYN at t, SYN-ACK at t+d1, ACK at t+d1+d2. */
static void
handshake(conn_t *c, double t, double d1, double d2)
{
    rec(c, t, C, TCPX_TH_SYN, 0, 64240, 0);
    rec(c, t + d1, S, TCPX_TH_SYN | TCPX_TH_ACK, 0, 65160, 0);
    rec_full(c, t + d1 + d2, C, A, 0, 64256, 0, 0, 0, 0, 0);
}

static void
close_both(conn_t *c, double t, double rtt)
{
    rec(c, t, C, TCPX_TH_FIN | TCPX_TH_ACK, 0, 64256, 0);
    rec(c, t + rtt, S, TCPX_TH_FIN | TCPX_TH_ACK, 0, 65160, 0);
    rec(c, t + rtt + 0.1, C, A, 0, 64256, 0);
}

static const tcpx_health_stream_t *
judge(conn_t *c)
{
    const tcpx_health_stream_t *s = tcpx_health_judge(c->h, c->stream);
    g_assert_nonnull(s);
    return s;
}

/* ------------------------------------------------------------------ */

static void
test_clean(void)
{
    tcpx_health_t *h = tcpx_health_new(NULL);
    conn_t c;
    const tcpx_health_stream_t *s;

    conn_init(&c, h, 0, TRUE);
    handshake(&c, 0, 20, 0.1);
    rec(&c, 21, C, PA, 300, 64256, 0);                    /* request */
    rec_full(&c, 41, S, A, 0, 65160, 0, MS(20), 0, 0, 0); /* ACK of it */
    rec(&c, 45, S, PA, 1400, 65160, 0);                   /* answer */
    rec(&c, 46, S, PA, 1400, 65160, 0);
    rec_full(&c, 66, C, A, 0, 64256, 0, MS(20), 0, 0, 0);
    close_both(&c, 100, 20);
    s = judge(&c);

    g_assert_cmpint(s->score, >=, 90);
    g_assert_cmpint(s->fault, ==, TCPX_FAULT_NONE);
    g_assert_cmpstr(s->verdict_code, ==, "healthy");
    g_assert_false(tcpx_health_unhealthy(s));
    g_assert_cmpint(s->done, ==, TCPX_DONE_COMPLETE);
    g_assert_cmpstr(s->done_text, ==, "complete: handshake, data, FIN both ways");
    g_assert_cmpuint(s->packets[0], ==, 6);
    g_assert_cmpuint(s->packets[1], ==, 5);
    g_assert_cmpuint(s->bytes[0], ==, 300);
    g_assert_cmpuint(s->bytes[1], ==, 2800);
    g_assert_cmpint(s->irtt_ns, ==, MS(20.1));
    g_assert_cmpuint(s->resp_n, ==, 1);
    g_assert_cmpint(s->resp_max_ns, ==, MS(24));
    g_assert_cmpint(s->resp_max_ack_ns, ==, MS(20));
    g_assert_cmpuint(s->rtt_n[TCPX_C2S], ==, 1);
    g_assert_cmpuint(s->rtt_n[TCPX_S2C], ==, 1);
    g_assert_cmpint(s->duration_ns, ==, MS(120.1));
    g_assert_cmpint(s->loss_pattern, ==, TCPX_LOSS_NONE);
    g_assert_true(s->options_known);
    g_assert_cmpuint(s->mss[0], ==, 1460);
    g_assert_cmpuint(s->mss[1], ==, 1400);
    g_assert_cmpint(s->wscale[0], ==, 7);
    g_assert_cmpint(s->wscale[1], ==, 9);
    g_assert_true(s->sack);
    g_assert_false(s->ecn);
    g_assert_cmpuint(s->server_port, ==, 80);
    tcpx_health_free(h);
}

/* Server sends 100 segments; 6 are lost and retransmitted, with duplicate ACKs. */
static void
lossy_stream(conn_t *c, gboolean bursty)
{
    int i, lost = 0;
    double t = 100;
    handshake(c, 0, 20, 0.1);
    rec(c, 21, C, PA, 200, 64256, 0);
    for (i = 0; i < 100; i++, t += 1) {
        rec(c, t, S, A, 1400, 65160, 0);
        if ((bursty && i >= 50 && i < 56) || (!bursty && i % 16 == 5 && lost < 6)) {
            rec(c, t + 0.2, C, A, 0, 64256, KB(TCPX_K_DUP_ACK));
            rec(c, t + 0.4, C, A, 0, 64256, KB(TCPX_K_DUP_ACK));
            rec_full(c, t + 0.6, S, A, 1400, 65160, bursty ? KB(TCPX_K_FAST_RETRANSMISSION) : KB(TCPX_K_RETRANSMISSION),
                     0, 0, 0, c->seq[1] - 1400);
            lost++;
            if (!bursty)
                t += 900; /* scattered: far apart in time */
        }
    }
    close_both(c, t + 10, 20);
}

static void
test_lossy_scattered(void)
{
    tcpx_health_t *h = tcpx_health_new(NULL);
    conn_t c;
    const tcpx_health_stream_t *s;

    conn_init(&c, h, 1, TRUE);
    lossy_stream(&c, FALSE);
    s = judge(&c);
    g_assert_cmpint(s->fault, ==, TCPX_FAULT_NETWORK);
    g_assert_cmpstr(s->verdict_code, ==, "network_loss");
    g_assert_nonnull(strstr(s->verdict, "network loss"));
    g_assert_cmpuint(s->retx_segments, ==, 6);
    g_assert_cmpuint(s->retx_bytes, ==, 6 * 1400);
    g_assert_cmpuint(s->dup_acks, ==, 12);
    g_assert_cmpint(s->loss_pattern, ==, TCPX_LOSS_SCATTERED);
    /* 6 of 101 data segments = 5.9% >= 5%: the high band */
    g_assert_cmpint(s->score, ==, 100 - 40);
    g_assert_true(tcpx_health_unhealthy(s));
    tcpx_health_free(h);
}

static void
test_lossy_bursts(void)
{
    tcpx_health_t *h = tcpx_health_new(NULL);
    conn_t c;
    const tcpx_health_stream_t *s;

    conn_init(&c, h, 2, TRUE);
    lossy_stream(&c, TRUE);
    s = judge(&c);
    g_assert_cmpint(s->fault, ==, TCPX_FAULT_NETWORK);
    g_assert_cmpint(s->loss_pattern, ==, TCPX_LOSS_BURSTS);
    g_assert_cmpuint(s->loss_events, ==, 6);
    g_assert_cmpuint(s->burst_events, ==, 6);
    tcpx_health_free(h);
}

/* A D-SACK proves a loss retransmission unneeded: it is taken out of the loss, whether it
 * rides on a duplicate ACK or on an ACK that advances (tcpx's own dsack finding).  client_leg_ms:
 * the capture point's round trip to the client (the receiver); orig_age_ms: the timer resend's wait
 * since its original (0: not told). */
static void
dsack_takes_back_loss(gboolean on_dup_ack, gboolean prompted, double client_leg_ms, double orig_age_ms)
{
    tcpx_health_t *h = tcpx_health_new(NULL);
    conn_t c;
    tcpx_result_t res;
    conn_init(&c, h, 3, TRUE);
    handshake(&c, 0, 20.1 - client_leg_ms, client_leg_ms);
    rec(&c, 21, C, PA, 200, 64256, 0);
    for (int i = 0; i < 20; i++)
        rec(&c, 40 + i, S, A, 1400, 65160, 0);
    guint8 kind = prompted ? TCPX_K_FAST_RETRANSMISSION : TCPX_K_RETRANSMISSION;
    if (prompted) /* the client's duplicate ACKs asked for it */
        finding_next(&c, kind, TCPX_C_FAST_RETX_DUPACKS, 0, 0);
    else if (orig_age_ms > 0) {
        finding_next(&c, kind, TCPX_C_RETX_TIMEOUT, 0, 0);
        c.res.f[0].orig_age_ns = MS(orig_age_ms);
    }
    const tcpx_health_stream_t *s = rec_full(&c, 300, S, A, 1400, 65160, KB(kind), 0, 0, 0, c.seq[1] - 1400);
    guint32 retx_frame = c.frame;
    gboolean held = orig_age_ms > 0 && client_leg_ms <= 1;
    /* data the capture saw reach the client, which ACKed nothing for 240 ms: held there, no loss */
    g_assert_cmpuint(s->retx_net[1], ==, held ? 0 : 1);
    g_assert_cmpuint(s->ack_held_resends, ==, held ? 1 : 0);
    /* the client's D-SACK for those bytes */
    memset(&res, 0, sizeof res);
    res.n = 1;
    res.f[0].kind = on_dup_ack ? TCPX_K_DUP_ACK : TCPX_K_DSACK;
    res.f[0].cause = TCPX_C_DUPACK_DSACK;
    res.f[0].orig_frame = on_dup_ack ? retx_frame : 0;
    res.f[0].ref_frame = on_dup_ack ? 0 : retx_frame;
    tcpx_tap_rec_t r;
    memset(&r, 0, sizeof r);
    r.frame = ++c.frame;
    r.ts_ns = c.t0 + MS(320);
    r.stream = c.stream;
    r.from_client = TRUE;
    r.client = c.st.name[0];
    r.server = c.st.name[1];
    r.flags = A;
    r.win = 64256;
    r.kinds = on_dup_ack ? KB(TCPX_K_DUP_ACK) : 0;
    r.st = &c.st;
    r.result = &res;
    s = tcpx_health_add(h, &r);
    g_assert_cmpuint(s->retx_net[1], ==, 0);
    g_assert_cmpuint(s->retx_unneeded, ==, held ? 0 : 1); /* a held resend was no loss to take back */
    g_assert_cmpuint(s->ack_held_dsacked, ==, held ? 1 : 0);
    g_assert_cmpuint(s->loss_events, ==, 0);
    /* a second D-SACK for the same frame takes nothing more back */
    r.frame = ++c.frame;
    s = tcpx_health_add(h, &r);
    g_assert_cmpuint(s->retx_unneeded, ==, held ? 0 : 1);
    g_assert_cmpuint(s->ack_held_dsacked, ==, held ? 1 : 0);
    g_assert_cmpuint(s->retx_unneeded_prompted, ==, prompted ? 1 : 0);
    s = judge(&c);
    if (prompted) { /* duplicate ACKs for data that came: reordering, no delay, no issue */
        g_assert_cmpstr(s->verdict_code, ==, "healthy");
        tcpx_health_free(h);
        return;
    }
    if (held) {
        /* the data passed here 0.1 ms from the client, which ACKed nothing for 240 ms: it held its ACK */
        g_assert_cmpstr(s->verdict_code, ==, "ack_held");
        g_assert_cmpint(s->fault, ==, TCPX_FAULT_NONE);
        g_assert_cmpint(s->score, ==, 100);
        if (!strstr(s->verdict,
                    "1 resend not needed: the data passed here 0.100 ms from the client, unACKed until the "
                    "server's timer resent it 240 ms later: a delayed ACK outlasting the timer, not a loss"))
            g_error("%s", s->verdict);
        tcpx_health_free(h);
        return;
    }
    g_assert_cmpstr(s->verdict_code, ==, "delay_spike"); /* every loss resend proved unneeded, a timer's too */
    g_assert_cmpint(s->fault, ==, TCPX_FAULT_NETWORK);
    g_assert_nonnull(strstr(s->verdict, "1 retransmission was not needed"));
    tcpx_health_free(h);
}

static void
test_dsack_takes_back_loss(void)
{
    dsack_takes_back_loss(TRUE, FALSE, 0.1, 0);
    dsack_takes_back_loss(FALSE, FALSE, 0.1, 0);
    dsack_takes_back_loss(TRUE, TRUE, 0.1, 0);
    /* a timer's resend 240 ms after its original, which passed here 0.1 ms from the client: the client held
     * its ACK; 20 ms from the client (the capture near the server), the path may have held the data */
    dsack_takes_back_loss(TRUE, FALSE, 0.1, 240);
    dsack_takes_back_loss(TRUE, FALSE, 20, 240);
}

/* The same held resend with no D-SACK after it: the client held its ACK or dropped the data itself. */
static void
test_ack_held_no_dsack(void)
{
    tcpx_health_t *h = tcpx_health_new(NULL);
    conn_t c;
    conn_init(&c, h, 4, TRUE);
    handshake(&c, 0, 20, 0.1);
    rec(&c, 21, C, PA, 200, 64256, 0);
    for (int i = 0; i < 20; i++)
        rec(&c, 40 + i, S, A, 1400, 65160, 0);
    finding_next(&c, TCPX_K_RETRANSMISSION, TCPX_C_RETX_TIMEOUT, 0, 0);
    c.res.f[0].orig_age_ns = MS(240);
    rec_full(&c, 300, S, A, 1400, 65160, KB(TCPX_K_RETRANSMISSION), 0, 0, 0, c.seq[1] - 1400);
    rec(&c, 301, C, A, 0, 64256, 0);
    const tcpx_health_stream_t *s = judge(&c);
    g_assert_cmpuint(s->retx_net[1], ==, 0);
    g_assert_cmpstr(s->verdict_code, ==, "ack_held");
    g_assert_cmpint(s->fault, ==, TCPX_FAULT_UNDETERMINED);
    if (!strstr(s->verdict,
                "1 resend of data that passed here 0.100 ms from the client, unACKed until the server's "
                "timer resent it 240 ms later: held or dropped by the client, or lost on the last link to it"))
        g_error("%s", s->verdict);
    tcpx_health_free(h);
}

/* Captured near the server, behind ACKs lost on the way: the client falls silent while the server sends
 * on, the server's timer resends the oldest segment twice, then the client's next ACK covers it all.
 * unseen: the packets the client sent meanwhile that never arrived (its IP ID's rise less one); ip_ids:
 * the client's IP IDs count its packets; waiting: the client saw all the server sent and said so with
 * a duplicate ACK for the oldest segment before falling silent (a data loss, then the wait for it). */
static const tcpx_health_stream_t *
ack_silence_stream(tcpx_health_t *h, guint16 unseen, gboolean ip_ids, gboolean waiting, gboolean swapped)
{
    conn_t c;
    conn_init(&c, h, 5, TRUE);
    c.ip_ids = ip_ids;
    handshake(&c, 0, 0.1, 20);
    rec(&c, 21, C, PA, 200, 64256, 0);
    guint16 base = c.ip_id[0];
    for (int i = 0; i < 20; i++) {
        rec(&c, 40 + i, S, A, 1400, 65160, 0);
        if (swapped && i % 2) /* captured in pairs out of order: IDs +2, +1, +4, +3, ... */
            c.ip_id[0] = (guint16)(base + ((i / 2) ^ 1));
        if (i % 2)
            rec(&c, 60.5 + i, C, A, 0, 64256, 0);
    }
    if (swapped)
        c.ip_id[0] = (guint16)(base + 10);
    guint32 oldest = c.seq[1];
    for (int i = 0; i < 8; i++) /* the client's ACKs for these are lost */
        rec(&c, 90 + i, S, A, 1400, 65160, 0);
    if (waiting) {
        guint32 next = c.seq[1];
        c.seq[1] = oldest;
        rec(&c, 97.5, C, A, 0, 64256, KB(TCPX_K_DUP_ACK));
        c.seq[1] = next;
    }
    for (int k = 0; k < 2; k++) {
        finding_next(&c, TCPX_K_RETRANSMISSION, TCPX_C_RETX_TIMEOUT, 0, 0);
        rec_full(&c, 300 + 500 * k, S, A, 1400, 65160, KB(TCPX_K_RETRANSMISSION), 0, 0, 0, oldest);
    }
    c.ip_id[0] += unseen;
    rec(&c, 820, C, A, 0, 64256, 0); /* acknowledges it all */
    return judge(&c);
}

/* ACKs lost before a capture near the sender: the client's IP IDs count the packets it sent that
 * never arrived, so the timer's resends answered lost ACKs: no data loss.  A client that sent
 * nothing meanwhile (its IP ID one up), or whose IP IDs count nothing, leaves it undetermined: ACKs
 * lost, data held on the path, or a stalled client.  A client that was waiting for the resent
 * bytes (it had seen all the rest) was silent because it had nothing to say: a data loss. */
static void
test_ack_silence(void)
{
    tcpx_health_t *h = tcpx_health_new(NULL);
    const tcpx_health_stream_t *s = ack_silence_stream(h, 6, TRUE, FALSE, FALSE);
    g_assert_cmpstr(s->verdict_code, ==, "ack_lost");
    g_assert_cmpint(s->fault, ==, TCPX_FAULT_NETWORK);
    g_assert_cmpuint(s->retx_net[1], ==, 0);
    g_assert_cmpuint(s->loss_events, ==, 0);
    g_assert_cmpuint(s->ack_silence_resends, ==, 2);
    g_assert_cmpuint(s->ack_silence_lost, ==, 6);
    g_assert_nonnull(strstr(s->verdict, "IP ID counts 6 packets it sent"));
    tcpx_health_free(h);

    for (int ip_ids = 0; ip_ids < 2; ip_ids++) {
        h = tcpx_health_new(NULL);
        s = ack_silence_stream(h, 0, ip_ids, FALSE, FALSE);
        g_assert_cmpstr(s->verdict_code, ==, "silence_undetermined");
        g_assert_cmpint(s->fault, ==, TCPX_FAULT_UNDETERMINED);
        g_assert_cmpuint(s->retx_net[1], ==, 0);
        g_assert_cmpuint(s->ack_silence_resends, ==, 0);
        g_assert_cmpuint(s->silence_resends, ==, 2);
        g_assert_cmpint(s->silence_sent_none, ==, ip_ids);
        g_assert_nonnull(strstr(s->verdict, ip_ids ? "it sent nothing (IP ID): data held on the path, or the client "
                                                     "stalled"
                                                   : "ACKs lost, data held on the path, or the client stalled"));
        tcpx_health_free(h);
    }

    /* the client's packets captured in pairs out of order: its IP IDs still count them */
    h = tcpx_health_new(NULL);
    s = ack_silence_stream(h, 6, TRUE, FALSE, TRUE);
    g_assert_cmpstr(s->verdict_code, ==, "ack_lost");
    g_assert_cmpuint(s->ack_silence_lost, ==, 6);
    tcpx_health_free(h);

    h = tcpx_health_new(NULL);
    s = ack_silence_stream(h, 6, TRUE, TRUE, FALSE);
    g_assert_cmpstr(s->verdict_code, ==, "network_loss");
    g_assert_cmpuint(s->ack_silence_resends, ==, 0);
    g_assert_cmpuint(s->silence_resends, ==, 0);
    tcpx_health_free(h);
}

/* A resend of data whose ACK passed the capture point ack_age_ms earlier (cause ack_lost), on a 20 ms
 * path captured near the client (near_server: near the server, the resending side). */
static const tcpx_health_stream_t *
ack_lost_stream(tcpx_health_t *h, double ack_age_ms, gboolean near_server)
{
    conn_t c;
    conn_init(&c, h, 4, TRUE);
    if (near_server)
        handshake(&c, 0, 0.1, 20);
    else
        handshake(&c, 0, 20, 0.1);
    rec(&c, 21, C, PA, 200, 64256, 0);
    for (int i = 0; i < 20; i++)
        rec(&c, 40 + i, S, A, 1400, 65160, 0);
    rec(&c, 61, C, A, 0, 64256, 0); /* acknowledges it all */
    finding_next(&c, TCPX_K_SPURIOUS_RETRANSMISSION, TCPX_C_SPURIOUS_ACK_LOST, 0, 0);
    c.res.f[0].ack_age_ns = MS(ack_age_ms);
    rec_full(&c, 61 + ack_age_ms, S, A, 1400, 65160, KB(TCPX_K_SPURIOUS_RETRANSMISSION), 0, 0, 0, c.seq[1] - 28000);
    return judge(&c);
}

/* ACKs that passed the capture point and never reached the sender: its resends say so, when the ACK
 * was old enough at the resend that no queue toward here could hold the resend that long. */
static void
test_ack_lost(void)
{
    tcpx_health_t *h = tcpx_health_new(NULL);
    const tcpx_health_stream_t *s = ack_lost_stream(h, 220, FALSE);
    g_assert_cmpstr(s->verdict_code, ==, "ack_lost");
    g_assert_cmpint(s->fault, ==, TCPX_FAULT_NETWORK);
    g_assert_cmpuint(s->retx_net[1], ==, 0); /* not a loss of data */
    g_assert_nonnull(strstr(s->verdict, "the server resent 1 segment the client had acknowledged, up to 220 ms"));
    tcpx_health_free(h);
    h = tcpx_health_new(NULL); /* a younger ACK: a resend held in a queue would look the same */
    g_assert_cmpstr(ack_lost_stream(h, 60, FALSE)->verdict_code, ==, "healthy");
    tcpx_health_free(h);
    h = tcpx_health_new(NULL); /* captured near the resending side: its own queue may have held it */
    g_assert_cmpstr(ack_lost_stream(h, 220, TRUE)->verdict_code, ==, "healthy");
    tcpx_health_free(h);
}

/* Capture copies count as the capture's, never as window, dup-ACK or loss evidence. */
static void
test_copies_are_the_captures(void)
{
    tcpx_health_t *h = tcpx_health_new(NULL);
    conn_t c;
    conn_init(&c, h, 4, TRUE);
    handshake(&c, 0, 20, 0.1);
    rec(&c, 21, C, PA, 200, 64256, 0);
    rec(&c, 40, S, A, 1400, 65160, KB(TCPX_K_WINDOW_FULL));
    rec_full(&c, 40.01, S, A, 1400, 65160, KB(TCPX_K_CAPTURE_COPY) | KB(TCPX_K_WINDOW_FULL), 0, 0, 0, c.seq[1] - 1400);
    rec(&c, 41, C, A, 0, 0, 0);
    for (int i = 0; i < 5; i++)
        rec(&c, 41.01 + i, C, A, 0, 0, KB(TCPX_K_CAPTURE_COPY) | KB(TCPX_K_DUP_ACK));
    const tcpx_health_stream_t *s = judge(&c);
    g_assert_cmpuint(s->capture_dups, ==, 6);
    g_assert_cmpuint(s->dup_acks, ==, 0);
    g_assert_cmpuint(s->window_full_recv[0], ==, 1);
    g_assert_cmpuint(s->retx_net[1], ==, 0);
    g_assert_cmpuint(s->packets[0] + s->packets[1], ==, 12); /* the file's packets, copies too */
    g_assert_cmpuint(s->bytes[1], ==, 1400);                 /* ...but their bytes once */
    tcpx_health_free(h);
}

/* Every packet twice: the capture verdict says so. */
static void
test_every_packet_twice(void)
{
    tcpx_health_t *h = tcpx_health_new(NULL);
    conn_t c;
    conn_init(&c, h, 5, TRUE);
    rec(&c, 0, C, TCPX_TH_SYN, 0, 64240, 0);
    rec(&c, 0.01, C, TCPX_TH_SYN, 0, 64240, KB(TCPX_K_CAPTURE_COPY));
    rec(&c, 20, S, TCPX_TH_SYN | TCPX_TH_ACK, 0, 65160, 0);
    rec(&c, 20.01, S, TCPX_TH_SYN | TCPX_TH_ACK, 0, 65160, KB(TCPX_K_CAPTURE_COPY));
    rec(&c, 20.1, C, A, 0, 64256, 0);
    rec(&c, 20.11, C, A, 0, 64256, KB(TCPX_K_CAPTURE_COPY));
    const tcpx_health_stream_t *s = judge(&c);
    g_assert_cmpstr(s->verdict_code, ==, "capture_missed");
    g_assert_nonnull(strstr(s->verdict, "each packet appears twice"));
    tcpx_health_free(h);
}

/* A big hole before the retransmissions: a network hole of 3 segments, bursty. */
static void
test_network_hole(void)
{
    tcpx_health_t *h = tcpx_health_new(NULL);
    conn_t c;
    const tcpx_health_stream_t *s;
    int i;

    conn_init(&c, h, 3, TRUE);
    handshake(&c, 0, 20, 0.1);
    rec(&c, 21, C, PA, 200, 64256, 0);
    for (i = 0; i < 40; i++)
        rec(&c, 50 + i, S, A, 1400, 65160, 0);
    c.seq[1] += 3 * 1400; /* three segments lost before the capture point */
    rec_full(&c, 95, S, A, 1400, 65160, KB(TCPX_K_LOST_SEGMENT), 0, 3 * 1400, 3, 0);
    rec(&c, 95.2, C, A, 0, 64256, KB(TCPX_K_DUP_ACK));
    rec_full(&c, 200, S, A, 1400, 65160, KB(TCPX_K_RETRANSMISSION), 0, 0, 0, 1 + 40 * 1400 + 1);
    s = judge(&c);
    g_assert_cmpuint(s->network_holes, ==, 1);
    g_assert_cmpuint(s->capture_gaps, ==, 0);
    g_assert_cmpuint(s->lost_bytes, ==, 3 * 1400);
    g_assert_cmpuint(s->lost_segments, ==, 3);
    g_assert_cmpint(s->loss_pattern, ==, TCPX_LOSS_BURSTS);
    g_assert_cmpint(s->fault, ==, TCPX_FAULT_NETWORK);
    tcpx_health_free(h);
}

static void
test_zero_window(void)
{
    tcpx_health_t *h = tcpx_health_new(NULL);
    conn_t c;
    const tcpx_health_stream_t *s;
    int i;

    conn_init(&c, h, 4, TRUE);
    handshake(&c, 0, 20, 0.1);
    rec(&c, 21, C, PA, 200, 64256, 0);
    for (i = 0; i < 10; i++)
        rec(&c, 50 + i, S, A, 1400, 65160, 0);
    rec(&c, 70, S, A, 1400, 65160, KB(TCPX_K_WINDOW_FULL));
    rec(&c, 71, C, A, 0, 0, KB(TCPX_K_ZERO_WINDOW)); /* client: window 0 */
    rec(&c, 571, S, A, 1, 65160, KB(TCPX_K_ZERO_WINDOW_PROBE));
    rec(&c, 572, C, A, 0, 0, KB(TCPX_K_ZERO_WINDOW) | KB(TCPX_K_ZERO_WINDOW_PROBE_ACK));
    rec(&c, 1571, S, A, 1, 65160, KB(TCPX_K_ZERO_WINDOW_PROBE));
    rec(&c, 1572, C, A, 0, 0, KB(TCPX_K_ZERO_WINDOW) | KB(TCPX_K_ZERO_WINDOW_PROBE_ACK));
    rec(&c, 2571, C, A, 0, 64256, KB(TCPX_K_WINDOW_UPDATE)); /* reopened after 2.5 s */
    for (i = 0; i < 5; i++)
        rec(&c, 2600 + i, S, A, 1400, 65160, 0);
    close_both(&c, 2700, 20);
    s = judge(&c);

    g_assert_cmpint(s->zero_window_ns[0], ==, MS(2500));
    g_assert_cmpint(s->zero_window_ns[1], ==, 0);
    g_assert_cmpint(s->fault, ==, TCPX_FAULT_CLIENT);
    g_assert_cmpstr(s->verdict_code, ==, "client_not_reading");
    g_assert_nonnull(strstr(s->verdict, "client application is not reading"));
    g_assert_cmpint(s->score, ==, 100 - 30);
    g_assert_cmpuint(s->window_full_recv[0], ==, 1);
    /* probes are not requests/answers, not data segments */
    g_assert_cmpuint(s->anomalies[TCPX_K_ZERO_WINDOW], ==, 3);
    tcpx_health_free(h);
}

/* Server side not reading: the server advertises the zero window. */
static void
test_zero_window_server(void)
{
    tcpx_health_t *h = tcpx_health_new(NULL);
    conn_t c;
    const tcpx_health_stream_t *s;

    conn_init(&c, h, 5, TRUE);
    handshake(&c, 0, 20, 0.1);
    rec(&c, 30, C, PA, 1400, 64256, 0);
    rec(&c, 31, S, A, 0, 0, KB(TCPX_K_ZERO_WINDOW));
    rec(&c, 5000, C, PA, 1400, 64256, 0); /* still zero at the end: counted to the last record */
    s = judge(&c);
    g_assert_cmpint(s->zero_window_ns[1], ==, MS(4969));
    g_assert_cmpint(s->fault, ==, TCPX_FAULT_SERVER);
    g_assert_cmpstr(s->verdict_code, ==, "server_not_reading");
    g_assert_cmpint(s->done, ==, TCPX_DONE_OPEN);
    tcpx_health_free(h);
}

static void
slow_server(conn_t *c)
{
    handshake(c, 0, 20, 0.1);
    rec(c, 100, C, PA, 250, 64256, 0);                        /* request */
    rec_full(c, 120.5, S, A, 0, 65160, 0, MS(20.5), 0, 0, 0); /* ACKed at once */
    rec_full(c, 1120, C, A, 0, 64256, KB(TCPX_K_KEEP_ALIVE), 0, 0, 0, c->seq[0] - 1);
    rec(c, 1140, S, A, 0, 65160, KB(TCPX_K_KEEP_ALIVE_ACK));
    rec_full(c, 2140, C, A, 0, 64256, KB(TCPX_K_KEEP_ALIVE), 0, 0, 0, c->seq[0] - 1);
    rec(c, 2160, S, A, 0, 65160, KB(TCPX_K_KEEP_ALIVE_ACK));
    rec(c, 3100, S, PA, 900, 65160, 0); /* answer after 3 s */
    rec_full(c, 3120, C, A, 0, 64256, 0, MS(20), 0, 0, 0);
    close_both(c, 3200, 20);
}

static void
test_slow_server(void)
{
    tcpx_health_t *h = tcpx_health_new(NULL);
    conn_t c;
    const tcpx_health_stream_t *s;
    GString *p = g_string_new(NULL);

    conn_init(&c, h, 6, TRUE);
    slow_server(&c);
    s = judge(&c);
    g_assert_cmpuint(s->resp_n, ==, 1);
    g_assert_cmpint(s->resp_max_ns, ==, MS(3000));
    g_assert_cmpint(s->resp_max_ack_ns, ==, MS(20.5));
    g_assert_cmpuint(s->resp_max_keepalives, ==, 2);
    g_assert_cmpuint(s->keepalives[0], ==, 2);
    g_assert_cmpuint(s->data_segments, ==, 2);
    g_assert_cmpint(s->fault, ==, TCPX_FAULT_SERVER);
    g_assert_cmpstr(s->verdict_code, ==, "server_app_slow");
    g_assert_nonnull(strstr(s->verdict, "network fine"));
    g_assert_cmpint(s->score, ==, 70);
    g_assert_cmpint(s->loss_pattern, ==, TCPX_LOSS_NONE);
    /* durations carry their unit: seconds from 1 s on, never "3000.000 ms" */
    g_assert_nonnull(strstr(s->verdict, "answered after 3.00 s although"));
    g_assert_null(strstr(s->verdict, "3000"));
    tcpx_health_render_paragraph(s, p);
    g_assert_nonnull(strstr(p->str, "keep-alives"));
    g_assert_nonnull(strstr(p->str, "Server application slow"));
    g_assert_nonnull(strstr(p->str, "slowest 3.00 s (frame"));
    g_assert_null(strstr(p->str, " ms ms"));
    g_string_free(p, TRUE);
    tcpx_health_free(h);
}

/* The preferences drive the rules: a 1000 RTT slow factor makes 3 s acceptable. */
static void
test_prefs_used(void)
{
    tcpx_health_prefs_t prefs;
    tcpx_health_t *h;
    conn_t c;
    const tcpx_health_stream_t *s;

    tcpx_health_prefs_default(&prefs);
    prefs.slow_factor = 1000;
    h = tcpx_health_new(&prefs);
    conn_init(&c, h, 7, TRUE);
    slow_server(&c);
    s = judge(&c);
    g_assert_cmpint(s->fault, ==, TCPX_FAULT_NONE);
    g_assert_cmpint(s->score, ==, 100);
    tcpx_health_free(h);
}

/* The server never ACKs the request separately: slow, but not "network fine". */
static void
test_slow_server_piggybacked(void)
{
    tcpx_health_t *h = tcpx_health_new(NULL);
    conn_t c;
    const tcpx_health_stream_t *s;

    conn_init(&c, h, 8, TRUE);
    handshake(&c, 0, 20, 0.1);
    rec(&c, 100, C, PA, 250, 64256, 0);
    rec(&c, 1100, S, PA, 900, 65160, 0);
    s = judge(&c);
    g_assert_cmpint(s->resp_max_ack_ns, ==, -1);
    g_assert_cmpint(s->fault, ==, TCPX_FAULT_SERVER);
    g_assert_cmpstr(s->verdict_code, ==, "server_slow");
    tcpx_health_free(h);
}

static void
test_refused(void)
{
    tcpx_health_t *h = tcpx_health_new(NULL);
    conn_t c;
    const tcpx_health_stream_t *s;

    conn_init(&c, h, 9, FALSE);
    c.st.side[0].syn_seen = TRUE;
    c.st.side[0].mss = 1460;
    rec(&c, 0, C, TCPX_TH_SYN, 0, 64240, 0);
    rec(&c, 0.3, S, TCPX_TH_RST | TCPX_TH_ACK, 0, 0, 0);
    s = judge(&c);
    g_assert_cmpint(s->done, ==, TCPX_DONE_REFUSED);
    g_assert_cmpstr(s->done_text, ==, "refused");
    /* nothing to compare the reset with: the server or a firewall (tests/unit/test_resets.c: the others) */
    g_assert_cmpint(s->fault, ==, TCPX_FAULT_UNDETERMINED);
    g_assert_cmpstr(s->verdict_code, ==, "refused");
    g_assert_null(strstr(s->verdict, "nothing listening"));
    g_assert_nonnull(strstr(s->verdict, "or a firewall did"));
    g_assert_nonnull(strstr(s->verdict, "port 80"));
    g_assert_cmpint(s->score, <=, 20);
    g_assert_cmpuint(s->resets[1], ==, 1);
    g_assert_cmpint(s->rst_side, ==, 1);
    /* a zero window on a RST is not a zero window */
    g_assert_cmpint(s->zero_window_ns[1], ==, 0);
    g_assert_cmpint(s->position, ==, TCPX_POS_UNKNOWN);
    tcpx_health_free(h);
}

static void
test_syn_unanswered(void)
{
    tcpx_health_t *h = tcpx_health_new(NULL);
    conn_t c;
    const tcpx_health_stream_t *s;

    conn_init(&c, h, 10, FALSE);
    rec(&c, 0, C, TCPX_TH_SYN, 0, 64240, 0);
    rec_full(&c, 1000, C, TCPX_TH_SYN, 0, 64240, KB(TCPX_K_RETRANSMISSION), 0, 0, 0, 1);
    rec_full(&c, 3000, C, TCPX_TH_SYN, 0, 64240, KB(TCPX_K_RETRANSMISSION), 0, 0, 0, 1);
    s = judge(&c);
    g_assert_cmpint(s->done, ==, TCPX_DONE_SYN_UNANSWERED);
    /* a host down, a firewall or the path: the capture cannot tell */
    g_assert_cmpint(s->fault, ==, TCPX_FAULT_UNDETERMINED);
    g_assert_cmpint(s->score, <=, 20);
    g_assert_nonnull(strstr(s->verdict, "no answer to the SYN (3 sent)"));
    g_assert_nonnull(strstr(s->verdict, "a capture at the server would tell"));
    tcpx_health_free(h);
}

/* A lone SYN in the capture's last moments: the capture ended, nothing says the SYN went unanswered. */
static void
test_syn_at_capture_end(void)
{
    tcpx_health_t *h = tcpx_health_new(NULL);
    conn_t c, other;
    const tcpx_health_stream_t *s;

    conn_init(&other, h, 11, TRUE);
    handshake(&other, 0, 20, 0.1);
    conn_init(&c, h, 12, FALSE);
    rec(&c, 5000, C, TCPX_TH_SYN, 0, 64240, 0);
    rec(&other, 5200, C, PA, 100, 64256, 0);
    s = judge(&c);
    g_assert_cmpstr(s->verdict_code, ==, "capture_ended");
    g_assert_cmpint(s->fault, ==, TCPX_FAULT_NONE);
    g_assert_nonnull(strstr(s->verdict, "the capture ended 0.200 s after the SYN"));
    /* contradiction: the capture went on for 3 s after it */
    rec(&other, 8000, C, PA, 100, 64256, 0);
    s = judge(&c);
    g_assert_cmpstr(s->verdict_code, ==, "syn_unanswered");
    g_assert_cmpint(s->fault, ==, TCPX_FAULT_UNDETERMINED);
    g_assert_null(strstr(s->verdict, "gave up"));
    /* 6 s and more without the SYN sent again (a TCP stack resends within 3 s): the client gave up on its own */
    rec(&other, 11500, C, PA, 100, 64256, 0);
    s = judge(&c);
    g_assert_cmpstr(s->verdict_code, ==, "syn_unanswered");
    if (!strstr(s->verdict, "never sent it again though the capture ran 6.50 s on") ||
        !strstr(s->verdict, "the client gave up on its own"))
        g_error("%s", s->verdict);
    tcpx_health_free(h);
}

/* A refused attempt (SYN, RST) from 10.0.0.1 to port `port` of 10.0.0.2 at t ms, as stream id. */
static void
refused_attempt(tcpx_health_t *h, conn_t *c, guint32 id, const char *server, guint16 port, double t)
{
    conn_init(c, h, id, FALSE);
    c->st.name[1] = server;
    c->st.port[1] = port;
    rec(c, t, C, TCPX_TH_SYN, 0, 64240, 0);
    rec(c, t + 0.2, S, TCPX_TH_RST | TCPX_TH_ACK, 0, 0, 0);
}

/* Refusals to a port scanner are the scanner's doing; repeated attempts to one port are grouped. */
static void
test_scan_and_groups(void)
{
    static const char *const servers[] = { "10.0.0.2:22", "10.0.0.2:23", "10.0.0.2:25" };
    static const guint16 ports[] = { 22, 23, 25 };
    tcpx_health_t *h = tcpx_health_new(NULL);
    conn_t c[3];
    for (int i = 0; i < 3; i++)
        refused_attempt(h, &c[i], 50 + i, servers[i], ports[i], 1000 * i);
    tcpx_health_finish(h);
    for (int i = 0; i < 3; i++) {
        const tcpx_health_stream_t *s = tcpx_health_lookup(h, 50 + i);
        g_assert_cmpstr(s->verdict_code, ==, "port_scan");
        g_assert_cmpint(s->fault, ==, TCPX_FAULT_NONE);
        g_assert_cmpint(s->score, ==, 100);
        g_assert_nonnull(
            strstr(s->verdict,
                   "port scan: 10.0.0.1 tried 3 ports of 10.0.0.2 within 2.000 s (3 refused): the scanner's"));
    }
    tcpx_health_free(h);

    /* contradiction: the same ports tried over ten minutes is no scan: each refusal stands */
    h = tcpx_health_new(NULL);
    for (int i = 0; i < 3; i++)
        refused_attempt(h, &c[i], 60 + i, servers[i], ports[i], 300000.0 * i);
    tcpx_health_finish(h);
    g_assert_cmpstr(tcpx_health_lookup(h, 60)->verdict_code, ==, "refused");
    /* (the resets carry no TTL to compare with the server's: who sent them is undetermined) */
    g_assert_cmpint(tcpx_health_lookup(h, 60)->fault, ==, TCPX_FAULT_UNDETERMINED);
    tcpx_health_free(h);

    /* repeated attempts to one port: grouped, said once */
    h = tcpx_health_new(NULL);
    for (int i = 0; i < 3; i++) {
        conn_init(&c[i], h, 70 + i, FALSE);
        rec(&c[i], 100.0 * i, C, TCPX_TH_SYN, 0, 64240, 0);
        rec_full(&c[i], 100.0 * i + 1000, C, TCPX_TH_SYN, 0, 64240, KB(TCPX_K_RETRANSMISSION), 0, 0, 0, 1);
    }
    tcpx_health_finish(h);
    const tcpx_health_stream_t *s = tcpx_health_lookup(h, 71);
    g_assert_cmpstr(s->verdict_code, ==, "syn_unanswered");
    g_assert_cmpuint(s->group_n, ==, 3);
    g_assert_cmpuint(s->group_lead, ==, 70);
    GString *out = g_string_new(NULL);
    tcpx_health_render_paragraphs(h, out);
    if (!strstr(
            out->str,
            "Repeated attempts: 3 connections from 10.0.0.1 to 10.0.0.2:80 over 1.200 s,\n  none answered (streams 70, 71, 72)."))
        g_error("%s", out->str);
    g_assert_null(strstr(out->str, "Stream 71:"));
    g_string_free(out, TRUE);
    tcpx_health_free(h);
}

/* One probe each from three hosts on three ports of 10.0.0.2 that it served to no one: the host is being
 * scanned, not at fault.  A refusal on a port it served stays a refusal; two hosts are not enough; nor is a
 * host that refuses nothing (down: its SYNs unanswered). */
static void
test_probed_host(void)
{
    static const char *const clients[] = { "10.9.0.1:4001", "10.9.0.2:4002", "10.9.0.3:4003", "10.9.0.4:4004" };
    static const char *const servers[] = { "10.0.0.2:4899", "10.0.0.2:5554", "10.0.0.2:9898", "10.0.0.2:80" };
    static const guint16 ports[] = { 4899, 5554, 9898, 80 };
    for (int hosts = 2; hosts <= 4; hosts++) { /* 4: 3 hosts, but the host down: SYNs unanswered */
        tcpx_health_t *h = tcpx_health_new(NULL);
        conn_t c[5];
        for (int i = 0; i < 4; i++) { /* the 4th: port 80, also served below */
            conn_init(&c[i], h, 80 + i, FALSE);
            c[i].st.name[0] = clients[i < MIN(hosts, 3) ? i : 0];
            c[i].st.name[1] = servers[i];
            c[i].st.port[1] = ports[i];
            rec(&c[i], 60000.0 * i, C, TCPX_TH_SYN, 0, 64240, 0);
            if (hosts < 4)
                rec(&c[i], (60000.0 * i) + 0.2, S, TCPX_TH_RST | TCPX_TH_ACK, 0, 0, 0);
        }
        conn_init(&c[4], h, 90, TRUE);
        handshake(&c[4], 500000, 20, 0.1);
        tcpx_health_finish(h);
        const tcpx_health_stream_t *s = tcpx_health_lookup(h, 81);
        g_assert_cmpstr(tcpx_health_lookup(h, 83)->verdict_code, ==, hosts < 4 ? "refused" : "syn_unanswered");
        if (hosts != 3) {
            g_assert_cmpstr(s->verdict_code, ==, hosts < 4 ? "refused" : "syn_unanswered");
            tcpx_health_free(h);
            continue;
        }
        g_assert_cmpstr(s->verdict_code, ==, "port_scan");
        g_assert_cmpint(s->fault, ==, TCPX_FAULT_NONE);
        if (!strstr(s->verdict, "probed: 10.0.0.2 turned away 3 attempts from 3 hosts on 3 ports it served to no one "
                                "in the capture (3 refused): scanning, not a fault of 10.0.0.2"))
            g_error("%s", s->verdict);
        tcpx_health_free(h);
    }
}

/* Capture started in the middle: the only gap is at the start, nothing retransmitted. */
static void
test_midstream_initial_gap(void)
{
    tcpx_health_t *h = tcpx_health_new(NULL);
    conn_t c;
    const tcpx_health_stream_t *s;
    int i;

    conn_init(&c, h, 11, FALSE);
    c.guessed = TRUE;
    c.st.client = 0;
    c.st.roles_guessed = TRUE;
    c.st.midstream = TRUE;
    c.seq[0] = 5000;
    c.seq[1] = 90000;
    rec(&c, 0, S, A, 1400, 65160, 0);
    c.seq[1] += 2800;
    rec_full(&c, 1, S, A, 1400, 65160, KB(TCPX_K_LOST_SEGMENT), 0, 2800, 2, 0);
    for (i = 0; i < 20; i++) {
        rec(&c, 2 + i, S, A, 1400, 65160, 0);
        rec_full(&c, 2.5 + i, C, A, 0, 64256, 0, MS(0.5), 0, 0, 0);
    }
    close_both(&c, 50, 1);
    s = judge(&c);
    g_assert_true(s->midstream);
    g_assert_true(s->roles_guessed);
    g_assert_cmpint(s->done, ==, TCPX_DONE_MIDSTREAM);
    g_assert_nonnull(strstr(s->done_text, "started mid-stream"));
    g_assert_cmpint(s->fault, ==, TCPX_FAULT_CAPTURE);
    g_assert_cmpstr(s->verdict_code, ==, "capture_missed");
    g_assert_cmpuint(s->capture_gaps, ==, 1);
    g_assert_cmpuint(s->network_holes, ==, 0);
    g_assert_cmpuint(s->lost_bytes, ==, 2800);
    g_assert_cmpuint(s->lost_segments, ==, 2);
    g_assert_cmpint(s->score, >=, 90);
    g_assert_cmpint(s->loss_pattern, ==, TCPX_LOSS_NONE);
    g_assert_cmpint(s->position, ==, TCPX_POS_UNKNOWN);
    tcpx_health_free(h);
}

/* The client ACKs data the capture never saw, and nobody retransmits: capture, not network. */
static void
test_acked_unseen(void)
{
    tcpx_health_t *h = tcpx_health_new(NULL);
    conn_t c;
    const tcpx_health_stream_t *s;
    int i;

    conn_init(&c, h, 12, TRUE);
    handshake(&c, 0, 20, 0.1);
    rec(&c, 21, C, PA, 200, 64256, 0);
    for (i = 0; i < 10; i++)
        rec(&c, 45 + i, S, A, 1400, 65160, 0);
    c.seq[1] += 1400; /* a segment the capture dropped */
    rec(&c, 80, C, A, 0, 64256, KB(TCPX_K_ACKED_UNSEEN));
    for (i = 0; i < 10; i++)
        rec(&c, 81 + i, S, A, 1400, 65160, 0);
    close_both(&c, 200, 20);
    s = judge(&c);
    g_assert_cmpuint(s->acked_unseen, ==, 1);
    g_assert_cmpuint(s->retx_segments, ==, 0);
    g_assert_cmpint(s->fault, ==, TCPX_FAULT_CAPTURE);
    g_assert_cmpstr(s->verdict_code, ==, "capture_missed");
    g_assert_cmpint(s->score, ==, 95);
    /* nothing lost before the capture point: no "Not captured: 0 bytes (about 0 segments)" */
    GString *p = g_string_new(NULL);
    tcpx_health_render_paragraph(s, p);
    for (char *nl; (nl = strstr(p->str, "\n  ")) != NULL;) /* unwrapped */
        g_string_erase(p, nl - p->str, 2), p->str[nl - p->str] = ' ';
    g_assert_nonnull(strstr(p->str, "Not captured: 1 ACK of segments the capture never saw"));
    g_assert_null(strstr(p->str, "0 bytes"));
    g_assert_null(strstr(p->str, "about 0"));
    g_string_free(p, TRUE);
    tcpx_health_free(h);
}

/* A gap in the middle of a stream with a handshake, never retransmitted: capture miss. */
static void
test_gap_without_retransmission(void)
{
    tcpx_health_t *h = tcpx_health_new(NULL);
    conn_t c;
    const tcpx_health_stream_t *s;
    int i;

    conn_init(&c, h, 13, TRUE);
    handshake(&c, 0, 20, 0.1);
    rec(&c, 21, C, PA, 200, 64256, 0);
    for (i = 0; i < 10; i++)
        rec(&c, 45 + i, S, A, 1400, 65160, 0);
    c.seq[1] += 1400;
    rec_full(&c, 56, S, A, 1400, 65160, KB(TCPX_K_LOST_SEGMENT), 0, 1400, 1, 0);
    close_both(&c, 200, 20);
    s = judge(&c);
    g_assert_cmpuint(s->capture_gaps, ==, 1);
    g_assert_cmpint(s->fault, ==, TCPX_FAULT_CAPTURE);
    tcpx_health_free(h);
}

/* A hole filled by an out-of-order segment: reordering, neither capture nor loss. */
static void
test_reordering(void)
{
    tcpx_health_t *h = tcpx_health_new(NULL);
    conn_t c;
    const tcpx_health_stream_t *s;
    guint32 hole;

    conn_init(&c, h, 14, TRUE);
    handshake(&c, 0, 20, 0.1);
    rec(&c, 21, C, PA, 200, 64256, 0);
    rec(&c, 45, S, A, 1400, 65160, 0);
    hole = c.seq[1];
    c.seq[1] += 1400;
    rec_full(&c, 46, S, A, 1400, 65160, KB(TCPX_K_LOST_SEGMENT), 0, 1400, 1, 0);
    rec(&c, 46.2, C, A, 0, 64256, KB(TCPX_K_DUP_ACK));
    rec_full(&c, 46.7, S, A, 1400, 65160, KB(TCPX_K_OUT_OF_ORDER), 0, 0, 0, hole);
    close_both(&c, 100, 20);
    s = judge(&c);
    g_assert_cmpuint(s->reordered, ==, 1);
    g_assert_cmpuint(s->capture_gaps, ==, 0);
    g_assert_cmpint(s->fault, ==, TCPX_FAULT_NONE);
    g_assert_cmpint(s->score, ==, 100);
    tcpx_health_free(h);
}

/* TCP Fast Open data ignored by the server is resent: not a loss. */
static void
test_tfo_resend(void)
{
    tcpx_health_t *h = tcpx_health_new(NULL);
    conn_t c;
    const tcpx_health_stream_t *s;

    conn_init(&c, h, 15, TRUE);
    rec(&c, 0, C, TCPX_TH_SYN, 71, 64240, KB(TCPX_K_TFO_SYN));
    rec(&c, 20, S, TCPX_TH_SYN | TCPX_TH_ACK, 0, 65160, KB(TCPX_K_TFO_IGNORED));
    rec(&c, 20.1, C, A, 0, 64256, 0);
    rec_full(&c, 20.2, C, PA, 71, 64256, KB(TCPX_K_RETRANSMISSION), 0, 0, 0, 1);
    rec(&c, 45, S, PA, 1400, 65160, 0);
    close_both(&c, 100, 20);
    s = judge(&c);
    g_assert_cmpuint(s->retx_records, ==, 1);
    g_assert_cmpuint(s->retx_net[0], ==, 0);
    g_assert_cmpint(s->fault, ==, TCPX_FAULT_NONE);
    tcpx_health_free(h);
}

static void
test_position(void)
{
    tcpx_health_t *h = tcpx_health_new(NULL);
    conn_t a, b, m;

    conn_init(&a, h, 20, TRUE);
    handshake(&a, 0, 30, 0.2); /* SYN-ACK takes the whole RTT: near the client */
    conn_init(&b, h, 21, TRUE);
    handshake(&b, 0, 0.2, 30); /* ACK takes the whole RTT: near the server */
    conn_init(&m, h, 22, TRUE);
    handshake(&m, 0, 15, 15);
    tcpx_health_finish(h);
    g_assert_cmpint(tcpx_health_lookup(h, 20)->position, ==, TCPX_POS_NEAR_CLIENT);
    g_assert_cmpint(tcpx_health_lookup(h, 21)->position, ==, TCPX_POS_NEAR_SERVER);
    g_assert_cmpint(tcpx_health_lookup(h, 22)->position, ==, TCPX_POS_MIDDLE);
    g_assert_cmpint(tcpx_health_lookup(h, 20)->hs_d1_ns, ==, MS(30));
    g_assert_cmpint(tcpx_health_lookup(h, 21)->hs_d2_ns, ==, MS(30));
    g_assert_cmpstr(tcpx_health_lookup(h, 20)->done_text, ==, "handshake only");
    g_assert_cmpint(tcpx_health_count(h), ==, 3);
    tcpx_health_free(h);
}

static void
test_reset_after_data(void)
{
    tcpx_health_t *h = tcpx_health_new(NULL);
    conn_t c;
    const tcpx_health_stream_t *s;

    conn_init(&c, h, 30, TRUE);
    handshake(&c, 0, 20, 0.1);
    rec(&c, 21, C, PA, 200, 64256, 0);
    rec(&c, 45, S, PA, 1400, 65160, 0);
    rec(&c, 50, S, TCPX_TH_RST | TCPX_TH_ACK, 0, 0, 0);
    s = judge(&c);
    g_assert_cmpstr(s->done_text, ==, "reset by the server after data");
    g_assert_cmpint(s->fault, ==, TCPX_FAULT_SERVER);
    g_assert_cmpstr(s->verdict_code, ==, "reset_by_server");
    g_assert_cmpint(s->score, ==, 85);
    tcpx_health_free(h);
}

/* A connection begun before the capture, of which the capture holds only a reset: not "before any data" (what
 * came before is not in the capture), and whose fault it is undetermined; after data seen, the reset stands. */
static void
test_reset_midstream(void)
{
    tcpx_health_t *h = tcpx_health_new(NULL);
    conn_t c;
    const tcpx_health_stream_t *s;

    conn_init(&c, h, 32, FALSE);
    rec(&c, 0, C, TCPX_TH_RST | TCPX_TH_ACK, 0, 0, 0);
    s = judge(&c);
    g_assert_cmpstr(s->verdict_code, ==, "reset_by_client");
    g_assert_cmpint(s->fault, ==, TCPX_FAULT_UNDETERMINED);
    g_assert_cmpint(s->score, >, 85);
    g_assert_null(strstr(s->verdict, "before any data"));
    if (!strstr(s->verdict, "reset by the client, with no data in the capture before it: the connection began before"))
        g_error("%s", s->verdict);
    tcpx_health_free(h);

    h = tcpx_health_new(NULL);
    conn_init(&c, h, 33, FALSE);
    rec(&c, 0, S, PA, 1400, 65160, 0);
    rec(&c, 5, C, TCPX_TH_RST | TCPX_TH_ACK, 0, 0, 0);
    s = judge(&c);
    g_assert_cmpint(s->fault, ==, TCPX_FAULT_CLIENT);
    g_assert_nonnull(strstr(s->verdict, "reset by the client after data"));
    tcpx_health_free(h);
}

/* Reused ports: two SYNs refused, then a SYN (flagged as a retransmission) that
 * gets through and a normal exchange.  The retries are not loss, the stream is
 * judged by the connection that worked. */
static void
test_refused_then_connected(void)
{
    tcpx_health_t *h = tcpx_health_new(NULL);
    conn_t c;
    const tcpx_health_stream_t *s;

    conn_init(&c, h, 31, TRUE);
    rec(&c, 0, C, TCPX_TH_SYN, 0, 64240, 0);
    rec(&c, 1, S, TCPX_TH_RST | TCPX_TH_ACK, 0, 0, 0);
    rec_full(&c, 500, C, TCPX_TH_SYN, 0, 64240, KB(TCPX_K_RETRANSMISSION), 0, 0, 0, 1);
    rec(&c, 501, S, TCPX_TH_RST | TCPX_TH_ACK, 0, 0, 0);
    rec_full(&c, 1000, C, TCPX_TH_SYN, 0, 64240, KB(TCPX_K_RETRANSMISSION), 0, 0, 0, 1);
    c.seq[0] = 1;
    rec(&c, 1020, S, TCPX_TH_SYN | TCPX_TH_ACK, 0, 65160, 0);
    rec(&c, 1020.1, C, A, 0, 64256, 0);
    rec(&c, 1021, C, PA, 200, 64256, 0);
    rec(&c, 1045, S, PA, 1400, 65160, 0);
    close_both(&c, 1100, 20);
    s = judge(&c);
    g_assert_cmpuint(s->refusals, ==, 1);
    g_assert_cmpuint(s->retx_net[0], ==, 0);
    g_assert_cmpint(s->rst_side, ==, -1);
    g_assert_cmpint(s->done, ==, TCPX_DONE_COMPLETE);
    g_assert_cmpint(s->fault, ==, TCPX_FAULT_NONE);
    g_assert_cmpint(s->position, ==, TCPX_POS_NEAR_CLIENT);
    tcpx_health_free(h);
}

/* A lost SYN, retransmitted and answered: a (small) network loss. */
static void
test_syn_lost_then_connected(void)
{
    tcpx_health_t *h = tcpx_health_new(NULL);
    conn_t c;
    const tcpx_health_stream_t *s;

    conn_init(&c, h, 32, TRUE);
    rec(&c, 0, C, TCPX_TH_SYN, 0, 64240, 0);
    rec_full(&c, 1000, C, TCPX_TH_SYN, 0, 64240, KB(TCPX_K_RETRANSMISSION), 0, 0, 0, 1);
    c.seq[0] = 1;
    rec(&c, 1020, S, TCPX_TH_SYN | TCPX_TH_ACK, 0, 65160, 0);
    rec(&c, 1020.1, C, A, 0, 64256, 0);
    rec(&c, 1021, C, PA, 200, 64256, 0);
    rec(&c, 1045, S, PA, 1400, 65160, 0);
    close_both(&c, 1100, 20);
    s = judge(&c);
    g_assert_cmpuint(s->retx_net[0], ==, 1);
    g_assert_cmpint(s->fault, ==, TCPX_FAULT_NETWORK);
    g_assert_cmpint(s->score, ==, 95);
    g_assert_cmpint(s->loss_pattern, ==, TCPX_LOSS_NONE); /* SYNs are not loss events */
    g_assert_cmpint(s->hs_d1_ns, ==, MS(20));             /* from the SYN that was answered */
    g_assert_cmpstr(s->verdict_code, ==, "connect_delayed");
    g_assert_cmpuint(s->syn_lost, ==, 1);
    g_assert_cmpint(s->connect_ns, ==, MS(1020));
    g_assert_nonnull(strstr(s->verdict,
                            "1 SYN went unanswered and was sent again; the connection took 1.02 s to set up "
                            "instead of a round trip"));
    tcpx_health_free(h);
}

/* Contradiction: a SYN lost and data lost too is network loss, not only a late connect. */
static void
test_syn_lost_and_data_lost(void)
{
    tcpx_health_t *h = tcpx_health_new(NULL);
    conn_t c;
    const tcpx_health_stream_t *s;

    conn_init(&c, h, 33, TRUE);
    rec(&c, 0, C, TCPX_TH_SYN, 0, 64240, 0);
    rec_full(&c, 1000, C, TCPX_TH_SYN, 0, 64240, KB(TCPX_K_RETRANSMISSION), 0, 0, 0, 1);
    c.seq[0] = 1;
    rec(&c, 1020, S, TCPX_TH_SYN | TCPX_TH_ACK, 0, 65160, 0);
    rec(&c, 1020.1, C, A, 0, 64256, 0);
    rec(&c, 1021, C, PA, 200, 64256, 0);
    rec(&c, 1045, S, PA, 1400, 65160, 0);
    rec_full(&c, 1300, S, PA, 1400, 65160, KB(TCPX_K_RETRANSMISSION), 0, 0, 0, c.seq[1] - 1400);
    close_both(&c, 1400, 20);
    s = judge(&c);
    g_assert_cmpstr(s->verdict_code, ==, "network_loss");
    tcpx_health_free(h);
}

/* A transfer, then one segment resent n times with the given waits and nothing from the server. */
static const tcpx_health_stream_t *
retry_series(conn_t *c, const double *waits, int n, gboolean server_answers)
{
    double t = 200;
    handshake(c, 0, 20, 0.1);
    for (int i = 0; i < 20; i++, t += 1) {
        rec(c, t, C, A, 1400, 64256, 0);
        rec(c, t + 0.5, S, A, 0, 65160, 0);
    }
    rec(c, t, C, A, 1400, 64256, 0);
    guint32 seq = c->seq[0] - 1400;
    for (int i = 0; i < n; i++) {
        t += waits[i];
        rec_full(c, t, C, A, 1400, 64256, KB(TCPX_K_RETRANSMISSION), 0, 0, 0, seq);
        if (server_answers && i == n - 1)
            rec(c, t + 20, S, A, 0, 65160, KB(TCPX_K_DUP_ACK));
    }
    return judge(c);
}

static void unreachable_rec(conn_t *c, double t_ms, guint8 cause, const char *reporter);

/* A dead path: the waits double, nothing comes back: the connection was lost, not a lossy link.  With a
 * router's ICMP host unreachable about the resends, the server host went away: the server's side. */
static void
test_connection_lost(void)
{
    static const double waits[] = { 250, 500, 1000, 2000, 4000 };
    tcpx_health_t *h = tcpx_health_new(NULL);
    conn_t c;
    const tcpx_health_stream_t *s;

    conn_init(&c, h, 40, TRUE);
    s = retry_series(&c, waits, 5, FALSE);
    g_assert_cmpstr(s->verdict_code, ==, "connection_lost");
    g_assert_cmpint(s->fault, ==, TCPX_FAULT_NETWORK);
    g_assert_cmpint(s->loss_pattern, ==, TCPX_LOSS_PATH_DEAD);
    g_assert_cmpuint(s->lost_retx, ==, 5);
    g_assert_cmpint(s->lost_span_ns, ==, MS(7500)); /* no finding names the original: from the first retry */
    g_assert_cmpint(s->score, ==, 10);
    g_assert_nonnull(strstr(s->verdict, "connection lost after 5 unanswered retransmissions over 7.500 s"));
    g_assert_null(strstr(s->verdict, "scattered"));
    conn_init(&c, h, 41, TRUE);
    retry_series(&c, waits, 5, FALSE);
    unreachable_rec(&c, 8000, TCPX_C_UNREACH_HOST, "10.0.0.254");
    s = judge(&c);
    g_assert_cmpstr(s->verdict_code, ==, "connection_lost");
    g_assert_cmpint(s->fault, ==, TCPX_FAULT_SERVER);
    if (!strstr(s->verdict, "connection lost: the client resent 5 times over 7.500 s, and 10.0.0.254 said the server "
                            "was unreachable (ICMP, frame "))
        g_error("%s", s->verdict);
    tcpx_health_free(h);
}

/* One resend 6.3 s after its original on a 30 ms path (the core's timer_too_long): the server's
 * timer leads the verdict, over the single loss the network made. */
static void
test_timer_too_long(void)
{
    tcpx_health_t *h = tcpx_health_new(NULL);
    conn_t c;
    conn_init(&c, h, 43, TRUE);
    handshake(&c, 0, 15, 15);
    rec(&c, 31, C, PA, 100, 64256, 0);
    guint32 lost = c.seq[1];
    for (int i = 0; i < 3; i++)
        rec(&c, 61 + i, S, PA, 1000, 65160, 0);
    guint32 next = c.seq[1];
    c.seq[1] = lost; /* the first segment lost: the client's duplicate ACKs ask for it */
    for (int i = 1; i < 3; i++)
        rec(&c, 76 + i, C, A, 0, 64256, KB(TCPX_K_DUP_ACK));
    c.seq[1] = next;
    c.res.n = 1;
    c.res.f[0].kind = TCPX_K_RETRANSMISSION;
    c.res.f[0].cause = TCPX_C_RETX_TIMER_LONG;
    c.res.f[0].orig_age_ns = MS(6300);
    rec_full(&c, 6361, S, A, 1000, 65160, KB(TCPX_K_RETRANSMISSION), 0, 0, 0, lost);
    close_both(&c, 6400, 30);
    const tcpx_health_stream_t *s = judge(&c);
    g_assert_cmpstr(s->verdict_code, ==, "rto_too_long");
    g_assert_cmpint(s->fault, ==, TCPX_FAULT_SERVER);
    g_assert_nonnull(
        strstr(s->verdict, "the server's retransmission timer is far too long: its first resend came after 6.30 s"));
    g_assert_nonnull(strstr(s->verdict, "also: network loss"));
    tcpx_health_free(h);
}

/* A download whose ACK RTTs rise from 40 ms to rtt_ms; every spike_every-th ACK (0: none) comes
 * 200 ms late instead (a delayed ACK, not a queue). */
static const tcpx_health_stream_t *
download_with_rtts(conn_t *c, double rtt_ms, int spike_every)
{
    handshake(c, 0, 0.1, 40);
    rec(c, 41, C, PA, 100, 64256, 0);
    for (int i = 0; i < 40; i++) {
        double rtt = 40 + (rtt_ms - 40) * i / 39;
        if (spike_every && i % spike_every == 0)
            rtt = 240;
        rec(c, 42 + 10 * i, S, A, 1400, 65160, 0);
        rec_full(c, 42 + 10 * i + rtt, C, A, 0, 64256, 0, MS(rtt), 0, 0, 0);
    }
    close_both(c, 900, 40);
    return judge(c);
}

/* The ACK RTT rises to 600 ms and stays there: a queue on the path (the RTT under load and the
 * least, the handshake's leg included); delayed ACKs now and then are none. */
static void
test_queue_delay(void)
{
    tcpx_health_t *h = tcpx_health_new(NULL);
    conn_t c;
    conn_init(&c, h, 44, TRUE);
    const tcpx_health_stream_t *s = download_with_rtts(&c, 600, 0);
    g_assert_cmpstr(s->verdict_code, ==, "queue_delay");
    g_assert_cmpint(s->fault, ==, TCPX_FAULT_NETWORK);
    g_assert_cmpint(s->queue_dir, ==, TCPX_S2C);
    g_assert_cmpint(s->queue_base_ns, ==, MS(40));
    g_assert_cmpint(s->queue_peak_ns, >, MS(450)); /* the least of the last 8: 600 ms, 8 samples back */
    g_assert_nonnull(strstr(s->verdict, "a queue on the path: the RTT of the server's data rose from 40 ms to"));
    conn_init(&c, h, 45, TRUE);
    s = download_with_rtts(&c, 60, 3);
    g_assert_cmpint(s->queue_dir, ==, -1);
    g_assert_cmpstr(s->verdict_code, ==, "healthy");
    /* a path that held everything for a second, at once: a spike, not a queue filling */
    conn_init(&c, h, 47, TRUE);
    handshake(&c, 0, 0.1, 40);
    for (int i = 0; i < 30; i++) {
        double rtt = i >= 10 && i < 20 ? 1000 : 40;
        rec(&c, 42 + 10 * i, S, A, 1400, 65160, 0);
        rec_full(&c, 42 + 10 * i + rtt, C, A, 0, 64256, 0, MS(rtt), 0, 0, 0);
    }
    g_assert_cmpint(judge(&c)->queue_dir, ==, -1);
    tcpx_health_free(h);
}

/* The capture file's own facts, once: copies of another TTL (two capture points), frames cut
 * by the snaplen, time going back by a millisecond or more (not by microseconds). */
static void
test_capture_facts(void)
{
    tcpx_health_t *h = tcpx_health_new(NULL);
    conn_t c;
    GString *out = g_string_new(NULL);
    conn_init(&c, h, 46, TRUE);
    handshake(&c, 0, 20, 0.1);
    tcpx_health_render_capture(h, out);
    g_assert_cmpstr(out->str, ==, ""); /* nothing to say */
    for (int i = 0; i < 3; i++) {
        c.res.n = 1;
        c.res.f[0].kind = TCPX_K_CAPTURE_COPY;
        c.res.f[0].cause = TCPX_C_CAPTURE_DUPLICATE;
        c.res.f[0].ttl = 62;
        c.res.f[0].ttl_ref = 64;
        rec(&c, 30 + 0.1 * i, C, A, 0, 64256, KB(TCPX_K_CAPTURE_COPY));
    }
    rec(&c, 29.7, C, A, 0, 64256, 0); /* 0.5 ms back: two interfaces' clocks */
    tcpx_health_render_capture(h, out);
    g_assert_nonnull(strstr(out->str, "Capture: 3 frames are copies of another with another TTL"));
    g_assert_null(strstr(out->str, "backwards"));
    g_assert_null(strstr(out->str, "snaplen"));
    tcpx_tap_rec_t r;
    memset(&r, 0, sizeof r);
    r.frame = ++c.frame;
    r.ts_ns = c.t0 + MS(10); /* 20 ms back */
    r.stream = c.stream;
    r.from_client = TRUE;
    r.client = c.st.name[0];
    r.server = c.st.name[1];
    r.flags = A;
    r.st = &c.st;
    r.cut_len = 54;
    tcpx_health_add(h, &r);
    g_string_truncate(out, 0);
    tcpx_health_render_capture(h, out);
    for (char *nl; (nl = strchr(out->str, '\n')) != NULL && nl[1];) /* unwrapped */
        *nl = ' ';
    g_assert_nonnull(strstr(out->str, "1 frame was cut by the snaplen (the shortest kept 54 bytes)"));
    g_assert_nonnull(strstr(out->str, "their TCP headers are whole"));
    g_assert_nonnull(strstr(out->str, "Time goes backwards 1 time, by up to 20 ms"));
    /* a frame cut inside its TCP options: SACK blocks there go uncounted, and it is said */
    r.frame = ++c.frame;
    r.ts_ns = c.t0 + MS(31);
    r.options_cut = TRUE;
    tcpx_health_add(h, &r);
    g_string_truncate(out, 0);
    tcpx_health_render_capture(h, out);
    for (char *nl; (nl = strchr(out->str, '\n')) != NULL && nl[1];)
        *nl = ' ';
    g_assert_nonnull(strstr(out->str, "2 frames were cut by the snaplen"));
    g_assert_nonnull(strstr(out->str, "in 1 of them the TCP options too (any SACK blocks there"));
    g_string_free(out, TRUE);
    tcpx_health_free(h);
}

/* Small writes of the client held by Nagle until the server's delayed ACKs, 5 times out of 5
 * exchanges (44 ms each of 0.5 s): the client's doing; twice only is no pattern. */
static void
test_nagle(void)
{
    tcpx_health_t *h = tcpx_health_new(NULL);
    for (int stalls = 2; stalls <= 5; stalls += 3) {
        conn_t c;
        conn_init(&c, h, 48 + stalls, TRUE);
        handshake(&c, 0, 40, 0.1);
        for (int i = 0; i < stalls; i++) {
            rec(&c, 50 + 100 * i, C, PA, 100, 64256, 0);
            rec(&c, 134 + 100 * i, S, A, 0, 65160, 0);
            c.res.n = 1;
            c.res.f[0].kind = TCPX_K_NAGLE;
            c.res.f[0].cause = TCPX_C_NAGLE_DELAYED_ACK;
            c.res.f[0].idle_ns = MS(44);
            rec(&c, 134.1 + 100 * i, C, PA, 100, 64256, 0);
            rec(&c, 175 + 100 * i, S, PA, 200, 65160, 0);
        }
        close_both(&c, 600, 40);
        const tcpx_health_stream_t *s = judge(&c);
        g_assert_cmpuint(s->nagle_stalls, ==, (guint)stalls);
        if (stalls < 3) {
            g_assert_cmpstr(s->verdict_code, !=, "nagle_delayed_ack");
            continue;
        }
        g_assert_cmpstr(s->verdict_code, ==, "nagle_delayed_ack");
        g_assert_cmpint(s->fault, ==, TCPX_FAULT_CLIENT);
        g_assert_nonnull(
            strstr(s->verdict, "the client's small writes wait for delayed ACKs (Nagle): 5 times, 220 ms"));
    }
    tcpx_health_free(h);
}

/* The story in Zeek's history letters: first time each (client uppercase), retransmissions
 * again at the 10th; a clean stream reads ShADadFf. */
/* What limited the server's download, against what the wire shows: with a capture near the
 * receiver (each ACK seen at once, the sender's leg 40 ms) the ACKs reach the sender a leg later.
 * 0-200 ms: window open, data in flight; 200-1200 ms: the client's window closed with everything
 * acknowledged, the server probing it; then it reopens and the server sends at once; 1.5 s idle
 * between two bursts; a loss resend repaired within one leg. */
static void
test_limits(void)
{
    tcpx_health_t *h = tcpx_health_new(NULL);
    conn_t c;
    conn_init(&c, h, 48, TRUE);
    handshake(&c, 0, 40, 0.1); /* near the client: the server's leg is 40 ms */
    rec(&c, 41, C, PA, 100, 64256, 0);
    for (int i = 0; i < 20; i++) { /* 200 ms of data in flight, window open */
        rec(&c, 100 + 10 * i, S, A, 1400, 65160, 0);
        rec(&c, 100.1 + 10 * i, C, A, 0, 64256, 0);
    }
    rec(&c, 300, S, A, 1400, 65160, 0);
    rec(&c, 300.1, C, A, 0, 0, 0); /* the client's window closes: 300.1 + 40 at the server */
    rec_full(&c, 800, S, A, 1, 65160, KB(TCPX_K_ZERO_WINDOW_PROBE), 0, 0, 0, c.seq[1]);
    rec(&c, 1300.1, C, A, 0, 64256, 0); /* reopens: 1340.1 at the server */
    rec(&c, 1341, S, A, 1400, 65160, 0);
    rec(&c, 1341.1, C, A, 0, 64256, 0);
    /* idle until 2881 (1.5 s after the server saw that ACK), then a burst with a resend */
    guint32 lost_seq = c.seq[1];
    rec(&c, 2881, S, A, 1400, 65160, 0);
    rec(&c, 2890, S, A, 1400, 65160, 0);
    finding_next(&c, TCPX_K_FAST_RETRANSMISSION, TCPX_C_NONE, 1400, 1);
    rec_full(&c, 2931, S, A, 1400, 65160, KB(TCPX_K_FAST_RETRANSMISSION), 0, 0, 0, lost_seq);
    rec(&c, 2931.1, C, A, 0, 64256, 0);
    close_both(&c, 4000, 40);
    const tcpx_health_stream_t *s = judge(&c);
    g_assert_cmpint(s->lim_sender, ==, 1);
    /* in flight: 100 .. 340.1, the probe's byte 1340.1 .. 1341, 1341 .. 1381.1, and the FIN until the
     * client's ACK of it reaches the server, 4040 .. 4080.1 */
    g_assert_cmpint(s->lim_ns[TCPX_LIMIT_SENDING], ==, MS(240.1) + MS(0.9) + MS(40.1) + MS(40.1));
    /* window closed, the server probing: 340.1 .. 1340.1 */
    g_assert_cmpint(s->lim_ns[TCPX_LIMIT_RWND], ==, MS(1000));
    /* the loss found (nothing acknowledged since 2881) and repaired: 2881 .. 2971.1 */
    g_assert_cmpint(s->lim_ns[TCPX_LIMIT_RECOVERY], ==, MS(90.1));
    g_assert_cmpint(s->lim_ns[TCPX_LIMIT_IDLE], ==, MS(1499.9)); /* 1381.1 .. 2881 */
    /* over time: coarse, slices of the first half second or more; the burst at the end is mostly idle */
    g_assert_cmpstr(s->lim_timeline, ==, "WW");
    g_assert_cmpint(s->lim_slice_ns, ==, MS(700));
    GString *p = g_string_new(NULL);
    tcpx_health_words(p, TCPX_HW_PARA_LIMITS, s, NULL);
    g_assert_nonnull(strstr(p->str, "the client's window held it back 71%, loss recovery 6%"));
    g_assert_nonnull(strstr(p->str, "it sent nothing for 1.50 s"));
    g_string_free(p, TRUE);
    /* 20 s sending with the window open, then 20 s against a closed window: the timeline halves its
     * slices to keep 16 at most, and shows the change */
    conn_init(&c, h, 50, TRUE);
    handshake(&c, 0, 40, 0.1);
    for (int i = 0; i < 2000; i++) {
        rec(&c, 100 + 10 * i, S, A, 1400, 65160, 0);
        rec(&c, 100.1 + 10 * i, C, A, 0, i < 1999 ? 64256 : 0, 0);
    }
    for (int i = 0; i < 40; i++)
        rec_full(&c, 20100 + 500 * i, S, A, 1, 65160, KB(TCPX_K_ZERO_WINDOW_PROBE), 0, 0, 0, c.seq[1]);
    rec(&c, 40100.1, C, A, 0, 64256, 0);
    rec(&c, 40141, S, A, 1400, 65160, 0);
    rec(&c, 40141.1, C, A, 0, 64256, 0);
    s = judge(&c);
    g_assert_cmpstr(s->lim_timeline, ==, "SSSSSWWWWWW"); /* 0.5 s slices, halved three times */
    g_assert_cmpint(s->lim_slice_ns, ==, MS(4000));
    /* without the handshake the sender's leg is unknown (near the receiver, all looks acknowledged at
     * once): no shares */
    conn_init(&c, h, 49, FALSE);
    for (int i = 0; i < 20; i++) {
        rec(&c, 100 + 10 * i, S, A, 1400, 65160, 0);
        rec(&c, 100.1 + 10 * i, C, A, 0, 64256, 0);
    }
    g_assert_cmpint(judge(&c)->lim_sender, ==, -1);
    /* the SYNs' options cut by the snaplen: the window's scale unknown, so no window share, and said */
    conn_init(&c, h, 51, TRUE);
    c.st.side[0].options_cut = TRUE;
    handshake(&c, 0, 40, 0.1);
    for (int i = 0; i < 20; i++) {
        rec(&c, 100 + 10 * i, S, A, 1400, 65160, 0);
        rec(&c, 100.1 + 10 * i, C, A, 0, i < 10 ? 64256 : 0, 0);
    }
    s = judge(&c);
    g_assert_cmpint(s->lim_sender, ==, 1);
    g_assert_cmpint(s->lim_ns[TCPX_LIMIT_RWND], ==, 0);
    g_assert_false(s->lim_window_known);
    p = g_string_new(NULL);
    tcpx_health_words(p, TCPX_HW_PARA_LIMITS, s, NULL);
    g_assert_nonnull(strstr(p->str, "whether the client's window held it back is unknown"));
    g_assert_null(strstr(p->str, "held it back 0%"));
    g_string_free(p, TRUE);
    tcpx_health_free(h);
}

/* More ACKs on their way to the sender than the ring's first size (40 per 40 ms leg): each reaches the
 * sender at its own time, not with an earlier one, so the window the sender fills to its edge holds it
 * back: each ACK opens room for one segment, which is less than a sender sends into (two), from the window's
 * first filling (about 139 ms) until the last ACKs reach the server (about 302 ms). */
static void
test_limits_acks_in_flight(void)
{
    tcpx_health_t *h = tcpx_health_new(NULL);
    conn_t c;
    conn_init(&c, h, 52, TRUE);
    handshake(&c, 0, 40, 0.1); /* near the client: the server's leg is 40 ms */
    rec(&c, 41, C, PA, 100, 64256, 0);
    for (int k = 0; k < 200; k++) { /* segment k+40 sent 0.3 ms after ACK k reaches the server */
        rec(&c, 100 + (1.01 * k), S, A, 1400, 65160, 0);
        rec(&c, 100.1 + (1.01 * k), C, A, 0, 40 * 1400, 0);
    }
    close_both(&c, 400, 40);
    const tcpx_health_stream_t *s = judge(&c);
    g_assert_cmpint(s->lim_sender, ==, 1);
    g_assert_cmpint(s->lim_ns[TCPX_LIMIT_RWND], >=, MS(160));
    g_assert_cmpint(s->lim_ns[TCPX_LIMIT_RWND], <=, MS(165));
    tcpx_health_free(h);
}

/* The capture saw the client acknowledge everything, but the server resent its first segment 300 ms
 * later: it never had those ACKs (lost after the capture point).  Its data was in flight all along:
 * the wait is the timer finding the loss of its ACKs, not idle time. */
static void
test_limits_acks_lost(void)
{
    tcpx_health_t *h = tcpx_health_new(NULL);
    conn_t c;
    conn_init(&c, h, 53, TRUE);
    handshake(&c, 0, 40, 0.1);
    rec(&c, 41, C, PA, 100, 64256, 0);
    guint32 first = c.seq[1];
    for (int k = 0; k < 10; k++) {
        rec(&c, 100 + k, S, A, 1400, 65160, 0);
        rec(&c, 100.1 + k, C, A, 0, 64256, 0);
    }
    finding_next(&c, TCPX_K_RETRANSMISSION, TCPX_C_NONE, 1400, 1);
    rec_full(&c, 409, S, A, 1400, 65160, KB(TCPX_K_RETRANSMISSION), 0, 0, 0, first);
    rec(&c, 409.1, C, A, 0, 64256, 0);
    close_both(&c, 500, 40);
    const tcpx_health_stream_t *s = judge(&c);
    g_assert_cmpint(s->lim_sender, ==, 1);
    g_assert_cmpint(s->lim_ns[TCPX_LIMIT_IDLE], ==, 0);
    /* from the last segment's ACK reaching the server (149.1) to the resend, and until its ACK does */
    g_assert_cmpint(s->lim_ns[TCPX_LIMIT_RECOVERY], ==, MS(449.1 - 149.1));
    tcpx_health_free(h);
}

static void
test_history(void)
{
    tcpx_health_t *h = tcpx_health_new(NULL);
    conn_t c;
    conn_init(&c, h, 42, TRUE);
    handshake(&c, 0, 20, 0.1);
    rec(&c, 21, C, PA, 100, 64256, 0);
    rec(&c, 41, S, A, 0, 65160, 0);
    for (int i = 0; i < 5; i++)
        rec(&c, 42 + i, S, PA, 1000, 65160, 0);
    const tcpx_health_stream_t *s = rec(&c, 60, C, A, 0, 64256, 0);
    g_assert_cmpstr(s->history, ==, "ShADad");
    for (int i = 0; i < 10; i++)
        rec_full(&c, 300 + i, S, A, 1000, 65160, KB(TCPX_K_RETRANSMISSION), 0, 0, 0, 1 + 100 * i);
    close_both(&c, 400, 20);
    s = judge(&c);
    g_assert_cmpstr(s->history, ==, "ShADadttFf"); /* t: the 1st and the 10th retransmission */
    tcpx_health_free(h);
}

/* An ICMP from `reporter` about a segment of `from_client`'s side, with the finding in c->res: a record that is
 * no segment. */
static void
icmp_about(conn_t *c, double t_ms, gboolean from_client, const char *reporter)
{
    tcpx_tap_rec_t r;
    memset(&r, 0, sizeof r);
    r.frame = ++c->frame;
    r.ts_ns = c->t0 + MS(t_ms);
    r.stream = c->stream;
    r.from_client = from_client;
    r.client = c->st.name[0];
    r.server = c->st.name[1];
    r.seq = 1;
    r.st = &c->st;
    r.result = &c->res;
    r.icmp = TRUE;
    r.reporter = reporter;
    if (add_batched)
        tcpx_health_add_batched(c->h, &r);
    else
        tcpx_health_add(c->h, &r);
    c->res.n = 0;
}

/* A router's ICMP "too big" about the server's segments. */
static void
icmp_rec(conn_t *c, double t_ms, guint32 mtu, guint8 cause)
{
    finding_next(c, TCPX_K_PMTU_ICMP, cause, 1500, 0);
    c->res.f[0].mtu = mtu;
    icmp_about(c, t_ms, FALSE, "10.9.0.1");
}

/* An ICMP destination unreachable from `reporter` about the client's latest segment. */
static void
unreachable_rec(conn_t *c, double t_ms, guint8 cause, const char *reporter)
{
    finding_next(c, TCPX_K_ICMP_UNREACHABLE, cause, 60, 0);
    icmp_about(c, t_ms, TRUE, reporter);
}

/* A SYN answered by an ICMP destination unreachable: the code and who sent it decide the fault (a filter on
 * the path: network; the server host's own: server; no route: network; the host unreachable: undetermined). */
static void
test_icmp_unreachable(void)
{
    static const struct {
        guint8 cause;
        const char *reporter;
        tcpx_fault_t fault;
        const char *text;
    } cases[] = {
        { TCPX_C_UNREACH_PROHIBITED, "10.9.0.1", TCPX_FAULT_NETWORK,
          "rejected by a filter: 10.9.0.1 answered the SYN with ICMP administratively prohibited (frame 2): a firewall's "
          "reject rule on the path, not 10.0.0.2" },
        { TCPX_C_UNREACH_PORT, "10.0.0.2", TCPX_FAULT_SERVER,
          "rejected by the host's firewall: 10.0.0.2 answered the SYN with ICMP port unreachable (frame 2), not with a "
          "reset" },
        { TCPX_C_UNREACH_NET, "10.9.0.1", TCPX_FAULT_NETWORK, "no route: 10.9.0.1 answered the SYN" },
        { TCPX_C_UNREACH_HOST, "10.0.0.254", TCPX_FAULT_UNDETERMINED,
          "host unreachable: 10.0.0.254 could not deliver the SYN to 10.0.0.2 (ICMP, frame 2): the host down" },
        /* IPv6 endpoints are written "[address]:port": the server's own reject, not one of a router on its prefix */
        { TCPX_C_UNREACH_PROHIBITED, "2001:db8::2", TCPX_FAULT_SERVER, "rejected by the host's firewall" },
        { TCPX_C_UNREACH_PROHIBITED, "2001:db8::", TCPX_FAULT_NETWORK, "reject rule on the path" },
    };
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        tcpx_health_t *h = tcpx_health_new(NULL);
        conn_t c;
        conn_init(&c, h, 60, TRUE);
        if (strchr(cases[i].reporter, ':')) {
            c.st.name[0] = "[2001:db8::1]:51234";
            c.st.name[1] = "[2001:db8::2]:80";
        }
        rec(&c, 0, C, TCPX_TH_SYN, 0, 64240, 0);
        unreachable_rec(&c, 0.5, cases[i].cause, cases[i].reporter);
        const tcpx_health_stream_t *s = judge(&c);
        g_assert_cmpstr(s->verdict_code, ==, "icmp_unreachable");
        g_assert_cmpint(s->fault, ==, cases[i].fault);
        if (!strstr(s->verdict, cases[i].text))
            g_error("%s", s->verdict);
        tcpx_health_free(h);
    }
}

/* The server's full-size segments did not fit a router's next link; its ICMPs said so and the server
 * resent in smaller segments: handled, no fault, no loss; the ICMPs are no packets of the stream. */
static void
test_pmtu_handled(void)
{
    tcpx_health_t *h = tcpx_health_new(NULL);
    conn_t c;
    conn_init(&c, h, 42, TRUE);
    handshake(&c, 0, 0.1, 40);
    rec(&c, 41, C, PA, 39, 64256, 0);
    guint32 first = c.seq[1];
    for (int i = 0; i < 4; i++)
        rec(&c, 41.1, S, A, 1448, 65160, 0);
    icmp_rec(&c, 61, 1280, TCPX_C_PMTU_TOO_BIG);
    guint32 icmp_frame = c.frame;
    for (int i = 0; i < 5; i++) {
        finding_next(&c, i < 3 ? TCPX_K_OUT_OF_ORDER : TCPX_K_RETRANSMISSION, TCPX_C_RETX_PMTU_ICMP, 1448, 0);
        rec_full(&c, 61.1 + i, S, A, i % 2 ? 1228 : 220, 65160, KB(i < 3 ? TCPX_K_OUT_OF_ORDER : TCPX_K_RETRANSMISSION),
                 0, 0, 0, first + 1228 * (guint32)i);
    }
    icmp_rec(&c, 61.2, 1280, TCPX_C_PMTU_TOO_BIG);
    icmp_rec(&c, 61.3, 1500, TCPX_C_PMTU_NOT_TOO_BIG); /* not about the packet's size: not counted */
    close_both(&c, 200, 40);
    const tcpx_health_stream_t *s = judge(&c);
    g_assert_cmpstr(s->verdict_code, ==, "pmtu_handled");
    g_assert_cmpint(s->fault, ==, TCPX_FAULT_NONE);
    g_assert_cmpint(s->score, ==, 100);
    g_assert_cmpuint(s->pmtu_icmps, ==, 2);
    g_assert_cmpuint(s->pmtu_mtu, ==, 1280);
    g_assert_cmpuint(s->pmtu_frame, ==, icmp_frame);
    g_assert_cmpuint(s->pmtu_resends, ==, 5);
    g_assert_cmpuint(s->pmtu_resend_len, ==, 1228);
    g_assert_cmpuint(s->retx_net[0] + s->retx_net[1], ==, 0); /* no loss */
    g_assert_cmpuint(s->reordered, ==, 0);                    /* nor reordering */
    g_assert_cmpuint(s->packets[1], ==, 11);                  /* SYN-ACK, 4 + 5 data, FIN: no ICMP */
    g_assert_nonnull(strstr(s->verdict, "path MTU 1280 handled: the router 10.9.0.1 said the server's packets over "
                                        "1280 bytes do not fit (ICMP in frame"));
    g_assert_nonnull(strstr(s->verdict, "2 in all); the server resent in 1228-byte segments"));
    GString *p = g_string_new(NULL);
    tcpx_health_render_paragraphs(h, p);
    g_assert_nonnull(strstr(p->str, "Stream 42:")); /* no fault, but a paragraph */
    g_string_free(p, TRUE);
    tcpx_health_free(h);
}

/* The ICMP alone, with a real loss leading the verdict: the paragraph says the path MTU aside. */
static void
test_pmtu_aside(void)
{
    tcpx_health_t *h = tcpx_health_new(NULL);
    conn_t c;
    conn_init(&c, h, 43, TRUE);
    handshake(&c, 0, 0.1, 40);
    rec(&c, 41, C, PA, 39, 64256, 0);
    guint32 first = c.seq[1];
    for (int i = 0; i < 4; i++)
        rec(&c, 41.1, S, A, 1000, 65160, 0);
    icmp_rec(&c, 61, 1280, TCPX_C_PMTU_TOO_BIG);
    guint32 next = c.seq[1];
    c.seq[1] = first; /* the first segment lost: the client's duplicate ACK asks for it */
    rec(&c, 81.2, C, A, 0, 64256, KB(TCPX_K_DUP_ACK));
    c.seq[1] = next;
    rec_full(&c, 300, S, A, 1000, 65160, KB(TCPX_K_RETRANSMISSION), 0, 0, 0, first);
    close_both(&c, 400, 40);
    const tcpx_health_stream_t *s = judge(&c);
    g_assert_cmpstr(s->verdict_code, ==, "network_loss");
    GString *p = g_string_new(NULL);
    tcpx_health_render_paragraph(s, p);
    gchar **lines = g_strsplit(p->str, "\n  ", -1); /* unwrapped */
    gchar *text = g_strjoinv(" ", lines);
    g_assert_nonnull(strstr(text, "Path MTU: the router 10.9.0.1 said packets over 1280 bytes do not fit (frame 9);"
                                  " no resend in smaller segments followed in the capture."));
    g_free(text);
    g_strfreev(lines);
    g_string_free(p, TRUE);
    tcpx_health_free(h);
}

/* The core blamed resends of full-size segments on a path-MTU black hole: that is the verdict, over
 * the loss and the connection's fate, and the paragraph does not read the bursts as a queue. */
static void
test_pmtu_blackhole(void)
{
    tcpx_health_t *h = tcpx_health_new(NULL);
    conn_t c;
    conn_init(&c, h, 41, TRUE);
    handshake(&c, 0, 0.1, 40);
    rec(&c, 41, C, PA, 39, 64256, 0);
    guint32 first = c.seq[1];
    for (int i = 0; i < 8; i++)
        rec(&c, 41.1, S, A, 1448, 65160, 0);
    rec(&c, 41.2, S, PA, 458, 65160, 0);
    rec(&c, 81, C, A, 0, 64256, KB(TCPX_K_DUP_ACK));
    rec(&c, 81.1, C, A, 0, 64256, KB(TCPX_K_DUP_ACK));
    rec_full(&c, 100, S, A, 1448, 65160, KB(TCPX_K_FAST_RETRANSMISSION), 0, 0, 0, first);
    for (int i = 0; i < 3; i++) { /* the findings of a record are cleared after it */
        c.res.n = 1;
        c.res.f[0].kind = TCPX_K_RETRANSMISSION;
        c.res.f[0].cause = TCPX_C_RETX_PMTU_BLACKHOLE;
        rec_full(&c, 348 + 500 * i, S, A, 1448, 65160, KB(TCPX_K_RETRANSMISSION), 0, 0, 0, first);
    }
    const tcpx_health_stream_t *s = judge(&c);
    g_assert_cmpstr(s->verdict_code, ==, "pmtu_blackhole");
    g_assert_cmpint(s->fault, ==, TCPX_FAULT_NETWORK);
    g_assert_cmpuint(s->blackhole_retx, ==, 3);
    g_assert_nonnull(strstr(s->verdict, "path-MTU black hole: 1448-byte segments never arrived, through 3 timeouts"));
    GString *p = g_string_new(NULL);
    tcpx_health_render_paragraph(s, p);
    g_assert_null(strstr(p->str, "The losses came in bursts")); /* no loss pattern: the black hole says why */
    g_assert_null(strstr(p->str, "The losses were scattered"));
    g_string_free(p, TRUE);
    tcpx_health_free(h);
}

/* Contradictions: the server answered during the series; the waits did not grow; only two retries. */
static void
test_connection_not_lost(void)
{
    static const double waits[] = { 250, 500, 1000, 2000, 4000 };
    static const double flat[] = { 250, 250, 250, 250, 250 };
    tcpx_health_t *h = tcpx_health_new(NULL);
    conn_t c;

    conn_init(&c, h, 41, TRUE);
    g_assert_cmpstr(retry_series(&c, waits, 5, TRUE)->verdict_code, ==, "network_loss");
    conn_init(&c, h, 42, TRUE);
    g_assert_cmpstr(retry_series(&c, flat, 5, FALSE)->verdict_code, ==, "network_loss");
    conn_init(&c, h, 43, TRUE);
    g_assert_cmpstr(retry_series(&c, waits, 2, FALSE)->verdict_code, ==, "network_loss");
    g_assert_cmpint(tcpx_health_lookup(h, 43)->loss_pattern, !=, TCPX_LOSS_PATH_DEAD);
    tcpx_health_free(h);
}

/* A tiny JSON parser: checks syntax, records the type of every top-level value. */
typedef struct {
    const char *p;
    GHashTable *types;
    int depth;
} jp_t;
static gboolean jp_value(jp_t *j, char *type);
static void
jp_ws(jp_t *j)
{
    while (*j->p == ' ' || *j->p == '\n' || *j->p == '\t' || *j->p == '\r')
        j->p++;
}
static gboolean
jp_string(jp_t *j, GString *out)
{
    if (*j->p != '"')
        return FALSE;
    j->p++;
    while (*j->p && *j->p != '"') {
        if ((unsigned char)*j->p < 0x20)
            return FALSE;
        if (*j->p == '\\') {
            j->p++;
            if (*j->p == 'u') {
                int i;
                for (i = 0; i < 4; i++)
                    if (!g_ascii_isxdigit(*++j->p))
                        return FALSE;
            } else if (!strchr("\"\\/bfnrt", *j->p))
                return FALSE;
        }
        if (out)
            g_string_append_c(out, *j->p);
        j->p++;
    }
    if (*j->p != '"')
        return FALSE;
    j->p++;
    return TRUE;
}
static gboolean
jp_value(jp_t *j, char *type)
{
    jp_ws(j);
    if (*j->p == '{') {
        int depth = ++j->depth;
        j->p++;
        *type = 'o';
        jp_ws(j);
        if (*j->p == '}') {
            j->p++;
            j->depth--;
            return TRUE;
        }
        for (;;) {
            GString *key = g_string_new(NULL);
            char t;
            jp_ws(j);
            if (!jp_string(j, key)) {
                g_string_free(key, TRUE);
                return FALSE;
            }
            jp_ws(j);
            if (*j->p++ != ':') {
                g_string_free(key, TRUE);
                return FALSE;
            }
            if (!jp_value(j, &t)) {
                g_string_free(key, TRUE);
                return FALSE;
            }
            if (depth == 1) {
                if (g_hash_table_contains(j->types, key->str)) {
                    g_string_free(key, TRUE);
                    return FALSE;
                } /* duplicate key */
                g_hash_table_insert(j->types, g_strdup(key->str), GINT_TO_POINTER(t));
            }
            g_string_free(key, TRUE);
            jp_ws(j);
            if (*j->p == ',') {
                j->p++;
                continue;
            }
            if (*j->p == '}') {
                j->p++;
                j->depth--;
                return TRUE;
            }
            return FALSE;
        }
    }
    if (*j->p == '"') {
        *type = 's';
        return jp_string(j, NULL);
    }
    if (!strncmp(j->p, "true", 4) || !strncmp(j->p, "null", 4)) {
        *type = *j->p == 't' ? 'b' : 'z';
        j->p += 4;
        return TRUE;
    }
    if (!strncmp(j->p, "false", 5)) {
        *type = 'b';
        j->p += 5;
        return TRUE;
    }
    if (*j->p == '-' || g_ascii_isdigit(*j->p)) {
        char *end;
        g_ascii_strtod(j->p, &end);
        if (end == j->p)
            return FALSE;
        j->p = end;
        *type = 'n';
        return TRUE;
    }
    return FALSE;
}

static char
jtype(GHashTable *t, const char *key)
{
    gpointer v;
    if (!g_hash_table_lookup_extended(t, key, NULL, &v))
        return '?';
    return (char)GPOINTER_TO_INT(v);
}

static void
test_json(void)
{
    tcpx_health_t *h = tcpx_health_new(NULL);
    conn_t c, r;
    GString *out = g_string_new(NULL);
    gchar **lines;
    jp_t j;
    char t;
    static const char *numbers[] = { "stream",
                                     "packets_c2s",
                                     "packets_s2c",
                                     "bytes_c2s",
                                     "bytes_s2c",
                                     "first_time",
                                     "last_time",
                                     "duration_s",
                                     "irtt_ms",
                                     "ack_rtt_c2s_min_ms",
                                     "ack_rtt_c2s_avg_ms",
                                     "ack_rtt_c2s_max_ms",
                                     "app_responses",
                                     "app_response_max_ms",
                                     "app_response_avg_ms",
                                     "retransmitted_bytes",
                                     "retransmission_rate_pct",
                                     "lost_bytes",
                                     "lost_segments",
                                     "zero_window_s",
                                     "keepalives",
                                     "resets",
                                     "mss_client",
                                     "mss_server",
                                     "wscale_client",
                                     "wscale_server",
                                     "score",
                                     NULL };
    static const char *strings[] = { "client",           "server",         "completeness", "completeness_code",
                                     "capture_position", "loss_pattern",   "fault",        "verdict",
                                     "verdict_code",     "zero_window_by", "reset_by",     NULL };
    int i;

    conn_init(&c, h, 40, TRUE);
    slow_server(&c);
    conn_init(&r, h, 41, FALSE);
    rec(&r, 0, C, TCPX_TH_SYN, 0, 64240, 0);
    rec(&r, 0.3, S, TCPX_TH_RST | TCPX_TH_ACK, 0, 0, 0);
    tcpx_health_finish(h);
    tcpx_health_render_json(h, out);
    lines = g_strsplit(out->str, "\n", -1);
    g_assert_cmpuint(g_strv_length(lines), ==, 3); /* two lines + "" after the last '\n' */
    g_assert_cmpstr(lines[2], ==, "");

    j.p = lines[0];
    j.depth = 0;
    j.types = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_assert_true(jp_value(&j, &t));
    g_assert_cmpint(t, ==, 'o');
    jp_ws(&j);
    g_assert_cmpint(*j.p, ==, '\0');
    for (i = 0; numbers[i]; i++) {
        if (jtype(j.types, numbers[i]) != 'n')
            g_error("key %s: type %c, expected a number in %s", numbers[i], jtype(j.types, numbers[i]), lines[0]);
    }
    for (i = 0; strings[i]; i++)
        g_assert_cmpint(jtype(j.types, strings[i]), ==, 's');
    g_assert_cmpint(jtype(j.types, "anomalies"), ==, 'o');
    g_assert_cmpint(jtype(j.types, "sack"), ==, 'b');
    g_assert_cmpint(jtype(j.types, "roles_guessed"), ==, 'b');
    g_assert_nonnull(strstr(lines[0], "\"stream\":40,"));
    g_assert_nonnull(strstr(lines[0], "\"score\":70,"));
    g_assert_nonnull(strstr(lines[0], "\"fault\":\"server\""));
    g_assert_nonnull(strstr(lines[0], "\"keep_alive\":2"));
    g_assert_nonnull(strstr(lines[0], "\"app_response_max_ms\":3000.000"));
    g_assert_null(strstr(lines[0], "\"score\":\""));
    g_hash_table_destroy(j.types);

    /* the refused stream: unknown values are null, not strings */
    j.p = lines[1];
    j.depth = 0;
    j.types = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_assert_true(jp_value(&j, &t));
    g_assert_cmpint(jtype(j.types, "irtt_ms"), ==, 'z');
    g_assert_cmpint(jtype(j.types, "mss_client"), ==, 'z');
    g_assert_cmpint(jtype(j.types, "app_response_max_ms"), ==, 'z');
    g_assert_cmpint(jtype(j.types, "score"), ==, 'n');
    g_assert_nonnull(strstr(lines[1], "\"verdict_code\":\"refused\""));
    g_hash_table_destroy(j.types);

    g_strfreev(lines);
    g_string_free(out, TRUE);
    tcpx_health_free(h);
}

static void
test_render_and_order(void)
{
    tcpx_health_t *h = tcpx_health_new(NULL);
    conn_t a, b, c;
    GString *out = g_string_new(NULL);
    GPtrArray *w;
    const char *pa, *pb;

    conn_init(&a, h, 50, TRUE);
    handshake(&a, 0, 20, 0.1);
    rec(&a, 21, C, PA, 200, 64256, 0);
    rec(&a, 45, S, PA, 1400, 65160, 0);
    close_both(&a, 60, 20);
    conn_init(&b, h, 51, TRUE);
    slow_server(&b); /* score 70 */
    conn_init(&c, h, 52, FALSE);
    rec(&c, 0, C, TCPX_TH_SYN, 0, 64240, 0);
    rec(&c, 0.3, S, TCPX_TH_RST | TCPX_TH_ACK, 0, 0, 0); /* score 10 */
    tcpx_health_finish(h);

    w = tcpx_health_worst_first(h);
    g_assert_cmpuint(w->len, ==, 3);
    g_assert_cmpuint(((const tcpx_health_stream_t *)g_ptr_array_index(w, 0))->stream, ==, 52);
    g_assert_cmpuint(((const tcpx_health_stream_t *)g_ptr_array_index(w, 1))->stream, ==, 51);
    g_assert_cmpuint(((const tcpx_health_stream_t *)g_ptr_array_index(w, 2))->stream, ==, 50);
    g_ptr_array_unref(w);

    tcpx_health_render_paragraphs(h, out);
    pa = strstr(out->str, "Stream 52:");
    pb = strstr(out->str, "Stream 51:");
    g_assert_nonnull(pa);
    g_assert_nonnull(pb);
    g_assert_true(pa < pb);
    g_assert_null(strstr(out->str, "Stream 50:")); /* healthy: no paragraph */
    g_string_truncate(out, 0);

    tcpx_health_render_table(h, out);
    g_assert_nonnull(strstr(out->str, "Stream"));
    g_assert_nonnull(strstr(out->str, "server_app_slow"));
    g_assert_nonnull(strstr(out->str, "refused"));
    {
        gchar **l = g_strsplit(out->str, "\n", -1);
        g_assert_cmpuint(g_strv_length(l), ==, 5); /* header + 3 rows + "" */
        g_strfreev(l);
    }
    if (g_test_verbose()) {
        g_test_message("%s", out->str);
        g_string_truncate(out, 0);
        tcpx_health_render_paragraphs(h, out);
        g_test_message("%s", out->str);
        g_string_truncate(out, 0);
        tcpx_health_render_json(h, out);
        g_test_message("%s", out->str);
    }

    tcpx_health_reset(h);
    g_assert_cmpuint(tcpx_health_count(h), ==, 0);
    g_assert_null(tcpx_health_lookup(h, 50));
    g_string_free(out, TRUE);
    tcpx_health_free(h);
}

/* Stream ids index the streams directly while they are dense; ids far apart
 * (hand-made captures, other taps' ids) must be found all the same. */
static void
test_stream_ids(void)
{
    static const guint32 ids[] = { 0, 3, 100000, 2, 4000000000u, 5000, 1, 99999, 100001 };
    tcpx_health_t *h = tcpx_health_new(NULL);
    conn_t c;
    guint i, round;

    for (round = 0; round < 2; round++) {
        for (i = 0; i < G_N_ELEMENTS(ids); i++) {
            conn_init(&c, h, ids[i], TRUE);
            c.frame = round * 100 + i * 10;
            rec(&c, 1.0 + i, C, TCPX_TH_SYN, 0, 64240, 0);
        }
        g_assert_cmpuint(tcpx_health_count(h), ==, G_N_ELEMENTS(ids));
        for (i = 0; i < G_N_ELEMENTS(ids); i++) {
            const tcpx_health_stream_t *s = tcpx_health_lookup(h, ids[i]);
            g_assert_nonnull(s);
            g_assert_cmpuint(s->stream, ==, ids[i]);
            g_assert_cmpuint(s->index, ==, i);
            g_assert_cmpuint(s->packets[0], ==, round + 1);
            g_assert_true(tcpx_health_judge(h, ids[i]) == s);
        }
        g_assert_null(tcpx_health_lookup(h, 4));
        g_assert_null(tcpx_health_lookup(h, 100002));
        g_assert_null(tcpx_health_lookup(h, 4000000001u));
    }
    tcpx_health_reset(h);
    g_assert_cmpuint(tcpx_health_count(h), ==, 0);
    g_assert_null(tcpx_health_lookup(h, 3));
    g_assert_null(tcpx_health_lookup(h, 100000));
    tcpx_health_free(h);
}

/* Every variable a template names, {name} or {?name:...}, is in the table of stream variables. */
static void
assert_names_known(const char *tmpl)
{
    const char *p;
    for (p = strchr(tmpl, '{'); p; p = strchr(p + 1, '{')) {
        const char *name = p[1] == '?' ? p + 2 : p + 1;
        gsize len = strcspn(name, p[1] == '?' ? ":" : "}");
        if (!tcpx_template_var(&tcpx_health_vars, name, len))
            g_error("template \"%s\": unknown variable \"%.*s\"", tmpl, (int)len, name);
    }
}

/* Renders every stream template with a stream whose values are all unknown or zero, then
 * all set: no "{name}" may come out (a misspelt variable renders so). */
static void
test_templates(void)
{
    tcpx_health_stream_t none, all;
    tcpx_health_evidence_t ev = { 1, 3, 4, TRUE };
    GString *out = g_string_new(NULL);
    guint w, k;

    memset(&none, 0, sizeof none);
    none.rst_side = -1;
    none.resp_max_ack_ns = none.hs_d1_ns = none.hs_d2_ns = -1;
    none.position = TCPX_POS_UNKNOWN;

    memset(&all, 0, sizeof all);
    all.stream = 7;
    all.client = (char *)"10.0.0.1:51234";
    all.server = (char *)"10.0.0.2:80";
    all.client_port = 51234;
    all.server_port = 80;
    all.roles_guessed = TRUE;
    all.packets[0] = all.packets[1] = 20;
    all.bytes[0] = all.bytes[1] = 3000;
    all.irtt_ns = all.rtt_ref_ns = MS(20);
    all.resp_n = 2;
    all.resp_max_ns = MS(300);
    all.resp_sum_ns = MS(400);
    all.resp_max_frame = 9;
    all.resp_max_ack_ns = MS(21);
    all.resp_max_keepalives = 2;
    all.anomalies[TCPX_K_SPURIOUS_RETRANSMISSION] = 1;
    all.data_segments = 10;
    all.retx_records = all.retx_segments = 3;
    all.retx_bytes = 4200;
    all.retx_net[0] = all.retx_net[1] = 1;
    all.capture_dups = 1;
    all.retx_rate = 0.2;
    all.dup_acks = 4;
    all.lost_bytes = 1400;
    all.lost_segments = all.capture_gaps = all.network_holes = all.acked_unseen = all.reordered = 1;
    all.zero_window_ns[0] = all.zero_window_ns[1] = MS(1500);
    all.window_full_recv[0] = all.window_full_recv[1] = 2;
    all.resets[0] = all.resets[1] = 1;
    all.rst_side = 1;
    all.rst_after_data = TRUE;
    all.refusals = 2;
    all.syn = all.synack = all.hs_ack = TRUE;
    all.fin[0] = all.fin[1] = TRUE;
    all.done = TCPX_DONE_COMPLETE;
    all.done_text = "complete: handshake, data, FIN both ways";
    all.position = TCPX_POS_NEAR_CLIENT;
    all.hs_d1_ns = MS(20);
    all.hs_d2_ns = MS(0.1);
    all.loss_pattern = TCPX_LOSS_BURSTS;
    all.score = 40;
    all.fault = TCPX_FAULT_NETWORK;
    all.verdict_code = "network_loss";
    all.verdict = (char *)"network loss";
    all.pmtu_router = (char *)"10.2.0.1";

    for (w = 0; w < TCPX_HW_N; w++) {
        const char *tmpl = tcpx_health_template((tcpx_health_words_t)w);
        const char *when = tcpx_health_template_when((tcpx_health_words_t)w);
        g_assert_nonnull(tmpl);
        assert_names_known(tmpl);
        g_assert_true(!when || tcpx_template_var(&tcpx_health_vars, when, strlen(when)));
        for (k = 0; k < 3; k++) {
            tcpx_health_words_ctx_t ctx = { k == 2 ? &all : &none, k == 0 ? NULL : &ev };
            g_string_truncate(out, 0);
            tcpx_template_render(out, tmpl, &tcpx_health_vars, &ctx); /* whether said or not */
            tcpx_health_words(out, (tcpx_health_words_t)w, ctx.s, ctx.ev);
            if (strchr(out->str, '{') || strchr(out->str, '}'))
                g_error("template %u rendered \"%s\"", w, out->str);
            g_assert_cmpuint(out->len, >, 0);
        }
    }
    /* the texts of streams judged together (tcpx_health_groups.c) */
    for (k = 0; tcpx_health_group_template(k); k++) {
        g_string_truncate(out, 0);
        tcpx_health_group_render(out, tcpx_health_group_template(k), &all);
        if (strchr(out->str, '{') || strchr(out->str, '}'))
            g_error("group template %u rendered \"%s\"", k, out->str);
    }
    g_assert_cmpuint(k, ==, 3);
    g_string_free(out, TRUE);
}

/* ------------------------------------------------------------------ */
/* Loss pattern downstream of the loss, SACK holes (issue #16 item 5) */

/* Three holes of `segs` consecutive segments 2 ms apart (bursty) or 100 ms apart (the client asking
 * for each: a duplicate ACK), each filled by out-of-order segments 21 ms (an RTT) later: what a capture
 * downstream of the loss shows. */
static const tcpx_health_stream_t *
holes_filled(conn_t *c, gboolean bursty, guint32 segs)
{
    guint32 hole[3];
    double at[3];
    handshake(c, 0, 20, 0.1);
    rec(c, 21, C, PA, 200, 64256, 0);
    rec(c, 44, S, A, 1400, 65160, 0);
    for (int i = 0; i < 3; i++) {
        at[i] = 45 + i * (bursty ? 2 : 100);
        hole[i] = c->seq[1];
        c->seq[1] += segs * 1400;
        rec_full(c, at[i], S, A, 1400, 65160, KB(TCPX_K_LOST_SEGMENT), 0, segs * 1400, segs, 0);
        if (bursty)
            continue;
        guint32 next = c->seq[1];
        c->seq[1] = hole[i]; /* the client's duplicate ACK asks for the hole */
        rec(c, at[i] + 0.5, C, A, 0, 64256, KB(TCPX_K_DUP_ACK));
        c->seq[1] = next;
        for (guint32 k = 0; k < segs; k++)
            rec_full(c, at[i] + 21 + k * 0.1, S, A, 1400, 65160, KB(TCPX_K_OUT_OF_ORDER), 0, 0, 0, hole[i] + k * 1400);
    }
    for (int i = 0; bursty && i < 3; i++)
        rec_full(c, at[i] + 21, S, A, 1400, 65160, KB(TCPX_K_OUT_OF_ORDER), 0, 0, 0, hole[i]);
    close_both(c, 500, 20);
    return judge(c);
}

static void
test_loss_downstream_burst(void)
{
    tcpx_health_t *h = tcpx_health_new(NULL);
    conn_t c;
    conn_init(&c, h, 40, TRUE);
    const tcpx_health_stream_t *s = holes_filled(&c, TRUE, 1);
    g_assert_cmpint(s->loss_pattern, ==, TCPX_LOSS_BURSTS);
    g_assert_cmpuint(s->loss_events, ==, 3);
    g_assert_cmpuint(s->burst_events, ==, 3);
    g_assert_cmpuint(s->retx_net[1], ==, 3); /* the fills are the retransmissions */
    g_assert_cmpuint(s->reordered, ==, 0);
    g_assert_cmpuint(s->network_holes, ==, 3);
    g_assert_cmpuint(s->capture_gaps, ==, 0);
    g_assert_cmpint(s->fault, ==, TCPX_FAULT_NETWORK);
    tcpx_health_free(h);
}

/* The same holes 100 ms (5 RTTs) apart: three separate losses. */
static void
test_loss_downstream_scattered(void)
{
    tcpx_health_t *h = tcpx_health_new(NULL);
    conn_t c;
    conn_init(&c, h, 41, TRUE);
    const tcpx_health_stream_t *s = holes_filled(&c, FALSE, 1);
    g_assert_cmpint(s->loss_pattern, ==, TCPX_LOSS_SCATTERED);
    g_assert_cmpuint(s->loss_events, ==, 3);
    g_assert_cmpuint(s->burst_events, ==, 0);
    g_assert_cmpuint(s->retx_net[1], ==, 3);
    tcpx_health_free(h);
}

/* The same holes 100 ms apart, each two consecutive segments: a queue that overflowed three times (a
 * loss independent of the others takes the next segment too only as often as the loss rate). */
static void
test_loss_downstream_pairs(void)
{
    tcpx_health_t *h = tcpx_health_new(NULL);
    conn_t c;
    conn_init(&c, h, 44, TRUE);
    const tcpx_health_stream_t *s = holes_filled(&c, FALSE, 2);
    g_assert_cmpint(s->loss_pattern, ==, TCPX_LOSS_BURSTS);
    g_assert_cmpuint(s->loss_events, ==, 6);
    g_assert_cmpuint(s->burst_events, ==, 6);
    tcpx_health_free(h);
}

/* A paragraph as one line: its wrapping (a newline and an indent) made a space. */
static char *
unwrapped(const char *text)
{
    GString *out = g_string_new(NULL);
    for (const char *q = text; *q; q++) {
        if (*q != '\n') {
            g_string_append_c(out, *q);
            continue;
        }
        g_string_append_c(out, ' ');
        while (q[1] == ' ')
            q++;
    }
    return g_string_free(out, FALSE);
}

/* 100 server segments, each ACKed (ACK RTT: rtt_ms, then loaded_ms from the 10th segment on), six of them
 * lost: single losses 900 ms apart, or (bursty) six in a row; the handshake's legs d1 and d2 place the capture. */
static const tcpx_health_stream_t *
lost_with_rtt(conn_t *c, gboolean bursty, double d1, double d2, double rtt_ms, double loaded_ms, GString *p)
{
    double t = 100;
    handshake(c, 0, d1, d2);
    rec(c, d1 + d2 + 1, C, PA, 200, 64256, 0);
    for (int i = 0; i < 100; i++, t += 2) {
        rec(c, t, S, A, 1400, 65160, 0);
        rec_full(c, t + 1, C, A, 0, 64256, 0, MS(i < 10 ? rtt_ms : loaded_ms), 0, 0, 0);
        if (bursty ? i >= 50 && i < 56 : i % 16 == 5) {
            rec_full(c, t + 1.5, S, A, 1400, 65160, KB(TCPX_K_RETRANSMISSION), 0, 0, 0, c->seq[1] - 1400);
            t += bursty ? 0 : 900;
        }
    }
    close_both(c, t + 10, d1 + d2);
    const tcpx_health_stream_t *s = judge(c);
    tcpx_health_render_paragraph(s, p);
    g_assert_cmpint(s->loss_pattern, ==, bursty ? TCPX_LOSS_BURSTS : TCPX_LOSS_SCATTERED);
    return s;
}

/* Single losses fit a lossy link and a queue overflowing a segment at a time, bursts a queue and a policer:
 * near the sender, a flat RTT says no queue filled, a risen one a queue; away from it the RTTs miss part of
 * the path. */
static void
test_loss_cause_from_rtt(void)
{
    static const struct {
        gboolean bursty;
        double d1, d2, rtt, loaded;
        tcpx_loss_cause_t cause;
        const char *says;
        const char *open; /* every cause the evidence leaves open, named in the text ('|' between them) */
    } cases[] = {
        { FALSE, 0.1, 40, 40, 41, TCPX_LOSS_CAUSE_NO_QUEUE, "no deep queue filled up: a lossy link",
          "lossy link|policer|shallow queue" },
        { FALSE, 0.1, 40, 40, 70, TCPX_LOSS_CAUSE_QUEUE, "27 ms above its least on average: a full queue", "queue" },
        { FALSE, 40, 0.1, 0.1, 0.1, TCPX_LOSS_CAUSE_UNDETERMINED, "This capture's RTTs cannot tell them apart",
          "lossy link|policer|queue" },
        { FALSE, 40, 0.1, 0.1, 30, TCPX_LOSS_CAUSE_QUEUE, "a full queue", "queue" }, /* a queue past the capture */
        { FALSE, 0.1, 40, 40, 45, TCPX_LOSS_CAUSE_NO_QUEUE, "a shallow queue",       /* risen by less than a quarter */
          "lossy link|policer|shallow queue" },
        { TRUE, 0.1, 40, 40, 41, TCPX_LOSS_CAUSE_NO_QUEUE, "no queue filled up: a policer", "policer|outage" },
        { TRUE, 0.1, 40, 40, 70, TCPX_LOSS_CAUSE_QUEUE, "above its least on average: a queue on the path overflowing",
          "queue" },
        { TRUE, 40, 0.1, 0.1, 0.1, TCPX_LOSS_CAUSE_UNDETERMINED, "a queue overflowing, or a policer", "queue|policer" },
    };
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        tcpx_health_t *h = tcpx_health_new(NULL);
        conn_t c;
        GString *p = g_string_new(NULL);
        conn_init(&c, h, 50 + i, TRUE);
        const tcpx_health_stream_t *s = lost_with_rtt(&c, cases[i].bursty, cases[i].d1, cases[i].d2, cases[i].rtt,
                                                      cases[i].loaded, p);
        g_assert_cmpint(s->loss_cause, ==, cases[i].cause);
        char *text = unwrapped(p->str);
        g_assert_nonnull(strstr(text, cases[i].says));
        g_assert_null(strstr(text, cases[i].cause == TCPX_LOSS_CAUSE_NO_QUEUE ? "on average" : "did not rise"));
        char **open = g_strsplit(cases[i].open, "|", -1);
        for (char **o = open; *o; o++)
            if (!strstr(text, *o))
                g_error("case %u: '%s' left open but not named in: %s", i, *o, text);
        g_strfreev(open);
        g_free(text);
        g_string_free(p, TRUE);
        tcpx_health_free(h);
    }
}

/* One fast retransmission of the start of a hole the receiver's SACK shows 4 segments long (with
 * sack) or a plain duplicate ACK (without): a burst of 4, or a single loss. */
static const tcpx_health_stream_t *
sack_hole(conn_t *c, gboolean sack)
{
    guint32 lost, next;
    handshake(c, 0, 20, 0.1);
    rec(c, 21, C, PA, 200, 64256, 0);
    rec(c, 44, S, A, 1400, 65160, 0);
    lost = c->seq[1];
    for (int i = 0; i < 8; i++)
        rec(c, 45 + i, S, A, 1400, 65160, 0);
    next = c->seq[1];
    c->seq[1] = lost; /* the client's duplicate ACKs wait for byte `lost` */
    for (int i = 0; i < 3; i++) {
        finding_next(c, TCPX_K_DUP_ACK, sack ? TCPX_C_DUPACK_HOLE : TCPX_C_DUPACK_PLAIN, sack ? 4 * 1400 : 0,
                     sack ? 4 : 0);
        rec(c, 66 + i, C, A, 0, 64256, KB(TCPX_K_DUP_ACK));
    }
    c->seq[1] = next;
    rec_full(c, 69, S, A, 1400, 65160, KB(TCPX_K_FAST_RETRANSMISSION), 0, 0, 0, lost);
    close_both(c, 500, 20);
    return judge(c);
}

static void
test_loss_sack_hole(void)
{
    tcpx_health_t *h = tcpx_health_new(NULL);
    conn_t c;
    conn_init(&c, h, 42, TRUE);
    const tcpx_health_stream_t *s = sack_hole(&c, TRUE);
    g_assert_cmpint(s->loss_pattern, ==, TCPX_LOSS_BURSTS);
    g_assert_cmpuint(s->loss_events, ==, 4);
    tcpx_health_free(h);
    h = tcpx_health_new(NULL);
    conn_init(&c, h, 43, TRUE);
    s = sack_hole(&c, FALSE);
    g_assert_cmpint(s->loss_pattern, ==, TCPX_LOSS_ISOLATED);
    g_assert_cmpuint(s->loss_events, ==, 1);
    tcpx_health_free(h);
}

/* ------------------------------------------------------------------ */
/* Not reading only on evidence */

/* A zero window of zw_ms at t=30, then data until end_ms (RTT 1.1 ms). */
static const tcpx_health_stream_t *
zero_window_for(conn_t *c, double zw_ms, double end_ms)
{
    handshake(c, 0, 1, 0.1);
    rec(c, 2, C, PA, 200, 64256, 0);
    for (int i = 0; i < 5; i++)
        rec(c, 3 + i, S, A, 1400, 65160, 0);
    rec(c, 30, C, A, 0, 0, KB(TCPX_K_ZERO_WINDOW));
    rec(c, 30 + zw_ms, C, A, 0, 64256, KB(TCPX_K_WINDOW_UPDATE));
    rec(c, end_ms - 1, S, A, 1400, 65160, 0);
    rec(c, end_ms, C, A, 0, 64256, 0);
    return judge(c);
}

static void
test_zero_window_short(void)
{
    tcpx_health_t *h = tcpx_health_new(NULL);
    conn_t c;
    conn_init(&c, h, 44, TRUE);
    /* 10 ms of a 41 ms capture: a quarter of it, but short: no verdict */
    const tcpx_health_stream_t *s = zero_window_for(&c, 10, 41);
    g_assert_cmpint(s->zero_window_ns[0], ==, MS(10));
    g_assert_cmpint(s->fault, ==, TCPX_FAULT_NONE);
    g_assert_cmpint(s->score, ==, 100);
    tcpx_health_free(h);
    /* 300 ms of a 1 s stream: a tenth of it and long enough */
    h = tcpx_health_new(NULL);
    conn_init(&c, h, 45, TRUE);
    s = zero_window_for(&c, 300, 1000);
    g_assert_cmpstr(s->verdict_code, ==, "client_not_reading");
    g_assert_cmpint(s->score, ==, 70);
    tcpx_health_free(h);
}

typedef enum {
    WF_PINNED,
    WF_GROWING,
    WF_READS_AT_ONCE,
    WF_LOSS_HOLE
} wf_mode_t;

/* Five rounds 200 ms apart: the server fills the client's 7000-byte window with 5 segments (the
 * last one window-full), the client ACKs 4 of them 10 ms apart, then reopens the window 150 ms in. */
static const tcpx_health_stream_t *
window_full_rounds(conn_t *c, wf_mode_t mode)
{
    guint32 win = 7000;
    rec(c, 0, C, TCPX_TH_SYN, 0, 64240, 0);
    rec(c, 1, S, TCPX_TH_SYN | TCPX_TH_ACK, 0, 65160, 0);
    rec(c, 1.1, C, A, 0, win, 0);
    rec(c, 2, C, PA, 200, win, 0);
    for (int k = 0; k < 5; k++) {
        double t0 = 100 + 200 * k;
        guint32 edge = c->seq[1] + win;
        if (mode == WF_LOSS_HOLE)
            rec(c, t0 - 1, C, A, 0, win, KB(TCPX_K_DUP_ACK));
        for (int i = 0; i < 5; i++)
            rec(c, t0 + i, S, A, 1400, 65160, i == 4 ? KB(TCPX_K_WINDOW_FULL) : 0);
        for (int i = 0; i < 4; i++) {
            guint32 keep = c->seq[1];
            c->seq[1] -= (4 - i) * 1400; /* the ACK's number */
            rec(c, t0 + 10 + 10 * i, C, A, 0, mode == WF_READS_AT_ONCE ? win : edge - c->seq[1], 0);
            c->seq[1] = keep;
        }
        if (mode == WF_GROWING)
            win += 2000;
        rec(c, t0 + 150, C, A, 0, win, KB(TCPX_K_WINDOW_UPDATE));
    }
    rec(c, 1100, C, TCPX_TH_FIN | TCPX_TH_ACK, 0, win, 0);
    rec(c, 1101, S, TCPX_TH_FIN | TCPX_TH_ACK, 0, 65160, 0);
    rec(c, 1101.1, C, A, 0, win, 0);
    return judge(c);
}

static void
test_window_full_pinned(void)
{
    static const struct {
        wf_mode_t mode;
        const char *code;
    } cases[] = {
        { WF_PINNED, "client_not_reading" }, /* acknowledged, not read, window never grew */
        { WF_GROWING, "healthy" },           /* the buffer autotunes */
        { WF_READS_AT_ONCE, "healthy" },     /* the right edge moves with each ACK: a long RTT */
        { WF_LOSS_HOLE, "healthy" },         /* a loss hole holds the left edge */
    };
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        tcpx_health_t *h = tcpx_health_new(NULL);
        conn_t c;
        conn_init(&c, h, 46 + i, TRUE);
        const tcpx_health_stream_t *s = window_full_rounds(&c, cases[i].mode);
        g_assert_cmpuint(s->window_full_recv[0], ==, 5);
        g_assert_cmpstr(s->verdict_code, ==, cases[i].code);
        if (i == 0) {
            g_assert_nonnull(strstr(s->verdict, "slow to read"));
            g_assert_cmpint(s->score, ==, 90);
        }
        tcpx_health_free(h);
    }
}

/* ------------------------------------------------------------------ */
/* Interactive sessions, benign resets */

/* Five keystrokes (req bytes each) echoed in 21 ms, then one the server ACKs at once and whose
 * "answer" comes 900 ms later. */
static const tcpx_health_stream_t *
typing(conn_t *c, guint32 req)
{
    handshake(c, 0, 20, 0.1);
    for (int i = 0; i < 5; i++) {
        rec(c, 100 + 300 * i, C, PA, req, 64256, 0);
        rec_full(c, 121 + 300 * i, S, PA, 40, 65160, 0, MS(21), 0, 0, 0);
    }
    rec(c, 2000, C, PA, req, 64256, 0);
    rec_full(c, 2020.5, S, A, 0, 65160, 0, MS(20.5), 0, 0, 0);
    rec(c, 2900, S, PA, 120, 65160, 0);
    close_both(c, 3000, 20);
    return judge(c);
}

static void
test_interactive(void)
{
    tcpx_health_t *h = tcpx_health_new(NULL);
    conn_t c;
    conn_init(&c, h, 50, TRUE);
    const tcpx_health_stream_t *s = typing(&c, 40);
    g_assert_cmpuint(s->resp_n, ==, 6);
    g_assert_cmpint(s->resp_max_ns, ==, MS(900));
    g_assert_cmpstr(s->verdict_code, ==, "healthy");
    tcpx_health_free(h);
    /* requests of 400 bytes are not keystrokes: the server was slow to answer one */
    h = tcpx_health_new(NULL);
    conn_init(&c, h, 51, TRUE);
    s = typing(&c, 400);
    g_assert_cmpstr(s->verdict_code, ==, "server_app_slow");
    tcpx_health_free(h);
}

/* A RST after everything either side sent was acknowledged: a close, no fault. */
static void
test_reset_all_acked(void)
{
    tcpx_health_t *h = tcpx_health_new(NULL);
    conn_t c;
    const tcpx_health_stream_t *s;

    conn_init(&c, h, 52, TRUE);
    handshake(&c, 0, 20, 0.1);
    rec(&c, 21, C, PA, 200, 64256, 0);
    rec(&c, 45, S, PA, 1400, 65160, 0);
    rec(&c, 46, C, A, 0, 64256, 0);
    rec(&c, 50, C, TCPX_TH_RST | TCPX_TH_ACK, 0, 0, 0);
    s = judge(&c);
    g_assert_cmpstr(s->done_text, ==, "reset by the client after data");
    g_assert_cmpint(s->fault, ==, TCPX_FAULT_NONE);
    g_assert_cmpstr(s->verdict_code, ==, "healthy");
    g_assert_cmpint(s->score, ==, 100);
    tcpx_health_free(h);
}

/* Two interleaved streams with losses, SACK holes, findings on many records, an ICMP, and the plugin's stream
 * state changing while records wait in a batch (the receiver's MSS, the client's options): added in batches,
 * the same JSON as added one at a time. */
static void
batched_streams(tcpx_health_t *h, conn_t *a, conn_t *b)
{
    conn_init(a, h, 7, TRUE);
    conn_init(b, h, 8, FALSE);
    handshake(a, 0, 20, 0.1);
    rec(b, 1, C, TCPX_TH_SYN, 0, 64240, 0);
    b->st.side[0].syn_seen = TRUE; /* the plugin learns the SYN's options */
    b->st.side[0].mss = 1460;
    rec(b, 21, S, TCPX_TH_SYN | TCPX_TH_ACK, 0, 65160, 0);
    b->st.side[1].syn_seen = TRUE;
    b->st.side[1].mss = 1200;
    rec(b, 21.1, C, A, 0, 64256, 0);
    rec(a, 21, C, PA, 100, 64256, 0);
    rec(b, 22, C, PA, 100, 64256, 0);
    for (int i = 0; i < 150; i++) {
        double t = 42 + i;
        if (i % 25 == 7) { /* a hole downstream of the loss, then its resend */
            rec_full(a, t, S, A, 1400, 65160, KB(TCPX_K_LOST_SEGMENT), 0, 2800, 0, 0);
            finding_next(a, TCPX_K_DUP_ACK, TCPX_C_DUPACK_HOLE, 2800, 2);
            rec(a, t + 0.2, C, A, 0, 64256, KB(TCPX_K_DUP_ACK));
            finding_next(a, TCPX_K_FAST_RETRANSMISSION, TCPX_C_FAST_RETX_DUPACKS, 1400, 0);
            rec_full(a, t + 0.5, S, A, 1400, 65160, KB(TCPX_K_FAST_RETRANSMISSION), 0, 0, 0, a->seq[1] - 4200);
        } else {
            rec(a, t, S, A, 1400, 65160, 0);
        }
        if (i % 3 == 0) {
            for (guint k = 0; k < TCPX_MAX_FINDINGS; k++) { /* findings enough to fill a batch's store */
                a->res.f[k].kind = TCPX_K_WINDOW_UPDATE;
                a->res.f[k].bytes = 1000 + k;
            }
            a->res.n = TCPX_MAX_FINDINGS;
        }
        rec_full(a, t + 0.1, C, A, 0, 64256, 0, MS(20), 0, 0, 0);
        if (i == 60)
            b->st.side[0].mss = 536; /* changed after the hole of i = 59 was recorded, before its batch is added */
        if (i % 10 == 9)
            rec_full(b, t, S, A, 1200, 65160, KB(TCPX_K_LOST_SEGMENT), 0, 2400, 0, 0);
        else
            rec(b, t, S, A, 1200, 65160, 0);
        if (i == 100) {
            finding_next(b, TCPX_K_PMTU_ICMP, TCPX_C_PMTU_TOO_BIG, 1500, 0);
            b->res.f[0].mtu = 1280;
            icmp_about(b, t + 0.3, FALSE, "10.9.0.1");
        }
    }
    close_both(a, 300, 20);
    rec(b, 310, S, TCPX_TH_RST | TCPX_TH_ACK, 0, 0, 0);
}

static void
test_batched_same_results(void)
{
    GString *json[2];
    for (int mode = 0; mode < 2; mode++) {
        tcpx_health_t *h = tcpx_health_new(NULL);
        conn_t a, b; /* the plugin's stream states outlive the records (the judgement reads them) */
        add_batched = mode == 1;
        batched_streams(h, &a, &b);
        add_batched = FALSE;
        tcpx_health_finish(h);
        json[mode] = g_string_new(NULL);
        tcpx_health_render_json(h, json[mode]);
        g_assert_cmpuint(tcpx_health_count(h), ==, 2);
        tcpx_health_free(h);
    }
    g_assert_cmpstr(json[1]->str, ==, json[0]->str);
    g_assert_nonnull(strstr(json[0]->str, "\"lost_segments\":"));
    for (int mode = 0; mode < 2; mode++)
        g_string_free(json[mode], TRUE);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/health/clean", test_clean);
    g_test_add_func("/health/lossy_scattered", test_lossy_scattered);
    g_test_add_func("/health/lossy_bursts", test_lossy_bursts);
    g_test_add_func("/health/ack_lost", test_ack_lost);
    g_test_add_func("/health/ack_silence", test_ack_silence);
    g_test_add_func("/health/network_hole", test_network_hole);
    g_test_add_func("/health/zero_window_client", test_zero_window);
    g_test_add_func("/health/zero_window_server", test_zero_window_server);
    g_test_add_func("/health/slow_server", test_slow_server);
    g_test_add_func("/health/slow_server_piggybacked", test_slow_server_piggybacked);
    g_test_add_func("/health/prefs_used", test_prefs_used);
    g_test_add_func("/health/refused", test_refused);
    g_test_add_func("/health/syn_unanswered", test_syn_unanswered);
    g_test_add_func("/health/reset_midstream", test_reset_midstream);
    g_test_add_func("/health/ack_held_no_dsack", test_ack_held_no_dsack);
    g_test_add_func("/health/scan_and_groups", test_scan_and_groups);
    g_test_add_func("/health/probed_host", test_probed_host);
    g_test_add_func("/health/icmp_unreachable", test_icmp_unreachable);
    g_test_add_func("/health/batched_same_results", test_batched_same_results);
    g_test_add_func("/health/syn_at_capture_end", test_syn_at_capture_end);
    g_test_add_func("/health/midstream_initial_gap", test_midstream_initial_gap);
    g_test_add_func("/health/acked_unseen", test_acked_unseen);
    g_test_add_func("/health/gap_without_retransmission", test_gap_without_retransmission);
    g_test_add_func("/health/reordering", test_reordering);
    g_test_add_func("/health/tfo_resend", test_tfo_resend);
    g_test_add_func("/health/position", test_position);
    g_test_add_func("/health/reset_after_data", test_reset_after_data);
    g_test_add_func("/health/refused_then_connected", test_refused_then_connected);
    g_test_add_func("/health/syn_lost_then_connected", test_syn_lost_then_connected);
    g_test_add_func("/health/syn_lost_and_data_lost", test_syn_lost_and_data_lost);
    g_test_add_func("/health/connection_lost", test_connection_lost);
    g_test_add_func("/health/pmtu_blackhole", test_pmtu_blackhole);
    g_test_add_func("/health/pmtu_handled", test_pmtu_handled);
    g_test_add_func("/health/pmtu_aside", test_pmtu_aside);
    g_test_add_func("/health/history", test_history);
    g_test_add_func("/health/limits", test_limits);
    g_test_add_func("/health/limits_acks_in_flight", test_limits_acks_in_flight);
    g_test_add_func("/health/limits_acks_lost", test_limits_acks_lost);
    g_test_add_func("/health/timer_too_long", test_timer_too_long);
    g_test_add_func("/health/queue_delay", test_queue_delay);
    g_test_add_func("/health/capture_facts", test_capture_facts);
    g_test_add_func("/health/nagle", test_nagle);
    g_test_add_func("/health/connection_not_lost", test_connection_not_lost);
    g_test_add_func("/health/json", test_json);
    g_test_add_func("/health/render_and_order", test_render_and_order);
    g_test_add_func("/health/stream_ids", test_stream_ids);
    g_test_add_func("/health/templates", test_templates);
    g_test_add_func("/health/dsack_takes_back_loss", test_dsack_takes_back_loss);
    g_test_add_func("/health/copies_are_the_captures", test_copies_are_the_captures);
    g_test_add_func("/health/every_packet_twice", test_every_packet_twice);
    g_test_add_func("/health/loss_downstream_burst", test_loss_downstream_burst);
    g_test_add_func("/health/loss_downstream_scattered", test_loss_downstream_scattered);
    g_test_add_func("/health/loss_cause_from_rtt", test_loss_cause_from_rtt);
    g_test_add_func("/health/loss_downstream_pairs", test_loss_downstream_pairs);
    g_test_add_func("/health/loss_sack_hole", test_loss_sack_hole);
    g_test_add_func("/health/zero_window_short", test_zero_window_short);
    g_test_add_func("/health/window_full_pinned", test_window_full_pinned);
    g_test_add_func("/health/interactive", test_interactive);
    g_test_add_func("/health/reset_all_acked", test_reset_all_acked);
    return g_test_run();
}
