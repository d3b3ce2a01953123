#!/usr/bin/env bash
# Accuracy side by side: senti with default options (3 seeds: mean and spread) against fastText
# (default, -wordNgrams 2) and TF-IDF + logistic regression, on the same CSV files.
#
#   scripts/bench-accuracy.sh                       # SST-2 from $SENTI_DATA_DIR (dev and test)
#   scripts/bench-accuracy.sh --name imdb --train a.csv --eval b.csv [c.csv] \
#       --text-column review --label-column sentiment [--seeds "1 2 3"] [--out results.json]
#
# Prints a table (dataset, system, eval file, accuracy, macro-F1, train seconds) and writes JSON.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin="$root/${SENTI_BUILD_DIR:-build}/bin"

name=sst2; train=""; evals=(); text_column=sentence; label_column=label; seeds="1 2 3"; out=""
while [ $# -gt 0 ]; do
  case $1 in
    --name) name=$2; shift 2;;
    --train) train=$2; shift 2;;
    --eval) shift; while [ $# -gt 0 ] && [[ $1 != --* ]]; do evals+=("$1"); shift; done;;
    --text-column) text_column=$2; shift 2;;
    --label-column) label_column=$2; shift 2;;
    --seeds) seeds=$2; shift 2;;
    --out) out=$2; shift 2;;
    *) echo "bench-accuracy: unknown argument $1" >&2; exit 2;;
  esac
done
if [ -z "$train" ]; then
  data=${SENTI_DATA_DIR:?set SENTI_DATA_DIR or pass --train and --eval}
  train="$data/sst2/train.csv"; evals=("$data/sst2/dev.csv" "$data/sst2/test.csv")
fi
[ "${#evals[@]}" -gt 0 ] || { echo "bench-accuracy: --eval FILE... is required" >&2; exit 2; }
out=${out:-bench-accuracy-$name.json}
[ -x "$bin/senti-train" ] || "$root/scripts/setup.sh"

work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
results="$work/results.jsonl"

for seed in $seeds; do
  echo "bench-accuracy: senti seed $seed" >&2
  start=$(date +%s.%N)
  "$bin/senti-train" --data "$train" --text-column "$text_column" --label-column "$label_column" \
    --out "$work/model-$seed" --seed "$seed" --quiet 2>"$work/train-$seed.log" \
    || { cat "$work/train-$seed.log" >&2; exit 1; }
  seconds=$(/usr/bin/python3 -c "print($(date +%s.%N) - $start)")
  for file in "${evals[@]}"; do
    "$bin/senti-eval" --model "$work/model-$seed" --data "$file" --text-column "$text_column" \
      --label-column "$label_column" --json "$work/eval.json" >/dev/null 2>&1
    /usr/bin/python3 - "$work/eval.json" "$file" "$seconds" "$seed" >>"$results" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
print(json.dumps({"system": "senti", "eval": sys.argv[2], "accuracy": m["accuracy"],
                  "macro_f1": m["macro_f1"], "train_seconds": float(sys.argv[3]),
                  "seed": int(sys.argv[4])}))
PY
  done
done

echo "bench-accuracy: peers" >&2
/usr/bin/python3 "$root/bench/peers.py" --train "$train" --eval "${evals[@]}" \
  --text-column "$text_column" --label-column "$label_column" >>"$results"

/usr/bin/python3 - "$results" "$name" "$out" <<'PY'
import json, os, statistics, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
name, out = sys.argv[2], sys.argv[3]
groups = {}
for row in rows:
    groups.setdefault((row["system"], row["eval"]), []).append(row)
table = []
for (system, path), runs in groups.items():
    def stat(key):
        values = [r[key] for r in runs]
        return statistics.mean(values), (statistics.stdev(values) if len(values) > 1 else 0.0)
    acc, acc_sd = stat("accuracy"); f1, f1_sd = stat("macro_f1"); secs, _ = stat("train_seconds")
    table.append({"dataset": name, "system": system, "eval": os.path.basename(path),
                  "runs": len(runs), "accuracy": acc, "accuracy_sd": acc_sd, "macro_f1": f1,
                  "macro_f1_sd": f1_sd, "train_seconds": secs})
print(f"| dataset | system | eval | accuracy | macro-F1 | train s |")
print(f"| --- | --- | --- | --- | --- | --- |")
for r in table:
    spread = lambda v, sd: f"{v:.4f}" + (f" ± {sd:.4f}" if r["runs"] > 1 else "")
    print(f"| {r['dataset']} | {r['system']} | {r['eval']} | {spread(r['accuracy'], r['accuracy_sd'])}"
          f" | {spread(r['macro_f1'], r['macro_f1_sd'])} | {r['train_seconds']:.1f} |")
json.dump({"dataset": name, "results": table, "runs": rows}, open(out, "w"), indent=2)
print(f"\nwritten to {out}", file=sys.stderr)
PY
