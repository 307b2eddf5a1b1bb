/* tcpx_health_groups.c: streams judged together, after each was judged alone.
 *
 * Connections that never got going (refused, or SYNs unanswered) are grouped by
 * client host and server host:
 * - a port scan: one client host trying at least SCAN_MIN_PORTS ports of one
 *   server host within SCAN_WINDOW_NS. The refusals and silences are the
 *   scanner's doing: verdict `port_scan`, fault none, not scored as a fault.
 * - a probed host: attempts from at least PROBE_MIN_SOURCES client hosts on at
 *   least SCAN_MIN_PORTS ports of one server host, none of which it served to
 *   anyone in the capture (no SYN-ACK from that port), at least half of them
 *   refused (a host that is down refuses nothing): the background scanning
 *   any host reachable from the internet gets (worms, scanners, one probe each),
 *   not a fault of the host: verdict `port_scan`, fault none.
 * - repeated attempts: at least GROUP_MIN attempts from one client host to one
 *   server host:port; the report says them once ("9 connections from A to B:80
 *   over 67 s, none answered") instead of one paragraph per socket.
 * docs/health-rules.md explains them. Run by tcpx_health_finish().
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stddef.h>
#include <string.h>
#include "tcpx_health_int.h"
#include "tcpx_text.h"

#define SCAN_MIN_PORTS 3
#define SCAN_WINDOW_NS (60 * NS_PER_S)
#define GROUP_MIN 3
#define PROBE_MIN_SOURCES 3

/* What the group texts read. */
typedef struct {
    const tcpx_health_stream_t *s; /* the group's first stream */
    guint32 n, ports, refused, sources;
    gint64 span_ns;
    const char *streams; /* "2, 3, 4" */
} group_ctx_t;

/* clang-format off */
static const char *const scan_verdict =
    "port scan: {client_host} tried {ports} ports of {server_host} within {span} s ({refused} refused{?all_refused:|, "
    "the others unanswered}): the scanner's doing, not a fault of {server_host}";
static const char *const probed_verdict =
    "probed: {server_host} turned away {n} attempts from {sources} hosts on {ports} ports it served to no one in the "
    "capture ({refused} refused{?all_refused:|, the others unanswered}): scanning, not a fault of {server_host}, unless one of those "
    "ports should be served";
static const char *const repeated_sentence =
    "{n} connections from {client_host} to {server} over {span} s, {?all_refused:all refused|none answered} "
    "(streams {streams}).";
/* clang-format on */

#define G(c) ((const group_ctx_t *)(c))
#define U32(c, v) (*(const guint32 *)((const char *)G(c) + (v)->offset))

static gboolean
u32_(GString *o, const tcpx_var_t *v, const void *c)
{
    tcpx_append_uint(o, U32(c, v));
    return TRUE;
}
static gboolean
secs(GString *o, const tcpx_var_t *v, const void *c)
{
    char b[32];
    (void)v;
    g_string_append(o, tcpx_health_secs_text(G(c)->span_ns, b, sizeof b));
    return TRUE;
}
/* A host: the client's (arg 0) or the server's (arg 1) address without its port; arg 2: the server with it. */
static gboolean
host(GString *o, const tcpx_var_t *v, const void *c)
{
    const group_ctx_t *g = c;
    const char *name = v->arg == 0 ? g->s->client : g->s->server;
    const char *colon = name && v->arg < 2 ? strrchr(name, ':') : NULL;
    if (!name)
        return FALSE;
    g_string_append_len(o, name, colon && colon != name ? colon - name : (gssize)strlen(name));
    return TRUE;
}
static gboolean
all_refused(GString *o, const tcpx_var_t *v, const void *c)
{
    (void)o, (void)v;
    return G(c)->refused == G(c)->n;
}
static gboolean
streams(GString *o, const tcpx_var_t *v, const void *c)
{
    const group_ctx_t *g = c;
    (void)v;
    g_string_append(o, g->streams);
    return TRUE;
}

/* clang-format off */
static const tcpx_var_t vars[] = {
    { "n",           u32_,        offsetof(group_ctx_t, n), 0 },
    { "ports",       u32_,        offsetof(group_ctx_t, ports), 0 },
    { "refused",     u32_,        offsetof(group_ctx_t, refused), 0 },
    { "sources",     u32_,        offsetof(group_ctx_t, sources), 0 },
    { "span",        secs,        0, 0 },
    { "client_host", host,        0, 0 },
    { "server_host", host,        0, 1 },
    { "server",      host,        0, 2 },
    { "all_refused", all_refused, 0, 0 },
    { "streams",     streams,     0, 0 },
};
/* clang-format on */
static const tcpx_vars_t group_vars = TCPX_VARS(vars);

static void
render(GString *out, const char *tmpl, const group_ctx_t *ctx)
{
    tcpx_template_render(out, tmpl, &group_vars, ctx);
}

/* The templates, for the test that renders them all (NULL past the last). */
const char *
tcpx_health_group_template(guint i)
{
    static const char *const all[] = { scan_verdict, probed_verdict, repeated_sentence };
    return i < G_N_ELEMENTS(all) ? all[i] : NULL;
}

void
tcpx_health_group_render(GString *out, const char *tmpl, const tcpx_health_stream_t *first)
{
    group_ctx_t ctx = { first, 9, 3, 1, 4, 67 * NS_PER_S, "2, 3" };
    render(out, tmpl, &ctx);
}

static int
host_len(const char *name)
{
    const char *colon = strrchr(name, ':');
    return colon && colon != name ? (int)(colon - name) : (int)strlen(name);
}

/* "client host>server host" */
static char *
pair_key(const tcpx_health_stream_t *s)
{
    const char *c = s->client ? s->client : "?", *v = s->server ? s->server : "?";
    return g_strdup_printf("%.*s>%.*s", host_len(c), c, host_len(v), v);
}

static gboolean
never_connected(const tcpx_health_stream_t *s)
{
    return s->judged && (s->done == TCPX_DONE_REFUSED || s->done == TCPX_DONE_SYN_UNANSWERED) &&
           strcmp(s->verdict_code, "capture_ended") != 0;
}

/* One client host trying SCAN_MIN_PORTS ports or more of one server host within SCAN_WINDOW_NS. */
static gboolean
judge_scan(tcpx_health_t *h, GPtrArray *a)
{
    group_ctx_t ctx = { g_ptr_array_index(a, 0), a->len, 0, 0, 0, 0, "" };
    gint64 t0 = G_MAXINT64, t1 = G_MININT64;
    for (guint i = 0; i < a->len; i++) {
        const tcpx_health_stream_t *s = g_ptr_array_index(a, i);
        guint j = 0;
        while (j < i && ((const tcpx_health_stream_t *)g_ptr_array_index(a, j))->server_port != s->server_port)
            j++;
        ctx.ports += j == i;
        ctx.refused += s->done == TCPX_DONE_REFUSED;
        t0 = MIN(t0, s->first_ts);
        t1 = MAX(t1, s->first_ts);
    }
    if (ctx.ports < SCAN_MIN_PORTS || t1 - t0 > SCAN_WINDOW_NS)
        return FALSE;
    ctx.span_ns = t1 - t0;
    g_string_truncate(h->scratch, 0);
    render(h->scratch, scan_verdict, &ctx);
    for (guint i = 0; i < a->len; i++) {
        tcpx_health_stream_t *s = g_ptr_array_index(a, i);
        s->scan = TRUE;
        s->fault = TCPX_FAULT_NONE;
        s->score = 100;
        s->verdict_code = "port_scan";
        tcpx_health_set_text(&s->verdict, h->scratch->str, TCPX_VERDICT_MAX);
    }
    return TRUE;
}

/* Repeated attempts: GROUP_MIN or more to one server port; each member points at the first. */
static void
group_by_port(GPtrArray *a)
{
    for (guint i = 0; i < a->len; i++) {
        tcpx_health_stream_t *lead = g_ptr_array_index(a, i), *s;
        guint32 n = 0, refused = 0;
        gint64 last = lead->first_ts;
        if (lead->group_n)
            continue;
        for (guint j = i; j < a->len; j++)
            if ((s = g_ptr_array_index(a, j))->server_port == lead->server_port) {
                n++;
                refused += s->done == TCPX_DONE_REFUSED;
                last = MAX(last, s->last_ts);
            }
        if (n < GROUP_MIN)
            continue;
        for (guint j = i; j < a->len; j++)
            if ((s = g_ptr_array_index(a, j))->server_port == lead->server_port) {
                s->group_n = n;
                s->group_lead = lead->stream;
                s->group_refused = refused;
                s->group_span_ns = last - lead->first_ts;
            }
    }
}

/* The attempts on one server host's ports that it served to no one, and from how many hosts. */
typedef struct {
    GPtrArray *streams;
    GHashTable *sources; /* client hosts (owned keys) */
    GHashTable *ports;   /* port + 1 */
} probed_t;

static void
probed_free(probed_t *p)
{
    g_ptr_array_unref(p->streams);
    g_hash_table_destroy(p->sources);
    g_hash_table_destroy(p->ports);
    g_free(p);
}

/* One host's attempts: a probed host when they came from enough hosts on enough ports.  The streams a
 * scanner's port scan already names keep that verdict. */
static void
judge_probed(tcpx_health_t *h, const probed_t *p)
{
    group_ctx_t ctx = { g_ptr_array_index(p->streams, 0),
                        p->streams->len,
                        g_hash_table_size(p->ports),
                        0,
                        g_hash_table_size(p->sources),
                        0,
                        "" };
    if (ctx.sources < PROBE_MIN_SOURCES || ctx.ports < SCAN_MIN_PORTS)
        return;
    for (guint i = 0; i < p->streams->len; i++)
        ctx.refused += ((const tcpx_health_stream_t *)g_ptr_array_index(p->streams, i))->done == TCPX_DONE_REFUSED;
    if (2 * ctx.refused < ctx.n) /* a host that is down refuses nothing: its silence is no sign of probes */
        return;
    g_string_truncate(h->scratch, 0);
    render(h->scratch, probed_verdict, &ctx);
    for (guint i = 0; i < p->streams->len; i++) {
        tcpx_health_stream_t *s = g_ptr_array_index(p->streams, i);
        if (s->scan || s->unreach_icmps) /* an ICMP's answer says more than the probing */
            continue;
        s->scan = TRUE;
        s->fault = TCPX_FAULT_NONE;
        s->score = 100;
        s->verdict_code = "port_scan";
        tcpx_health_set_text(&s->verdict, h->scratch->str, TCPX_VERDICT_MAX);
    }
}

/* Attempts that never connected, grouped by server host, on ports no stream of the capture was served. */
static void
group_probed(tcpx_health_t *h)
{
    GHashTable *served = g_hash_table_new(g_str_hash, g_str_equal); /* "host:port", borrowed */
    GHashTable *hosts = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)probed_free);
    for (guint i = 0; i < h->list->len; i++) {
        const tcpx_health_stream_t *s = &((const hstream_t *)g_ptr_array_index(h->list, i))->pub;
        if (s->synack && s->server)
            g_hash_table_add(served, s->server);
    }
    for (guint i = 0; i < h->list->len; i++) {
        tcpx_health_stream_t *s = &((hstream_t *)g_ptr_array_index(h->list, i))->pub;
        if (!never_connected(s) || !s->server || !s->client || g_hash_table_contains(served, s->server))
            continue;
        char *key = g_strndup(s->server, host_len(s->server));
        probed_t *p = g_hash_table_lookup(hosts, key);
        if (!p) {
            p = g_new0(probed_t, 1);
            p->streams = g_ptr_array_new();
            p->sources = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
            p->ports = g_hash_table_new(g_direct_hash, g_direct_equal);
            g_hash_table_insert(hosts, key, p);
        } else {
            g_free(key);
        }
        g_ptr_array_add(p->streams, s);
        g_hash_table_add(p->sources, g_strndup(s->client, host_len(s->client)));
        g_hash_table_add(p->ports, GUINT_TO_POINTER((guint)s->server_port + 1));
    }
    GHashTableIter it;
    gpointer p;
    g_hash_table_iter_init(&it, hosts);
    while (g_hash_table_iter_next(&it, NULL, &p))
        judge_probed(h, p);
    g_hash_table_destroy(hosts);
    g_hash_table_destroy(served);
}

void
tcpx_health_group(tcpx_health_t *h)
{
    GHashTable *pairs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_ptr_array_unref);
    for (guint i = 0; i < h->list->len; i++) {
        tcpx_health_stream_t *s = &((hstream_t *)g_ptr_array_index(h->list, i))->pub;
        s->group_n = s->group_lead = s->group_refused = 0;
        s->scan = FALSE;
        if (!never_connected(s))
            continue;
        char *key = pair_key(s);
        GPtrArray *a = g_hash_table_lookup(pairs, key);
        if (!a) {
            a = g_ptr_array_new();
            g_hash_table_insert(pairs, key, a);
        } else {
            g_free(key);
        }
        g_ptr_array_add(a, s);
    }
    GHashTableIter it;
    gpointer a;
    g_hash_table_iter_init(&it, pairs);
    while (g_hash_table_iter_next(&it, NULL, &a))
        if (!judge_scan(h, a))
            group_by_port(a);
    g_hash_table_destroy(pairs);
    group_probed(h);
}

/* The sentence of the repeated attempts led by `lead`, if it leads some. */
void
tcpx_health_group_sentence(const tcpx_health_t *h, const tcpx_health_stream_t *lead, GString *out)
{
    GString *list;
    if (!lead->group_n || lead->group_lead != lead->stream)
        return;
    list = g_string_new(NULL);
    for (guint i = 0; i < h->list->len; i++) {
        const tcpx_health_stream_t *s = &((const hstream_t *)g_ptr_array_index(h->list, i))->pub;
        if (s->group_n && s->group_lead == lead->stream) {
            g_string_append(list, list->len ? ", " : "");
            tcpx_append_uint(list, s->stream);
        }
    }
    group_ctx_t ctx = { lead, lead->group_n, 0, lead->group_refused, 0, lead->group_span_ns, list->str };
    render(out, repeated_sentence, &ctx);
    g_string_free(list, TRUE);
}
