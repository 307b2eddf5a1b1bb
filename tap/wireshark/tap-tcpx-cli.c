/* tap-tcpx-cli.c: tshark's health outputs (epan glue).
 *
 *   -z tcpx,health[,json][,FILTER] and -z tcpx,json[,FILTER]: the table and
 *       paragraphs, or one JSON object per stream and line (tap/core renders).
 *   -z tcpx,report,FILE.html[,FILTER]: one self-contained HTML file
 *       (tcpx_report*.c).  Its own listener, registered only when asked for,
 *       so the other statistics cost nothing more.  FILE cannot contain a comma.
 *
 * When this Wireshark's TCP internals do not match the ones tcpx was built for
 * (tcpx_ws_guard_mismatch()), what tcpx read cannot be trusted: no verdict.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define WS_LOG_DOMAIN "tcpx"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <epan/tap.h>
#include <epan/stat_tap_ui.h>

#include "tap-tcpx-int.h"
#include "tcpx_defer.h"
#include "tcpx_report.h"
#include "tcpx_ws_compat.h"
#include "tcpx_ws_tcp.h"

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
cli_packet(void *tapdata, packet_info *pinfo _U_, epan_dissect_t *edt _U_, const void *data, tap_flags_t flags _U_)
{
    cli_health_t *c = (cli_health_t *)tapdata;
    if (!data)
        return TAP_PACKET_DONT_REDRAW;
    tcpx_defer_tapped();
    tcpx_health_add_batched(c->h, (const tcpx_tap_rec_t *)data);
    return TAP_PACKET_REDRAW;
}

/* The record of a frame analysed later (tcpx_defer.c): as if the tap had delivered it. */
static void
cli_add_deferred(void *tapdata, const tcpx_tap_rec_t *rec)
{
    cli_health_t *c = (cli_health_t *)tapdata;
    tcpx_health_add_batched(c->h, rec);
}

/* Nothing judged: this Wireshark's TCP internals are not the ones tcpx was built for. */
static void
append_mismatch(GString *out, const char *mismatch, gboolean json)
{
    if (json)
        g_string_append_printf(out,
                               "{\"tcpx_silent\":\"TCP internals (%s) do not match the Wireshark %d.%d "
                               "tcpx was built for\"}\n",
                               mismatch, WIRESHARK_VERSION_MAJOR, WIRESHARK_VERSION_MINOR);
    else
        g_string_append_printf(out,
                               "\nTCP stream health (tcpx): nothing judged. This Wireshark build's TCP internals "
                               "(%s) do not match the ones tcpx was built for (Wireshark %d.%d headers): rebuild tcpx "
                               "against this Wireshark or install the package made for it.\n",
                               mismatch, WIRESHARK_VERSION_MAJOR, WIRESHARK_VERSION_MINOR);
}

static void
append_text_report(GString *out, const cli_health_t *c)
{
    g_string_append(out, "\n==================================================================\n");
    g_string_append(out, "TCP stream health (tcpx)\n");
    g_string_append_printf(out, "Filter: %s\n", c->filter ? c->filter : "<none>");
    g_string_append_printf(out,
                           "Streams: %u  (client? = roles guessed from the ports; "
                           "bytes = TCP payload)\n\n",
                           tcpx_health_count(c->h));
    tcpx_health_render_capture(c->h, out);
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

static void
cli_draw(void *tapdata)
{
    cli_health_t *c = (cli_health_t *)tapdata;
    GString *out = g_string_new(NULL);
    const char *mismatch;

    tcpx_defer_flush(); /* the frames left for later */
    tcpx_health_finish(c->h);
    tcpx_health_set_sink(c->h, stdout); /* the report goes out as it is written */
    mismatch = tcpx_ws_guard_mismatch();
    if (mismatch)
        append_mismatch(out, mismatch, c->json);
    else if (c->json)
        tcpx_health_render_json(c->h, out);
    else
        append_text_report(out, c);
    fputs(out->str, stdout);
    fflush(stdout);
    g_string_free(out, TRUE);
}

static void
cli_finish(void *tapdata)
{
    cli_health_t *c = (cli_health_t *)tapdata;
    tcpx_defer_clear_consumer(c);
    tcpx_health_free(c->h);
    g_free(c->filter);
    g_free(c);
}

/* After "tcpx,health" or "tcpx,json": [,json][,FILTER]. */
static const char *
health_args(const char *opt_arg, gboolean *json)
{
    const char *rest;

    *json = FALSE;
    if (g_str_has_prefix(opt_arg, "tcpx,health")) {
        rest = opt_arg + strlen("tcpx,health");
    } else if (g_str_has_prefix(opt_arg, "tcpx,json")) {
        rest = opt_arg + strlen("tcpx,json");
        *json = TRUE;
    } else {
        rest = opt_arg + strlen(opt_arg);
    }
    if (*rest == ',') {
        rest++;
    } else if (*rest != '\0') {
        fprintf(stderr, "tshark: invalid \"-z %s\": use -z tcpx,health[,json][,FILTER]\n", opt_arg);
        exit(1);
    }
    if (!*json && g_str_has_prefix(rest, "json") && (rest[4] == '\0' || rest[4] == ',')) {
        *json = TRUE;
        rest += 4;
        if (*rest == ',')
            rest++;
    }
    return rest;
}

static TCPX_TAP_INIT_RESULT
cli_health_init(const char *opt_arg, void *userdata _U_)
{
    gboolean json;
    const char *rest = health_args(opt_arg, &json);
    cli_health_t *c = g_new0(cli_health_t, 1);
    GString *err;

    c->h = tcpx_tap_health_new();
    c->json = json;
    c->filter = *rest ? g_strdup(rest) : NULL;
    err = register_tap_listener(TCPX_TAP_NAME, c, c->filter, TL_REQUIRES_NOTHING, cli_reset, cli_packet, cli_draw,
                                cli_finish);
    if (err) {
        fprintf(stderr, "tshark: Couldn't register -z %s tap: %s\n", opt_arg, err->str);
        g_string_free(err, TRUE);
        cli_finish(c);
        exit(1);
    }
    if (!c->filter) /* a filtered report takes only the records the tap passes */
        tcpx_defer_set_consumer(cli_add_deferred, c);
    else
        tcpx_defer_forbid();
    TCPX_TAP_INIT_DONE(true);
}

static stat_tap_ui cli_health_ui = {
    .group = REGISTER_STAT_GROUP_GENERIC,
    .title = NULL,
    .cli_string = "tcpx,health",
    .tap_init_cb = cli_health_init,
    .nparams = 0,
    .params = NULL,
};

static stat_tap_ui cli_json_ui = {
    .group = REGISTER_STAT_GROUP_GENERIC,
    .title = NULL,
    .cli_string = "tcpx,json",
    .tap_init_cb = cli_health_init,
    .nparams = 0,
    .params = NULL,
};

/* ---------------------------------------------------------------------- */
/* -z tcpx,report,FILE.html[,FILTER] */

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
report_packet(void *tapdata, packet_info *pinfo _U_, epan_dissect_t *edt _U_, const void *data, tap_flags_t flags _U_)
{
    cli_report_t *c = (cli_report_t *)tapdata;
    tcpx_defer_forbid(); /* it needs every record through the tap */
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
    GString *out;
    FILE *f;

    if (tcpx_ws_guard_mismatch()) {
        fprintf(stderr,
                "tshark: tcpx report: %s not written: this Wireshark's TCP internals (%s) do not "
                "match the ones tcpx was built for\n",
                c->file, tcpx_ws_guard_mismatch());
        return;
    }
    out = g_string_new(NULL);
    tcpx_health_finish(c->h);
    tcpx_report_render_html(c->r, c->h, "tcpx " TCPX_VERSION, out);
    f = fopen(c->file, "wb");
    gboolean written = f && fwrite(out->str, 1, out->len, f) == out->len;
    /* fclose() once, whatever happened: a failed close is a failed write too */
    if (f && fclose(f) != 0)
        written = FALSE;
    if (!written) {
        fprintf(stderr, "tshark: tcpx report: cannot write %s: %s\n", c->file, g_strerror(errno));
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
    c->h = tcpx_tap_health_new();
    c->r = tcpx_report_new();
    c->file = comma ? g_strndup(rest, (gsize)(comma - rest)) : g_strdup(rest);
    c->filter = comma && comma[1] ? g_strdup(comma + 1) : NULL;
    err = register_tap_listener(TCPX_TAP_NAME, c, c->filter, TL_REQUIRES_NOTHING, report_reset, report_packet,
                                report_draw, report_finish);
    if (err) {
        fprintf(stderr, "tshark: Couldn't register -z %s tap: %s\n", opt_arg, err->str);
        g_string_free(err, TRUE);
        report_finish(c);
        exit(1);
    }
    TCPX_TAP_INIT_DONE(true);
}

static stat_tap_ui cli_report_ui = {
    .group = REGISTER_STAT_GROUP_GENERIC,
    .title = NULL,
    .cli_string = "tcpx,report",
    .tap_init_cb = cli_report_init,
    .nparams = 0,
    .params = NULL,
};

void
tcpx_tap_register_cli(void)
{
    register_stat_tap_ui(&cli_health_ui, NULL);
    register_stat_tap_ui(&cli_json_ui, NULL);
    register_stat_tap_ui(&cli_report_ui, NULL);
}
