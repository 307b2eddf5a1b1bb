/* tcpx_template.h: the template language of every sentence tcpx prints.
 *
 * A template is text with variables in braces:
 *   {name}              the variable's value; "?" when it is unknown
 *   {?name:text}        text only when the value is known
 *   {?name:text|other}  other when it is not ("||" inside is text: a filter's "or")
 * Conditionals nest.  Which variables exist, and what "known" means for each,
 * is a table of tcpx_var_t next to the templates that use them (frame texts:
 * tcpx_frame_vars.c; stream texts: tap/core).  An unknown name renders as "{name}",
 * so a typo shows in the wording tests instead of vanishing.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef TCPX_TEMPLATE_H
#define TCPX_TEMPLATE_H

#include <glib.h>

typedef struct tcpx_var tcpx_var_t;

/* Appends the variable's value to out; returns FALSE when it is unknown (the
 * renderer then takes back whatever was appended). */
typedef gboolean (*tcpx_var_render_t)(GString *out, const tcpx_var_t *var, const void *ctx);

struct tcpx_var {
    const char *name;
    tcpx_var_render_t render;
    gsize offset; /* for renderers shared by many variables: the field they read */
    int arg;      /* ...and their argument (a side, capitalisation, a scale) */
};

/* A table of variables: a static array, for the life of the program (the renderer
 * keeps each template split into parts, with the variables it names found in the table). */
typedef struct {
    const tcpx_var_t *vars;
    gsize n;
} tcpx_vars_t;

#define TCPX_VARS(table)             \
    {                                \
        (table), G_N_ELEMENTS(table) \
    }

/* Appends tmpl rendered with the variables `vars` read from ctx (NULL tmpl: nothing).
 * Each template is split into parts once and kept by its address: templates are static
 * strings (another text at a known address is seen, and split anew). */
void tcpx_template_render(GString *out, const char *tmpl, const tcpx_vars_t *vars, const void *ctx);

/* Frees every template kept split (they are bounded; for tests and leak checkers). */
void tcpx_template_forget_all(void);

/* The variable called name[0..len) in vars, or NULL. */
const tcpx_var_t *tcpx_template_var(const tcpx_vars_t *vars, const char *name, gsize len);

#endif
