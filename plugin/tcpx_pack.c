/* tcpx_pack.c: see tcpx_pack.h.
 *
 * Layout: phase, from_client, n (one byte each), then per finding: kind,
 * cause, n_listed (one byte each), a varint bit mask of the fields below that
 * are non-zero, and those fields as varints (signed ones zigzag-encoded).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>
#include <stddef.h>

#include "tcpx_pack.h"

/* The finding's numeric fields, in packing order. */
#define U32(f) { offsetof(tcpx_finding_t, f), FALSE }
#define I64(f) { offsetof(tcpx_finding_t, f), TRUE }
static const struct { gsize offset; gboolean is_i64; } fields[] = {
    U32(orig_frame), I64(orig_age_ns), U32(ack_frame), I64(ack_age_ns),
    U32(ref_frame), I64(ref_age_ns),
    U32(listed[0]), U32(listed[1]), U32(listed[2]), U32(listed[3]),
    U32(lo), U32(hi), U32(bytes), U32(bytes2), U32(count), U32(total),
    U32(segments), U32(mss), U32(waits_for),
    I64(rtt_ns), I64(t1_ns), I64(t2_ns),
};
#undef U32
#undef I64
G_STATIC_ASSERT(G_N_ELEMENTS(fields) <= 32);
G_STATIC_ASSERT(TCPX_MAX_LISTED == 4);
/* A field added to tcpx_finding_t needs a row above (then update the size here). */
G_STATIC_ASSERT(sizeof(tcpx_finding_t) == 128);

static guint8 *
put_varint(guint8 *p, guint64 v)
{
    while (v >= 0x80) {
        *p++ = (guint8)(v | 0x80);
        v >>= 7;
    }
    *p++ = (guint8)v;
    return p;
}

static gboolean
get_varint(const guint8 **p, const guint8 *end, guint64 *v)
{
    guint64 x = 0;
    for (guint shift = 0; shift < 64; shift += 7) {
        if (*p >= end)
            return FALSE;
        guint8 b = *(*p)++;
        x |= (guint64)(b & 0x7F) << shift;
        if (!(b & 0x80)) {
            *v = x;
            return TRUE;
        }
    }
    return FALSE;
}

static guint64
field_get(const tcpx_finding_t *f, guint i)
{
    const char *at = (const char *)f + fields[i].offset;
    if (fields[i].is_i64) {
        gint64 v;
        memcpy(&v, at, sizeof v);
        return ((guint64)v << 1) ^ (guint64)(v >> 63);   /* zigzag */
    }
    guint32 v;
    memcpy(&v, at, sizeof v);
    return v;
}

static gboolean
field_set(tcpx_finding_t *f, guint i, guint64 z)
{
    char *at = (char *)f + fields[i].offset;
    if (fields[i].is_i64) {
        gint64 v = (gint64)(z >> 1) ^ -(gint64)(z & 1);
        memcpy(at, &v, sizeof v);
        return TRUE;
    }
    if (z > G_MAXUINT32)
        return FALSE;
    guint32 v = (guint32)z;
    memcpy(at, &v, sizeof v);
    return TRUE;
}

gsize
tcpx_result_pack(const tcpx_result_t *r, guint8 *buf)
{
    guint8 *p = buf;
    guint n = MIN(r->n, TCPX_MAX_FINDINGS);
    *p++ = r->phase;
    *p++ = r->from_client;
    *p++ = (guint8)n;
    for (guint k = 0; k < n; k++) {
        const tcpx_finding_t *f = &r->f[k];
        guint64 present[G_N_ELEMENTS(fields)];
        guint32 mask = 0, n_present = 0;
        *p++ = f->kind;
        *p++ = f->cause;
        *p++ = f->n_listed;
        for (guint i = 0; i < G_N_ELEMENTS(fields); i++) {
            guint64 v = field_get(f, i);
            if (v) {
                mask |= 1u << i;
                present[n_present++] = v;
            }
        }
        p = put_varint(p, mask);
        for (guint i = 0; i < n_present; i++)
            p = put_varint(p, present[i]);
    }
    return (gsize)(p - buf);
}

gboolean
tcpx_result_unpack(const guint8 *buf, gsize len, tcpx_result_t *r)
{
    const guint8 *p = buf, *end = buf + len;
    memset(r, 0, offsetof(tcpx_result_t, f));
    if (len < 3 || buf[2] > TCPX_MAX_FINDINGS)
        return FALSE;
    r->phase = *p++;
    r->from_client = *p++;
    guint n = *p++;
    for (guint k = 0; k < n; k++) {
        tcpx_finding_t *f = &r->f[k];
        guint64 mask, v;
        memset(f, 0, sizeof *f);
        if (end - p < 3)
            goto bad;
        f->kind = *p++;
        f->cause = *p++;
        f->n_listed = *p++;
        if (!get_varint(&p, end, &mask) || mask >> G_N_ELEMENTS(fields))
            goto bad;
        for (guint i = 0; i < G_N_ELEMENTS(fields); i++) {
            if (!(mask & (G_GUINT64_CONSTANT(1) << i)))
                continue;
            if (!get_varint(&p, end, &v) || !field_set(f, i, v))
                goto bad;
        }
        r->n = (guint8)(k + 1);
    }
    return p == end;
bad:
    memset(r, 0, offsetof(tcpx_result_t, f));
    return FALSE;
}
