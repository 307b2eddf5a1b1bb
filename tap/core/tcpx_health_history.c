/* tcpx_health_history.c: a stream's story in letters, as Zeek's conn.log history
 * field writes it, so that a stream reads at a glance and the readers of Zeek logs
 * read it at once: "ShADadFf" is a clean connection, "ShADadTtFf" one with
 * retransmissions both ways.
 *
 * Uppercase: the client (the SYN sender, or the guessed one); lowercase: the server.
 *   S SYN   H SYN-ACK   A pure ACK   D data   F FIN   R RST
 *   T retransmission   G gap (bytes the capture did not see)   W zero window
 *   C bad or zero checksum   I inconsistent flags (SYN with RST)   Q SYN with FIN
 *   ^ (first) the client was guessed from the ports: no SYN in the capture
 * A letter is written the first time it happens in that direction; T, G, W and C
 * again at the 10th, 100th, 1000th... time, so their repeats say how many.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "tcpx_health_add.h"

/* The letters, by bit in hstream_t.hist_seen; the first four repeat (hist_count). */
static const char LETTERS[] = "TGWCSHADFRIQ";
enum {
    L_T,
    L_G,
    L_W,
    L_C,
    L_S,
    L_H,
    L_A,
    L_D,
    L_F,
    L_R,
    L_I,
    L_Q,
    REPEATING = L_S
};

static void
append(tcpx_health_stream_t *s, char letter)
{
    gsize n = strlen(s->history);
    if (n + 1 < sizeof s->history) {
        s->history[n] = letter;
        s->history[n + 1] = '\0';
    }
}

/* Letter i of LETTERS, by the client (d 0: uppercase) or the server: written the first time,
 * and for the repeating ones at 10, 100, 1000... times. */
static void
note(hstream_t *hs, int d, guint i)
{
    gboolean write;
    if (i < REPEATING) {
        guint32 n = ++hs->hist_count[d][i];
        while (n % 10 == 0)
            n /= 10;
        write = n == 1;
    } else {
        write = !(hs->hist_seen[d] & (G_GUINT64_CONSTANT(1) << i));
        hs->hist_seen[d] |= G_GUINT64_CONSTANT(1) << i;
    }
    if (write)
        append(&hs->pub, d == 0 ? LETTERS[i] : g_ascii_tolower(LETTERS[i]));
}

void
tcpx_health_add_history(hstream_t *hs, const tcpx_tap_rec_t *rec, const rec_view_t *r)
{
    int d = r->d;
    if (hs->pub.history[0] == '\0' && rec->roles_guessed)
        append(&hs->pub, '^');
    if (r->syn && (r->rst || r->fin))
        note(hs, d, r->rst ? L_I : L_Q);
    else if (r->syn)
        note(hs, d, r->ack ? L_H : L_S);
    if (r->fin && !r->syn)
        note(hs, d, L_F);
    if (r->rst && !r->syn)
        note(hs, d, L_R);
    if (rec->len > 0 && !r->keepalive && !r->probe)
        note(hs, d, L_D);
    else if (r->ack && !r->syn && !r->fin && !r->rst)
        note(hs, d, L_A);
    if (r->retx_any)
        note(hs, d, L_T);
    if ((r->kinds & K(TCPX_K_LOST_SEGMENT)) || rec->lost_bytes > 0)
        note(hs, d, L_G);
    if (r->kinds & K(TCPX_K_ZERO_WINDOW))
        note(hs, d, L_W);
    if (r->kinds & K(TCPX_K_CHECKSUM))
        note(hs, d, L_C);
}
