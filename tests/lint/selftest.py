#!/usr/bin/env python3
"""selftest.py: lint.py's checks are neither always passing nor always failing.

A small clean tree (the repository's layout: plugin/core, plugin/wireshark, tap/core)
must pass every check; the same tree with one problem of each kind must fail each
check on that problem.  Exit 77 (skipped) when lint.py skips (tools missing or of
another version).
"""
import os
import subprocess
import sys
import tempfile

LINT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "lint.py")

CLEAN = {
    "README.md": "A clean tree.\n",
    "plugin/core/sum.h": """/* sum.h: clean. */
#ifndef SUM_H
#define SUM_H
#include <glib.h>

guint64 sum_values(const guint32 *values, gsize n);

#endif
""",
    "plugin/core/sum.c": """/* sum.c: clean. */
#include "sum.h"

guint64
sum_values(const guint32 *values, gsize n)
{
    guint64 total = 0;
    for (gsize i = 0; i < n; i++)
        total += values[i];
    return total;
}
""",
    "plugin/wireshark/glue.h": """/* glue.h: a glue header, which the core must not include. */
#ifndef GLUE_H
#define GLUE_H
void glue_register(void);
#endif
""",
    "tap/core/mean.c": """/* mean.c: clean. */
#include "sum.h"

double mean_value(const guint32 *values, gsize n);

double
mean_value(const guint32 *values, gsize n)
{
    if (n == 0)
        return 0.0;
    return (double)sum_values(values, n) / (double)n;
}
""",
}

BAD_C = ("/* bad.c: one problem of each kind. */\n"
         "#include <epan/packet.h>\n"
         "#include \"glue.h\"\n"
         "#include \"sum.h\"\n\n"
         "int bad_format(int a,int b) { return a+b; }\n\n"
         "int\nbad_index(void)\n{\n    int v[4] = { 1, 2, 3, 4 };\n    return v[4];\n}\n\n"
         "int\ntoo_long(int x)\n{\n"
         + "".join("    x += %d;\n" % i for i in range(90))
         + "    return x;\n}\n"
         + "".join("/* filler %d */\n" % i for i in range(600)))

DIRTY = dict(CLEAN, **{
    "plugin/core/bad.c": BAD_C,
    "notes.txt": "trailing space  \nno final newline",
    "tap/core/tabs.h": "int\ttabbed;\n",
})

# For each check, a piece of the line it must print on the dirty tree.
EXPECTED = {
    "format": "plugin/core/bad.c:6: format:",
    "whitespace": "notes.txt:1: whitespace: trailing whitespace",
    "cppcheck": "plugin/core/bad.c:12: cppcheck: error:",
    "tidy": "function 'too_long' is too long: 92 lines",
    "length": "plugin/core/bad.c:601: length:",
    "deps": "plugin/core/bad.c:2: deps: includes <epan/packet.h>",
}


def make(root, files):
    for path, text in files.items():
        full = os.path.join(root, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w") as fh:
            fh.write(text)


def lint(root, *extra):
    res = subprocess.run([sys.executable, LINT, "--source", root, "--build", os.path.join(root, "no-build")]
                         + list(extra), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return res.returncode, res.stdout


def main():
    failures = []
    with tempfile.TemporaryDirectory(prefix="tcpx-lint-") as tmp:
        clean, dirty = os.path.join(tmp, "clean"), os.path.join(tmp, "dirty")
        make(clean, CLEAN)
        make(dirty, DIRTY)
        rc, out = lint(clean)
        if rc == 77:
            print(out, end="")
            return 77
        print("clean tree: exit %d\n%s" % (rc, out))
        if rc != 0:
            failures.append("clean: the clean tree did not pass (exit %d)" % rc)
        for check, needle in EXPECTED.items():
            rc, out = lint(dirty, "--only", check)
            print("dirty tree, %s: exit %d\n%s" % (check, rc, out))
            if rc != 1:
                failures.append("%s: exit %d on the dirty tree, not 1" % (check, rc))
            if needle not in out:
                failures.append("%s: no line with %r" % (check, needle))
    for f in failures:
        print("FAIL: " + f)
    failed = len({f.split(":")[0] for f in failures})
    print("lint selftest: %d passed, %d failed" % (len(EXPECTED) + 1 - failed, failed))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
