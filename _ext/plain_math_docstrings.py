"""Render the maths that lthbook's docstrings write in plain Unicode, as mathematicians do.

The docstrings are written to read well in a terminal: ``|z − Σ_{i∈S} x_i|``,
``M_{2i−1} ∈ R^{m_i × d_{i−1}}``, ``S⁺_ij``. Two autodoc hooks make them read well on the
API pages too, without touching the modules:

1. ``mark_math`` (before 2) finds the runs of prose that are maths, those holding a sub- or
   superscript (``x_i``, ``2^{n/2}``, ``S⁺_ij``), grown over the neighbouring words that
   are maths too (single letters, numbers, operators, Greek letters), and wraps each run in
   a ``:math:`` role, its Unicode converted to TeX (``Σ_{i∈S}`` -> ``\\sum_{i\\in S}``,
   ``d_{i−1}`` -> ``d_{i-1}``, ``{1..n}`` -> ``\\{1..n\\}``). Inline literals, roles and
   literal blocks (the indented block after a ``::`` line) are left as they are.
2. ``escape_bars``: reStructuredText reads ``|x|`` as a substitution reference and fails the
   build, so every ``|`` outside inline literals, roles (the new ``:math:`` ones included)
   and literal blocks is escaped.
"""

from __future__ import annotations

import re

_INLINE_CODE = re.compile(r"(``.+?``|(?::[\w:+.-]+:)?`[^`]*`_{0,2})")

# --------------------------------------------------------------------------- literal blocks


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _prose_lines(lines: list[str]):
    """Indices of the lines outside literal blocks (and not blank)."""
    literal_base = None  # indentation of the literal block's first line
    pending_base = None  # indentation of the line that ended with "::"
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        indent = _indent(line)
        # The block ends at the first line indented less than its first line: in a list item
        # ("2. text::"), the item's text goes on at the item's text column, deeper than "2."
        # but shallower than the block.
        if literal_base is not None and indent >= literal_base:
            continue
        literal_base = None
        if pending_base is not None and indent > pending_base:
            literal_base, pending_base = indent, None
            continue
        pending_base = None
        stripped = line.strip()
        if _UNDERLINE.fullmatch(stripped):
            continue  # a section title's underline (mark_math lengthens it with its title)
        if stripped.startswith(">>>") or stripped.startswith(".. "):
            if stripped.rstrip().endswith("::"):
                pending_base = indent
            continue
        yield i
        if line.rstrip().endswith("::"):
            pending_base = indent


_UNDERLINE = re.compile(r"([=\-~^\"'`#*+:.])\1{2,}")


# --------------------------------------------------------------------------- Unicode -> TeX

_GREEK = {
    "α": r"\alpha",
    "β": r"\beta",
    "γ": r"\gamma",
    "δ": r"\delta",
    "ε": r"\varepsilon",
    "ζ": r"\zeta",
    "η": r"\eta",
    "θ": r"\theta",
    "ι": r"\iota",
    "κ": r"\kappa",
    "λ": r"\lambda",
    "μ": r"\mu",
    "ν": r"\nu",
    "ξ": r"\xi",
    "π": r"\pi",
    "ρ": r"\rho",
    "σ": r"\sigma",
    "τ": r"\tau",
    "υ": r"\upsilon",
    "φ": r"\varphi",
    "χ": r"\chi",
    "ψ": r"\psi",
    "ω": r"\omega",
    "Γ": r"\Gamma",
    "Δ": r"\Delta",
    "Θ": r"\Theta",
    "Λ": r"\Lambda",
    "Ξ": r"\Xi",
    "Π": r"\Pi",
    "Σ": r"\sum",
    "Φ": r"\Phi",
    "Ψ": r"\Psi",
    "Ω": r"\Omega",
    "∑": r"\sum",
    "∏": r"\prod",
}
_SYMBOLS = {
    "−": "-",
    "×": r"\times",
    "·": r"\cdot",
    "≤": r"\le",
    "≥": r"\ge",
    "≠": r"\ne",
    "∈": r"\in",
    "∉": r"\notin",
    "⊆": r"\subseteq",
    "⊂": r"\subset",
    "∪": r"\cup",
    "∩": r"\cap",
    "‖": r"\|",
    "…": r"\ldots",
    "⋯": r"\cdots",
    "→": r"\to",
    "←": r"\leftarrow",
    "↦": r"\mapsto",
    "⇒": r"\Rightarrow",
    "⊙": r"\odot",
    "⊗": r"\otimes",
    "≈": r"\approx",
    "±": r"\pm",
    "√": r"\surd",
    "∞": r"\infty",
    "∀": r"\forall",
    "∃": r"\exists",
    "⌈": r"\lceil",
    "⌉": r"\rceil",
    "⌊": r"\lfloor",
    "⌋": r"\rfloor",
    "′": "'",
    "∗": "*",
    "ℝ": r"\mathbb{R}",
    "∘": r"\circ",
    "⟨": r"\langle",
    "⟩": r"\rangle",
    "∖": r"\setminus",
    "∼": r"\sim",
    "∝": r"\propto",
    "∇": r"\nabla",
    "–": r"\text{–}",  # an en dash between layer widths: d_0–h–d_2
    "½": r"\tfrac{1}{2}",
    "∂": r"\partial",
    "∅": r"\emptyset",
    "≪": r"\ll",
    "≫": r"\gg",
    "∧": r"\wedge",
    "∨": r"\vee",
    "≡": r"\equiv",
    "⊤": r"\top",
    "ℓ": r"\ell",
    "\u2009": " ",
    "\u00a0": " ",
}
_SUPERSCRIPTS = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻ᵀ", "0123456789+-T"))
_SUBSCRIPTS = dict(zip("₀₁₂₃₄₅₆₇₈₉₊₋", "0123456789+-"))
_TEX_FUNCTIONS = {"min", "max", "log", "sup", "inf", "exp", "ln", "lim"}
_WORD_INDICES = {"in", "out", "new", "old", "opt", "max", "min", "all", "tot", "std", "eff"}
_FUNCTIONS = {"min", "max", "log", "sup", "inf", "exp", "ln", "sgn", "sign", "argmin", "argmax", "lim", "vol"}
_OPERATORS = set("−×·≤≥≠∈∉⊆⊂∪∩‖…⋯→←↦⇒⊙⊗≈±√∞∀∃=<>+") | set(_GREEK)
_MATH_CHARS = (
    set(_GREEK) | set(_SYMBOLS) | set(_SUPERSCRIPTS) | set(_SUBSCRIPTS) | set("0123456789+-*/=<>()[]{}|,.^_'!:; ")
)


def _tex(text: str) -> str:
    """TeX for a run of Unicode maths (see the module's docstring)."""
    out: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char in "_^":
            out.append(char)
            i += 1
            if i < len(text) and text[i] == "(" and _closing(text, i) is not None:
                j = _closing(text, i)
                out.append("{" + _tex(text[i + 1 : j]) + "}")
                i = j + 1
            elif i < len(text) and text[i] == "{":
                depth, j = 0, i
                while j < len(text):
                    depth += text[j] == "{"
                    depth -= text[j] == "}"
                    if depth == 0:
                        break
                    j += 1
                out.append("{" + _tex(text[i + 1 : j]) + "}")
                i = j + 1
            else:
                match = re.match(r"[0-9]+|[A-Za-z]+[0-9]*|.", text[i:])
                token = match.group(0) if match else ""
                if token in _WORD_INDICES or (len(token) >= 3 and token.isalpha()):
                    out.append(r"{\mathrm{" + token + "}}")
                elif token.isascii() and token.isalnum():
                    out.append("{" + token + "}")  # indices: x_i, M_kj, 2^n
                else:
                    out.append("{" + _tex(token) + "}")
                i += len(token)
            continue
        if char in "{}":
            out.append("\\" + char)
        elif char in _SUPERSCRIPTS:
            run = ""
            while i < len(text) and text[i] in _SUPERSCRIPTS:
                run += _SUPERSCRIPTS[text[i]]
                i += 1
            out.append("^{" + run + "}")
            continue
        elif char in _SUBSCRIPTS:
            run = ""
            while i < len(text) and text[i] in _SUBSCRIPTS:
                run += _SUBSCRIPTS[text[i]]
                i += 1
            out.append("_{" + run + "}")
            continue
        elif char == "Π" and text[i + 1 : i + 2] == "_":
            out.append(r"\prod ")
        elif char in _GREEK or (char in _SYMBOLS and _SYMBOLS[char].startswith("\\")):
            command = _GREEK.get(char) or _SYMBOLS[char]
            out.append(command + ("" if command.endswith(("|", "}")) else " "))
        elif char in _SYMBOLS:
            out.append(_SYMBOLS[char])
        elif char.isalpha():
            match = re.match(r"[A-Za-z]+", text[i:])
            word = match.group(0) if match else char
            if word in _TEX_FUNCTIONS:
                out.append("\\" + word + " ")
            elif word in _FUNCTIONS:
                out.append(r"\operatorname{" + word + "}")
            elif len(word) > 1:
                out.append(r"\mathrm{" + word + "}")
            else:
                out.append(word)
            i += len(word)
            continue
        else:
            out.append(char)
        i += 1
    return re.sub(r" +", " ", "".join(out)).strip()


def _closing(text: str, start: int) -> int | None:
    depth = 0
    for j in range(start, len(text)):
        depth += text[j] == "("
        depth -= text[j] == ")"
        if depth == 0:
            return j
    return None


# --------------------------------------------------------------------------- finding maths


def _words(text: str) -> list[str]:
    """Split at spaces outside braces; spaces are kept as their own items."""
    words, current, depth = [], "", 0
    for char in text:
        if char == " " and depth == 0:
            if current:
                words.append(current)
            words.append(" ")
            current = ""
            continue
        depth += (char == "{") - (char == "}")
        depth = max(depth, 0)
        current += char
    if current:
        words.append(current)
    return words


def _strip_scripts(word: str) -> str:
    """The word without its sub/superscripts (what is left must look like maths)."""
    return re.sub(r"[_^](\{[^{}]*(\{[^{}]*\}[^{}]*)*\}|[A-Za-z0-9]+|[α-ωΑ-Ω])", "", word)


def _has_script(word: str) -> bool:
    return bool(
        re.search(r"(?<![A-Za-z]{2})[^\s_^(\[{][_^](\{|[A-Za-z0-9α-ωΑ-Ω])", word)
        or re.search(r"\b(sup|inf|min|max|lim|argmin|argmax)[_^](\{|[A-Za-z0-9])", word)
        or any(c in _SUPERSCRIPTS or c in _SUBSCRIPTS for c in word)
    )


def _is_mathy(word: str) -> bool:
    if "``" in word or "`" in word or "://" in word or word.startswith(":"):
        return False
    if "'s" in word or "’" in word or re.fullmatch(r"\(?([a-z]\.){2}[,;:)]?", word):
        return False  # Theorem 1's, i.e., e.g.
    if not word.strip(",.;:!?"):
        return False  # bare punctuation
    word = word.strip(',.;:!?"“”')  # "N_ε ≤ n": quoted maths
    if re.search(r"[A-Za-z0-9]_[A-Za-z0-9]*[a-z]{2}[A-Za-z0-9]*_[A-Za-z0-9]", word):
        return False  # a Python name: n_theorem_1, max_failure_rate
    core = _strip_scripts(word.strip(",.;:"))
    if not core:
        return True
    for run in re.findall(r"[A-Za-z]+", core):
        if len(run) > 1 and run not in _FUNCTIONS:
            return False
    return all(c.isalnum() or c in _MATH_CHARS or c in "⁺⁻" for c in core)


def _is_strong(word: str) -> bool:
    return _has_script(word) or any(c in _OPERATORS for c in word)


_EDGE_WORDS = {"a", "A", "I"}  # articles and pronouns that prose puts next to maths


def _wrap(text: str, glued_left: bool = False, glued_right: bool = False) -> str:
    """`text` (prose, no code) with its maths runs wrapped in :math: roles. `glued_left` /
    `glued_right`: an inline literal or role touches the text there (no space between), so
    the word there cannot start or end a role."""
    words = _words(text)
    if glued_left and words and words[0] != " ":
        head = words.pop(0)
        return head + _wrap("".join(words), False, glued_right)
    if glued_right and words and words[-1] != " ":
        tail = words.pop()
        return _wrap("".join(words), glued_left, False) + tail
    out: list[str] = []
    i = 0
    while i < len(words):
        group = re.fullmatch(r"(\{)(.+)(\}[,.;:!?]*)", words[i]) if words[i] != " " else None
        if group and " " in group.group(2) and not _is_mathy(words[i]):
            # A set written with words, {k ∈ block j : M_kj > 0}: its maths inside, its braces
            # and words as they are.
            out.append(group.group(1) + _wrap(group.group(2)) + group.group(3))
            i += 1
            continue
        if words[i] == " " or not _is_mathy(words[i]):
            out.append(words[i])
            i += 1
            continue
        j = i
        run = [i]
        while (
            j + 2 < len(words)
            and words[j + 1] == " "
            and _is_mathy(words[j + 2])
            and not words[j].endswith((":", ";", ".", "!", "?"))
        ):
            j += 2
            run.append(j)
        chosen = [words[k] for k in run]
        if not any(_has_script(w) for w in chosen):
            out.extend(words[i : j + 1])
            i = j + 1
            continue
        # Trim prose-like words at the ends that carry no maths of their own.
        lead = []
        while len(chosen) > 1 and chosen[0] in _EDGE_WORDS and not _is_strong(chosen[1]):
            lead.append(chosen.pop(0))
        while len(chosen) > 1 and chosen[0] in {"a", "A", "I"}:
            lead.append(chosen.pop(0))
        tail = []
        while len(chosen) > 1 and not _is_strong(chosen[-1]) and chosen[-1].strip(",.;:") in _EDGE_WORDS:
            tail.insert(0, chosen.pop())
        expression = " ".join(chosen)
        prefix, suffix = "", ""
        while expression and expression[-1] in ',.;:!?"”':
            expression, suffix = expression[:-1], expression[-1] + suffix
        while expression and expression[0] in '"“':
            prefix, expression = prefix + expression[0], expression[1:]
        while expression and expression[-1] in ")]" and _excess(expression) < 0:
            expression, suffix = expression[:-1], expression[-1] + suffix
        while expression and expression[0] in "([" and _excess(expression) > 0:
            prefix, expression = prefix + expression[0], expression[1:]
        piece = ""
        if lead:
            piece += " ".join(lead) + " "
        if expression and _has_script(expression) and _braces_balanced(expression):
            piece += prefix + ":math:`" + _tex(expression).replace("`", "'") + "`" + suffix
        else:
            piece += prefix + expression + suffix
        if tail:
            piece += " " + " ".join(tail)
        out.append(piece)
        i = j + 1
    return "".join(out)


def _excess(text: str) -> int:
    """Opening minus closing round and square brackets."""
    return sum(c in "([" for c in text) - sum(c in ")]" for c in text)


def _braces_balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += (char == "{") - (char == "}")
        if depth < 0:
            return False
    return depth == 0


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += char in "([{"
        depth -= char in ")]}"
        if depth < 0:
            return False
    return depth == 0


# An absolute value written as an inline literal glued to the maths before it (``N_ik·``|M_kj|````,
# kept literal so that reStructuredText would not read the bars): maths too.
_GLUED_BARS = re.compile(r"(?<=[^\s`([{,])``(\|[^`|]+\|)``")


def _mark_line(line: str) -> str:
    indent = line[: _indent(line)]
    body = _GLUED_BARS.sub(lambda m: m.group(1) if _is_mathy(m.group(1)) else m.group(0), line[len(indent) :])
    # napoleon's :param x: / :returns: fields, and a list item's bullet
    field = re.match(r"^(:[^:`]+:\s*|[-*+] )", body)
    head = field.group(1) if field else ""
    parts = _INLINE_CODE.split(body[len(head) :])
    last = len(parts) - 1
    return (
        indent
        + head
        + "".join(
            part if k % 2 else _wrap(part, glued_left=k > 0, glued_right=k < last) for k, part in enumerate(parts)
        )
    )


def _open_braces(line: str) -> int:
    text = "".join(part for k, part in enumerate(_INLINE_CODE.split(line)) if k % 2 == 0)
    return text.count("{") - text.count("}")


def _join_open_braces(lines: list[str]) -> None:
    """Join a prose line that leaves a brace open (``sup_{x`` / ``∈[−1,1]}``) with the lines
    that close it, when they continue the same paragraph (same indentation), so that the
    expression can be found whole."""
    prose = set(_prose_lines(lines))
    i = 0
    while i < len(lines):
        while (
            i in prose
            and _open_braces(lines[i]) > 0
            and i + 1 < len(lines)
            and lines[i + 1].strip()
            and _indent(lines[i + 1]) == _indent(lines[i])
            and not _UNDERLINE.fullmatch(lines[i + 1].strip())
        ):
            lines[i] = lines[i].rstrip() + " " + lines.pop(i + 1).strip()
            prose = set(_prose_lines(lines))
        i += 1


def mark_math(app, what, name, obj, options, lines: list[str]) -> None:
    _join_open_braces(lines)
    for i in _prose_lines(lines):
        new = _mark_line(lines[i])
        if new != lines[i] and i + 1 < len(lines) and _UNDERLINE.fullmatch(lines[i + 1].strip()):
            underline = lines[i + 1]
            char = underline.strip()[0]
            lines[i + 1] = underline[: _indent(underline)] + char * max(len(underline.strip()), len(new.strip()))
        lines[i] = new


# --------------------------------------------------------------------------- bars


def _escape_outside_code(line: str) -> str:
    parts = _INLINE_CODE.split(line)
    return "".join(part if i % 2 else part.replace("|", r"\|") for i, part in enumerate(parts))


def escape_bars(app, what, name, obj, options, lines: list[str]) -> None:
    for i in _prose_lines(lines):
        lines[i] = _escape_outside_code(lines[i])


def setup(app):
    app.connect("autodoc-process-docstring", mark_math, priority=800)
    app.connect("autodoc-process-docstring", escape_bars, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
