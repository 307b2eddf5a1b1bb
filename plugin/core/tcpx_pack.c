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

/* The finding's fields after kind, cause and n_listed, in packing order (the
 * commonest first: the mask of a retransmission fits in 3 bytes), by type:
 * unsigned (U8, U16, U32) or signed (I8, I64: zigzag-encoded). */
/* clang-format off */
#define PACKED_FIELDS(U8, U16, U32, I8, I64) \
    U32(orig_frame) I64(orig_age_ns) U32(ack_frame) I64(ack_age_ns) U32(ref_frame) I64(ref_age_ns) \
    U32(listed[0]) U32(listed[1]) U32(listed[2]) U32(listed[3]) \
    U32(lo) U32(hi) U32(bytes) U32(count) U32(total) I64(rtt_ns) I64(idle_ns) \
    U32(attempt) U32(waits_for) U32(dupacks) U32(mss) U32(segments) U32(held_lo) U32(bytes2) U32(prev_stream) U32(quiet_frame) U32(mtu) \
    I64(syn_synack_ns) I64(synack_ack_ns) U8(zero_checksum) U16(checksum) \
    U16(sender_opts.mss) I8(sender_opts.wscale) U8(sender_opts.flags) \
    U16(peer_opts.mss) I8(peer_opts.wscale) U8(peer_opts.flags) U8(ttl) U8(ttl_ref) U8(order_by)
/* clang-format on */

#define FIELD(f, signed_) { offsetof(tcpx_finding_t, f), sizeof(((tcpx_finding_t *)0)->f), signed_ },
#define UNSIGNED(f) FIELD(f, FALSE)
#define SIGNED(f) FIELD(f, TRUE)
/* clang-format off */
static const struct { guint16 offset; guint8 size; gboolean is_signed; } fields[] = {
    PACKED_FIELDS(UNSIGNED, UNSIGNED, UNSIGNED, SIGNED, SIGNED)
};
/* clang-format on */
#undef FIELD
#undef UNSIGNED
#undef SIGNED
G_STATIC_ASSERT(G_N_ELEMENTS(fields) <= 64);
G_STATIC_ASSERT(TCPX_MAX_LISTED == 4);
/* A field added to tcpx_finding_t needs a row above (then update the size here). */
G_STATIC_ASSERT(sizeof(tcpx_finding_t) == 168);

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
zigzag(gint64 v)
{
    return ((guint64)v << 1) ^ (guint64)(v >> 63);
}

/* Writes field i from its encoded value; FALSE if the value does not fit. */
static gboolean
field_set(tcpx_finding_t *f, guint i, guint64 z)
{
    char *at = (char *)f + fields[i].offset;
    if (fields[i].is_signed) {
        gint64 v = (gint64)(z >> 1) ^ -(gint64)(z & 1);
        if (fields[i].size == 1) {
            if (v < G_MININT8 || v > G_MAXINT8)
                return FALSE;
            gint8 v8 = (gint8)v;
            memcpy(at, &v8, 1);
        } else {
            memcpy(at, &v, sizeof v);
        }
        return TRUE;
    }
    if (fields[i].size < 8 && z >> (8 * fields[i].size))
        return FALSE;
    guint8 v8 = (guint8)z;
    guint16 v16 = (guint16)z;
    guint32 v32 = (guint32)z;
    memcpy(at, fields[i].size == 1 ? (void *)&v8 : fields[i].size == 2 ? (void *)&v16 : (void *)&v32, fields[i].size);
    return TRUE;
}

/* Its complexity is the unrolled field list (PACKED_FIELDS), kept for speed: most frames
 * with a finding are packed, and a table walk measured dearer. */
gsize
tcpx_result_pack(const tcpx_result_t *r, guint8 *buf) // NOLINT(readability-function-cognitive-complexity)
{
    guint8 *p = buf;
    guint n = MIN(r->n, TCPX_MAX_FINDINGS);
    *p++ = r->phase;
    *p++ = r->from_client;
    *p++ = (guint8)n;
    for (guint k = 0; k < n; k++) {
        const tcpx_finding_t *f = &r->f[k];
        guint64 present[G_N_ELEMENTS(fields)], mask = 0, bit = 1;
        guint32 n_present = 0;
        *p++ = f->kind;
        *p++ = f->cause;
        *p++ = f->n_listed;
        /* Unrolled (one test per field, no table walk): most frames with a finding are packed. */
#define KEEP(v)                        \
    do {                               \
        guint64 v_ = (v);              \
        if (v_) {                      \
            mask |= bit;               \
            present[n_present++] = v_; \
        }                              \
        bit <<= 1;                     \
    } while (0)
#define UNSIGNED(name) KEEP(f->name);
#define SIGNED(name) KEEP(zigzag(f->name));
        PACKED_FIELDS(UNSIGNED, UNSIGNED, UNSIGNED, SIGNED, SIGNED)
#undef UNSIGNED
#undef SIGNED
#undef KEEP
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

/* ---- the per-frame cache ------------------------------------------------ */

#define RECORD_HEAD 3 /* layer, length low byte, length high byte */

void
tcpx_store_init(tcpx_store_t *s, const tcpx_alloc_t *alloc)
{
    memset(s, 0, sizeof *s);
    s->alloc = *alloc;
}

/* Room for `more` bytes (doubling, so appends cost O(1) on average). */
static gboolean
reserve_bytes(tcpx_store_t *s, gsize more)
{
    if (s->used + more <= s->cap)
        return TRUE;
    guint64 cap = s->cap ? s->cap : 4096;
    while (cap < s->used + more)
        cap *= 2;
    if (cap > G_MAXUINT32)
        cap = G_MAXUINT32;
    if (s->used + more > cap)
        return FALSE;
    s->bytes = (guint8 *)s->alloc.realloc(s->alloc.ctx, s->bytes, (gsize)cap);
    s->cap = (guint32)cap;
    return TRUE;
}

static gboolean
reserve_entry(tcpx_store_t *s)
{
    if (s->n < s->n_cap)
        return TRUE;
    if (s->n_cap >= G_MAXUINT32 / 2)
        return FALSE;
    guint32 cap = s->n_cap ? s->n_cap * 2 : 1024;
    s->index = (tcpx_store_entry_t *)s->alloc.realloc(s->alloc.ctx, s->index, cap * sizeof *s->index);
    s->n_cap = cap;
    return TRUE;
}

/* Where frame i's records end: where the next frame's start, or the end of the bytes. */
static guint32
records_end(const tcpx_store_t *s, guint32 i)
{
    return i + 1 < s->n ? s->index[i + 1].offset : s->used;
}

static const guint8 *
find_record(const tcpx_store_t *s, guint32 i, guint8 layer, gsize *len)
{
    for (guint32 at = s->index[i].offset, end = records_end(s, i); at + RECORD_HEAD <= end;) {
        const guint8 *r = s->bytes + at;
        gsize n = r[1] | (gsize)r[2] << 8;
        if (r[0] == layer) {
            *len = n;
            return r + RECORD_HEAD;
        }
        at += RECORD_HEAD + (guint32)n;
    }
    return NULL;
}

gboolean
tcpx_store_put(tcpx_store_t *s, guint32 frame, guint8 layer, const guint8 *packed, gsize len)
{
    gsize ignored;
    gboolean same_frame = s->n && s->index[s->n - 1].frame == frame;
    if (len > 0xffff || (s->n && frame < s->index[s->n - 1].frame) ||
        (same_frame && find_record(s, s->n - 1, layer, &ignored)))
        return FALSE;
    if (!reserve_bytes(s, RECORD_HEAD + len) || (!same_frame && !reserve_entry(s)))
        return FALSE;
    if (!same_frame) {
        s->index[s->n].frame = frame;
        s->index[s->n].offset = s->used;
        s->n++;
    }
    guint8 *r = s->bytes + s->used;
    r[0] = layer;
    r[1] = (guint8)len;
    r[2] = (guint8)(len >> 8);
    memcpy(r + RECORD_HEAD, packed, len);
    s->used += (guint32)(RECORD_HEAD + len);
    return TRUE;
}

const guint8 *
tcpx_store_get(const tcpx_store_t *s, guint32 frame, guint8 layer, gsize *len)
{
    guint32 lo = 0, hi = s->n;
    while (lo < hi) {
        guint32 mid = lo + (hi - lo) / 2;
        if (s->index[mid].frame < frame)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == s->n || s->index[lo].frame != frame)
        return NULL;
    return find_record(s, lo, layer, len);
}
