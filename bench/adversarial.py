"""Reliability: an adversarial suite through the console scripts — bad input, kill -9 at random moments, reruns — cases tried / held.

Every case runs the installed `gd_*` scripts in fresh processes, exactly as a shell would, on tiny fixtures made by the
same commands. Three families:

1. **Bad input** — the case table of `nbs/15_bad_input.ipynb` (executed here as it is in the tests): each case must
   exit 2 with one line on stderr, leave every file byte-identical and write nothing.
2. **Kill and resume** — `gd_distill` and `gd_buffers` killed (`kill -9`) after a random delay, again and again, then
   rerun to completion. Held when the result equals an uninterrupted run's bit for bit, `metrics.csv` lists each
   iteration once, `synset.safetensors` is the set `summary.json` names, and no temporary or partial file is left.
   One distillation resumes with a changed `--eval_every` (allowed) after each kill.
3. **Kill a rerun that replaces results** — `gd_eval --overwrite` and `gd_curate --overwrite` killed at a random
   moment of their rerun. Held when the previous results are byte-identical afterwards (the staging folder aside,
   dropped at the next start) and the next rerun completes.

    python bench/adversarial.py [--kills 6] [--seed 0]
"""
import hashlib, os, random, signal, subprocess, sys, tempfile, time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _common import BIN, leftovers, parser, quiet_env, record, Timer

import pandas as pd
import torch
from galaxy_distill.buffers import TrajectoryBuffer
from galaxy_distill.core import LOCK_NAME, STAGING, load_json
from galaxy_distill.data import SynSet, save_dataset
from galaxy_distill.test_utils import tiny_dataset, write_tiny_images

ENV = quiet_env(OMP_NUM_THREADS='1')


def gd(name, *args, kill_after=None, wait_for=None):
    "Run console script `name`; with `kill_after`, SIGKILL it that many seconds after it wrote `wait_for` (or after its start). Returns the exit status (None: killed)."
    t0 = time.time()
    proc = subprocess.Popen([str(BIN/name), *map(str, args)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=ENV)
    if kill_after is None:
        code = proc.wait()
        if code != 0: raise SystemExit(f"{name} failed ({code}): {proc.stderr.read().decode()[-1500:]}")
        return code
    deadline = time.time() + 300
    def written(): return Path(wait_for).exists() and Path(wait_for).stat().st_mtime >= t0   # by this process, not a killed one
    while wait_for is not None and not written() and proc.poll() is None and time.time() < deadline: time.sleep(0.01)
    try: return proc.wait(timeout=kill_after)
    except subprocess.TimeoutExpired:
        os.kill(proc.pid, signal.SIGKILL); proc.wait(); return None


def files(root: Path, skip=()) -> dict:
    "sha256 of every file under `root` (lock file and `skip` prefixes aside)."
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob('*'))
            if p.is_file() and p.name != LOCK_NAME and not str(p.relative_to(root)).startswith(skip)}


def bad_input() -> list:
    "The case table of the bad-input notebook, executed as the tests execute it."
    from execnb.nbio import read_nb
    from execnb.shell import CaptureShell
    nb, shell = read_nb(Path(__file__).parent.parent/'nbs'/'15_bad_input.ipynb'), CaptureShell()
    here = os.getcwd(); os.chdir(Path(__file__).parent.parent/'nbs')
    try:
        for cell in nb.cells:
            if cell.cell_type != 'code' or 'tmp.cleanup()' in cell.source: continue
            shell.run(cell.source)
            if 'table = pd.DataFrame(rows)' in cell.source: break
    finally: os.chdir(here)
    table = shell.user_ns['table']
    return [{'family': 'bad input', 'case': r.case, 'held': not r.problems, 'detail': r.problems or r.message}
            for r in table.itertuples()]


def distill_kills(d: Path, kills: int, rng: random.Random, data: Path, buf: Path) -> list:
    "gd_distill killed at random moments and resumed (every other resume with another --eval_every), against one uninterrupted run."
    base = ['--data', data, '--buffers', buf, '--ipc', 1, '--syn_steps', 3, '--max_start_epoch', 2, '--iterations', 40,
            '--num_eval', 1, '--eval_epochs', 3, '--checkpoint_every', 7, '--device', 'cpu', '--seed', 1]
    with Timer() as t: gd('gd_distill', *base, '--eval_every', 5, '--out', d/'whole')
    whole = SynSet.load(d/'whole'/'synset.safetensors')
    cases = []
    for k in range(kills):
        out, killed, every = d/f'killed_{k}', 0, 5
        for attempt in range(4):   # killed anywhere in a whole run's wall time (start-up included), then left to finish
            if gd('gd_distill', *base, '--eval_every', every, '--out', out, kill_after=rng.uniform(0.5, t.seconds)) == 0: break
            killed += 1; every = 5 if k % 2 == 0 else rng.choice([4, 5, 10])   # odd cases: resume with another --eval_every
        else: gd('gd_distill', *base, '--eval_every', every, '--out', out)
        summary, best = load_json(out/'summary.json'), SynSet.load(out/'synset.safetensors')
        metrics = pd.read_csv(out/'metrics.csv')
        problems = []
        if best.meta.get('iteration') != summary['best_iteration']: problems.append(f"synset holds iteration {best.meta.get('iteration')}, summary names {summary['best_iteration']}")
        if metrics['iteration'].duplicated().any() or metrics['iteration'].max() != 40: problems.append('metrics.csv iterations not each once')
        if leftovers(out): problems.append(f'left {leftovers(out)}')
        if k % 2 == 0 and not torch.equal(best.images, whole.images): problems.append('final set differs from the uninterrupted run')
        cases.append({'family': 'kill and resume', 'case': f"gd_distill killed {killed}× then resumed" + ('' if k % 2 == 0 else ' (--eval_every changed)'),
                      'held': not problems, 'detail': '; '.join(problems) or f"{killed} kills"})
    return cases


def buffer_kills(d: Path, kills: int, rng: random.Random, data: Path) -> list:
    args = ['--data', data, '--experts', 3, '--epochs', 4, '--depth', 1, '--width', 8, '--eval_every', 0, '--device', 'cpu', '--seed', 2]
    with Timer() as t: gd('gd_buffers', *args, '--out', d/'buf_whole')
    whole = TrajectoryBuffer(d/'buf_whole')
    cases = []
    for k in range(kills):
        out, killed = d/f'buf_killed_{k}', 0
        for attempt in range(4):
            if gd('gd_buffers', *args, '--out', out, kill_after=rng.uniform(0.5, t.seconds)) == 0: break
            killed += 1
        else: gd('gd_buffers', *args, '--out', out)
        got, problems = TrajectoryBuffer(out).verify(), []
        if got.n_experts != 3: problems.append(f'{got.n_experts} experts')
        elif not all(torch.equal(got.trajectory(e), whole.trajectory(e)) for e in range(3)): problems.append('trajectories differ')
        if leftovers(out): problems.append(f'left {leftovers(out)}')
        cases.append({'family': 'kill and resume', 'case': f'gd_buffers killed {killed}× then resumed', 'held': not problems,
                      'detail': '; '.join(problems) or f'{killed} kills'})
    return cases


def rerun_kills(d: Path, kills: int, rng: random.Random, data: Path, buf: Path) -> list:
    "Reruns that replace finished results (gd_eval, gd_curate with --overwrite), killed mid-way: the previous results stay whole."
    run = d/'whole'
    ev = ['--syn', run, '--data', data, '--num_eval', 1, '--lr_grid', 'none', '--device', 'cpu', '--out', d/'ev']
    gd('gd_eval', *ev, '--epochs', 3, '--split', 'train')
    images = d/'images'
    for c in 'ES': write_tiny_images(images, [f'{c}{i}' for i in range(400)], size=48)
    (d/'labels.csv').write_text('id,label\n' + ''.join(f'{c}{i},{c}\n' for c in 'ES' for i in range(400)))
    cur = ['--catalog', d/'labels.csv', '--images', images, '--scheme', 'labels', '--label_col', 'label', '--per_class', 350,
           '--test_per_class', 50, '--workers', 1, '--out', d/'cur']
    gd('gd_curate', *cur, '--size', 16)
    cases = []
    for k in range(kills):
        for name, args, folder, changed in (('gd_eval', ev, d/'ev', ['--epochs', 5000, '--split', 'test']),
                                            ('gd_curate', cur, d/'cur', ['--size', 20 + k, '--rotations', 4])):
            before = files(folder, skip=(STAGING,))   # a killed rerun's staging folder is dropped at the next start
            code = gd(name, *args, *changed, '--overwrite', kill_after=rng.uniform(0, 0.5), wait_for=folder/STAGING/'config.json')
            after = files(folder, skip=(STAGING,))
            held = code is None and after == before
            detail = ('finished before the kill' if code is not None else
                      'previous results byte-identical' if held else f"changed: {sorted(set(before) ^ set(after)) or 'contents'}")
            cases.append({'family': 'kill a replacing rerun', 'case': f'{name} --overwrite killed mid-rerun', 'held': held, 'detail': detail})
    gd('gd_eval', *ev, '--epochs', 3, '--split', 'test', '--overwrite')   # the next rerun completes and replaces them
    ok = 'test_acc_mean' in load_json(d/'ev'/'summary.json') and not (d/'ev'/STAGING).exists()
    cases.append({'family': 'kill a replacing rerun', 'case': 'gd_eval rerun after the kills completes', 'held': ok, 'detail': ''})
    return cases


def main():
    a = parser(__doc__, kills=(6, 'cases per kill family'), seed=0).parse_args()
    rng = random.Random(a.seed)
    with Timer() as t, tempfile.TemporaryDirectory() as d:
        d = Path(d)
        data, buf = d/'data', d/'buf'
        save_dataset(tiny_dataset(per_class=20, test_per_class=5, size=8), data)
        gd('gd_buffers', '--data', data, '--out', buf, '--experts', 2, '--epochs', 3, '--depth', 1, '--width', 4,
           '--eval_every', 0, '--device', 'cpu')
        cases = bad_input()
        cases += distill_kills(d, a.kills, rng, data, buf)
        cases += buffer_kills(d, a.kills // 2, rng, data)
        cases += rerun_kills(d, a.kills // 2, rng, data, buf)
    table = pd.DataFrame(cases)
    per_family = table.groupby('family', sort=False)['held'].agg(['size', 'sum'])
    failed = table[~table['held']]
    lines = '\n'.join(f"| {f} | {int(r['size'])} | {int(r['sum'])} |" for f, r in per_family.iterrows())
    fails = '\n'.join(f"- {r.family}: {r.case} — {r.detail}" for r in failed.itertuples()) or '- none'
    md = f"""Every case runs the installed console scripts in fresh processes on tiny fixtures ({t.seconds:.0f} s in all).

| family | cases tried | held |
|---|---|---|
{lines}
| **all** | **{len(table)}** | **{int(table['held'].sum())}** |

Cases that did not hold:
{fails}
"""
    record('adversarial', 'Reliability: adversarial suite (bad input, kill -9, reruns)', md,
           {'cases': cases, 'tried': len(table), 'held': int(table['held'].sum()), 'seconds': t.seconds})
    if len(failed): sys.exit(1)


if __name__ == '__main__':
    main()
