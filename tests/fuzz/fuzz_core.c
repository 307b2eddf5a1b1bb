/* fuzz_core.c: libFuzzer harness for tcpx's pure-C analysis core.
 *
 * The input bytes are read as a script of stream events and TCP headers
 * (tcpx_segment_t field values, as the epan glue would fill them, but with
 * hostile values), fed in order to tcpx_analyze(), with routers' ICMP "too big" errors
 * (tcpx_analyze_icmp), the capture's end (tcpx_hindsight_finish) and, after every
 * segment, the release of closed streams as the glue does it; every finding is rendered
 * with tcpx_render_summary/what/cause/next_step (as the tree builder does),
 * and frames without findings get the glue's phase note.  Invariants checked
 * (abort() on violation): at most TCPX_MAX_FINDINGS findings, kinds and
 * causes inside their tables, every text valid UTF-8, summaries non-empty.
 *
 * Build and run (tests/fuzz/run_fuzz_core.sh does both, as the ctest does):
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
 *     -Iplugin/core tests/fuzz/fuzz_core.c plugin/core/*.c \
 *     $(pkg-config --cflags --libs glib-2.0) -o fuzz_core
 *   ./fuzz_core -max_total_time=60 -seed=1 corpus/
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>

#include "tcpx_core.h"
#include "tcpx_explain.h"
#include "tcpx_text.h"
#include "tcpx_pack.h"
#include "tcpx_hosts.h"

/* ---- input reader: runs out gracefully (zeros) ---- */
typedef struct {
    const uint8_t *p;
    size_t n, off;
} rd_t;

static uint8_t
u8(rd_t *r)
{
    return r->off < r->n ? r->p[r->off++] : 0;
}
static uint16_t
u16(rd_t *r)
{
    return (uint16_t)(u8(r) | (u8(r) << 8));
}
static uint32_t
u32(rd_t *r)
{
    return (uint32_t)u16(r) | ((uint32_t)u16(r) << 16);
}
static uint64_t
u64(rd_t *r)
{
    return (uint64_t)u32(r) | ((uint64_t)u32(r) << 32);
}

/* ---- allocator: every block remembered, freed after the input ---- */
static GPtrArray *blocks;

static void *
fz_alloc0(void *ctx, gsize size)
{
    (void)ctx;
    void *p = g_malloc0(size ? size : 1);
    g_ptr_array_add(blocks, p);
    return p;
}

/* realloc(ptr, 0) frees, as wmem_realloc() and g_realloc() do: a read of released state is
 * a use after free that ASan reports. */
static void *
fz_realloc(void *ctx, void *ptr, gsize size)
{
    (void)ctx;
    if (!size) {
        if (ptr && g_ptr_array_remove_fast(blocks, ptr))
            g_free(ptr);
        return NULL;
    }
    void *p = g_realloc(ptr, size);
    if (ptr) {
        for (guint i = 0; i < blocks->len; i++) {
            if (g_ptr_array_index(blocks, i) == ptr) {
                blocks->pdata[i] = p;
                return p;
            }
        }
    }
    g_ptr_array_add(blocks, p);
    return p;
}

static const tcpx_alloc_t fz_allocator = { fz_alloc0, fz_realloc, NULL };

/* The per-frame cache's packing gives back exactly what the core found. */
static void
check_pack(const tcpx_result_t *r)
{
    static guint8 a[TCPX_PACKED_MAX], b[TCPX_PACKED_MAX];
    tcpx_result_t back;
    gsize la = tcpx_result_pack(r, a);
    if (la > TCPX_PACKED_MAX || !tcpx_result_unpack(a, la, &back) || back.n != r->n || back.phase != r->phase ||
        back.from_client != r->from_client || memcmp(back.f, r->f, r->n * sizeof r->f[0]) != 0)
        abort();
    gsize lb = tcpx_result_pack(&back, b);
    if (lb != la || memcmp(a, b, la) != 0)
        abort();
}

static void
check_text(const GString *s, gboolean nonempty)
{
    if (!g_utf8_validate(s->str, (gssize)s->len, NULL))
        abort();
    if (strlen(s->str) != s->len) /* no NUL inside */
        abort();
    if (nonempty && s->len == 0)
        abort();
}

/* A note for an earlier frame: about an earlier frame of its stream, and in words. */
static void
render_later(const tcpx_stream_t *st, const tcpx_later_t *l, guint32 frame)
{
    if (l->what >= TCPX_LATER_N || l->frame > frame || l->by_frame > frame || l->stream != st->id)
        abort();
    tcpx_finding_t f;
    memset(&f, 0, sizeof f);
    f.kind = TCPX_K_LOST_SEGMENT;
    tcpx_text_ctx_t ctx = { st, &f, TRUE, 0 };
    GString *s = g_string_new(NULL);
    tcpx_render_later(s, l, &ctx, FALSE);
    check_text(s, TRUE);
    tcpx_render_later(s, l, &ctx, TRUE);
    check_text(s, TRUE);
    g_string_free(s, TRUE);
}

static void
render_all(const tcpx_stream_t *st, const tcpx_finding_t *f, gboolean from_client, guint32 ack)
{
    tcpx_text_ctx_t ctx = { st, f, from_client, ack };
    GString *s = g_string_new(NULL);
    const tcpx_kind_info_t *k = tcpx_kind_info((tcpx_kind_t)f->kind);
    if (!k || !k->name)
        abort();
    tcpx_render_summary(s, &ctx);
    check_text(s, TRUE);
    g_string_truncate(s, 0);
    tcpx_render_what(s, &ctx);
    check_text(s, FALSE);
    if (f->cause != TCPX_C_STORY && f->cause != TCPX_C_NONE) {
        g_string_truncate(s, 0);
        tcpx_render_cause(s, &ctx);
        check_text(s, FALSE);
        const tcpx_cause_info_t *c = tcpx_cause_info((tcpx_cause_t)f->cause);
        if (!c || !c->name)
            abort();
    }
    if (k->next_step) {
        g_string_truncate(s, 0);
        tcpx_render_next_step(s, &ctx);
        check_text(s, FALSE);
    }
    g_string_free(s, TRUE);
}

static const char *names[][2] = {
    { "10.0.0.1:40000", "10.0.0.2:80" },
    { "[fd00::1]:51000", "[fd00::2]:443" },
    { "192.0.2.1:80", "192.0.2.1:80" },
    { "", "" },
};
static const guint16 ports[][2] = { { 40000, 80 }, { 51000, 443 }, { 80, 80 }, { 0, 0 } };

#define MAX_STREAMS 4

/* Capture times.  Default: what a classic pcap can hold (0 .. 2^32-1 s, so ns
 * values and their differences fit in 64 bits; Wireshark's RTTs are such
 * differences).  -DTCPX_FUZZ_FULL_TIME: any 64-bit value, as a pcapng with a
 * coarse if_tsresol can give the glue (see tests/fuzz/LONG_RUN.md). */
#ifdef TCPX_FUZZ_FULL_TIME
#define TS_RANGE ((guint64)G_MAXINT64)
#define CLAMP_TS(t) (t)
#else
#define TS_RANGE ((guint64)0xFFFFFFFFu * 1000000000u + 999999999u)
#define CLAMP_TS(t) ((t) < 0 ? 0 : (t) > (gint64)TS_RANGE ? (gint64)TS_RANGE : (t))
#endif

/* The findings of one result: within bounds, each rendered as the tree builder does. */
static void
check_result(tcpx_stream_t *st, const tcpx_result_t *res, guint32 frame, guint32 ack)
{
    if (res->n > TCPX_MAX_FINDINGS || res->n_later > TCPX_MAX_LATERS)
        abort();
    check_pack(res);
    (void)tcpx_phase_name((tcpx_phase_t)res->phase);
    for (int i = 0; i < res->n; i++) {
        const tcpx_finding_t *f = &res->f[i];
        if (f->kind >= TCPX_K_COUNT || f->cause >= TCPX_C_COUNT)
            abort();
        (void)tcpx_kind_severity((tcpx_kind_t)f->kind);
        render_all(st, f, res->from_client, ack);
    }
    for (guint8 i = 0; i < res->n_later; i++)
        render_later(st, &res->later[i], frame);
}

/* A router's ICMP "too big" about one of the stream's segments, with hostile values. */
static void
feed_icmp(tcpx_stream_t *st, rd_t *r, guint32 frame, gint64 ts, const guint32 *seq)
{
    tcpx_icmp_t icmp;
    memset(&icmp, 0, sizeof icmp);
    uint8_t how = u8(r);
    icmp.frame = frame;
    icmp.ts_ns = ts;
    icmp.from_first = how & 1;
    icmp.v6 = (how >> 1) & 1;
    icmp.seq = (how >> 2) & 1 ? u32(r) : seq[!icmp.from_first] - u16(r);
    icmp.packet_len = (how >> 3) & 1 ? u32(r) : u16(r) % 1600;
    icmp.mtu = (how >> 4) & 1 ? u32(r) : u16(r) % 1600;
    tcpx_result_t res;
    memset(&res, 0xA5, sizeof res); /* the core must fill what it reports */
    tcpx_analyze_icmp(st, &icmp, &res);
    check_result(st, &res, frame, 0);
}

/* The capture's end, as the glue asks after the first pass. */
static void
capture_end(tcpx_stream_t *st, gint64 end_ts, guint32 frame)
{
    tcpx_later_t end[4];
    guint n = tcpx_hindsight_finish(st, end_ts, end, G_N_ELEMENTS(end));
    for (guint i = 0; i < n; i++)
        render_later(st, &end[i], frame);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    rd_t r = { data, size, 0 };
    tcpx_stream_t *streams[MAX_STREAMS] = { 0 };
    tcpx_stream_t *prev = NULL;
    guint32 frame = 1, next_id = 0;
    gint64 ts = 1700000000LL * 1000000000LL;
    guint32 seq[2] = { 0, 0 };
    int cur = 0;

    tcpx_release_t closed = { 0 };

    blocks = g_ptr_array_new();
    tcpx_hosts_t *hosts = tcpx_hosts_new(&fz_allocator); /* the capture's hosts: the names' addresses */

    for (int steps = 0; r.off < r.n && steps < 4096; steps++) {
        uint8_t op = u8(&r);
        if ((op & 0x0F) == 0x0F || !streams[cur]) {
            /* a new stream (or a reused 4-tuple) in slot op>>6 */
            cur = (op >> 6) % MAX_STREAMS;
            int nm = (op >> 4) & 3;
            tcpx_stream_t *s = fz_alloc0(NULL, sizeof *s);
            tcpx_stream_init(s, next_id++, names[nm][0], names[nm][1], ports[nm][0], ports[nm][1], &fz_allocator);
            for (int i = 0; i < 2; i++) {
                const char *nmi = names[nm][i];
                s->host[i] = tcpx_hosts_get(hosts, (const guint8 *)nmi, (guint)MIN(strcspn(nmi, ":"), 16));
            }
            if (op & 0x01)
                s->prev = prev ? prev : streams[cur];
            streams[cur] = s;
            prev = s;
            seq[0] = seq[1] = 0;
            if ((op & 0x0F) == 0x0F)
                continue;
        }
        if ((op & 0x0F) == 0x0E) { /* switch stream */
            int slot = (op >> 4) % MAX_STREAMS;
            if (streams[slot])
                cur = slot;
            continue;
        }
        if ((op & 0x0F) == 0x0C) {
            capture_end(streams[cur], CLAMP_TS(ts + (gint64)u32(&r)), frame + 1);
            continue;
        }
        if ((op & 0x0F) == 0x0B) {
            frame += op >> 7; /* its own frame, or one with the stream's segments (a tunnel) */
            feed_icmp(streams[cur], &r, frame, ts, seq);
            tcpx_release_sweep(&closed, ts);
            continue;
        }

        tcpx_segment_t seg;
        memset(&seg, 0, sizeof seg);
        uint8_t how = u8(&r);
        frame += how & 3; /* the glue: frame order, several headers per frame */
        seg.frame = frame;
        switch ((how >> 2) & 3) { /* time: small steps, jumps, backwards, anything */
        case 0: ts += u16(&r) * 1000LL; break;
        case 1: ts += (gint64)u32(&r) * 1000LL; break;
        case 2: ts -= (gint64)u16(&r) * 1000000LL; break;
        default: ts = (gint64)(u64(&r) % TS_RANGE); break;
        }
        ts = CLAMP_TS(ts);
        seg.ts_ns = ts;
        seg.from_first = (how >> 4) & 1;
        int d = seg.from_first ? 0 : 1;
        if ((how >> 5) & 1) {
            seg.seq = u32(&r);
            seg.ack = u32(&r);
        } else {
            seg.seq = seq[d] + (guint32)(gint16)u16(&r);
            seg.ack = seq[!d] + (guint32)(gint16)u16(&r);
        }
        if ((how >> 6) & 1)
            seg.len = u32(&r);
        else
            seg.len = u16(&r) % 3000;
        seq[d] = seg.seq + seg.len;
        seg.flags = u16(&r) & 0x0FFF;
        seg.win = (how >> 7) ? u32(&r) : u16(&r);
        uint8_t opt = u8(&r);
        if (opt & 1)
            seg.mss = u16(&r);
        seg.wscale = (opt & 2) ? (gint8)((u8(&r) % 16) - 1) : -1; /* glue: -1 or 0..14 */
        seg.sack_perm = (opt >> 2) & 1;
        if (opt & 8) {
            seg.has_ts = TRUE;
            seg.tsval = u32(&r);
        }
        seg.tfo = (opt >> 4) % 3;
        seg.n_sack = (opt >> 6) ? u8(&r) % 5 : 0; /* glue: at most 4 */
        for (int i = 0; i < seg.n_sack; i++) {
            seg.sack_le[i] = seg.ack + (guint32)(gint16)u16(&r);
            seg.sack_re[i] = seg.sack_le[i] + (guint32)(gint16)u16(&r);
        }
        uint8_t ip = u8(&r);
        seg.has_ip_id = ip & 1;
        seg.ip_id = seg.has_ip_id ? u16(&r) : 0;
        seg.ip_ecn = (ip >> 1) & 3;
        seg.checksum = (ip & 8) ? 0 : u16(&r);
        seg.has_ttl = seg.has_ip_id || !(ip & 8); /* TTLs 60..67: the same as a host's, one off, or further */
        seg.ip_ttl = (guint8)(60 + ((seg.ip_id ^ seg.checksum) & 7));
        seg.csum = (tcpx_csum_t)((ip >> 4) & 3);
        if (ip & 0x40) { /* Wireshark's analysis */
            seg.ws = u32(&r) & 0x3FFFF;
            if (seg.ws & TCPX_WS_DUPLICATE_ACK) {
                seg.dupack_num = u8(&r);
                seg.dupack_frame = frame - (u8(&r) % (frame + 1));
            }
            seg.bytes_in_flight = u32(&r);
        }
        if (ip & 0x80) {
            seg.acks_frame = frame - (u16(&r) % (frame + 1));
            seg.ack_rtt_ns = (gint64)(u64(&r) % TS_RANGE) - (u8(&r) & 1 ? (gint64)(u64(&r) % TS_RANGE) : 0);
            seg.irtt_ns = (gint64)(u8(&r) & 1 ? u64(&r) % TS_RANGE : u32(&r));
        }

        tcpx_stream_t *st = streams[cur];
        tcpx_result_t res;
        memset(&res, 0xA5, sizeof res); /* the core must fill what it reports */
        tcpx_analyze(st, &seg, &res);
        /* as the glue does: a closed stream quiet for a while gives back its state */
        tcpx_release_note(&closed, st);
        tcpx_release_sweep(&closed, seg.ts_ns);
        check_result(st, &res, seg.frame, seg.ack);
        (void)tcpx_plain_phase(&seg);
        (void)tcpx_stream_rtt(st, &seg);
        if (res.n == 0) { /* the glue's phase note */
            tcpx_finding_t note;
            memset(&note, 0, sizeof note);
            note.kind = seg.len ? TCPX_K_NOTE_DATA : TCPX_K_NOTE_ACK;
            note.cause = TCPX_C_STORY;
            note.lo = seg.seq;
            note.hi = seg.len ? seg.seq + seg.len - 1 : seg.seq;
            render_all(st, &note, res.from_client, seg.ack);
        }
        if ((op & 0x0F) == 0x0D) {
            GString *s = g_string_new(NULL);
            int c = tcpx_client_side(st);
            tcpx_format_syn_options(s, &st->side[c]);
            tcpx_format_syn_options_short(s, &st->side[!c]);
            tcpx_format_negotiated(s, &st->side[c], &st->side[!c]);
            tcpx_format_duration(s, seg.ack_rtt_ns);
            tcpx_format_duration(s, seg.ts_ns);
            tcpx_format_bytes(s, (guint64)seg.len << 20);
            check_text(s, FALSE);
            g_string_free(s, TRUE);
        }
    }

    for (guint i = 0; i < blocks->len; i++)
        g_free(g_ptr_array_index(blocks, i));
    g_ptr_array_free(blocks, TRUE);
    blocks = NULL;
    return 0;
}
