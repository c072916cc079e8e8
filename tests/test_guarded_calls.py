"""Student code cannot hang, break or fool the checks in the notebook (issue 13, formative use).

Each test is one case of the issue: an infinite loop, sys.exit(), a KeyboardInterrupt raised by
the student, 10 MB of print, a student who mutates the activation object or the arrays, one who
reads the reference answers out of the checker's frames, and E4's library shortcut. What the
formative checks cannot stop (patching numpy or the checks in the same kernel) is the business of
summative grading, tests/test_grading.py.
"""

import signal
import subprocess
import sys
import time

import numpy as np
import pytest

import backprop_lab as bl
from backprop_lab import exercises as ex
from backprop_lab.activations import ACTIVATIONS
from backprop_lab.exercises import backward, calling, output_delta


def right_output_delta(a_L, y, z_L, g):
    return (a_L - y) * g.prime(z_L)


def seed_answer(a_L, y, z_L, g):
    return (a_L - y) * g(z_L)


def right_backward(net, fwd, y):
    L, m = net.L, y.shape[0]
    delta = {L: (fwd.a[L] - y) * net.g[L].prime(fwd.z[L])}
    for l in range(L - 1, 0, -1):
        delta[l] = (delta[l + 1] @ net.W[l + 1].T) * net.g[l].prime(fwd.z[l])
    return ({l: fwd.a[l - 1].T @ delta[l] / m for l in range(1, L + 1)},
            {l: delta[l].mean(axis=0) for l in range(1, L + 1)})


# --- hangs -----------------------------------------------------------------------------------

def test_the_default_time_limit_is_a_few_seconds():
    assert 2 <= calling.DEFAULT_TIMEOUT <= 10


@pytest.mark.parametrize("check,n_args", [(ex.check_output_delta, 4), (ex.check_backward, 3)])
def test_an_infinite_loop_times_out_with_feedback_that_says_so(check, n_args):
    def student(*args):
        while True:
            pass

    start = time.monotonic()
    result = check(student, timeout=0.5)
    took = time.monotonic() - start
    assert result.status == "timed_out" and not result.passed
    assert "did not finish within the time limit of 0.5 s" in result.message
    assert "timeout=" in result.message  # how to give a slow function more time
    assert took < 3.0, took


def test_a_loop_that_swallows_exceptions_is_still_stopped():
    def student(*args):
        while True:
            try:
                while True:
                    pass
            except Exception:  # the student's own catch-all does not catch the time limit
                pass

    result = ex.check_output_delta(student, timeout=0.3)
    assert result.status == "timed_out"


def test_the_time_limit_is_for_the_whole_check():
    def slow(a_L, y, z_L, g):
        time.sleep(0.15)
        return (a_L - y) * g.prime(z_L)

    assert ex.check_output_delta(slow, timeout=5).passed  # 5 probes x 0.15 s
    result = ex.check_output_delta(slow, timeout=0.4)
    assert result.status == "timed_out" and "after running on 2 other test cases" in result.message


def test_timeout_must_be_a_positive_number():
    for bad in (0, -1, "5", True):
        with pytest.raises(ValueError, match="timeout must be a positive number"):
            ex.check_output_delta(right_output_delta, timeout=bad)


@pytest.mark.parametrize("raise_it,words", [
    ("sys.exit()", "SystemExit"), ("exit(3)", "SystemExit(3)"), ("raise KeyboardInterrupt", "KeyboardInterrupt")])
def test_sys_exit_and_keyboard_interrupt_from_the_student_become_feedback(raise_it, words):
    namespace = {"sys": sys}
    exec(f"def student(a_L, y, z_L, g):\n    {raise_it}\n", namespace)
    result = ex.check_output_delta(namespace["student"])
    assert result.status == "error" and words in result.message


def test_the_kernel_s_own_interrupt_still_stops_a_check():
    """A real SIGINT (the stop button) reaches the waiting main thread: the check stops at once."""
    code = ("import backprop_lab.exercises as ex\n"
            "def student(*a):\n    while True: pass\n"
            "print('ready', flush=True)\n"
            "ex.check_output_delta(student, timeout=60)\n"
            "print('not interrupted')\n")
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    assert proc.stdout.readline().strip() == "ready"
    time.sleep(0.5)
    start = time.monotonic()
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert time.monotonic() - start < 5
    assert "KeyboardInterrupt" in err and "not interrupted" not in out


# --- output ----------------------------------------------------------------------------------

def test_printing_10_mb_is_captured_and_at_most_a_few_kb_are_shown(capsys):
    def chatty(a_L, y, z_L, g):
        print("x" * 10_000_000)
        print("to stderr", file=sys.stderr)
        return (a_L - y) * g.prime(z_L)

    result = ex.check_output_delta(chatty)
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""
    assert result.passed
    assert len(result.output) <= calling.OUTPUT_LIMIT + 100
    assert result.output.startswith("xxx") and "more characters not shown" in result.output
    assert "What your function printed" in result._repr_html_() and len(repr(result)) < 10_000


def test_a_little_output_is_shown_whole():
    def debug(a_L, y, z_L, g):
        print("shape", a_L.shape)
        return (a_L - y) * g(z_L)

    result = ex.check_output_delta(debug)
    assert result.mistake == "activation_instead_of_derivative"
    assert "shape (3, 2)" in result.output and "not shown" not in result.output


# --- shared state ----------------------------------------------------------------------------

def test_breaking_g_prime_does_not_outlive_the_call():
    tanh = ACTIVATIONS["tanh"]
    before = tanh.prime(np.array([0.3]))

    def breaks_g(a_L, y, z_L, g):
        g.prime = g.prime(z_L)  # the example: g.prime is now an array
        return (a_L - y) * g.prime

    result = ex.check_output_delta(breaks_g)
    assert result.passed  # the numbers are right for this call
    assert callable(tanh.prime) and np.array_equal(tanh.prime(np.array([0.3])), before)
    assert ex.check_output_delta(right_output_delta).passed
    net = bl.Network.random([2, 3, 1], ["tanh", "tanh"], seed=0)
    bl.backward(net, bl.forward(net, np.ones((1, 2))), np.zeros((1, 1)))  # still works


def test_swapping_g_s_derivative_for_its_function_cannot_make_the_seed_answer_pass():
    def swaps(a_L, y, z_L, g):
        g._derivative = g._function  # makes g.prime return g(z) on this copy only
        return (a_L - y) * g(z_L)

    result = ex.check_output_delta(swaps)
    assert result.mistake == "activation_instead_of_derivative"
    z = np.array([0.5])
    assert np.allclose(ACTIVATIONS["tanh"].prime(z), 1 - np.tanh(z) ** 2)


def test_changing_the_arguments_in_place_changes_nothing_for_the_next_call():
    def scribbles(a_L, y, z_L, g):
        out = (a_L - y) * g.prime(z_L)
        a_L[...] = 0
        y[...] = 1e6
        z_L += 5
        return out

    assert ex.check_output_delta(scribbles).passed
    assert ex.check_output_delta(right_output_delta).passed

    def breaks_net(net, fwd, y):
        dW, db = right_backward(net, fwd, y)
        net.W[1][...] = 0
        net.g[1].prime = None
        return dW, db

    assert ex.check_backward(breaks_net).passed
    assert ex.check_backward(right_backward).passed


# --- reading the answers ---------------------------------------------------------------------

def test_no_reference_answer_is_reachable_while_the_student_s_function_runs():
    """The references are computed after the student's calls, from freshly made probes: a student
    function that searches every frame of every thread, and the check's own state, finds none."""
    def snoop(a_L, y, z_L, g):
        found = []
        for frame in list(sys._current_frames().values()):
            while frame is not None:
                found += [v for v in frame.f_locals.values() if isinstance(v, calling.Outcome) and v.ok]
                frame = frame.f_back
        running = output_delta.EXERCISE.running
        found += [o for outs in running["outcomes"].values() for o in outs]
        right = (a_L - y) * ACTIVATIONS[g.name].prime(z_L)  # the test knows it; the student must not find it
        snoop.found += [o for o in found if o.value["value"].shape == right.shape
                        and np.allclose(o.value["value"], right)]
        return snoop.found[0].value["value"] if snoop.found else np.zeros_like(a_L)

    snoop.found = []
    result = ex.check_output_delta(snoop)
    assert not result.passed and snoop.found == []


def test_the_references_do_not_come_from_the_candidates_cache_between_checks():
    assert output_delta.EXERCISE.running is None  # nothing kept between checks


# --- E4: the library shortcut ----------------------------------------------------------------

SHORTCUTS = {
    "bl.backward": lambda net, fwd, y: bl.backward(net, fwd, y, loss="mse"),
    "network.backward": lambda net, fwd, y: __import__("backprop_lab.network").network.backward(net, fwd, y),
    "numerical_gradients": lambda net, fwd, y: (lambda n: (n["dW"], n["db"]))(
        bl.numerical_gradients(net, fwd.a[0], y, "mse")),
    "gradient_check": lambda net, fwd, y: bl.gradient_check(net, fwd.a[0], y),
    "train": lambda net, fwd, y: _gradients_from_one_training_step(net, fwd, y),
    "backward_loops": lambda net, fwd, y: __import__("backprop_lab.derivation").derivation.backward_loops(
        net, fwd, y),
}


@pytest.mark.parametrize("name", sorted(SHORTCUTS))
def test_e4_refuses_the_library_shortcut_and_says_why(name):
    result = ex.check_backward(SHORTCUTS[name])
    assert result.status == "refused" and not result.passed
    assert "is not available while your backward pass is checked" in result.message
    assert "compute the gradients yourself" in result.message
    numeric = ex.check_backward_numerically(SHORTCUTS[name], *_small_problem())
    assert numeric.status == "refused"


def _gradients_from_one_training_step(net, fwd, y):
    before = [W.copy() for W in net.W], [b.copy() for b in net.b]
    bl.train(net, fwd.a[0], y, lr=1.0, epochs=1)  # W <- W - dW: the gradient is the step
    return ([W0 - W for W0, W in zip(before[0], net.W)], [b0 - b for b0, b in zip(before[1], net.b)])


def _small_problem():
    net = bl.Network.random([2, 3, 2], ["tanh", "sigmoid"], seed=1)
    return net, np.random.default_rng(2).normal(size=(4, 2)), np.random.default_rng(3).uniform(size=(4, 2))


def test_e4_refuses_a_shortcut_imported_under_another_name():
    namespace = {}
    exec("from backprop_lab.network import backward as bw\n"
         "def student(net, fwd, y):\n"
         "    bwd = bw(net, fwd, y)\n"
         "    return bwd.dW, bwd.db\n", namespace)
    assert ex.check_backward(namespace["student"]).status == "refused"
    assert namespace["bw"] is backward_module_function()  # put back afterwards


def test_the_library_is_whole_again_after_the_check():
    ex.check_backward(SHORTCUTS["bl.backward"])
    net, x, y = _small_problem()
    assert bl.gradient_check(net, x, y).passed
    assert bl.backward is backward_module_function()
    assert ex.check_backward_numerically(right_backward, net, x, y).passed


def backward_module_function():
    from backprop_lab import network
    return network.backward


# --- the feedback card ------------------------------------------------------------------------

def test_a_dict_answer_is_not_reported_as_raising():
    result = ex.check_output_delta(lambda a_L, y, z_L, g: {"delta": a_L - y})
    assert result.status == "error" and "raised" not in result.headline
    assert "returned something that is not an answer" in result.headline and "dict" in result.message


def test_the_card_leads_with_the_hint_and_names_the_mistake_in_words():
    result = ex.check_output_delta(seed_answer)
    page = result._repr_html_()
    name = "g(z) instead of g&#x27;(z)"
    h4 = page.index("<h4")
    assert h4 < page.index(name, h4) < page.index("<strong>Hint:</strong>") < page.index("equals")
    assert "<small" in page and "activation_instead_of_derivative</code>" in page  # the id, small
    assert "test case(s)" not in page and "«" not in page and "test cases" in page
    assert "<ul>" in page and "<li>" in page and "<details>" in page and "<code>" in page
    assert "Show the solution" in page  # the equation only behind an explicit fold
    assert "✘" in page and "Not yet" in page  # pass/fail in symbols and words, not colour alone


def test_a_passed_card_shows_the_equation_and_no_revisit():
    result = ex.check_output_delta(right_output_delta)
    page = result._repr_html_()
    assert '<span aria-hidden="true">✔</span> Passed' in page and "Revisit" not in page and "Reread" not in page
    assert "The equation:" in page and "white-space: nowrap" in page
    assert "Revisit" not in result.message and "Equation: δ_j^(L)" in result.message


def test_the_stub_s_card_gives_nothing_away():
    def stub(*args):
        raise NotImplementedError()

    for check in (ex.check_output_delta, ex.check_bias_gradient, ex.check_backward):
        result = check(stub)
        page = result._repr_html_()
        assert result.status == "not_implemented"
        assert result.equation not in page and "Equation" not in result.message
        assert "mean(axis=0)" not in page and "Show the solution" not in page


def test_the_bias_feedback_holds_no_code_of_the_answer():
    result = ex.check_bias_gradient(lambda d: d.sum(axis=0))
    assert "mean(axis=0)" not in repr(result) and "mean(axis=0)" not in result._repr_html_()


def test_the_two_mistakes_that_had_no_name():
    bias = ex.check_bias_gradient(lambda delta: delta.sum(0) / delta.shape[1])
    assert bias.mistake == "wrong_axis"
    hidden = ex.check_hidden_delta(lambda d, W, z, g: (d @ W) * g(z))
    assert hidden.mistake == "missing_transpose"
    assert "activation_instead_of_derivative" in hidden.message  # the second mistake is named too
