/* tcpx_health_silence.c: ACKs lost on their way to the capture point, seen from behind the loss.
 *
 * Captured near the sender, ACKs lost before the capture point are never seen: the receiver just
 * falls silent, and the sender's timer resends the oldest segment (twice, backing off), which looks
 * like a data loss.  What tells: the receiver's next packet acknowledges everything the sender had
 * sent before its first resend, data beyond the resent bytes included (so that data arrived, and the
 * receiver had reason to acknowledge it), and the receiver's IP ID rose by more than one across the
 * silence: a receiver that numbers its packets one by one sent packets the capture never saw.  Some
 * of that data must have been sent after the receiver last spoke: a receiver that had seen it all and
 * then fell silent was waiting for the resent bytes (a data loss: it has nothing to say until they
 * come).  Then
 * the resends answered lost ACKs, not lost data, and are taken off the loss counts.  A receiver
 * whose IP IDs cannot count its packets (IPv6, zero or random IDs) may have lost its ACKs, had the
 * data held on the path, or stalled; one whose IP ID rose by one sent nothing meanwhile (held data,
 * or a stall).  Either way its silence contradicts a plain data loss (a live receiver answers the
 * data beyond a lost segment at once): the resends are taken off the loss counts too, and the
 * judgement says it cannot tell which (silence_resends).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "tcpx_health_add.h"
#include "tcpx_seq.h"

/* A silence long enough that no delayed ACK explains it: Linux's least retransmission timer... */
#define SILENCE_MIN_NS (200 * NS_PER_MS)
/* ...and this many round trips. */
#define SILENCE_MIN_RTTS 4
/* IP IDs count packets when they rose by exactly one this often, and seldom did anything else. */
#define IPID_MIN_STEPS 4
/* The most packets a silence may hide and still be counted from the IP IDs (a wrap is not). */
#define IPID_MAX_UNSEEN 4096

static gint64
silence_min(const hstream_t *hs)
{
    gint64 rtt = hs->rec_irtt_ns > 0 ? hs->rec_irtt_ns : tcpx_health_rtt_ref(&hs->pub);
    return MAX(SILENCE_MIN_NS, SILENCE_MIN_RTTS * MIN(rtt, TCPX_MAX_RTT_NS));
}

/* Does side d number its packets one by one (so an IP ID's rise counts the packets it sent)? */
static gboolean
ipids_count_packets(const hstream_t *hs, int d)
{
    return hs->ipid_steps[d] >= IPID_MIN_STEPS && hs->ipid_jumps[d] * 8 <= hs->ipid_steps[d];
}

/* A loss resend by sender d while its receiver has been silent for long: part of a silence. */
static void
note_resend(hstream_t *hs, const tcpx_tap_rec_t *rec, int d)
{
    int rcv = 1 - d;
    tcpx_silence_t *e = &hs->sil[d];
    if (!e->n) {
        if (!hs->pkt_last_ts[rcv] || rec->ts_ns - hs->pkt_last_ts[rcv] < silence_min(hs) || !hs->snd_known[d])
            return;
        e->from_ts = hs->pkt_last_ts[rcv];
        e->high = hs->snd_max[d];
        e->resent_end = rec->seq;
        e->ipid = hs->ipid_high[rcv];
        e->ipid_known = ipids_count_packets(hs, rcv);
        e->heard_high = hs->heard_high[d];
    }
    if (tcpx_seq_gt(rec->seq + rec->len, e->resent_end))
        e->resent_end = rec->seq + rec->len;
    if (e->n < G_N_ELEMENTS(e->frame))
        e->frame[e->n] = rec->frame;
    e->n++;
}

/* The silence's resends are no loss shown (unless a D-SACK in the ACK that ended it took them back). */
static void
take_back_resends(hstream_t *hs, const tcpx_silence_t *e, int d)
{
    for (guint i = 0; i < MIN(e->n, G_N_ELEMENTS(e->frame)); i++)
        tcpx_health_take_back_loss(hs, d, e->frame[i]);
}

/* The receiver's first packet after the silence of sender d's resends: judged, then forgotten. */
static void
end_silence(hstream_t *hs, const tcpx_tap_rec_t *rec, int d)
{
    tcpx_silence_t *e = &hs->sil[d];
    tcpx_health_stream_t *s = &hs->pub;
    guint32 unseen = (guint16)(rec->ip_id - e->ipid) - 1u;
    gboolean covers = (rec->flags & TCPX_TH_ACK) && tcpx_seq_ge(rec->ack, e->high) &&
                      tcpx_seq_gt(e->high, e->resent_end) && tcpx_seq_gt(e->high, e->heard_high);
    gboolean counted = e->ipid_known && rec->has_ip_id && ipids_count_packets(hs, 1 - d);
    if (covers && (!counted || unseen == 0)) { /* lost ACKs, held data or a stall: the capture cannot tell */
        take_back_resends(hs, e, d);
        s->silence_resends += e->n;
        s->silence_side = d;
        s->silence_ns = MAX(s->silence_ns, rec->ts_ns - e->from_ts);
        s->silence_sent_none |= counted;
    } else if (covers && unseen <= IPID_MAX_UNSEEN) {
        take_back_resends(hs, e, d);
        s->ack_silence_resends += e->n;
        s->ack_silence_side = d;
        s->ack_silence_ns = MAX(s->ack_silence_ns, rec->ts_ns - e->from_ts);
        s->ack_silence_lost = MAX(s->ack_silence_lost, unseen);
    }
    memset(e, 0, sizeof *e);
}

/* Each side's packets: their time and IP IDs.  A packet the capture holds late (its ID below the highest)
 * says nothing, unless it is the one the latest jump of two skipped: that jump was two steps, reordered. */
static void
note_packet(hstream_t *hs, const tcpx_tap_rec_t *rec, int d)
{
    if (rec->has_ip_id && hs->pkt_last_ts[d]) {
        guint16 ahead = (guint16)(rec->ip_id - hs->ipid_high[d]);
        if (ahead == 0 || ahead >= 0x8000) { /* the same ID again, or a late packet */
            if (hs->ipid_hole_open[d] && rec->ip_id == hs->ipid_hole[d] && hs->ipid_jumps[d] > 0) {
                hs->ipid_jumps[d]--;
                hs->ipid_steps[d] += hs->ipid_steps[d] < G_MAXUINT16 - 1 ? 2 : 0;
            }
            hs->ipid_hole_open[d] = FALSE;
        } else {
            if (ahead == 1)
                hs->ipid_steps[d] += hs->ipid_steps[d] < G_MAXUINT16;
            else
                hs->ipid_jumps[d] += hs->ipid_jumps[d] < G_MAXUINT16;
            hs->ipid_hole_open[d] = ahead == 2;
            hs->ipid_hole[d] = (guint16)(hs->ipid_high[d] + 1);
            hs->ipid_high[d] = rec->ip_id;
        }
    } else if (rec->has_ip_id) {
        hs->ipid_high[d] = rec->ip_id;
    }
    hs->pkt_last_ts[d] = rec->ts_ns;
    hs->heard_high[1 - d] = hs->snd_max[1 - d];
}

void
tcpx_health_add_silence(hstream_t *hs, const tcpx_tap_rec_t *rec, const rec_view_t *r)
{
    if (r->retx_loss && rec->len > 0)
        note_resend(hs, rec, r->d);
    else if (hs->sil[1 - r->d].n)
        end_silence(hs, rec, 1 - r->d);
    note_packet(hs, rec, r->d);
}
