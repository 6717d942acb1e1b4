"""`graphviz.Digraph` whose `render` and `pipe` say how to install Graphviz when its `dot`
program is missing (graphviz alone says only that the executable was not found). Imported
by `draw_graph` when it runs, never by `import mytorch`."""
import shutil

import graphviz

from .graph import MISSING_DOT


class Digraph(graphviz.Digraph):
    def render(self, *args, **kwargs):
        _check_engine(kwargs.get("engine") or self.engine)
        return super().render(*args, **kwargs)

    def pipe(self, *args, **kwargs):
        _check_engine(kwargs.get("engine") or self.engine)
        return super().pipe(*args, **kwargs)


def _check_engine(engine):
    if shutil.which(engine) is None:
        raise RuntimeError(MISSING_DOT)
