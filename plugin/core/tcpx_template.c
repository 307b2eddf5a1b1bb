/* tcpx_template.c: the template language (see tcpx_template.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>
#include "tcpx_append.h"
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

/* tcpx_template_var is asked for the same few names (a health sentence's condition),
 * always at the same places: the variable found for a name is remembered by its place
 * (a memo of 256 sets of two), and checked (its table, its name) before it is used
 * again.  Templates do not come here: their names are found once, when they are split. */
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
    tcpx_append_len(out, name, len);
    g_string_append_c(out, '}');
    return TRUE;
}

/* ---- a template split into parts, once ------------------------------------ */

/* A template is read once into a flat list of parts: literal text, a variable (found
 * in the table when the template is split), or a conditional followed by the parts of
 * its two branches.  Rendering then walks the parts and scans no characters. */
typedef enum {
    PART_TEXT,
    PART_VAR,
    PART_COND
} part_type_t;

typedef struct {
    const char *text;      /* the literal, or the variable's name (in the split's copy) */
    const tcpx_var_t *var; /* PART_VAR, PART_COND: the variable; NULL when unknown */
    guint32 len;           /* of text */
    guint32 n_known;       /* PART_COND: parts of the known branch, right after this one... */
    guint32 n_unknown;     /* ...then the parts of the other branch */
    guint8 type;
} part_t;

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

typedef struct {
    GArray *parts;
    const tcpx_vars_t *vars;
} splitter_t;

static guint
add_part(splitter_t *sp, part_type_t type, const char *text, gsize len)
{
    part_t part = { text, NULL, (guint32)len, 0, 0, (guint8)type };
    if (type != PART_TEXT)
        part.var = scan_vars(sp->vars, text, len);
    g_array_append_val(sp->parts, part);
    return sp->parts->len - 1;
}

static void split_span(splitter_t *sp, const char *p, const char *end);

/* {?name:known|unknown}: open points at '{', close at its '}'. */
static void
split_conditional(splitter_t *sp, const char *open, const char *close)
{
    const char *colon = memchr(open + 2, ':', (size_t)(close - open - 2));
    if (!colon)
        return; /* renders nothing */
    guint at = add_part(sp, PART_COND, open + 2, (gsize)(colon - open - 2));
    const char *bar = branch_bar(colon + 1, close);
    split_span(sp, colon + 1, bar ? bar : close);
    guint known_end = sp->parts->len;
    if (bar)
        split_span(sp, bar + 1, close);
    part_t *cond = &g_array_index(sp->parts, part_t, at);
    cond->n_known = known_end - at - 1;
    cond->n_unknown = sp->parts->len - known_end;
}

/* [p, end) as parts: the literal runs, and each {...} read as rendering once read it. */
static void
split_span(splitter_t *sp, const char *p, const char *end)
{
    while (p < end) {
        const char *open = memchr(p, '{', (size_t)(end - p));
        const char *close = open ? closing_brace(open + 1) : NULL;
        if (!open || open > p)
            add_part(sp, PART_TEXT, p, (gsize)((open ? open : end) - p));
        if (!open)
            return;
        if (!close || close > end) {
            add_part(sp, PART_TEXT, open, (gsize)(end - open));
            return;
        }
        if (open[1] == '?')
            split_conditional(sp, open, close);
        else
            add_part(sp, PART_VAR, open + 1, (gsize)(close - open - 1));
        p = close + 1;
    }
}

/* ---- the templates kept split --------------------------------------------- */

/* Templates are static strings, rendered for every frame: each is split once and kept
 * by its address and its table of variables.  Its text is kept too and compared on each
 * use, so a buffer reused for another text is split anew.  All splits are owned by a
 * hash table (emptied past MAX_SPLITS: tcpx has a few hundred templates); the last ones
 * used are found first through `front`, FRONT_SETS sets of two.  Not thread-safe, and
 * it need not be: Wireshark dissects and taps on one thread. */
#define MAX_SPLITS 4096
#define FRONT_SETS 256
typedef struct {
    const char *tmpl;        /* the template's address... */
    const tcpx_var_t *table; /* ...and its variables: the key */
    char *copy;              /* the text split */
    part_t *parts;
    guint n;
} split_t;
static GHashTable *splits;
static const split_t *front[FRONT_SETS][2];

static guint64
split_key(const char *tmpl, const tcpx_var_t *table)
{
    guint64 key = (guint64)(guintptr)tmpl ^ ((guint64)(guintptr)table >> 4);
    return key * G_GUINT64_CONSTANT(0x9E3779B97F4A7C15);
}

static guint
split_hash(gconstpointer p)
{
    const split_t *s = p;
    return (guint)(split_key(s->tmpl, s->table) >> 32);
}

static gboolean
split_equal(gconstpointer a, gconstpointer b)
{
    const split_t *x = a, *y = b;
    return x->tmpl == y->tmpl && x->table == y->table;
}

static void
split_free(gpointer p)
{
    split_t *s = p;
    g_free(s->copy);
    g_free(s->parts);
    g_free(s);
}

void
tcpx_template_forget_all(void)
{
    memset(front, 0, sizeof front);
    if (splits)
        g_hash_table_destroy(splits);
    splits = NULL;
}

static split_t *
split_template(const char *tmpl, const tcpx_vars_t *vars)
{
    gsize len = strlen(tmpl);
    splitter_t sp = { g_array_new(FALSE, FALSE, sizeof(part_t)), vars };
    split_t *s = g_new0(split_t, 1);
    s->tmpl = tmpl;
    s->table = vars->vars;
    s->copy = g_strndup(tmpl, len);
    split_span(&sp, s->copy, s->copy + len);
    s->n = sp.parts->len;
    s->parts = (part_t *)(void *)g_array_free(sp.parts, FALSE);
    return s;
}

/* The template's split from the hash table; split now if it is not there. */
static G_GNUC_NO_INLINE const split_t *
find_split(const char *tmpl, const tcpx_vars_t *vars)
{
    if (!splits)
        splits = g_hash_table_new_full(split_hash, split_equal, split_free, NULL);
    split_t key = { tmpl, vars->vars, NULL, NULL, 0 };
    split_t *s = g_hash_table_lookup(splits, &key);
    if (s && strcmp(s->copy, tmpl) == 0)
        return s;
    /* another text at a known address, or too many texts: what is freed may be in front */
    if (s || g_hash_table_size(splits) >= MAX_SPLITS) {
        memset(front, 0, sizeof front);
        if (s)
            g_hash_table_remove(splits, s);
        else
            g_hash_table_remove_all(splits);
    }
    s = split_template(tmpl, vars);
    g_hash_table_add(splits, s);
    return s;
}

static inline gboolean
holds(const split_t *s, const char *tmpl, const tcpx_vars_t *vars)
{
    return s && s->tmpl == tmpl && s->table == vars->vars && strcmp(s->copy, tmpl) == 0;
}

static const split_t *
split_of(const char *tmpl, const tcpx_vars_t *vars)
{
    const split_t **set = front[split_key(tmpl, vars->vars) >> 56];
    const split_t *s = set[0];
    if (holds(s, tmpl, vars))
        return s;
    s = set[1];
    if (!holds(s, tmpl, vars))
        s = find_split(tmpl, vars);
    set[1] = set[0]; /* the newest first */
    set[0] = s;
    return s;
}

/* ---- rendering the parts -------------------------------------------------- */

/* Renders the variable; FALSE when its value is unknown. */
static inline gboolean
render_var(GString *out, const part_t *part, const void *ctx)
{
    if (G_UNLIKELY(!part->var))
        return render_unknown(out, part->text, part->len);
    return part->var->render(out, part->var, ctx);
}

static void
render_parts(GString *out, const part_t *part, const part_t *end, const void *ctx)
{
    while (part < end) {
        gsize at = out->len;
        switch ((part_type_t)part->type) {
        case PART_TEXT:
            tcpx_append_len(out, part->text, part->len);
            part++;
            break;
        case PART_VAR:
            if (!render_var(out, part, ctx)) {
                g_string_truncate(out, at);
                g_string_append_c(out, '?');
            }
            part++;
            break;
        case PART_COND: {
            /* Only whether the value is known matters: render it, then take it back. */
            gboolean known = render_var(out, part, ctx);
            g_string_truncate(out, at);
            const part_t *branch = part + 1;
            if (known)
                render_parts(out, branch, branch + part->n_known, ctx);
            else
                render_parts(out, branch + part->n_known, branch + part->n_known + part->n_unknown, ctx);
            part = branch + part->n_known + part->n_unknown;
            break;
        }
        }
    }
}

void
tcpx_template_render(GString *out, const char *tmpl, const tcpx_vars_t *vars, const void *ctx)
{
    if (!tmpl)
        return;
    const split_t *split = split_of(tmpl, vars);
    render_parts(out, split->parts, split->parts + split->n, ctx);
}
