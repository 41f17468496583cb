#!/usr/bin/env bash
# Durability check with the real command line: runs `flotilla simulate --state-dir` and SIGKILLs it at random
# moments (start-up, recovery, collection, aggregation, commit: wherever the clock lands), restarting it with
# the same flags until it finishes; then compares the final model with an uninterrupted run of the same seed
# and verifies the audit chain and every model blob.
#   benchmarks/crash-resume.sh [KILLS] [ROUNDS]      (defaults: 25 kills, 40 rounds; about 3 minutes)
# Needs the built jar (./flotilla --version builds it). Prints one line per kill and a summary.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$here/console-app/target/flotilla.jar"
[ -f "$jar" ] || "$here/flotilla" --version >/dev/null
kills_wanted="${1:-25}"
rounds="${2:-40}"
work="$(mktemp -d /tmp/flotilla-crash.XXXXXX)"
args=(simulate --dataset synthetic:1,1 --participants 12 --per-round 4 --min-updates 2 --rounds "$rounds"
      --model logreg --local-epochs 2 --batch-size 10 --lr 0.01 --seed 7 --validation default)
java=(java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -jar "$jar")

sha() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["final"]["model_sha256"])' "$1"; }

t0=$(date +%s%N)
"${java[@]}" "${args[@]}" --quiet --state-dir "$work/reference" --report "$work/reference.json" >/dev/null
ref=$(sha "$work/reference.json")
echo "uninterrupted: $rounds rounds, final model $ref"

kills=0; runs=0
while :; do
  runs=$((runs + 1))
  "${java[@]}" "${args[@]}" --state-dir "$work/state" --report "$work/run.json" >"$work/run.log" 2>&1 &
  pid=$!
  if [ "$kills" -lt "$kills_wanted" ]; then
    # wait until the coordinator has opened its state and its participants joined (the "state:" line), so the
    # kill lands among rounds (collection, aggregation, commit) whatever the machine's start-up speed
    while kill -0 "$pid" 2>/dev/null && ! grep -q '^state:' "$work/run.log"; do sleep 0.05; done
    delay_ms=$((RANDOM % 1500))
    sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
    if kill -0 "$pid" 2>/dev/null; then
      kill -KILL "$pid"; wait "$pid" 2>/dev/null || true
      kills=$((kills + 1))
      version=$("${java[@]}" models list --state-dir "$work/state" 2>/dev/null | awk '/current/ {print $1}' || true)
      echo "kill $kills ${delay_ms} ms after start-up: current version ${version:-none}, last line: $(tail -1 "$work/run.log" | cut -c1-60)"
      continue
    fi
  fi
  wait "$pid"; break
done
total_ms=$((($(date +%s%N) - t0) / 1000000))
got=$(sha "$work/run.json")
"${java[@]}" audit verify --state-dir "$work/state"
"${java[@]}" models verify --state-dir "$work/state"
echo "runs $runs, SIGKILLs $kills, rounds $rounds, total $((total_ms / 1000)) s"
if [ "$got" = "$ref" ]; then
  echo "final model $got equals the uninterrupted run's"
else
  echo "final model $got differs from the uninterrupted run's $ref" >&2; exit 1
fi
rm -rf "$work"
