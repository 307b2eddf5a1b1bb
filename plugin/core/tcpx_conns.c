/* tcpx_conns.c: the first pass's TCP connections by addresses and ports (tcpx_conns.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>
#include "tcpx_conns.h"

#define FIRST_CAP 256

struct tcpx_conns {
    tcpx_alloc_t alloc;
    tcpx_conn_t *slot; /* open addressing, linear probing; a power of two, at most half full */
    guint cap, n;
};

static tcpx_conn_t *
new_slots(const tcpx_alloc_t *alloc, guint cap)
{
    return (tcpx_conn_t *)alloc->alloc0(alloc->ctx, cap * sizeof(tcpx_conn_t));
}

tcpx_conns_t *
tcpx_conns_new(const tcpx_alloc_t *alloc)
{
    tcpx_conns_t *t = (tcpx_conns_t *)alloc->alloc0(alloc->ctx, sizeof *t);
    t->alloc = *alloc;
    t->cap = FIRST_CAP;
    t->slot = new_slots(alloc, t->cap);
    return t;
}

/* The key's bytes as whole 8-byte words (the caller zeroed its padding). */
static guint
key_hash(const tcpx_conn_key_t *key)
{
    guint64 h = G_GUINT64_CONSTANT(0x9E3779B97F4A7C15);
    for (gsize i = 0; i < sizeof *key; i += 8) {
        guint64 w;
        memcpy(&w, (const guint8 *)key + i, 8);
        h = (h ^ w) * G_GUINT64_CONSTANT(0xFF51AFD7ED558CCD);
        h ^= h >> 32;
    }
    return (guint)h;
}

/* The key's slot, or the free slot where it would go. */
static tcpx_conn_t *
find_slot(tcpx_conn_t *slot, guint cap, const tcpx_conn_key_t *key)
{
    guint i = key_hash(key) & (cap - 1);
    while (slot[i].used && memcmp(&slot[i].key, key, sizeof *key) != 0)
        i = (i + 1) & (cap - 1);
    return &slot[i];
}

static void
grow(tcpx_conns_t *t)
{
    guint cap = t->cap * 2;
    tcpx_conn_t *slot = new_slots(&t->alloc, cap);
    for (guint i = 0; i < t->cap; i++)
        if (t->slot[i].used)
            *find_slot(slot, cap, &t->slot[i].key) = t->slot[i];
    t->alloc.realloc(t->alloc.ctx, t->slot, 0);
    t->slot = slot;
    t->cap = cap;
}

tcpx_conn_t *
tcpx_conns_lookup(tcpx_conns_t *t, const tcpx_conn_key_t *key, gboolean add)
{
    tcpx_conn_t *c = find_slot(t->slot, t->cap, key);
    if (c->used || !add)
        return c->used ? c : NULL;
    if ((t->n + 1) * 2 > t->cap) {
        grow(t);
        c = find_slot(t->slot, t->cap, key);
    }
    c->key = *key;
    c->used = 1;
    t->n++;
    return c;
}

guint
tcpx_conns_count(const tcpx_conns_t *t)
{
    return t->n;
}

void
tcpx_conns_free(tcpx_conns_t *t)
{
    if (!t)
        return;
    t->alloc.realloc(t->alloc.ctx, t->slot, 0);
    t->alloc.realloc(t->alloc.ctx, t, 0);
}
