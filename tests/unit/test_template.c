/* Unit tests of the template language (tcpx_template.c): each template is split into
 * parts once and rendered from them; the texts must be those of reading the template
 * character by character on every render (the reference below, the renderer before).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>
#include <glib.h>
#include "tcpx_template.h"

/* The test variables: each reads one string of the context; NULL is an unknown value. */
typedef struct {
    const char *v[4];
} t_ctx_t;

static gboolean
t_plain(GString *out, const tcpx_var_t *var, const void *ctx)
{
    const char *v = ((const t_ctx_t *)ctx)->v[var->arg];
    if (v)
        g_string_append(out, v);
    return v != NULL;
}

/* the same names in a second table, which shouts */
static gboolean
t_upper(GString *out, const tcpx_var_t *var, const void *ctx)
{
    const char *v = ((const t_ctx_t *)ctx)->v[var->arg];
    if (!v)
        return FALSE;
    char *up = g_ascii_strup(v, -1);
    g_string_append(out, up);
    g_free(up);
    return TRUE;
}

/* clang-format off */
static const tcpx_var_t plain_table[] = {
    { "a", t_plain, 0, 0 }, { "b", t_plain, 0, 1 }, { "c", t_plain, 0, 2 }, { "long_name", t_plain, 0, 3 },
};
static const tcpx_var_t upper_table[] = {
    { "a", t_upper, 0, 0 }, { "b", t_upper, 0, 1 }, { "c", t_upper, 0, 2 }, { "long_name", t_upper, 0, 3 },
};
/* clang-format on */
static const tcpx_vars_t plain_vars = TCPX_VARS(plain_table);
static const tcpx_vars_t upper_vars = TCPX_VARS(upper_table);

static char *
render(const char *tmpl, const tcpx_vars_t *vars, const t_ctx_t *ctx)
{
    GString *out = g_string_new("<");
    tcpx_template_render(out, tmpl, vars, ctx);
    return g_string_free(out, FALSE);
}

static void
assert_renders(const char *tmpl, const tcpx_vars_t *vars, const t_ctx_t *ctx, const char *want)
{
    char *got = render(tmpl, vars, ctx);
    g_assert_cmpstr(got + 1, ==, want);
    g_free(got);
}

/* ---- the reference: the renderer that scanned the template on every render ---- */

static gboolean
ref_var(GString *out, const char *name, gsize len, const tcpx_vars_t *vars, const void *ctx)
{
    for (gsize i = 0; i < vars->n; i++) {
        const tcpx_var_t *var = &vars->vars[i];
        if (strncmp(var->name, name, len) == 0 && var->name[len] == '\0')
            return var->render(out, var, ctx);
    }
    g_string_append_c(out, '{');
    g_string_append_len(out, name, (gssize)len);
    g_string_append_c(out, '}');
    return TRUE;
}

static const char *
ref_closing_brace(const char *p)
{
    for (int depth = 1; *p; p++)
        if (*p == '{')
            depth++;
        else if (*p == '}' && --depth == 0)
            return p;
    return NULL;
}

static const char *
ref_branch_bar(const char *p, const char *end)
{
    for (int depth = 0; p < end; p++) {
        if (*p == '{')
            depth++;
        else if (*p == '}')
            depth--;
        else if (*p == '|' && depth == 0 && p[1] == '|')
            p++;
        else if (*p == '|' && depth == 0)
            return p;
    }
    return NULL;
}

static void ref_span(GString *out, const char *p, const char *end, const tcpx_vars_t *vars, const void *ctx);

static void
ref_conditional(GString *out, const char *open, const char *close, const tcpx_vars_t *vars, const void *ctx)
{
    const char *colon = memchr(open + 2, ':', (size_t)(close - open - 2));
    if (!colon)
        return;
    gsize at = out->len;
    gboolean known = ref_var(out, open + 2, (gsize)(colon - open - 2), vars, ctx);
    g_string_truncate(out, at);
    const char *bar = ref_branch_bar(colon + 1, close);
    if (known)
        ref_span(out, colon + 1, bar ? bar : close, vars, ctx);
    else if (bar)
        ref_span(out, bar + 1, close, vars, ctx);
}

static void
ref_span(GString *out, const char *p, const char *end, const tcpx_vars_t *vars, const void *ctx)
{
    while (p < end) {
        const char *open = memchr(p, '{', (size_t)(end - p));
        if (!open) {
            g_string_append_len(out, p, end - p);
            return;
        }
        g_string_append_len(out, p, open - p);
        const char *close = ref_closing_brace(open + 1);
        if (!close || close > end) {
            g_string_append_len(out, open, end - open);
            return;
        }
        if (open[1] == '?') {
            ref_conditional(out, open, close, vars, ctx);
        } else {
            gsize at = out->len;
            if (!ref_var(out, open + 1, (gsize)(close - open - 1), vars, ctx)) {
                g_string_truncate(out, at);
                g_string_append_c(out, '?');
            }
        }
        p = close + 1;
    }
}

/* The template rendered as the reference renders it, for every known/unknown a, b, c. */
static void
assert_as_reference(const char *tmpl, const tcpx_vars_t *vars)
{
    for (int known = 0; known < 8; known++) {
        t_ctx_t ctx = { { known & 1 ? "x" : NULL, known & 2 ? "yy" : NULL, known & 4 ? "" : NULL, "n" } };
        GString *want = g_string_new("<");
        ref_span(want, tmpl, tmpl + strlen(tmpl), vars, &ctx);
        char *got = render(tmpl, vars, &ctx);
        if (strcmp(got, want->str) != 0)
            g_error("template \"%s\" (known %d): \"%s\", the reference \"%s\"", tmpl, known, got, want->str);
        g_free(got);
        g_string_free(want, TRUE);
    }
}

/* ---- the tests ----------------------------------------------------------------- */

/* One template, split once, rendered with other values each time. */
static void
test_same_template_other_values(void)
{
    static const char tmpl[] = "{a} and {?b:b={b}|no b}{?c:, c={c}}; {long_name}";
    const t_ctx_t one = { { "1", "2", NULL, "L" } }, two = { { NULL, NULL, "3", "M" } };
    for (int round = 0; round < 3; round++) {
        assert_renders(tmpl, &plain_vars, &one, "1 and b=2; L");
        assert_renders(tmpl, &plain_vars, &two, "? and no b, c=3; M");
    }
    /* the same template with another table of the same names: that table's variables */
    assert_renders(tmpl, &upper_vars, &one, "1 and b=2; L");
    const t_ctx_t words = { { "x", "y", "z", "w" } };
    assert_renders(tmpl, &upper_vars, &words, "X and b=Y, c=Z; W");
    assert_renders(tmpl, &plain_vars, &words, "x and b=y, c=z; w");
}

/* Conditionals in conditionals, in both branches, each way. */
static void
test_nested_conditionals(void)
{
    static const char tmpl[] = "[{?a:A{?b:B{?c:C|c}|b}.|{?b:nb|{?c:nc|none}}}]";
    for (int known = 0; known < 8; known++) {
        gboolean a = known & 1, b = known & 2, c = known & 4;
        t_ctx_t ctx = { { a ? "1" : NULL, b ? "2" : NULL, c ? "3" : NULL, NULL } };
        const char *want = a ? (b ? (c ? "[ABC.]" : "[ABc.]") : "[Ab.]") : (b ? "[nb]" : (c ? "[nc]" : "[none]"));
        assert_renders(tmpl, &plain_vars, &ctx, want);
        assert_as_reference(tmpl, &plain_vars);
    }
}

/* An unknown name renders as "{name}" (a typo shows), and counts as known in a conditional. */
static void
test_unknown_name(void)
{
    static const char tmpl[] = "{bogus} {?bogus:shown|hidden} {?a:{bogus}|x} {?long_nam:y|z}";
    const t_ctx_t with_a = { { "1", NULL, NULL, NULL } }, without = { { NULL, NULL, NULL, NULL } };
    assert_renders(tmpl, &plain_vars, &with_a, "{bogus} shown {bogus} y");
    assert_renders(tmpl, &plain_vars, &without, "{bogus} shown x y");
    assert_renders("{a}{b}", &plain_vars, &without, "??"); /* an unknown value: "?" */
}

/* Text at an address already split is compared: a reused buffer renders its own text. */
static void
test_reused_buffer(void)
{
    const t_ctx_t ctx = { { "1", "2", NULL, NULL } };
    char tmpl[32];
    for (int round = 0; round < 4; round++) {
        g_strlcpy(tmpl, round & 1 ? "{b} {a}" : "{a} {b}", sizeof tmpl);
        assert_renders(tmpl, &plain_vars, &ctx, round & 1 ? "2 1" : "1 2");
    }
    g_strlcpy(tmpl, "{c} {a}", sizeof tmpl); /* same place, same length, other name */
    assert_renders(tmpl, &plain_vars, &ctx, "? 1");
    g_strlcpy(tmpl, "{c} {a}{?b:!}", sizeof tmpl); /* a longer text there */
    assert_renders(tmpl, &plain_vars, &ctx, "? 1!");
}

/* Malformed and edge templates render as the reference renders them. */
static void
test_edges_as_reference(void)
{
    /* clang-format off */
    static const char *const tmpls[] = {
        "", "plain", "{", "}", "{a", "a}", "{}", "{?}", "{?a}", "{?a:}", "{?a:|}", "{?:x|y}", "{?a:x|y|z}",
        "{?a:x||y|z}", "{?a:x||y}", "{?a:{b}|{c}}", "{{a}}", "{?a:{?b:x|y}}", "x{?a:y", "{?a{b}:x}", "{?a{:x}b|y}",
        "{?a:x}}{b}", "{?a:{b|c}|d}", "a || b {a}||{b}", "{?b:{?a:||}|}", "{long_name}{long_nam}{long_name_}",
    };
    /* clang-format on */
    for (guint i = 0; i < G_N_ELEMENTS(tmpls); i++)
        assert_as_reference(tmpls[i], &plain_vars);
}

/* Random templates of the language's characters, from one buffer and from fresh ones. */
static void
test_random_as_reference(void)
{
    static const char alphabet[] = "{}{}?:|||ab c?:";
    GRand *rand = g_rand_new_with_seed(16);
    char buf[40];
    for (int n = 0; n < 20000; n++) {
        gint32 len = g_rand_int_range(rand, 0, (gint32)sizeof buf);
        for (gint32 i = 0; i < len; i++)
            buf[i] = alphabet[g_rand_int_range(rand, 0, (gint32)sizeof alphabet - 1)];
        buf[len] = '\0';
        assert_as_reference(buf, &plain_vars);
        char *fresh = g_strdup(buf);
        assert_as_reference(fresh, &plain_vars);
        g_free(fresh);
    }
    g_rand_free(rand);
}

/* More templates than are kept split (4096): each still renders its own text, before and
 * after they are all forgotten. */
static void
test_many_templates(void)
{
    enum {
        N = 5000
    };
    char **tmpls = g_new(char *, N);
    const t_ctx_t ctx = { { "A", NULL, NULL, NULL } };
    for (int i = 0; i < N; i++)
        tmpls[i] = g_strdup_printf("%d:{a}{?b:b|%d}", i, i * 7);
    for (int pass = 0; pass < 3; pass++) {
        if (pass == 2)
            tcpx_template_forget_all();
        for (int i = 0; i < N; i++) {
            char *want = g_strdup_printf("%d:A%d", i, i * 7);
            assert_renders(tmpls[i], &plain_vars, &ctx, want);
            g_free(want);
        }
    }
    for (int i = 0; i < N; i++)
        g_free(tmpls[i]);
    g_free(tmpls);
    assert_renders(NULL, &plain_vars, &ctx, ""); /* no template: nothing */
    tcpx_template_forget_all();
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/template/same_template_other_values", test_same_template_other_values);
    g_test_add_func("/template/nested_conditionals", test_nested_conditionals);
    g_test_add_func("/template/unknown_name", test_unknown_name);
    g_test_add_func("/template/reused_buffer", test_reused_buffer);
    g_test_add_func("/template/edges_as_reference", test_edges_as_reference);
    g_test_add_func("/template/random_as_reference", test_random_as_reference);
    g_test_add_func("/template/many_templates", test_many_templates);
    return g_test_run();
}
