# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# Runs inside the guest as /scenario: the fleet view end to end. Several
# users make connections; `peercred metrics --textfile` writes them for
# Debian's prometheus-node-exporter; Debian's prometheus scrapes that and
# evaluates the sample alert rules. Every answer of prometheus's HTTP API
# must equal what this script counts itself in /proc/peercred and
# /proc/peercred_stats, and promtool must accept the metrics.
M=/peercred/peercred.ko
TF=/tmp/textfile

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; }
check() {	# check NAME GOT WANT
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "prometheus says '$2', /proc says '$3'"; fi
}

# The value of an instant query's only sample, 0 if it has none.
query() {
	q=$(printf '%s' "$1" | awk '
		BEGIN { for (i = 0; i < 256; i++) ord[sprintf("%c", i)] = i }
		{ for (i = 1; i <= length($0); i++) {
			c = substr($0, i, 1)
			printf (c ~ /[A-Za-z0-9_.~-]/ ? "%s" : "%%%02X"), (c ~ /[A-Za-z0-9_.~-]/ ? c : ord[c])
		} }')
	wget -qO- "http://127.0.0.1:9090/api/v1/query?query=$q" |
		sed -n 's/.*"value":\[[^,]*,"\([^"]*\)"\].*/\1/p;t;s/.*"result":\[\].*/0/p'
}

# rows AWK-CONDITION: rows of /proc/peercred for which it holds.
rows() {
	awk "NR == 1 { for (i = 1; i <= NF; i++) c[\$i] = i; next } $1 { n++ } END { print n + 0 }" /proc/peercred
}
stat() { awk -v k="$1" '$1 == k { print $2 }' /proc/peercred_stats; }

ifconfig lo 127.0.0.1 up
# A small table with small shares, so that one user's drops show.
insmod $M max_rows=64 user_rows=8 || { fail metrics.load "insmod failed"; exit 1; }

# The workload: a uid 101 server with root and uid 1000 clients, a client
# that became uid 1005 after connecting (drift c), a uid 1001 server on an
# abstract name, socketpairs, and uid 1002 making more pairs than its share.
mkdir -p /run/app && chown 101:101 /run/app
pctest runas 101 101 - pctest serve /run/app/api.sock &
pctest runas 1001 1001 - pctest serve @peercred-bus &
sleep 0.5
for i in 1 2 3; do pctest dial /run/app/api.sock & done
pctest dial /run/app/api.sock 1005 &
for i in 1 2; do pctest runas 1000 1000 - pctest dial /run/app/api.sock & done
pctest runas 1000 1000 - pctest dial @peercred-bus &
for i in 1 2 3 4 5 6 7 8 9 10; do pctest runas 1002 1002 - pctest pair & done
sleep 2

mkdir -p $TF
peercred metrics --textfile $TF 2>/tmp/err && [ -s $TF/peercred.prom ] &&
	pass metrics.textfile-written || fail metrics.textfile-written "$(cat /tmp/err)"
# The counts this test expects, from the same moment as the textfile.
want_all=$(rows 1)
want_root_client=$(rows '$c["cli_uid"] == 0 && $c["srv_uid"] != 0')
want_app=$(rows '$c["path"] == "/run/app/api.sock"')
want_drift_c=$(rows '($c["srv_drift"] $c["cli_drift"]) ~ /c/')
want_share=$(stat dropped_share)
echo "metrics: $want_all rows, $want_root_client with a root client of a non-root server, $want_app on /run/app/api.sock, $want_drift_c with drift c, $want_share dropped (share)"
head -n 12 $TF/peercred.prom
# Otherwise the comparisons below could hold with nothing to compare.
[ "$want_root_client" -gt 0 ] && [ "$want_drift_c" -gt 0 ] && [ "$want_share" -gt 0 ] &&
	pass metrics.workload || fail metrics.workload "the workload did not make its connections"

if promtool check metrics <$TF/peercred.prom >/tmp/promtool 2>&1; then
	pass metrics.promtool-check-metrics
else
	fail metrics.promtool-check-metrics "$(cat /tmp/promtool)"
fi
if promtool check rules /etc/peercred-alerts.yml >/tmp/promtool 2>&1; then
	pass metrics.promtool-check-rules
else
	fail metrics.promtool-check-rules "$(cat /tmp/promtool)"
fi

node_exporter --collector.disable-defaults --collector.textfile \
	--collector.textfile.directory=$TF --web.listen-address=127.0.0.1:9100 \
	>/tmp/node_exporter.log 2>&1 &
cat >/tmp/prometheus.yml <<EOF
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files: [/etc/peercred-alerts.yml]
scrape_configs:
  - job_name: node
    static_configs:
      - targets: ['127.0.0.1:9100']
EOF
prometheus --config.file=/tmp/prometheus.yml --storage.tsdb.path=/tmp/prometheus \
	--web.listen-address=127.0.0.1:9090 >/tmp/prometheus.log 2>&1 &
i=0
while [ "$(query peercred_up 2>/dev/null)" != 1 ] && [ $i -lt 120 ]; do
	sleep 1
	i=$((i + 1))
done
if [ $i -lt 120 ]; then
	pass metrics.scraped
	echo "metrics: prometheus had its first scrape after ${i}s"
else
	fail metrics.scraped "no peercred_up 1 after 120 s"
	tail -n 20 /tmp/prometheus.log /tmp/node_exporter.log
fi

check metrics.query.connections "$(query 'sum(peercred_connections)')" "$want_all"
check metrics.query.root-client-of-user-server \
	"$(query 'sum(peercred_connections{cli_uid="0",srv_uid!="0"})')" "$want_root_client"
check metrics.query.path "$(query 'sum(peercred_connections{path="/run/app/api.sock"})')" "$want_app"
check metrics.query.drift-c "$(query 'peercred_drift_connections{letter="c"}')" "$want_drift_c"
check metrics.query.dropped-share "$(query 'peercred_rows_dropped_total{reason="share"}')" "$want_share"
# The sample rule fires for root's clients of the uid 101 server.
i=0
while [ "$(query 'count(ALERTS{alertname="PeercredRootClientOfUserServer",alertstate="firing"})')" = 0 ] &&
	[ $i -lt 30 ]; do
	sleep 1
	i=$((i + 1))
done
check metrics.alert.root-client-fires \
	"$(query 'count(ALERTS{alertname="PeercredRootClientOfUserServer",alertstate="firing"})')" \
	"$(awk 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
		$c["cli_uid"] == 0 && $c["srv_uid"] != 0 { print $c["path"], $c["srv_comm"], $c["srv_uid"] }' \
		/proc/peercred | sort -u | wc -l)"
echo "metrics: a real query result:"
wget -qO- "http://127.0.0.1:9090/api/v1/query?query=sum%20by%20(path%2Csrv_uid%2Ccli_uid)%20(peercred_connections)"
echo

rmmod peercred 2>/dev/null
peercred metrics --textfile $TF && grep -q '^peercred_up 0$' $TF/peercred.prom &&
	pass metrics.up-0-when-unloaded || fail metrics.up-0-when-unloaded "$(cat $TF/peercred.prom)"
echo PEERCRED-METRICS-DONE
