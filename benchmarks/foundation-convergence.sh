#!/usr/bin/env bash
# Convergence of FedAvg against centralized training of the same model (issue 2). Writes JSON reports to
# ${OUT:-/tmp/flotilla-foundation} and prints a Markdown table. Takes about 5 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${OUT:-/tmp/flotilla-foundation}; mkdir -p "$out"
run() { # name, args...
  local name=$1; shift
  ./flotilla simulate "$@" --quiet --report "$out/$name.json"
}
syn=(--dataset synthetic:0,0 --model logreg --local-epochs 5 --batch-size 10 --lr 0.01 --rounds 100 --seed 11)
run syn-fedavg      "${syn[@]}" --partition natural --participants 30 --per-round 10
run syn-central     "${syn[@]}" --partition iid --participants 1 --per-round 1
fm=(--dataset fashion-mnist --model logreg --local-epochs 1 --batch-size 10 --lr 0.01 --rounds 50 --seed 1)
run fm-central      "${fm[@]}" --partition iid --participants 1 --per-round 1
run fm-iid          "${fm[@]}" --partition iid --participants 10 --per-round 10
run fm-dir05        "${fm[@]}" --partition dirichlet:0.5 --participants 10 --per-round 10
python3 - "$out" <<'PY'
import json, sys, os
out = sys.argv[1]
def load(n): return json.load(open(os.path.join(out, n + ".json")))
def first(rounds, thr):
    for r in rounds:
        if r["test_accuracy"] >= thr: return r["round"]
    return "never"
print("| run | final test accuracy | best | rounds to 75% | rounds to 80% | mean round ms |")
print("|---|---|---|---|---|---|")
for n in ["syn-central", "syn-fedavg", "fm-central", "fm-iid", "fm-dir05"]:
    d = load(n); rs = d["rounds"]
    ms = sum(r["duration_ms"] for r in rs) / len(rs)
    print(f"| {n} | {d['final']['test_accuracy']:.4f} | {max(r['test_accuracy'] for r in rs):.4f} | "
          f"{first(rs, .75)} | {first(rs, .80)} | {ms:.0f} |")
PY
