"""glibc's default allocator against `keep_freed_memory` (what every command applies), side by side in one run.

    python bench/cpu_allocator.py --data RUN/data --buffers RUN/buffers --syn RUN/distill [--repeats 2]

Four stages of a run, each in a fresh process with `GD_MALLOC=system` (glibc as it comes) and without (freed blocks
kept for reuse), `--repeats` times each in alternating order (system first, then kept first, ...): distillation
iterations with the `--syn` run's own recorded settings, the evaluation of its distilled set as `gd_eval` runs it on
the CPU (`--threads` networks at once, one torch thread each) and as `gd_demo` does (one network at a time on
`--threads` threads), and full-data training epochs (batches of 256, one network on `--threads` threads). Every
stage's result (the distilled tensors; the evaluation's accuracies, balanced accuracies and per-class recalls; the
trained weights) must be bit for bit the same in every run, else the script stops: the allocator decides where
memory comes from, not what is computed. Peak resident memory is the price.
"""
import json, platform, statistics, subprocess, sys
from pathlib import Path
sys.path.insert(0, str(Path(__file__).parent))
from _common import REQUIRED, parser, quiet_env, record  # noqa: E402

STAGE = r'''
import dataclasses, json, resource, sys, tempfile, time, torch
from pathlib import Path
from galaxy_distill.core import default_device, fingerprint, keep_freed_memory, load_json, load_tensors
from galaxy_distill.data import SynSet, load_dataset
from galaxy_distill.evaluate import EvalConfig, evaluate_synset
from galaxy_distill.settings import config_from_options
from galaxy_distill.distill import distill_folder, student_for
from galaxy_distill.buffers import TrajectoryBuffer
from galaxy_distill.train import TrainConfig, train_classifier
stage, data, buffers, syn, n, threads = sys.argv[1], sys.argv[2], sys.argv[3], Path(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
device = default_device('cpu')   # what every command calls first: it applies keep_freed_memory unless GD_MALLOC=system
t = time.perf_counter()
if stage == 'distill':
    recorded = {k: v for k, v in load_json(syn/'config.json')['config'].items()
                if k not in ('data', 'buffers', 'experts', 'dataset_fingerprint', 'experts_fingerprint')}
    config = dataclasses.replace(config_from_options(recorded), iterations=n, eval_every=0)
    with tempfile.TemporaryDirectory() as out:
        distill_folder(data, buffers, Path(out)/'run', config, device=device, show=False)
        result = fingerprint(*[v.reshape(-1) for v in load_tensors(Path(out)/'run'/'synset.safetensors').values()])
elif stage.startswith('evaluate'):   # 'evaluate': as gd_eval (networks in threads); 'evaluate_demo': as gd_demo (one at a time)
    workers = 1 if stage == 'evaluate_demo' else threads
    r = evaluate_synset(SynSet.load(syn/'synset.safetensors'), load_dataset(data), num_eval=threads, epochs=n,
                        config=EvalConfig(lr_grid=(), workers=workers), seed=0, show_progress=False, device=device)
    result = [r.accs, r.balanced_accs, r.recalls]
else:
    ds = load_dataset(data)
    net = student_for(TrajectoryBuffer(buffers))[1].build(0)   # the experts' architecture
    train_classifier(net, *ds.tensors('train'), TrainConfig(epochs=n, lr=0.01, batch_size=256), device=device, seed=0,
                     show_progress=False)
    result = fingerprint(*[p.detach() for p in net.parameters()])
print(json.dumps({'seconds': time.perf_counter() - t, 'result': result, 'kept': keep_freed_memory(),
                  'peak_mib': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
'''

p = parser(__doc__, data=REQUIRED, buffers=REQUIRED, repeats=2, threads=2, name=None)
p.add_argument('--syn', required=True, help='gd_distill run folder: its settings are distilled with, its synset.safetensors evaluated')
p.add_argument('--iterations', type=int, default=20, help='distillation iterations timed')
p.add_argument('--epochs', type=int, default=200, help='epochs of each evaluation network')
p.add_argument('--full_epochs', type=int, default=2, help='full-data epochs timed')
a = p.parse_args()
if not (sys.platform.startswith('linux') and platform.libc_ver()[0] == 'glibc'):
    sys.exit("cpu_allocator.py compares glibc's allocator settings: it needs Linux with glibc")
stages = (('distill', a.iterations, f'{a.iterations} distillation iterations (the run\'s settings)'),
          ('evaluate', a.epochs, f'evaluation of the distilled set as gd_eval: {a.threads} networks × {a.epochs} epochs at once, one thread each'),
          ('evaluate_demo', a.epochs, f'the same as gd_demo: one network at a time on {a.threads} threads'),
          ('full', a.full_epochs, f'full data, {a.full_epochs} epochs in batches of 256'))
rows = []
for stage, n, what in stages:
    runs = {'system': [], 'kept': []}
    for rep in range(a.repeats):
        order = (('system', 'system'), ('kept', 'keep')) if rep % 2 == 0 else (('kept', 'keep'), ('system', 'system'))
        for name, malloc in order:
            out = subprocess.run([sys.executable, '-c', STAGE, stage, a.data, a.buffers, a.syn, str(n), str(a.threads)],
                                 capture_output=True, text=True, env=quiet_env(GD_MALLOC=malloc, OMP_NUM_THREADS=str(a.threads)))
            if out.returncode: sys.exit(f"{stage} ({name}) failed: {(out.stderr.strip().splitlines() or [f'exit status {out.returncode}'])[-1]}")
            r = json.loads(out.stdout.strip().splitlines()[-1])
            if r['kept'] != (name == 'kept'): sys.exit(f"{stage}: GD_MALLOC={malloc} did not give the allocator asked for")
            runs[name].append(r)
    results = {json.dumps(r['result']) for r in runs['system'] + runs['kept']}
    if len(results) != 1: sys.exit(f"{stage}: the results differ between runs ({len(results)} distinct): not a like-for-like timing")
    med = {k: statistics.median(r['seconds'] for r in v) for k, v in runs.items()}
    rows.append({'stage': stage, 'what': what, 'seconds': {k: [r['seconds'] for r in v] for k, v in runs.items()},
                 'peak_mib': {k: max(r['peak_mib'] for r in v) for k, v in runs.items()}, 'median': med,
                 'speedup': med['system'] / med['kept']})
md = (f"Dataset `{a.data}`, experts `{a.buffers}`, run `{a.syn}`; {a.threads} torch threads; each stage in a fresh process, "
      f"{a.repeats} runs per allocator in alternating order (median). Every run of a stage gave bit for bit the same result.\n\n"
      "| stage | glibc as it comes (s) | freed memory kept (s) | × faster | peak memory, as it comes → kept (MiB) |\n|---|---|---|---|---|\n" +
      '\n'.join(f"| {r['what']} | {r['median']['system']:.1f} | {r['median']['kept']:.1f} | ×{r['speedup']:.2f} | "
                f"{r['peak_mib']['system']:.0f} → {r['peak_mib']['kept']:.0f} |" for r in rows) +
      "\n\nEvery command applies `keep_freed_memory` through `default_device`; `GD_MALLOC=system` opts out.")
record(a.name or 'cpu_allocator', 'Small batches on CPUs: freed memory kept for reuse', md, {'rows': rows})
