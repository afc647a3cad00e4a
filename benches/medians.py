#!/usr/bin/env python3
"""Prints criterion's medians as a Markdown table, each peer's ratio to ours beside it.

Run after `cargo bench -p pix-settlement-benches`:
    python3 benches/medians.py [CRITERION_DIR] [OURS]
CRITERION_DIR defaults to $CARGO_TARGET_DIR/criterion or target/criterion; OURS is the function
name of our contender in every group (brcode-pix).
"""
import json
import os
import pathlib
import sys

target = os.environ.get("CARGO_TARGET_DIR", "target")
root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else os.path.join(target, "criterion"))
ours = sys.argv[2] if len(sys.argv) > 2 else "brcode-pix"


def fmt(ns):
    return f"{ns / 1000:.2f} µs" if ns >= 1000 else f"{ns:.0f} ns"


print(f"| benchmark | {ours} | peer | peer median | peer / {ours} |")
print("|---|---|---|---|---|")
for group in sorted(p for p in root.iterdir() if p.is_dir() and p.name != "report"):
    medians = {}
    for function in group.iterdir():
        estimates = function / "new" / "estimates.json"
        if estimates.is_file():
            medians[function.name] = json.loads(estimates.read_text())["median"]["point_estimate"]
    if ours not in medians:
        continue
    mine = medians.pop(ours)
    for peer, median in sorted(medians.items()):
        print(f"| {group.name} | {fmt(mine)} | {peer} | {fmt(median)} | {median / mine:.1f}x |")
