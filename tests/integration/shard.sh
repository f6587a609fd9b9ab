#!/bin/bash
# shard.sh BUILDDIR — --shard K/N, streamed reports and `mailaudit merge`:
# scans the Dovecot fixture fleet once whole (streamed JSON Lines, merged
# into JSON) and once as 4 shards run by GNU parallel (streamed JSON),
# merges the shards, and checks that the merged report says the same as the
# whole scan: every endpoint once, same statuses, same findings, same
# totals and exit code. Starts and stops the fleet.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
B=$(cd "${1:-build/release}" && pwd)
RUNDIR=$ROOT/build/fleet
OUT=$B/shard
M=$B/mailaudit
cd "$ROOT"
rm -rf "$OUT"
mkdir -p "$OUT"
command -v parallel >/dev/null || { echo "shard: GNU parallel is missing (tests/install-deps.sh)" >&2; exit 1; }

cleanup() { tests/fleet.sh stop "$RUNDIR" >/dev/null || true; }
trap cleanup EXIT INT TERM
tests/fleet.sh start "$RUNDIR" >/dev/null

args=(--ca-file "$RUNDIR/certs/ca-bundle.pem" --timeout 3 --quiet)
: >"$OUT/targets.txt"
while read -r name addr host _; do
	case $name in '' | '#'*) continue ;; esac
	args+=(--resolve "$host:$addr")
	echo "$host" >>"$OUT/targets.txt"
done <fixtures/fleet.conf

set +e
# Each scan has a single report, so each is streamed: the whole scan as
# JSON Lines, the shards as JSON. Both must merge into the same document.
"$M" scan "${args[@]}" -iL "$OUT/targets.txt" --format jsonl -o "$OUT/whole.jsonl"
whole_rc=$?
"$M" merge --format json -o "$OUT/whole.json" "$OUT/whole.jsonl"
merged_jsonl_rc=$?
# shellcheck disable=SC2016
parallel --halt never -j 4 "$M" scan "${args[@]}" -iL "$OUT/targets.txt" \
	--shard '{}/4' --format json -o "$OUT/shard-{}.json" ::: 0 1 2 3
"$M" merge -o "$OUT/merged.json" "$OUT"/shard-?.json
merged_rc=$?
set -e
[ "$merged_rc" = "$whole_rc" ] || { echo "shard: merged exit $merged_rc, whole scan $whole_rc" >&2; exit 1; }
[ "$merged_jsonl_rc" = "$whole_rc" ] || { echo "shard: whole.jsonl merged exit $merged_jsonl_rc, scan $whole_rc" >&2; exit 1; }

/usr/bin/python3 - "$OUT" <<'PY'
import json, sys
out = sys.argv[1]
def key(e): return (e["host"], e["address"], e["port"], e["service"])
def view(doc):
    eps = {key(e): (e["status"], sorted((f["check"], f["severity"]) for f in e["findings"]))
           for e in doc["endpoints"]}
    assert len(eps) == len(doc["endpoints"]), "an endpoint appears twice"
    s = doc["summary"]
    return eps, {k: s[k] for k in ("endpoints", "hosts", "findings", "status", "unassessed")}, \
        sorted((h["host"], h["tls_verdict"]) for h in doc["hosts"])
whole = view(json.load(open(f"{out}/whole.json")))
shards = [json.load(open(f"{out}/shard-{k}.json")) for k in range(4)]
hosts = [set(e["host"] for e in s["endpoints"]) for s in shards]
for i in range(4):
    for j in range(i + 1, 4):
        assert not hosts[i] & hosts[j], f"shards {i} and {j} share hosts {hosts[i] & hosts[j]}"
assert sum(1 for h in hosts if h) >= 2, "sharding put every host in one shard"
bad = 0
for name in ("merged.json",):
    got = view(json.load(open(f"{out}/{name}")))
    for part, what in zip(range(3), ("endpoints", "summary", "host verdicts")):
        if got[part] != whole[part]:
            bad += 1
            print(f"shard: {name}: {what} differ from the whole scan", file=sys.stderr)
            if part == 0:
                for k in sorted(set(got[0]) | set(whole[0])):
                    if got[0].get(k) != whole[0].get(k):
                        print("  ", k, got[0].get(k), "!=", whole[0].get(k), file=sys.stderr)
            else:
                print("  ", got[part], "!=", whole[part], file=sys.stderr)
n = len(whole[0])
print(f"shard: {n} endpoints in 4 shards ({', '.join(str(len(h)) for h in hosts)} hosts); "
      f"merged streamed JSON shards {'match' if not bad else 'DIFFER from'} the whole streamed JSON Lines scan")
sys.exit(1 if bad else 0)
PY
