#!/usr/bin/env bash
# One GPU check, < 8 minutes on one H100-class GPU, from a fresh checkout with no internet:
#   1. the CUDA-flagged notebook tests (`nbdev_test --flags cuda`);
#   2. paper-scale settings on simulated galaxies: 128², ConvNet-3 width 128, nine classes (500/100 per class),
#      experts, a short STM run at IPC 1 and at IPC 10, each evaluated against the baselines;
#   3. the distillation speed benchmark on the GPU;
#   4. with two GPUs or more: distillation over all of them (torchrun) against one (bench/distill_distributed.py).
# Numbers go to $OUT/gpu_check.json (+ each stage's summary.json and log); OUT defaults to ./gpu_check_out.
#
# The GPU machine has Python and torch but not our other dependencies and no network. Prepare wheels where
# PyPI is reachable, then carry them with the checkout:
#   bash bench/gpu_check.sh --fetch-wheels        # → bench/wheels/ (py3.12, manylinux x86_64), git-ignored
set -uo pipefail
cd "$(dirname "$0")/.."
WHEELS=${WHEELS:-bench/wheels}
if [ "${1:-}" = "--fetch-wheels" ]; then
  mkdir -p "$WHEELS"
  python3 -m pip download --only-binary=:all: --python-version 3.12 --platform manylinux2014_x86_64 \
    --platform manylinux_2_17_x86_64 --platform manylinux_2_28_x86_64 -d "$WHEELS" --no-deps \
    galsim LSSTDESC.Coord pybind11 fastcore==1.12.47 nbdev==2.4.14 execnb==0.1.18 fastprogress safetensors statmorph \
    kornia kornia_rs astunparse ghapi watchdog asttokens pyyaml scikit-image photutils astropy astropy-iers-data pyerfa \
    lazy-loader imageio tifffile networkx six wheel
  du -sh "$WHEELS"; exit 0
fi
OUT=${OUT:-gpu_check_out}
mkdir -p "$OUT"
export GD_PROGRESS=0
start=$(date +%s)
elapsed() { echo $(( $(date +%s) - start )); }
nvidia-smi > "$OUT/nvidia-smi.txt" 2>&1 || true

# Environment: the machine's torch (system site-packages) + our wheels, no index.
python3 -m venv --system-site-packages .gpu-venv
.gpu-venv/bin/pip install -q --no-index --find-links "$WHEELS" -e ".[dev]" > "$OUT/install.log" 2>&1 \
  || { echo "install failed (see $OUT/install.log)"; tail -20 "$OUT/install.log"; exit 1; }
bin=.gpu-venv/bin
echo "install done at $(elapsed) s"

rm -f "$OUT/stages.jsonl"
run() {  # run NAME TIMEOUT CMD...: log to $OUT/NAME.log, record the exit status and seconds
  local name=$1 limit=$2; shift 2
  local t0=$(date +%s)
  timeout "$limit" "$@" > "$OUT/$name.log" 2>&1; local rc=$?
  echo "{\"stage\": \"$name\", \"rc\": $rc, \"seconds\": $(( $(date +%s) - t0 ))}" >> "$OUT/stages.jsonl"
  echo "$name: rc=$rc in $(( $(date +%s) - t0 )) s (total $(elapsed) s)"; tail -3 "$OUT/$name.log"
}

run cuda_tests 150 $bin/nbdev_test --flags cuda --timing
run simulate 90 $bin/gd_simulate --out "$OUT/data" --size 128 --n_per_class 500 --test_per_class 100 --workers "$(nproc)"
run experts 120 $bin/gd_buffers --data "$OUT/data" --out "$OUT/buffers" --experts 5 --epochs 12 --width 128 --depth 3 \
    --lr_teacher 0.01 --augment galaxy --device cuda
for ipc in 1 10; do
  run "distill_ipc$ipc" 75 $bin/gd_distill --data "$OUT/data" --buffers "$OUT/buffers" --out "$OUT/stm_ipc$ipc" --method stm \
      --ipc $ipc --syn_steps 20 --max_start_epoch 10 --iterations 200 --eval_every 100 --eval_epochs 300 --device cuda
  run "eval_ipc$ipc" 60 $bin/gd_eval --syn "$OUT/stm_ipc$ipc" --data "$OUT/data" --num_eval 3 --epochs 300 --baselines \
      --full_epochs 30 --augment galaxy --device cuda
done
run distill_speed 60 $bin/python bench/distill_speed.py --device cuda
ngpu=$(nvidia-smi -L 2>/dev/null | grep -c '^GPU' || true)
if [ "${ngpu:-0}" -ge 2 ]; then   # distillation over all GPUs (one torchrun process each) against one GPU, same per-process work
  run distill_ranks 150 $bin/python bench/distill_distributed.py --data "$OUT/data" --buffers "$OUT/buffers" --out "$OUT/ranks" \
      --processes "$ngpu" --iterations 60 --eval_every 30 --num_eval 1 \
      --extra "--ipc 10 --syn_steps 20 --max_start_epoch 10 --eval_epochs 100 --device cuda --seed 0"
fi

$bin/python - "$OUT" "$(elapsed)" <<'PY'
import json, sys
from pathlib import Path
out, seconds = Path(sys.argv[1]), int(sys.argv[2])
status = [json.loads(l) for l in (out/'stages.jsonl').read_text().splitlines()]
def summ(p):
    f = out/p/'summary.json'
    return json.loads(f.read_text()) if f.is_file() else None
import torch
result = {'device': torch.cuda.get_device_name(0) if torch.cuda.is_available() else 'no GPU', 'torch': torch.__version__,
          'total_seconds': seconds, 'stages': status,
          'experts': summ('buffers'), **{f'stm_ipc{i}': summ(f'stm_ipc{i}') for i in (1, 10)},
          **{f'eval_ipc{i}': summ(f'stm_ipc{i}/eval') for i in (1, 10)}}
(out/'gpu_check.json').write_text(json.dumps(result, indent=2, default=str))
print(json.dumps({k: result[k] for k in ('device', 'total_seconds', 'stages')}, indent=1))
PY
