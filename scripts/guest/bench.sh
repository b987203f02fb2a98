# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# Runs inside the guest as /scenario for `make bench`: figures only, no
# verdicts. Every ratio compares rounds measured in this same boot.
M=/peercred/peercred.ko
ROUNDS=${ROUNDS:-5}
MS=1000

echo PEERCRED-BENCH-BEGIN
echo "kernel $(uname -r), $(grep -c ^processor /proc/cpuinfo) vCPUs, QEMU TCG (single-threaded)"
pcbench rate connect 300 >/dev/null	# warm caches and the allocator

# Interleaved rounds: without, with, without again; each loop and width.
for r in $(seq "$ROUNDS"); do
	for loop in connect socketpair; do
		for procs in 1 2; do
			a=$(pcbench rate $loop $MS $procs)
			insmod $M
			b=$(pcbench rate $loop $MS $procs)
			rmmod peercred
			c=$(pcbench rate $loop $MS $procs)
			echo "round $r $loop $procs $a $b $c" >>/tmp/rates
		done
	done
done
echo
echo "Loop rates (ops/s, median of $ROUNDS rounds; 'without' pools the rounds before and after):"
printf '%-11s %5s %10s %10s %7s\n' loop procs without with ratio
for loop in connect socketpair; do
	for procs in 1 2; do
		awk -v l=$loop -v p=$procs '$3 == l && $4 == p { print "w", $5; print "m", $6; print "w", $7 }' \
			/tmp/rates | sort -k1,1 -k2n >/tmp/sorted
		without=$(awk '$1 == "w" { v[n++] = $2 } END { print (v[int((n - 1) / 2)] + v[int(n / 2)]) / 2 }' /tmp/sorted)
		with=$(awk '$1 == "m" { v[n++] = $2 } END { print (v[int((n - 1) / 2)] + v[int(n / 2)]) / 2 }' /tmp/sorted)
		printf '%-11s %5s %10.0f %10.0f %7.3f\n' $loop $procs "$without" "$with" \
			"$(awk -v a="$with" -v b="$without" 'BEGIN { print a / b }')"
	done
done

echo
echo "Table scale (socketpairs held; ms; bytes/row from /proc/slabinfo, slub_nomerge;"
echo "net_unix: reading /proc/net/unix, ms/lines, for scale):"
printf '%8s %-7s %9s %9s %9s %9s %11s %8s %10s %13s\n' rows module make_ms read_ms rows_seen \
	close_ms read_ns/row objsize slab_B/row net_unix_ms/n
echo 262144 >/proc/sys/fs/nr_open
for n in 1000 10000 100000; do
	# shellcheck disable=SC2046 # split the figures into $1..$8
	set -- $(pcbench scale $n)
	printf '%8s %-7s %9s %9s %9s %9s %11s %8s %10s %13s\n' "$1" without "$2" - - "$6" - - - "$9/${10}"
	insmod $M max_rows=131072
	# shellcheck disable=SC2046 # split the figures into $1..$8
	set -- $(pcbench scale $n)
	printf '%8s %-7s %9s %9s %9s %9s %11.0f %8s %10s %13s\n' "$1" with "$2" "$3" "$4" "$6" \
		"$(awk -v t="$3" -v r="$4" 'BEGIN { print r ? t * 1e6 / r : 0 }')" "$7" "$8" "$9/${10}"
	rmmod peercred
done
echo PEERCRED-BENCH-END
