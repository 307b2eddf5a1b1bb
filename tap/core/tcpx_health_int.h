/* tcpx_health_int.h: what the health files share and callers do not see.
 *
 * The health code is split by role: tcpx_health.c (lifecycle, lookup, names),
 * tcpx_health_add.c (records -> running totals, per packet), tcpx_health_judge.c
 * (totals -> derived figures, rules, score and verdict), tcpx_health_words.c
 * (every sentence, as templates, and the variables they read), and the
 * renderers (_paragraph.c, _table.c, _json.c).  docs/health-rules.md explains
 * the rules.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef TCPX_HEALTH_INT_H
#define TCPX_HEALTH_INT_H

#include <glib.h>
#include <stdbool.h>
#include <string.h>
#include "tcpx_health.h"
#include "tcpx_units.h"
#include "tcpx_template.h"

/* A hole in the capture (bytes lo..hi-1 of a sender not captured) and when it was seen. */
typedef struct {
    guint32 lo, hi;
    guint32 segs; /* its size in segments; 0 once a fill counted them */
    gint64 ts;
    bool used;
} tcpx_health_hole_t;
#define TCPX_HEALTH_PENDING_HOLES 8

/* What limited one sender over time: the time per limit in each slice of `width` from `start`. */
typedef struct {
    gint64 start, width;
    guint32 n; /* slices used */
    gint64 ns[TCPX_LIMITS_SLICES][TCPX_LIMITS_N];
} tcpx_limits_timeline_t;

/* What limited one sender, as it runs (tcpx_health_limits.c).  The ACKs on their way to the sender: a
 * ring that starts at TCPX_LIMITS_ACKS and doubles up to TCPX_LIMITS_ACKS_MAX; ACKs seen within
 * 1/TCPX_LIMITS_ACKS_PER_LEG of the sender's leg of each other share a slot. */
#define TCPX_LIMITS_ACKS 16
#define TCPX_LIMITS_ACKS_PER_LEG 128
#define TCPX_LIMITS_ACKS_MAX 512
typedef struct {
    gint64 at; /* when it reaches the sender */
    guint32 ack, edge;
} tcpx_limits_ack_t;
typedef struct {
    bool started;   /* its first data was seen */
    bool fin_sent;  /* its FIN was sent ... */
    bool ended;     /* ... and acknowledged, or its RST: the transfer is over */
    bool zero_wait; /* ...TCPX_LIMIT_RWND with nothing in flight: waiting on a closed window */
    int state;      /* tcpx_limit_t since `since` */
    gint64 since;   /* when the state began to count */
    gint64 ns[TCPX_LIMITS_N];
    gint64 sending_unacked; /* time in flight since the ACK last advanced */
    gint64 idle_pending;    /* idle since its last data: counted only if more data follows */
    gint64 zero_pending;    /* a closed window with nothing in flight: counted once the sender shows it waited */
    gint64 reopened_ts;     /* when that window reopened (0: it has not) */
    guint32 recovery_point; /* ... until the receiver acknowledges this (in_recovery) */
    guint32 seg_max;        /* its largest segment */
    /* the receiver's ACKs as the sender has them: one sender leg after the capture saw them */
    guint32 snd_max; /* the highest byte it sent, +1 */
    guint32 ack, edge;
    bool ack_known;
    bool probed;             /* the sender probed the closed window */
    bool in_recovery;        /* repairing a loss ... */
    tcpx_limits_ack_t *acks; /* a ring of acks_cap, while the transfer runs (g_free'd once it ends) */
    guint32 acks_head, acks_len, acks_cap;
    /* the ring's ends, kept here so that most records need not read the ring: when the oldest ACK
     * reaches the sender (while acks_len), the newest one's ACK and right edge */
    gint64 oldest_at;
    guint32 newest_ack, newest_edge;
    gint64 first_ts;                  /* its first data */
    tcpx_limits_timeline_t *timeline; /* from half a second into the transfer (g_free'd with the stream) */
} tcpx_limits_acc_t;

/* Loss resends by one sender while its receiver sent nothing for long (tcpx_health_silence.c). */
typedef struct {
    gint64 from_ts;     /* the receiver's last packet before the silence */
    guint32 high;       /* the highest sequence the sender had sent by the first resend */
    guint32 resent_end; /* the end of the bytes resent */
    guint32 heard_high; /* the highest sequence the sender had sent when the receiver last spoke */
    guint32 frame[4];   /* the resends */
    guint32 n;
    guint16 ipid;    /* the receiver's IP ID before the silence */
    bool ipid_known; /* ...and its IP IDs counted its packets */
} tcpx_silence_t;

/* What adding a record reads of the plugin's stream state (tcpx_stream_t), as it was when the record came: a
 * batched record is added later, when the plugin has analysed later segments (tcpx_health_batch.c). */
typedef struct {
    guint32 mss[2];   /* MSS each endpoint announced, 0 unknown */
    guint8 client;    /* tcpx_client_side(): 0 or 1 */
    bool scale_known; /* both SYNs captured with their options: the window's scale is known */
} tcpx_health_view_t;

void tcpx_health_view_of(const tcpx_stream_t *st, tcpx_health_view_t *v);
gboolean tcpx_health_scale_known(const tcpx_stream_t *st);
/* tcpx_health_add() with the stream state as seen when the record came (NULL: as it is now). */
const tcpx_health_stream_t *tcpx_health_add_as(tcpx_health_t *h, const tcpx_tap_rec_t *rec,
                                               const tcpx_health_view_t *view);
/* tcpx_health_batch.c: the batch of records not yet added (NULL: none yet). */
typedef struct tcpx_health_batch tcpx_health_batch_t;
void tcpx_health_batch_free(tcpx_health_batch_t *b);

/* Per-stream state: the public summary plus the running state of the accumulation.  Grouped by size
 * (8-byte fields, then 4-byte, then flags) to leave no padding: there is one per stream of the capture. */
typedef struct {
    tcpx_health_stream_t pub;
    const tcpx_stream_t *st;
    tcpx_health_view_t view; /* ...as of the latest record */
    tcpx_limits_acc_t lim[2];
    gint64 syn_ts, synack_ts, hs_ack_ts;
    gint64 rec_irtt_ns;
    gint64 first_syn_ts;
    /* zero window: since when, and how long it was closed, per side */
    gint64 zw_since[2];
    gint64 zw_closed[2];
    /* exchange in progress: its request's last data, the server's ACK of it */
    gint64 req_last_ts, req_ack_ts;
    /* exchanges: request bytes */
    guint64 req_bytes_sum;
    /* loss clustering, per sender: segments lost within burst_rtts loaded RTTs of each other form one cluster */
    gint64 cl_last_ts[2];
    /* recent holes in the capture, per sender: [2][TCPX_HEALTH_PENDING_HOLES] from the first hole to the
     * transfers' end (g_free'd then; NULL: none) */
    tcpx_health_hole_t (*ph)[TCPX_HEALTH_PENDING_HOLES];
    gint64 sack_ts[2];     /* when the receiver's latest SACK hole in sender d's data was seen */
    gint64 last_ack_ts[2]; /* when side d's ACK last advanced (last_ack) */
    gint64 pkt_last_ts[2]; /* each side's latest packet (tcpx_health_silence.c) */
    /* resends by sender d while the receiver said nothing for long (tcpx_health_silence.c) */
    tcpx_silence_t sil[2];
    /* window full, per receiver: periods from a window-full segment to the receiver's ACK opening the window */
    gint64 wf_since[2], wf_ns[2], wf_loss_ns[2];
    /* retry series: one segment retransmitted again and again, nothing from the peer (per sender) */
    gint64 rs_orig_ts[2], rs_last_ts[2], rs_gap[2];
    /* ACK RTTs of each direction's data: the latest few, and the highest of their least (a queue
     * lifts them all; a delayed ACK one) */
    gint64 rtt_recent[2][8];
    gint64 rtt_floor_max[2];
    gint64 rtt_floor_jump[2]; /* the largest rise of that level in one step */
    gint64 rtt_kept_sum[2];   /* the sum of the samples kept (rtt_recent_n of them) */
    /* history letters: the letters each side has had, and the counts of the repeating ones */
    guint64 hist_seen[2];
    guint32 hist_count[2][4];
    guint32 rtt_recent_n[2];
    guint32 rtt_floor_frame[2];
    guint32 data_segs_dir[2];
    guint32 retx_loss_payload;
    /* the latest loss retransmissions per sender (frame, 0: none), for D-SACKs that prove them unneeded */
    guint32 loss_retx_frame[2][4];
    guint32 loss_retx_next[2];
    guint32 zw_events[2];
    guint32 req_end, req_ka;
    guint32 req_bytes;
    guint32 cl_segs[2];    /* lost segments the cluster's retransmissions and hole fills show */
    guint32 cl_run[2];     /* the most consecutive segments one hole of it lost (seen, or a SACK hole resent) */
    guint32 loss_closed;   /* lost segments in closed clusters */
    guint32 loss_unneeded; /* loss retransmissions a D-SACK later proved unneeded */
    guint32 burst_closed;  /* ...in closed clusters that were bursts (tcpx_health_cluster_burst) */
    guint32 ph_next[2];
    guint32 sack_ack[2], sack_segs[2];       /* the receiver's latest SACK hole in sender d's data */
    guint32 wf_edge[2];                      /* the right edge the full segment reached */
    guint32 wf_acks[2], wf_stuck[2];         /* ACKs advancing during the periods; ...whose right edge stayed */
    guint32 last_ack[2], last_edge[2];       /* side's latest ACK and right edge (ack + window) */
    guint32 win_pre_max[2], win_post_max[2]; /* largest window before / after the first full window */
    /* the highest sequence each side sent (data, FIN) */
    guint32 snd_max[2];
    guint32 karn_hi[2];    /* snd_max[d] at d's latest resend: ACKs up to it time the recovery (karn_open) */
    guint32 heard_high[2]; /* snd_max[d] when the other side last sent a packet (tcpx_health_silence.c) */
    guint32 tfo_resend;    /* TFO SYN data the server ignored, still to be resent */
    guint32 ooo[2];        /* out-of-order segments per sender */
    /* holes not yet classified, per sender */
    guint32 holes[2], hole_segs[2], hole_max_segs[2];
    guint32 cap_holes;
    guint32 rs_seq[2], rs_n[2];
    guint32 peer_last_frame[2]; /* the last frame from the other side when the series began */
    guint32 last_frame[2];      /* each side's last frame */
    int lost_side;              /* the sender of the retry series judged a lost connection */
    /* each side's latest IP ID, and how often its IP ID rose by one from the packet before or did not */
    guint16 ipid_high[2]; /* the highest IP ID of each side so far (a late packet's is below it) */
    guint16 ipid_steps[2], ipid_jumps[2];
    guint16 ipid_hole[2]; /* the one ID the latest jump skipped, while no later packet has come */
    bool ipid_hole_open[2];
    /* flags */
    bool rst_before_synack; /* a reset answered a SYN before the SYN-ACK */
    bool loss_retx_payload[2][4];
    bool loss_retx_prompted[2][4]; /* ...prompted by the receiver's duplicate ACKs or SACKs, not by a timer */
    guint32 held_frame[2][4];      /* the latest resends per sender of data the receiver held (rec_view_t.held) */
    guint32 held_next[2];
    bool zw_open[2];
    bool req_pending;
    bool cl_open[2];
    bool last_dupack[2];         /* side's latest ACK was a duplicate ACK (a loss hole holds its left edge) */
    bool wf_open[2], wf_loss[2]; /* a period is open; ...it began while a loss hole held the left edge */
    bool ack_known[2];
    bool snd_known[2];
    bool karn_open[2];
    bool rs_backoff[2];
    bool rst_after_fins, rst_after_one_fin; /* resets */
    bool seen_any;                          /* first record */
} hstream_t;

/* What the capture file did, over all its records (tcpx_health_capture.c). */
typedef struct {
    guint32 records;
    gint64 last_ts;
    guint32 backwards;   /* records earlier than the one before */
    gint64 back_max_ns;  /* ...the largest step back */
    guint32 copies;      /* capture copies */
    guint32 copies_hop;  /* ...one hop from their original (TTL one apart) */
    guint32 cut;         /* frames the snaplen cut */
    guint32 cut_len;     /* ...the shortest captured length */
    guint32 options_cut; /* ...of them cut inside the TCP header */
} tcpx_capture_facts_t;

struct tcpx_health {
    tcpx_health_prefs_t prefs;
    GPtrArray *by_id;       /* stream id -> hstream_t* or NULL (owned by list); tcp.stream ids are dense */
    GHashTable *sparse;     /* ids far beyond by_id's end: stream id -> hstream_t* */
    GPtrArray *list;        /* hstream_t*, order of appearance */
    gboolean analysis_off;  /* a record said TCP's sequence analysis was off */
    gint64 capture_last_ts; /* the latest record of any stream: where the capture ends, as far as we know */
    GString *scratch;       /* the judgement's sentences are rendered here (no allocation per stream) */
    tcpx_capture_facts_t cap;
    FILE *sink;                 /* tcpx_health_set_sink */
    GHashTable *texts;          /* texts many streams share (tcpx_health_shared_text) */
    tcpx_health_batch_t *batch; /* records not yet added (tcpx_health_add_batched) */
};

/* Side d's leg of the handshake as the capture saw it: the round trip between the capture point and d (the
 * client's: SYN-ACK -> ACK; the server's: SYN -> SYN-ACK); 0: unknown. */
static inline gint64
tcpx_health_leg(const hstream_t *hs, int d)
{
    gint64 leg = d == 0 ? hs->hs_ack_ts - hs->synack_ts : hs->synack_ts - hs->syn_ts;
    return hs->pub.syn && hs->pub.synack && hs->pub.hs_ack && leg > 0 ? leg : 0;
}

/* A cluster of lost segments (one recovery) is a burst when it is large, or when one of its holes lost
 * consecutive segments: losses independent of each other at a rate p take the next segment too only with
 * probability p, a full queue or a link down for a moment often does. */
static inline gboolean
tcpx_health_cluster_burst(const tcpx_health_prefs_t *p, guint32 segs, guint32 run)
{
    return segs >= p->burst_min_events || run >= 2;
}

/* The endpoint ("10.0.0.2:80", "[2001:db8::2]:80") is on the host an ICMP came from (its address as text). */
static inline gboolean
tcpx_health_endpoint_on(const char *endpoint, const char *host)
{
    size_t n = host ? strlen(host) : 0;
    if (!endpoint || n == 0)
        return FALSE;
    if (endpoint[0] == '[')
        return strncmp(endpoint + 1, host, n) == 0 && endpoint[n + 1] == ']';
    return strncmp(endpoint, host, n) == 0 && endpoint[n] == ':';
}

/* The stream's state, or NULL (tcpx_health.c): inline, it runs for every record. */
static inline hstream_t *
tcpx_health_find(const tcpx_health_t *h, guint32 stream)
{
    hstream_t *hs = stream < h->by_id->len ? (hstream_t *)g_ptr_array_index(h->by_id, stream) : NULL;
    if (!hs && g_hash_table_size(h->sparse))
        hs = (hstream_t *)g_hash_table_lookup(h->sparse, GUINT_TO_POINTER(stream));
    return hs;
}
/* A new stream for this record's stream id, indexed (tcpx_health.c). */
hstream_t *tcpx_health_new_stream(tcpx_health_t *h, const tcpx_tap_rec_t *rec);

/* Streams judged together: port scans, repeated attempts (tcpx_health_groups.c). */
void tcpx_health_group(tcpx_health_t *h);
void tcpx_health_group_sentence(const tcpx_health_t *h, const tcpx_health_stream_t *lead, GString *out);
const char *tcpx_health_group_template(guint i);
void tcpx_health_group_render(GString *out, const char *tmpl, const tcpx_health_stream_t *first);

/* A connection that never got a SYN-ACK: its verdict, or FALSE when it did get one (tcpx_health_unanswered.c). */
gboolean tcpx_health_judge_unanswered(tcpx_health_t *h, hstream_t *hs);

/* Judge one stream (tcpx_health_judge.c). */
void tcpx_health_judge_stream(tcpx_health_t *h, hstream_t *hs);

/* Time from a to b, never negative, at most TCPX_MAX_RTT_NS x 1440 (10 days). */
static inline gint64
tcpx_health_span(gint64 a, gint64 b)
{
    gint64 d = b - a;
    return CLAMP(d, 0, TCPX_MAX_RTT_NS * 1440);
}

/* The RTT the rules compare against: the iRTT, else the larger of the two minimum
 * ACK RTTs (the smaller one is the near side's delay only); 0 unknown. */
static inline gint64
tcpx_health_rtt_ref(const tcpx_health_stream_t *s)
{
    gint64 r = 0;
    if (s->irtt_ns > 0)
        return s->irtt_ns;
    if (s->rtt_n[0])
        r = s->rtt_min_ns[0];
    if (s->rtt_n[1] && s->rtt_min_ns[1] > r)
        r = s->rtt_min_ns[1];
    return r;
}

/* ---- words (tcpx_health_words.c) ---- */

/* The figures an issue's sentence cites beyond the stream's summary. */
typedef struct {
    int side;          /* the side at fault: 0 client, 1 server */
    guint32 loss_data; /* loss retransmissions carrying data */
    guint32 loss_retx; /* all loss retransmissions (SYN/FIN included) */
    gboolean closing;  /* the reset came after one FIN */
    gint64 span_ns;    /* connection lost: first send to last retry; connect delayed: connect time */
} tcpx_health_evidence_t;

/* Every stream sentence, by role; tcpx_health_words.c holds their templates. */
typedef enum {
    /* verdicts, one per issue (and variant) */
    TCPX_HW_REFUSED,
    TCPX_HW_REFUSED_UNDETERMINED,
    TCPX_HW_RESET_FORGED,
    TCPX_HW_SYN_UNANSWERED,
    TCPX_HW_SYN_GIVEN_UP,
    TCPX_HW_SYN_CAPTURE_ENDED,
    TCPX_HW_UNREACH_NET,
    TCPX_HW_UNREACH_HOST,
    TCPX_HW_UNREACH_FILTER_PATH,
    TCPX_HW_UNREACH_FILTER_HOST,
    TCPX_HW_UNREACH_OTHER,
    TCPX_HW_LOST_HOST_UNREACH,
    TCPX_HW_LOST_NET_UNREACH,
    TCPX_HW_LOST_REJECTED,
    TCPX_HW_LOSS_DATA,
    TCPX_HW_LOSS_SYN_FIN,
    TCPX_HW_CONNECTION_LOST,
    TCPX_HW_CONNECT_DELAYED,
    TCPX_HW_NOT_READING,
    TCPX_HW_SLOW_TO_READ,
    TCPX_HW_SERVER_APP_SLOW,
    TCPX_HW_SERVER_SLOW,
    TCPX_HW_RESET,
    TCPX_HW_RESET_MIDSTREAM,
    TCPX_HW_CAPTURE_MISSED,
    TCPX_HW_CAPTURE_DUPS,
    TCPX_HW_CAPTURE_ALL_TWICE,
    TCPX_HW_DELAY_SPIKE,
    TCPX_HW_ACK_HELD,
    TCPX_HW_ACK_HELD_OR_DROPPED,
    TCPX_HW_ACK_LOST,
    TCPX_HW_ACK_SILENCE,
    TCPX_HW_SILENCE,
    TCPX_HW_PMTU_BLACKHOLE,
    TCPX_HW_TIMER_LONG,
    TCPX_HW_SACK_IGNORED,
    TCPX_HW_BEYOND_WINDOW,
    TCPX_HW_QUEUE,
    TCPX_HW_NAGLE,
    TCPX_HW_PMTU_HANDLED,
    TCPX_HW_PMTU_NO_RESEND,
    /* completeness: one per tcpx_done_t, in its order */
    TCPX_HW_DONE,
    TCPX_HW_DONE_LAST = TCPX_HW_DONE + TCPX_DONE_MIDSTREAM,
    /* how the connection ended ({end} in the completeness texts) */
    TCPX_HW_END_RESET,
    TCPX_HW_END_FIN_BOTH,
    TCPX_HW_END_FIN_ONE,
    TCPX_HW_END_OPEN,
    /* the paragraph of an unhealthy stream: its heading, then its sentences in this order */
    TCPX_HW_PARA_HEAD,
    TCPX_HW_PARA_VERDICT,
    TCPX_HW_PARA_RETRANSMISSIONS,
    TCPX_HW_PARA_LOSS_BURSTS,
    TCPX_HW_PARA_LOSS_SCATTERED,
    TCPX_HW_PARA_LOSS_ISOLATED,
    TCPX_HW_PARA_ZERO_WINDOW,
    TCPX_HW_PARA_WINDOW_FULL,
    TCPX_HW_PARA_LIMITS,
    TCPX_HW_PARA_RESPONSE,
    TCPX_HW_PARA_RESETS,
    TCPX_HW_PARA_REORDERED,
    TCPX_HW_PARA_REFUSALS,
    TCPX_HW_PARA_NOT_CAPTURED,
    TCPX_HW_PARA_DUPLICATES,
    TCPX_HW_PARA_PMTU,
    TCPX_HW_PARA_CONNECTION,
    TCPX_HW_PARA_RTT,
    TCPX_HW_PARA_POSITION,
    TCPX_HW_N
} tcpx_health_words_t;

/* The template of a sentence; the variable that must be known for it to be said (NULL: always). */
/* tcpx_health_derive.c: the derived figures of a stream, from its totals (first step of judging). */
void tcpx_health_derive(tcpx_health_t *h, hstream_t *hs);
/* Renders sentence w into buf (len bytes, truncated as g_snprintf would). */
void tcpx_health_words_into(tcpx_health_t *h, char *buf, gsize len, tcpx_health_words_t w,
                            const tcpx_health_stream_t *s, const tcpx_health_evidence_t *ev);
const char *tcpx_health_template(tcpx_health_words_t w);
const char *tcpx_health_template_when(tcpx_health_words_t w);
/* The table of the variables stream templates read, and what they read: the stream, and
 * the evidence (NULL outside verdicts). */
extern const tcpx_vars_t tcpx_health_vars;
typedef struct {
    const tcpx_health_stream_t *s;
    const tcpx_health_evidence_t *ev;
} tcpx_health_words_ctx_t;
/* Appends sentence w rendered for stream s (ev: NULL when none), if its `when` is known. */
void tcpx_health_words(GString *out, tcpx_health_words_t w, const tcpx_health_stream_t *s,
                       const tcpx_health_evidence_t *ev);

/* The {lim_*} variables (tcpx_health_limits.c). */
gboolean tcpx_health_lim_side(GString *o, const tcpx_var_t *v, const void *c);
gboolean tcpx_health_pmtu_sender(GString *o, const tcpx_var_t *v, const void *c);
gboolean tcpx_health_pmtu_aside(GString *o, const tcpx_var_t *v, const void *c);
gboolean tcpx_health_unreach_label(GString *o, const tcpx_var_t *v, const void *c);
gboolean tcpx_health_lim_share(GString *o, const tcpx_var_t *v, const void *c);
gboolean tcpx_health_lim_idle(GString *o, const tcpx_var_t *v, const void *c);
/* {queue_sender} (tcpx_health_queue.c). */
gboolean tcpx_health_queue_sender(GString *o, const tcpx_var_t *v, const void *c);
gboolean tcpx_health_lim_recovery_time(GString *o, const tcpx_var_t *v, const void *c);
gboolean tcpx_health_lim_timeline(GString *o, const tcpx_var_t *v, const void *c);
gboolean tcpx_health_lim_queue(GString *o, const tcpx_var_t *v, const void *c);

/* "client" (side 0) or "server". */
const char *tcpx_health_side_name(int side);
/* ns as seconds with three decimals, as "%.3f" prints them, into buf. */
char *tcpx_health_secs_text(gint64 ns, char *buf, gsize len);
/* Append text word-wrapped at 78 columns, each line indented by `indent`. */
void tcpx_health_append_wrapped(GString *out, const char *text, int indent);
/* The one copy of `text` the streams share: it lives as long as h. */
const char *tcpx_health_shared_text(tcpx_health_t *h, const char *text);
/* Set a string the stream owns to (at most max - 1 bytes of) text. */
void tcpx_health_set_text(char **field, const char *text, gsize max);
/* Hand what `out` holds to the sink, if there is one and it holds enough to be worth a write. */
void tcpx_health_drain(const tcpx_health_t *h, GString *out);

/* tcpx_health_queue.c: a queue on the path from the ACK RTTs' sustained level (pub.queue_*). */
void tcpx_health_derive_queue(hstream_t *hs);
void tcpx_health_derive_loss_cause(hstream_t *hs);
void tcpx_health_derive_limits(hstream_t *hs);
void tcpx_health_limits_release(tcpx_limits_acc_t *a);

#endif
