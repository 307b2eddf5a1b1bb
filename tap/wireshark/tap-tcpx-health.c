/* tap-tcpx-health.c: stream-health listeners on the "tcpx" tap (epan glue).
 *
 * Three consumers of the records the tcpx post-dissector queues on its tap:
 *
 *   -z tcpx,health[,json][,FILTER]   (tshark; also -z tcpx,json[,FILTER])
 *       the per-stream table, then a paragraph per unhealthy stream, worst
 *       first; with "json", one JSON object per stream and line instead.
 *   Statistics > TCPX Stream Health  (Qt; -z tcpx,table[,FILTER] in tshark)
 *   Statistics > TCPX Anomalies      (Qt; -z tcpx,anomalies[,FILTER] in tshark)
 *       stat_tap_tables, group REGISTER_PACKET_STAT_GROUP_UNSORTED, which the
 *       Qt main window (4.0 to 4.6) lists together, alphabetically, in one
 *       block of the Statistics menu.
 *   -z tcpx,tree[,FILTER]            (tshark)
 *       stats_tree of the anomaly counts per kind, per severity and per stream;
 *       registered without the plugin flag, so not in the GUI's menu (its
 *       plugin trees go last, apart from the tables above).
 *
 * With TCP's sequence analysis off (tcp.analyze_sequence_numbers) nothing is
 * judged, and every output says so (tcpx_health_analysis_off()).
 *
 * All judgement lives in tcpx_health.c; this file forwards and prints.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <epan/packet.h>
#include <epan/prefs.h>
#include <epan/tap.h>
#include <epan/stat_tap_ui.h>
#include <epan/stats_tree.h>

#include "tap-tcpx-health.h"
#include "tcpx_health.h"
#include "tcpx_explain.h"
#include "tcpx_ws_compat.h"
#include "tcpx_ws_tcp.h"

/* ---------------------------------------------------------------------- */
/* Preferences */

static tcpx_health_prefs_t health_prefs;
static gboolean health_prefs_ready = FALSE;

static void
health_prefs_init(void)
{
    if (!health_prefs_ready) {
        tcpx_health_prefs_default(&health_prefs);
        health_prefs_ready = TRUE;
    }
}

void
tcpx_health_register_prefs(module_t *m)
{
    health_prefs_init();
    if (!m)
        return;
    prefs_register_static_text_preference(m, "health_info",
        "Stream health (Statistics > TCPX Stream Health, tshark -z tcpx,health): "
        "the score starts at 100 and loses the weights below.",
        "How tcpx judges the health of each TCP stream.");
    prefs_register_uint_preference(m, "health_slow_factor", "Slow response: RTT factor",
        "An application answer slower than this many round-trip times (and slower than the "
        "minimum below) is a slow response.", 10, &health_prefs.slow_factor);
    prefs_register_uint_preference(m, "health_slow_min_ms", "Slow response: minimum (ms)",
        "An application answer is only slow if it also took longer than this many milliseconds.",
        10, &health_prefs.slow_min_ms);
    prefs_register_uint_preference(m, "health_ack_fast_ms", "Request ACKed at once within (ms)",
        "The server's TCP acknowledged a request \"at once\" if it did so within the larger of "
        "4 RTTs and this many milliseconds: then a slow answer is the application's fault.",
        10, &health_prefs.ack_fast_ms);
    prefs_register_uint_preference(m, "health_loss_mid_pct", "Loss band: moderate (%)",
        "A retransmission rate (retransmitted data segments / data segments) at or above this "
        "percentage is moderate loss.", 10, &health_prefs.loss_mid_pct);
    prefs_register_uint_preference(m, "health_loss_high_pct", "Loss band: high (%)",
        "A retransmission rate at or above this percentage is high loss.",
        10, &health_prefs.loss_high_pct);
    prefs_register_uint_preference(m, "health_zero_window_long_ms", "Long zero window (ms)",
        "Zero-window time at or above this (or 10% of the stream's duration) is serious.",
        10, &health_prefs.zero_window_long_ms);
    prefs_register_uint_preference(m, "health_burst_rtts", "Loss burst: window (RTTs)",
        "Loss events at most this many RTTs apart belong to the same burst.",
        10, &health_prefs.burst_rtts);
    prefs_register_uint_preference(m, "health_burst_min_events", "Loss burst: minimum events",
        "A cluster of at least this many loss events is a burst (buffer overflow); isolated "
        "losses are scattered (lossy link).", 10, &health_prefs.burst_min_events);
    prefs_register_uint_preference(m, "health_w_loss_low", "Score weight: some loss",
        "Points taken off for any retransmission below the moderate band.",
        10, &health_prefs.w_loss_low);
    prefs_register_uint_preference(m, "health_w_loss_mid", "Score weight: moderate loss",
        "Points taken off for a retransmission rate in the moderate band.",
        10, &health_prefs.w_loss_mid);
    prefs_register_uint_preference(m, "health_w_loss_high", "Score weight: high loss",
        "Points taken off for a retransmission rate in the high band.",
        10, &health_prefs.w_loss_high);
    prefs_register_uint_preference(m, "health_w_zero_window", "Score weight: zero window",
        "Points taken off when a receiver's application stops reading (long zero window); a "
        "third of it for a short zero window or a full window.", 10, &health_prefs.w_zero_window);
    prefs_register_uint_preference(m, "health_w_reset", "Score weight: reset",
        "Points taken off for a reset before the connection was closed (a third if one FIN was "
        "already sent).", 10, &health_prefs.w_reset);
    prefs_register_uint_preference(m, "health_w_slow", "Score weight: slow server",
        "Points taken off for a slow application response.", 10, &health_prefs.w_slow);
    prefs_register_uint_preference(m, "health_w_capture", "Score weight: capture problems",
        "Points taken off for packets the capture missed or duplicated (not a network problem).",
        10, &health_prefs.w_capture);
    prefs_register_uint_preference(m, "health_refused_score", "Score of a refused connection",
        "The score of a connection refused with a reset or whose SYN was never answered.",
        10, &health_prefs.refused_score);
}

static tcpx_health_t *
health_new(void)
{
    health_prefs_init();
    return tcpx_health_new(&health_prefs);
}

/* ---------------------------------------------------------------------- */
/* -z tcpx,health[,json][,FILTER] and -z tcpx,json[,FILTER] */

typedef struct {
    tcpx_health_t *h;
    gboolean json;
    char *filter;
} cli_health_t;

static void
cli_reset(void *tapdata)
{
    cli_health_t *c = (cli_health_t *)tapdata;
    tcpx_health_reset(c->h);
}

static tap_packet_status
cli_packet(void *tapdata, packet_info *pinfo _U_, epan_dissect_t *edt _U_, const void *data,
           tap_flags_t flags _U_)
{
    cli_health_t *c = (cli_health_t *)tapdata;
    if (!data)
        return TAP_PACKET_DONT_REDRAW;
    tcpx_health_add(c->h, (const tcpx_tap_rec_t *)data);
    return TAP_PACKET_REDRAW;
}

static void
cli_draw(void *tapdata)
{
    cli_health_t *c = (cli_health_t *)tapdata;
    GString *out = g_string_new(NULL);

    tcpx_health_finish(c->h);
    const char *mismatch = tcpx_ws_guard_mismatch();
    if (mismatch) {
        /* What tcpx read cannot be trusted: no verdict at all. */
        if (c->json)
            g_string_append_printf(out, "{\"tcpx_silent\":\"TCP internals (%s) do not match the Wireshark %d.%d "
                                   "tcpx was built for\"}\n", mismatch, WIRESHARK_VERSION_MAJOR, WIRESHARK_VERSION_MINOR);
        else
            g_string_append_printf(out, "\nTCP stream health (tcpx): nothing judged. This Wireshark build's TCP internals "
                                   "(%s) do not match the ones tcpx was built for (Wireshark %d.%d headers): rebuild tcpx "
                                   "against this Wireshark or install the package made for it.\n",
                                   mismatch, WIRESHARK_VERSION_MAJOR, WIRESHARK_VERSION_MINOR);
    } else if (c->json) {
        tcpx_health_render_json(c->h, out);
    } else {
        g_string_append(out, "\n==================================================================\n");
        g_string_append(out, "TCP stream health (tcpx)\n");
        g_string_append_printf(out, "Filter: %s\n", c->filter ? c->filter : "<none>");
        g_string_append_printf(out, "Streams: %u  (client? = roles guessed from the ports; "
                               "bytes = TCP payload)\n\n", tcpx_health_count(c->h));
        if (tcpx_health_count(c->h) > 0) {
            tcpx_health_render_table(c->h, out);
            g_string_append(out, "\n");
            tcpx_health_render_paragraphs(c->h, out);
        } else {
            g_string_append(out, c->filter ? "No TCP stream matches the filter.\n"
                                           : "This capture has no TCP traffic: nothing to judge. "
                                             "(If it does, check that the tcpx and TCP protocols are enabled.)\n");
        }
        g_string_append(out, "==================================================================\n");
    }
    fputs(out->str, stdout);
    fflush(stdout);
    g_string_free(out, TRUE);
}

static void
cli_finish(void *tapdata)
{
    cli_health_t *c = (cli_health_t *)tapdata;
    tcpx_health_free(c->h);
    g_free(c->filter);
    g_free(c);
}

static TCPX_TAP_INIT_RESULT
cli_health_init(const char *opt_arg, void *userdata _U_)
{
    cli_health_t *c;
    const char *rest;
    gboolean json = FALSE;
    GString *err;

    if (g_str_has_prefix(opt_arg, "tcpx,health")) {
        rest = opt_arg + strlen("tcpx,health");
    } else if (g_str_has_prefix(opt_arg, "tcpx,json")) {
        rest = opt_arg + strlen("tcpx,json");
        json = TRUE;
    } else {
        rest = opt_arg + strlen(opt_arg);
    }
    if (*rest == ',') {
        rest++;
    } else if (*rest != '\0') {
        fprintf(stderr, "tshark: invalid \"-z %s\": use -z tcpx,health[,json][,FILTER]\n", opt_arg);
        exit(1);
    }
    if (!json && g_str_has_prefix(rest, "json") && (rest[4] == '\0' || rest[4] == ',')) {
        json = TRUE;
        rest += 4;
        if (*rest == ',')
            rest++;
    }

    c = g_new0(cli_health_t, 1);
    c->h = health_new();
    c->json = json;
    c->filter = *rest ? g_strdup(rest) : NULL;
    err = register_tap_listener(TCPX_TAP_NAME, c, c->filter, TL_REQUIRES_NOTHING,
                                cli_reset, cli_packet, cli_draw, cli_finish);
    if (err) {
        fprintf(stderr, "tshark: Couldn't register -z %s tap: %s\n", opt_arg, err->str);
        g_string_free(err, TRUE);
        tcpx_health_free(c->h);
        g_free(c->filter);
        g_free(c);
        exit(1);
    }
    TCPX_TAP_INIT_DONE(true);
}

static stat_tap_ui cli_health_ui = {
    REGISTER_STAT_GROUP_GENERIC,
    NULL,
    "tcpx,health",
    cli_health_init,
    0,
    NULL
};

static stat_tap_ui cli_json_ui = {
    REGISTER_STAT_GROUP_GENERIC,
    NULL,
    "tcpx,json",
    cli_health_init,
    0,
    NULL
};

/* ---------------------------------------------------------------------- */
/* -z tcpx,report,FILE.html[,FILTER]: one self-contained HTML file (tcpx_report*.c).
 * Its own listener, registered only when asked for, so the other statistics
 * cost nothing more.  FILE cannot contain a comma. */

#include <errno.h>
#include "tcpx_report.h"

typedef struct {
    tcpx_health_t *h;
    tcpx_report_t *r;
    char *file;
    char *filter;
} cli_report_t;

static void
report_reset(void *tapdata)
{
    cli_report_t *c = (cli_report_t *)tapdata;
    tcpx_health_reset(c->h);
    tcpx_report_reset(c->r);
}

static tap_packet_status
report_packet(void *tapdata, packet_info *pinfo _U_, epan_dissect_t *edt _U_, const void *data,
              tap_flags_t flags _U_)
{
    cli_report_t *c = (cli_report_t *)tapdata;
    if (!data)
        return TAP_PACKET_DONT_REDRAW;
    tcpx_health_add(c->h, (const tcpx_tap_rec_t *)data);
    tcpx_report_add(c->r, (const tcpx_tap_rec_t *)data);
    return TAP_PACKET_REDRAW;
}

static void
report_draw(void *tapdata)
{
    cli_report_t *c = (cli_report_t *)tapdata;
    GString *out = g_string_new(NULL);
    FILE *f;

    if (tcpx_ws_guard_mismatch()) {   /* what tcpx read cannot be trusted: no report */
        fprintf(stderr, "tshark: tcpx report: %s not written: this Wireshark's TCP internals (%s) do not "
                "match the ones tcpx was built for\n", c->file, tcpx_ws_guard_mismatch());
        g_string_free(out, TRUE);
        return;
    }
    tcpx_health_finish(c->h);
    tcpx_report_render_html(c->r, c->h, "tcpx " TCPX_VERSION, out);
    f = fopen(c->file, "wb");
    if (!f || fwrite(out->str, 1, out->len, f) != out->len || fclose(f) != 0) {
        fprintf(stderr, "tshark: tcpx report: cannot write %s: %s\n", c->file, g_strerror(errno));
        if (f)
            fclose(f);
    } else {
        printf("tcpx report: wrote %s (%" G_GSIZE_FORMAT " bytes, %u TCP stream%s)\n", c->file, out->len,
               tcpx_health_count(c->h), tcpx_health_count(c->h) == 1 ? "" : "s");
        fflush(stdout);
    }
    g_string_free(out, TRUE);
}

static void
report_finish(void *tapdata)
{
    cli_report_t *c = (cli_report_t *)tapdata;
    tcpx_health_free(c->h);
    tcpx_report_free(c->r);
    g_free(c->file);
    g_free(c->filter);
    g_free(c);
}

static TCPX_TAP_INIT_RESULT
cli_report_init(const char *opt_arg, void *userdata _U_)
{
    const char *rest = opt_arg + strlen("tcpx,report"), *comma;
    cli_report_t *c;
    GString *err;

    if (*rest != ',' || rest[1] == '\0' || rest[1] == ',') {
        fprintf(stderr, "tshark: invalid \"-z %s\": use -z tcpx,report,FILE.html[,FILTER]\n", opt_arg);
        exit(1);
    }
    rest++;
    comma = strchr(rest, ',');
    c = g_new0(cli_report_t, 1);
    c->h = health_new();
    c->r = tcpx_report_new();
    c->file = comma ? g_strndup(rest, (gsize)(comma - rest)) : g_strdup(rest);
    c->filter = comma && comma[1] ? g_strdup(comma + 1) : NULL;
    err = register_tap_listener(TCPX_TAP_NAME, c, c->filter, TL_REQUIRES_NOTHING,
                                report_reset, report_packet, report_draw, report_finish);
    if (err) {
        fprintf(stderr, "tshark: Couldn't register -z %s tap: %s\n", opt_arg, err->str);
        g_string_free(err, TRUE);
        report_finish(c);
        exit(1);
    }
    TCPX_TAP_INIT_DONE(true);
}

static stat_tap_ui cli_report_ui = {
    REGISTER_STAT_GROUP_GENERIC,
    NULL,
    "tcpx,report",
    cli_report_init,
    0,
    NULL
};

/* ---------------------------------------------------------------------- */
/* Statistics > TCPX Stream Health (stat_tap_table; -z tcpx,table) */

#define HEALTH_TABLE_NAME "TCP stream health"

/* What a reader needs first comes first: score, stream, parties, fault, a short
 * verdict; then the evidence; the full verdict last (it is long).
 *
 * How the Qt dialog (SimpleStatisticsDialog) shows the table decides the rest:
 *  - on open it sorts by column 0, ascending: column 0 is the score, so the
 *    worst streams come first (and streams not judged before them);
 *  - 4.0 draws TABLE_ITEM_FLOAT with six decimals whatever the format, and a
 *    number cannot be empty: measured values that can be unknown are strings,
 *    formatted here, empty when unknown;
 *  - strings sort with strcmp: numbers are right-aligned in a fixed width
 *    (padded with spaces, which sort before digits), so they sort numerically;
 *  - column 0's header gets the sort arrow after the columns were sized, which
 *    clips a right-aligned header on the left ("Stream" read "tream"): leading
 *    spaces in the header are what the arrow covers. */
enum {
    COL_SCORE, COL_STREAM, COL_CLIENT, COL_SERVER, COL_FAULT, COL_VERDICT_SHORT, COL_COMPLETENESS,
    COL_RETX_RATE, COL_IRTT, COL_RESP_MAX, COL_ZERO_WIN, COL_RESETS, COL_LOSS, COL_POSITION,
    COL_LOST_BYTES, COL_RETX_BYTES, COL_KEEPALIVES, COL_PKTS_CS, COL_PKTS_SC, COL_BYTES_CS, COL_BYTES_SC,
    COL_DURATION, COL_OPTIONS, COL_VERDICT, N_COLS
};

static stat_tap_table_item health_fields[N_COLS] = {
    { TABLE_ITEM_STRING, TAP_ALIGN_RIGHT, "     Score",          "%s" },
    { TABLE_ITEM_UINT,   TAP_ALIGN_RIGHT, "Stream",               "%u" },
    { TABLE_ITEM_STRING, TAP_ALIGN_LEFT,  "Client",               "%s" },
    { TABLE_ITEM_STRING, TAP_ALIGN_LEFT,  "Server",               "%s" },
    { TABLE_ITEM_STRING, TAP_ALIGN_LEFT,  "Fault",                "%s" },
    { TABLE_ITEM_STRING, TAP_ALIGN_LEFT,  "Verdict",              "%s" },
    { TABLE_ITEM_STRING, TAP_ALIGN_LEFT,  "Completeness",         "%s" },
    { TABLE_ITEM_STRING, TAP_ALIGN_RIGHT, "Retx rate (%)",        "%s" },
    { TABLE_ITEM_STRING, TAP_ALIGN_RIGHT, "iRTT (ms)",            "%s" },
    { TABLE_ITEM_STRING, TAP_ALIGN_RIGHT, "Max response (ms)",    "%s" },
    { TABLE_ITEM_STRING, TAP_ALIGN_RIGHT, "Zero window (s)",      "%s" },
    { TABLE_ITEM_STRING, TAP_ALIGN_LEFT,  "Resets (C/S)",         "%s" },
    { TABLE_ITEM_STRING, TAP_ALIGN_LEFT,  "Loss pattern",         "%s" },
    { TABLE_ITEM_STRING, TAP_ALIGN_LEFT,  "Capture",              "%s" },
    { TABLE_ITEM_UINT,   TAP_ALIGN_RIGHT, "Not captured (bytes)", "%u" },
    { TABLE_ITEM_UINT,   TAP_ALIGN_RIGHT, "Retx bytes",           "%u" },
    { TABLE_ITEM_UINT,   TAP_ALIGN_RIGHT, "Keep-alives",          "%u" },
    { TABLE_ITEM_UINT,   TAP_ALIGN_RIGHT, "Packets C\xe2\x86\x92" "S", "%u" },
    { TABLE_ITEM_UINT,   TAP_ALIGN_RIGHT, "Packets S\xe2\x86\x92" "C", "%u" },
    { TABLE_ITEM_UINT,   TAP_ALIGN_RIGHT, "Bytes C\xe2\x86\x92" "S",   "%u" },
    { TABLE_ITEM_UINT,   TAP_ALIGN_RIGHT, "Bytes S\xe2\x86\x92" "C",   "%u" },
    { TABLE_ITEM_STRING, TAP_ALIGN_RIGHT, "Duration (s)",         "%s" },
    { TABLE_ITEM_STRING, TAP_ALIGN_LEFT,  "Options",              "%s" },
    { TABLE_ITEM_STRING, TAP_ALIGN_LEFT,  "Details",              "%s" },
};

/* A number right-aligned in a fixed width (sorts numerically as a string), or
 * "" when unknown. */
static char *
num_text(gboolean known, double v, int decimals, int width)
{
    char b[G_ASCII_DTOSTR_BUF_SIZE], fmt[8];
    if (!known)
        return g_strdup("");
    g_snprintf(fmt, sizeof fmt, "%%.%df", decimals);
    g_ascii_formatd(b, sizeof b, fmt, v);
    return g_strdup_printf("%*s", width, b);
}

/* "network_loss" -> "network loss" */
static char *
short_verdict(const char *code)
{
    char *t = g_strdup(code ? code : "");
    for (char *c = t; *c; c++)
        if (*c == '_')
            *c = ' ';
    return t;
}

/* The table's aggregation; lives from the table's init to the next reset. */
static tcpx_health_t *table_health = NULL;

static guint
clamp_uint(guint64 v)
{
    return v > G_MAXUINT ? G_MAXUINT : (guint)v;
}

static void
table_free_item(stat_tap_table *table _U_, guint row _U_, guint column, stat_tap_table_item_type *field)
{
    if (column < N_COLS && health_fields[column].type == TABLE_ITEM_STRING && field->value.string_value) {
        g_free((char *)field->value.string_value);
        field->value.string_value = NULL;
    }
}

static void
table_clear_rows(stat_tap_table *table)
{
    guint row, col;
    for (row = 0; row < table->num_elements; row++) {
        for (col = 0; col < table->num_fields; col++)
            table_free_item(table, row, col, &table->elements[row][col]);
        g_free(table->elements[row]);
    }
    g_free(table->elements);
    table->elements = NULL;
    table->num_elements = 0;
}

static void
table_reset(stat_tap_table *table)
{
    table_clear_rows(table);
    if (table_health)
        tcpx_health_reset(table_health);
}

static void
table_init(stat_tap_table_ui *ui)
{
    stat_tap_table *table = stat_tap_find_table(ui, HEALTH_TABLE_NAME);

    if (!table_health)
        table_health = health_new();
    if (table) {
        table_reset(table);
        return;
    }
    table = stat_tap_init_table(HEALTH_TABLE_NAME, N_COLS, 0, NULL);
    stat_tap_add_table(ui, table);
}

static char *
options_text(const tcpx_health_stream_t *s)
{
    GString *o;
    if (!s->options_known)
        return g_strdup("");
    o = g_string_new(NULL);
    g_string_append(o, "MSS ");
    if (s->mss[0]) g_string_append_printf(o, "%u", s->mss[0]); else g_string_append_c(o, '-');
    g_string_append_c(o, '/');
    if (s->mss[1]) g_string_append_printf(o, "%u", s->mss[1]); else g_string_append_c(o, '-');
    g_string_append(o, ", WS ");
    if (s->wscale[0] >= 0) g_string_append_printf(o, "%d", s->wscale[0]); else g_string_append_c(o, '-');
    g_string_append_c(o, '/');
    if (s->wscale[1] >= 0) g_string_append_printf(o, "%d", s->wscale[1]); else g_string_append_c(o, '-');
    if (s->sack)
        g_string_append(o, ", SACK");
    if (s->ecn)
        g_string_append(o, ", ECN");
    return g_string_free(o, FALSE);
}

static tap_packet_status
table_packet(void *tapdata, packet_info *pinfo _U_, epan_dissect_t *edt _U_, const void *data,
             tap_flags_t flags _U_)
{
    stat_data_t *sd = (stat_data_t *)tapdata;
    const tcpx_tap_rec_t *rec = (const tcpx_tap_rec_t *)data;
    const tcpx_health_stream_t *s;
    stat_tap_table *table;
    stat_tap_table_item_type items[N_COLS];
    guint col;

    if (!rec || !sd || !sd->stat_tap_data->tables || sd->stat_tap_data->tables->len == 0)
        return TAP_PACKET_DONT_REDRAW;
    if (!table_health)
        table_health = health_new();
    table = g_array_index(sd->stat_tap_data->tables, stat_tap_table *, 0);

    tcpx_health_add(table_health, rec);
    s = tcpx_health_judge(table_health, rec->stream);
    if (!s)
        return TAP_PACKET_DONT_REDRAW;

    memset(items, 0, sizeof items);
    for (col = 0; col < N_COLS; col++)
        items[col].type = health_fields[col].type;
    items[COL_SCORE].value.string_value = s->judged ? g_strdup_printf("%3d", s->score) : g_strdup("");
    items[COL_STREAM].value.uint_value = s->stream;
    items[COL_CLIENT].value.string_value = g_strdup_printf("%s%s", s->client ? s->client : "?",
                                                           s->roles_guessed ? " (guessed)" : "");
    items[COL_SERVER].value.string_value = g_strdup(s->server ? s->server : "?");
    items[COL_FAULT].value.string_value = g_strdup(s->judged ? tcpx_health_fault_name(s->fault) : "");
    items[COL_VERDICT_SHORT].value.string_value =
        s->judged ? short_verdict(s->verdict_code) : g_strdup("not judged: TCP analysis off");
    items[COL_COMPLETENESS].value.string_value = g_strdup(s->done_text);
    items[COL_RETX_RATE].value.string_value = num_text(s->judged, s->retx_rate * 100.0, 2, 6);
    items[COL_IRTT].value.string_value = num_text(s->irtt_ns > 0, (double)s->irtt_ns / 1e6, 3, 10);
    items[COL_RESP_MAX].value.string_value = num_text(s->resp_n > 0, (double)s->resp_max_ns / 1e6, 3, 12);
    items[COL_ZERO_WIN].value.string_value =
        num_text(TRUE, (double)(s->zero_window_ns[0] + s->zero_window_ns[1]) / 1e9, 3, 10);
    items[COL_RESETS].value.string_value = g_strdup_printf("%u/%u", s->resets[0], s->resets[1]);
    items[COL_LOSS].value.string_value = g_strdup(s->judged ? tcpx_health_loss_pattern_name(s->loss_pattern) : "");
    items[COL_POSITION].value.string_value = g_strdup(tcpx_position_words(s->position));
    items[COL_LOST_BYTES].value.uint_value = clamp_uint(s->lost_bytes);
    items[COL_RETX_BYTES].value.uint_value = clamp_uint(s->retx_bytes);
    items[COL_KEEPALIVES].value.uint_value = s->keepalives[0] + s->keepalives[1];
    items[COL_PKTS_CS].value.uint_value = clamp_uint(s->packets[0]);
    items[COL_PKTS_SC].value.uint_value = clamp_uint(s->packets[1]);
    items[COL_BYTES_CS].value.uint_value = clamp_uint(s->bytes[0]);
    items[COL_BYTES_SC].value.uint_value = clamp_uint(s->bytes[1]);
    items[COL_DURATION].value.string_value = num_text(TRUE, (double)s->duration_ns / 1e9, 3, 10);
    items[COL_OPTIONS].value.string_value = options_text(s);
    items[COL_VERDICT].value.string_value = g_strdup(s->judged ? s->verdict : TCPX_HEALTH_ANALYSIS_OFF_TEXT);

    /* rows are in order of first appearance; free the strings a row held before */
    if (s->index < table->num_elements)
        for (col = 0; col < table->num_fields; col++)
            table_free_item(table, s->index, col, &table->elements[s->index][col]);
    stat_tap_init_table_row(table, s->index, N_COLS, items);
    return TAP_PACKET_REDRAW;
}

static stat_tap_table_ui health_table_ui = {
    REGISTER_PACKET_STAT_GROUP_UNSORTED,
    "TCPX Stream Health",
    TCPX_TAP_NAME,
    "tcpx,table",
    table_init,
    table_packet,
    table_reset,
    table_free_item,
    NULL,
    N_COLS, health_fields,
    0, NULL,
    NULL,
    0
};

/* ---------------------------------------------------------------------- */
/* -z tcpx,tree (stats_tree; tshark only, see TCPX Anomalies for the GUI) */

static int st_node_kinds = -1;
static int st_node_severity = -1;
static int st_node_streams = -1;

static const char *st_str_kinds = "Anomalies by kind";
static const char *st_str_severity = "Anomalies by severity";
static const char *st_str_streams = "Anomalies by stream";

static void
anomaly_tree_init(stats_tree *st)
{
    st_node_kinds = stats_tree_create_node(st, st_str_kinds, 0, STAT_DT_INT, TRUE);
    st_node_severity = stats_tree_create_node(st, st_str_severity, 0, STAT_DT_INT, TRUE);
    st_node_streams = stats_tree_create_node(st, st_str_streams, 0, STAT_DT_INT, TRUE);
}

static const char *
severity_label(tcpx_severity_t sev)
{
    switch (sev) {
    case TCPX_SEV_ERROR: return "Error";
    case TCPX_SEV_WARN:  return "Warning";
    case TCPX_SEV_NOTE:  return "Note";
    case TCPX_SEV_CHAT:  return "Chat";
    default:             return "None";
    }
}

static tap_packet_status
anomaly_tree_packet(stats_tree *st, packet_info *pinfo, epan_dissect_t *edt _U_, const void *data,
                    tap_flags_t flags _U_)
{
    const tcpx_tap_rec_t *rec = (const tcpx_tap_rec_t *)data;
    char *stream_name = NULL;
    guint k;

    if (!rec || !rec->kinds)
        return TAP_PACKET_DONT_REDRAW;
    for (k = 0; k < TCPX_K_N_ANOMALIES; k++) {
        int sev_node, stream_node;
        const char *label;
        if (!(rec->kinds & (1u << k)))
            continue;
        label = tcpx_health_kind_label(k);
        tick_stat_node(st, st_str_kinds, 0, TRUE);
        tick_stat_node(st, label, st_node_kinds, FALSE);

        tick_stat_node(st, st_str_severity, 0, TRUE);
        sev_node = tick_stat_node(st, severity_label(tcpx_kind_severity((tcpx_kind_t)k)), st_node_severity, TRUE);
        tick_stat_node(st, label, sev_node, FALSE);

        if (!stream_name)
            stream_name = wmem_strdup_printf(pinfo->pool, "Stream %u: %s \xe2\x86\x92 %s", rec->stream,
                                             rec->client ? rec->client : "?", rec->server ? rec->server : "?");
        tick_stat_node(st, st_str_streams, 0, TRUE);
        stream_node = tick_stat_node(st, stream_name, st_node_streams, TRUE);
        tick_stat_node(st, label, stream_node, FALSE);
    }
    return TAP_PACKET_REDRAW;
}

/* ---------------------------------------------------------------------- */
/* Statistics > TCPX Anomalies (stat_tap_table; -z tcpx,anomalies)
 *
 * The anomaly counts of the tree above, as a stat_tap_table so that the GUI
 * lists it next to TCPX Stream Health: Wireshark's Qt main window (4.0 to 4.6)
 * puts stat_tap_table_ui titles of REGISTER_PACKET_STAT_GROUP_UNSORTED in one
 * alphabetical block of the Statistics menu (no submenus there), and stats_tree
 * plugins after a separator at its end.  The tree stays for tshark
 * (-z tcpx,tree), registered without the plugin flag: out of the GUI's menu. */

#define ANOM_BY_KIND "Anomalies by kind"
#define ANOM_BY_STREAM "Anomalies by stream"

enum { ACOL_ANOMALY, ACOL_SEVERITY, ACOL_COUNT, ACOL_WHERE, N_ACOLS };

static stat_tap_table_item anomaly_fields[N_ACOLS] = {
    { TABLE_ITEM_STRING, TAP_ALIGN_LEFT,  "Anomaly",        "%s" },
    { TABLE_ITEM_STRING, TAP_ALIGN_LEFT,  "Severity",       "%s" },
    { TABLE_ITEM_UINT,   TAP_ALIGN_RIGHT, "Count",          "%u" },
    { TABLE_ITEM_STRING, TAP_ALIGN_LEFT,  "Stream(s)",      "%s" },
};

static GHashTable *anom_stream_rows;             /* (stream << 6 | kind) -> row + 1 (by stream) */
static guint anom_kind_row[TCPX_K_N_ANOMALIES];  /* row + 1 in the by-kind table, 0: none yet */
static guint anom_kind_streams[TCPX_K_N_ANOMALIES];

static void
anom_free_item(stat_tap_table *table _U_, guint row _U_, guint column, stat_tap_table_item_type *field)
{
    if (column < N_ACOLS && anomaly_fields[column].type == TABLE_ITEM_STRING && field->value.string_value) {
        g_free((char *)field->value.string_value);
        field->value.string_value = NULL;
    }
}

static void
anom_reset(stat_tap_table *table)
{
    guint row, col;
    if (table) {
        for (row = 0; row < table->num_elements; row++) {
            for (col = 0; col < table->num_fields; col++)
                anom_free_item(table, row, col, &table->elements[row][col]);
            g_free(table->elements[row]);
        }
        g_free(table->elements);
        table->elements = NULL;
        table->num_elements = 0;
    }
    if (anom_stream_rows)
        g_hash_table_remove_all(anom_stream_rows);
    memset(anom_kind_row, 0, sizeof anom_kind_row);
    memset(anom_kind_streams, 0, sizeof anom_kind_streams);
}

static void
anom_init(stat_tap_table_ui *ui)
{
    stat_tap_table *by_kind = stat_tap_find_table(ui, ANOM_BY_KIND);

    if (!anom_stream_rows)
        anom_stream_rows = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
    if (by_kind) {
        anom_reset(by_kind);
        anom_reset(stat_tap_find_table(ui, ANOM_BY_STREAM));
        return;
    }
    stat_tap_add_table(ui, stat_tap_init_table(ANOM_BY_KIND, N_ACOLS, 0, NULL));
    stat_tap_add_table(ui, stat_tap_init_table(ANOM_BY_STREAM, N_ACOLS, 0, NULL));
}

/* A new row: anomaly, severity, count 0, where. */
static guint
anom_add_row(stat_tap_table *table, guint kind, char *where)
{
    stat_tap_table_item_type items[N_ACOLS];
    guint col, row = table->num_elements;
    memset(items, 0, sizeof items);
    for (col = 0; col < N_ACOLS; col++)
        items[col].type = anomaly_fields[col].type;
    items[ACOL_ANOMALY].value.string_value = g_strdup(tcpx_health_kind_label(kind));
    items[ACOL_SEVERITY].value.string_value = g_strdup(severity_label(tcpx_kind_severity((tcpx_kind_t)kind)));
    items[ACOL_WHERE].value.string_value = where;
    stat_tap_init_table_row(table, row, N_ACOLS, items);
    return row;
}

static tap_packet_status
anom_packet(void *tapdata, packet_info *pinfo _U_, epan_dissect_t *edt _U_, const void *data,
            tap_flags_t flags _U_)
{
    stat_data_t *sd = (stat_data_t *)tapdata;
    const tcpx_tap_rec_t *rec = (const tcpx_tap_rec_t *)data;
    stat_tap_table *by_kind, *by_stream;
    guint k;

    if (!rec || !rec->kinds || !sd || !sd->stat_tap_data->tables || sd->stat_tap_data->tables->len < 2)
        return TAP_PACKET_DONT_REDRAW;
    if (!anom_stream_rows)
        anom_stream_rows = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
    by_kind = g_array_index(sd->stat_tap_data->tables, stat_tap_table *, 0);
    by_stream = g_array_index(sd->stat_tap_data->tables, stat_tap_table *, 1);

    for (k = 0; k < TCPX_K_N_ANOMALIES; k++) {
        gint64 key = ((gint64)rec->stream << 6) | k;
        guint srow;
        stat_tap_table_item_type *where;
        if (!(rec->kinds & (1u << k)))
            continue;
        if (!anom_kind_row[k])
            anom_kind_row[k] = anom_add_row(by_kind, k, NULL) + 1;
        srow = GPOINTER_TO_UINT(g_hash_table_lookup(anom_stream_rows, &key));
        if (!srow) {
            srow = anom_add_row(by_stream, k, g_strdup_printf("Stream %u: %s \xe2\x86\x92 %s", rec->stream,
                                                              rec->client ? rec->client : "?",
                                                              rec->server ? rec->server : "?")) + 1;
            g_hash_table_insert(anom_stream_rows, g_memdup2(&key, sizeof key), GUINT_TO_POINTER(srow));
            anom_kind_streams[k]++;
            where = stat_tap_get_field_data(by_kind, anom_kind_row[k] - 1, ACOL_WHERE);
            g_free((char *)where->value.string_value);
            where->value.string_value = g_strdup_printf("in %u stream%s", anom_kind_streams[k],
                                                        anom_kind_streams[k] == 1 ? "" : "s");
        }
        stat_tap_get_field_data(by_stream, srow - 1, ACOL_COUNT)->value.uint_value++;
        stat_tap_get_field_data(by_kind, anom_kind_row[k] - 1, ACOL_COUNT)->value.uint_value++;
    }
    return TAP_PACKET_REDRAW;
}

static stat_tap_table_ui anomaly_table_ui = {
    REGISTER_PACKET_STAT_GROUP_UNSORTED,
    "TCPX Anomalies",
    TCPX_TAP_NAME,
    "tcpx,anomalies",
    anom_init,
    anom_packet,
    anom_reset,
    anom_free_item,
    NULL,
    N_ACOLS, anomaly_fields,
    0, NULL,
    NULL,
    0
};

/* ---------------------------------------------------------------------- */

void
tcpx_health_register_taps(void)
{
    health_prefs_init();
    register_stat_tap_ui(&cli_health_ui, NULL);
    register_stat_tap_ui(&cli_json_ui, NULL);
    register_stat_tap_ui(&cli_report_ui, NULL);
    register_stat_tap_table_ui(&health_table_ui);
    register_stat_tap_table_ui(&anomaly_table_ui);
    /* Not a "plugin" tree: tshark's -z tcpx,tree only; the GUI has TCPX Anomalies. */
    stats_tree_register(TCPX_TAP_NAME, "tcpx", "TCPX Anomaly Tree", 0,
                        anomaly_tree_packet, anomaly_tree_init, NULL);
}
