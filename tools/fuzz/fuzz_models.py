#!/usr/bin/env python3
"""Mutation fuzzer for specdet model files.

Usage (from the repo root, after `make release`):

    python3 tools/fuzz/fuzz_models.py --specdet .build/release/specdet --mutants 20000 [--jobs 2] [--seed 1]

Seeds: models of every kind trained here on the fixtures (logistic regression with and
without a scaler, RBF SVM, linear SVM; schema 2 as written, and the same models rewritten as
schema 1 with nested arrays), plus the built-in model file. Each mutant is one or a few edits
of a seed's JSON (a key removed, repeated or renamed; a value replaced by another type, an
extreme or non-finite number, a huge or empty array; a packed array's shape, dtype or base64
changed; bytes cut, flipped or inserted), written to a file and given to
`specdet score --model MUTANT Fixtures/images/jpeg`.

A mutant fails the run when specdet
  * is killed by a signal (a crash) or runs past --timeout seconds (a hang),
  * exits with a status other than 0 or 2,
  * writes `nan` or `inf`, a probability outside [0, 1], a label that disagrees with the
    model's threshold, or `unknown` other than exactly when `in_domain` is false,
  * exits 0 for a model that is inconsistent: feature lengths, support vector and
    coefficient counts that disagree, a threshold outside [0, 1], a repeated key, or an
    unknown format or schema (checked here independently of specdet).
Failing mutants are kept in --keep (default /tmp/specdet-model-fuzz) for replay. Exit status:
0 when every mutant passed, 1 otherwise.
"""

from __future__ import annotations

import argparse
import base64
import concurrent.futures
import copy
import json
import math
import os
import random
import struct
import subprocess
import sys
import tempfile

IMAGES = "Fixtures/images/jpeg"
FAKES = "Fixtures/images/dcgan64/fake"
REALS = "Fixtures/images/dcgan64/real"


def train_seeds(specdet: str, folder: str) -> list[bytes]:
    """Models of every kind, schema 2 as written and rewritten as schema 1, and the built-in."""
    recipes = [["--classifier", "logistic"], ["--classifier", "logistic", "--standardize"],
               ["--classifier", "svm"], ["--classifier", "svm-linear"],
               ["--classifier", "svm", "--features", "durall", "--bins", "64"]]
    seeds = []
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
    for index, recipe in enumerate(recipes):
        path = os.path.join(folder, f"seed{index}.json")
        subprocess.run([specdet, "train", "--quiet", "--folds", "0", "--augment", "none", "--real", REALS,
                        "--fake", FAKES, "--output", path] + recipe, check=True, env=env, stdout=subprocess.DEVNULL)
        data = open(path, "rb").read()
        seeds.append(data)
        seeds.append(json.dumps(as_schema_one(json.loads(data))).encode())
    seeds.append(open("Sources/_SpecdetDefaultModel/model/default-model.json", "rb").read())
    return seeds


def unpack(packed: dict):
    code = {"float32": "f", "float64": "d"}[packed["dtype"]]
    raw = base64.b64decode(packed["base64"])
    values = list(struct.unpack("<%d%s" % (len(raw) // struct.calcsize(code), code), raw))
    shape = packed["shape"]
    # The shape must match the bytes before it is trusted to build rows (it may claim 10^19).
    if math.prod(shape) != len(values):
        raise ValueError("a packed array whose shape disagrees with its bytes")
    if len(shape) == 2:
        return [values[i * shape[1]:(i + 1) * shape[1]] for i in range(shape[0])]
    return values


def as_schema_one(model: dict) -> dict:
    model = copy.deepcopy(model)
    model["schema_version"] = 1
    classifier = model["classifier"]
    for key in ("support_vectors", "coefficients"):
        if isinstance(classifier.get(key), dict):
            classifier[key] = unpack(classifier[key])
    return model


# ------------------------------------------------------------------------------- mutations
EXTREMES = [0, -0.0, 1e-300, -1e-300, 1e300, -1e300, 1e12, 1e13, -1e13, 1e-12, 1e-13, 5e-324, 1.7976931348623157e308,
            2 ** 53 + 1, -1, 0.5, 1, 2, 1e999, -1e999, "NaN", "nan", None, True, "", "0", [], {}, [1, 2], {"a": 1}]


def paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from paths(value, prefix + (key,))
    elif isinstance(node, list) and len(node) <= 16:
        for index, value in enumerate(node):
            yield from paths(value, prefix + (index,))
    elif isinstance(node, list):
        for index in (0, len(node) // 2, len(node) - 1):
            yield from paths(node[index], prefix + (index,))


def get(node, path):
    for key in path:
        node = node[key]
    return node


def mutate_json(rng: random.Random, model: dict) -> tuple[dict, list[str]]:
    """One structural edit; returns the model and a list of raw text edits to apply after
    serialisation (repeated keys, non-JSON numbers)."""
    all_paths = [p for p in paths(model) if p]
    path = rng.choice(all_paths)
    parent = get(model, path[:-1])
    key = path[-1]
    kind = rng.randrange(9)
    raw: list[str] = []
    if kind == 0 and isinstance(parent, dict):
        del parent[key]
    elif kind == 1:
        value = rng.choice(EXTREMES)
        if isinstance(value, float) and math.isinf(value):
            raw.append("inf")
            value = 1.25e300
        parent[key] = value
    elif kind == 2 and isinstance(parent[key], (int, float)) and not isinstance(parent[key], bool):
        parent[key] = parent[key] * rng.choice([-1, 10, 1e6, 1e-6, 0])
    elif kind == 3 and isinstance(parent[key], list):
        lst = parent[key]
        choice = rng.randrange(4)
        if choice == 0 and lst:
            lst.pop(rng.randrange(len(lst)))
        elif choice == 1:
            lst.append(copy.deepcopy(lst[-1]) if lst else 0)
        elif choice == 2:
            parent[key] = []
        else:
            # A list grows to at most 100,000 entries: larger mutants cost the fuzzer
            # gigabytes, and a model file over specdet's size bound is refused unread.
            factors = [k for k in (2, 50) if len(lst) * k <= 100_000]
            parent[key] = lst * rng.choice(factors) if factors else lst[: len(lst) // 2]
    elif kind == 4 and isinstance(parent[key], dict) and "base64" in parent[key]:
        packed = parent[key]
        choice = rng.randrange(5)
        if choice == 0:
            packed["shape"] = [s + rng.choice([-1, 1]) for s in packed["shape"]]
        elif choice == 1:
            packed["dtype"] = rng.choice(["float64", "float32", "int8", "float16"])
        elif choice == 2:
            data = bytearray(base64.b64decode(packed["base64"]))
            if data:
                for _ in range(rng.randint(1, 8)):
                    data[rng.randrange(len(data))] = rng.randrange(256)
            packed["base64"] = base64.b64encode(bytes(data)).decode()
        elif choice == 3:
            packed["base64"] = packed["base64"][: rng.randrange(len(packed["base64"]) + 1)]
        else:
            packed["shape"] = rng.choice([[], [0, 300], [2 ** 40, 300], [-1, 300], [1, 1, 1]])
    elif kind == 5 and isinstance(parent, dict):
        raw.append("repeat:" + str(key))
    elif kind == 6 and isinstance(parent, dict):
        parent[str(key) + "_"] = parent.pop(key)
    elif kind == 7:
        top = rng.choice(["format", "schema_version", "feature", "threshold"])
        model[top] = rng.choice(["specdet-model", "other", 0, 1, 2, 3, 99, -1, {"features": "durall", "bins": 300},
                                 {"features": "sectors", "bins": 301}, {"features": "magic", "bins": 300}, 0.5, 1.5, None])
    else:
        parent[key] = rng.choice(["text", [[1.0] * 3], {"kind": "svm"}, 12345678901234567890])
    return model, raw


def mutant(rng: random.Random, seed: bytes) -> bytes:
    if rng.random() < 0.15:
        data = bytearray(seed)
        choice = rng.randrange(3)
        if choice == 0:
            del data[rng.randrange(len(data)):]
        elif choice == 1:
            for _ in range(rng.randint(1, 16)):
                data[rng.randrange(len(data))] = rng.randrange(256)
        else:
            position = rng.randrange(len(data))
            data[position:position] = rng.choice([b"{", b"}", b",", b"\"", b"1e999", b"\\u0000", b"[[[[[[[[[["])
        return bytes(data)
    model = json.loads(seed)
    raws: list[str] = []
    for _ in range(rng.randint(1, 3)):
        model, raw = mutate_json(rng, model)
        raws += raw
    text = json.dumps(model, separators=(",", ":"), allow_nan=True)
    for edit in raws:
        if edit == "inf":
            text = text.replace("1.25e+300", rng.choice(["Infinity", "1e999", "-1e999", "NaN"]), 1)
        elif edit.startswith("repeat:"):
            key = json.dumps(edit[len("repeat:"):])
            at = text.find(key + ":")
            if at >= 0:
                text = text[:at] + key + ":0," + text[at:]
    return text.encode()


# ----------------------------------------------------------------------- the independent check
def consistent(data: bytes) -> tuple[bool, str]:
    """Whether the file is a model specdet may accept, judged without specdet."""
    pairs_seen = []

    def hook(pairs):
        keys = [k for k, _ in pairs]
        if len(keys) != len(set(keys)):
            pairs_seen.append("repeated key")
        return dict(pairs)

    try:
        model = json.loads(data, object_pairs_hook=hook, parse_constant=lambda c: float(c))
    except (ValueError, UnicodeDecodeError, RecursionError):
        return False, "not JSON"
    if pairs_seen:
        return False, "repeated key"
    try:
        assert model["format"] == "specdet-model"
        assert model["schema_version"] in (1, 2) and type(model["schema_version"]) is int
        feature = model["feature"]
        bins = feature["bins"]
        assert feature["features"] in ("durall", "sectors") and type(bins) is int and 2 <= bins <= 100000
        assert 0 <= model["threshold"] <= 1
        classifier = model["classifier"]
        if classifier["kind"] == "svm":
            vectors = classifier["support_vectors"]
            vectors = unpack(vectors) if isinstance(vectors, dict) else vectors
            coefficients = classifier["coefficients"]
            coefficients = unpack(coefficients) if isinstance(coefficients, dict) else coefficients
            assert vectors and all(len(v) == bins for v in vectors) and len(vectors) == len(coefficients)
        elif classifier["kind"] in ("logistic", "svm-linear"):
            assert len(classifier["weights"]) == bins
        else:
            return False, "unknown classifier"
        if model.get("scaler") is not None:
            assert len(model["scaler"]["mean"]) == bins and len(model["scaler"]["std"]) == bins
    except (AssertionError, KeyError, TypeError, ValueError, struct.error, IndexError):
        return False, "inconsistent"
    return True, ""


def check(specdet: str, path: str, data: bytes, timeout: float) -> str | None:
    """The failure of one mutant, or None."""
    try:
        run = subprocess.run([specdet, "score", "--quiet", "--jobs", "1", "--model", path, IMAGES],
                             capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return "hang"
    if run.returncode < 0:
        return f"killed by signal {-run.returncode}"
    if run.returncode not in (0, 2):
        return f"exit status {run.returncode}"
    if run.returncode == 2:
        return None if run.stderr.strip() else "exit 2 without a message"
    ok, why = consistent(data)
    if not ok:
        return f"accepted a model that is {why}"
    model = json.loads(data, parse_constant=lambda c: float(c))
    threshold = model["threshold"]
    lines = run.stdout.decode().strip().split("\n")[1:]
    if len(lines) != 5:
        return "not one row per input"
    for line in lines:
        fields = line.split(",")
        if fields[1] != "ok":
            continue
        text = fields[2].lower()
        if "nan" in text or "inf" in text:
            return "a probability that is not finite"
        p = float(text)
        if not 0 <= p <= 1:
            return "a probability outside [0, 1]"
        in_domain = fields[6]
        if in_domain not in ("true", "false", ""):
            return f"an in_domain value {in_domain!r}"
        if (fields[3] == "unknown") != (in_domain == "false"):
            return "a label `unknown` that disagrees with in_domain"
        if fields[3] != "unknown" and fields[3] != ("fake" if p >= threshold else "real"):
            return "a label that disagrees with the threshold"
    return None


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0], epilog=__doc__.split("\n", 1)[1],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--specdet", default=".build/release/specdet")
    parser.add_argument("--mutants", type=int, default=20000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=60)
    parser.add_argument("--keep", default="/tmp/specdet-model-fuzz")
    args = parser.parse_args(argv)
    if not os.path.isfile("Fixtures/images/jpeg/mate_wood_1024x1024_q85_baseline_color.jpg"):
        print("fuzz_models: error: run from the repository root", file=sys.stderr)
        return 2
    os.makedirs(args.keep, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        seeds = train_seeds(args.specdet, folder)
        outcomes = {"accepted": 0, "refused": 0}
        failures = 0

        # Each mutant is made from its own generator when it is checked: reproducible by its
        # index, and never more than a few in memory (one of the built-in model is 3 MB).
        def one(index: int):
            rng = random.Random(args.seed * 1_000_003 + index)
            data = mutant(rng, rng.choice(seeds))
            path = os.path.join(folder, f"m{index}.json")
            with open(path, "wb") as handle:
                handle.write(data)
            failure = check(args.specdet, path, data, args.timeout)
            accepted = consistent(data)[0] and failure is None
            os.unlink(path)
            if failure:
                with open(os.path.join(args.keep, f"mutant-{index}.json"), "wb") as handle:
                    handle.write(data)
            return index, failure, accepted

        with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
            pending = set()
            done = 0
            indices = iter(range(args.mutants))
            while True:
                while len(pending) < 4 * args.jobs and (index := next(indices, None)) is not None:
                    pending.add(pool.submit(one, index))
                if not pending:
                    break
                finished, pending = concurrent.futures.wait(pending, return_when=concurrent.futures.FIRST_COMPLETED)
                for future in finished:
                    index, failure, accepted = future.result()
                    done += 1
                    if failure:
                        failures += 1
                        kept = os.path.join(args.keep, f"mutant-{index}.json")
                        print(f"mutant {index}: {failure} (kept as {kept})", file=sys.stderr)
                    outcomes["accepted" if accepted else "refused"] += 1
                    if done % 1000 == 0:
                        print(f"{done}/{args.mutants} mutants, {failures} failures", file=sys.stderr)
    print(f"{args.mutants} mutants of {len(seeds)} seed models: {outcomes['accepted']} accepted, "
          f"{outcomes['refused']} refused, {failures} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
