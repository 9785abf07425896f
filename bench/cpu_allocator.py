"""glibc's default allocator against `keep_freed_memory` (what every command applies), side by side in one run.

    python bench/cpu_allocator.py --data RUN/data --buffers RUN/buffers --syn RUN/distill [--repeats 2]

Three stages of a run, each in a fresh process with `GD_MALLOC=system` (glibc as it comes) and without (freed blocks
kept for reuse), alternating, `--repeats` times each: `gd_distill` iterations, the evaluation of the run's distilled
set (`evaluate_synset`, IPC-sized batches) and full-data training epochs (batches of 256). Each stage's result
(the distilled tensors, the accuracies, the trained weights) must be bit for bit the same under both allocators:
the allocator decides where memory comes from, not what is computed.
"""
import json, statistics, subprocess, sys, tempfile
from pathlib import Path
sys.path.insert(0, str(Path(__file__).parent))
from _common import REQUIRED, parser, quiet_env, record  # noqa: E402

STAGE = r'''
import json, sys, tempfile, time, torch
from pathlib import Path
from galaxy_distill.core import default_device, fingerprint, keep_freed_memory, load_tensors
from galaxy_distill.data import SynSet, load_dataset
from galaxy_distill.evaluate import EvalConfig, evaluate_synset
from galaxy_distill.settings import DistillConfig
from galaxy_distill.distill import distill_folder
from galaxy_distill.buffers import TrajectoryBuffer
from galaxy_distill.distill import student_for
from galaxy_distill.train import TrainConfig, train_classifier
stage, data, buffers, syn, n = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
device = default_device('cpu')
t = time.perf_counter()
if stage == 'distill':
    with tempfile.TemporaryDirectory() as out:
        distill_folder(data, buffers, Path(out)/'run', DistillConfig(iterations=n, eval_every=0), device=device, show=False)
        result = fingerprint(*[v.reshape(-1) for v in load_tensors(Path(out)/'run'/'synset.safetensors').values()])
elif stage == 'evaluate':
    r = evaluate_synset(SynSet.load(Path(syn)/'synset.safetensors'), load_dataset(data), num_eval=2, epochs=n,
                        config=EvalConfig(lr_grid=(), workers=1), seed=0, show_progress=False, device=device)
    result = r.accs
else:
    ds = load_dataset(data)
    net = student_for(TrajectoryBuffer(buffers))[1].build(0)   # the experts' architecture
    train_classifier(net, *ds.tensors('train'), TrainConfig(epochs=n, lr=0.01, batch_size=256), device=device, seed=0,
                     show_progress=False)
    result = fingerprint(*[p.detach() for p in net.parameters()])
print(json.dumps({'seconds': time.perf_counter() - t, 'result': result, 'kept': keep_freed_memory()}))
'''

p = parser(__doc__, data=REQUIRED, buffers=REQUIRED, repeats=2, threads=2, name=None)
p.add_argument('--syn', required=True, help='gd_distill run folder whose synset.safetensors is evaluated')
p.add_argument('--iterations', type=int, default=20, help='gd_distill iterations timed')
p.add_argument('--epochs', type=int, default=200, help='epochs of each evaluation network')
p.add_argument('--full_epochs', type=int, default=2, help='full-data epochs timed')
a = p.parse_args()
stages = (('distill', a.iterations, f'{a.iterations} gd_distill iterations'),
          ('evaluate', a.epochs, f'evaluation of the distilled set: 2 networks × {a.epochs} epochs'),
          ('full', a.full_epochs, f'full data, {a.full_epochs} epochs in batches of 256'))
rows = []
for stage, n, what in stages:
    runs = {'system': [], 'kept': []}
    for _ in range(a.repeats):
        for name, malloc in (('system', 'system'), ('kept', '')):
            out = subprocess.run([sys.executable, '-c', STAGE, stage, a.data, a.buffers, a.syn, str(n)], capture_output=True, text=True,
                                 env=quiet_env(GD_MALLOC=malloc, OMP_NUM_THREADS=str(a.threads)))
            if out.returncode: sys.exit(f"{stage} ({name}) failed: {out.stderr.strip().splitlines()[-1]}")
            runs[name].append(json.loads(out.stdout.strip().splitlines()[-1]))
    assert [r['kept'] for r in runs['system']] == [False] * a.repeats and all(r['kept'] for r in runs['kept'])
    same = len({json.dumps(r['result']) for r in runs['system'] + runs['kept']}) == 1
    med = {k: statistics.median(r['seconds'] for r in v) for k, v in runs.items()}
    rows.append({'stage': stage, 'what': what, 'seconds': {k: [r['seconds'] for r in v] for k, v in runs.items()},
                 'median': med, 'speedup': med['system'] / med['kept'], 'identical': same})
md = (f"Dataset `{a.data}`, experts `{a.buffers}`, {a.threads} torch threads, each stage in a fresh process, the two allocators "
      f"alternating, {a.repeats} runs each (median).\n\n"
      "| stage | glibc as it comes (s) | freed memory kept (s) | × faster | results bit for bit the same |\n|---|---|---|---|---|\n" +
      '\n'.join(f"| {r['what']} | {r['median']['system']:.1f} | {r['median']['kept']:.1f} | ×{r['speedup']:.2f} | {r['identical']} |" for r in rows) +
      "\n\nThe commands apply `keep_freed_memory` through `default_device`; `GD_MALLOC=system` opts out.")
record(a.name or 'cpu_allocator', 'Small batches on CPUs: freed memory kept for reuse', md, {'rows': rows})
