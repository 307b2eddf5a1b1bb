/* test_conns.c: the reader's table of connections by addresses and ports (tcpx_conns.c): found
 * again after it grows, distinct keys kept apart, nothing made by a plain lookup.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>
#include <glib.h>
#include "tcpx_conns.h"

static void *
alloc0(void *ctx, gsize size)
{
    return g_malloc0(size);
}

static void *
realloc_or_free(void *ctx, void *ptr, gsize size)
{
    return g_realloc(ptr, size);
}

static const tcpx_alloc_t glib_alloc = { alloc0, realloc_or_free, NULL };

static tcpx_conn_key_t
key_of(guint32 client, guint16 client_port)
{
    tcpx_conn_key_t k;
    memset(&k, 0, sizeof k);
    memcpy(k.addr[0], &client, 4);
    k.addr[1][0] = 10;
    k.port[0] = client_port;
    k.port[1] = 80;
    k.len = 4;
    return k;
}

static void
test_add_and_find_through_growth(void)
{
    tcpx_conns_t *t = tcpx_conns_new(&glib_alloc);
    const guint n = 5000; /* the table starts at 256 slots: it doubles several times */
    for (guint i = 0; i < n; i++) {
        tcpx_conn_key_t k = key_of(i / 7, (guint16)(1024 + i % 7));
        g_assert_null(tcpx_conns_lookup(t, &k, FALSE));
        tcpx_conn_t *c = tcpx_conns_lookup(t, &k, TRUE);
        g_assert_nonnull(c);
        g_assert_null(c->tcp_conn);
        c->tcp_conn = GUINT_TO_POINTER(i + 1);
        g_assert_true(tcpx_conns_lookup(t, &k, TRUE) == c); /* an add of a known key finds it */
    }
    g_assert_cmpuint(tcpx_conns_count(t), ==, n);
    for (guint i = 0; i < n; i++) {
        tcpx_conn_key_t k = key_of(i / 7, (guint16)(1024 + i % 7));
        tcpx_conn_t *c = tcpx_conns_lookup(t, &k, FALSE);
        g_assert_nonnull(c);
        g_assert_cmpuint(GPOINTER_TO_UINT(c->tcp_conn), ==, i + 1);
    }
    tcpx_conn_key_t other = key_of(1, 1024);
    other.len = 16; /* the same bytes as an IPv6 key: another connection */
    g_assert_null(tcpx_conns_lookup(t, &other, FALSE));
    tcpx_conns_free(t);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/conns/add_and_find_through_growth", test_add_and_find_through_growth);
    return g_test_run();
}
