"""Japanese line breaking: BudouX phrases, kinsoku shori and balanced lines (pure)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence

__all__ = [
    "NO_END",
    "NO_START",
    "balance_lines",
    "break_lines",
    "break_pages",
    "break_penalty",
    "paginate",
    "phrases",
    "valid_break",
]

Measure = Callable[[str], float]

#: Characters that must not begin a line (gyōtō kinsoku).
NO_START = frozenset(
    "、。，．,.:;：；!?！？‼⁇⁈⁉・･‐゠–—〜～ー…‥"
    ")]}）］｝〕〉》」』】〙〗〟’”｠»"
    "ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ々〻ゝゞヽヾ"
    "%％℃°"
)
#: Characters that must not end a line (gyōmatsu kinsoku).
NO_END = frozenset("([{（［｛〔〈《「『【〘〖〝‘“｟«￥＄$#＃")


@functools.cache
def _parser() -> object:
    import budoux

    return budoux.load_default_japanese_parser()


def _budoux(text: str) -> list[str]:
    parser = _parser()
    return list(parser.parse(text))  # type: ignore[attr-defined]


def _glue(pieces: Sequence[str]) -> list[str]:
    """Move kinsoku characters across piece borders so every border is a legal break."""
    out: list[str] = []
    for piece in pieces:
        if not piece:
            continue
        if out:
            # Leading characters that may not start a line join the previous piece.
            i = 0
            while i < len(piece) and piece[i] in NO_START:
                i += 1
            if i:
                out[-1] += piece[:i]
                piece = piece[i:]
            if not piece:
                continue
            # A previous piece ending with an opening bracket hands it to this one.
            j = len(out[-1])
            while j > 0 and out[-1][j - 1] in NO_END:
                j -= 1
            if j < len(out[-1]):
                tail = out[-1][j:]
                out[-1] = out[-1][:j]
                piece = tail + piece
                if not out[-1]:
                    out.pop()
        out.append(piece)
    return out


def phrases(text: str) -> list[str]:
    """Phrases of ``text`` (BudouX), adjusted so a break between any two is legal."""
    text = text.strip()
    if not text:
        return []
    return _glue(_budoux(text))


def _chars(text: str) -> list[str]:
    """Single characters grouped so breaking between groups respects kinsoku."""
    return _glue(list(text))


def valid_break(before: str, after: str) -> bool:
    """True when a line may end with ``before`` and the next one start with ``after``."""
    if not before or not after:
        return True
    return after[0] not in NO_START and before[-1] not in NO_END


def _script(ch: str) -> str:
    code = ord(ch)
    if 0x3040 <= code <= 0x309F:
        return "hira"
    if 0x30A0 <= code <= 0x30FF or 0xFF66 <= code <= 0xFF9D:
        return "kata"
    if 0x4E00 <= code <= 0x9FFF or ch in "々〆ヶ":
        return "kanji"
    if ch.isascii() and ch.isalnum():
        return "latin"
    return "other"


def _subphrases(phrase: str) -> list[str]:
    """``phrase`` cut where the script changes (漢字|カタカナ|ひらがな) or after ・,
    the least bad places to break a word that is wider than a line."""
    pieces: list[str] = []
    current = ""
    for ch in phrase:
        if current:
            prev = current[-1]
            change = _script(prev) != _script(ch) and "other" not in (_script(prev), _script(ch))
            if change or prev in "・/／":
                pieces.append(current)
                current = ""
        current += ch
    if current:
        pieces.append(current)
    return _glue(pieces)


#: Extra cost (share of a squared line width) of a break inside a phrase.
_SUBPHRASE_COST = 0.2
_CHAR_COST = 0.5


def _units(text: str, max_width: float, measure: Measure) -> tuple[list[str], dict[int, float]]:
    """Phrases; any phrase wider than a line is split at script changes, then characters.

    Also returns, for units that continue a split phrase, the extra cost of breaking
    before them (a break there cuts a word).
    """
    units: list[str] = []
    inner: dict[int, float] = {}
    for phrase in phrases(text):
        if measure(phrase) <= max_width:
            units.append(phrase)
            continue
        for k, sub in enumerate(_subphrases(phrase)):
            if k:
                inner[len(units)] = _SUBPHRASE_COST
            if measure(sub) <= max_width:
                units.append(sub)
                continue
            for c, piece in enumerate(_chars(sub)):
                if c:
                    inner[len(units)] = _CHAR_COST
                units.append(piece)
    return units, inner


def _greedy(units: Sequence[str], max_width: float, measure: Measure) -> list[str]:
    lines: list[str] = []
    line = ""
    for unit in units:
        candidate = line + unit
        if line and measure(candidate.strip()) > max_width:
            lines.append(line.strip())
            line = unit.lstrip()
        else:
            line = candidate
    if line.strip():
        lines.append(line.strip())
    return lines


_SENTENCE_END = frozenset("。！？!?」』）)…")
_CLAUSE_END = frozenset("、，,・：:；;")


def break_penalty(before: str) -> float:
    """Cost (as a share of a squared line width) of ending a line after ``before``."""
    if not before:
        return 0.0
    last = before.rstrip()[-1:] or " "
    if last in _SENTENCE_END:
        return 0.0
    if last in _CLAUSE_END:
        return 0.02
    return 0.06


def balance_lines(
    units: Sequence[str],
    n_lines: int,
    max_width: float,
    measure: Measure,
    inner: dict[int, float] | None = None,
) -> list[str] | None:
    """Split ``units`` into exactly ``n_lines`` lines of even width (None if impossible).

    Minimises the squared slack of every line (so lines come out alike, as a designer
    sets a centred caption) plus a cost for breaking mid-clause, so breaks prefer the
    ends of sentences, then commas, then phrases, and only then inside a word
    (``inner`` maps units that continue a split word to the cost of breaking before them).
    """
    n = len(units)
    if n_lines <= 0 or n_lines > n:
        return None
    width = functools.cache(lambda i, j: measure("".join(units[i:j]).strip()))
    scale = max_width * max_width
    inf = float("inf")
    # best[k][j]: least cost of setting units[:j] in k lines.
    best = [[inf] * (n + 1) for _ in range(n_lines + 1)]
    back = [[-1] * (n + 1) for _ in range(n_lines + 1)]
    best[0][0] = 0.0
    for k in range(1, n_lines + 1):
        for j in range(k, n + 1):
            if k == n_lines and j != n:
                continue
            if j < n:
                brk = inner[j] if inner and j in inner else break_penalty(units[j - 1])
            else:
                brk = 0.0
            for i in range(k - 1, j):
                if best[k - 1][i] == inf:
                    continue
                w = width(i, j)
                if w > max_width:
                    continue
                cost = best[k - 1][i] + (max_width - w) ** 2 + brk * scale
                if cost < best[k][j]:
                    best[k][j] = cost
                    back[k][j] = i
    if best[n_lines][n] == inf:
        return None
    cuts = [n]
    for k in range(n_lines, 0, -1):
        cuts.append(back[k][cuts[-1]])
    cuts.reverse()
    return ["".join(units[cuts[i] : cuts[i + 1]]).strip() for i in range(n_lines)]


def break_lines(text: str, max_width: float, measure: Measure, balanced: bool = True) -> list[str]:
    """Break ``text`` into lines no wider than ``max_width`` (hard newlines are kept).

    Breaks fall between BudouX phrases; a phrase wider than a line is broken between
    characters; no line starts with 、。」ー etc. or ends with 「（ etc.
    """
    lines: list[str] = []
    for para in text.split("\n"):
        units, inner = _units(para, max_width, measure)
        if not units:
            continue
        greedy = _greedy(units, max_width, measure)
        if balanced and len(greedy) > 1:
            even = balance_lines(units, len(greedy), max_width, measure, inner)
            lines.extend(even or greedy)
        else:
            lines.extend(greedy)
    return lines


def paginate(lines: Sequence[str], max_lines: int) -> list[list[str]]:
    """Group ``lines`` into pages of at most ``max_lines`` lines, as evenly as possible."""
    if not lines:
        return []
    pages = -(-len(lines) // max_lines)
    size = -(-len(lines) // pages)
    return [list(lines[i : i + size]) for i in range(0, len(lines), size)]


def break_pages(
    text: str, max_width: float, measure: Measure, max_lines: int = 2
) -> list[list[str]]:
    """Lines of ``text`` grouped into pages of at most ``max_lines`` lines.

    A long subtitle is split into pages at sentence ends or commas where possible (not
    wherever the third line happens to start), each page then broken and balanced on its own.
    """
    lines = break_lines(text, max_width, measure)
    if len(lines) <= max_lines:
        return [lines] if lines else []
    units: list[str] = []
    for para in text.split("\n"):
        units.extend(_units(para, max_width, measure)[0])
    n = len(units)
    capacity = max_width * max_lines * 0.92  # wrapping never fills every line to the edge
    pages = -(-len(lines) // max_lines)
    while pages <= n:
        split = _split_pages(units, pages, capacity, measure)
        if split is not None:
            laid = [break_lines(page, max_width, measure) for page in split]
            if all(len(p) <= max_lines for p in laid):
                return laid
        pages += 1
    return paginate(lines, max_lines)


def _split_pages(
    units: Sequence[str], pages: int, capacity: float, measure: Measure
) -> list[str] | None:
    """``units`` cut into ``pages`` texts no wider than ``capacity``: even, and ending
    at sentence ends or commas where possible."""
    n = len(units)
    inf = float("inf")
    width = functools.cache(lambda i, j: measure("".join(units[i:j]).strip()))
    best = [[inf] * (n + 1) for _ in range(pages + 1)]
    back = [[-1] * (n + 1) for _ in range(pages + 1)]
    best[0][0] = 0.0
    for k in range(1, pages + 1):
        for j in range(k, n + 1):
            if k == pages and j != n:
                continue
            brk = break_penalty(units[j - 1]) * 8 if j < n else 0.0
            for i in range(k - 1, j):
                if best[k - 1][i] == inf:
                    continue
                w = width(i, j)
                if w > capacity:
                    continue
                cost = best[k - 1][i] + ((capacity - w) / capacity) ** 2 + brk
                if cost < best[k][j]:
                    best[k][j] = cost
                    back[k][j] = i
    if best[pages][n] == inf:
        return None
    cuts = [n]
    for k in range(pages, 0, -1):
        cuts.append(back[k][cuts[-1]])
    cuts.reverse()
    return ["".join(units[cuts[i] : cuts[i + 1]]).strip() for i in range(pages)]
