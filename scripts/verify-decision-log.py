#!/usr/bin/env python3
"""Independent check of a Warden decision log, written apart from the Java code on purpose.

Usage: verify-decision-log.py FILE. Exit 0 when every record verifies, 1 at the first fault.
Each line must be canonical JSON (sorted keys, no spaces, UTF-8), its "hash" the SHA-256 of the
record without "hash" in that form, its "prev" the hash of the line before (64 zeros first), and
"seq" must count 1, 2, 3, ...
"""
import hashlib
import json
import sys


def canonical(value):
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def main(path):
    prev, seq = "0" * 64, 1
    with open(path, "rb") as f:
        data = f.read()
    if data and not data.endswith(b"\n"):
        print(f"{path}: torn tail: the last line has no line end")
        return 1
    for number, raw in enumerate(data.splitlines(), start=1):
        try:
            line = raw.decode("utf-8")
            record = json.loads(line)
        except (UnicodeDecodeError, json.JSONDecodeError):
            print(f"{path}:{number}: not JSON")
            return 1
        if canonical(record) != line:
            print(f"{path}:{number}: not canonical")
            return 1
        claimed = record.pop("hash", None)
        if hashlib.sha256(canonical(record).encode("utf-8")).hexdigest() != claimed:
            print(f"{path}:{number}: hash mismatch")
            return 1
        if record.get("seq") != seq or record.get("prev") != prev:
            print(f"{path}:{number}: chain broken (seq {record.get('seq')}, expected {seq})")
            return 1
        prev, seq = claimed, seq + 1
    print(f"{path}: {seq - 1} records verified")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
