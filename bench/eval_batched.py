"""A set's evaluation networks trained together in one batched pass (`EvalConfig(trainer='batched')`) against one at a time in threads, side by side in one run.

    python bench/eval_batched.py [--size 32 --ipcs 1,10 --epochs 1000 --num_eval 5 --threads 2]

On a simulated dataset (the demo's 100 train and 50 test galaxies per class), a random real set of each IPC is evaluated
twice with the demo's protocol (`num_eval` networks plus the 4-value step-size grid with one network each, the demo's
ConvNet-3 of width 32), on the same seeds and both as gd_eval runs them on a CPU (`workers` = `--threads`, one torch thread
each): with `trainer='sequential'` (`--threads` networks at once in threads) and with `trainer='batched'` (the grid's networks,
then the reported ones, in `--threads` groups, each group in one vmapped pass). The two train the same networks to
floating-point rounding.
"""
import sys, time
from pathlib import Path
sys.path.insert(0, str(Path(__file__).parent))
from _common import parser, record, torch_threads  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402
from galaxy_distill.core import derive_seed, make_generator  # noqa: E402
from galaxy_distill.data import real_init  # noqa: E402
from galaxy_distill.evaluate import EvalConfig, evaluate_synset  # noqa: E402
from galaxy_distill.models import ModelSpec  # noqa: E402
from galaxy_distill.simulate import simulate_dataset  # noqa: E402

p = parser(__doc__, size=32, epochs=1000, num_eval=5, threads=2, width=32, depth=3, per_class=100, test_per_class=50, seed=0)
p.add_argument('--ipcs', default='1,10', help='comma-separated images per class of the evaluated sets')
p.add_argument('--shared', action='store_true', help='say in the section that other jobs shared the machine')
a = p.parse_args()
threads = torch_threads(a.threads)
ds = simulate_dataset(a.per_class, a.test_per_class, size=a.size, seed=a.seed)
spec = ModelSpec.for_dataset('convnet', ds, width=a.width, depth=a.depth)
rows = []
for ipc in [int(v) for v in a.ipcs.split(',')]:
    syn = real_init(ds, ipc, make_generator(derive_seed(a.seed, 'bench', ipc)))
    for trainer in ('sequential', 'batched'):
        cfg = EvalConfig(num_eval=a.num_eval, epochs=a.epochs, grid_eval=1, workers=threads, trainer=trainer)
        t = time.perf_counter()
        r = evaluate_synset(syn, ds, spec, config=cfg, seed=a.seed, device='cpu', show_progress=False)
        rows.append({'ipc': ipc, 'trainer': trainer, 'seconds': time.perf_counter() - t, 'accs': r.accs, 'lr': r.lr,
                     'lr_scores': r.lr_scores, 'acc_mean': r.acc_mean, 'acc_std': r.acc_std})
        print(rows[-1], flush=True)

def line(r, base):
    return (f"| {r['ipc']} | {r['trainer']} | {r['seconds']:.1f} | ×{base['seconds'] / r['seconds']:.2f} | {r['lr']:g} | "
            f"{100 * r['acc_mean']:.1f} ± {100 * r['acc_std']:.1f} | {', '.join(f'{100 * x:.1f}' for x in r['accs'])} |")
table = '\n'.join(line(r, next(b for b in rows if b['ipc'] == r['ipc'] and b['trainer'] == 'sequential')) for r in rows)
within = {ipc: abs(s['acc_mean'] - b['acc_mean']) <= max(s['acc_std'], b['acc_std'])
          for ipc in {r['ipc'] for r in rows}
          for s, b in [[next(r for r in rows if r['ipc'] == ipc and r['trainer'] == t) for t in ('sequential', 'batched')]]}
md = (f"Simulated {a.size}² galaxies ({a.per_class} train / {a.test_per_class} test per class), a random real set per IPC, "
      f"ConvNet-{a.depth} of width {a.width}, {a.num_eval} networks + the 4-value step-size grid (one network each), "
      f"{a.epochs} epochs, seed {a.seed}, {threads} threads"
      + (" (other jobs shared the machine: the seconds are noisy)" if a.shared else "") + ".\n\n"
      "| IPC | trainer | seconds | speed-up over sequential | chosen lr | accuracy % (mean ± std) | accuracies % |\n"
      "|---|---|---|---|---|---|---|\n" + table + "\n\n"
      "The batched mean lies within the seed spread (the larger std) of the sequential one: "
      + ', '.join(f"IPC {k}: {'yes' if v else 'no'}" for k, v in sorted(within.items())) + ".")
record('eval_batched', "Evaluation networks of one set trained in one batched pass against one at a time", md,
       {'rows': rows, 'within_spread': within})
