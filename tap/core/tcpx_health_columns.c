/* tcpx_health_columns.c: the one list of what is shown of a stream's health
 * (see tcpx_health_columns.h); the GUI's cells are in tcpx_health_gui.c.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>
#include "tcpx_health_columns.h"
#include "tcpx_units.h"

typedef const tcpx_health_stream_t hs_t;
typedef tcpx_health_value_t hv_t;

static void
set_count(hv_t *v, guint64 x)
{
    v->known = TRUE;
    v->v.count = x;
}

static void
set_num(hv_t *v, gboolean known, gint64 x)
{
    v->known = known;
    v->v.num = x;
}

static void
set_text(hv_t *v, const char *text)
{
    /* v is always tcpx_health_column_get()'s value; the analyzer loses that through the getter table */
    v->known = text != NULL; // NOLINT(clang-analyzer-core.NullDereference)
    v->v.text = text;
}

/* Who did something, from the client's and the server's share. */
static const char *
side_word(gint64 client, gint64 server)
{
    return client > 0 && server > 0 ? "both" : client > 0 ? "client" : server > 0 ? "server" : "none";
}

/* The getters, in the list's order. */
static void
get_stream(hs_t *s, hv_t *v)
{
    set_count(v, s->stream);
}
static void
get_client(hs_t *s, hv_t *v)
{
    set_text(v, s->client);
}
static void
get_server(hs_t *s, hv_t *v)
{
    set_text(v, s->server);
}
static void
get_roles_guessed(hs_t *s, hv_t *v)
{
    v->known = TRUE;
    v->v.flag = s->roles_guessed;
}
static void
get_packets_c2s(hs_t *s, hv_t *v)
{
    set_count(v, s->packets[TCPX_C2S]);
}
static void
get_packets_s2c(hs_t *s, hv_t *v)
{
    set_count(v, s->packets[TCPX_S2C]);
}
static void
get_bytes_c2s(hs_t *s, hv_t *v)
{
    set_count(v, s->bytes[TCPX_C2S]);
}
static void
get_bytes_s2c(hs_t *s, hv_t *v)
{
    set_count(v, s->bytes[TCPX_S2C]);
}
static void
get_first_time(hs_t *s, hv_t *v)
{
    set_num(v, TRUE, s->first_ts);
}
static void
get_last_time(hs_t *s, hv_t *v)
{
    set_num(v, TRUE, s->last_ts);
}
static void
get_duration(hs_t *s, hv_t *v)
{
    set_num(v, TRUE, s->duration_ns);
}
static void
get_irtt(hs_t *s, hv_t *v)
{
    set_num(v, s->irtt_ns > 0, s->irtt_ns);
}
static void
get_rtt_c2s_min(hs_t *s, hv_t *v)
{
    set_num(v, s->rtt_n[0] > 0, s->rtt_min_ns[0]);
}
static void
get_rtt_c2s_avg(hs_t *s, hv_t *v)
{
    set_num(v, s->rtt_n[0] > 0, s->rtt_n[0] ? s->rtt_sum_ns[0] / s->rtt_n[0] : 0);
}
static void
get_rtt_c2s_max(hs_t *s, hv_t *v)
{
    set_num(v, s->rtt_n[0] > 0, s->rtt_max_ns[0]);
}
static void
get_rtt_s2c_min(hs_t *s, hv_t *v)
{
    set_num(v, s->rtt_n[1] > 0, s->rtt_min_ns[1]);
}
static void
get_rtt_s2c_avg(hs_t *s, hv_t *v)
{
    set_num(v, s->rtt_n[1] > 0, s->rtt_n[1] ? s->rtt_sum_ns[1] / s->rtt_n[1] : 0);
}
static void
get_rtt_s2c_max(hs_t *s, hv_t *v)
{
    set_num(v, s->rtt_n[1] > 0, s->rtt_max_ns[1]);
}
static void
get_app_responses(hs_t *s, hv_t *v)
{
    set_count(v, s->resp_n);
}
static void
get_resp_max(hs_t *s, hv_t *v)
{
    set_num(v, s->resp_n > 0 && s->resp_max_ns >= 0, s->resp_max_ns);
}
static void
get_resp_avg(hs_t *s, hv_t *v)
{
    set_num(v, s->resp_n > 0, s->resp_n ? s->resp_sum_ns / s->resp_n : 0);
}
static void
get_resp_max_ack(hs_t *s, hv_t *v)
{
    set_num(v, s->resp_n > 0 && s->resp_max_ack_ns >= 0, s->resp_max_ack_ns);
}
static void
get_anomalies(hs_t *s, hv_t *v)
{
    v->known = TRUE;
    v->v.counts = s->anomalies;
}
static void
get_data_segments(hs_t *s, hv_t *v)
{
    set_count(v, s->data_segments);
}
static void
get_retx_records(hs_t *s, hv_t *v)
{
    set_count(v, s->retx_records);
}
static void
get_retx_segments(hs_t *s, hv_t *v)
{
    set_count(v, s->retx_segments);
}
static void
get_retx_bytes(hs_t *s, hv_t *v)
{
    set_count(v, s->retx_bytes);
}
static void
get_retx_rate(hs_t *s, hv_t *v)
{
    v->known = s->judged;
    v->v.real = s->retx_rate * 100.0;
}
static void
get_lost_bytes(hs_t *s, hv_t *v)
{
    set_count(v, s->lost_bytes);
}
static void
get_lost_segments(hs_t *s, hv_t *v)
{
    set_count(v, s->lost_segments);
}
static void
get_capture_gaps(hs_t *s, hv_t *v)
{
    set_count(v, s->capture_gaps);
}
static void
get_reordered(hs_t *s, hv_t *v)
{
    set_count(v, s->reordered);
}
static void
get_acked_unseen(hs_t *s, hv_t *v)
{
    set_count(v, s->acked_unseen);
}
static void
get_capture_dups(hs_t *s, hv_t *v)
{
    set_count(v, s->capture_dups);
}
static void
get_zw(hs_t *s, hv_t *v)
{
    set_num(v, TRUE, s->zero_window_ns[0] + s->zero_window_ns[1]);
}
static void
get_zw_client(hs_t *s, hv_t *v)
{
    set_num(v, TRUE, s->zero_window_ns[0]);
}
static void
get_zw_server(hs_t *s, hv_t *v)
{
    set_num(v, TRUE, s->zero_window_ns[1]);
}
static void
get_zw_by(hs_t *s, hv_t *v)
{
    set_text(v, side_word(s->zero_window_ns[0], s->zero_window_ns[1]));
}
static void
get_keepalives(hs_t *s, hv_t *v)
{
    set_count(v, (guint64)s->keepalives[0] + s->keepalives[1]);
}
static void
get_resets(hs_t *s, hv_t *v)
{
    set_count(v, (guint64)s->resets[0] + s->resets[1]);
}
static void
get_resets_client(hs_t *s, hv_t *v)
{
    set_count(v, s->resets[0]);
}
static void
get_resets_server(hs_t *s, hv_t *v)
{
    set_count(v, s->resets[1]);
}
static void
get_resets_pair(hs_t *s, hv_t *v)
{
    v->known = TRUE;
    v->v.pair[0] = s->resets[0];
    v->v.pair[1] = s->resets[1];
}
static void
get_reset_by(hs_t *s, hv_t *v)
{
    set_text(v, side_word(s->resets[0], s->resets[1]));
}
static void
get_refusals(hs_t *s, hv_t *v)
{
    set_count(v, s->refusals);
}
/* A number known only when its event happened (null in the JSON otherwise). */
#define GET_WHEN(name, when, value)    \
    static void name(hs_t *s, hv_t *v) \
    {                                  \
        set_num(v, (when), (value));   \
    }
GET_WHEN(get_queue_base, s->queue_dir >= 0, s->queue_base_ns)
GET_WHEN(get_queue_peak, s->queue_dir >= 0, s->queue_peak_ns)
GET_WHEN(get_queue_rate, s->queue_dir >= 0, (gint64)s->queue_rate_bps)
GET_WHEN(get_sacked_resent, s->sacked_resent > 0, s->sacked_resent_bytes)
GET_WHEN(get_beyond, s->beyond_segments > 0, s->beyond_bytes)
GET_WHEN(get_unreach_icmps, s->unreach_icmps > 0, s->unreach_icmps)
GET_WHEN(get_unreach_frame, s->unreach_icmps > 0, s->unreach_frame)
GET_WHEN(get_nagle_lost, s->nagle_stalls > 0, s->nagle_lost_ns)
GET_WHEN(get_nagle_stalls, s->nagle_stalls > 0, s->nagle_stalls)
GET_WHEN(get_rto_long, s->timer_long_retx > 0, s->timer_long_ns)
GET_WHEN(get_ack_lost_resends, s->ack_lost_resends > 0, s->ack_lost_resends)
GET_WHEN(get_ack_lost_wait, s->ack_lost_resends > 0, s->ack_lost_wait_ns)
GET_WHEN(get_ack_silence_resends, s->ack_silence_resends > 0, s->ack_silence_resends)
GET_WHEN(get_ack_silence, s->ack_silence_resends > 0, s->ack_silence_ns)
GET_WHEN(get_ack_silence_lost, s->ack_silence_resends > 0, s->ack_silence_lost)
GET_WHEN(get_silence_resends, s->silence_resends > 0, s->silence_resends)
GET_WHEN(get_silence, s->silence_resends > 0, s->silence_ns)
GET_WHEN(get_ack_held_resends, s->ack_held_resends > 0, s->ack_held_resends)
GET_WHEN(get_ack_held, s->ack_held_resends > 0, s->ack_held_ns)
GET_WHEN(get_ack_held_dsacked, s->ack_held_resends > 0, s->ack_held_dsacked)
static void
get_history(hs_t *s, hv_t *v)
{
    set_text(v, s->history);
}
static void
get_completeness(hs_t *s, hv_t *v)
{
    set_text(v, s->done_text);
}
static void
get_completeness_code(hs_t *s, hv_t *v)
{
    set_text(v, tcpx_health_done_name(s->done));
}
static void
get_mss_client(hs_t *s, hv_t *v)
{
    set_count(v, s->mss[0]);
    v->known = s->options_known && s->mss[0];
}
static void
get_mss_server(hs_t *s, hv_t *v)
{
    set_count(v, s->mss[1]);
    v->known = s->options_known && s->mss[1];
}
static void
get_ws_client(hs_t *s, hv_t *v)
{
    set_num(v, s->options_known && s->wscale[0] >= 0, s->wscale[0]);
}
static void
get_ws_server(hs_t *s, hv_t *v)
{
    set_num(v, s->options_known && s->wscale[1] >= 0, s->wscale[1]);
}
static void
get_sack(hs_t *s, hv_t *v)
{
    v->known = TRUE;
    v->v.flag = s->sack;
}
static void
get_ecn(hs_t *s, hv_t *v)
{
    v->known = TRUE;
    v->v.flag = s->ecn;
}
static void
get_position(hs_t *s, hv_t *v)
{
    v->known = TRUE;
    v->v.position = s->position;
}
static void
get_loss_cause(hs_t *s, hv_t *v)
{
    set_text(v, s->judged ? tcpx_health_loss_cause_name(s->loss_cause) : NULL);
}
static void
get_loss_pattern(hs_t *s, hv_t *v)
{
    set_text(v, s->judged ? tcpx_health_loss_pattern_name(s->loss_pattern) : NULL);
}
static void
get_loss_events(hs_t *s, hv_t *v)
{
    set_count(v, s->loss_events);
}
static void
get_score(hs_t *s, hv_t *v)
{
    set_num(v, s->judged, s->score);
}
static void
get_fault(hs_t *s, hv_t *v)
{
    set_text(v, s->judged ? tcpx_health_fault_name(s->fault) : NULL);
}
static void
get_verdict_code(hs_t *s, hv_t *v)
{
    set_text(v, s->verdict_code);
}
static void
get_verdict(hs_t *s, hv_t *v)
{
    set_text(v, s->verdict);
}
static void
get_details(hs_t *s, hv_t *v)
{
    set_text(v, s->judged ? s->verdict : TCPX_HEALTH_ANALYSIS_OFF_TEXT);
}

/* The GUI's short verdict: the code in words ("network loss"). */
static void
get_verdict_short(hs_t *s, hv_t *v)
{
    if (!s->judged) {
        set_text(v, "not judged: TCP analysis off");
        return;
    }
    g_strlcpy(v->buf, s->verdict_code ? s->verdict_code : "", sizeof v->buf);
    g_strdelimit(v->buf, "_", ' ');
    set_text(v, v->buf);
}

#define J TCPX_HC_JSON

/* clang-format off */
static const tcpx_health_column_t columns[] = {
    { "stream", TCPX_HU_COUNT, get_stream, J | TCPX_HC_LINK,
      .table = { 1, "Stream", "stream", "Wireshark's tcp.stream" }, .gui = { 2, 0, "Stream" } },
    { "client", TCPX_HU_ENDPOINT, get_client, J | TCPX_HC_GUESS_MARK,
      .table = { 2, "Client", "client", "The side that sent the SYN (guessed from the ports without one)" },
      .gui = { 3, 0, "Client" } },
    { "server", TCPX_HU_ENDPOINT, get_server, J,
      .table = { 3, "Server", "server", NULL }, .gui = { 4, 0, "Server" } },
    { "roles_guessed", TCPX_HU_FLAG, get_roles_guessed, J },
    { "packets_c2s", TCPX_HU_COUNT, get_packets_c2s, J,
      .table = { 4, "Pkts c>s", "pkts_cs", "Packets client to server" }, .gui = { 18, 0, "Packets C\xe2\x86\x92S" } },
    { "packets_s2c", TCPX_HU_COUNT, get_packets_s2c, J,
      .table = { 5, "Pkts s>c", "pkts_sc", "Packets server to client" }, .gui = { 19, 0, "Packets S\xe2\x86\x92" "C" } },
    { "bytes_c2s", TCPX_HU_COUNT, get_bytes_c2s, J,
      .table = { 6, "Bytes c>s", "bytes_cs", "TCP payload bytes client to server" }, .gui = { 20, 0, "Bytes C\xe2\x86\x92S" } },
    { "bytes_s2c", TCPX_HU_COUNT, get_bytes_s2c, J,
      .table = { 7, "Bytes s>c", "bytes_sc", "TCP payload bytes server to client" }, .gui = { 21, 0, "Bytes S\xe2\x86\x92" "C" } },
    { "first_time", TCPX_HU_SECONDS, get_first_time, J },
    { "last_time", TCPX_HU_SECONDS, get_last_time, J },
    { "duration_s", TCPX_HU_SECONDS, get_duration, J,
      .table = { 8, "Dur s", "duration", "Duration in seconds" }, .gui = { 22, 10, "Duration (s)" } },
    { "irtt_ms", TCPX_HU_MS, get_irtt, J,
      .table = { 9, "iRTT ms", "irtt", "Round-trip time of the handshake" }, .gui = { 9, 10, "iRTT (ms)" } },
    { "ack_rtt_c2s_min_ms", TCPX_HU_MS, get_rtt_c2s_min, J },
    { "ack_rtt_c2s_avg_ms", TCPX_HU_MS, get_rtt_c2s_avg, J },
    { "ack_rtt_c2s_max_ms", TCPX_HU_MS, get_rtt_c2s_max, J },
    { "ack_rtt_s2c_min_ms", TCPX_HU_MS, get_rtt_s2c_min, J },
    { "ack_rtt_s2c_avg_ms", TCPX_HU_MS, get_rtt_s2c_avg, J },
    { "ack_rtt_s2c_max_ms", TCPX_HU_MS, get_rtt_s2c_max, J },
    { "app_responses", TCPX_HU_COUNT, get_app_responses, J },
    { "app_response_max_ms", TCPX_HU_MS, get_resp_max, J,
      .table = { 13, "MaxResp ms", "response", "Slowest application answer" }, .gui = { 10, 12, "Max response (ms)" } },
    { "app_response_avg_ms", TCPX_HU_MS, get_resp_avg, J },
    { "app_response_max_ack_ms", TCPX_HU_MS, get_resp_max_ack, J },
    { "anomalies", TCPX_HU_KIND_COUNTS, get_anomalies, J },
    { "data_segments", TCPX_HU_COUNT, get_data_segments, J },
    { "retransmissions", TCPX_HU_COUNT, get_retx_records, J },
    { "retransmitted_segments", TCPX_HU_COUNT, get_retx_segments, J },
    { "retransmitted_bytes", TCPX_HU_COUNT, get_retx_bytes, J, .gui = { 16, 0, "Retx bytes" } },
    { "retransmission_rate_pct", TCPX_HU_PERCENT, get_retx_rate, J,
      .table = { 10, "Retx%", "retx", "Data segments retransmitted because of loss" }, .gui = { 8, 6, "Retx rate (%)" } },
    { "lost_bytes", TCPX_HU_COUNT, get_lost_bytes, J, .gui = { 15, 0, "Not captured (bytes)" } },
    { "lost_segments", TCPX_HU_COUNT, get_lost_segments, J },
    { "capture_gaps", TCPX_HU_COUNT, get_capture_gaps, J },
    { "reordered", TCPX_HU_COUNT, get_reordered, J },
    { "acked_unseen", TCPX_HU_COUNT, get_acked_unseen, J },
    { "capture_duplicates", TCPX_HU_COUNT, get_capture_dups, J },
    { "zero_window_s", TCPX_HU_SECONDS, get_zw, J,
      .table = { 11, "ZeroWin s", "zero_window", "Time a receiver advertised a zero window" },
      .gui = { 11, 10, "Zero window (s)" } },
    { "zero_window_client_s", TCPX_HU_SECONDS, get_zw_client, J },
    { "zero_window_server_s", TCPX_HU_SECONDS, get_zw_server, J },
    { "zero_window_by", TCPX_HU_TEXT, get_zw_by, J },
    { "keepalives", TCPX_HU_COUNT, get_keepalives, J, .gui = { 17, 0, "Keep-alives" } },
    { "resets", TCPX_HU_COUNT, get_resets, J },
    { "resets_client", TCPX_HU_COUNT, get_resets_client, J },
    { "resets_server", TCPX_HU_COUNT, get_resets_server, J },
    { "resets_by_side", TCPX_HU_PAIR, get_resets_pair, 0,
      .table = { 12, "RST c/s", "resets", "Resets sent by the client / the server" }, .gui = { 12, 0, "Resets (C/S)" } },
    { "reset_by", TCPX_HU_TEXT, get_reset_by, J },
    { "refusals", TCPX_HU_COUNT, get_refusals, J },
    { "completeness", TCPX_HU_TEXT, get_completeness, J, .gui = { 7, 0, "Completeness" } },
    { "completeness_code", TCPX_HU_TEXT, get_completeness_code, J,
      .table = { 18, "State", "state", "How the connection ended" } },
    { "mss_client", TCPX_HU_COUNT, get_mss_client, J },
    { "mss_server", TCPX_HU_COUNT, get_mss_server, J },
    { "wscale_client", TCPX_HU_INT, get_ws_client, J },
    { "wscale_server", TCPX_HU_INT, get_ws_server, J },
    { "sack", TCPX_HU_FLAG, get_sack, J },
    { "ecn", TCPX_HU_FLAG, get_ecn, J },
    { "options", TCPX_HU_TEXT, tcpx_health_get_options, 0, .gui = { 23, 0, "Options" } },
    { "capture_position", TCPX_HU_POSITION, get_position, J,
      .table = { 14, "Capture", "capture", "Where the capture was taken" }, .gui = { 14, 0, "Capture" } },
    { "loss_pattern", TCPX_HU_TEXT, get_loss_pattern, J,
      .table = { 15, "Loss", "loss", "Loss pattern" }, .gui = { 13, 0, "Loss pattern" } },
    { "loss_events", TCPX_HU_COUNT, get_loss_events, J },
    { "loss_cause", TCPX_HU_TEXT, get_loss_cause, J },
    { "queue_rtt_least_ms", TCPX_HU_MS, get_queue_base, J },
    { "queue_rtt_peak_ms", TCPX_HU_MS, get_queue_peak, J },
    { "queue_rate_bps", TCPX_HU_COUNT, get_queue_rate, J },
    { "rto_long_s", TCPX_HU_SECONDS, get_rto_long, J },
    { "ack_lost_resends", TCPX_HU_COUNT, get_ack_lost_resends, J },
    { "ack_lost_wait_s", TCPX_HU_SECONDS, get_ack_lost_wait, J },
    { "ack_silence_resends", TCPX_HU_COUNT, get_ack_silence_resends, J },
    { "ack_silence_s", TCPX_HU_SECONDS, get_ack_silence, J },
    { "ack_silence_lost", TCPX_HU_COUNT, get_ack_silence_lost, J },
    { "silence_undetermined_resends", TCPX_HU_COUNT, get_silence_resends, J },
    { "silence_undetermined_s", TCPX_HU_SECONDS, get_silence, J },
    { "ack_held_resends", TCPX_HU_COUNT, get_ack_held_resends, J },
    { "ack_held_dsacked", TCPX_HU_COUNT, get_ack_held_dsacked, J },
    { "ack_held_s", TCPX_HU_SECONDS, get_ack_held, J },
    { "nagle_stalls", TCPX_HU_COUNT, get_nagle_stalls, J },
    { "nagle_lost_s", TCPX_HU_SECONDS, get_nagle_lost, J },
    { "limits_sender", TCPX_HU_TEXT, tcpx_health_get_lim_sender, J },
    { "limits_busy_s", TCPX_HU_SECONDS, tcpx_health_get_lim_busy, J },
    { "limits_rwnd_s", TCPX_HU_SECONDS, tcpx_health_get_lim_rwnd, J },
    { "limits_recovery_s", TCPX_HU_SECONDS, tcpx_health_get_lim_recovery, J },
    { "limits_sending_s", TCPX_HU_SECONDS, tcpx_health_get_lim_sending, J },
    { "limits_idle_s", TCPX_HU_SECONDS, tcpx_health_get_lim_idle, J },
    { "limits_timeline", TCPX_HU_TEXT, tcpx_health_get_lim_timeline, J },
    { "limits_slice_s", TCPX_HU_SECONDS, tcpx_health_get_lim_slice, J },
    { "pmtu_icmps", TCPX_HU_COUNT, tcpx_health_get_pmtu_icmps, J },
    { "pmtu_mtu", TCPX_HU_COUNT, tcpx_health_get_pmtu_mtu, J },
    { "pmtu_frame", TCPX_HU_COUNT, tcpx_health_get_pmtu_frame, J },
    { "pmtu_resend_len", TCPX_HU_COUNT, tcpx_health_get_pmtu_resend_len, J },
    { "sacked_resent_bytes", TCPX_HU_COUNT, get_sacked_resent, J },
    { "beyond_window_bytes", TCPX_HU_COUNT, get_beyond, J },
    { "unreachable_icmps", TCPX_HU_COUNT, get_unreach_icmps, J },
    { "unreachable_frame", TCPX_HU_COUNT, get_unreach_frame, J },
    /* The GUI sorts by its first column on open: the score, worst first.  Its header's
     * leading spaces are what the sort arrow covers (else it reads "core"). */
    { "score", TCPX_HU_INT, get_score, J,
      .table = { 16, "Score", "score", "100 = healthy" }, .gui = { 1, 3, "     Score" } },
    { "fault", TCPX_HU_TEXT, get_fault, J, .table = { 17, "Fault", "fault", "Fault domain" }, .gui = { 5, 0, "Fault" } },
    { "history", TCPX_HU_TEXT, get_history, J,
      .table = { 19, "History", "history", "The connection's story in letters, as Zeek's conn.log history (README)" },
      .gui = { 25, 0, "History" } },
    { "verdict_code", TCPX_HU_TEXT, get_verdict_code, J,
      .table = { 20, "Verdict", "verdict", "The main issue (the paragraphs below say it in words)" } },
    { "verdict_short", TCPX_HU_TEXT, get_verdict_short, 0, .gui = { 6, 0, "Verdict" } },
    { "verdict", TCPX_HU_TEXT, get_verdict, J },
    { "details", TCPX_HU_TEXT, get_details, 0, .gui = { 24, 0, "Details" } },
};
/* clang-format on */

#undef J

const tcpx_health_column_t *
tcpx_health_columns(guint *n)
{
    *n = G_N_ELEMENTS(columns);
    return columns;
}

static const tcpx_health_column_t *table_order[TCPX_HEALTH_TABLE_COLUMNS];
static const tcpx_health_column_t *gui_order[TCPX_HEALTH_GUI_COLUMNS];

/* Both orders from the rows' positions, once. */
static void
build_orders(void)
{
    static gsize done = 0;
    if (!g_once_init_enter(&done))
        return;
    for (guint i = 0; i < G_N_ELEMENTS(columns); i++) {
        const tcpx_health_column_t *c = &columns[i];
        g_assert(c->table.pos <= TCPX_HEALTH_TABLE_COLUMNS && c->gui.pos <= TCPX_HEALTH_GUI_COLUMNS);
        if (c->table.pos)
            table_order[c->table.pos - 1] = c;
        if (c->gui.pos)
            gui_order[c->gui.pos - 1] = c;
    }
    g_once_init_leave(&done, 1);
}

const tcpx_health_column_t *const *
tcpx_health_table_columns(void)
{
    build_orders();
    return table_order;
}

const tcpx_health_column_t *const *
tcpx_health_gui_columns(void)
{
    build_orders();
    return gui_order;
}

void
tcpx_health_column_get(const tcpx_health_column_t *c, const tcpx_health_stream_t *s, tcpx_health_value_t *v)
{
    memset(&v->v, 0, sizeof v->v);
    v->known = FALSE;
    v->buf[0] = '\0';
    c->get(s, v);
}

gboolean
tcpx_health_column_is_text(const tcpx_health_column_t *c)
{
    return c->unit == TCPX_HU_TEXT || c->unit == TCPX_HU_ENDPOINT || c->unit == TCPX_HU_POSITION;
}
