#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""The table of `make profile` (profile.sh): the plugin's counts of two
boots, floor and peercred, named by each boot's own /proc/kallsyms, as
instructions a loop per function."""

import bisect
import collections
import sys

# A kernel function whose count moves less than this a loop is not shown.
SHOWN = 1.0


def symbols(path):
    """(address, name) of every text symbol, sorted; a module's in []."""
    syms = []
    with open(path) as f:
        for line in f:
            part = line.split()
            if len(part) < 2:
                continue
            name = part[1] + (" " + part[2] if len(part) > 2 else "")
            syms.append((int(part[0], 16), name))
    syms.sort()
    return syms


def per_function(counts_path, syms_path):
    syms = symbols(syms_path)
    starts = [a for a, _ in syms]
    total = collections.Counter()
    with open(counts_path) as f:
        for line in f:
            if line.startswith("#"):
                continue
            pc, runs = line.split()
            pc = int(pc, 16)
            if pc < 1 << 63:
                total["(user space)"] += int(runs)
                continue
            i = bisect.bisect_right(starts, pc) - 1
            total[syms[i][1] if i >= 0 else "(unnamed)"] += int(runs)
    return total


def kind(name):
    if name == "(user space)":
        return "user"
    if name.endswith("[peercred]") or name.endswith("[peercred_floor]"):
        return "module"
    if name.endswith("[__builtin__ftrace]"):
        return "trampoline"
    return "kernel"


def main():
    loop, n, kver = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    floor = per_function(sys.argv[4], sys.argv[5])
    with_ = per_function(sys.argv[6], sys.argv[7])
    print(f"Instructions a {loop} loop on {kver}: every guest instruction of "
          f"{n} loops counted by a QEMU plugin, in one boot with the "
          "probe-only floor and one with peercred.")
    print(f"{'function':48} {'floor':>9} {'with':>9} {'with-floor':>10}")
    sums = collections.defaultdict(lambda: [0.0, 0.0])
    rows = []
    for name in set(floor) | set(with_):
        f, w = floor[name] / n, with_[name] / n
        sums[kind(name)][0] += f
        sums[kind(name)][1] += w
        if kind(name) not in ("kernel", "user") or abs(w - f) >= SHOWN:
            rows.append((kind(name) == "kernel", -abs(w - f), name, f, w))
    for _, _, name, f, w in sorted(rows):
        print(f"{name[:48]:48} {f:9.1f} {w:9.1f} {w - f:10.1f}")
    print()
    allf = sum(v[0] for v in sums.values())
    allw = sum(v[1] for v in sums.values())
    own = (sums["module"][1] + sums["trampoline"][1]
           - sums["module"][0] - sums["trampoline"][0])
    kern = sums["kernel"][1] - sums["kernel"][0]
    print(f"all instructions a loop: floor {allf:.1f}, with {allw:.1f}: "
          f"{allw - allf:.1f} ({(allw - allf) / allf * 100:.2f} %) above the floor")
    print(f"  peercred's code and trampoline over the floor's: {own:.1f}")
    print(f"  the rest of the kernel: {kern:+.1f} (kernel lines above vary "
          "between boots)")
    user = sums["user"][1] - sums["user"][0]
    print(f"  user space: {user:+.1f}")


if __name__ == "__main__":
    main()
