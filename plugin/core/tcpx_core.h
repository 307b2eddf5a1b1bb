/* tcpx_core.h: the analysis core of tcpx, in plain C (GLib types, no epan).
 *
 * The epan glue turns every TCP header of a frame into a tcpx_segment_t and
 * feeds it, in frame order on the first pass, to tcpx_analyze().  That returns
 * the findings for the frame (anomalies with their evidence, and the steps of
 * the connection's story).  Turning findings into words is tcpx_explain.c's job.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef TCPX_CORE_H
#define TCPX_CORE_H

#include <glib.h>
#include <stdbool.h>
#include "tcpx_seq.h"
#include "tcpx_hindsight.h"

/* TCP header flags, as on the wire. */
#define TCPX_TH_FIN 0x001
#define TCPX_TH_SYN 0x002
#define TCPX_TH_RST 0x004
#define TCPX_TH_PSH 0x008
#define TCPX_TH_ACK 0x010
#define TCPX_TH_URG 0x020
#define TCPX_TH_ECE 0x040
#define TCPX_TH_CWR 0x080

/* Wireshark's TCP analysis conditions, one bit per tcp.analysis.* field. */
typedef enum {
    TCPX_WS_RETRANSMISSION = 1u << 0,
    TCPX_WS_FAST_RETRANSMISSION = 1u << 1,
    TCPX_WS_SPURIOUS = 1u << 2,
    TCPX_WS_OUT_OF_ORDER = 1u << 3,
    TCPX_WS_LOST_SEGMENT = 1u << 4,
    TCPX_WS_ACK_LOST_SEGMENT = 1u << 5,
    TCPX_WS_DUPLICATE_ACK = 1u << 6,
    TCPX_WS_ZERO_WINDOW = 1u << 7,
    TCPX_WS_ZERO_WINDOW_PROBE = 1u << 8,
    TCPX_WS_ZERO_WINDOW_PROBE_ACK = 1u << 9,
    TCPX_WS_WINDOW_FULL = 1u << 10,
    TCPX_WS_WINDOW_UPDATE = 1u << 11,
    TCPX_WS_KEEP_ALIVE = 1u << 12,
    TCPX_WS_KEEP_ALIVE_ACK = 1u << 13,
    TCPX_WS_REUSED_PORTS = 1u << 14,
    TCPX_WS_TFO_SYN = 1u << 15,
    TCPX_WS_TFO_ACK = 1u << 16,
    TCPX_WS_TFO_IGNORED = 1u << 17,
    TCPX_WS_PARTIAL_ACK = 1u << 18,  /* Wireshark 4.4+ */
    TCPX_WS_AMBIGUOUS_ACK = 1u << 19 /* Wireshark 4.6+ */
} tcpx_ws_flag_t;

/* What tcpx reports.  Anomaly kinds first (one per Wireshark condition, with
 * retransmissions split into exactly one of plain / fast / spurious), then the
 * steps of the connection's story.  tcpx_explain.c has one table row per kind. */
typedef enum {
    TCPX_K_RETRANSMISSION = 0,
    TCPX_K_FAST_RETRANSMISSION,
    TCPX_K_SPURIOUS_RETRANSMISSION,
    TCPX_K_OUT_OF_ORDER,
    TCPX_K_LOST_SEGMENT,
    TCPX_K_ACKED_UNSEEN,
    TCPX_K_DUP_ACK,
    TCPX_K_ZERO_WINDOW,
    TCPX_K_ZERO_WINDOW_PROBE,
    TCPX_K_ZERO_WINDOW_PROBE_ACK,
    TCPX_K_WINDOW_FULL,
    TCPX_K_WINDOW_UPDATE,
    TCPX_K_KEEP_ALIVE,
    TCPX_K_KEEP_ALIVE_ACK,
    TCPX_K_REUSED_PORTS,
    TCPX_K_TFO_SYN,
    TCPX_K_TFO_ACK,
    TCPX_K_TFO_IGNORED,
    TCPX_K_PARTIAL_ACK,   /* Wireshark 4.4+ */
    TCPX_K_AMBIGUOUS_ACK, /* Wireshark 4.6+ */
    TCPX_K_RESET,
    TCPX_K_CHECKSUM,
    TCPX_K_CAPTURE_COPY,  /* tcpx's own: a packet the capture recorded twice */
    TCPX_K_BEYOND_WINDOW, /* tcpx's own: data past the right edge the receiver offered (tcpx_scoreboard.c) */
    TCPX_K_N_ANOMALIES,
    /* story steps (not anomalies) */
    TCPX_K_SYN = TCPX_K_N_ANOMALIES,
    TCPX_K_SYNACK,
    TCPX_K_HANDSHAKE_ACK,
    TCPX_K_MIDSTREAM,
    TCPX_K_FIN_FIRST,
    TCPX_K_FIN_SECOND,
    TCPX_K_CLOSE_ACK,
    TCPX_K_HALF_CLOSE,
    TCPX_K_DSACK,     /* an ACK whose D-SACK proves a resend unneeded (not a dup ACK) */
    TCPX_K_NAGLE,     /* a small segment held back until the peer's delayed ACK (tcpx_nagle.c) */
    TCPX_K_PMTU_ICMP, /* an ICMP "fragmentation needed" / ICMPv6 "packet too big" about the stream (tcpx_pmtu.c) */
    TCPX_K_ICMP_UNREACHABLE, /* an ICMP "destination unreachable" about the stream's segment (tcpx_pmtu.c) */
    /* phase notes for ordinary frames (a preference) */
    TCPX_K_NOTE_DATA,
    TCPX_K_NOTE_ACK,
    TCPX_K_COUNT
} tcpx_kind_t;

/* Why: the cause chosen from the evidence.  tcpx_explain.c has the words. */
typedef enum {
    TCPX_C_NONE = 0,
    /* retransmissions */
    TCPX_C_CAPTURE_DUPLICATE,
    TCPX_C_SYN_UNANSWERED,
    TCPX_C_SYNACK_UNANSWERED,
    TCPX_C_SYN_RETRY_AFTER_RST,
    TCPX_C_FAST_RETX_DUPACKS,
    TCPX_C_RETX_AFTER_DUPACKS,
    TCPX_C_RETX_TIMEOUT,
    TCPX_C_RETX_BACKOFF,
    TCPX_C_RETX_IN_RECOVERY,
    TCPX_C_RETX_EARLY,
    TCPX_C_RETX_UNDETERMINED,
    TCPX_C_RETX_PMTU_BLACKHOLE,
    TCPX_C_RETX_TIMER_LONG,
    TCPX_C_RETX_PMTU_ICMP,     /* resent in segments that fit, after a router's ICMP said the original did not */
    TCPX_C_RETX_SACKED,        /* the receiver had SACKed all of it, and said so long enough before */
    TCPX_C_RETX_BEYOND_WINDOW, /* its first copy went past the receiver's window */
    TCPX_C_SPURIOUS_ACK_IN_FLIGHT,
    TCPX_C_SPURIOUS_ACK_LOST,
    TCPX_C_SPURIOUS_UNDETERMINED,
    /* ordering and gaps */
    TCPX_C_REORDERING,
    TCPX_C_REORDERED_ORIGINAL, /* Wireshark calls it a retransmission: it came sooner than a resend could */
    TCPX_C_RESEND_AFTER_GAP,   /* never seen, a round trip after the data above it: a resend */
    TCPX_C_OOO_UNDETERMINED,   /* never seen: reordered or resent, the capture cannot tell */
    TCPX_C_QUICK_RETRANSMISSION,
    TCPX_C_CAPTURE_STARTED_LATE,
    TCPX_C_LOSS_BEFORE_CAPTURE,
    TCPX_C_CAPTURE_MISSED,
    /* duplicate ACKs */
    TCPX_C_DUPACK_HOLE,
    TCPX_C_DUPACK_DSACK,
    TCPX_C_DUPACK_PLAIN,
    /* windows */
    TCPX_C_RECEIVER_NOT_READING,
    TCPX_C_ZERO_WINDOW_PERSISTS,
    TCPX_C_PERSIST_TIMER,
    TCPX_C_WINDOW_NO_SCALING,
    TCPX_C_WINDOW_RECEIVER_SLOW,
    TCPX_C_WINDOW_LIMITED,
    TCPX_C_WINDOW_STALE_COPY,
    TCPX_C_WINDOW_LOSS_HOLE,
    TCPX_C_WINDOW_QUEUE,
    TCPX_C_WINDOW_REOPENED,
    TCPX_C_WINDOW_GREW,
    TCPX_C_BEYOND_WINDOW,
    /* keep-alives */
    TCPX_C_KEEPALIVE_IDLE,
    TCPX_C_KEEPALIVE_ANSWERED,
    /* reused ports */
    TCPX_C_PORTS_REUSED_AFTER_CLOSE,
    TCPX_C_PORTS_REUSED_TIME_WAIT,
    TCPX_C_PORTS_REUSED_NOT_CLOSED,
    TCPX_C_PORTS_REUSED_UNKNOWN,
    TCPX_C_PORTS_REUSED_AFTER_REFUSAL,
    /* TFO */
    TCPX_C_TFO,
    TCPX_C_TFO_REJECTED,
    /* partial and ambiguous ACKs */
    TCPX_C_PARTIAL_ACK_OFFLOAD,
    TCPX_C_PARTIAL_ACK_UNDETERMINED,
    TCPX_C_AMBIGUOUS_ACK_KARN,
    /* resets */
    TCPX_C_RST_REFUSED,
    TCPX_C_RST_FORGED,
    TCPX_C_RST_REFUSED_UNDETERMINED,
    TCPX_C_RST_FORGED_MID,
    TCPX_C_RST_HANDSHAKE_ABORT,
    TCPX_C_RST_MID_TRANSFER,
    TCPX_C_RST_AFTER_FIN,
    TCPX_C_RST_IDLE,
    TCPX_C_RST_UNKNOWN_START,
    /* checksums */
    TCPX_C_CSUM_OFFLOAD,
    TCPX_C_CSUM_LOCAL_BOTH,
    TCPX_C_CSUM_CORRUPTION,
    /* story */
    TCPX_C_CONNECT_SYNS_LOST, /* a SYN-ACK to a SYN sent again: the first ones went unanswered */
    TCPX_C_NAGLE_DELAYED_ACK,
    TCPX_C_PMTU_TOO_BIG,     /* the ICMP: a router's next link carries smaller packets than the sender's */
    TCPX_C_PMTU_NOT_TOO_BIG, /* ...an ICMP whose MTU the quoted packet did not exceed: not about its size */
    /* ICMP destination unreachable, by its code (tcpx_icmp_kind) */
    TCPX_C_UNREACH_NET,
    TCPX_C_UNREACH_HOST,
    TCPX_C_UNREACH_PORT,
    TCPX_C_UNREACH_PROHIBITED,
    TCPX_C_UNREACH_OTHER,
    TCPX_C_STORY,
    TCPX_C_COUNT
} tcpx_cause_t;

typedef enum {
    TCPX_SEV_NONE = 0,
    TCPX_SEV_CHAT = 1,
    TCPX_SEV_NOTE = 2,
    TCPX_SEV_WARN = 3,
    TCPX_SEV_ERROR = 4
} tcpx_severity_t;

typedef enum {
    TCPX_PHASE_HANDSHAKE = 1,
    TCPX_PHASE_DATA,
    TCPX_PHASE_KEEPALIVE,
    TCPX_PHASE_TEARDOWN,
    TCPX_PHASE_RESET
} tcpx_phase_t;

/* Checksum as the glue saw it. */
typedef enum {
    TCPX_CSUM_UNCHECKED = 0,
    TCPX_CSUM_GOOD,
    TCPX_CSUM_BAD,
    TCPX_CSUM_ZERO
} tcpx_csum_t;

/* One TCP header of one frame, as the glue read it.  Sequence and ACK numbers
 * are relative (raw minus Wireshark's base for that direction). */
typedef struct {
    guint32 frame;
    gint64 ts_ns;          /* capture time, ns since the epoch */
    gboolean from_first;   /* sent by the stream's first-seen sender? */
    guint32 seq, ack, len; /* len: TCP payload bytes */
    guint16 flags;         /* TCPX_TH_* */
    guint32 win;           /* window in bytes, scaled as Wireshark scales it */
    /* options (SYN options matter most) */
    guint16 mss;  /* 0: absent */
    gint8 wscale; /* -1: absent */
    gboolean sack_perm;
    gboolean has_ts;
    guint32 tsval;
    guint8 tfo;           /* 0 none, 1 cookie request, 2 cookie */
    gboolean options_cut; /* the capture cut the header short: options unknown */
    guint8 n_sack;
    guint32 sack_le[4], sack_re[4]; /* relative */
    /* IP */
    gboolean has_ip_id;
    guint16 ip_id;
    guint8 ip_ecn; /* 0..3, 3 = congestion experienced */
    gboolean has_ttl;
    guint8 ip_ttl; /* TTL (IPv6: hop limit) of the innermost IP header carrying this segment */
    guint16 checksum;
    tcpx_csum_t csum;
    /* Wireshark's analysis of this segment */
    guint32 ws; /* tcpx_ws_flag_t bits */
    guint32 dupack_num, dupack_frame;
    guint32 bytes_in_flight;
    guint32 acks_frame; /* this ACK acknowledges the segment in frame... */
    gint64 ack_rtt_ns;  /* ...which took this long; 0 if none */
    gint64 irtt_ns;     /* handshake RTT of the stream, 0 if unknown */
} tcpx_segment_t;

#define TCPX_MAX_LISTED 4

/* A side's SYN options as a finding keeps them: frozen, so that a later SYN
 * cannot change what an earlier frame says. */
enum {
    TCPX_SYN_SEEN = 1 << 0, /* the side's SYN was seen */
    TCPX_SYN_CUT = 1 << 1,  /* ...but the capture cut its options short */
    TCPX_SYN_SACK = 1 << 2, /* SACK permitted */
    TCPX_SYN_TS = 1 << 3,   /* timestamps */
    TCPX_SYN_TFO = 1 << 4,  /* Fast Open */
    TCPX_SYN_ECN = 1 << 5   /* ECN offered */
};
typedef struct {
    guint16 mss;  /* 0: none */
    gint8 wscale; /* -1: no window scaling */
    guint8 flags; /* TCPX_SYN_* */
} tcpx_syn_opts_t;

/* What shows that a segment left its sender before another one. */
typedef enum {
    TCPX_ORDER_TIMING = 0, /* nothing: only the time it arrived */
    TCPX_ORDER_TSVAL,      /* an older TCP timestamp */
    TCPX_ORDER_IP_ID,      /* a lower IP ID, from a sender that numbers its packets in order */
} tcpx_order_by_t;

/* One thing tcpx says about a frame.  Which fields a kind fills is the kind's
 * business (tcpx_retx.c, tcpx_acks.c...); the frame variables (tcpx_frame_vars.c) name each
 * field once for the templates.  Zero means unknown or absent: the per-frame
 * cache (tcpx_pack.c) keeps only the non-zero fields. */
typedef struct {
    guint8 kind;  /* tcpx_kind_t */
    guint8 cause; /* tcpx_cause_t */
    guint8 n_listed;
    guint8 zero_checksum;                   /* checksum: the checksum field is zero, not wrong */
    guint16 checksum;                       /* checksum: the frame's TCP checksum */
    tcpx_syn_opts_t sender_opts, peer_opts; /* SYN, SYN-ACK: both sides' options */
    guint8 ttl;                             /* reset: its IP TTL (0: unknown) */
    guint8 ttl_ref;                         /* reset: the named host's own TTL nearest to it (0: none) */
    guint8 order_by;                 /* out-of-order: what shows it left before the higher data (tcpx_order_by_t) */
    guint32 orig_frame;              /* first transmission of the same bytes */
    guint32 ack_frame;               /* the ACK that already covered these bytes */
    guint32 ref_frame;               /* the kind's reference frame (its ref_label says which) */
    guint32 listed[TCPX_MAX_LISTED]; /* the latest duplicate ACKs before a retransmission */
    guint32 lo, hi;                  /* byte range, inclusive, relative */
    guint32 bytes;                   /* the kind's size: bytes missing, a window, bytes sent... */
    guint32 bytes2;                  /* a second size (previous window, bytes in flight, the peer's bytes...) */
    guint32 count;                   /* n-th occurrence in the stream so far */
    guint32 total;                   /* ...out of this many (e.g. data segments so far) */
    guint32 segments;                /* bytes expressed in segments at the MSS */
    guint32 mss;                     /* the MSS in use toward the receiver */
    guint32 waits_for;               /* the byte the receiver still waits for (its ACK number) */
    guint32 dupacks;                 /* retransmission: duplicate ACKs the receiver sent for it */
    guint32 held_lo;                 /* duplicate ACK: first byte of the SACK block it reports */
    guint32 attempt;                 /* retransmission: n-th resend of the same bytes */
    guint32 prev_stream;             /* reused ports: the earlier stream's number + 1 (0: not captured) */
    guint32 quiet_frame;             /* retry series: the peer's last frame (nothing from it since) */
    guint32 mtu;                     /* path MTU: the next-hop MTU a router's ICMP announced (0: none) */
    gint64 orig_age_ns, ack_age_ns, ref_age_ns; /* how long before this frame each frame above was */
    gint64 rtt_ns;                              /* reference RTT for the comparison, 0 if unknown */
    gint64 idle_ns;                             /* how long nothing moved before: no new ACK (retransmission),
                              * no data (keep-alive, reset); window full: the RTT now ({rtt_now}) */
    gint64 syn_synack_ns, synack_ack_ns;        /* handshake ACK: the handshake's two halves */
} tcpx_finding_t;

#define TCPX_MAX_FINDINGS 8

/* All tcpx says about one TCP header of one frame. */
typedef struct {
    guint8 phase;       /* tcpx_phase_t */
    guint8 from_client; /* direction of this segment */
    guint8 n;
    guint8 n_later;
    tcpx_finding_t f[TCPX_MAX_FINDINGS];
    tcpx_later_t later[TCPX_MAX_LATERS]; /* what this frame settles about earlier frames (not cached) */
} tcpx_result_t;

/* A frame is worth caching when it has findings. */
static inline gboolean
tcpx_result_notable(const tcpx_result_t *r)
{
    return r->n > 0;
}

/* Allocation is the glue's choice (wmem file scope in Wireshark, GLib in tests).
 * realloc(ctx, ptr, 0) frees ptr, as wmem_realloc() and g_realloc() do. */
typedef struct {
    void *(*alloc0)(void *ctx, gsize size);
    void *(*realloc)(void *ctx, void *ptr, gsize size);
    void *ctx;
} tcpx_alloc_t;

/* One original transmission, remembered to explain later retransmissions. */
typedef struct {
    guint32 seq, end; /* [seq, end) */
    guint32 frame;
    gint64 ts_ns;
    guint32 tsval;
    guint16 ip_id;
    guint16 checksum;
    gboolean has_ip_id;
} tcpx_sent_t;

/* Data above a receiver's ACK that its SACK blocks reported it holds, and the ACK that last extended the
 * range (tcpx_scoreboard.c). */
typedef struct {
    guint32 lo, end; /* [lo, end) */
    guint32 frame;
    gint64 ts_ns;
} tcpx_sacked_t;

#define TCPX_SACKED_MAX 8

/* One advance of the cumulative ACK. */
typedef struct {
    guint32 ack;
    guint32 frame;
    gint64 ts_ns;
} tcpx_ack_event_t;

/* A packet a side sent, remembered to recognise the copies a capture makes of it. */
typedef struct {
    guint64 key; /* the packet's identity (IP ID, seq, ack, flags, len, window, TSval, checksum); 0: empty */
    gint64 ts_ns;
    guint32 frame;
    guint16 ip_id; /* its place in the table, when IP IDs number the packets */
    guint8 ttl;
} tcpx_copy_slot_t;

#define TCPX_RETX_RECENT 4
#define TCPX_ACK_HISTORY 8
#define TCPX_DUPACK_HISTORY 8
#define TCPX_SENT_MAX 4096
#define TCPX_SENT_KEEP_ACKED 8

/* What one side did lately and what explains its next segments: kept while its stream runs, given back once it has closed (tcpx_release.c),
 * and started anew, empty, if a segment still comes. */
typedef struct {
    tcpx_ack_event_t acks[TCPX_ACK_HISTORY];
    guint32 acks_head, acks_len;
    guint32 dupacks[TCPX_DUPACK_HISTORY];
    guint32 dupacks_len;
    /* the latest retransmissions, for the D-SACKs that may prove them unneeded */
    guint32 retx_lo[TCPX_RETX_RECENT], retx_end[TCPX_RETX_RECENT], retx_frame[TCPX_RETX_RECENT];
    gint64 retx_ts[TCPX_RETX_RECENT];
    guint32 retx_next;
    guint8 last_retx_cause; /* the latest one's (a tcpx_cause_t) */
    /* as a receiver: what its SACK blocks reported holding (a scoreboard), and its latest ACK's blocks */
    tcpx_sacked_t sacked[TCPX_SACKED_MAX];
    guint32 n_sacked;
    guint32 last_n_sack;
    guint32 last_sack_le[4], last_sack_re[4];
    /* as a sender: its latest segments past the receiver's edge, to name when they are resent */
    guint32 beyond_lo[TCPX_RETX_RECENT], beyond_end[TCPX_RETX_RECENT], beyond_frame[TCPX_RETX_RECENT];
    guint32 beyond_next;
    /* as a receiver: the latest ACK RTTs of the data it acknowledged */
    gint64 ack_rtt_recent[4];
    guint32 ack_rtt_n;
    /* as a receiver: the highest right edge (ACK + window) it offered and the ACK that offered it
     * (tcpx_scoreboard.c) */
    bool edge_known;
    guint32 edge, edge_ack, edge_win, edge_frame;
    gint64 edge_ts;
    /* as a sender: its latest data segment (tcpx_nagle.c; its time: last_data_ts), and its latest retransmission (to tell one loss
     * episode from the next) */
    guint32 last_data_frame, last_data_len, last_data_end;
    gint64 last_retx_ts;
    /* path-MTU black hole evidence, as a sender: its largest payload, the largest the peer
     * has acknowledged or SACKed, and the peer's latest SACK block smaller than that */
    guint32 largest_len, largest_delivered;
    guint32 small_sacked_frame, small_sacked_len;
    /* path MTU, as a sender: the ICMPs "fragmentation needed" / "packet too big" about its segments
     * (tcpx_pmtu.c): the first of the episode, the latest MTU, the data sent before it (which may
     * need resending), and the resends since in segments that fit */
    guint32 pmtu_frame, pmtu_mtu, pmtu_icmps, pmtu_end, pmtu_hdr;
    gint64 pmtu_ts;
    guint32 pmtu_resends, pmtu_resent_end, pmtu_resend_frame, pmtu_resend_len;
} tcpx_recent_t;

/* What one side of a connection has done so far (first pass).  (Fields ordered to leave no padding:
 * there is one of these per side of every stream in the capture.) */
typedef struct {
    /* SYN options */
    bool syn_seen;
    bool options_cut; /* its SYN's options were not captured */
    guint16 mss;
    gint8 wscale;
    bool sack_perm, ts, tfo;
    bool ecn_setup;                       /* ECE (+CWR on a SYN) offered */
    bool seq_known, ack_known, win_known; /* next_seq, high_ack, win */
    /* sequence space */
    guint32 next_seq; /* highest seq + len (+SYN/FIN) seen */
    guint32 next_seq_frame;
    guint32 high_ack; /* the highest ACK this side sent */
    gint64 next_seq_ts;
    tcpx_sent_t *sent; /* ring of original transmissions */
    guint32 sent_cap, sent_head, sent_len;
    /* the ring's first sent_acked entries end at or below sent_acked_upto, the ACK that last walked it */
    guint32 sent_acked, sent_acked_upto;
    /* timing */
    guint32 last_frame;
    gint64 last_ts;
    gint64 last_data_ts;   /* its latest data segment */
    tcpx_recent_t *recent; /* its latest ACKs, resends and SACK reports: while the stream runs (tcpx_release.c) */
    /* window this side advertises */
    guint32 win;
    guint32 zero_since_frame; /* 0: window not at zero */
    gint64 zero_since_ts;
    /* close */
    guint32 hole_lo, hole_hi; /* the latest gap in what the capture saw from this side */
    guint32 hole_frame;       /* ...the frame that showed it, while it is open (tcpx_hindsight.c) */
    guint32 fin_frame;
    gint64 hole_ts;
    gint64 fin_ts;
    /* this side's latest RST: its frame and TTL, and how long after the SYN it answered (0: it answered none) */
    guint32 rst_frame;
    bool rst_has_ttl;
    guint8 rst_ttl;
    /* as a receiver: its latest ACK held data above a hole (SACK blocks past its ACK number) */
    bool sack_hole;
    bool ip_id_repeats; /* two packets in a row with one IP ID: the IP ID identifies nothing (tcpx_copies.c) */
    gint64 rst_delay_ns;
    /* counters, so far */
    guint32 data_segments, payload_bytes;
    guint32 retransmissions, dupacks_sent, gaps, keepalives, zero_windows;
    /* repeated retransmissions of the same bytes (exponential backoff) */
    guint32 retx_seq, retx_attempts, retx_prev_frame;
    gint64 retx_prev_ts;
    gint64 retx_gap;             /* the wait before the latest attempt (from the original for the first) */
    guint32 unneeded_retx;       /* retransmissions of this side a D-SACK proved unneeded */
    guint32 unneeded_retx_frame; /* the latest of them (hindsight: amend that frame) */
    guint32 csum_bad, csum_good;
    /* as a receiver: the least RTT of the data it acknowledged as the capture point saw it */
    gint64 ack_rtt_min_ns;
    /* recent packets, by identity, for capture copies (tcpx_copies.c) */
    tcpx_copy_slot_t *copies;
    guint32 copies_cap, packets;
    guint32 copies_seen;
    guint16 last_ip_id;
    /* steps from one IP ID of the side to the next: small and up, or anything else (counted up to 255) */
    guint8 ip_id_rising, ip_id_other;
} tcpx_side_t;

/* A TCP stream as tcpx sees it (fields ordered to leave no padding: one per stream of the capture). */
typedef struct tcpx_stream {
    guint32 id;             /* Wireshark's tcp.stream */
    guint16 port[2];        /* of [0]/[1] */
    gint8 client;           /* which of [0]/[1] is the client; -1 until known */
    bool roles_guessed;     /* no SYN seen: client guessed from the ports */
    bool midstream;         /* first frame was not a SYN */
    bool rst_before_synack; /* a reset answered a SYN before any SYN-ACK: TCP's iRTT may be the reset's */
    bool release_queued;    /* closed, waiting to give back its rings (tcpx_release.c) */
    const char *name[2];    /* "10.0.0.1:51234" for the first-seen sender [0] and the other [1] */
    tcpx_side_t side[2];
    /* handshake */
    guint32 syn_frame, synack_frame, hs_ack_frame;
    guint32 last_syn_frame; /* the latest SYN before the SYN-ACK: the one the SYN-ACK answers */
    gint64 syn_ts, synack_ts, hs_ack_ts;
    gint64 last_syn_ts;
    guint32 syns_sent; /* SYNs before the SYN-ACK */
    guint32 first_frame, frames;
    guint32 resets;
    gint64 first_ts;
    /* the hosts of [0]/[1] in the capture's host table (tcpx_hosts.h), NULL if none */
    struct tcpx_host *host[2];
    /* previous stream with the same addresses and ports, for reused ports */
    const struct tcpx_stream *prev;
    /* counters used for context */
    guint32 anomalies[TCPX_K_N_ANOMALIES];
    tcpx_alloc_t alloc;
    /* closed: since when, and the next in the queue (tcpx_release.c) */
    gint64 release_at;
    struct tcpx_stream *release_next;
} tcpx_stream_t;

/* Closed streams, oldest first, whose rings are freed once they stay quiet (tcpx_release.c).
 * Zeroed: empty. */
typedef struct {
    tcpx_stream_t *head, *tail;
} tcpx_release_t;
/* The stream has closed: a reset, or both FINs and all data acknowledged. */
gboolean tcpx_stream_closed(const tcpx_stream_t *s);
/* Before a segment is analysed: both sides' recent state allocated (a new or released stream has none). */
void tcpx_stream_ready(tcpx_stream_t *s);
/* After tcpx_analyze(): queue the stream if it has closed. */
void tcpx_release_note(tcpx_release_t *q, tcpx_stream_t *s);
/* Free the rings of the queued streams quiet since long before now_ns (the latest frame's time). */
void tcpx_release_sweep(tcpx_release_t *q, gint64 now_ns);

/* The SYN options a side has announced so far. */
tcpx_syn_opts_t tcpx_syn_opts_of(const tcpx_side_t *side);

/* Stream life cycle. */
void tcpx_stream_init(tcpx_stream_t *s, guint32 id, const char *name0, const char *name1, guint16 port0, guint16 port1,
                      const tcpx_alloc_t *alloc);

/* Is endpoint 0 or 1 the client?  Index of the client side. */
static inline int
tcpx_client_side(const tcpx_stream_t *s)
{
    return s->client < 0 ? 0 : s->client;
}

/* Analyse one segment (first pass, frame order).  Fills *out. */
void tcpx_analyze(tcpx_stream_t *s, const tcpx_segment_t *seg, tcpx_result_t *out);

/* The capture has ended at end_ts: what that settles about the stream's open questions
 * (tcpx_hindsight.c).  Fills out[0..max), returns how many. */
guint tcpx_hindsight_finish(const tcpx_stream_t *s, gint64 end_ts, tcpx_later_t *out, guint max);

/* What an ICMP error about a segment says, from its type and code (tcpx_icmp_kind). */
typedef enum {
    TCPX_ICMP_TOO_BIG = 0,      /* IPv4 "fragmentation needed", ICMPv6 "packet too big" */
    TCPX_ICMP_NET_UNREACHABLE,  /* no route to the network */
    TCPX_ICMP_HOST_UNREACHABLE, /* the host itself did not answer on its last hop */
    TCPX_ICMP_PORT_UNREACHABLE,
    TCPX_ICMP_PROHIBITED, /* administratively prohibited: a filter's policy */
    TCPX_ICMP_UNREACHABLE_OTHER,
    TCPX_ICMP_NOT_READ /* another ICMP: tcpx does not read it */
} tcpx_icmp_kind_t;
tcpx_icmp_kind_t tcpx_icmp_kind(gboolean v6, guint8 type, guint8 code);

/* An ICMP error about a stream's segment: IPv4 "fragmentation needed" (type 3 code 4) or ICMPv6
 * "packet too big" (type 2), or a "destination unreachable" (IPv4 type 3, ICMPv6 type 1), with the
 * TCP header it quotes.  The quoted header is no segment of the stream: it only names the segment
 * the ICMP is about. */
typedef struct {
    guint32 frame;
    gint64 ts_ns;
    gboolean from_first; /* the quoted segment's sender is the stream's first-seen sender */
    guint32 seq;         /* the quoted segment's sequence number, relative */
    guint32 packet_len;  /* the quoted packet's size on the wire (IP total length; 0: unknown) */
    guint32 mtu;         /* the next-hop MTU the ICMP announces (0: none given) */
    gboolean v6;         /* ICMPv6: 40 bytes of IP header instead of 20 */
    tcpx_icmp_kind_t kind;
} tcpx_icmp_t;

/* Link an ICMP error to the stream it quotes (first pass, frame order, between its segments):
 * fills *out with one pmtu_icmp or icmp_unreachable step.  The resends that follow get cause pmtu_icmp. */
void tcpx_analyze_icmp(tcpx_stream_t *s, const tcpx_icmp_t *icmp, tcpx_result_t *out);

/* The phase of a frame that has no findings: derived from the segment alone. */
tcpx_phase_t tcpx_plain_phase(const tcpx_segment_t *seg);

/* Where the capture was taken, from the handshake's halves: SYN to SYN-ACK (d1) and
 * SYN-ACK to ACK (d2).  The half that holds the round trip is the far one. */
typedef enum {
    TCPX_POS_UNKNOWN = 0, /* no complete handshake */
    TCPX_POS_NEAR_CLIENT,
    TCPX_POS_NEAR_SERVER,
    TCPX_POS_MIDDLE /* in the middle, or the path is too fast to tell */
} tcpx_position_t;
tcpx_position_t tcpx_capture_near(gint64 d1, gint64 d2); /* never UNKNOWN */

/* Best RTT estimate known for the stream (handshake RTT), in ns; 0 if unknown. */
gint64 tcpx_stream_rtt(const tcpx_stream_t *s, const tcpx_segment_t *seg);

/* A resend of data whose ACK passed the capture point long before (cause ack_lost): so long (Linux's
 * least timer, and 4 times the round trip between here and the sender) that no queue toward here
 * plausibly held a resend sent before the ACK arrived: the ACK was lost, or held, on the way.  Sooner,
 * a resend that waited in a queue under load looks the same. */
#define TCPX_ACK_LOST_MIN_NS (200 * G_GINT64_CONSTANT(1000000))
#define TCPX_ACK_LOST_LEGS 4
static inline gboolean
tcpx_ack_lost_sure(const tcpx_finding_t *f)
{
    return f->cause == TCPX_C_SPURIOUS_ACK_LOST && f->ack_age_ns >= TCPX_ACK_LOST_MIN_NS &&
           f->ack_age_ns >= TCPX_ACK_LOST_LEGS * f->rtt_ns;
}

static inline gboolean
tcpx_kind_is_anomaly(tcpx_kind_t kind)
{
    return kind < TCPX_K_N_ANOMALIES;
}

#endif
