"""The full-data baseline's schedule: does a shorter one reach the same accuracy?

The full-data row is the costliest of the demo's evaluation (900 images × 100 epochs per network). This trains the
row as `gd_eval --baselines` does (SGD, momentum 0.9, weight decay 5e-4, learning rate ×0.1 at half time, the
'galaxy' augmentation, the same network seeds) under several (batch size, epochs, learning rate) schedules, two
networks each, side by side in one run, so a cheaper schedule is adopted only if it is as accurate.

    python bench/full_schedule.py --data DEMO/data --schedules 256:100:0.01,128:50:0.01,256:50:0.03,128:50:0.02
"""
import sys, time
from pathlib import Path
sys.path.insert(0, str(Path(__file__).parent))
from _common import REQUIRED, parser, record

import torch

from galaxy_distill.data import load_dataset
from galaxy_distill.evaluate import EvalConfig, evaluate_baselines
from galaxy_distill.models import ModelSpec

p = parser(__doc__, data=REQUIRED, width=32)
p.add_argument('--schedules', default='256:100:0.01,128:50:0.01,256:50:0.03,128:50:0.02', help='batch:epochs:lr,...')
p.add_argument('--networks', type=int, default=2)
a = p.parse_args()

ds = load_dataset(a.data)
spec = ModelSpec.for_dataset('convnet', ds, width=a.width, depth=3)
rows = []
for item in a.schedules.split(','):
    bs, ep, lr = item.split(':')
    cfg = EvalConfig(batch_size=int(bs), full_epochs=int(ep), full_lr=float(lr), full_num_eval=a.networks,
                     workers=torch.get_num_threads())   # as gd_eval on the CPU
    t0 = time.perf_counter()
    r = evaluate_baselines(ds, 1, spec, baselines=('full',), config=cfg, device='cpu', seed=0, show_progress=False)['full']
    rows.append({'batch': int(bs), 'epochs': int(ep), 'lr': float(lr), 'accs': r.accs, 'acc_mean': r.acc_mean,
                 'seconds': time.perf_counter() - t0})
    print(rows[-1], flush=True)
ref = rows[0]
lines = ['| batch | epochs | lr | test accuracy (per network) | seconds | × the first row\'s time |', '|---|---|---|---|---|---|']
lines += [f"| {r['batch']} | {r['epochs']} | {r['lr']} | {100 * r['acc_mean']:.1f} % ({', '.join(f'{100 * x:.1f}' for x in r['accs'])}) | "
          f"{r['seconds']:.0f} | {r['seconds'] / ref['seconds']:.2f} |" for r in rows]
md = (f"Data `{a.data}` ({ds.num_classes} classes, {len(ds.tensors('train')[1])} train images); ConvNet-3 width {a.width}; "
      f"{a.networks} networks per schedule with `gd_eval`'s full-data protocol (SGD momentum 0.9, weight decay 5e-4, lr ×0.1 at "
      "half time, 'galaxy' augmentation, the same network seeds), the networks of a row trained at once (`EvalConfig.workers`).\n\n"
      + '\n'.join(lines))
record('full_schedule', 'Full-data baseline: schedules side by side', md, {'rows': rows})
