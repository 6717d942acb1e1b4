"""Pictures: the autograd graph, training curves and image grids.

    draw_graph(*tensors, params=None, show_saved=False)   the graph behind `tensors` as a
                              `graphviz.Digraph`: `.source` is DOT text (no program needed);
                              `render(graph, "graph.svg")` draws it with Graphviz's `dot`
    plot_curves(history, path=None, ...)                  named series (loss, accuracy, ...)
                              per epoch, as a matplotlib Figure, saved as PNG when `path` is given
    image_grid(images, nrow=8, path=None, ...)            a batch of (N, H, W) or (N, C, H, W)
                              images side by side

graphviz and matplotlib are optional: each is imported inside the function that needs it, so
`import mytorch` never loads them, and a missing one is named with the command that installs it.
"""
from .graph import draw_graph, render
from .plots import plot_curves, image_grid

__all__ = ["draw_graph", "render", "plot_curves", "image_grid"]
