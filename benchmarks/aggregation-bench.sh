#!/usr/bin/env bash
# Aggregation cost (issue 6): JMH benchmarks of the strategies for K = 10, 100 updates of P = 1M, 10M
# parameters, Multi-Krum/Krum at the issue's sizes, the machine's memory-read bandwidth in the same run,
# the floor a round returning a new model cannot go below (AggregationFloorBenchmark: read the updates; plus
# zero, read global, write result), and the heap a streaming round of K = 100 × 10M needs. Needs ~12 GB of free memory; about 12 minutes
# (each fork first touches its whole heap: steady state, see AggregationBenchmark).
# JMH results go to ${OUT:-/tmp/flotilla-bench}/*.json; the load average is logged before each part
# (the machine may be shared: compare ratios measured in one run). SKIP_BUILD=1 reuses the built jar.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${OUT:-/tmp/flotilla-bench}; mkdir -p "$out"
if [[ -z ${SKIP_BUILD:-} ]]; then
  mvn -o -q -B -Pbenchmarks -pl benchmarks -am package -DskipTests
fi
: > "$out/load.txt"
load() { echo "$1: $(uptime)" | tee -a "$out/load.txt"; }
jar=benchmarks/target/benchmarks.jar
load bandwidth; java -jar "$jar" MemoryBandwidthBenchmark -rf json -rff "$out/bandwidth.json"
# the heap is pre-touched (steady state of a long-running coordinator, see AggregationBenchmark): K = 10 fits
# in 3 GB, which pre-touches in seconds; K = 100 keeps the annotation's 10 GB
k10=(-p k=10 -jvmArgs "-Xms3g -Xmx3g -XX:+AlwaysPreTouch --add-modules jdk.incubator.vector")
load aggregation; java -jar "$jar" AggregationBenchmark "${k10[@]}" -rf json -rff "$out/aggregation-k10.json"
java -jar "$jar" AggregationBenchmark -p k=100 -rf json -rff "$out/aggregation-k100.json"
load floor; java -jar "$jar" AggregationFloorBenchmark "${k10[@]}" -rf json -rff "$out/floor-k10.json"
java -jar "$jar" AggregationFloorBenchmark -p k=100 -rf json -rff "$out/floor-k100.json"
load krum; java -jar "$jar" KrumBenchmark -rf json -rff "$out/krum.json"
load bandwidth-after; java -jar "$jar" MemoryBandwidthBenchmark -rf json -rff "$out/bandwidth-after.json"
load memory; java -Xmx170m --add-modules jdk.incubator.vector -cp "$jar" io.flotilla.bench.AggregationMemoryCheck 100 10000000 fedavg | tee "$out/memory.txt"
python3 - "$out" <<'PY'
import json, sys, os
out = sys.argv[1]
def load(n): return json.load(open(os.path.join(out, n)))
bw = {}
for n in ("bandwidth.json", "bandwidth-after.json"):
    for r in load(n):
        threads = "2 threads" if r["benchmark"].endswith("TwoThreads") else "1 thread"
        bw.setdefault(threads, []).append((1 << 30) / (r["primaryMetric"]["score"] / 1000) / 1e9)
b = max(g for gs in bw.values() for g in gs)
print("memory-read bandwidth (before, after): " + "; ".join(f"{t} {', '.join(f'{g:.1f}' for g in gs)} GB/s"
      for t, gs in sorted(bw.items())) + f"; bound uses the best, {b:.1f} GB/s\n")
rows = load("aggregation-k10.json") + load("aggregation-k100.json")
def best(r): return min(x for it in r["primaryMetric"]["rawData"] for x in it)
fed = {(r["params"]["k"], r["params"]["p"]): r for r in rows if r["params"]["strategy"] == "fedavg"}
print("Mean of the measured iterations (JMH score), and in brackets the best iteration (least disturbed by")
print("other load on the machine); each ratio compares numbers of the same kind.\n")
print("| strategy | K | P | ms per round | × bound 4·K·P/bandwidth | × FedAvg |")
print("|---|---|---|---|---|---|")
for r in rows:
    k, p, s = r["params"]["k"], r["params"]["p"], r["params"]["strategy"]
    ms = r["primaryMetric"]["score"]; bound = 4 * int(k) * int(p) / (b * 1e9) * 1000
    f = fed[(k, p)]
    print(f"| {s} | {k} | {p} | {ms:.1f} ({best(r):.1f}) | {ms / bound:.2f} ({best(r) / bound:.2f}) "
          f"| {ms / f['primaryMetric']['score']:.2f} ({best(r) / best(f):.2f}) |")
print()
print("Floor (ADR 0016): readUpdates reads the K updates once; newModel also zeroes, reads global, writes the result.\n")
print("| floor | K | P | ms (best iteration) | × bound | fedavg ÷ newModel |")
print("|---|---|---|---|---|---|")
for r in load("floor-k10.json") + load("floor-k100.json"):
    k, p, n = r["params"]["k"], r["params"]["p"], r["benchmark"].split(".")[-1]
    ms = r["primaryMetric"]["score"]; bound = 4 * int(k) * int(p) / (b * 1e9) * 1000
    ratio = f"{fed[(k, p)]['primaryMetric']['score'] / ms:.2f}" if n == "newModel" else ""
    print(f"| {n} | {k} | {p} | {ms:.1f} ({best(r):.1f}) | {ms / bound:.2f} ({best(r) / bound:.2f}) | {ratio} |")
print()
print("| strategy | K:P | ms per round (best iteration) |")
print("|---|---|---|")
for r in load("krum.json"):
    print(f"| {r['params']['strategy']} | {r['params']['shape']} | {r['primaryMetric']['score']:.0f} ({best(r):.0f}) |")
PY
