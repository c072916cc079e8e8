"""The package's layout keeps one idea per room (issue 10), checked over every module of backprop_lab/:

- no file over 600 lines and no class over 250 lines;
- no module imports another module's underscore names (helpers that another module uses have a
  public name, in an internal module such as ``_checks`` where they are not for users);
- outside activations.py and losses.py, no code branches on an activation's or a loss's name:
  what the code needs to know about an activation or a loss is an attribute of that object.
"""

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "backprop_lab"
MODULES = sorted(PACKAGE.rglob("*.py"))
NAMES = ("identity|sigmoid|tanh|relu|leaky_relu|softplus|softmax|mse|squared_error|"
         "binary_cross_entropy|cross_entropy")
NAME_BRANCH = re.compile(rf"""\.name\s*(==|!=|\bin\b)|(==|!=)\s*["']({NAMES})["']|"""
                         rf"""\bin\s*[\(\[\{{]\s*["']({NAMES})["']""")


def rel(path):
    return path.relative_to(PACKAGE.parent).as_posix()


def test_the_walk_sees_every_room():
    rooms = {rel(p) for p in MODULES}
    for expected in ("backprop_lab/network.py", "backprop_lab/exercises/engine.py",
                     "backprop_lab/stepper/model.py", "backprop_lab/widgets/stepper.py",
                     "backprop_lab/derivation/loops.py"):
        assert expected in rooms


@pytest.mark.parametrize("path", MODULES, ids=rel)
def test_no_file_over_600_lines_and_no_class_over_250(path):
    text = path.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 600, f"{rel(path)} has {len(text.splitlines())} lines"
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.ClassDef):
            length = node.end_lineno - node.lineno + 1
            assert length <= 250, f"class {node.name} in {rel(path)} has {length} lines"


@pytest.mark.parametrize("path", MODULES, ids=rel)
def test_no_module_imports_another_modules_underscore_names(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    bound = set()  # local names bound to modules of the package by `from . import x [as y]`
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level > 0:
            private = [a.name for a in node.names if a.name.startswith("_")]
            assert not private, f"{rel(path)} imports {private} from {'.' * node.level}{node.module or ''}"
            if node.module is None:
                bound |= {a.asname or a.name for a in node.names}
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("backprop_lab"):
            private = [a.name for a in node.names if a.name.startswith("_")]
            assert not private, f"{rel(path)} imports {private} from {node.module}"
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in bound:
            assert not node.attr.startswith("_"), f"{rel(path)} uses {node.value.id}.{node.attr}"


@pytest.mark.parametrize("path", [p for p in MODULES if p.name not in ("activations.py", "losses.py")
                                  or p.parent != PACKAGE], ids=rel)
def test_nothing_outside_activations_and_losses_branches_on_a_name(path):
    hits = [f"{rel(path)}:{i}: {line.strip()}"
            for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
            if NAME_BRANCH.search(line.split("#")[0])]
    assert not hits, hits


def test_the_name_branch_pattern_catches_the_forms_it_must():
    caught = ['if g.name == "sigmoid":', "if loss.name in ('mse', 'x'):", "x = name == 'relu'",
              "if name in ('tanh', 'relu'):"]
    missed = ['g = get_activation("sigmoid")', 'loss="squared_error"', "if g.kink_at_zero:"]
    assert all(NAME_BRANCH.search(s) for s in caught)
    assert not any(NAME_BRANCH.search(s) for s in missed)
