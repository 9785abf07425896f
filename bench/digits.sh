#!/usr/bin/env bash
# Do the defaults hold beyond galaxies? scikit-learn's 8×8 handwritten digits (they ship with scikit-learn: nothing is
# downloaded), written as an image folder and taken through the user's route: gd_curate --torchvision imagefolder
# → gd_buffers → gd_distill (STM IPC 1) with today's defaults and with the first release's learned-state defaults
# (SGD on pixels at lr_img 100, random real start, hard labels) → gd_eval --baselines, three distillation seeds each.
#
#   pip install scikit-learn && bash bench/digits.sh OUT
#
# Both arms share the data, the experts, the augmentation (DSA, the vision preset) and the evaluation protocol
# (5 networks × 300 epochs at the step size a 4-value grid picks on the train split). RUN_ARMS=first_release (or
# today) runs one arm, so that the two can run side by side.
set -euo pipefail
OUT=${1:?output folder}; SEEDS=${SEEDS:-"0 1 2"}; ITERATIONS=${ITERATIONS:-600}; RUN_ARMS=${RUN_ARMS:-"today first_release"}
export GD_PROGRESS=${GD_PROGRESS:-0}
mkdir -p "$OUT"
if [ ! -d "$OUT/digits/test" ]; then
python3 - "$OUT/digits" <<'PY'
import sys
from pathlib import Path
import numpy as np
from PIL import Image
from sklearn.datasets import load_digits
root = Path(sys.argv[1]); d = load_digits()
rng = np.random.default_rng(0)
for k in range(10):
    idx = rng.permutation(np.flatnonzero(d.target == k))
    for split, part in (('test', idx[:50]), ('train', idx[50:])):
        (root/split/str(k)).mkdir(parents=True, exist_ok=True)
        for i in part: Image.fromarray((d.images[i] * 255 / 16).round().astype(np.uint8)).save(root/split/str(k)/f'{i:04d}.png')
PY
fi
[ -f "$OUT/data/summary.json" ] || gd_curate --torchvision imagefolder --root "$OUT/digits" --out "$OUT/data" --size 16
[ -f "$OUT/buffers/summary.json" ] || gd_buffers --data "$OUT/data" --out "$OUT/buffers" --experts 5 --epochs 15 --augment dsa --seed 0
declare -A ARMS=(
  [today]=""
  [first_release]="--image_optimizer sgd --lr_img 100 --init real --labels hard"
)
for arm in $RUN_ARMS; do for s in $SEEDS; do
  run="$OUT/${arm}_seed$s"
  # shellcheck disable=SC2086
  gd_distill --data "$OUT/data" --buffers "$OUT/buffers" --out "$run" --ipc 1 --iterations "$ITERATIONS" --eval_every 100 \
    --num_eval 2 --eval_epochs 300 --augment dsa --seed "$s" ${ARMS[$arm]}
  baselines=""; [ "$arm" = today ] && [ "$s" = "${SEEDS%% *}" ] && baselines=--baselines   # the baselines once: they share the data
  [ -f "$run/eval/summary.json" ] || gd_eval --syn "$run" --data "$OUT/data" $baselines --num_eval 5 --epochs 300 \
    --grid_eval 1 --full_epochs 50 --full_num_eval 1 --augment dsa --seed 0
done; done
python3 - "$OUT" <<'PY'
import json, sys
from pathlib import Path
out = Path(sys.argv[1])
for arm in ('today', 'first_release'):
    accs = [json.loads(p.read_text())['test_acc_mean'] for p in sorted(out.glob(f'{arm}_seed*/eval/summary.json'))]
    if accs: print(f"{arm}: " + ' / '.join(f'{100 * a:.1f}' for a in accs) + f" % (mean {100 * sum(accs) / len(accs):.1f}, worst {100 * min(accs):.1f})")
PY
