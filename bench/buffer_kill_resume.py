"""Reliability: `gd_buffers` killed with SIGKILL mid-expert, rerun until done, equals an uninterrupted run.

A small dataset folder is written; `gd_buffers` runs in a subprocess and is killed (`kill -9`) ~50 ms after expert i's
partial checkpoint reached 1 + 2i epochs — in the middle of an expert, possibly in the middle of a write — `--kills`
times; then the same command is rerun to completion. A second folder gets the same
command without interruption. We check that every expert file is complete and loadable (`TrajectoryBuffer(...).verify()`
re-hashes every trajectory against its sidecar), that no partial or temporary file is left, and that trajectories and
sidecar histories equal the uninterrupted run's.
"""
import os, signal, subprocess, sys, tempfile, time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _common import BIN, leftovers, parser, quiet_env, record, Timer

import torch
from galaxy_distill.buffers import TrajectoryBuffer
from galaxy_distill.core import load_json
from galaxy_distill.data import save_dataset
from galaxy_distill.test_utils import tiny_dataset

GD_BUFFERS = str(BIN/'gd_buffers')


def command(data, out, a):
    return [GD_BUFFERS, '--data', str(data), '--out', str(out), '--experts', str(a.experts), '--epochs', str(a.epochs),
            '--depth', '2', '--width', str(a.width), '--batch_size', '32', '--momentum', '0.5', '--seed', '3']


def kill_after(cmd, out: Path, expert: int, epochs: int, timeout: float = 300):
    "Start `cmd`, SIGKILL it once expert `expert`'s partial checkpoint holds `epochs` epochs; False if it finished first."
    partial = out/f'expert_{expert:04d}.partial'
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=quiet_env())
    t0 = time.time()
    while proc.poll() is None and time.time() - t0 < timeout:
        if len(list(partial.glob('epoch_*.safetensors'))) >= epochs:
            time.sleep(0.05)   # land somewhere inside the next epoch (or its write)
            os.kill(proc.pid, signal.SIGKILL); proc.wait()
            return True
        time.sleep(0.01)
    proc.wait()
    return False


def main():
    ap = parser(__doc__, epochs=5, width=16, kills=3)
    ap.add_argument('--experts', type=int, default=3)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        d = Path(d)
        save_dataset(tiny_dataset(n_classes=3, per_class=40, test_per_class=10, size=16), d/'data')
        killed_out, clean_out = d/'killed', d/'clean'
        states = []
        with Timer() as t_killed:
            for i in range(a.kills):
                was_killed = kill_after(command(d/'data', killed_out, a), killed_out, expert=i % a.experts,
                                        epochs=1 + (2 * i) % a.epochs)
                states.append({'killed': was_killed,
                               'complete_experts': sorted(p.stem for p in killed_out.glob('expert_*.json')),
                               'partial_epochs': {p.name: len(list(p.glob('epoch_*.safetensors')))
                                                  for p in killed_out.glob('expert_*.partial')},
                               'temp_files': len(list(killed_out.rglob('*.tmp')))})
            final = subprocess.run(command(d/'data', killed_out, a), capture_output=True, text=True, env=quiet_env())
        assert final.returncode == 0, final.stderr[-2000:]
        with Timer() as t_clean:
            clean = subprocess.run(command(d/'data', clean_out, a), capture_output=True, text=True, env=quiet_env())
        assert clean.returncode == 0, clean.stderr[-2000:]
        kb, cb = TrajectoryBuffer(killed_out).verify(), TrajectoryBuffer(clean_out).verify()
        left = leftovers(killed_out)
        equal = [bool(torch.equal(kb.trajectory(e), cb.trajectory(e))) for e in range(cb.n_experts)]
        max_diff = [float((kb.trajectory(e) - cb.trajectory(e)).abs().max()) for e in range(cb.n_experts)]
        same_history = [kb.sidecars[e]['history'] == cb.sidecars[e]['history'] for e in range(cb.n_experts)]
        summary = load_json(killed_out/'summary.json')
    kills = sum(s['killed'] for s in states)
    ok = kb.n_experts == a.experts and all(equal) and all(same_history) and not left
    data = {'experts': a.experts, 'epochs': a.epochs, 'kills': kills, 'states_after_kills': states,
            'complete_and_verified': kb.n_experts, 'leftover_files': left, 'trajectories_equal': equal,
            'max_abs_diff': max_diff, 'histories_equal': same_history, 'summary': summary,
            'seconds_with_kills': t_killed.seconds, 'seconds_uninterrupted': t_clean.seconds, 'passed': ok}
    rows = '\n'.join(f"| {i + 1} | {'yes' if s['killed'] else 'no (finished first)'} | {', '.join(s['complete_experts']) or '–'} | "
                     f"{', '.join(f'{k}: {v}' for k, v in s['partial_epochs'].items()) or '–'} | {s['temp_files']} |"
                     for i, s in enumerate(states))
    md = f"""`gd_buffers` ({a.experts} experts × {a.epochs} epochs, ConvNet-2 width {a.width}, 16², momentum 0.5) killed with SIGKILL
{kills} times mid-expert, then rerun to completion; compared with the same command run once without interruption.

| kill | killed | complete experts after it | partial checkpoints (epoch files) | temp files left |
|---|---|---|---|---|
{rows}

After the final rerun: {kb.n_experts}/{a.experts} experts complete and verified (each trajectory re-hashed against its
sidecar); partial/temporary files left: {len(left)}; trajectories bit-identical to the uninterrupted run:
{sum(equal)}/{len(equal)} (max |Δ| {max(max_diff):.2g}); sidecar histories identical: {sum(same_history)}/{len(same_history)}.
Wall time with kills {t_killed.seconds:.1f} s vs uninterrupted {t_clean.seconds:.1f} s (each start pays Python/torch start-up).
**{'PASSED' if ok else 'FAILED'}**
"""
    record('buffer_kill_resume', 'Trajectory buffer: kill -9 and resume', md, data)
    if not ok: sys.exit(1)


if __name__ == '__main__':
    main()
