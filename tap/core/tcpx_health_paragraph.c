/* tcpx_health_paragraph.c: a paragraph per unhealthy stream, worst first.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>
#include "tcpx_health.h"
#include "tcpx_health_int.h"
#include "tcpx_text.h"
#include "tcpx_units.h"

/* Append text word-wrapped at 78 columns, each line indented by `indent`.
 * Written into the string directly (one resize, a memcpy per word): this runs
 * for every unhealthy stream of the report. */
void
tcpx_health_append_wrapped(GString *out, const char *text, int indent)
{
    gsize at = out->len, text_len = strlen(text);
    /* each word costs at most a separator and an indent more than its length */
    g_string_set_size(out, at + text_len + ((text_len + 1) / 2 + 1) * (indent + 1) + 1);
    char *w = out->str + at;
    int col = 0;
    const char *p = text;
    for (;;) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        const char *end = strchr(p, ' ');
        int len = end ? (int)(end - p) : (int)strlen(p);
        if (col == 0) {
            memset(w, ' ', (size_t)indent);
            w += indent;
            col = indent;
        } else if (col + 1 + len > 78) {
            *w++ = '\n';
            memset(w, ' ', (size_t)indent);
            w += indent;
            col = indent;
        } else {
            *w++ = ' ';
            col++;
        }
        memcpy(w, p, (size_t)len);
        w += len;
        col += len;
        p += len;
    }
    if (col)
        *w++ = '\n';
    g_string_truncate(out, (gsize)(w - out->str));
}

static void
capitalise_append(GString *out, const char *text)
{
    gsize at = out->len;
    g_string_append(out, text);
    if (out->len > at)
        out->str[at] = g_ascii_toupper(out->str[at]);
}

void
tcpx_health_render_paragraph(const tcpx_health_stream_t *s, GString *out)
{
    GString *t = g_string_new(NULL);
    char b1[32], b2[32], b3[32];

    tcpx_append_printf(out, "Stream %u: %s -> %s%s, score %d/100, fault: %s\n",
                           s->stream, s->client ? s->client : "?", s->server ? s->server : "?",
                           s->roles_guessed ? " (roles guessed from the ports)" : "",
                           s->score, tcpx_health_fault_name(s->fault));
    capitalise_append(t, s->verdict);
    g_string_append(t, ".");

    if (s->retx_records > 0) {
        tcpx_append_printf(t, " %u retransmission%s (%" G_GUINT64_FORMAT " bytes of data; loss retransmissions: %u by the client, %u by the server",
                               s->retx_records, s->retx_records == 1 ? "" : "s", s->retx_bytes,
                               s->retx_net[0], s->retx_net[1]);
        if (s->anomalies[TCPX_K_SPURIOUS_RETRANSMISSION])
            tcpx_append_printf(t, ", %u spurious", s->anomalies[TCPX_K_SPURIOUS_RETRANSMISSION]);
        tcpx_append_printf(t, ") and %u duplicate ACKs.", s->dup_acks);
        if (s->loss_pattern == TCPX_LOSS_BURSTS)
            g_string_append(t, " The losses came in bursts: a buffer overflowing somewhere along the path.");
        else if (s->loss_pattern == TCPX_LOSS_SCATTERED)
            g_string_append(t, " The losses were scattered: a lossy link rather than a full buffer.");
        else if (s->loss_pattern == TCPX_LOSS_ISOLATED)
            g_string_append(t, " A single, isolated loss.");
    }
    if (s->zero_window_ns[0] > 0 || s->zero_window_ns[1] > 0) {
        g_string_append(t, " Zero window:");
        if (s->zero_window_ns[1] > 0)
            tcpx_append_printf(t, " the server advertised it for %s s (the server application was not reading)%s",
                                   tcpx_health_secs_text(s->zero_window_ns[1], b1, sizeof b1),
                                   s->zero_window_ns[0] > 0 ? ";" : ".");
        if (s->zero_window_ns[0] > 0)
            tcpx_append_printf(t, " the client advertised it for %s s (the client application was not reading).",
                                   tcpx_health_secs_text(s->zero_window_ns[0], b1, sizeof b1));
    }
    if (s->window_full_recv[0] + s->window_full_recv[1] > 0)
        tcpx_append_printf(t, " The receive window was full %u times at the client and %u times at the server.",
                               s->window_full_recv[0], s->window_full_recv[1]);
    if (s->resp_n > 0) {
        tcpx_append_printf(t, " Application response: slowest %s ms (frame %u), average %s ms over %u exchange%s",
                               tcpx_health_ms_text(s->resp_max_ns, b1, sizeof b1), s->resp_max_frame,
                               tcpx_health_ms_text(s->resp_sum_ns / s->resp_n, b2, sizeof b2), s->resp_n,
                               s->resp_n == 1 ? "" : "s");
        if (s->resp_max_ack_ns >= 0)
            tcpx_append_printf(t, "; the server's TCP acknowledged that request after %s ms",
                                   tcpx_health_ms_text(s->resp_max_ack_ns, b3, sizeof b3));
        if (s->resp_max_keepalives > 0)
            tcpx_append_printf(t, "; %u keep-alives while it waited, so the connection stayed up",
                                   s->resp_max_keepalives);
        g_string_append(t, ".");
    }
    if (s->resets[0] + s->resets[1] > 0)
        tcpx_append_printf(t, " Resets: %u from the client, %u from the server (first from the %s).",
                               s->resets[0], s->resets[1], tcpx_health_side_name(s->rst_side));
    if (s->reordered)
        tcpx_append_printf(t, " %u segment%s arrived out of order (reordering in the network, harmless unless frequent).",
                               s->reordered, s->reordered == 1 ? "" : "s");
    if (s->refusals)
        tcpx_append_printf(t, " %u earlier attempt%s on these ports %s refused by the server before this connection.",
                               s->refusals, s->refusals == 1 ? "" : "s", s->refusals == 1 ? "was" : "were");
    if (s->capture_gaps + s->acked_unseen > 0 || s->lost_bytes > 0) {
        tcpx_append_printf(t, " Not captured: %" G_GUINT64_FORMAT " bytes (about %u segments at the MSS)",
                               s->lost_bytes, s->lost_segments);
        if (s->acked_unseen)
            tcpx_append_printf(t, ", and %u ACKs of segments the capture never saw", s->acked_unseen);
        if (s->capture_gaps + s->acked_unseen > 0)
            g_string_append(t, "; the missing packets were delivered (no retransmission or only at the capture's start), so the capture missed them, not the network");
        g_string_append(t, ".");
    }
    if (s->capture_dups)
        tcpx_append_printf(t, " %u frames are duplicates in the capture.", s->capture_dups);
    tcpx_append_printf(t, " Connection: %s.", s->done_text);
    if (s->rtt_ref_ns > 0)
        tcpx_append_printf(t, " RTT %s ms%s.", tcpx_health_ms_text(s->rtt_ref_ns, b1, sizeof b1),
                               s->irtt_ns > 0 ? " (handshake)" : " (ACKs)");
    if (s->position != TCPX_POS_UNKNOWN)
        tcpx_append_printf(t, " Captured %s (SYN to SYN-ACK %s ms, SYN-ACK to ACK %s ms).",
                               tcpx_position_words(s->position),
                               tcpx_health_ms_text(s->hs_d1_ns, b1, sizeof b1),
                               tcpx_health_ms_text(s->hs_d2_ns, b2, sizeof b2));
    tcpx_health_append_wrapped(out, t->str, 2);
    g_string_free(t, TRUE);
}

void
tcpx_health_render_paragraphs(const tcpx_health_t *h, GString *out)
{
    GPtrArray *a;
    guint i, shown = 0;
    if (tcpx_health_analysis_off(h)) {
        g_string_append(out, "No stream judged: TCP's sequence analysis is off (see above).\n");
        return;
    }
    a = tcpx_health_worst_first(h);
    for (i = 0; i < a->len; i++) {
        const tcpx_health_stream_t *s = (const tcpx_health_stream_t *)g_ptr_array_index(a, i);
        if (!tcpx_health_unhealthy(s))
            continue;
        if (shown++)
            g_string_append_c(out, '\n');
        tcpx_health_render_paragraph(s, out);
    }
    if (!shown)
        g_string_append(out, "All TCP streams look healthy.\n");
    g_ptr_array_unref(a);
}
