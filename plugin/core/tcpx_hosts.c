/* tcpx_hosts.c: see tcpx_hosts.h.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>
#include "tcpx_hosts.h"
#include "tcpx_units.h"

/* A reset this much faster than the host's handshakes (and by more than FAST_MIN_NS) did not travel to it. */
#define FAST_FACTOR 4
#define FAST_MIN_NS NS_PER_MS

typedef struct {
    guint8 len;
    guint8 addr[16];
    tcpx_host_t host;
} entry_t;

struct tcpx_hosts {
    tcpx_alloc_t alloc;
    entry_t **slot; /* open addressing, a power of two */
    guint cap, n;
};

tcpx_hosts_t *
tcpx_hosts_new(const tcpx_alloc_t *alloc)
{
    tcpx_hosts_t *t = (tcpx_hosts_t *)alloc->alloc0(alloc->ctx, sizeof *t);
    t->alloc = *alloc;
    t->cap = 64;
    t->slot = (entry_t **)alloc->alloc0(alloc->ctx, t->cap * sizeof(entry_t *));
    return t;
}

static guint
addr_hash(const guint8 *addr, guint len)
{
    guint h = 2166136261u;
    for (guint i = 0; i < len; i++)
        h = (h ^ addr[i]) * 16777619u;
    return h;
}

static entry_t **
find_slot(entry_t **slot, guint cap, const guint8 *addr, guint len)
{
    guint i = addr_hash(addr, len) & (cap - 1);
    while (slot[i] && !(slot[i]->len == len && memcmp(slot[i]->addr, addr, len) == 0))
        i = (i + 1) & (cap - 1);
    return &slot[i];
}

static void
grow(tcpx_hosts_t *t)
{
    guint cap = t->cap * 2;
    entry_t **slot = (entry_t **)t->alloc.alloc0(t->alloc.ctx, cap * sizeof(entry_t *));
    for (guint i = 0; i < t->cap; i++)
        if (t->slot[i])
            *find_slot(slot, cap, t->slot[i]->addr, t->slot[i]->len) = t->slot[i];
    t->alloc.realloc(t->alloc.ctx, t->slot, 0);
    t->slot = slot;
    t->cap = cap;
}

tcpx_host_t *
tcpx_hosts_get(tcpx_hosts_t *t, const guint8 *addr, guint len)
{
    if (!t || !addr)
        return NULL;
    len = MIN(len, 16);
    entry_t **at = find_slot(t->slot, t->cap, addr, len);
    if (*at)
        return &(*at)->host;
    if ((t->n + 1) * 2 > t->cap) {
        grow(t);
        at = find_slot(t->slot, t->cap, addr, len);
    }
    entry_t *e = (entry_t *)t->alloc.alloc0(t->alloc.ctx, sizeof *e);
    e->len = (guint8)len;
    memcpy(e->addr, addr, len);
    *at = e;
    t->n++;
    return &e->host;
}

guint
tcpx_hosts_count(const tcpx_hosts_t *t)
{
    return t ? t->n : 0;
}

void
tcpx_hosts_free(tcpx_hosts_t *t)
{
    if (!t)
        return;
    for (guint i = 0; i < t->cap; i++)
        if (t->slot[i])
            t->alloc.realloc(t->alloc.ctx, t->slot[i], 0);
    t->alloc.realloc(t->alloc.ctx, t->slot, 0);
    t->alloc.realloc(t->alloc.ctx, t, 0);
}

void
tcpx_host_learn_ttl(tcpx_host_t *h, guint8 ttl)
{
    if (!h)
        return;
    for (guint i = 0; i < h->n_ttl; i++)
        if (h->ttl[i] == ttl)
            return;
    if (h->n_ttl < TCPX_HOST_TTLS)
        h->ttl[h->n_ttl++] = ttl;
    else
        h->ttl_many = TRUE;
}

void
tcpx_host_learn_handshake(tcpx_host_t *h, const tcpx_host_t *client, gint64 d1_ns, gint64 d2_ns)
{
    if (!h || d1_ns < 0 || d2_ns < 0)
        return;
    if (h->hs_known && h->hs_d1_ns + h->hs_d2_ns <= d1_ns + d2_ns)
        return;
    h->hs_known = TRUE;
    h->hs_d1_ns = d1_ns;
    h->hs_d2_ns = d2_ns;
    h->hs_peer = client;
}

/* The host's TTL nearest to ttl, and how far it is. */
static guint8
nearest_ttl(const tcpx_host_t *h, guint8 ttl, guint *dist)
{
    guint8 best = 0;
    *dist = G_MAXUINT;
    for (guint i = 0; i < h->n_ttl; i++) {
        guint d = (guint)ABS((int)h->ttl[i] - (int)ttl);
        if (d < *dist) {
            *dist = d;
            best = h->ttl[i];
        }
    }
    return best;
}

void
tcpx_rst_judge(const tcpx_host_t *h, gboolean has_ttl, guint8 ttl, gint64 delay_ns, tcpx_rst_evidence_t *ev)
{
    memset(ev, 0, sizeof *ev);
    ev->ttl = has_ttl ? ttl : 0;
    ev->delay_ns = delay_ns > 0 ? delay_ns : 0;
    if (!h)
        return;
    gboolean ttl_known = has_ttl && h->n_ttl > 0 && !h->ttl_many;
    if (ttl_known) {
        guint dist;
        ev->ttl_ref = nearest_ttl(h, ttl, &dist);
        ev->ttl_differs = dist > TCPX_TTL_HOPS_SAME;
    }
    gboolean timed = ev->delay_ns > 0 && h->hs_known && h->hs_d1_ns > 0;
    if (timed) {
        ev->hs_ns = h->hs_d1_ns;
        /* divided, not multiplied: any 64-bit time, no overflow */
        ev->too_fast = ev->delay_ns < h->hs_d1_ns / FAST_FACTOR && h->hs_d1_ns - ev->delay_ns > FAST_MIN_NS;
    }
    if (ev->ttl_differs || ev->too_fast)
        ev->origin = TCPX_RST_FORGED;
    else if (ttl_known || timed)
        ev->origin = TCPX_RST_FROM_HOST;
}
