# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# Runs inside the guest as /scenario for `make bench`: figures only, no
# verdicts. Every ratio compares rounds measured in this same boot.
M=/peercred/peercred.ko
FLOOR=/peercred/peercred_floor.ko
ROUNDS=${ROUNDS:-5}	# interleaved rounds of loop rates
MS=${MS:-1000}		# length of one rate measurement (guest clock)
PART=${PART:-all}	# rates, scale or all

echo PEERCRED-BENCH-BEGIN
echo "kernel $(uname -r), $(grep -c ^processor /proc/cpuinfo) vCPUs, QEMU TCG (single-threaded)"
median() {
	sort -n | awk '{ v[n++] = $1 } END { print (v[int((n - 1) / 2)] + v[int(n / 2)]) / 2 }'
}

[ "$PART" = scale ] || {
# Warm caches and the allocator: the first second after boot runs slow.
pcbench rate connect 1000 >/dev/null
pcbench rate socketpair 1000 >/dev/null

# A rate in steady state: each follows 100 ms of the same loop, not
# measured. Right after insmod the first few thousand connections cost
# more (counted per function: the socket slabs allocate and clear pages
# again, 4 M instructions on 6.1 after peercred's load), a one-off of
# loading that is no cost of each connection.
rate() {
	pcbench rate "$1" 100 "$2" >/dev/null
	pcbench rate "$1" "$MS" "$2"
}

# Interleaved rounds: without, with, the probe-only floor (the same probes
# with empty handlers), without again; each loop and width.
for r in $(seq "$ROUNDS"); do
	for loop in connect socketpair; do
		for procs in 1 2; do
			a=$(rate $loop $procs)
			insmod $M
			b=$(rate $loop $procs)
			rmmod peercred
			insmod $FLOOR
			f=$(rate $loop $procs)
			rmmod peercred_floor
			c=$(rate $loop $procs)
			echo "round $r $loop $procs $a $b $c $f" >>/tmp/rates
		done
	done
done
echo
echo "Loop rates (ops/s, median of $ROUNDS rounds; 'without' pools the rounds before and after;"
echo "floor: the same probes with empty handlers; with/floor is what recording costs):"
printf '%-11s %5s %10s %10s %10s %7s %7s %7s\n' loop procs without floor with \
	floor/w/o with/w/o with/floor
for loop in connect socketpair; do
	for procs in 1 2; do
		without=$(awk -v l=$loop -v p=$procs '$3 == l && $4 == p { print $5; print $7 }' /tmp/rates | median)
		with=$(awk -v l=$loop -v p=$procs '$3 == l && $4 == p { print $6 }' /tmp/rates | median)
		floor=$(awk -v l=$loop -v p=$procs '$3 == l && $4 == p { print $8 }' /tmp/rates | median)
		printf '%-11s %5s %10.0f %10.0f %10.0f %7.3f %7.3f %7.3f\n' $loop $procs \
			"$without" "$floor" "$with" \
			"$(awk -v a="$floor" -v b="$without" 'BEGIN { print a / b }')" \
			"$(awk -v a="$with" -v b="$without" 'BEGIN { print a / b }')" \
			"$(awk -v a="$with" -v b="$floor" 'BEGIN { print a / b }')"
	done
done
echo
echo "Each round (ops/s; how far apart rounds are is how far the medians can be trusted):"
echo "round loop procs without with without-again floor"
cat /tmp/rates
}

[ "$PART" = rates ] || {
echo
echo "Table scale (socketpairs held; ms; B/row: all the table's memory, allocated at"
echo "load, over max_rows; net_unix: reading /proc/net/unix, ms/lines; read/unix:"
echo "reading /proc/peercred over reading /proc/net/unix, same sockets, same boot;"
echo "nolabel: loaded with labels=0, which asks no LSM for each end's label):"
printf '%8s %-7s %9s %9s %9s %9s %11s %8s %8s %13s %9s\n' rows module make_ms read_ms rows_seen \
	close_ms read_ns/row objsize B/row net_unix_ms/n read/unix
echo 262144 >/proc/sys/fs/nr_open
for n in 1000 10000 100000; do
	# shellcheck disable=SC2046 # split the figures into $1..$8
	set -- $(pcbench scale $n)
	printf '%8s %-7s %9s %9s %9s %9s %11s %8s %8s %13s %9s\n' "$1" without "$2" - - "$6" - - - "$9/${10}" -
	# with: as loaded by default; nolabel: labels=0, no LSM asked per row
	for labels in 1 0; do
		insmod $M max_rows=131072 labels=$labels
		# shellcheck disable=SC2046 # split the figures into $1..$8
		set -- $(pcbench scale $n)
		printf '%8s %-7s %9s %9s %9s %9s %11.0f %8s %8.0f %13s %9.2f\n' "$1" \
			"$([ $labels = 1 ] && echo with || echo nolabel)" "$2" "$3" "$4" "$6" \
			"$(awk -v t="$3" -v r="$4" 'BEGIN { print r ? t * 1e6 / r : 0 }')" "$7" "$8" "$9/${10}" \
			"$(awk -v a="$3" -v b="$9" 'BEGIN { print b ? a / b : 0 }')"
		rmmod peercred
	done
done
}
echo PEERCRED-BENCH-END
