/* tcpx_health_add.h: what the accumulate files share (private to tap/core).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef TCPX_HEALTH_ADD_H
#define TCPX_HEALTH_ADD_H

#include "tcpx_health_int.h"

#define K(kind) (1u << (kind))
#define RETX_ANY (K(TCPX_K_RETRANSMISSION) | K(TCPX_K_FAST_RETRANSMISSION) | K(TCPX_K_SPURIOUS_RETRANSMISSION))
#define RETX_LOSS (K(TCPX_K_RETRANSMISSION) | K(TCPX_K_FAST_RETRANSMISSION))

/* What one record says, read once. */
typedef struct {
    int d; /* sender: 0 client, 1 server */
    guint32 kinds;
    gboolean syn, ack, rst, fin;
    gboolean keepalive, probe;
    gboolean retx_any;    /* a retransmission of any kind */
    gboolean capdup;      /* ...that the capture duplicated */
    gboolean retx_loss;   /* ...that a loss caused */
    gboolean ooo_retx;    /* an out-of-order segment that is a retransmission (counted as one) */
    gboolean pmtu_resend; /* a retransmission in a smaller segment after an ICMP "too big" (not a loss) */
    gboolean held;        /* a timer's resend of data the capture saw reach the receiver (not a loss) */
    gboolean prompted;    /* a loss resend the receiver's dup ACKs or SACKs asked for (not a timer's) */
    gint64 orig_wait;     /* a loss resend: the time since its original passed the capture point (0: unknown) */
} rec_view_t;

/* The record's finding of this kind, or NULL; its cause (TCPX_C_NONE without). */
const tcpx_finding_t *tcpx_health_finding_of(const tcpx_tap_rec_t *rec, guint kind);
guint8 tcpx_health_finding_cause(const tcpx_tap_rec_t *rec, guint kind);

/* tcpx_health_pmtu.c: an ICMP "too big" about the stream (a record that is no segment); a resend
 * in a smaller segment after one (cause pmtu_icmp), and whether a record is one. */
void tcpx_health_add_pmtu_icmp(hstream_t *hs, const tcpx_tap_rec_t *rec);
void tcpx_health_add_unreachable(hstream_t *hs, const tcpx_tap_rec_t *rec);
void tcpx_health_add_pmtu_resend(hstream_t *hs, const tcpx_tap_rec_t *rec);
gboolean tcpx_health_is_pmtu_resend(const tcpx_tap_rec_t *rec);

/* tcpx_health_queue.c: the ACK RTT's sustained level (tcpx_health_derive_queue: the queue), without the
 * samples of data sent before a resend (tcpx_health_note_resend). */
void tcpx_health_add_queue(hstream_t *hs, const tcpx_tap_rec_t *rec, int d);
void tcpx_health_note_resend(hstream_t *hs, int sender);

/* tcpx_health_limits.c: what held each sender back, from the record's time on. */
void tcpx_health_add_limits(hstream_t *hs, const tcpx_tap_rec_t *rec, const rec_view_t *r);

/* tcpx_health_capture.c: the capture file's own facts, from every record. */
void tcpx_health_add_capture(tcpx_health_t *h, const tcpx_tap_rec_t *rec);

/* tcpx_health_history.c: the record's letters in the stream's history. */
void tcpx_health_add_history(hstream_t *hs, const tcpx_tap_rec_t *rec, const rec_view_t *r);

/* tcpx_health_dsack.c: a loss retransmission that, it turns out, no data loss explains: taken off the
 * loss counts (FALSE when it is not among the sender's latest ones); the record's D-SACK, if any. */
gboolean tcpx_health_take_back_loss(hstream_t *hs, int sender, guint32 frame);
void tcpx_health_add_dsack(hstream_t *hs, const tcpx_tap_rec_t *rec, const rec_view_t *r);
/* A timer's resend `wait` after its original, which passed the capture point within 0.5 ms of the receiver,
 * from which nothing acknowledged it meanwhile (held or dropped there, or lost on its last link); counted. */
gboolean tcpx_health_held_by_receiver(const hstream_t *hs, int receiver, gint64 wait);
void tcpx_health_add_held(hstream_t *hs, const tcpx_tap_rec_t *rec, const rec_view_t *r);
void tcpx_health_add_silence(hstream_t *hs, const tcpx_tap_rec_t *rec, const rec_view_t *r);

/* tcpx_health_holes.c: the pending hole bytes from seq fill (NULL: none); a hole's bytes that came
 * late (reordered: captured after all); a record that shows a hole in sender d's data. */
tcpx_health_hole_t *tcpx_health_hole_filled(hstream_t *hs, int d, guint32 seq);
void tcpx_health_hole_arrived(hstream_t *hs, const tcpx_tap_rec_t *rec, int d);
void tcpx_health_add_hole(hstream_t *hs, const tcpx_tap_rec_t *rec, int d);

/* tcpx_health_add_flow.c: windows (zero, full, probes) and application exchanges. */
void tcpx_health_add_windows(hstream_t *hs, const tcpx_tap_rec_t *rec, const rec_view_t *r);
void tcpx_health_add_exchange(hstream_t *hs, const tcpx_tap_rec_t *rec, const rec_view_t *r);

#endif
