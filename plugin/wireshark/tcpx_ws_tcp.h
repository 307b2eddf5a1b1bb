/* tcpx_ws_tcp.h: the one door to Wireshark's private TCP (and IP) state.
 *
 * Only tcpx_ws_tcp.c includes packet-tcp.h, packet-ip.h, prefs-int.h and
 * wsutil/pint.h; the rest of tcpx sees the plain views below.  Its head lists
 * what is read, from which struct, per Wireshark version.
 *
 * The guard: what tcpx reads from those structs is compared with what TCP
 * reports publicly for the same segments (its tap: stream index, relative
 * sequence and acknowledgment numbers; its tree: the analysis flags).  On the
 * first disagreement the Wireshark build's TCP internals are taken not to
 * match the ones tcpx was compiled for: tcpx warns once and stays silent.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef TCPX_WS_TCP_H
#define TCPX_WS_TCP_H

#include <stdbool.h>
#include <stdint.h>

#include <epan/packet.h>

/* A Wireshark time in ns, clamped to +-4e9 s (year 2096) so that differences never overflow. */
static inline int64_t
tcpx_ws_ns(const nstime_t *t)
{
    const int64_t limit = INT64_C(4000000000);
    int64_t secs = CLAMP((int64_t)t->secs, -limit, limit);
    return secs * INT64_C(1000000000) + t->nsecs;
}

/* TCP's analysis of one connection (struct tcp_analysis), opaque. */
typedef struct tcpx_ws_conn tcpx_ws_conn_t;

/* What tcpx needs of a connection, seen from one segment's sender. */
typedef struct {
    uint32_t stream;       /* tcp.stream */
    uint32_t fwd_base_seq; /* the sender's base sequence number */
    uint32_t rev_base_seq; /* the receiver's */
    int fwd_win_scale;     /* the sender's window shift; <= 0: none or unknown */
    int64_t irtt_ns;       /* handshake RTT (0: unknown) */
    bool tfo_syn_data;     /* the SYN carried TCP Fast Open data */
} tcpx_ws_conn_view_t;

/* TCP's verdict on one segment. */
typedef struct {
    uint32_t ws; /* TCPX_WS_* flags */
    uint32_t dupack_num, dupack_frame;
    uint32_t bytes_in_flight;
    uint32_t acks_frame; /* frame this ACK acknowledges (0: none) */
    int64_t ack_rtt_ns;
} tcpx_ws_verdict_t;

/* Handoff: look up TCP's preferences (after TCP registered them). */
void tcpx_ws_tcp_handoff(int proto_tcp);
/* Per capture file (changing a preference redissects, which calls it again). */
void tcpx_ws_tcp_file_init(void);
/* TCP's "Validate the TCP checksum if possible" preference, as read per file. */
bool tcpx_ws_tcp_checks_checksums(void);
/* TCP's "Analyze TCP sequence numbers" preference (tcp.analyze_sequence_numbers),
 * as read per file.  Off: TCP finds no retransmission, loss or window problem,
 * so tcpx has nothing to judge them from. */
bool tcpx_ws_tcp_analyzes_sequences(void);

/* TCP's analysis of the connection of this segment, or NULL. */
tcpx_ws_conn_t *tcpx_ws_conn_find(packet_info *pinfo, const address *src, const address *dst, uint16_t sport,
                                  uint16_t dport);
/* false: TCP has not set up both directions (no analysis to read), or the struct's
 * layout is not the one compiled here (then the guard is tripped at this frame). */
bool tcpx_ws_conn_view(const tcpx_ws_conn_t *conn, uint32_t frame, tcpx_ws_conn_view_t *view);
/* TCP's verdict, stored under (frame, raw seq, raw ack).  tcp_done: TCP returned
 * normally from this very segment, so its pointer to the verdict is current; else
 * the pointer is used when set, and the table when not. */
void tcpx_ws_verdict(const tcpx_ws_conn_t *conn, uint32_t frame, uint32_t raw_seq, uint32_t raw_ack, bool tcp_done,
                     tcpx_ws_verdict_t *verdict);

/* IP's header data handed to TCP (ws_ip4 / ws_ip6) */
typedef struct {
    bool has_ip_id;
    uint16_t ip_id;
    uint8_t ecn;
    bool has_ttl;
    uint8_t ttl;         /* IPv4 TTL, IPv6 hop limit */
    uint32_t packet_len; /* the packet's size: IPv4 total length, IPv6 payload length + 40 */
} tcpx_ws_ip_view_t;
void tcpx_ws_ip_view(const void *iph, tcpx_ws_ip_view_t *view);

/* ---- the guard ---------------------------------------------------------- */

/* What tcpx read of one segment, for the comparison with TCP's tap. */
typedef struct {
    uint32_t frame;
    uint16_t sport, dport;
    uint32_t raw_seq, raw_ack;
    uint32_t stream, rel_seq, rel_ack;
} tcpx_ws_reading_t;

/* Register the listener on TCP's tap (the plugin's tap registration). */
void tcpx_ws_guard_register(void);
/* Per capture file. */
void tcpx_ws_guard_file_init(void);
/* Remember what tcpx read (the tap compares when TCP's report of the frame arrives). */
void tcpx_ws_guard_note(const tcpx_ws_reading_t *reading);
/* A frame with one TCP header and a visible tree: compare TCP's analysis fields
 * with the flags tcpx read (TCPX_WS_*). */
void tcpx_ws_guard_check_tree(proto_tree *tree, uint32_t frame, uint32_t ws_flags);
/* NULL while TCP's internals agree with its public report in this file; else what disagreed. */
const char *tcpx_ws_guard_mismatch(void);
/* The frame where the mismatch was found (0: none). */
uint32_t tcpx_ws_guard_mismatch_frame(void);

#endif
