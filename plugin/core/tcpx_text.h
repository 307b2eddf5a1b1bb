/* tcpx_text.h: render explanation templates into sentences (tcpx_frame_vars.c), and the
 * numbers, sizes, durations and SYN options in them (tcpx_text.c).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef TCPX_TEXT_H
#define TCPX_TEXT_H

#include <glib.h>
#include "tcpx_core.h"
#include "tcpx_explain.h"
#include "tcpx_template.h"

/* Everything a template may refer to. */
typedef struct {
    const tcpx_stream_t *st;
    const tcpx_finding_t *f;
    gboolean from_client; /* the segment's sender is the client */
    guint32 seg_ack;      /* for phase notes: the segment's ACK (0 if none) */
    guint more;           /* the frame's anomalies beyond the one in the summary */
    guint layer, layers;  /* this TCP header is number `layer` (from 1) of the frame's `layers` */
    const char *reporter; /* an ICMP about the stream: the address of the router that sent it (else NULL) */
} tcpx_text_ctx_t;

/* Appends the rendered template to out; the variables it may use are the frame variables. */
void tcpx_render(GString *out, const char *tmpl, const tcpx_text_ctx_t *ctx);

/* The frame variables (for tests: every name is declared once). */
extern const tcpx_vars_t tcpx_frame_vars;

/* The four texts of a finding, rendered. */
void tcpx_render_summary(GString *out, const tcpx_text_ctx_t *ctx);
void tcpx_render_what(GString *out, const tcpx_text_ctx_t *ctx);
void tcpx_render_cause(GString *out, const tcpx_text_ctx_t *ctx);
void tcpx_render_next_step(GString *out, const tcpx_text_ctx_t *ctx);

/* A note for an earlier frame (tcpx_hindsight.h), in the words of that frame's texts
 * (frame: its context); short_form: for the column.  Its tcpx.later_code value. */
void tcpx_render_later(GString *out, const tcpx_later_t *later, const tcpx_text_ctx_t *frame, gboolean short_form);
const char *tcpx_later_name(guint8 what);

/* Units, as a reader wants them: "312 ms", "1.25 s", "48,180 bytes". */
void tcpx_format_duration(GString *out, gint64 ns);
void tcpx_format_bytes(GString *out, guint64 bytes);
/* v in decimal digits, without printf. */
void tcpx_append_uint(GString *out, guint64 v);

/* value / (step * 10^decimals) with `decimals` decimals into buf, exactly as
 * printf's "%.<decimals>f" prints that quotient as a double, for a tenth of
 * printf's cost; FALSE (buf untouched) on an exact tie, where printf's rounding
 * depends on the double's last bit, and for negative or huge values: use printf. */
gboolean tcpx_fixed_text(char *buf, gsize len, gint64 value, gint64 step, int decimals);

/* SYN options of one side in words: "MSS 1460 bytes, window scale x128 (shift 7), SACK permitted". */
void tcpx_format_syn_options(GString *out, const tcpx_side_t *side);
/* The same, short, for summaries: "MSS 1460, WS x128, SACK, TS". */
void tcpx_format_syn_options_short(GString *out, const tcpx_side_t *side);
/* What both sides agreed on. */
void tcpx_format_negotiated(GString *out, const tcpx_side_t *client, const tcpx_side_t *server);
/* The same three from options a finding froze (short_words: the summaries' wording). */
void tcpx_format_syn_opts(GString *out, const tcpx_syn_opts_t *opts, gboolean short_words);
void tcpx_format_negotiated_opts(GString *out, const tcpx_syn_opts_t *client, const tcpx_syn_opts_t *server);

#endif
