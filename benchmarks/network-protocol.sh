#!/usr/bin/env bash
# Network federation (issue 3): per-round protocol overhead and bytes on the wire per participant per round,
# over loopback, on a 1M-parameter model with no-op training (--model noop:N: every participant downloads
# the model, "trains" nothing and uploads a zero update of the same size). Prints a Markdown table.
#
#   benchmarks/network-protocol.sh                 # 100 and 1000 participants, every update encoding
#   PARAMS=1000000 ROUNDS=3 ENCODINGS="raw q8" benchmarks/network-protocol.sh 100
#
# Each run starts `flotilla serve` and `flotilla swarm` (all participants selected every round, quorum = all)
# and reads the round durations the coordinator prints and the payload bytes the swarm reports. Everything
# stays on 127.0.0.1 and every run ends by itself (--rounds).
set -euo pipefail
cd "$(dirname "$0")/.."
./flotilla --version >/dev/null   # builds the jar on first use
jar=console-app/target/flotilla.jar
params=${PARAMS:-1000000}
rounds=${ROUNDS:-3}
encodings=${ENCODINGS:-raw gzip float16 q8}
sizes=("$@"); [ ${#sizes[@]} -gt 0 ] || sizes=(100 1000)
out=${OUT:-/tmp/flotilla-network-bench}; mkdir -p "$out"
printf '| participants | update encoding | median round ms (rounds 2..%s) | first round ms | model down B/participant/round | update up B/participant/round | up / raw float32 |\n' "$rounds"
printf '|---|---|---|---|---|---|---|\n'
for n in "${sizes[@]}"; do
  for enc in $encodings; do
    flags=(--model "noop:$params" --participants "$n" --per-round "$n" --min-updates "$n" --rounds "$rounds"
           --deadline 900 --seed 1)
    log="$out/serve-$n-$enc.log"; slog="$out/swarm-$n-$enc.log"
    java --add-modules jdk.incubator.vector ${SERVE_JAVA_OPTS:--Xmx10g} -jar "$jar" serve --insecure --port 0 "${flags[@]}" --update-encoding "$enc" \
      --max-uploads 32 >"$log" 2>&1 &
    spid=$!
    for _ in $(seq 1 240); do grep -q "listening on" "$log" && break; sleep 0.5; done
    addr=$(grep -o "listening on [0-9.:]*" "$log" | awk '{print $3}')
    java ${SWARM_JAVA_OPTS:--Xmx8g} -jar "$jar" swarm --insecure --coordinator "$addr" --count "$n" \
      --connections 8 --threads 16 "${flags[@]}" >"$slog" 2>&1 || true
    wait "$spid" || true
    python3 - "$log" "$slog" "$n" "$enc" "$params" "$rounds" <<'PY'
import re, statistics, sys
log, slog, n, enc, params, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], int(sys.argv[5]), int(sys.argv[6])
ms = [int(m.group(1)) for m in re.finditer(r"^round +\d+ .* (\d+) ms$", open(log).read(), re.M)]
s = open(slog).read()
m = re.search(r"downloaded (\d+) B, uploaded (\d+) B", s)
down, up = (int(m.group(1)), int(m.group(2))) if m else (float("nan"), float("nan"))
per = n * rounds
rest = ms[1:] or ms
print(f"| {n} | {enc} | {statistics.median(rest) if rest else 'n/a'} | {ms[0] if ms else 'n/a'} | "
      f"{down / per:,.0f} | {up / per:,.0f} | {up / per / (4 * params):.3f} |")
PY
  done
done
