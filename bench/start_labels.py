"""Which starting set at a given IPC: real or confident galaxies, hard labels or the experts' soft labels.

Each start (`distill.initial_synset` with `init` = 'real' or 'confident'; labels hard, or the experts' mean
prediction at epoch `--soft_epoch`) is trained by `--networks` fresh networks for `--epochs` epochs at a fixed step
size and scored on the real *train* split (settings are chosen there, never on test), for each draw seed.

    python bench/start_labels.py --data D --buffers B --ipc 10 --seeds 0,1
"""
import argparse, math, sys
from pathlib import Path
sys.path.insert(0, str(Path(__file__).parent))
from _common import record  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402
from galaxy_distill.buffers import TrajectoryBuffer  # noqa: E402
from galaxy_distill.data import SynSet, load_dataset  # noqa: E402
from galaxy_distill.distill import CONFIDENT_TOP, _student, expert_predictions, initial_synset, make_config  # noqa: E402
from galaxy_distill.evaluate import evaluate_synset  # noqa: E402

p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
p.add_argument('--data', required=True); p.add_argument('--buffers', required=True)
p.add_argument('--ipc', type=int, default=10); p.add_argument('--seeds', default='0,1')
p.add_argument('--soft_epoch', type=int, default=15); p.add_argument('--networks', type=int, default=2)
p.add_argument('--epochs', type=int, default=1000); p.add_argument('--lr', type=float, default=0.01)
p.add_argument('--name', default=None, help='results name (default start_labels_ipcN)')
p.add_argument('--title', default='', help='what distinguishes this run, for the section title (e.g. "from 30-epoch experts")')
p.add_argument('--inits', default='real,confident',
               help="comma-separated starts: real, confident, mean (class means), confident_mean (per class, the mean of "
                    "ipc random parts of the pool 'confident' draws from)")
a = p.parse_args()
torch.set_num_threads(1)
ds, buf = load_dataset(a.data), TrajectoryBuffer(a.buffers)
net_fn, spec = _student(buf, 'cpu')


_scores = None

def confident_means(s, seed):
    "Per class, the means of `ipc` random parts of the experts' most confident fifth (the pool init='confident' draws from)."
    global _scores
    x, y = ds.tensors('train')
    if _scores is None: _scores = expert_predictions(net_fn, buf, x, buf.epochs)[torch.arange(len(y)), y]   # once, not per seed
    score = _scores
    gen, means = torch.Generator().manual_seed(seed), []
    for k in range(len(ds.classes)):
        idx = (y == k).nonzero().flatten()
        pool = idx[score[idx].argsort(descending=True)[:max(a.ipc, math.ceil(CONFIDENT_TOP * len(idx)))]]
        means += [x[part].mean(0) for part in torch.tensor_split(pool[torch.randperm(len(pool), generator=gen)], a.ipc)]
    return SynSet(torch.stack(means), s.labels, s.syn_lr, s.classes, s.mean, s.std, {**s.meta, 'init': 'confident_mean'})


rows = []
for seed in map(int, a.seeds.split(',')):
    for init in a.inits.split(','):
        s = initial_synset(ds, make_config(ipc=a.ipc, init=init.replace('_mean', ''), lr_teacher=0.03, seed=seed)[0], net_fn, buf)
        if init == 'confident_mean': s = confident_means(s, seed)
        soft = SynSet(s.images, s.labels, s.syn_lr, s.classes, s.mean, s.std, s.meta, expert_predictions(net_fn, buf, s.images, a.soft_epoch))
        for labels, syn in (('hard', s), (f'soft@{a.soft_epoch}', soft)):
            r = evaluate_synset(syn, ds, spec, split='train', num_eval=a.networks, epochs=a.epochs, lr=a.lr, show_progress=False)
            rows.append({'seed': seed, 'init': init, 'labels': labels, 'train_acc': r.acc_mean})
            print(seed, init, labels, round(r.acc_mean, 3), flush=True)
starts = list(dict.fromkeys((r['init'], r['labels']) for r in rows))
seeds = list(dict.fromkeys(r['seed'] for r in rows))
lines = ['| start | ' + ' | '.join(f'draw seed {s}' for s in seeds) + ' | mean |', '|---|' + '---|' * (len(seeds) + 1)]
for init, labels in starts:
    accs = [r['train_acc'] for r in rows if (r['init'], r['labels']) == (init, labels)]
    lines.append(f"| {init} + {labels} | " + ' | '.join(f'{100*x:.1f} %' for x in accs) + f" | {100*np.mean(accs):.1f} % |")
md = (f"IPC {a.ipc}; data `{a.data}`, experts `{a.buffers}`; each start trained by {a.networks} networks for {a.epochs} epochs "
      f"at lr {a.lr}, scored on the train split.\n\n" + '\n'.join(lines))
record(a.name or f'start_labels_ipc{a.ipc}', f'Starting sets at IPC {a.ipc}{" " + a.title if a.title else ""}: real or confident galaxies, hard or soft labels (train split)'
       + (f' ({a.name})' if a.name else ''), md, {'rows': rows})
