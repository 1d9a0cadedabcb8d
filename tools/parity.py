#!/usr/bin/env python3
"""Compare `specdet profile` features with the reference script's, file by file.

Usage (from the repo root):

    python3 tools/parity.py SPECDET_CSV REFERENCE_CSV [--tol 1e-3] [--summary]
                            [--ignore-failed]
    python3 tools/parity.py --self-test [REFERENCE_CSV]

SPECDET_CSV:   `specdet profile` output: path,status,width,height,bin_0..bin_{N-1}
               (more columns after these are ignored; a failed row has empty bins).
REFERENCE_CSV: `python3 ../shared/peers/durall_reference.py profile DIR --out X.csv`
               output: path,height,width,raw_len,n_features,f0..f{N-1}.

Rows are matched by path, both sides normalised to a path relative to the current
directory (os.path.relpath of the absolute path, symlinks not resolved), so `./a.png`,
`a.png` and `/abs/dir/a.png` meet. For each file the tool prints the largest absolute
feature difference and the bin where it occurs, then a summary with the overall maximum
and the number of files compared.

Exit status 1 (parity failed) when any feature differs by more than --tol (default 1e-3,
the parity target of docs PIPELINE.md), when width/height or the number of features
differ, when a path is missing on either side, when a path is listed twice, or when
specdet failed on a file the reference profiled. A file that specdet rejects (status not
ok, empty bins) is listed in the reference only if the reference could read it; the
reference silently skips files it cannot read, so a specdet error row whose path the
reference lacks counts as missing unless --ignore-failed is given. Exit status 2: usage
error or an unreadable/ill-formed CSV. 0: every file matches.

--self-test builds specdet-style CSVs from a reference CSV (default
Fixtures/reference/durall_generic_300.csv of the repo) in a temporary folder and checks
that identical files pass and perturbed, missing, extra or failed rows fail.
"""

from __future__ import annotations

import argparse
import csv
import io
import math
import os
import sys
import tempfile

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_SELFTEST_CSV = os.path.join(REPO_ROOT, "Fixtures", "reference",
                                    "durall_generic_300.csv")

csv.field_size_limit(1 << 30)


class CsvError(Exception):
    pass


def norm_path(p: str) -> str:
    return os.path.relpath(os.path.abspath(p))


def _open(path: str):
    try:
        return open(path, newline="", encoding="utf-8", errors="surrogateescape")
    except OSError as exc:
        raise CsvError(f"cannot read {path}: {exc.strerror}") from exc


def _numbered(fieldnames: list[str], prefix: str) -> list[str]:
    cols = []
    i = 0
    while f"{prefix}{i}" in fieldnames:
        cols.append(f"{prefix}{i}")
        i += 1
    return cols


def _float(s: str, where: str) -> float:
    try:
        return float(s)
    except ValueError:
        raise CsvError(f"{where}: not a number: {s!r}") from None


def read_specdet(path: str) -> list[dict]:
    with _open(path) as fh:
        rd = csv.DictReader(fh)
        fields = rd.fieldnames or []
        need = ["path", "status", "width", "height", "bin_0"]
        if not all(c in fields for c in need):
            raise CsvError(f"{path}: not a specdet profile CSV (needs {','.join(need)}...; "
                           f"has {','.join(fields[:6])}...)")
        bins = _numbered(fields, "bin_")
        rows = []
        for line, r in enumerate(rd, start=2):
            vals = [r[c] for c in bins]
            failed = any(v in (None, "") for v in vals)
            where = f"{path}:{line}"
            rows.append(dict(
                path=r["path"], key=norm_path(r["path"]), status=r["status"], failed=failed,
                width=None if failed else int(_float(r["width"], where)),
                height=None if failed else int(_float(r["height"], where)),
                vec=None if failed else [_float(v, where) for v in vals]))
        return rows


def read_reference(path: str) -> list[dict]:
    with _open(path) as fh:
        rd = csv.DictReader(fh)
        fields = rd.fieldnames or []
        need = ["path", "height", "width", "n_features", "f0"]
        if not all(c in fields for c in need):
            raise CsvError(f"{path}: not a reference profile CSV (needs {','.join(need)}...; "
                           f"has {','.join(fields[:6])}...)")
        fcols = _numbered(fields, "f")
        rows = []
        for line, r in enumerate(rd, start=2):
            where = f"{path}:{line}"
            n = int(_float(r["n_features"], where))
            if n > len(fcols) or any(r[c] in (None, "") for c in fcols[:n]):
                raise CsvError(f"{where}: n_features={n} but fewer values")
            rows.append(dict(path=r["path"], key=norm_path(r["path"]),
                             width=int(_float(r["width"], where)),
                             height=int(_float(r["height"], where)),
                             vec=[_float(r[c], where) for c in fcols[:n]]))
        return rows


def max_diff(a: list[float], b: list[float]) -> tuple[float, int]:
    best, at = 0.0, 0
    for i, (x, y) in enumerate(zip(a, b)):
        if math.isnan(x) and math.isnan(y):
            continue
        d = abs(x - y)
        if math.isnan(d):
            d = math.inf
        if d > best:
            best, at = d, i
    return best, at


def compare(spec_rows, ref_rows, tol: float, summary_only: bool, ignore_failed: bool,
            out=sys.stdout) -> int:
    problems = []

    def dupes(rows, side):
        seen = set()
        for r in rows:
            if r["key"] in seen:
                problems.append(f"{side}: {r['key']} listed twice")
            seen.add(r["key"])

    dupes(spec_rows, "specdet")
    dupes(ref_rows, "reference")
    ref = {r["key"]: r for r in ref_rows}
    spec_keys = {r["key"] for r in spec_rows}

    compared = 0
    overall, overall_at = 0.0, None
    over = []
    lines = []
    failed_absent = []
    for s in spec_rows:
        r = ref.get(s["key"])
        if s["failed"]:
            if r is None:
                failed_absent.append(s)
                if not ignore_failed:
                    problems.append(f"{s['key']}: specdet failed ({s['status']}) and the "
                                    f"reference has no row (missing on both sides)")
            else:
                problems.append(f"{s['key']}: specdet failed ({s['status']}) but the "
                                f"reference profiled it")
            continue
        if r is None:
            problems.append(f"{s['key']}: missing from the reference CSV")
            continue
        if (s["width"], s["height"]) != (r["width"], r["height"]):
            problems.append(f"{s['key']}: size {s['width']}x{s['height']} in specdet, "
                            f"{r['width']}x{r['height']} in the reference")
        if len(s["vec"]) != len(r["vec"]):
            problems.append(f"{s['key']}: {len(s['vec'])} bins in specdet, "
                            f"{len(r['vec'])} features in the reference")
            continue
        d, at = max_diff(s["vec"], r["vec"])
        compared += 1
        lines.append((d, at, s["key"]))
        if d > tol:
            over.append((d, at, s["key"]))
        if overall_at is None or d > overall:
            overall, overall_at = d, (at, s["key"])
    for r in ref_rows:
        if r["key"] not in spec_keys:
            problems.append(f"{r['key']}: missing from the specdet CSV")

    if not summary_only:
        wr = csv.writer(out, lineterminator="\n")
        wr.writerow(["max_abs_diff", "bin", "path"])
        for d, at, key in lines:
            wr.writerow([f"{d:.3e}", at, key])
    else:
        for d, at, key in sorted(lines, reverse=True)[:5]:
            print(f"worst: {d:.3e} at bin {at} in {key}", file=out)
    for p in problems:
        print(f"problem: {p}", file=out)
    where = f" (bin {overall_at[0]} of {overall_at[1]})" if overall_at else ""
    print(f"compared {compared} files (specdet rows {len(spec_rows)}, reference rows "
          f"{len(ref_rows)}); overall max |diff| {overall:.3e}{where}; tolerance {tol:g}; "
          f"{len(over)} over tolerance; {len(problems)} other problems"
          + (f"; {len(failed_absent)} failed in specdet and absent from the reference "
             f"(ignored)" if ignore_failed and failed_absent else ""), file=out)
    ok = not over and not problems and compared > 0
    print("PARITY OK" if ok else "PARITY FAILED", file=out)
    return 0 if ok else 1


# ------------------------------------------------------------------ self-test
def _write_specdet(path, ref_rows, edit=None, swap=(), drop=(), fail=(), relabel=None):
    n = len(ref_rows[0]["vec"])
    with open(path, "w", newline="", encoding="utf-8") as fh:
        wr = csv.writer(fh, lineterminator="\n")
        wr.writerow(["path", "status", "width", "height"] + [f"bin_{i}" for i in range(n)])
        for i, r in enumerate(ref_rows):
            if i in drop:
                continue
            vec = list(r["vec"])
            if edit and i in edit:
                j, delta = edit[i]
                vec[j] += delta
            p = relabel(r["path"]) if relabel else r["path"]
            w, h = (r["height"], r["width"]) if i in swap else (r["width"], r["height"])
            if i in fail:
                wr.writerow([p, "decode_error", "", ""] + [""] * n)
            else:
                wr.writerow([p, "ok", w, h] + [repr(v) for v in vec])


def self_test(ref_csv: str) -> int:
    ref_rows = read_reference(ref_csv)
    if len(ref_rows) < 3:
        raise CsvError(f"{ref_csv}: the self-test needs at least 3 rows")
    nonsquare = next((i for i, r in enumerate(ref_rows) if r["width"] != r["height"]), None)
    cases = [
        ("identical", {}, 0),
        ("paths written as ./path",
         dict(relabel=lambda p: "./" + p if not os.path.isabs(p) else p), 0),
        ("absolute paths", dict(relabel=os.path.abspath), 0),
        ("one feature off by 5e-4 (within tolerance)", dict(edit={1: (17, 5e-4)}), 0),
        ("one feature off by 2e-3", dict(edit={1: (17, 2e-3)}), 1),
        ("last feature NaN", dict(edit={2: (len(ref_rows[2]["vec"]) - 1, math.nan)}), 1),
        ("a row missing in specdet", dict(drop={0}), 1),
        ("specdet failed on a file the reference read", dict(fail={1}), 1),
    ]
    if nonsquare is not None:
        cases.append(("width and height swapped", dict(swap={nonsquare}), 1))
    failures = 0
    with tempfile.TemporaryDirectory(prefix="parity_selftest_") as tmp:
        for name, kw, want in cases:
            spec = os.path.join(tmp, "specdet.csv")
            _write_specdet(spec, ref_rows, **kw)
            buf = io.StringIO()
            got = compare(read_specdet(spec), ref_rows, 1e-3, True, False, out=buf)
            status = "ok" if got == want else "WRONG"
            failures += got != want
            print(f"self-test {status}: {name}: exit {got} (want {want}); "
                  f"{buf.getvalue().strip().splitlines()[-2]}")
        # a reference CSV missing a row that specdet has
        spec = os.path.join(tmp, "specdet.csv")
        _write_specdet(spec, ref_rows)
        buf = io.StringIO()
        got = compare(read_specdet(spec), ref_rows[1:], 1e-3, True, False, out=buf)
        failures += got != 1
        print(f"self-test {'ok' if got == 1 else 'WRONG'}: a row missing in the reference: "
              f"exit {got} (want 1)")
        # specdet failed on a file the reference skipped: missing unless --ignore-failed
        _write_specdet(spec, ref_rows, fail={0})
        for ign, want in ((False, 1), (True, 0)):
            buf = io.StringIO()
            got = compare(read_specdet(spec), ref_rows[1:], 1e-3, True, ign, out=buf)
            failures += got != want
            print(f"self-test {'ok' if got == want else 'WRONG'}: failed in both, "
                  f"--ignore-failed={ign}: exit {got} (want {want})")
    print("self-test", "PASSED" if failures == 0 else f"FAILED ({failures} cases)")
    return 0 if failures == 0 else 1


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="parity.py", description=__doc__.split("\n")[0],
                                 epilog=__doc__.split("\n", 1)[1],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("csvs", nargs="*", metavar="CSV")
    ap.add_argument("--tol", type=float, default=1e-3)
    ap.add_argument("--summary", action="store_true",
                    help="print the 5 worst files instead of every file")
    ap.add_argument("--ignore-failed", action="store_true",
                    help="do not count files that specdet rejected and the reference lacks")
    ap.add_argument("--self-test", action="store_true")
    a = ap.parse_args(argv)
    try:
        if a.self_test:
            if len(a.csvs) > 1:
                ap.error("--self-test takes at most one REFERENCE_CSV")
            return self_test(a.csvs[0] if a.csvs else DEFAULT_SELFTEST_CSV)
        if len(a.csvs) != 2:
            ap.error("give SPECDET_CSV and REFERENCE_CSV")
        if not (a.tol >= 0):
            ap.error("--tol must be >= 0")
        return compare(read_specdet(a.csvs[0]), read_reference(a.csvs[1]), a.tol,
                       a.summary, a.ignore_failed)
    except CsvError as exc:
        print(f"parity: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into `head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


if __name__ == "__main__":
    sys.exit(main())
