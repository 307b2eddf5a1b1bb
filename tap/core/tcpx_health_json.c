/* tcpx_health_json.c: one JSON object per stream and line (-z tcpx,health,json).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>
#include "tcpx_health.h"
#include "tcpx_health_int.h"
#include "tcpx_text.h"
#include "tcpx_units.h"

/* JSON helpers */
static void
json_key(GString *out, const char *key)
{
    if (out->len && out->str[out->len - 1] != '{')
        g_string_append_c(out, ',');
    tcpx_append_printf(out, "\"%s\":", key);
}

static void
json_str(GString *out, const char *key, const char *v)
{
    const unsigned char *c;
    json_key(out, key);
    if (!v) {
        g_string_append(out, "null");
        return;
    }
    g_string_append_c(out, '"');
    for (c = (const unsigned char *)v; *c; c++) {
        if (*c == '"' || *c == '\\')
            tcpx_append_printf(out, "\\%c", *c);
        else if (*c < 0x20)
            tcpx_append_printf(out, "\\u%04x", *c);
        else
            g_string_append_c(out, (char)*c);
    }
    g_string_append_c(out, '"');
}

static void
json_u64(GString *out, const char *key, guint64 v)
{
    json_key(out, key);
    tcpx_append_printf(out, "%" G_GUINT64_FORMAT, v);
}

static void
json_int(GString *out, const char *key, gint64 v)
{
    json_key(out, key);
    tcpx_append_printf(out, "%" G_GINT64_FORMAT, v);
}

static void
json_double(GString *out, const char *key, double v, const char *fmt)
{
    char b[G_ASCII_DTOSTR_BUF_SIZE];
    json_key(out, key);
    g_string_append(out, g_ascii_formatd(b, sizeof b, fmt, v));
}

/* ns as milliseconds with 3 decimals; null when unknown (ns < 0 or !known) */
static void
json_ms(GString *out, const char *key, gint64 ns, gboolean known)
{
    if (!known || ns < 0) {
        json_key(out, key);
        g_string_append(out, "null");
    } else {
        json_double(out, key, (double)ns / NS_PER_MS, "%.3f");
    }
}

static void
json_bool(GString *out, const char *key, gboolean v)
{
    json_key(out, key);
    g_string_append(out, v ? "true" : "false");
}

static void
json_side(GString *out, const char *key, gint64 c, gint64 s)
{
    json_str(out, key, c > 0 && s > 0 ? "both" : c > 0 ? "client" : s > 0 ? "server" : "none");
}

void
tcpx_health_render_json_line(const tcpx_health_stream_t *s, GString *out)
{
    GString *j = g_string_new("{");
    static const char *dir[2] = { "c2s", "s2c" };
    char key[64];
    guint k;
    int d;

    json_u64(j, "stream", s->stream);
    json_str(j, "client", s->client);
    json_str(j, "server", s->server);
    json_bool(j, "roles_guessed", s->roles_guessed);
    json_u64(j, "packets_c2s", s->packets[0]);
    json_u64(j, "packets_s2c", s->packets[1]);
    json_u64(j, "bytes_c2s", s->bytes[0]);
    json_u64(j, "bytes_s2c", s->bytes[1]);
    json_double(j, "first_time", (double)s->first_ts / NS_PER_S, "%.6f");
    json_double(j, "last_time", (double)s->last_ts / NS_PER_S, "%.6f");
    json_double(j, "duration_s", (double)s->duration_ns / NS_PER_S, "%.6f");
    json_ms(j, "irtt_ms", s->irtt_ns, s->irtt_ns > 0);
    for (d = 0; d < 2; d++) {
        g_snprintf(key, sizeof key, "ack_rtt_%s_min_ms", dir[d]);
        json_ms(j, key, s->rtt_min_ns[d], s->rtt_n[d] > 0);
        g_snprintf(key, sizeof key, "ack_rtt_%s_avg_ms", dir[d]);
        json_ms(j, key, s->rtt_n[d] ? s->rtt_sum_ns[d] / s->rtt_n[d] : 0, s->rtt_n[d] > 0);
        g_snprintf(key, sizeof key, "ack_rtt_%s_max_ms", dir[d]);
        json_ms(j, key, s->rtt_max_ns[d], s->rtt_n[d] > 0);
    }
    json_u64(j, "app_responses", s->resp_n);
    json_ms(j, "app_response_max_ms", s->resp_max_ns, s->resp_n > 0);
    json_ms(j, "app_response_avg_ms", s->resp_n ? s->resp_sum_ns / s->resp_n : 0, s->resp_n > 0);
    json_ms(j, "app_response_max_ack_ms", s->resp_max_ack_ns, s->resp_n > 0);
    json_key(j, "anomalies");
    g_string_append_c(j, '{');
    for (k = 0; k < TCPX_K_N_ANOMALIES; k++)
        json_u64(j, tcpx_health_kind_key(k), s->anomalies[k]);
    g_string_append_c(j, '}');
    json_u64(j, "data_segments", s->data_segments);
    json_u64(j, "retransmissions", s->retx_records);
    json_u64(j, "retransmitted_segments", s->retx_segments);
    json_u64(j, "retransmitted_bytes", s->retx_bytes);
    if (s->judged)
        json_double(j, "retransmission_rate_pct", s->retx_rate * 100.0, "%.3f");
    else
        json_str(j, "retransmission_rate_pct", NULL);
    json_u64(j, "lost_bytes", s->lost_bytes);
    json_u64(j, "lost_segments", s->lost_segments);
    json_u64(j, "capture_gaps", s->capture_gaps);
    json_u64(j, "reordered", s->reordered);
    json_u64(j, "acked_unseen", s->acked_unseen);
    json_u64(j, "capture_duplicates", s->capture_dups);
    json_double(j, "zero_window_s", (double)(s->zero_window_ns[0] + s->zero_window_ns[1]) / NS_PER_S, "%.6f");
    json_double(j, "zero_window_client_s", (double)s->zero_window_ns[0] / NS_PER_S, "%.6f");
    json_double(j, "zero_window_server_s", (double)s->zero_window_ns[1] / NS_PER_S, "%.6f");
    json_side(j, "zero_window_by", s->zero_window_ns[0], s->zero_window_ns[1]);
    json_u64(j, "keepalives", (guint64)s->keepalives[0] + s->keepalives[1]);
    json_u64(j, "resets", (guint64)s->resets[0] + s->resets[1]);
    json_u64(j, "resets_client", s->resets[0]);
    json_u64(j, "resets_server", s->resets[1]);
    json_side(j, "reset_by", s->resets[0], s->resets[1]);
    json_u64(j, "refusals", s->refusals);
    json_str(j, "completeness", s->done_text);
    json_str(j, "completeness_code", tcpx_health_done_name(s->done));
    if (s->options_known && s->mss[0]) json_u64(j, "mss_client", s->mss[0]); else json_str(j, "mss_client", NULL);
    if (s->options_known && s->mss[1]) json_u64(j, "mss_server", s->mss[1]); else json_str(j, "mss_server", NULL);
    if (s->options_known && s->wscale[0] >= 0) json_int(j, "wscale_client", s->wscale[0]); else json_str(j, "wscale_client", NULL);
    if (s->options_known && s->wscale[1] >= 0) json_int(j, "wscale_server", s->wscale[1]); else json_str(j, "wscale_server", NULL);
    json_bool(j, "sack", s->sack);
    json_bool(j, "ecn", s->ecn);
    json_str(j, "capture_position", tcpx_position_name(s->position));
    json_str(j, "loss_pattern", s->judged ? tcpx_health_loss_pattern_name(s->loss_pattern) : NULL);
    json_u64(j, "loss_events", s->loss_events);
    if (s->judged)
        json_int(j, "score", s->score);
    else
        json_str(j, "score", NULL);
    json_str(j, "fault", s->judged ? tcpx_health_fault_name(s->fault) : NULL);
    json_str(j, "verdict_code", s->verdict_code);
    json_str(j, "verdict", s->verdict);
    g_string_append(j, "}\n");
    g_string_append(out, j->str);
    g_string_free(j, TRUE);
}

void
tcpx_health_render_json(const tcpx_health_t *h, GString *out)
{
    guint i;
    if (tcpx_health_analysis_off(h)) {
        /* One top-level object first: nothing below is judged. */
        GString *j = g_string_new("{");
        json_str(j, "tcpx_not_judged", "tcp_analysis_off");
        json_str(j, "message", TCPX_HEALTH_ANALYSIS_OFF_TEXT);
        g_string_append(j, "}\n");
        g_string_append(out, j->str);
        g_string_free(j, TRUE);
    }
    for (i = 0; i < tcpx_health_count(h); i++)
        tcpx_health_render_json_line(tcpx_health_nth(h, i), out);
}
