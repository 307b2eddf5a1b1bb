/* tcpx_steps.h: what the files of the analysis core share (private to plugin/core).
 *
 * tcpx_core.c keeps the stream's state (what each side sent and acknowledged)
 * and runs the steps of tcpx_analyze(); each other file explains one family of
 * anomalies: tcpx_retx.c (retransmissions, ordering),
 * tcpx_acks.c (gaps, duplicate, partial and ambiguous ACKs), tcpx_windows.c
 * (windows, keep-alives), tcpx_story.c (handshake, close, resets, checksums,
 * reused ports, Fast Open).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef TCPX_STEPS_H
#define TCPX_STEPS_H

#include "tcpx_core.h"
#include "tcpx_units.h"

/* Linux never times out a segment faster than this (TCP_RTO_MIN). */
#define TCPX_MIN_RTO_NS (200 * NS_PER_MS)

/* ---- per-side memory (tcpx_core.c) ----------------------------------------- */

/* The latest advance of the cumulative ACK from side d, or NULL. */
static inline const tcpx_ack_event_t *
tcpx_last_ack(const tcpx_side_t *d)
{
    return d->recent->acks_len ? &d->recent->acks[(d->recent->acks_head + d->recent->acks_len - 1) % TCPX_ACK_HISTORY]
                               : NULL;
}

/* The earliest remembered transmission that carried byte `seq`. */
const tcpx_sent_t *tcpx_find_sent(const tcpx_side_t *d, guint32 seq);
/* The remembered transmission lowest in the stream at or above seq (where a gap below it showed), or NULL. */
const tcpx_sent_t *tcpx_find_sent_above(const tcpx_side_t *d, guint32 seq);
/* The first ACK from side d that covered `end` (bytes before it). */
const tcpx_ack_event_t *tcpx_find_ack_covering(const tcpx_side_t *d, guint32 end);

/* ---- findings (tcpx_core.c) ------------------------------------------------ */

/* A new finding in r, zeroed; when r is full, a scratch one, so callers need no checks. */
tcpx_finding_t *tcpx_finding(tcpx_result_t *r, tcpx_kind_t kind, tcpx_cause_t cause);

/* Inclusive range of payload bytes, or of the SYN/FIN "byte" when there is no payload. */
static inline void
tcpx_set_range(tcpx_finding_t *f, const tcpx_segment_t *seg)
{
    f->lo = seg->seq;
    f->hi = seg->len ? seg->seq + seg->len - 1 : seg->seq;
}

/* The payload a full segment from `sender` carries. */
guint32 tcpx_mss_toward(const tcpx_stream_t *s, int sender);

/* A stream that starts without a handshake, in its first frames: gaps are the capture's start. */
gboolean tcpx_early_in_unseen_start(const tcpx_stream_t *s);

/* ---- the explaining steps, one per family of anomalies --------------------- */

#define TCPX_WS_ANY_RETRANSMISSION (TCPX_WS_RETRANSMISSION | TCPX_WS_FAST_RETRANSMISSION | TCPX_WS_SPURIOUS)

/* tcpx_copies.c: the earlier packet this one is a capture copy of, or NULL; remember a packet */
/* identity: tcpx_packet_identity(seg), computed once per packet for both */
guint64 tcpx_packet_identity(const tcpx_segment_t *seg);
const tcpx_copy_slot_t *tcpx_copy_of(const tcpx_stream_t *s, int sender, const tcpx_segment_t *seg, guint64 identity);
void tcpx_remember_packet(tcpx_stream_t *s, int sender, const tcpx_segment_t *seg, guint64 identity);
void tcpx_explain_copy(tcpx_stream_t *s, int sender, const tcpx_segment_t *seg, const tcpx_copy_slot_t *e,
                       tcpx_result_t *r);
/* tcpx_retx.c */
void tcpx_explain_retransmission(tcpx_stream_t *s, int sender, const tcpx_segment_t *seg, tcpx_result_t *r);
void tcpx_explain_out_of_order(tcpx_stream_t *s, int sender, const tcpx_segment_t *seg, tcpx_result_t *r);
/* IP IDs of one sender this far apart, in either direction, are taken as numbered in order (a counter
 * per connection or per host); a sender numbers its packets in order when most of its steps are small
 * and up (random IP IDs rarely are). */
#define TCPX_IP_ID_STEP_MAX 1024
static inline gboolean
tcpx_ip_ids_count_up(const tcpx_side_t *d)
{
    return d->ip_id_rising >= 4 && (guint)d->ip_id_other * 4 <= d->ip_id_rising;
}

/* A segment Wireshark calls a retransmission is the original, reordered on the path (tcpx_retx.c). */
gboolean tcpx_reordered_original(const tcpx_stream_t *s, int sender, const tcpx_segment_t *seg);

/* How the bytes of a gap came, by their delay after the gap showed: less than half a round trip,
 * reordered (a resend needs the news of the gap to reach the sender and come back, a round trip
 * from any capture point); 4/5 of one or more (a round trip varies a little around the
 * handshake's), resent; in between, or without a round-trip time, the capture cannot tell. */
typedef enum {
    TCPX_FILL_UNDETERMINED,
    TCPX_FILL_REORDERED,
    TCPX_FILL_RESENT
} tcpx_fill_t;
static inline tcpx_fill_t
tcpx_gap_fill(gint64 after_ns, gint64 rtt_ns)
{
    if (rtt_ns > 0 && after_ns < rtt_ns / 2)
        return TCPX_FILL_REORDERED;
    if (rtt_ns > 0 && after_ns >= rtt_ns * 4 / 5)
        return TCPX_FILL_RESENT;
    return TCPX_FILL_UNDETERMINED;
}
/* tcpx_acks.c */
void tcpx_explain_gap(tcpx_stream_t *s, int sender, const tcpx_segment_t *seg, tcpx_result_t *r);
void tcpx_explain_acked_unseen(tcpx_stream_t *s, int sender, const tcpx_segment_t *seg, tcpx_result_t *r);
void tcpx_explain_partial_ack(tcpx_stream_t *s, int sender, const tcpx_segment_t *seg, tcpx_result_t *r);
void tcpx_explain_ambiguous_ack(const tcpx_segment_t *seg, tcpx_result_t *r);
void tcpx_explain_dup_ack(tcpx_stream_t *s, int sender, const tcpx_segment_t *seg, guint32 unneeded, tcpx_result_t *r);
void tcpx_explain_dsack(tcpx_stream_t *s, int sender, const tcpx_segment_t *seg, guint32 unneeded, tcpx_result_t *r);
void tcpx_explain_nagle(tcpx_stream_t *s, int sender, const tcpx_segment_t *seg, tcpx_result_t *r);
void tcpx_note_ack_evidence(tcpx_stream_t *s, int sender, const tcpx_segment_t *seg);
/* The round trip between the capture point and that side, from the handshake (0: unknown) */
gint64 tcpx_leg_rtt(const tcpx_stream_t *s, int side);
gboolean tcpx_dsack_of(const tcpx_segment_t *seg, guint32 *lo, guint32 *end);
guint32 tcpx_note_dsack(tcpx_stream_t *s, int sender, const tcpx_segment_t *seg, tcpx_result_t *r);
/* tcpx_hindsight.c: the retransmission in `frame` (sent at retx_ts) was unneeded, as this segment's D-SACK shows */
void tcpx_hindsight_unneeded(const tcpx_stream_t *s, guint32 frame, gint64 retx_ts, guint32 lo, guint32 hi,
                             const tcpx_segment_t *seg, tcpx_result_t *r);
/* tcpx_scoreboard.c: what the receiver offered (its right edge) and reported holding (SACK), and the
 * segments that ignore them */
void tcpx_note_sack_blocks(tcpx_stream_t *s, int sender, const tcpx_segment_t *seg);
void tcpx_note_edge(tcpx_stream_t *s, int sender, const tcpx_segment_t *seg);
void tcpx_explain_beyond_window(tcpx_stream_t *s, int sender, const tcpx_segment_t *seg, tcpx_result_t *r);
/* The scoreboard piece of the receiver that holds all of [seq, end) and that the sender had long enough to
 * hear of (NULL: none certain) */
const tcpx_sacked_t *tcpx_sacked_known(const tcpx_stream_t *s, int sender, const tcpx_segment_t *seg);
/* Has receiver d SACKed any byte of [seq, end)? */
gboolean tcpx_sacked_any(const tcpx_side_t *d, guint32 seq, guint32 end);
/* The frame that first sent [seq, end) past the receiver's window (0: none remembered) */
guint32 tcpx_beyond_frame_of(const tcpx_side_t *d, guint32 seq, guint32 end);
/* tcpx_windows.c */
void tcpx_explain_windows(tcpx_stream_t *s, int sender, const tcpx_segment_t *seg, tcpx_result_t *r);
gboolean tcpx_is_window_probe(const tcpx_side_t *d, const tcpx_side_t *peer, const tcpx_segment_t *seg);
gboolean tcpx_is_window_probe_ack(const tcpx_side_t *d, const tcpx_segment_t *seg);
void tcpx_explain_keepalive(tcpx_stream_t *s, int sender, const tcpx_segment_t *seg, tcpx_result_t *r);
/* tcpx_story.c */
void tcpx_explain_reused_ports(tcpx_stream_t *s, const tcpx_segment_t *seg, tcpx_result_t *r);
void tcpx_explain_fast_open(const tcpx_segment_t *seg, tcpx_result_t *r);
void tcpx_explain_reset(tcpx_stream_t *s, int sender, const tcpx_segment_t *seg, tcpx_result_t *r);
void tcpx_explain_checksum(tcpx_stream_t *s, int sender, const tcpx_segment_t *seg, tcpx_result_t *r);
void tcpx_tell_story(tcpx_stream_t *s, int sender, const tcpx_segment_t *seg, tcpx_result_t *r);
void tcpx_learn_syn_options(tcpx_side_t *d, const tcpx_segment_t *seg);
/* tcpx_pmtu.c: is this resend of data that did not fit the path MTU a router's ICMP announced?
 * (records it); the finding's numbers; the ICMP episodes no resend followed (capture's end) */
gboolean tcpx_pmtu_resend(tcpx_stream_t *s, int sender, const tcpx_segment_t *seg, const tcpx_sent_t *orig,
                          tcpx_result_t *r);
void tcpx_pmtu_fill(const tcpx_side_t *d, const tcpx_segment_t *seg, const tcpx_sent_t *orig, tcpx_finding_t *f);
guint tcpx_pmtu_finish(const tcpx_stream_t *s, gint64 end_ts, tcpx_later_t *out, guint max);
/* tcpx_hindsight.c: what this segment settles about earlier frames (r->later) */
void tcpx_hindsight_step(tcpx_stream_t *s, int sender, const tcpx_segment_t *seg, tcpx_result_t *r);

#endif
