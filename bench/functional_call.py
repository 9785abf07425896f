"""FlatModel (torch.func.functional_call on a flat parameter vector) vs the module's own forward/backward.

The matching loop evaluates the student as `FlatModel(net)(theta, x)` with `theta` one flat vector; this
measures what that costs against calling the `nn.Module` directly, forward + backward (gradients w.r.t. the
parameters and the input), on ConvNet-3 (width 128, instance norm). Runs alternate and medians are reported.

    python bench/functional_call.py                      # 3×32×32, batch 64
    python bench/functional_call.py --size 64 --batch 50 --repeats 20
"""
import statistics, sys, time
from pathlib import Path
sys.path.insert(0, str(Path(__file__).parent))
from _common import default_device, parser, record, peak_rss_mb

import torch
import torch.nn.functional as F
from galaxy_distill.models import FlatModel, create_model, flat_params, count_params


def main():
    p = parser(__doc__, size=32, width=128, depth=3, repeats=10, device=default_device())
    p.add_argument('--batch', type=int, default=64)
    args = p.parse_args()
    dev = torch.device(args.device)
    net = create_model('convnet', 3, 10, args.size, seed=0, depth=args.depth, width=args.width).to(dev)
    fm = FlatModel(net)                   # functional fast path (buffer-free ConvNet)
    fc = FlatModel(net, fast=False)       # torch.func.functional_call
    theta = flat_params(net).to(dev).requires_grad_()
    g = torch.Generator().manual_seed(0)
    x = torch.randn(args.batch, 3, args.size, args.size, generator=g).to(dev).requires_grad_()
    y = torch.randint(0, 10, (args.batch,), generator=g).to(dev)

    def module_step():
        net.zero_grad(set_to_none=True); x.grad = None
        F.cross_entropy(net(x), y).backward()

    def flat_step():
        theta.grad = None; x.grad = None
        F.cross_entropy(fm(theta, x), y).backward()

    def call_step():
        theta.grad = None; x.grad = None
        F.cross_entropy(fc(theta, x), y).backward()

    def flat_small():  # call overhead: a 1-image batch
        with torch.no_grad(): fm(theta, x[:1])

    def call_small():
        with torch.no_grad(): fc(theta, x[:1])

    def module_forward_small():
        with torch.no_grad(): net(x[:1])

    def timed(fn):
        if dev.type == 'cuda': torch.cuda.synchronize()
        start = time.perf_counter(); fn()
        if dev.type == 'cuda': torch.cuda.synchronize()
        return time.perf_counter() - start

    # exactness first: same loss gradient
    module_step(); ref = torch.cat([q.grad.flatten() for q in net.parameters()])
    flat_step(); err = (theta.grad - ref).abs().max().item()
    call_step(); err = max(err, (theta.grad - ref).abs().max().item())
    results = {}
    for label, a, b, c in [('forward+backward', module_step, flat_step, call_step),
                           ('1-image forward (call overhead)', module_forward_small, flat_small, call_small)]:
        a(); b(); c()
        ta, tb, tc = [], [], []
        for _ in range(args.repeats): ta.append(timed(a)); tb.append(timed(b)); tc.append(timed(c))
        ma, mb, mc = statistics.median(ta), statistics.median(tb), statistics.median(tc)
        results[label] = {'module_ms': ma * 1e3, 'flat_ms': mb * 1e3, 'functional_call_ms': mc * 1e3,
                          'ratio_flat_over_module': mb / ma, 'ratio_functional_call_over_module': mc / ma}
        print(label, results[label], flush=True)
    rows = '\n'.join(f"| {k} | {v['module_ms']:.2f} | {v['flat_ms']:.2f} ({v['ratio_flat_over_module']:.3f}) | "
                     f"{v['functional_call_ms']:.2f} ({v['ratio_functional_call_over_module']:.3f}) |"
                     for k, v in results.items())
    md = (f"ConvNet-{args.depth} (width {args.width}, instance norm, P = {count_params(net):,}), 3×{args.size}×{args.size}, "
          f"batch {args.batch}, device `{args.device}`; median of {args.repeats} alternating runs. "
          f"Max |gradient difference| = {err:.2e}.\n\n"
          "| measurement | module (ms) | FlatModel, fast path (ms, ratio to module) | FlatModel, functional_call "
          "(ms, ratio) |\n|---|---|---|---|\n" + rows +
          "\n\nA ratio near 1 means running the network on a flat vector costs nothing extra. `functional_call` swaps "
          "parameters in and out of the module on every call (visible in the 1-image row); the fast path, used for "
          "buffer-free ConvNets, calls `torch.nn.functional` directly on views of the vector.")
    record('functional_call', 'FlatModel (functional_call on a flat vector) vs module', md,
           {**results, 'max_grad_diff': err, 'params': count_params(net), 'args': vars(args), 'peak_rss_mb': peak_rss_mb()})


if __name__ == '__main__':
    main()
