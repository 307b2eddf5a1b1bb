/* tcpx_health_gui.c: how the GUI's stream table writes the cells of the column list
 * (tcpx_health_columns.h), in plain C so that unit tests can read them.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>
#include "tcpx_health_columns.h"
#include "tcpx_units.h"

/* ---- the GUI's cells ------------------------------------------------------- */

/* How the Qt dialog (SimpleStatisticsDialog) shows a stat_tap_table decides the form:
 *  - 4.0 draws TABLE_ITEM_FLOAT with six decimals whatever the format, and a
 *    number cannot be empty: measured values that can be unknown are strings,
 *    formatted here, empty when unknown;
 *  - strings sort with strcmp: numbers are right-aligned in a fixed width
 *    (padded with spaces, which sort before digits), so they sort numerically. */

gboolean
tcpx_health_gui_is_count(const tcpx_health_column_t *c)
{
    return c->unit == TCPX_HU_COUNT;
}

gboolean
tcpx_health_gui_right_aligned(const tcpx_health_column_t *c)
{
    return c->unit == TCPX_HU_COUNT || c->gui.width > 0;
}

guint
tcpx_health_gui_count(const tcpx_health_column_t *c, const tcpx_health_stream_t *s)
{
    tcpx_health_value_t v;
    tcpx_health_column_get(c, s, &v);
    return v.v.count > G_MAXUINT ? G_MAXUINT : (guint)v.v.count;
}

/* A number with `decimals` decimals, right-aligned in `width`. */
static char *
padded_number(double x, int decimals, int width)
{
    char b[G_ASCII_DTOSTR_BUF_SIZE];
    g_ascii_formatd(b, sizeof b, decimals == 2 ? "%.2f" : "%.3f", x);
    return g_strdup_printf("%*s", width, b);
}

char *
tcpx_health_gui_text(const tcpx_health_column_t *c, const tcpx_health_stream_t *s)
{
    tcpx_health_value_t v;

    tcpx_health_column_get(c, s, &v);
    if (c->unit == TCPX_HU_ENDPOINT)
        return g_strdup_printf("%s%s", v.known ? v.v.text : "?",
                               (c->flags & TCPX_HC_GUESS_MARK) && s->roles_guessed ? " (guessed)" : "");
    if (!v.known)
        return g_strdup("");
    switch (c->unit) {
    case TCPX_HU_INT: return g_strdup_printf("%*" G_GINT64_FORMAT, c->gui.width, v.v.num);
    case TCPX_HU_POSITION: return g_strdup(tcpx_position_words(v.v.position));
    case TCPX_HU_PAIR: return g_strdup_printf("%u/%u", v.v.pair[0], v.v.pair[1]);
    case TCPX_HU_SECONDS: return padded_number((double)v.v.num / NS_PER_S, 3, c->gui.width);
    case TCPX_HU_MS: return padded_number((double)v.v.num / NS_PER_MS, 3, c->gui.width);
    case TCPX_HU_PERCENT: return padded_number(v.v.real, 2, c->gui.width);
    case TCPX_HU_COUNT: return g_strdup_printf("%" G_GUINT64_FORMAT, v.v.count);
    case TCPX_HU_TEXT: return g_strdup(v.v.text);
    default: return g_strdup("");
    }
}

/* A number, or "-" when a side did not say. */
static const char *
option_text(gboolean said, int x, char *buf, gsize len)
{
    if (!said)
        return "-";
    g_snprintf(buf, len, "%d", x);
    return buf;
}

/* The GUI's options: "MSS 1460/1460, WS 7/7, SACK". */
void
tcpx_health_get_options(const tcpx_health_stream_t *s, tcpx_health_value_t *v)
{
    char b[4][8];
    v->known = TRUE;
    v->v.text = "";
    if (!s->options_known)
        return;
    g_snprintf(v->buf, sizeof v->buf, "MSS %s/%s, WS %s/%s%s%s",
               option_text(s->mss[0] != 0, s->mss[0], b[0], sizeof b[0]),
               option_text(s->mss[1] != 0, s->mss[1], b[1], sizeof b[1]),
               option_text(s->wscale[0] >= 0, s->wscale[0], b[2], sizeof b[2]),
               option_text(s->wscale[1] >= 0, s->wscale[1], b[3], sizeof b[3]), s->sack ? ", SACK" : "",
               s->ecn ? ", ECN" : "");
    v->v.text = v->buf;
}
