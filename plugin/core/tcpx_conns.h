/* tcpx_conns.h: the first pass's TCP connections by addresses and ports (per capture file).
 *
 * The reader looks a connection up for every TCP header.  Open addressing with the key and the
 * values inline: a lookup reads one cache line, where a hash map's buckets, items, keys and values
 * cost four (the lookup measured 2% of tshark's time on the benchmark with a wmem_map).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef TCPX_CONNS_H
#define TCPX_CONNS_H

#include <glib.h>
#include "tcpx_core.h"

/* Both endpoints' addresses and ports in a canonical order; compared as bytes, so the
 * caller zeroes what it does not fill. */
typedef struct {
    guint8 addr[2][16];
    guint16 port[2];
    guint8 len;
    guint8 pad[3];
} tcpx_conn_key_t;
G_STATIC_ASSERT(sizeof(tcpx_conn_key_t) == 40);

/* One connection: what the glue keeps for it. */
typedef struct {
    tcpx_conn_key_t key;
    void *tcp_conn; /* Wireshark's TCP analysis of the connection */
    void *stream;   /* tcpx's stream, NULL until known */
    guint64 used;   /* 0: a free slot (and the entry fills a cache line) */
} tcpx_conn_t;
G_STATIC_ASSERT(sizeof(tcpx_conn_t) == 64);

typedef struct tcpx_conns tcpx_conns_t;

tcpx_conns_t *tcpx_conns_new(const tcpx_alloc_t *alloc);
/* The connection of `key`, or NULL; with `add`, a new zeroed one if none.  The pointer is valid
 * until the next add. */
tcpx_conn_t *tcpx_conns_lookup(tcpx_conns_t *t, const tcpx_conn_key_t *key, gboolean add);
guint tcpx_conns_count(const tcpx_conns_t *t);
/* For allocators that free (tests). */
void tcpx_conns_free(tcpx_conns_t *t);

#endif
