#!/usr/bin/env bash
# Real Galaxy Zoo 2 galaxies through the user's route, every step a console command:
#   gd_curate (nine GZoo2 classes, as many galaxies as the catalogue holds) → gd_buffers (the demo's experts)
#   → gd_distill (one run per distillation seed) → gd_eval --baselines (every row by one protocol, the start set and
#   herding coresets included) → bench/seeds_table.py (mean, std and worst seed; BENCHMARKS.md section).
#
#   bash bench/real_galaxies.sh CATALOG IMAGES OUT            # e.g. the LevIgnatev/galaxy_morphology snapshot (BENCHMARKS.md)
#
# Settings through the environment: SIZE (32), DEPTH (ConvNet depth: 3 below 64², 4 from 64²; another depth gets
# its own experts folder), PER_CLASS (90), TEST_PER_CLASS (25), SEEDS ("0 1 2"; "": data and experts only), IPC (1),
# PRESET (cpu_galaxies), ITERATIONS (600), DISTILL_ARGS (extra gd_distill options), RUN_SUFFIX (appended to the run
# folders' names), EVAL (1; 0: distil only, to screen a setting by its train-split selection score), ID_COL (asset_id).
# Each step resumes or is skipped when its summary.json exists, so the script can be rerun after a stop.
set -euo pipefail
CATALOG=${1:?catalogue CSV}; IMAGES=${2:?image folder}; OUT=${3:?output folder}
SIZE=${SIZE:-32}; PER_CLASS=${PER_CLASS:-90}; TEST_PER_CLASS=${TEST_PER_CLASS:-25}; SEEDS=${SEEDS-"0 1 2"}; IPC=${IPC:-1}
SIZE_DEPTH=$( [ "$SIZE" -ge 64 ] && echo 4 || echo 3 ); DEPTH=${DEPTH:-$SIZE_DEPTH}
PRESET=${PRESET:-cpu_galaxies}; ITERATIONS=${ITERATIONS:-600}; DISTILL_ARGS=${DISTILL_ARGS:-}; ID_COL=${ID_COL:-asset_id}
export GD_PROGRESS=${GD_PROGRESS:-0}
mkdir -p "$OUT"
DATA="$OUT/data_${SIZE}"; BUFFERS="$OUT/buffers_${SIZE}"; [ "$DEPTH" = "$SIZE_DEPTH" ] || BUFFERS="${BUFFERS}_d${DEPTH}"
[ -f "$DATA/summary.json" ] || gd_curate --catalog "$CATALOG" --images "$IMAGES" --id_col "$ID_COL" --out "$DATA" \
  --per_class "$PER_CLASS" --test_per_class "$TEST_PER_CLASS" --size "$SIZE" --min_votes 20
# the demo's experts: ConvNet-DEPTH of width 32, 15 epochs at step 0.03, batches of 32, any rotation, no flips
[ -f "$BUFFERS/summary.json" ] || gd_buffers --data "$DATA" --out "$BUFFERS" --experts 5 --epochs 15 --depth "$DEPTH" --width 32 \
  --lr_teacher 0.03 --batch_size 32 --augment galaxy --eval_every 0 --seed 0
runs=()
for s in $SEEDS; do
  run="$OUT/${PRESET}_ipc${IPC}_${SIZE}_seed${s}${RUN_SUFFIX:-}"; runs+=("$run")
  # shellcheck disable=SC2086
  gd_distill --data "$DATA" --buffers "$BUFFERS" --out "$run" --preset "$PRESET" --ipc "$IPC" --lr_teacher 0.03 \
    --iterations "$ITERATIONS" --eval_every 100 --num_eval 2 --eval_epochs 300 --seed "$s" $DISTILL_ARGS
  # the demo's protocol: 5 networks × 1000 epochs at the step size a 4-value grid picks on the train split; full data 1 × 100
  [ "${EVAL:-1}" = 0 ] || [ -f "$run/eval/summary.json" ] || gd_eval --syn "$run" --data "$DATA" --baselines --num_eval 5 --epochs 1000 \
    --grid_eval 1 --full_epochs 100 --full_num_eval 1 --augment galaxy --seed 0
done
[ "${EVAL:-1}" = 0 ] || [ ${#runs[@]} = 0 ] || python3 "$(dirname "$0")/seeds_table.py" "${runs[@]}"
