"""Draw the figures of docs/03-optimization.md:

    optim_rosenbrock.png     paths of SGD, SGD with momentum, Nesterov, RMSprop and Adam on the
                             Rosenbrock function (1 − x)² + 100(y − x²)², 500 steps each
    optim_lr_schedules.png   the lr of StepLR, CosineAnnealingLR, OneCycleLR and a linear
                             warm-up then cosine (SequentialLR) over 100 steps, read from a
                             mytorch optimizer's param group

    python docs/figures/make_optimization_figures.py
"""
import os

import numpy as np

import mytorch as mt

HERE = os.path.dirname(os.path.abspath(__file__))
START = (-1.5, 2.0)
STEPS = 500
OPTIMIZERS = [
    ("SGD, lr 1e-3", lambda ps: mt.optim.SGD(ps, lr=1e-3)),
    ("SGD momentum 0.9, lr 1e-3", lambda ps: mt.optim.SGD(ps, lr=1e-3, momentum=0.9)),
    ("Nesterov 0.9, lr 1e-3", lambda ps: mt.optim.SGD(ps, lr=1e-3, momentum=0.9, nesterov=True)),
    ("RMSprop, lr 1e-2", lambda ps: mt.optim.RMSprop(ps, lr=1e-2)),
    ("Adam, lr 0.05", lambda ps: mt.optim.Adam(ps, lr=0.05)),
]


def rosenbrock(x, y):
    return (1 - x) ** 2 + 100 * (y - x * x) ** 2


def path(make_optimizer):
    p = mt.tensor(START, dtype=mt.float64, requires_grad=True)
    opt = make_optimizer([p])
    points = [p.detach().numpy().copy()]
    for _ in range(STEPS):
        opt.zero_grad()
        rosenbrock(p[0], p[1]).backward()
        opt.step()
        points.append(p.detach().numpy().copy())
    return np.array(points)


def lr_curves(steps=100, lr=0.1):
    sched = mt.optim.lr_scheduler
    makers = {
        "StepLR(step_size=30, gamma=0.1)": lambda o: sched.StepLR(o, step_size=30, gamma=0.1),
        "CosineAnnealingLR(T_max=100)": lambda o: sched.CosineAnnealingLR(o, T_max=100),
        "OneCycleLR(max_lr=0.1)": lambda o: sched.OneCycleLR(o, max_lr=lr, total_steps=steps),
        "LinearLR warm-up 10, then cosine": lambda o: sched.SequentialLR(
            o, [sched.LinearLR(o, start_factor=0.01, total_iters=10),
                sched.CosineAnnealingLR(o, T_max=steps - 10)], milestones=[10]),
    }
    curves = {}
    for name, make in makers.items():
        p = mt.zeros(1, requires_grad=True)
        opt = mt.optim.SGD([p], lr=lr, momentum=0.9)
        scheduler = make(opt)
        lrs = []
        for _ in range(steps):
            lrs.append(opt.param_groups[0]["lr"])
            opt.step()
            scheduler.step()
        curves[name] = lrs
    return curves


def save(fig, name):
    path_ = os.path.join(HERE, name)
    fig.savefig(path_, dpi=80)
    print(f"wrote {path_} ({os.path.getsize(path_) // 1024} KB)")


def main():
    import matplotlib                  # drawing stays in this script, never in mytorch
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    xs, ys = np.meshgrid(np.linspace(-2, 2, 300), np.linspace(-1, 3, 300))
    fig, ax = plt.subplots(figsize=(6.4, 4.4))
    ax.contour(xs, ys, np.log10(rosenbrock(xs, ys) + 1e-3), levels=20, cmap="Greys",
               linewidths=0.6)
    for name, make in OPTIMIZERS:
        pts = path(make)
        ax.plot(pts[:, 0], pts[:, 1], lw=1.4,
                label=f"{name}: f = {rosenbrock(*pts[-1]):.2g}")
    ax.plot(*START, "ko", ms=5)
    ax.plot(1, 1, "k*", ms=12)
    ax.set_xlim(-2, 2)
    ax.set_ylim(-1, 3)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title(f"Rosenbrock, {STEPS} steps from {START}; minimum at (1, 1)", fontsize=10)
    ax.legend(fontsize=7.5, loc="upper right")
    fig.tight_layout()
    save(fig, "optim_rosenbrock.png")
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(6.4, 3.2))
    for name, lrs in lr_curves().items():
        ax.plot(lrs, lw=1.8, label=name)
    ax.set_xlabel("scheduler step")
    ax.set_ylabel("lr")
    ax.set_title("mytorch.optim.lr_scheduler, base lr 0.1", fontsize=10)
    ax.legend(fontsize=8)
    fig.tight_layout()
    save(fig, "optim_lr_schedules.png")
    plt.close(fig)


if __name__ == "__main__":
    main()
