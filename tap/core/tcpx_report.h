/* tcpx_report.h: the shareable HTML report (-z tcpx,report,FILE.html), plain C, no epan.
 *
 * Feed every tcpx_tap_rec_t to tcpx_report_add() (and to a tcpx_health_t),
 * in frame order; at the end tcpx_health_finish() and tcpx_report_render_html()
 * write one self-contained HTML document: the stream table (sortable by
 * clicking its headers; "#sort=KEY" or "#sort=KEY:desc" in the URL sorts on
 * load), then for each unhealthy stream, worst first, its verdict paragraph
 * (the health report's own) and its pictures: a time-sequence picture of the
 * stream's main data direction (bytes sent and acknowledged, the receive
 * window's edge, zero-window periods, anomalies and related frames marked,
 * frame numbers in the titles) and the RTT over time under it, in inline SVG.
 * No network access, no external scripts, fonts or images.
 *
 * Size: each series of a stream is decimated while it is collected (time
 * buckets that double in width, keeping each bucket's extremes), anomalies of
 * the same kind close in time are merged into one marker that counts them, so
 * a picture holds at most about TCPX_REPORT_POINTS points whatever the
 * stream's length.  Only the TCPX_REPORT_PICTURES worst unhealthy streams get
 * pictures, and the TCPX_REPORT_PARAGRAPHS worst their paragraph; the table
 * has every stream, with its verdict code (~200 bytes a row).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef TCPX_REPORT_H
#define TCPX_REPORT_H

#include <glib.h>
#include "tcpx_tap.h"
#include "tcpx_health.h"

#define TCPX_REPORT_POINTS 1000u    /* points per picture (series), about */
#define TCPX_REPORT_MARKERS 300u    /* anomaly markers per picture, after merging */
#define TCPX_REPORT_PICTURES 60u    /* unhealthy streams drawn, worst first */
#define TCPX_REPORT_PARAGRAPHS 300u /* unhealthy streams given their paragraph, worst first */

typedef struct tcpx_report tcpx_report_t;

tcpx_report_t *tcpx_report_new(void);
void tcpx_report_free(tcpx_report_t *r);
void tcpx_report_reset(tcpx_report_t *r); /* forget all streams */

/* One record, in frame order. */
void tcpx_report_add(tcpx_report_t *r, const tcpx_tap_rec_t *rec);

/* The whole document.  h: the health of the same records, finished.
 * generator: e.g. "tcpx 0.1.0" (escaped).  Decimates the collected points
 * to their final size first (hence not const). */
void tcpx_report_render_html(tcpx_report_t *r, const tcpx_health_t *h, const char *generator, GString *out);

/* Text for HTML element content and attribute values (& < > " ' escaped;
 * bytes below 0x20 other than tab and newline dropped). */
void tcpx_report_escape(GString *out, const char *text);

#endif
