"""The ConvNet's 2×2 average pooling: `AvgPool2` (strided adds) against PyTorch's `nn.AvgPool2d(2, 2)` kernel.

Side by side in one process, interleaved: (1) one training step of an evaluation network (augmentation, forward,
backward, SGD) at 32² and 64²; (2) one STM distillation iteration (10 student steps, the unroll differentiated) at
32² and 64²; (3) optionally, with --data and --syn, the evaluation protocol end to end on a distilled set
(`evaluate_synset`, --num_eval networks × --epochs, the step-size grid included). Every part also checks that the two
poolings give the same bits: parameters after the training steps, synthetic images after the iterations, and the
accuracies of the protocol.

    python bench/pool_speed.py                                        # parts 1 and 2
    python bench/pool_speed.py --data RUN/data --syn RUN/distill --epochs 300 --num_eval 2
"""
import contextlib, json, os, statistics, sys, time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _common import parser, record, torch_threads  # noqa: E402


@contextlib.contextmanager
def native_pool(native: bool):
    "Build ConvNets with PyTorch's `nn.AvgPool2d(2, 2)` inside the block when `native` (the baseline)."
    import torch.nn as nn
    import galaxy_distill.models as M
    saved = M._POOLS['avg']
    if native: M._POOLS['avg'] = lambda: nn.AvgPool2d(2, 2)
    try: yield
    finally: M._POOLS['avg'] = saved


def net(size, native, seed=0):
    "The evaluation ConvNet of that scale: ConvNet-3 at 32², ConvNet-4 at 64², width 32, 3 bands, 9 classes."
    from galaxy_distill.models import create_model
    with native_pool(native):
        return create_model('convnet', channels=3, num_classes=9, image_size=size, depth=3 if size <= 32 else 4, width=32, seed=seed)


def train_steps(size, n_images, steps, repeats):
    "Median seconds of one SGD step (galaxy augmentation, forward, backward, update), each pooling; same bits after `steps`."
    import torch, torch.nn.functional as F
    from galaxy_distill.augment import Augment
    from galaxy_distill.models import flat_params
    x = torch.randn(n_images, 3, size, size, generator=torch.Generator().manual_seed(1))
    y = torch.arange(n_images) % 9
    aug = Augment.galaxy()
    state = {}
    for native in (True, False):
        m = net(size, native)
        state[native] = (m, torch.optim.SGD(m.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4),
                         torch.Generator().manual_seed(2))
    times = {True: [], False: []}
    for r in range(repeats):
        for native in (True, False):
            m, opt, g = state[native]
            t0 = time.perf_counter()
            for _ in range(steps):
                loss = F.cross_entropy(m(aug(x, generator=g)), y)
                opt.zero_grad(set_to_none=True); loss.backward(); opt.step()
            times[native].append((time.perf_counter() - t0) / steps)
    same = torch.equal(flat_params(state[True][0]), flat_params(state[False][0]))
    return {'native': statistics.median(times[True]), 'fast': statistics.median(times[False]), 'same_bits': same}


def distill_iterations(size, iters, repeats):
    "Median seconds of one STM iteration (10 student steps) with each pooling; same synthetic images after all of them."
    import torch
    from torch.nn.utils import parameters_to_vector
    from galaxy_distill.buffers import MemoryBuffer
    from galaxy_distill.data import SynSet
    from galaxy_distill.distill import Distiller
    from galaxy_distill.matching import flat_model
    from galaxy_distill.settings import make_config
    dists = {}
    for native in (True, False):
        m = net(size, native)
        theta = parameters_to_vector(m.parameters()).detach()
        trajs = [torch.cat([theta[None], theta[None] + (torch.randn(12, theta.numel(), generator=torch.Generator().manual_seed(e))
                                                         * 1e-2).cumsum(0)]) for e in range(2)]
        cfg, _ = make_config(method='stm', ipc=1, syn_steps=10, expert_epochs=1, max_start_epoch=10, initial_cap=2,
                             iterations=repeats * iters + 2, eval_every=0, checkpoint_every=0)
        init = SynSet(torch.randn(9, 3, size, size, generator=torch.Generator().manual_seed(1)), torch.arange(9), 0.01,
                      [f'c{k}' for k in range(9)], torch.zeros(3), torch.ones(3))
        dists[native] = Distiller(cfg, MemoryBuffer(trajs), flat_model(m), init, show=False)
        dists[native].step()   # warm-up
    times = {True: [], False: []}
    for _ in range(repeats):
        for native in (True, False):
            t0 = time.perf_counter()
            for _ in range(iters): dists[native].step()
            times[native].append((time.perf_counter() - t0) / iters)
    same = torch.equal(dists[True].images.detach(), dists[False].images.detach())
    return {'native': statistics.median(times[True]), 'fast': statistics.median(times[False]), 'same_bits': same}


def protocol(data, syn, num_eval, epochs):
    "`evaluate_synset` on the test split with each pooling: seconds and accuracies."
    from galaxy_distill.data import load_dataset, SynSet
    from galaxy_distill.evaluate import EvalConfig, evaluate_synset, find_synset
    ds, s = load_dataset(data), SynSet.load(find_synset(syn))
    out = {}
    for native in (True, False):
        with native_pool(native):
            t0 = time.perf_counter()
            res = evaluate_synset(s, ds, num_eval=num_eval, epochs=epochs, config=EvalConfig(workers=1), device='cpu',
                                  show_progress=False)
            out['native' if native else 'fast'] = {'seconds': time.perf_counter() - t0, 'accs': [float(a) for a in res.accs],
                                                   'lr': res.lr}
    out['same_bits'] = out['native']['accs'] == out['fast']['accs'] and out['native']['lr'] == out['fast']['lr']
    return out


def main():
    p = parser(__doc__, threads=1, repeats=(5, 'timed rounds, the two poolings alternating (the median is reported)'),
               data=(None, 'dataset folder for the end-to-end protocol (optional)'), epochs=300, num_eval=2)
    p.add_argument('--syn', help='distilled run folder or synset file for the end-to-end protocol (with --data)')
    a = p.parse_args()
    threads = torch_threads(a.threads)
    load_before = os.getloadavg()[0]
    rows = []
    for size in (32, 64):
        r = train_steps(size, 9, 20, a.repeats)
        rows.append({'part': 'evaluation network, one SGD step on 9 images', 'size': size, **r})
        print(json.dumps(rows[-1]), flush=True)
    for size in (32, 64):
        r = distill_iterations(size, 2, a.repeats)
        rows.append({'part': 'STM iteration, 10 student steps', 'size': size, **r})
        print(json.dumps(rows[-1]), flush=True)
    lines = ['| stage | size | nn.AvgPool2d (s) | AvgPool2 (s) | speed-up | same bits |', '|---|---|---|---|---|---|']
    for r in rows:
        lines.append(f"| {r['part']} | {r['size']}² | {r['native']:.4f} | {r['fast']:.4f} | ×{r['native'] / r['fast']:.2f} | "
                     f"{'yes' if r['same_bits'] else '**no**'} |")
    end = None
    if a.data and a.syn:
        end = protocol(a.data, a.syn, a.num_eval, a.epochs)
        n, f = end['native'], end['fast']
        lines.append(f"| `evaluate_synset`, {a.num_eval} networks × {a.epochs} epochs + the step-size grid, on `{a.syn}` | "
                     f"– | {n['seconds']:.1f} | {f['seconds']:.1f} | ×{n['seconds'] / f['seconds']:.2f} | "
                     f"{'yes' if end['same_bits'] else '**no**'} (accuracies {', '.join(f'{x:.3f}' for x in f['accs'])}) |")
        print(json.dumps(end), flush=True)
    md = '\n'.join(lines) + f"""

ConvNet-3 at 32², ConvNet-4 at 64² (width 32, instance norm, 3 bands, 9 classes); evaluation step: the galaxy
augmentation, forward, cross-entropy, backward, SGD with momentum (median of {a.repeats} rounds of 20 steps); STM
iteration: random-walk experts, IPC 1, 10 student steps (median of {a.repeats} rounds of 2 iterations). The two poolings
alternate round by round in one process, {threads} torch thread(s); load average {load_before:.1f} before /
{os.getloadavg()[0]:.1f} after on {os.cpu_count()} cores. "Same bits": the trained parameters, the distilled images and
the protocol's accuracies are equal with either pooling, so no published number moves.
"""
    record('pool_speed', "The ConvNet's 2×2 average pooling: strided adds against PyTorch's kernel", md,
           {'rows': rows, 'protocol': end, 'threads': threads})


if __name__ == '__main__':
    main()
