/* tcpx_template.c: the template language (see tcpx_template.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>
#include "tcpx_template.h"

/* name[0..len) against the C string v, in strcmp() order. */
static int
name_cmp(const char *name, gsize len, const char *v)
{
    for (gsize i = 0; i < len; i++) {
        if (name[i] != v[i])   /* v ending early compares its NUL: name is the longer */
            return (guchar)name[i] - (guchar)v[i];
    }
    return v[len] ? -1 : 0;
}

const tcpx_var_t *
tcpx_template_var(const tcpx_vars_t *vars, const char *name, gsize len)
{
    if (vars->sorted) {
        gsize lo = 0, hi = vars->n;
        while (lo < hi) {
            gsize mid = lo + (hi - lo) / 2;
            int c = name_cmp(name, len, vars->vars[mid].name);
            if (c == 0)
                return &vars->vars[mid];
            if (c < 0)
                hi = mid;
            else
                lo = mid + 1;
        }
        return NULL;
    }
    for (gsize i = 0; i < vars->n; i++) {
        const char *v = vars->vars[i].name;
        if (v[0] == name[0] && name_cmp(name, len, v) == 0)
            return &vars->vars[i];
    }
    return NULL;
}

/* Renders the variable; FALSE when its value is unknown. */
static gboolean
render_var(GString *out, const char *name, gsize len, const tcpx_vars_t *vars, const void *ctx)
{
    const tcpx_var_t *var = tcpx_template_var(vars, name, len);
    if (!var) {
        g_string_append_c(out, '{');
        g_string_append_len(out, name, (gssize)len);
        g_string_append_c(out, '}');
        return TRUE;
    }
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
                p++;            /* "||" is text (a filter's "or"), not the branch separator */
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
