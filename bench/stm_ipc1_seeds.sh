#!/usr/bin/env bash
# STM IPC 1 robustness on the demo's data and experts: distillation seed × image learning rate (× lr_lr).
# Reproduces the table "STM IPC 1 quality: what was measured and tried" in BENCHMARKS.md (bench/results/00_targets.md).
#
#   python bench/demo.py --out /tmp/demo_final2          # data + experts (and the seed-0, lr_img 100 cell)
#   bash bench/stm_ipc1_seeds.sh /tmp/demo_final2 /tmp/stm_seeds
#
# Each cell: 2000 STM iterations (≈ 5 min on 2 cores), then 5 evaluation networks; results in OUT/results.csv.
# The collapsed cells of the table were read from metrics.csv (train_acc ≈ 0.11 by iteration 200-400) before
# those runs were stopped; the image scale from the snapshots (`SynSet.load(...).images.std()`).
set -euo pipefail
DEMO=${1:?demo folder (python bench/demo.py --out DIR)}; OUT=${2:-/tmp/stm_seeds}
SEEDS=${SEEDS:-"0 1 2"}; LR_IMGS=${LR_IMGS:-"1e4 1e3 1e2"}; LR_LRS=${LR_LRS:-"1e-5"}
export GD_PROGRESS=0
mkdir -p "$OUT"
echo "seed,lr_img,lr_lr,test_acc_mean,test_acc_std,best_iteration,best_train_acc" > "$OUT/results.csv"
for s in $SEEDS; do for lr in $LR_IMGS; do for lrlr in $LR_LRS; do
  run="$OUT/s${s}_img${lr}_lr${lrlr}"
  gd_distill --data "$DEMO/data" --buffers "$DEMO/buffers" --out "$run" --method stm --ipc 1 --syn_steps 10 \
    --max_start_epoch 10 --lr_img "$lr" --lr_lr "$lrlr" --lr_teacher 0.03 --iterations 2000 --eval_every 200 \
    --eval_epochs 300 --seed "$s" --image_optimizer sgd --init real --labels hard   # the first release's recipe
  gd_eval --syn "$run" --data "$DEMO/data" --num_eval 5 --epochs 300 --augment galaxy --seed 0 --lr_grid none
  python3 - "$run" "$s" "$lr" "$lrlr" >> "$OUT/results.csv" <<'PY'
import json, sys
run, s, lr, lrlr = sys.argv[1:]
e, d = (json.load(open(f'{run}/{f}')) for f in ('eval/summary.json', 'summary.json'))
print(f"{s},{lr},{lrlr},{e['test_acc_mean']:.4f},{e['test_acc_std']:.4f},{d['best_iteration']},{d['best_train_acc']}")
PY
done; done; done
cat "$OUT/results.csv"
