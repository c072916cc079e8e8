"""E5, spot the mistake: multiple-choice questions about the student's answer that comes with the
exercise. The bank (:data:`QUESTIONS`) is data: each question is its prompt, the student's line
(LaTeX), and its options, each with an explanation that the check shows after the student answers.

The key of each question is stored as a digest (:func:`key_digest`), not as letters, so that it is
not printed by ``QUESTIONS["E5.1"]``. This keeps an honest student from reading the answer by
accident; it does not protect against a determined one. To write a new question's key:
``key_digest("E5.8", "BD")``.
"""

from __future__ import annotations

from itertools import combinations

from ..mistakes import CATALOGUE
from ..references import section
from .calling import BadReturn, call, describe_exception, stub_text
from .feedback import CheckResult

__all__ = ["Option", "Question", "QUESTIONS", "question", "check_answer", "key_digest"]


def key_digest(qid, letters):
    """The stored form of a question's key: a digest of its id and its sorted letters."""
    import hashlib  # here, not at the top: it loads OpenSSL (3 ms), and only answers need it

    return hashlib.sha256(f"backprop-lab {qid}: {''.join(sorted(letters))}".encode()).hexdigest()[:16]


class Option:
    """One option: its text (Markdown with LaTeX), why it is right or wrong (plain text), and
    the catalogued mistake that choosing it shows, if any."""

    __slots__ = ("text", "explanation", "mistake")

    def __init__(self, text, explanation, mistake=None):
        if mistake is not None and mistake not in CATALOGUE:
            raise ValueError(f"unknown mistake id {mistake!r}")
        self.text = text
        self.explanation = explanation
        self.mistake = mistake

    def __repr__(self):
        return f"Option({self.text!r}, {self.explanation!r}, {self.mistake!r})"


class Question:
    """A question about the student's answer, with an explanation for every option.

    ``excerpt`` is the student's line (LaTeX), ``options`` maps a letter to an :class:`Option`,
    ``multiple`` says whether every option that applies is to be chosen (else exactly one),
    ``section`` is the key (:mod:`backprop_lab.references`) of the section to reread, ``mistake``
    the catalogued mistake that the student's line makes. Displays as Markdown in Jupyter.
    """

    def __init__(self, qid, prompt, excerpt, options, key, section, mistake=None, multiple=False):
        self.qid = qid
        self.prompt = prompt
        self.excerpt = excerpt
        self.options = options
        self.multiple = multiple
        self.section = section
        self.mistake = mistake
        self._key = key

    def _letters(self):
        """The key's letters, found from its digest (at most 2^7 digests: microseconds)."""
        sizes = range(1, len(self.options) + 1) if self.multiple else (1,)
        for n in sizes:
            for letters in combinations(sorted(self.options), n):
                if key_digest(self.qid, letters) == self._key:
                    return frozenset(letters)
        raise RuntimeError(f"{self.qid}: no choice of options matches its key")

    def _repr_markdown_(self):
        how = ("Return a set of letters: every option that applies, e.g. `{\"A\", \"C\"}`."
               if self.multiple else "Return one letter, e.g. `\"A\"`.")
        lines = [f"**{self.qid}.** {self.prompt}", "", f"$${self.excerpt}$$", ""]
        lines += [f"- **{letter}.** {o.text}" for letter, o in self.options.items()]
        return "\n".join(lines + ["", how])

    def __repr__(self):
        lines = [f"{self.qid}. {self.prompt}", f"    {self.excerpt}"]
        lines += [f"  {letter}. {o.text}" for letter, o in self.options.items()]
        return "\n".join(lines)


_SOFTMAX = section("softmax")

QUESTIONS = {q.qid: q for q in [
    Question(
        "E5.1",
        "For the output layer the student's answer writes the line below. What is wrong with it?",
        r"a_{j}^{(L)} = g_{L}(z_{j}^{(L)}) = \frac{\partial a_{j}^{(L)}}{\partial z_{j}^{(L)}} = g_{L}(z_{j}^{(L)})",
        {
            "A": Option("Nothing: for an activation function, $\\partial a_j/\\partial z_j$ is "
                        "$g_L(z_j^{(L)})$, the value of $g_L$ itself.",
                        "Only the exponential is its own derivative. For the sigmoid, g'(z) = "
                        "g(z)(1 − g(z)); for tanh, 1 − g(z)²: neither equals g(z).",
                        "activation_instead_of_derivative"),
            "B": Option("The 2nd and 3rd $=$: $\\partial a_j/\\partial z_j$ is $g_L'(z_j^{(L)})$, "
                        "which is neither $a_j^{(L)}$ nor $g_L(z_j^{(L)})$.",
                        "a_j = g_L(z_j) is the definition of a_j, so the first = is true. The next "
                        "two equate a_j and g_L(z_j) with the derivative ∂a_j/∂z_j = g_L'(z_j), a "
                        "different function of z_j."),
            "C": Option("The 1st $=$: $a_j^{(L)}$ is the derivative $g_L'(z_j^{(L)})$, not the "
                        "value $g_L(z_j^{(L)})$; the rest of the line is right.",
                        "The first = is the definition of a_j, a_j = g_L(z_j), and it is true. The "
                        "error is in the 2nd and 3rd =, which equate a_j and g_L(z_j) with the "
                        "derivative ∂a_j/∂z_j."),
            "D": Option("Only the 3rd $=$: the derivative is evaluated at the output $a_j$, so it "
                        "should be $g_L'(a_j^{(L)})$.",
                        "g' is evaluated at z, the argument of g: ∂a_j/∂z_j = g_L'(z_j). a(1 − a) "
                        "for the sigmoid is g'(z) written with a, not g'(a). And the 2nd = would "
                        "still equate a_j with a derivative.",
                        "derivative_at_activation"),
        },
        "e6ce4018b504ca60", "activation_instead_of_derivative", "activation_instead_of_derivative"),
    Question(
        "E5.2",
        "The student's answer starts part (a) with this line. What is wrong with it?",
        r"\delta_{j}^{(L)} = \frac{\partial c}{\partial z_{i}^{(L)}} = \frac{\partial c}{\partial a_{i}^{(L)}} \cdot \frac{\partial a_{j}^{(L)}}{\partial z_{i}^{(L)}}",
        {
            "A": Option("The indices do not match: $\\delta_j^{(L)}$ is $\\partial c/\\partial "
                        "z_j^{(L)}$, which for an elementwise $g$ is $\\frac{\\partial c}{\\partial "
                        "a_j}\\frac{\\partial a_j}{\\partial z_j}$.",
                        "The chain rule gives δ_j = Σ_j′ ∂c/∂a_j′ · ∂a_j′/∂z_j, over the units j′ of "
                        "layer L. For an elementwise g only a_j depends on z_j, so only the term j′ = j "
                        "survives: ∂c/∂a_j · g_L'(z_j)."),
            "B": Option("It needs a sum over every unit $i$ of layer $L$, $\\sum_i \\frac{\\partial "
                        "c}{\\partial a_i}\\frac{\\partial a_i}{\\partial z_j}$, and every term of "
                        "that sum is nonzero.",
                        "For an elementwise g, a_i depends on z_i only, so ∂a_i/∂z_j = 0 when i ≠ j "
                        "and the sum collapses to one term. (It does not collapse for softmax: see "
                        f"{_SOFTMAX.notebook}, '{_SOFTMAX.title}'.)"),
            "C": Option("The two factors are in the wrong order: the chain rule puts "
                        "$\\frac{\\partial a_j}{\\partial z_i}$ first and $\\frac{\\partial c}"
                        "{\\partial a_i}$ second.",
                        "These are numbers (one example, one unit): their product does not depend "
                        "on the order. The indices are what is wrong."),
            "D": Option("It should use the dataset cost $C = \\frac{1}{|D|}\\sum_x c(x)$ in place "
                        "of the cost $c$ of one example.",
                        "δ is defined with the per-example cost c; the dataset cost C only enters "
                        "when the gradients are averaged over the examples."),
        },
        "0ea8f74c91884a8f", "output_delta"),
    Question(
        "E5.3",
        "For the hidden layers the student's answer writes 'in general' the line below (its $k$ "
        "numbers a layer and its $i$ a unit; read its $C$ as the cost $c$ of one example). Which "
        "statements about it are true?",
        r"\frac{\partial C}{\partial a_{i}^{(k)}} = \frac{\partial C}{\partial a_{i}^{(k)}} "
        r"\frac{\partial a_{i}^{(k)}}{\partial z_{i}^{(k)}} = \frac{\partial C}{\partial a_{i}^{(k)}} "
        r"\frac{\partial C}{\partial z_{i}^{(k)}} = \frac{\partial C}{\partial z_{i}^{(k)}} "
        r"\frac{\partial C}{\partial z_{i}^{(k)}}",
        {
            "A": Option("The first $=$ is false: multiplying $\\frac{\\partial C}{\\partial a_i}$ "
                        "by $\\frac{\\partial a_i}{\\partial z_i}$ gives $\\frac{\\partial C}"
                        "{\\partial z_i} = \\delta_i$.",
                        "Multiplying by ∂a_i/∂z_i = g'(z_i) turns ∂C/∂a_i into ∂C/∂z_i, a "
                        "different quantity."),
            "B": Option("The second $=$ is false: it replaces $\\frac{\\partial a_i}{\\partial z_i} "
                        "= g'(z_i)$ by $\\frac{\\partial C}{\\partial z_i}$.",
                        "∂a_i/∂z_i = g'(z_i) is a property of the activation; ∂C/∂z_i = δ_i depends "
                        "on the whole network above."),
            "C": Option("The last expression, $\\frac{\\partial C}{\\partial z_i}\\frac{\\partial "
                        "C}{\\partial z_i} = \\delta_i^2$, is not a derivative of the cost.",
                        "The product of two derivatives of C has the units of C squared."),
            "D": Option("It drops the sum over the next layer's units that the answer's own line "
                        "for $\\partial c/\\partial a_i^{(L-1)}$ had.",
                        "The answer had it right one line earlier: ∂c/∂a_i^(L−1) = Σ_k ∂z_k/∂a_i "
                        "· ∂a_k/∂z_k · ∂c/∂a_k, because a_i reaches the cost through every z_k of "
                        "the next layer. Keeping that sum gives the recursion, in the notes' letters "
                        "(j a unit of layer l, k one of layer l + 1): δ_j^(l) = Σ_k δ_k^(l+1) W_jk^(l+1) "
                        "g_l'(z_j^(l)); losing it is the error to learn from."),
            "E": Option("The line is right: it is the chain rule through $a_i = g(z_i)$, only "
                        "written in an unusual notation.",
                        "Each of the three = signs equates different quantities (see A, B and C)."),
            "F": Option("It would be right with $g'(a_i)$ in place of $\\frac{\\partial a_i}"
                        "{\\partial z_i}$, the derivative at the output $a_i$.",
                        "∂a_i/∂z_i is g'(z_i), at z, and the other = signs would still be false.",
                        "derivative_at_activation"),
            "G": Option("It is right for the output layer (the student's layer $k = L$), and goes "
                        "wrong only for the hidden layers $k < L$.",
                        "Even for k = L the first = equates ∂C/∂a_i with ∂C/∂z_i, which differ by "
                        "the factor g'(z_i)."),
        },
        "3d4aa27043a2a6dc", "hidden_delta", multiple=True),
    Question(
        "E5.4",
        "Which of these is the correct general formula (for $l < L$)?",
        r"\delta_j^{(l)} = \;?",
        {
            "A": Option("$\\delta_j^{(l)} = \\sum_k \\delta_k^{(l+1)}\\, W_{kj}^{(l+1)}\\, "
                        "g_l'(z_j^{(l)})$",
                        "W_kj is the weight from unit k of layer l to unit j of layer l+1. The "
                        "exercise's W_kj^T means (W^T)_kj = W_jk.", "missing_transpose"),
            "B": Option("$\\delta_j^{(l)} = \\sum_k \\delta_k^{(l+1)}\\, W_{jk}^{(l+1)}\\, "
                        "g_l(z_j^{(l)})$",
                        "The factor is g'(z), the derivative, not g(z).",
                        "activation_instead_of_derivative"),
            "C": Option("$\\delta_j^{(l)} = \\sum_k \\delta_k^{(l+1)}\\, W_{jk}^{(l+1)}\\, "
                        "g_l'(z_j^{(l)})$",
                        "Unit j of layer l reaches the cost through every unit k of layer l+1, "
                        "along W_jk (row j, column k), and a_j = g_l(z_j) adds the factor g_l'(z_j)."),
            "D": Option("$\\delta_j^{(l)} = \\sum_k \\delta_k^{(l+1)}\\, W_{jk}^{(l+1)}\\, "
                        "g_l'(a_j^{(l)})$",
                        "g' is evaluated at z, the argument of g.", "derivative_at_activation"),
            "E": Option("$\\delta_j^{(l)} = \\sum_k \\delta_k^{(l+1)}\\, W_{jk}^{(l+1)}$",
                        "z_j reaches the next layer through a_j = g(z_j), which contributes g'(z_j).",
                        "missing_activation_derivative"),
        },
        "95a942cb6534224c", "transpose_notation"),
    Question(
        "E5.6",
        "For part (b) the student's answer writes the line below. Which chain rule is right?",
        r"\frac{\partial c}{\partial w_{ij}^{(l)}} = \frac{\partial z_{i}^{(l)}}{\partial w_{ij}^{(l)}} "
        r"= \frac{\partial z_{i}^{(l)}}{\partial z_{i}^{(l)}} = a_{i}^{(l-1)} \cdot \delta_{j}^{(l)}",
        {
            "A": Option("$\\frac{\\partial c}{\\partial W_{ij}} = \\frac{\\partial z_j}{\\partial "
                        "W_{ij}}\\,\\frac{\\partial c}{\\partial z_j} = a_i^{(l-1)}\\,\\delta_j^{(l)}$",
                        "W_ij is the weight from unit i of layer l−1 into unit j of layer l, so only "
                        "z_j depends on it, with ∂z_j/∂W_ij = a_i^(l−1); and ∂c/∂z_j = δ_j."),
            "B": Option("$\\frac{\\partial c}{\\partial W_{ij}} = \\frac{\\partial z_i}{\\partial "
                        "W_{ij}}\\,\\frac{\\partial c}{\\partial z_i} = a_j^{(l-1)}\\,\\delta_i^{(l)}$",
                        "W_ij connects unit i of layer l−1 to unit j of layer l, so it enters z_j, "
                        "not z_i; swapping the roles transposes the gradient.", "transposed_gradient"),
            "C": Option("$\\frac{\\partial c}{\\partial W_{ij}} = \\sum_k \\frac{\\partial z_k}"
                        "{\\partial W_{ij}}\\,\\frac{\\partial c}{\\partial z_k}$, with every term "
                        "nonzero",
                        "z_k = Σ_i a_i W_ik + b_k contains W_ij only when k = j: the other terms are 0."),
            "D": Option("$\\frac{\\partial c}{\\partial W_{ij}} = \\frac{\\partial z_j}{\\partial "
                        "W_{ij}}\\,\\frac{\\partial c}{\\partial z_j} = \\frac{1}{|D|}\\, "
                        "a_i^{(l-1)}\\,\\delta_j^{(l)}$",
                        "For one example's cost c there is no 1/|D|: that factor belongs to the "
                        "dataset cost C and appears when the per-example gradients are averaged."),
        },
        "b75564d0c0dff390", "weight_gradient"),
    Question(
        "E5.7",
        "The student's bias line ends in $\\partial z_i/\\partial z_i$. What is "
        "$\\partial z_j^{(l)}/\\partial b_j^{(l)}$, and so $\\partial c/\\partial b_j^{(l)}$?",
        r"z_j^{(l)} = \sum_i a_i^{(l-1)} W_{ij}^{(l)} + b_j^{(l)}",
        {
            "A": Option("$1$, so $\\partial c/\\partial b_j^{(l)} = \\delta_j^{(l)}$.",
                        "b_j is added to z_j with coefficient 1, so z_j changes one-for-one with it "
                        "and ∂c/∂b_j = 1 · ∂c/∂z_j = δ_j."),
            "B": Option("$a_j^{(l-1)}$, so $\\partial c/\\partial b_j^{(l)} = a_j^{(l-1)}\\delta_j^{(l)}$.",
                        "That is ∂z_j/∂W_ij = a_i: b_j is added to z_j with coefficient 1."),
            "C": Option("$0$, because $b_j$ is a constant, so $\\partial c/\\partial b_j^{(l)} = 0$.",
                        "b_j is a parameter we differentiate with respect to: z_j changes "
                        "one-for-one with it."),
            "D": Option("$\\delta_j^{(l)}$, so $\\partial c/\\partial b_j^{(l)} = \\delta_j^{(l)}\\,"
                        "\\delta_j^{(l)}$.",
                        "δ_j = ∂c/∂z_j is the other factor of the chain rule, not ∂z_j/∂b_j."),
        },
        "5f05c8d4d82c9987", "bias_gradient"),
]}
"""The multiple-choice questions of E5, by id."""


def question(qid):
    """The question ``qid`` (e.g. "E5.1"), which displays its excerpt and options."""
    try:
        return QUESTIONS[qid]
    except KeyError:
        raise ValueError(f"unknown question {qid!r}; the questions are {', '.join(QUESTIONS)}") from None


def _reader(multiple):
    def read(value):
        if isinstance(value, str):
            items = [c for c in value.replace(",", " ").split()] if multiple else [value]
            if multiple and len(items) == 1 and len(items[0]) > 1:
                items = list(items[0])
        elif isinstance(value, (set, frozenset, list, tuple)):
            items = list(value)
        else:
            raise BadReturn(f"returned a {type(value).__name__}; return "
                            + ("a set of letters, e.g. {'A', 'C'}" if multiple else "one letter, e.g. 'A'"))
        letters = set()
        for item in items:
            if not isinstance(item, str):
                raise BadReturn(f"returned {item!r}, which is not a letter")
            letters.add(item.strip().strip(".").upper())
        return letters
    return read


def _not_right(q, letter):
    o = q.options[letter]
    named = f" (the mistake `{o.mistake}`)" if o.mistake else ""
    return f"{letter} is not right{named}: {o.explanation}"


def check_answer(qid, fn):
    """Check the answer to question ``qid``: ``fn()`` returns a letter (or a set of letters).

    Every option gets its own explanation. Returns a :class:`CheckResult`.
    """
    q = question(qid)
    name = f"check_answer({qid!r})"
    home = [section(q.section)]
    out = call(fn, (), _reader(q.multiple))
    if out.kind == "not_implemented":
        return CheckResult(name, "not_implemented",
                           stub_text(fn, out.error, f"Replace it with `return` and your "
                                                    f"{'letters' if q.multiple else 'letter'}."),
                           revisit=home)
    if out.kind == "raised":
        return CheckResult(name, "error", f"your function raised {describe_exception(out.error)}.",
                           revisit=home)
    if out.kind == "bad_return":
        return CheckResult(name, "error", f"your function {out.error}.", revisit=home)
    chosen = out.value
    unknown = sorted(chosen - set(q.options))
    if unknown or not chosen:
        return CheckResult(name, "wrong", f"{', '.join(unknown) or 'nothing'}: the options are "
                           f"{', '.join(q.options)}.", revisit=home)
    if not q.multiple and len(chosen) > 1:
        return CheckResult(name, "wrong", "choose one letter.", revisit=home)
    key = q._letters()
    if chosen == key:
        letters = sorted(key)
        if q.multiple:
            msg = f"right: {', '.join(letters)}." + "".join(
                f"\n{letter} is true: {q.options[letter].explanation}" for letter in letters)
        else:
            msg = f"right: {letters[0]}. {q.options[letters[0]].explanation}"
        if q.mistake:
            msg += f"\nThe error in the student's line is the mistake `{q.mistake}`: {CATALOGUE[q.mistake].name}."
        return CheckResult(name, "passed", msg, revisit=home)
    wrong = sorted(chosen - key)
    lines = [_not_right(q, letter) for letter in wrong]
    missed = sorted(key - chosen)
    if q.multiple and missed:
        lines.append(f"{len(missed)} more {'statement is' if len(missed) == 1 else 'statements are'} true: "
                     f"read each option again.")
    mistake = next((q.options[letter].mistake for letter in wrong if q.options[letter].mistake), None)
    return CheckResult(name, "mistake" if mistake else "wrong", "\n".join(lines), mistake=mistake,
                       revisit=home)
