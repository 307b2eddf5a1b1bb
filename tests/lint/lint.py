#!/usr/bin/env python3
"""lint.py: tcpx's code-cleanliness checks, one line per problem.

    python3 tests/lint/lint.py [--source DIR] [--build DIR] [--only CHECK,...] [--fix-format]

Checks (all by default):
  format      clang-format (the repository's .clang-format) would change these lines
              (what `clang-format --dry-run --Werror` rejects), in plugin/, tap/,
              tests/unit, tests/fuzz and bench/*.c
  whitespace  .editorconfig basics on the text files git knows (or all, outside git):
              UTF-8, LF line ends, a final newline, no trailing whitespace, no tabs in C/Python
  cppcheck    cppcheck on plugin/ and tap/ (warning, style, performance, portability)
  tidy        clang-tidy (the repository's .clang-tidy: function size and cognitive
              complexity, bug-prone patterns) on plugin/ and tap/, with the build's
              compile_commands.json
  length      no .c file in plugin/ or tap/ over 600 lines, except the data-table files below
  deps        plugin/core and tap/core include no Wireshark header (<epan/...>, <wsutil/...>)
              and no glue header (the headers in plugin/wireshark, tap/wireshark)

Output: "path:line: check: message" per problem, then "lint: N problems (...)" or
"lint: clean".  Exit 0 clean, 1 problems, 77 skipped: a tool is missing, or its
version is not the one these rules were written for (Debian 12's: other versions
format and warn differently, so the Debian 13 and unstable runs skip; --any-version
or TCPX_LINT_ANY_VERSION=1 runs anyway).  --source runs the checks on another tree
(the same layout: plugin/, tap/, ...); --fix-format rewrites the files that fail
the format check with clang-format -i (then look at the diff).
"""
import argparse
import atexit
import concurrent.futures
import difflib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
SKIP = 77

# The tool versions the configuration (.clang-format, .clang-tidy, the cppcheck
# options below) was tuned for: Debian 12's.
WRITTEN_FOR = {"clang-format": "14", "clang-tidy": "14", "cppcheck": "2.10"}
TOOLS_OF = {"format": ["clang-format"], "cppcheck": ["cppcheck"], "tidy": ["clang-tidy"]}
CHECKS = ["format", "whitespace", "cppcheck", "tidy", "length", "deps"]

MAX_FILE_LINES = 600
# .c files allowed past MAX_FILE_LINES, each with its reason.
DATA_TABLE_FILES = {
    "plugin/core/tcpx_explain.c": "the table of kinds and causes: their texts are data (prose lives in tables)",
}

CORE_DIRS = ["plugin/core", "tap/core"]
GLUE_DIRS = ["plugin/wireshark", "tap/wireshark"]
# Wireshark's own headers: the core is compiled without their folders.
WIRESHARK_INCLUDE = re.compile(r"^(epan|wsutil|wiretap|ui|app|ws_[a-z_]+\.h$|wireshark\.h$|config\.h$)")
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')

BINARY_EXT = (".pcap", ".pcapng", ".png", ".gz", ".jpg", ".deb")


def rel(source, path):
    return os.path.relpath(path, source)


def c_sources(source):
    """The C files the format check covers, relative paths, sorted."""
    out = []
    for top in ("plugin", "tap"):
        for d, dirs, files in os.walk(os.path.join(source, top)):
            dirs[:] = sorted(x for x in dirs if not x.startswith("build"))
            out += [os.path.join(d, f) for f in files if f.endswith((".c", ".h"))]
    for d, exts in (("tests/unit", (".c", ".h")), ("tests/fuzz", (".c", ".h")), ("bench", (".c",))):
        full = os.path.join(source, d)
        if os.path.isdir(full):
            out += [os.path.join(full, f) for f in os.listdir(full) if f.endswith(exts)]
    return sorted(rel(source, p) for p in out)


def analysed_sources(source):
    """The .c files of plugin/ and tap/ (cppcheck, clang-tidy, file length)."""
    return [p for p in c_sources(source) if p.startswith(("plugin/", "tap/")) and p.endswith(".c")]


def text_files(source):
    """Files git knows (tracked and untracked, not ignored), else every file outside build*/."""
    if os.path.exists(os.path.join(source, ".git")):
        out = subprocess.run(["git", "-C", source, "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                             stdout=subprocess.PIPE, check=True).stdout.decode()
        files = [f for f in out.split("\0") if f and os.path.isfile(os.path.join(source, f))]
    else:
        files = []
        for d, dirs, names in os.walk(source):
            dirs[:] = [x for x in dirs if not x.startswith(("build", ".git", "__pycache__"))]
            files += [rel(source, os.path.join(d, n)) for n in names]
    return sorted(f for f in files if not f.endswith(BINARY_EXT))


def tool_version(tool):
    """(major or major.minor as WRITTEN_FOR spells it, full version text)."""
    out = subprocess.run([tool, "--version"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True).stdout
    m = re.search(r"version (\d+)\.(\d+)" if tool.startswith("clang") else r"(\d+)\.(\d+)", out)
    if not m:
        return "?", out.strip()
    short = m.group(1) if tool.startswith("clang") else "%s.%s" % (m.group(1), m.group(2))
    return short, out.strip().splitlines()[0]


# --- the checks: each returns a list of (path, line, message) -----------------------------

def check_format(source, fix=False):
    style = "--style=file:" + os.path.join(source, ".clang-format")
    if not os.path.exists(os.path.join(source, ".clang-format")):
        style = "--style=file:" + os.path.join(REPO, ".clang-format")
    problems, to_fix = [], []
    for f in c_sources(source):
        path = os.path.join(source, f)
        with open(path, encoding="utf-8", errors="replace") as fh:
            before = fh.read().splitlines()
        res = subprocess.run(["clang-format", style, "--assume-filename=" + path],
                             stdin=open(path, "rb"), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if res.returncode != 0:
            problems.append((f, 1, "clang-format failed: " + res.stderr.decode().strip()))
            continue
        after = res.stdout.decode("utf-8", errors="replace").splitlines()
        hunks = [op for op in difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes()
                 if op[0] != "equal"]
        for _tag, i1, i2, _j1, _j2 in hunks:
            last = max(i1 + 1, i2)
            where = "line %d" % (i1 + 1) if last == i1 + 1 else "lines %d-%d" % (i1 + 1, last)
            problems.append((f, i1 + 1, "clang-format would rewrite %s (clang-format -i %s)" % (where, f)))
        if hunks:
            to_fix.append(path)
    if fix and to_fix:
        subprocess.run(["clang-format", style, "-i"] + to_fix, check=True)
        print("lint: clang-format -i rewrote %d file(s)" % len(to_fix))
    return problems


def check_whitespace(source):
    problems = []
    for f in text_files(source):
        with open(os.path.join(source, f), "rb") as fh:
            data = fh.read()
        if b"\0" in data[:8192]:
            continue   # binary
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as e:
            problems.append((f, data[:e.start].count(b"\n") + 1, "not UTF-8"))
            continue
        if "\r" in text:
            problems.append((f, text[:text.index("\r")].count("\n") + 1, "CR line ends (use LF)"))
        if text and not text.endswith("\n"):
            problems.append((f, text.count("\n") + 1, "no newline at the end of the file"))
        lines = text.split("\n")
        trailing = [i + 1 for i, l in enumerate(lines) if l.rstrip("\r") != l.rstrip("\r").rstrip(" \t")]
        if trailing:
            problems.append((f, trailing[0], "trailing whitespace on %d line(s): %s" % (len(trailing), spans(trailing))))
        if f.endswith((".c", ".h", ".py")):
            tabs = [i + 1 for i, l in enumerate(lines) if "\t" in l]
            if tabs:
                problems.append((f, tabs[0], "tab characters on %d line(s) (indent with spaces): %s"
                                 % (len(tabs), spans(tabs))))
    return problems


def spans(nums, most=8):
    """[3, 4, 5, 9] -> '3-5, 9' (at most `most` spans)."""
    out, start, prev = [], nums[0], nums[0]
    for n in nums[1:] + [None]:
        if n is not None and n == prev + 1:
            prev = n
            continue
        out.append(str(start) if start == prev else "%d-%d" % (start, prev))
        if n is not None:
            start = prev = n
    return ", ".join(out[:most]) + (", ..." if len(out) > most else "")


def check_cppcheck(source):
    files = analysed_sources(source)
    if not files:
        return []
    incs = []
    for d in CORE_DIRS + GLUE_DIRS:
        if os.path.isdir(os.path.join(source, d)):
            incs += ["-I", d]
    # Wireshark's and GLib's headers are not given (not found: skipped quietly), so
    # their noise never shows; _U_ (Wireshark's "unused") must still parse.
    cmd = ["cppcheck", "--enable=warning,style,performance,portability", "--inline-suppr",
           "--std=c11", "--language=c", "-D_U_=", "--quiet", "-j2",
           "--template={file}\t{line}\t{severity}: {message} [{id}]"] + incs + files
    res = subprocess.run(cmd, cwd=source, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    problems = []
    for line in res.stdout.splitlines():
        parts = line.split("\t")
        if len(parts) == 3 and parts[1].isdigit():
            problems.append((parts[0], int(parts[1]), parts[2]))
        elif line.strip():
            problems.append(("(cppcheck)", 0, line.strip()))
    if res.returncode != 0 and not problems:
        problems.append(("(cppcheck)", 0, "cppcheck failed with exit %d" % res.returncode))
    return sorted(set(problems), key=lambda p: (p[0], p[1], p[2]))


TIDY_LINE = re.compile(r"^(.+?):(\d+):(\d+): (warning|error): (.*?)(?: \[([^\]]+)\])?$")
TIDY_NOTE = re.compile(r"^(.+?):(\d+):(\d+): note: (.*)$")


def fallback_flags(source):
    """Compile flags for a file the build's compile_commands.json does not list."""
    flags = ["-std=c11"]
    for d in CORE_DIRS + GLUE_DIRS:
        flags.append("-I" + os.path.join(source, d))
    try:
        flags += subprocess.run(["pkg-config", "--cflags", "glib-2.0"], stdout=subprocess.PIPE, text=True,
                                check=True).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        pass
    return flags


# gcc's profile-guided build options (CMakeLists.txt), which clang does not know.
GCC_ONLY_FLAG = re.compile(r"\s-(fprofile-[\w-]+(=\S+)?|Wno-missing-profile|Wno-coverage-mismatch)(?=\s)")


def clang_compile_db(entries):
    """A copy of the build's compilation database without gcc-only options, in a temporary folder."""
    for e in entries:
        if "command" in e:
            e["command"] = GCC_ONLY_FLAG.sub("", e["command"])
        if "arguments" in e:
            e["arguments"] = [a for a in e["arguments"] if not GCC_ONLY_FLAG.match(" " + a + " ")]
    folder = tempfile.mkdtemp(prefix="tcpx-lint-")
    atexit.register(shutil.rmtree, folder, True)
    with open(os.path.join(folder, "compile_commands.json"), "w") as fh:
        json.dump(entries, fh)
    return folder


def check_tidy(source, build):
    files = analysed_sources(source)
    db_dir, listed = None, set()
    if build and os.path.exists(os.path.join(build, "compile_commands.json")):
        with open(os.path.join(build, "compile_commands.json")) as fh:
            entries = json.load(fh)
        for e in entries:
            listed.add(os.path.realpath(os.path.join(e.get("directory", ""), e["file"])))
        db_dir = clang_compile_db(entries)
    config = os.path.join(source, ".clang-tidy")
    if not os.path.exists(config):
        config = os.path.join(REPO, ".clang-tidy")
    # The build's flags are gcc's: clang must not stop at -Wlogical-op or at TCPX_WERROR's -Werror.
    base = ["clang-tidy", "--quiet", "--config-file=" + config,
            "--extra-arg=-Wno-unknown-warning-option", "--extra-arg=-Wno-error"]

    def run(f):
        path = os.path.join(source, f)
        if db_dir and os.path.realpath(path) in listed:
            cmd = base + ["-p", db_dir, path]
        else:
            cmd = base + [path, "--"] + fallback_flags(source)
        return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    problems = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        for f, res in zip(files, pool.map(run, files)):
            lines = res.stdout.splitlines()
            found = 0
            for i, line in enumerate(lines):
                m = TIDY_LINE.match(line)
                if not m:
                    continue
                found += 1
                path, lineno, kind, msg, check = m.group(1), int(m.group(2)), m.group(4), m.group(5), m.group(6)
                if check == "readability-function-size":
                    # The sizes are in the notes that follow ("94 lines including whitespace
                    # and comments (threshold 80)", "... statements ...").
                    sizes = []
                    for note in lines[i + 1:i + 12]:
                        if TIDY_LINE.match(note):
                            break
                        n = TIDY_NOTE.match(note)
                        if not n or "threshold" not in n.group(4):
                            continue
                        sizes.append(n.group(4).replace(" including whitespace and comments", "")
                                     .replace("(threshold", "(limit"))
                    msg = re.sub(r" exceeds recommended size/complexity thresholds", " is too long", msg)
                    if sizes:
                        msg += ": " + ", ".join(sizes)
                problems.append((rel(source, os.path.realpath(path)) if os.path.isabs(path) else path,
                                 lineno, "%s%s [%s]" % ("error: " if kind == "error" else "", msg, check or "clang")))
            if res.returncode != 0 and not found:
                err = (res.stderr.strip().splitlines() or ["exit %d" % res.returncode])[-1]
                problems.append((f, 0, "clang-tidy failed: " + err))
    return sorted(set(problems), key=lambda p: (p[0], p[1], p[2]))


def check_length(source):
    problems = []
    for f in analysed_sources(source):
        with open(os.path.join(source, f), "rb") as fh:
            n = fh.read().count(b"\n")
        if n > MAX_FILE_LINES and f not in DATA_TABLE_FILES:
            problems.append((f, MAX_FILE_LINES + 1, "%d lines (limit %d): split it by what its parts do (a data "
                             "table may be listed in DATA_TABLE_FILES in tests/lint/lint.py, with its reason)"
                             % (n, MAX_FILE_LINES)))
    return problems


def check_deps(source):
    glue_headers = set()
    for d in GLUE_DIRS:
        full = os.path.join(source, d)
        if os.path.isdir(full):
            glue_headers |= {f for f in os.listdir(full) if f.endswith(".h")}
    problems = []
    for d in CORE_DIRS:
        full = os.path.join(source, d)
        if not os.path.isdir(full):
            continue
        for name in sorted(os.listdir(full)):
            if not name.endswith((".c", ".h")):
                continue
            f = os.path.join(d, name)
            with open(os.path.join(source, f), encoding="utf-8", errors="replace") as fh:
                for n, line in enumerate(fh, 1):
                    m = INCLUDE.match(line)
                    if not m:
                        continue
                    inc = m.group(2)
                    if WIRESHARK_INCLUDE.match(inc):
                        why = "a Wireshark header"
                    elif os.path.basename(inc) in glue_headers:
                        why = "a glue header"
                    else:
                        continue
                    problems.append((f, n, "includes %s%s%s, %s: the core is pure C (GLib only); "
                                     "move what needs it to the glue (plugin/wireshark, tap/wireshark)"
                                     % (m.group(1), inc, ">" if m.group(1) == "<" else '"', why)))
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--source", default=REPO, help="the tree to check (default: this repository)")
    ap.add_argument("--build", default=os.path.join(REPO, "build"),
                    help="build folder with compile_commands.json (default: build/)")
    ap.add_argument("--only", default=",".join(CHECKS), help="comma-separated checks: " + ", ".join(CHECKS))
    ap.add_argument("--any-version", action="store_true",
                    default=os.environ.get("TCPX_LINT_ANY_VERSION") == "1",
                    help="run with tool versions other than %s" % WRITTEN_FOR)
    ap.add_argument("--fix-format", action="store_true", help="clang-format -i the files the format check rejects")
    args = ap.parse_args()
    source = os.path.abspath(args.source)
    checks = [c.strip() for c in args.only.split(",") if c.strip()]
    for c in checks:
        if c not in CHECKS:
            ap.error("unknown check %r (known: %s)" % (c, ", ".join(CHECKS)))

    for c in checks:
        for tool in TOOLS_OF.get(c, []):
            if not shutil.which(tool):
                print("lint: SKIP: %s not found (the %s check needs it; Debian: apt-get install "
                      "clang-format clang-tidy cppcheck, or bash scripts/setup.sh)" % (tool, c))
                return SKIP
            short, full = tool_version(tool)
            if short != WRITTEN_FOR[tool] and not args.any_version:
                print("lint: SKIP: %s is version %s (%s); the lint rules were written for %s %s "
                      "(Debian 12), and other versions format and warn differently "
                      "(--any-version or TCPX_LINT_ANY_VERSION=1 runs anyway)"
                      % (tool, short, full, tool, WRITTEN_FOR[tool]))
                return SKIP

    counts = {}
    total = 0
    for c in checks:
        if c == "format":
            problems = check_format(source, fix=args.fix_format)
        elif c == "tidy":
            problems = check_tidy(source, args.build)
        else:
            problems = globals()["check_" + c](source)
        counts[c] = len(problems)
        total += len(problems)
        for path, line, msg in problems:
            print("%s:%d: %s: %s" % (path, line, c, msg))
        sys.stdout.flush()

    summary = ", ".join("%s %d" % (c, counts[c]) for c in checks)
    if total:
        print("lint: %d problem%s (%s)" % (total, "" if total == 1 else "s", summary))
        return 1
    print("lint: clean (%s)" % summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
