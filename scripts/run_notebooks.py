"""Execute notebooks in place, top to bottom in a fresh kernel, the way they are committed.

    python scripts/run_notebooks.py notebooks/02_output_delta.ipynb [...]
    make run-notebooks NB="notebooks/02_output_delta.ipynb notebooks/03_backward_recursion.ipynb"

Each notebook runs with its own folder as the working directory, widget state is stored (so that
GitHub and nbviewer show the widgets' pictures), and no run timestamps are kept in cell metadata,
so that re-running an unchanged notebook changes nothing but the widget model ids.
"""

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient


def run(path):
    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, kernel_name="python3", timeout=600, store_widget_state=True,
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    nbformat.write(nb, path)
    print(f"executed {path}")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    for p in sys.argv[1:]:
        run(p)
