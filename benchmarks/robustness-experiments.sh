#!/usr/bin/env bash
# Aggregation and robustness experiments (issue 6): Byzantine robustness on Fashion-MNIST, FedProx under
# stragglers on Synthetic(1,1), adaptive server optimizers on Dirichlet(0.1), and the accuracy cost of
# central differential privacy. Writes JSON reports to ${OUT:-/tmp/flotilla-robustness} and prints Markdown
# tables. Run one part with `benchmarks/robustness-experiments.sh byzantine|fedprox|fedopt|dp` (all by
# default; several separated by commas). About 30 minutes in all on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${OUT:-/tmp/flotilla-robustness}; mkdir -p "$out"
parts=${1:-all}
run() { # name, args...
  local name=$1; shift
  ./flotilla simulate "$@" --quiet --report "$out/$name.json" || echo "run $name exited with $?" >&2
}
want() { [ "$parts" = all ] || [[ ",$parts," == *",$1,"* ]]; }

fm=(--dataset fashion-mnist --model logreg --local-epochs 1 --batch-size 10 --lr 0.01 --seed 1)
byz=("${fm[@]}" --partition iid --participants 10 --per-round 10 --rounds 30)
if want byzantine; then
  run byz-clean        "${byz[@]}" --strategy fedavg --validation none
  run byz-fedavg       "${byz[@]}" --strategy fedavg --validation none --adversaries sign-flip:0.3
  run byz-median       "${byz[@]}" --strategy median --validation none --adversaries sign-flip:0.3
  run byz-trimmed      "${byz[@]}" --strategy trimmed-mean:beta=0.3 --validation none --adversaries sign-flip:0.3
  run byz-krum         "${byz[@]}" --strategy krum:f=3 --validation none --adversaries sign-flip:0.3
  run byz-multikrum    "${byz[@]}" --strategy multi-krum:f=3 --validation none --adversaries sign-flip:0.3
fi
if want byzantine || want screened; then
  run byz-screened     "${byz[@]}" --strategy fedavg --validation default --adversaries sign-flip:0.3
  run byz-screened-mix "${byz[@]}" --strategy fedavg --validation default --adversaries sign-flip:0.1,scaling:0.1,noise:0.1:0.5
  run byz-fedavg-lf    "${byz[@]}" --strategy fedavg --validation none --adversaries label-flip:0.3,free-rider:0.1
  run byz-screened-lf  "${byz[@]}" --strategy fedavg --validation default --adversaries label-flip:0.3,free-rider:0.1
  run byz-median-lf    "${byz[@]}" --strategy median --validation none --adversaries label-flip:0.3,free-rider:0.1
fi
if want fedprox; then
  # the FedProx paper's setting (Li et al. 2020, Fig. 1): 30 devices, 10 per round, E = 20, batch 10,
  # lr 0.01, 90% stragglers doing 1..19 epochs; FedAvg drops them, FedProx keeps their partial work
  syn=(--dataset synthetic:1,1 --partition natural --participants 30 --per-round 10 --model logreg
       --local-epochs 20 --batch-size 10 --lr 0.01 --rounds 100 --stragglers 0.9 --seed 3 --validation none)
  run prox-fedavg      "${syn[@]}" --strategy fedavg
  run prox-mu0         "${syn[@]}" --strategy fedprox:mu=0
  run prox-mu1         "${syn[@]}" --strategy fedprox:mu=1
fi
if want fedopt; then
  opt=("${fm[@]}" --partition dirichlet:0.1 --participants 10 --per-round 10 --rounds 30)
  run opt-fedavg       "${opt[@]}" --strategy fedavg
  run opt-fedavgm      "${opt[@]}" --strategy fedavgm:momentum=0.9,server-lr=1
  run opt-fedadagrad   "${opt[@]}" --strategy fedadagrad:eta=0.01,tau=0.001
  run opt-fedadam      "${opt[@]}" --strategy fedadam:eta=0.01,tau=0.001
  run opt-fedyogi      "${opt[@]}" --strategy fedyogi:eta=0.01,tau=0.001
fi
if want dp; then
  # 1,000 participants of 60 samples, 100 per round (sampling rate 0.1): DP-FedAvg's regime
  dp=(--dataset fashion-mnist --model logreg --local-epochs 5 --batch-size 10 --lr 0.05 --seed 1
      --partition iid --participants 1000 --per-round 100 --rounds 30 --validation none)
  run dp-none          "${dp[@]}" --strategy fedavg
  run dp-clip          "${dp[@]}" --strategy fedavg --dp clip=0.5,noise=0,delta=1e-5
  run dp-z1            "${dp[@]}" --strategy fedavg --dp clip=0.5,noise=1.0,delta=1e-5
  run dp-z2            "${dp[@]}" --strategy fedavg --dp clip=0.5,noise=2.0,delta=1e-5
  run dp-z4            "${dp[@]}" --strategy fedavg --dp clip=0.5,noise=4.0,delta=1e-5
  run dp-budget        "${dp[@]}" --strategy fedavg --dp clip=0.5,noise=1.0,delta=1e-5,budget=4
fi
python3 - "$out" <<'PY'
import json, sys, os
out = sys.argv[1]
def table(title, names, extra=()):
    rows = [n for n in names if os.path.exists(os.path.join(out, n + ".json"))]
    if not rows: return
    print(f"\n{title}\n")
    cols = ["final test acc", "best", "final train loss", "rounds", "rejected", "suspended"] + list(extra)
    print("| run | " + " | ".join(cols) + " |")
    print("|---|" + "---|" * len(cols))
    for n in rows:
        d = json.load(open(os.path.join(out, n + ".json"))); rs = d["rounds"]; f = d["final"]
        num = lambda x: float(x) if x is not None else float("nan")
        best = max((num(r["test_accuracy"]) for r in rs), default=float("nan"))
        cells = [f"{num(f['test_accuracy']):.4f}", f"{best:.4f}", f"{num(f['train_loss']):.4f}", str(len(rs)),
                 str(sum(r.get("rejected", 0) for r in rs)), str(len(f.get("suspended", [])))]
        if "epsilon" in extra: cells.append(f"{num(f.get('epsilon')):.3f}")
        print(f"| {n} | " + " | ".join(cells) + " |")
table("Byzantine: Fashion-MNIST IID, 10 participants, 30% attackers",
      ["byz-clean", "byz-fedavg", "byz-median", "byz-trimmed", "byz-krum", "byz-multikrum", "byz-screened",
       "byz-screened-mix", "byz-fedavg-lf", "byz-screened-lf", "byz-median-lf"])
table("FedProx: Synthetic(1,1), 90% stragglers", ["prox-fedavg", "prox-mu0", "prox-mu1"])
table("Server optimizers: Fashion-MNIST Dirichlet(0.1)",
      ["opt-fedavg", "opt-fedavgm", "opt-fedadagrad", "opt-fedadam", "opt-fedyogi"])
table("Central DP: Fashion-MNIST, 1000 participants, 100 per round", ["dp-none", "dp-clip", "dp-z1", "dp-z2",
      "dp-z4", "dp-budget"], extra=("epsilon",))
PY
