/* tcpx_pmtu.c: Path MTU: a router's ICMP "fragmentation needed" (ICMPv6 "packet too big") linked
 * to the stream whose segment it quotes, and the resends in smaller segments that follow.  A
 * "destination unreachable" about a segment is linked the same way, its code as its cause.
 *
 * A router that cannot forward a packet larger than its next link's MTU, and may not fragment it
 * (IPv4 Don't Fragment, or IPv6), drops it and tells the sender, quoting the packet's headers and
 * giving that MTU (RFC 1191, RFC 8201).  The sender lowers its segment size and resends what did
 * not fit (Linux: tcp_simple_retransmit, once).  Upstream of the router the capture holds the
 * full-size segments, one ICMP per packet that did not fit, then the resends.  The ICMP's quoted
 * TCP header is no segment of the stream: it only names the segment that did not fit.
 *
 * A resend is the ICMP's doing (cause pmtu_icmp) when it follows an ICMP about its sender's
 * segments, resends data sent before that ICMP whose first transmission was larger than the MTU
 * allows (it could not cross the link: no other reason is needed), fits itself, and is the first
 * resend of those bytes since.  Anything else is left to the other causes.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>
#include "tcpx_steps.h"

/* IP and TCP headers without options: the payload a packet of the MTU carries at most. */
#define IPV4_TCP_HDR (20u + 20u)
#define IPV6_TCP_HDR (40u + 20u)

static guint32
payload_fits(const tcpx_side_t *d)
{
    return d->recent->pmtu_mtu > d->recent->pmtu_hdr ? d->recent->pmtu_mtu - d->recent->pmtu_hdr : 0;
}

/* A first ICMP, or a narrower link, or data sent after the last episode's ICMP still too big:
 * a new episode.  Otherwise one more ICMP for another packet of the same flight. */
static gboolean
new_episode(const tcpx_side_t *d, const tcpx_icmp_t *icmp)
{
    return !d->recent->pmtu_frame || (icmp->mtu && d->recent->pmtu_mtu && icmp->mtu < d->recent->pmtu_mtu) ||
           !tcpx_seq_lt(icmp->seq, d->recent->pmtu_end);
}

static void
start_episode(tcpx_side_t *d, const tcpx_icmp_t *icmp)
{
    d->recent->pmtu_frame = icmp->frame;
    d->recent->pmtu_ts = icmp->ts_ns;
    d->recent->pmtu_mtu = icmp->mtu;
    d->recent->pmtu_hdr = icmp->v6 ? IPV6_TCP_HDR : IPV4_TCP_HDR;
    d->recent->pmtu_end = d->seq_known ? d->next_seq : icmp->seq + 1;
    d->recent->pmtu_resends = d->recent->pmtu_resent_end = d->recent->pmtu_resend_frame = d->recent->pmtu_resend_len =
        0;
}

tcpx_icmp_kind_t
tcpx_icmp_kind(gboolean v6, guint8 type, guint8 code)
{
    /* IPv4 type 3 by code (RFC 792, 1122, 1812); ICMPv6 type 1 by code (RFC 4443) */
    static const guint8 v4[16] = { TCPX_ICMP_NET_UNREACHABLE,   TCPX_ICMP_HOST_UNREACHABLE, TCPX_ICMP_UNREACHABLE_OTHER,
                                   TCPX_ICMP_PORT_UNREACHABLE,  TCPX_ICMP_TOO_BIG,          TCPX_ICMP_UNREACHABLE_OTHER,
                                   TCPX_ICMP_NET_UNREACHABLE,   TCPX_ICMP_HOST_UNREACHABLE, TCPX_ICMP_UNREACHABLE_OTHER,
                                   TCPX_ICMP_PROHIBITED,        TCPX_ICMP_PROHIBITED,       TCPX_ICMP_UNREACHABLE_OTHER,
                                   TCPX_ICMP_UNREACHABLE_OTHER, TCPX_ICMP_PROHIBITED,       TCPX_ICMP_UNREACHABLE_OTHER,
                                   TCPX_ICMP_UNREACHABLE_OTHER };
    static const guint8 v6_unreach[7] = { TCPX_ICMP_NET_UNREACHABLE,   TCPX_ICMP_PROHIBITED,
                                          TCPX_ICMP_UNREACHABLE_OTHER, TCPX_ICMP_HOST_UNREACHABLE,
                                          TCPX_ICMP_PORT_UNREACHABLE,  TCPX_ICMP_PROHIBITED,
                                          TCPX_ICMP_PROHIBITED };
    if (v6)
        return type == 2   ? TCPX_ICMP_TOO_BIG
               : type == 1 ? (code < G_N_ELEMENTS(v6_unreach) ? (tcpx_icmp_kind_t)v6_unreach[code]
                                                              : TCPX_ICMP_UNREACHABLE_OTHER)
                           : TCPX_ICMP_NOT_READ;
    if (type != 3)
        return TCPX_ICMP_NOT_READ;
    return code < G_N_ELEMENTS(v4) ? (tcpx_icmp_kind_t)v4[code] : TCPX_ICMP_UNREACHABLE_OTHER;
}

/* A destination unreachable: the segment it quotes was not delivered, for the reason its code gives. */
static void
analyze_unreachable(const tcpx_side_t *d, const tcpx_icmp_t *icmp, tcpx_result_t *r)
{
    static const tcpx_cause_t by_kind[] = {
        [TCPX_ICMP_NET_UNREACHABLE] = TCPX_C_UNREACH_NET,     [TCPX_ICMP_HOST_UNREACHABLE] = TCPX_C_UNREACH_HOST,
        [TCPX_ICMP_PORT_UNREACHABLE] = TCPX_C_UNREACH_PORT,   [TCPX_ICMP_PROHIBITED] = TCPX_C_UNREACH_PROHIBITED,
        [TCPX_ICMP_UNREACHABLE_OTHER] = TCPX_C_UNREACH_OTHER,
    };
    const tcpx_sent_t *orig = tcpx_find_sent(d, icmp->seq);
    tcpx_finding_t *f = tcpx_finding(r, TCPX_K_ICMP_UNREACHABLE, by_kind[icmp->kind]);
    f->lo = f->hi = icmp->seq;
    if (orig) {
        f->orig_frame = orig->frame;
        f->orig_age_ns = icmp->ts_ns - orig->ts_ns;
        if (tcpx_seq_gt(orig->end, icmp->seq + 1))
            f->hi = orig->end - 1;
    }
    f->bytes = icmp->packet_len;
}

void
tcpx_analyze_icmp(tcpx_stream_t *s, const tcpx_icmp_t *icmp, tcpx_result_t *r)
{
    int sender = icmp->from_first ? 0 : 1;
    tcpx_side_t *d = &s->side[sender];
    tcpx_stream_ready(s);
    const tcpx_sent_t *orig = tcpx_find_sent(d, icmp->seq);
    guint32 hdr = icmp->v6 ? IPV6_TCP_HDR : IPV4_TCP_HDR;
    /* an MTU the quoted packet did not exceed: the ICMP is not about that packet's size */
    gboolean too_big = !icmp->packet_len || !icmp->mtu || icmp->packet_len > icmp->mtu;

    memset(r, 0, offsetof(tcpx_result_t, f)); /* n_later too */
    r->from_client = sender == tcpx_client_side(s);
    r->phase = TCPX_PHASE_DATA;
    if (icmp->kind != TCPX_ICMP_TOO_BIG) {
        if (!s->side[1 - sender].syn_seen) /* about a SYN, or a segment before any answer */
            r->phase = TCPX_PHASE_HANDSHAKE;
        analyze_unreachable(d, icmp, r);
        return;
    }
    tcpx_finding_t *f = tcpx_finding(r, TCPX_K_PMTU_ICMP, too_big ? TCPX_C_PMTU_TOO_BIG : TCPX_C_PMTU_NOT_TOO_BIG);
    f->lo = icmp->seq;
    f->hi = orig && tcpx_seq_gt(orig->end, icmp->seq) ? orig->end - 1 : icmp->seq;
    if (orig) {
        f->orig_frame = orig->frame;
        f->orig_age_ns = icmp->ts_ns - orig->ts_ns;
    }
    f->mtu = icmp->mtu;
    f->bytes = icmp->packet_len;
    f->mss = icmp->mtu > hdr ? icmp->mtu - hdr : 0;
    if (!too_big)
        return;
    if (new_episode(d, icmp)) {
        start_episode(d, icmp);
    } else { /* another packet of the same flight: the first ICMP, and the resends already under way */
        f->ref_frame = d->recent->pmtu_frame;
        f->ref_age_ns = icmp->ts_ns - d->recent->pmtu_ts;
        f->quiet_frame = d->recent->pmtu_resend_frame;
    }
    f->count = ++d->recent->pmtu_icmps;
}

/* The note for the episode's ICMP: its data came again, in segments that fit, from this frame. */
static void
note_first_resend(const tcpx_stream_t *s, const tcpx_side_t *d, const tcpx_segment_t *seg, tcpx_result_t *r)
{
    if (r->n_later >= TCPX_MAX_LATERS)
        return;
    tcpx_later_t *l = &r->later[r->n_later++];
    memset(l, 0, sizeof *l);
    l->frame = d->recent->pmtu_frame;
    l->stream = s->id;
    l->by_frame = seg->frame;
    l->after_ns = seg->ts_ns - d->recent->pmtu_ts;
    l->lo = seg->seq;
    l->hi = seg->seq + seg->len - 1;
    l->bytes = seg->len;
    l->what = TCPX_LATER_PMTU_RESENT;
}

gboolean
tcpx_pmtu_resend(tcpx_stream_t *s, int sender, const tcpx_segment_t *seg, const tcpx_sent_t *orig, tcpx_result_t *r)
{
    tcpx_side_t *d = &s->side[sender];
    guint32 fits = payload_fits(d);
    if (!d->recent->pmtu_frame || !orig || seg->len == 0 || seg->ts_ns < d->recent->pmtu_ts)
        return FALSE;
    /* data sent before the ICMP, not resent since */
    if (!tcpx_seq_lt(seg->seq, d->recent->pmtu_end) ||
        (d->recent->pmtu_resends && tcpx_seq_lt(seg->seq, d->recent->pmtu_resent_end)))
        return FALSE;
    /* the original did not fit, this resend does (without an MTU: it is smaller than the original) */
    guint32 orig_len = orig->end - orig->seq;
    if (fits ? (seg->len > fits || orig_len <= fits) : seg->len >= orig_len)
        return FALSE;
    if (!d->recent->pmtu_resends) {
        note_first_resend(s, d, seg, r);
        d->recent->pmtu_resend_frame = seg->frame;
    }
    d->recent->pmtu_resends++;
    d->recent->pmtu_resend_len = MAX(d->recent->pmtu_resend_len, seg->len);
    if (d->recent->pmtu_resends == 1 || tcpx_seq_gt(seg->seq + seg->len, d->recent->pmtu_resent_end))
        d->recent->pmtu_resent_end = seg->seq + seg->len;
    return TRUE;
}

void
tcpx_pmtu_fill(const tcpx_side_t *d, const tcpx_segment_t *seg, const tcpx_sent_t *orig, tcpx_finding_t *f)
{
    f->ref_frame = d->recent->pmtu_frame; /* the ICMP that prompted it */
    f->ref_age_ns = seg->ts_ns - d->recent->pmtu_ts;
    f->mtu = d->recent->pmtu_mtu;
    f->bytes = orig ? orig->end - orig->seq : 0; /* the original that did not fit */
}

guint
tcpx_pmtu_finish(const tcpx_stream_t *s, gint64 end_ts, tcpx_later_t *out, guint max)
{
    guint n = 0;
    for (int side = 0; side < 2 && n < max; side++) {
        const tcpx_side_t *d = &s->side[side];
        if (!d->recent || !d->recent->pmtu_frame || d->recent->pmtu_resends)
            continue; /* (a stream with an ICMP still unanswered keeps its recent state: tcpx_release.c) */
        memset(&out[n], 0, sizeof out[n]);
        out[n].frame = d->recent->pmtu_frame;
        out[n].stream = s->id;
        out[n].after_ns = end_ts - d->recent->pmtu_ts;
        out[n].what = TCPX_LATER_PMTU_NO_RESEND;
        n++;
    }
    return n;
}
