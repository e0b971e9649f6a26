#!/usr/bin/env python3
"""Runs clang-tidy over translation units in parallel for ops/lint.

Each unit's output goes to its own buffer, so the report is ordered and never
interleaved; a diagnostic reported once per including unit (a header's) is
printed once; a count per check closes the report. Exit status 1 when any
unit fails or reports anything.

Results are cached in --cache, keyed on everything that determines them: the
clang-tidy version, the .clang-tidy file, the arguments, the unit's compile
command and its preprocessed text (so a change to any included header
invalidates it). A cache hit replays the stored output, findings included.
"""
import argparse
import collections
import concurrent.futures
import hashlib
import json
import os
import re
import shlex
import subprocess
import sys
import time

HEAD = re.compile(r"^\S.*?:\d+:\d+: (warning|error): .*\[([^\]]+)\]$")
NOISE = re.compile(
    r"^(\d+ warnings?( and \d+ errors?)? generated\.|Suppressed \d+ warnings|"
    r"Use -header-filter|Error while processing )"
)


def compile_args(entry):
    if "arguments" in entry:
        return list(entry["arguments"])
    return shlex.split(entry["command"])


def preprocess_args(args):
    """The unit's compile command turned into `-E` to stdout."""
    out, skip = [], False
    for a in args:
        if skip:
            skip = False
            continue
        if a in ("-o", "-MF", "-MT", "-MQ"):
            skip = True
            continue
        if a in ("-c", "-MD", "-MMD") or a.startswith("-o"):
            continue
        out.append(a)
    return out + ["-E", "-o", "-"]


def cache_key(entry, salt):
    h = hashlib.sha256(salt)
    args = compile_args(entry)
    h.update("\0".join(args).encode())
    try:
        pre = subprocess.run(
            preprocess_args(args),
            cwd=entry["directory"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None  # e.g. a generated header is missing: run, do not cache
    h.update(pre)
    return h.hexdigest()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("--clang-tidy", required=True)
    # Every .clang-tidy in use (nested ones refine the top-level file): all
    # of them key the cache.
    ap.add_argument("--config-file", action="append", required=True)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--cache", help="result cache folder (omit to disable)")
    ap.add_argument("--tidy-arg", action="append", default=[])
    ap.add_argument("units", nargs="+")
    opts = ap.parse_args()

    with open(os.path.join(opts.build, "compile_commands.json")) as f:
        db = {}
        for e in json.load(f):
            path = os.path.normpath(os.path.join(e["directory"], e["file"]))
            db.setdefault(path, e)

    version = subprocess.run(
        [opts.clang_tidy, "--version"], stdout=subprocess.PIPE, check=True
    ).stdout
    config = b""
    for path in sorted(opts.config_file):
        with open(path, "rb") as f:
            config += path.encode() + b"\0" + f.read() + b"\0"
    salt = b"\0".join([version, config, "\0".join(opts.tidy_arg).encode()])
    if opts.cache:
        os.makedirs(opts.cache, exist_ok=True)

    def run(unit):
        start = time.monotonic()
        entry = db[unit]
        key = cache_key(entry, salt) if opts.cache else None
        cached = key and os.path.join(opts.cache, key)
        if cached and os.path.exists(cached + ".rc"):
            with open(cached + ".rc") as f:
                rc = int(f.read())
            with open(cached + ".log", errors="replace") as f:
                out = f.read()
            os.utime(cached + ".rc")
            os.utime(cached + ".log")
            return unit, rc, out, True, time.monotonic() - start
        cmd = [opts.clang_tidy, "-p", opts.build, *opts.tidy_arg, unit]
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if proc.returncode < 0:  # killed by a signal (seen: SIGBUS); retry once
            proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        out = proc.stdout.decode(errors="replace")
        if cached and proc.returncode >= 0:
            with open(cached + ".log", "w") as f:
                f.write(out)
            with open(cached + ".rc", "w") as f:
                f.write(str(proc.returncode))
        return unit, proc.returncode, out, False, time.monotonic() - start

    results = {}
    cwd = os.getcwd() + os.sep
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, opts.jobs)) as pool:
        futures = [pool.submit(run, u) for u in opts.units]
        for n, fut in enumerate(concurrent.futures.as_completed(futures), 1):
            unit, rc, out, hit, secs = fut.result()
            results[unit] = (rc, out)
            name = unit[len(cwd):] if unit.startswith(cwd) else unit
            how = "cached" if hit else "%.1fs" % secs
            print("  [%d/%d] %s (%s)" % (n, len(opts.units), name, how), flush=True)
    print(flush=True)

    # Results in use were just read or written (mtime now); drop those unused
    # for a week (other branches keep theirs while they are worked on).
    if opts.cache:
        cutoff = time.time() - 7 * 24 * 3600
        for name in os.listdir(opts.cache):
            p = os.path.join(opts.cache, name)
            if os.path.getmtime(p) < cutoff:
                os.remove(p)

    seen, counts, failed = set(), collections.Counter(), []
    for unit in opts.units:
        rc, out = results[unit]
        # clang-tidy exits 1 when it reports an error-level finding (all are,
        # with WarningsAsErrors) or the unit does not compile (reported as a
        # clang-diagnostic-error finding). Anything else is a tool failure.
        if rc != 0 and not any(HEAD.match(l) for l in out.splitlines()):
            failed.append((unit, rc, out))
        blocks, cur = [], None
        for line in out.splitlines():
            if NOISE.match(line):
                continue
            if HEAD.match(line) or cur is None:
                cur = [line]
                blocks.append(cur)
            else:
                cur.append(line)
        for b in blocks:
            text = "\n".join(b)
            if text in seen:
                continue
            seen.add(text)
            print(text)
            m = HEAD.match(b[0])
            if m:
                counts[m.group(2).split(",")[0]] += 1
    if counts:
        print("\nclang-tidy: %d findings" % sum(counts.values()))
        for check, n in counts.most_common():
            print("  %4d  %s" % (n, check))
    for unit, rc, out in failed:
        print("clang-tidy failed without a diagnostic: %s (exit %d)" % (unit, rc))
        print("\n".join("  | " + l for l in out.splitlines()[-20:]))
    return 1 if failed or counts else 0


if __name__ == "__main__":
    sys.exit(main())
