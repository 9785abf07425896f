"""Which starting set at a given IPC: random, confident or herded real galaxies (or class means), hard labels or the
experts' soft labels.

Each start (`starting_set.initial_synset` with `init` = 'real', 'confident', 'herding' or 'mean'; labels hard, or
the experts' mean prediction at epoch `--soft_epoch`) is trained by `--networks` fresh networks for `--epochs` epochs at a fixed step
size and scored on the real *train* split (settings are chosen there, never on test), for each draw seed.

    python bench/start_labels.py --data D --buffers B --ipc 10 --seeds 0,1
    python bench/start_labels.py --data D --buffers B --ipc 10 --seeds 0,1,2 --inits real,herding

Starts that do not depend on the seed (herding; class means at IPC 1) are trained once and shown under every seed.
"""
import math, sys
from pathlib import Path
sys.path.insert(0, str(Path(__file__).parent))
from _common import REQUIRED, parser, record, torch_threads  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402
from galaxy_distill.buffers import TrajectoryBuffer  # noqa: E402
from galaxy_distill.data import SynSet, load_dataset  # noqa: E402
from galaxy_distill.distill import student_for  # noqa: E402
from galaxy_distill.settings import make_config  # noqa: E402
from galaxy_distill.starting_set import CONFIDENT_TOP, expert_predictions, initial_synset  # noqa: E402
from galaxy_distill.evaluate import evaluate_synset  # noqa: E402

p = parser(__doc__, data=REQUIRED, buffers=REQUIRED, seeds=('0,1', 'draw seeds'), epochs=1000,
           name=(None, 'results name (default start_labels_ipcN)'),
           title=('', 'what distinguishes this run, for the section title (e.g. "from 30-epoch experts")'))
p.add_argument('--ipc', type=int, default=10)
p.add_argument('--soft_epoch', type=int, default=15); p.add_argument('--networks', type=int, default=2)
p.add_argument('--lr', type=float, default=0.01)
p.add_argument('--inits', default='real,confident',
               help="comma-separated starts: real, confident, herding (the coreset), mean (class means), confident_mean (per class, the mean of "
                    "ipc random parts of the pool 'confident' draws from)")
a = p.parse_args()
torch_threads(1)
ds, buf = load_dataset(a.data), TrajectoryBuffer(a.buffers)
net_fn, spec = student_for(buf, 'cpu')


def confident_means(seed):
    "Per class, the means of `ipc` random parts of the pool init='confident' draws from (the experts' most confident `CONFIDENT_TOP`)."
    sizes = set(ds.train.per_class())
    if len(sizes) > 1: sys.exit("confident_mean needs classes of one size (the confident pool is then one draw of the whole pool)")
    whole = max(a.ipc, math.ceil(CONFIDENT_TOP * sizes.pop()))   # init='confident' at this IPC draws the whole pool, shuffled
    pool = initial_synset(ds, make_config(ipc=whole, init='confident', lr_teacher=0.03, seed=seed)[0], net_fn, buf)
    gen = torch.Generator().manual_seed(seed)
    means = [part.mean(0) for k in range(len(ds.classes))
             for part in torch.tensor_split(pool.images[pool.labels == k][torch.randperm(whole, generator=gen)], a.ipc)]
    return SynSet(torch.stack(means), torch.arange(len(ds.classes)).repeat_interleave(a.ipc), pool.syn_lr, pool.classes,
                  pool.mean, pool.std, {**pool.meta, 'init': 'confident_mean'})


rows, once = [], {}   # seed-independent starts: their scores, from the first seed
for seed in map(int, a.seeds.split(',')):
    for init in a.inits.split(','):
        if init in once:
            rows += [{**r, 'seed': seed} for r in once[init]]; continue
        first = len(rows)
        s = (confident_means(seed) if init == 'confident_mean' else
             initial_synset(ds, make_config(ipc=a.ipc, init=init, lr_teacher=0.03, seed=seed)[0], net_fn, buf))
        soft = SynSet(s.images, s.labels, s.syn_lr, s.classes, s.mean, s.std, s.meta, expert_predictions(net_fn, buf, s.images, a.soft_epoch))
        for labels, syn in (('hard', s), (f'soft@{a.soft_epoch}', soft)):
            r = evaluate_synset(syn, ds, spec, split='train', num_eval=a.networks, epochs=a.epochs, lr=a.lr, show_progress=False)
            rows.append({'seed': seed, 'init': init, 'labels': labels, 'train_acc': r.acc_mean})
            print(seed, init, labels, round(r.acc_mean, 3), flush=True)
        if init == 'herding' or (init == 'mean' and a.ipc == 1): once[init] = rows[first:]   # above IPC 1 the means split each class at random
starts = list(dict.fromkeys((r['init'], r['labels']) for r in rows))
seeds = list(dict.fromkeys(r['seed'] for r in rows))
lines = ['| start | ' + ' | '.join(f'draw seed {s}' for s in seeds) + ' | mean |', '|---|' + '---|' * (len(seeds) + 1)]
for init, labels in starts:
    accs = [r['train_acc'] for r in rows if (r['init'], r['labels']) == (init, labels)]
    lines.append(f"| {init} + {labels} | " + ' | '.join(f'{100*x:.1f} %' for x in accs) + f" | {100*np.mean(accs):.1f} % |")
md = (f"IPC {a.ipc}; data `{a.data}`, experts `{a.buffers}`; each start trained by {a.networks} networks for {a.epochs} epochs "
      f"at lr {a.lr}, scored on the train split.\n\n" + '\n'.join(lines))
record(a.name or f'start_labels_ipc{a.ipc}', f'Starting sets at IPC {a.ipc}{" " + a.title if a.title else ""}: {" or ".join(dict.fromkeys(r["init"] for r in rows))}, hard or soft labels (train split)'
       + (f' ({a.name})' if a.name else ''), md, {'rows': rows})
