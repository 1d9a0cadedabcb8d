"""Score a list of images with specdet on Spark.

The list's lines (one image path each) are split into partitions; each partition's paths go
through one `specdet score --files-from - --format jsonl` process (RDD.pipe), and its JSON
lines come back as the rows. Every input gets exactly one row, also one that failed (its
`status` says why), so the script checks that the rows are as many as the paths.

    python3 examples/spark/score_with_spark.py --specdet /usr/local/bin/specdet \\
        --list paths.txt --output scores/ [--partitions 64] [--master local[2]]

writes scores/part-*, JSON lines with the keys of `specdet score`'s columns. Local mode by
default; on a cluster, give --master and install specdet at the same path on every executor,
with the images on storage every executor reads under the same paths.
"""

import argparse
import json
import shlex

from pyspark.sql import SparkSession


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--specdet", required=True, help="the specdet binary (same path on every executor)")
    parser.add_argument("--list", required=True, help="a text file of image paths, one a line")
    parser.add_argument("--output", required=True, help="a folder that does not exist yet, for the part files")
    parser.add_argument("--partitions", type=int, default=8, help="specdet processes in all (default 8)")
    parser.add_argument("--jobs", type=int, default=1, help="specdet --jobs of each process (default 1: one per task slot)")
    parser.add_argument("--master", default="local[2]", help="Spark master (default local[2]: this machine, 2 task slots)")
    args = parser.parse_args()

    spark = SparkSession.builder.appName("specdet score").master(args.master).getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")

    paths = spark.sparkContext.textFile(args.list, minPartitions=args.partitions).filter(lambda line: line != "")
    command = shlex.join([args.specdet, "score", "--files-from", "-", "--format", "jsonl",
                          "--no-header", "--quiet", "--jobs", str(args.jobs)])
    # Exit status 1 (some inputs failed, each with its row) is not an error here; a process
    # that could not score at all (status 2) leaves rows missing, which the count catches.
    rows = paths.pipe(command, checkCode=False).cache()
    rows.saveAsTextFile(args.output)

    inputs, written = paths.count(), rows.count()
    failed = rows.filter(lambda line: json.loads(line)["status"] != "ok").count()
    spark.stop()
    print(f"{written} rows for {inputs} paths ({failed} failed) in {args.output}")
    if written != inputs:
        raise SystemExit(f"specdet wrote {written} rows for {inputs} paths: see the executors' stderr")


if __name__ == "__main__":
    main()
