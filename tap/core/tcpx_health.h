/* tcpx_health.h: per-stream health from tcpx tap records (plain C, no epan).
 *
 * Feed every tcpx_tap_rec_t the "tcpx" tap delivers to tcpx_health_add(), in
 * frame order; then tcpx_health_finish() (or tcpx_health_judge() for one
 * stream at any time: the judgement is recomputed from running totals, so it
 * is cheap and can be refreshed after every record, as the GUI table does).
 * The rules are documented in docs/health-rules.md.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef TCPX_HEALTH_H
#define TCPX_HEALTH_H

#include <stdio.h>
#include <glib.h>
#include "tcpx_tap.h"
#include "tcpx_explain.h" /* tcpx_position_name() and _words() */

/* What held a sender back at a moment of its transfer (tcpx_health_limits.c). */
typedef enum {
    TCPX_LIMIT_RWND,     /* the receiver's window: no room for another segment */
    TCPX_LIMIT_RECOVERY, /* repairing a loss: from the resend to the ACK past the data then in flight */
    TCPX_LIMIT_SENDING,  /* data in flight, window open: the congestion window, the path or the sender's pace */
    TCPX_LIMIT_IDLE,     /* nothing in flight, window open, between bursts: the application had nothing to send */
    TCPX_LIMITS_N
} tcpx_limit_t;
#define TCPX_LIMITS_SLICES 16

/* Thresholds and score weights (tcpx protocol preferences, see
 * tcpx_health_register_prefs()).  tcpx_health_prefs_default() fills them. */
#define TCPX_HISTORY_MAX 40

typedef struct {
    guint slow_factor;  /* answer slower than this many RTTs ... */
    guint slow_min_ms;  /* ... and slower than this: slow response */
    guint ack_fast_ms;  /* request ACKed within max(4 RTT, this): "at once" */
    guint loss_mid_pct; /* retransmission rate bands, in percent */
    guint loss_high_pct;
    guint zero_window_long_ms; /* zero window this long (or 10% of the stream) is serious */
    guint burst_rtts;          /* loss events this many RTTs apart belong to one burst */
    guint burst_min_events;    /* a burst has at least this many loss events */
    guint w_loss_low;          /* score weights (points taken off 100) */
    guint w_loss_mid;
    guint w_loss_high;
    guint w_zero_window;
    guint w_reset;
    guint w_slow;
    guint w_capture;
    guint refused_score; /* score of a refused / unanswered connection */
} tcpx_health_prefs_t;

void tcpx_health_prefs_default(tcpx_health_prefs_t *p);

typedef enum {
    TCPX_FAULT_NONE = 0,
    TCPX_FAULT_CLIENT,
    TCPX_FAULT_NETWORK,
    TCPX_FAULT_SERVER,
    TCPX_FAULT_CAPTURE,
    TCPX_FAULT_UNDETERMINED /* the evidence does not tell (a refusal with nothing to compare its reset with) */
} tcpx_fault_t;

typedef enum {
    TCPX_LOSS_NONE = 0,
    TCPX_LOSS_ISOLATED, /* a single loss event */
    TCPX_LOSS_BURSTS,
    TCPX_LOSS_SCATTERED,
    TCPX_LOSS_PATH_DEAD /* the last segment was retried with backoff and nothing came back */
} tcpx_loss_pattern_t;

/* What the RTT says of the losses (tcpx_health_derive_loss_cause). */
typedef enum {
    TCPX_LOSS_CAUSE_NONE = 0,    /* no loss pattern that asks (none, isolated, path_dead) */
    TCPX_LOSS_CAUSE_QUEUE,       /* bursts or single losses while the RTT rose: a queue overflowing */
    TCPX_LOSS_CAUSE_NO_QUEUE,    /* ...the RTT flat over the whole path: no deep queue filled (policer, link) */
    TCPX_LOSS_CAUSE_UNDETERMINED /* ...and the capture's RTTs do not tell */
} tcpx_loss_cause_t;

typedef enum {
    TCPX_DONE_COMPLETE = 0,   /* handshake, data, FIN both ways */
    TCPX_DONE_REFUSED,        /* SYN answered by RST */
    TCPX_DONE_SYN_UNANSWERED, /* SYN(s), nothing back */
    TCPX_DONE_HANDSHAKE_ONLY, /* handshake, no data */
    TCPX_DONE_RESET,          /* reset by one side */
    TCPX_DONE_HALF_CLOSED,    /* one FIN */
    TCPX_DONE_OPEN,           /* still open when the capture ended */
    TCPX_DONE_MIDSTREAM       /* started mid-stream (text tells the end) */
} tcpx_done_t;

/* Direction index: 0 = client to server, 1 = server to client. */
#define TCPX_C2S 0
#define TCPX_S2C 1

/* The per-stream summary.  Read-only for callers; filled by add/judge. */
typedef struct {
    guint32 stream;
    guint index;           /* order of first appearance */
    char *client, *server; /* "10.0.0.1:51234" */
    guint16 client_port, server_port;
    gboolean roles_guessed;
    /* traffic */
    guint64 packets[2], bytes[2]; /* bytes: TCP payload */
    gint64 first_ts, last_ts, duration_ns;
    /* RTT: iRTT, ACK RTT per direction of the data being acknowledged */
    gint64 irtt_ns; /* 0 unknown */
    guint32 rtt_n[2];
    gint64 rtt_min_ns[2], rtt_max_ns[2], rtt_sum_ns[2];
    gint64 rtt_ref_ns; /* the RTT the rules compare against, 0 unknown */
    /* application response time (request's last byte -> answer's first byte) */
    guint32 resp_n;
    guint32 resp_max_frame; /* frame of the slowest answer */
    gint64 resp_max_ns, resp_sum_ns;
    gint64 resp_max_ack_ns;      /* server's TCP ACK delay for that request, -1: piggybacked */
    guint32 resp_max_keepalives; /* keep-alives seen while that request waited */
    /* anomalies */
    guint32 anomalies[TCPX_K_N_ANOMALIES];
    guint32 data_segments; /* payload segments, keep-alives excluded */
    guint32 retx_records;  /* retransmissions of any kind, SYNs included */
    guint32 retx_segments; /* retransmitted payload segments (all kinds) */
    guint64 retx_bytes;
    guint32 retx_net[2];            /* retransmissions that are not capture duplicates, per sender */
    guint32 retx_unneeded;          /* loss retransmissions a D-SACK later proved unneeded (taken out of retx_net) */
    guint32 retx_unneeded_prompted; /* ...of them, prompted by the receiver's duplicate ACKs or SACKs */
    guint32 capture_dups;           /* frames that are the capture's copies of another (not counted elsewhere) */
    double retx_rate;               /* retx_net / data_segments, 0..1 */
    guint64 lost_bytes;             /* bytes not captured */
    guint32 lost_segments;          /* ...in segments at the negotiated MSS */
    guint32 capture_gaps;           /* holes judged capture misses */
    guint32 network_holes;          /* holes followed by retransmissions */
    guint32 acked_unseen;
    guint32 reordered; /* out-of-order segments (network reordering) */
    guint32 dup_acks;
    gint64 zero_window_ns[2];    /* time each side advertised a zero window: [0] client, [1] server */
    guint32 window_full_recv[2]; /* window-full events against the receiver: [0] client, [1] server */
    guint32 keepalives[2];
    guint32 resets[2]; /* RSTs sent: [0] client, [1] server */
    gint rst_side;     /* first RST of the last connection: -1 none, 0 client, 1 server (its cause: rst_cause) */
    guint32 refusals;  /* SYNs answered by RST before a connection (reused ports) */
    gboolean rst_after_data;
    /* that reset judged against the host it names (tcpx_hosts.h), with the whole capture's host table */
    guint rst_origin;      /* tcpx_rst_origin_t */
    guint32 rst_ttl;       /* its TTL (0: unknown) */
    guint32 rst_ttl_ref;   /* the host's own TTL, when it is evidence (differs, or matches a refusal) */
    gint64 rst_delay_ns;   /* SYN -> RST when it answered a SYN, else 0 */
    gint64 rst_host_hs_ns; /* the host's SYN -> SYN-ACK, when the RST was far faster, else 0 */
    /* story */
    gboolean syn, synack, hs_ack, midstream;
    gboolean fin[2];
    tcpx_done_t done;
    const char *done_text; /* done, in words (shared by the streams that read the same) */
    /* the connection's story in letters, as Zeek's conn.log history: tcpx_health_history.c */
    char history[TCPX_HISTORY_MAX];
    /* negotiated options; mss 0 and wscale -1: absent / unknown */
    gboolean options_known;
    guint16 mss[2];
    gint8 wscale[2];
    guint8 rst_cause; /* the cause (tcpx_cause_t) of rst_side's reset */
    gboolean sack, ecn;
    /* capture position */
    tcpx_position_t position;
    /* loss pattern */
    tcpx_loss_pattern_t loss_pattern;
    tcpx_loss_cause_t loss_cause;
    gint64 loss_rtt_rise_ns;   /* (cause queue) the RTT's mean rise above its least */
    gint64 hs_d1_ns, hs_d2_ns; /* (capture position) SYN->SYN-ACK, SYN-ACK->ACK; -1 unknown */
    guint32 loss_events, burst_events, max_hole_segments;
    /* a connection that never got going or died */
    guint32 syn_lost;         /* SYNs sent again before the SYN-ACK (not after a refusal) */
    gint64 connect_ns;        /* first SYN to SYN-ACK, when SYNs were sent again; 0 unknown */
    guint32 lost_retx;        /* unanswered retransmissions of one segment at the end (retry series) */
    guint32 lost_quiet_frame; /* the peer's last frame before the series (0: none) */
    gint64 lost_span_ns;      /* from that segment's first transmission to its last retry */
    guint32 blackhole_retx;   /* resends of full-size segments a path-MTU black hole swallowed (cause pmtu_blackhole) */
    guint32 blackhole_len;    /* ...their size in bytes */
    guint32 timer_long_retx;  /* first resends far later than any timer the path needs (cause timer_too_long) */
    int timer_long_side;      /* ...by the client (0) or the server (1) */
    guint32 nagle_stalls;     /* small segments Nagle held until a delayed ACK (tcpx_nagle.c) */
    int nagle_side;           /* ...whose: the client (0) or the server (1) */
    gint64 nagle_lost_ns;     /* ...the time they lost in all */
    gint64 timer_long_ns;     /* ...the longest of those waits */
    guint32 ack_lost_resends; /* resends of data whose ACK crossed the capture point a round trip earlier (ack_lost) */
    int ack_lost_side;        /* ...by the client (0) or the server (1) */
    gint64 ack_lost_wait_ns;  /* ...the longest time from such an ACK to the resend */
    /* resends while the receiver sent nothing the capture saw, its IP IDs showing packets it did send
     * (ACKs lost on the way here; tcpx_health_silence.c) */
    guint32 ack_silence_resends;
    int ack_silence_side;     /* ...by the client (0) or the server (1) */
    gint64 ack_silence_ns;    /* ...the longest silence */
    guint32 ack_silence_lost; /* ...the most packets the receiver sent in one silence that never arrived */
    /* resends in such a silence the capture cannot explain: the receiver then acknowledged all, but its IP
     * IDs count nothing (or say it sent nothing): ACKs lost, data held on the path, or a stalled receiver */
    guint32 silence_resends;
    int silence_side;           /* ...by the client (0) or the server (1) */
    gint64 silence_ns;          /* ...the longest silence */
    gboolean silence_sent_none; /* ...the receiver's IP IDs say it sent nothing meanwhile (no lost ACKs) */
    /* timer resends of data whose original passed the capture point within 0.5 ms of the receiver, which
     * acknowledged nothing until the resend came: the receiver held its ACK (a delayed ACK outlasting the sender's
     * timer) or dropped the data, or its last link lost it (tcpx_health_dsack.c) */
    guint32 ack_held_resends;
    guint32 ack_held_dsacked; /* ...of them, proved unneeded by the receiver's D-SACK: it had held its ACK */
    int ack_held_side;        /* ...the receiver: the client (0) or the server (1) */
    gint64 ack_held_ns;       /* ...the longest wait from the original to its resend */
    gint64 ack_held_leg_ns;   /* ...the round trip between the capture point and the receiver */
    /* path MTU (tcpx_health_pmtu.c): routers' ICMPs "too big" about its segments, the first (or the
     * narrowest link's): its frame, MTU, router and whose packets; the resends in segments that fit */
    guint32 pmtu_icmps, pmtu_frame, pmtu_mtu;
    int pmtu_side;
    char *pmtu_router; /* NULL: none */
    guint32 pmtu_resends, pmtu_resend_len;
    /* ICMP "destination unreachable" about its segments (tcpx_health_pmtu.c): how many, and the first's frame,
     * cause (tcpx_cause_t: TCPX_C_UNREACH_*) and sender */
    guint32 unreach_icmps, unreach_frame;
    int unreach_cause;
    int unreach_side;     /* the sender of the segment it quoted */
    char *unreach_router; /* NULL: none */
    /* a sender's TCP that ignores what the receiver said (tcpx_scoreboard.c): resends of data the receiver had
     * SACKed (cause resent_sacked), segments past its window (kind beyond_window); whose: client 0, server 1 */
    guint32 sacked_resent, sacked_resent_bytes;
    int sacked_side;
    guint32 beyond_segments, beyond_bytes, beyond_resent;
    int beyond_side;
    /* a queue on the path (tcpx_health_queue.c): the ACK RTT of one direction's data, its least
     * (handshake leg included) and its highest sustained level, and the data rate then */
    int queue_dir; /* TCPX_C2S or TCPX_S2C; -1: no queue found */
    gint64 queue_base_ns, queue_peak_ns;
    guint64 queue_rate_bps;   /* that direction's data rate over the stream, bits/s */
    guint32 queue_peak_frame; /* the ACK where the sustained RTT peaked */
    /* what limited the main sender's throughput (tcpx_health_limits.c): time per limiter while it
     * had data outstanding or waited on the window, and its idle time between bursts */
    int lim_sender;               /* 0 client, 1 server; -1: too little data to say */
    gint64 lim_ns[TCPX_LIMITS_N]; /* by tcpx_limit_t */
    gboolean lim_window_known;    /* the window's scale is known (both SYNs' options): else no window share */
    /* ...over time, for transfers of a second or more: one letter per slice of lim_slice_ns, the
     * limit that held most of it (W window, L loss recovery, S sending, I idle); "" without */
    char lim_timeline[TCPX_LIMITS_SLICES + 1];
    gint64 lim_slice_ns;
    /* judged with other streams (tcpx_health_groups.c, by tcpx_health_finish) */
    gboolean scan;         /* an attempt of a port scan */
    guint32 group_n;       /* repeated attempts to this server host:port that never connected (0: none) */
    guint32 group_lead;    /* ...their first stream */
    guint32 group_refused; /* ...how many of them were refused */
    gint64 group_span_ns;  /* ...from the first one's start to the last one's end */
    /* judgement */
    int score; /* 0..100 */
    tcpx_fault_t fault;
    const char *verdict_code; /* "healthy", "network_loss", ... */
    char *verdict;            /* primary issue, then "; also: ..." (at most TCPX_VERDICT_MAX - 1 bytes) */
    gboolean judged;          /* FALSE: TCP's sequence analysis was off (score -1, no fault) */
} tcpx_health_stream_t;

typedef struct tcpx_health tcpx_health_t;
#define TCPX_VERDICT_MAX 512

tcpx_health_t *tcpx_health_new(const tcpx_health_prefs_t *prefs); /* NULL: defaults */
void tcpx_health_free(tcpx_health_t *h);
void tcpx_health_reset(tcpx_health_t *h); /* forget all streams */
/* Text the render functions below write goes on to `sink` a piece at a time (tshark's report: the text of
 * 12,000 streams is never held at once); NULL, the default: it all stays in their GString. */
void tcpx_health_set_sink(tcpx_health_t *h, FILE *sink);

/* One record, in frame order.  Returns the stream's summary (not re-judged). */
const tcpx_health_stream_t *tcpx_health_add(tcpx_health_t *h, const tcpx_tap_rec_t *rec);
/* The same, in batches: the record is copied (its findings too) and added with the next ones, so that the
 * adding code stays in the processor's caches over many records instead of being fetched again for each
 * one (tshark runs some 40,000 instructions of its own between two records).  Same results as
 * tcpx_health_add(); tcpx_health_flush() adds what is pending, and tcpx_health_finish() calls it. */
void tcpx_health_add_batched(tcpx_health_t *h, const tcpx_tap_rec_t *rec);
void tcpx_health_flush(tcpx_health_t *h);

/* Recompute the judgement of one stream (NULL if unknown) / of all streams. */
const tcpx_health_stream_t *tcpx_health_judge(tcpx_health_t *h, guint32 stream);
void tcpx_health_finish(tcpx_health_t *h);

guint tcpx_health_count(const tcpx_health_t *h);
const tcpx_health_stream_t *tcpx_health_nth(const tcpx_health_t *h, guint i); /* order of appearance */
const tcpx_health_stream_t *tcpx_health_lookup(const tcpx_health_t *h, guint32 stream);

/* TCP's sequence analysis (tcp.analyze_sequence_numbers) was off for the records
 * seen: Wireshark detected no retransmission, loss or window problem, so no
 * stream is judged (verdict_code "not_judged", score -1, fault none). */
gboolean tcpx_health_analysis_off(const tcpx_health_t *h);
#define TCPX_HEALTH_ANALYSIS_OFF_TEXT                                                                        \
    "TCP's sequence analysis is off (tcp.analyze_sequence_numbers: FALSE), so Wireshark detected no "        \
    "retransmission, lost segment, duplicate ACK or window problem: nothing can be judged, no score and no " \
    "verdict. Turn it on (Edit > Preferences > Protocols > TCP > Analyze TCP sequence numbers, or "          \
    "-o tcp.analyze_sequence_numbers:TRUE) to judge the streams."
#define TCPX_HEALTH_NOT_JUDGED_VERDICT "not judged: TCP's sequence analysis is off"

/* Unhealthy: a fault domain was found. */
gboolean tcpx_health_unhealthy(const tcpx_health_stream_t *s);

/* Streams sorted worst first (score ascending, then stream index); free with g_ptr_array_unref. */
GPtrArray *tcpx_health_worst_first(const tcpx_health_t *h);
/* Streams in tcp.stream order; free with g_ptr_array_unref. */
GPtrArray *tcpx_health_by_stream(const tcpx_health_t *h);

/* Names (stable: used as JSON values). */
const char *tcpx_health_fault_name(tcpx_fault_t f);               /* "none", "client", ... */
const char *tcpx_health_loss_pattern_name(tcpx_loss_pattern_t l); /* "bursts", ... */
const char *tcpx_health_loss_cause_name(tcpx_loss_cause_t c);     /* "queue", ...; NULL for none */
const char *tcpx_health_done_name(tcpx_done_t d);                 /* "complete", ... */

/* Renderers: append to out. */
void tcpx_health_render_table(const tcpx_health_t *h, GString *out);
void tcpx_health_render_paragraph(const tcpx_health_stream_t *s, GString *out);
void tcpx_health_render_capture(const tcpx_health_t *h, GString *out);          /* the file's own facts, once */
void tcpx_health_render_paragraphs(const tcpx_health_t *h, GString *out);       /* unhealthy, worst first */
void tcpx_health_render_json_line(const tcpx_health_stream_t *s, GString *out); /* one line + '\n' */
void tcpx_health_render_json(const tcpx_health_t *h, GString *out);             /* one line per stream */

/* Short texts for table cells (static or in buf). */
const char *tcpx_health_ms_text(gint64 ns, char *buf, gsize len); /* "12.3" or "-" */

#endif
