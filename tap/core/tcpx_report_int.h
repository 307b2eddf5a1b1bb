/* tcpx_report_int.h: what tcpx_report.c collects per stream, for the renderers
 * (tcpx_report_html.c, tcpx_report_svg.c).  Plain C, no epan.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef TCPX_REPORT_INT_H
#define TCPX_REPORT_INT_H

#include "tcpx_report.h"

/* One point of a series.  sent: y = end of the segment (seq + len), aux = its
 * start; acked: y = the ACK number, aux = the window's edge (ACK + window);
 * rtt: y = the RTT in microseconds, aux = the frame. */
typedef struct {
    gint64 t;
    guint32 y, aux;
} rpt_t;

/* A decimated series: points in arrival order; bucket width w (0: raw). */
typedef struct {
    GArray *pts; /* rpt_t */
    gint64 w;
    gboolean min_on_aux; /* a bucket keeps its lowest aux (else lowest y) and highest y */
} rseries_t;

#define RPT_REL 4

/* One anomaly (or several of the same kind and direction, merged). */
typedef struct {
    gint64 t, t_last;
    gint64 orig_age; /* first transmission of the same bytes: t - orig_age; 0 none */
    guint32 frame, frame_last, count;
    guint32 seq, ack, lo, hi; /* the record's seq/ack; the finding's byte range (hi 0: none) */
    guint32 orig_frame;
    guint32 rel[RPT_REL];                   /* other related frames */
    guint8 kind, cause, from_client, n_rel; /* cause: tcpx_cause_t of the first */
} revent_t;

/* A zero-window period: advertised by one side from frame0 until frame1 (0: to the end). */
typedef struct {
    gint64 t0, t1;
    guint32 frame0, frame1, edge; /* edge: the ACK number then */
} rzw_t;

#define RZW_MAX 200

typedef struct {
    guint32 stream;
    gint64 t0, t_max; /* first record's time, latest time seen */
    /* index d: the data's sender, 0 client, 1 server */
    rseries_t sent[2], acked[2], rtt[2];
    guint32 seq_max[2];
    GArray *events; /* revent_t */
    gint64 ev_w;
    guint32 ev_merged; /* events folded into others */
    /* zero windows, index: the advertising side */
    GArray *zw[2]; /* rzw_t */
    gboolean zw_open[2];
    guint32 zw_dropped[2];
} rstream_t;

/* Decimate to at most max points (doubling the bucket width as needed). */
void tcpx_report_series_fit(rseries_t *s, gint64 t0, gint64 t_max, guint max);
/* Merge events to at most max markers. */
void tcpx_report_events_fit(rstream_t *rs, guint max);

/* All streams to their final sizes (render time). */
void tcpx_report_fit_all(tcpx_report_t *r);

const rstream_t *tcpx_report_stream(const tcpx_report_t *r, guint32 stream);

/* The pictures of one stream (tcpx_report_svg.c). */
void tcpx_report_render_svg(const rstream_t *rs, const tcpx_health_stream_t *s, GString *out);

/* The style sheet's marker colours (tcpx_report_svg.c). */
void tcpx_report_marker_css(GString *out);

/* Numbers for the document: "%.3f"-like without locale. */
void tcpx_report_append_fixed(GString *out, double v, int decimals);

#endif
