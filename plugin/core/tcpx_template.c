/* tcpx_template.c: the template language (see tcpx_template.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>
#include "tcpx_template.h"

/* Is v the name name[0..len)? */
static gboolean
is_name(const char *v, const char *name, gsize len)
{
    return v[0] == name[0] && strncmp(v, name, len) == 0 && v[len] == '\0';
}

static const tcpx_var_t *
scan_vars(const tcpx_vars_t *vars, const char *name, gsize len)
{
    for (gsize i = 0; i < vars->n; i++) {
        if (is_name(vars->vars[i].name, name, len))
            return &vars->vars[i];
    }
    return NULL;
}

/* A summary is rendered for every frame, from the same few templates: the variable
 * found at a place in a template's text is remembered by that place (a memo of 256
 * sets of two), and checked (its table, its name) before it is used again. */
#define MEMO_SETS 256
typedef struct {
    const char *at;          /* the name's place in a template */
    const tcpx_var_t *table; /* the table the variable is in... */
    guint16 index;           /* ...at this index */
    guint16 len;             /* the length of its name */
} memo_entry_t;
static memo_entry_t memo[MEMO_SETS][2];

/* a[0..len) == b[0..len), both readable that far: for the short names of templates,
 * two overlapping word compares and no call. */
static gboolean
same_bytes(const char *a, const char *b, gsize len)
{
    if (len > 16)
        return memcmp(a, b, len) == 0;
    if (len >= 8) {
        guint64 a0, b0, a1, b1;
        memcpy(&a0, a, 8);
        memcpy(&b0, b, 8);
        memcpy(&a1, a + len - 8, 8);
        memcpy(&b1, b + len - 8, 8);
        return ((a0 ^ b0) | (a1 ^ b1)) == 0;
    }
    if (len >= 4) {
        guint32 a0, b0, a1, b1;
        memcpy(&a0, a, 4);
        memcpy(&b0, b, 4);
        memcpy(&a1, a + len - 4, 4);
        memcpy(&b1, b + len - 4, 4);
        return ((a0 ^ b0) | (a1 ^ b1)) == 0;
    }
    for (gsize i = 0; i < len; i++)
        if (a[i] != b[i])
            return FALSE;
    return TRUE;
}

static inline gboolean
memo_holds(const memo_entry_t *e, const tcpx_vars_t *vars, const char *name, gsize len)
{
    return e->at == name && e->table == vars->vars && e->len == len && e->index < vars->n &&
           same_bytes(vars->vars[e->index].name, name, len);
}

/* A name not in the memo: looked up, and remembered (the newest first, the older one kept). */
static G_GNUC_NO_INLINE const tcpx_var_t *
remember_var(memo_entry_t *set, const tcpx_vars_t *vars, const char *name, gsize len)
{
    const tcpx_var_t *var = scan_vars(vars, name, len);
    if (var && len <= G_MAXUINT16 && vars->n <= G_MAXUINT16) {
        set[1] = set[0];
        set[0] = (memo_entry_t){ name, vars->vars, (guint16)(var - vars->vars), (guint16)len };
    }
    return var;
}

const tcpx_var_t *
tcpx_template_var(const tcpx_vars_t *vars, const char *name, gsize len)
{
    memo_entry_t *set = memo[((guint64)(guintptr)name * G_GUINT64_CONSTANT(0x9E3779B97F4A7C15)) >> 56];
    if (memo_holds(&set[0], vars, name, len))
        return &vars->vars[set[0].index];
    if (memo_holds(&set[1], vars, name, len))
        return &vars->vars[set[1].index];
    return remember_var(set, vars, name, len);
}

/* An unknown name is a bug in a template: it shows, as "{name}". */
static G_GNUC_NO_INLINE gboolean
render_unknown(GString *out, const char *name, gsize len)
{
    g_string_append_c(out, '{');
    g_string_append_len(out, name, (gssize)len);
    g_string_append_c(out, '}');
    return TRUE;
}

/* Renders the variable; FALSE when its value is unknown. */
static gboolean
render_var(GString *out, const char *name, gsize len, const tcpx_vars_t *vars, const void *ctx)
{
    const tcpx_var_t *var = tcpx_template_var(vars, name, len);
    if (G_UNLIKELY(!var))
        return render_unknown(out, name, len);
    return var->render(out, var, ctx);
}

/* Finds the end of a {...} starting at p (p points after '{'), honouring nesting. */
static const char *
closing_brace(const char *p)
{
    int depth = 1;
    for (; *p; p++) {
        if (*p == '{')
            depth++;
        else if (*p == '}' && --depth == 0)
            return p;
    }
    return NULL;
}

/* The '|' separating the two branches of a conditional, at nesting level 0. */
static const char *
branch_bar(const char *p, const char *end)
{
    int depth = 0;
    for (; p < end; p++) {
        if (*p == '{')
            depth++;
        else if (*p == '}')
            depth--;
        else if (*p == '|' && depth == 0) {
            if (p[1] == '|') {
                p++; /* "||" is text (a filter's "or"), not the branch separator */
                continue;
            }
            return p;
        }
    }
    return NULL;
}

static void render_span(GString *out, const char *p, const char *end, const tcpx_vars_t *vars, const void *ctx);

/* {?name:known|unknown}: open points at '{', close at its '}'. */
static void
render_conditional(GString *out, const char *open, const char *close, const tcpx_vars_t *vars, const void *ctx)
{
    const char *colon = memchr(open + 2, ':', (size_t)(close - open - 2));
    if (!colon)
        return;
    /* Only whether the value is known matters: render it, then take it back. */
    gsize at = out->len;
    gboolean known = render_var(out, open + 2, (gsize)(colon - open - 2), vars, ctx);
    g_string_truncate(out, at);
    const char *bar = branch_bar(colon + 1, close);
    if (known)
        render_span(out, colon + 1, bar ? bar : close, vars, ctx);
    else if (bar)
        render_span(out, bar + 1, close, vars, ctx);
}

static void
render_span(GString *out, const char *p, const char *end, const tcpx_vars_t *vars, const void *ctx)
{
    while (p < end) {
        const char *open = memchr(p, '{', (size_t)(end - p));
        if (!open) {
            g_string_append_len(out, p, end - p);
            return;
        }
        g_string_append_len(out, p, open - p);
        const char *close = closing_brace(open + 1);
        if (!close || close > end) {
            g_string_append_len(out, open, end - open);
            return;
        }
        if (open[1] == '?') {
            render_conditional(out, open, close, vars, ctx);
        } else {
            gsize at = out->len;
            if (!render_var(out, open + 1, (gsize)(close - open - 1), vars, ctx)) {
                g_string_truncate(out, at);
                g_string_append_c(out, '?');
            }
        }
        p = close + 1;
    }
}

void
tcpx_template_render(GString *out, const char *tmpl, const tcpx_vars_t *vars, const void *ctx)
{
    if (tmpl)
        render_span(out, tmpl, tmpl + strlen(tmpl), vars, ctx);
}
