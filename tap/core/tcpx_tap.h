/* tcpx_tap.h: the record tcpx queues on its "tcpx" tap, one per TCP header.
 *
 * The post-dissector builds it on every pass from the segment and the
 * first-pass result cache, so every pass (tshark single-pass, -2, the GUI's
 * re-dissection and retaps) hands listeners the same records.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef TCPX_TAP_H
#define TCPX_TAP_H

#include <glib.h>
#include "tcpx_core.h"

#define TCPX_TAP_NAME "tcpx"

typedef struct {
    guint32 frame;
    gint64 ts_ns;
    guint32 stream;       /* Wireshark's tcp.stream */
    gboolean from_client; /* sender is the client (SYN sender, or guessed) */
    gboolean roles_guessed;
    const char *client; /* "10.0.0.1:51234" (file scope, stable) */
    const char *server;
    guint16 flags;              /* TCPX_TH_* */
    guint32 seq, ack, len, win; /* relative seq/ack, payload bytes, scaled window */
    guint32 kinds;              /* bit (1u << tcpx_kind_t) for every anomaly kind on this header */
    guint8 reset_cause;         /* tcpx_cause_t when TCPX_K_RESET is set */
    guint32 lost_bytes;         /* bytes not captured before this segment (lost segment) */
    guint32 lost_segments;      /* ...in segments at the MSS in use */
    gint64 ack_rtt_ns;          /* RTT of the data this frame acknowledges, 0 if none */
    gint64 irtt_ns;             /* handshake RTT, 0 if unknown */
    /* handshake and options, as known for the stream (stable after the handshake) */
    const tcpx_stream_t *st;
    const tcpx_result_t *result; /* findings of this header, NULL if none */
    gboolean tcp_analysis_off;   /* TCP's sequence analysis (tcp.analyze_sequence_numbers) is off */
    guint32 cut_len;             /* the frame's captured length when the snaplen cut it, else 0 */
    gboolean options_cut;        /* ...cut inside the TCP header: its options (SACK blocks) unknown */
    gboolean has_ip_id;          /* IPv4: the packet's IP ID (a sender that numbers its packets counts them) */
    guint16 ip_id;
    /* an ICMP "too big" about the stream (its finding: a pmtu_icmp step): no segment of the stream;
     * seq is the quoted segment's, from_client its sender's side */
    gboolean icmp;
    const char *reporter; /* ...the router that sent it (valid during the tap callback only) */
} tcpx_tap_rec_t;

#endif
