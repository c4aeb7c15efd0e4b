"""Free-text vectorizing shared by the matcher and the learning-ladder engine.

One definition of how profile text becomes a vector and a small `TextIndex` over keyed
documents. Two kinds of vector share the same cleaning and tokens (`analyze`): whole
words (the ladder, the skill context, the words named in reasons) and character 4-grams
inside those words (``TextIndex(..., chars=True)``, scikit-learn's ``analyzer="char_wb"``:
what the matcher scores interest text with, so "editatonas", "editatones" and
"editathons", or "monumentos" and "monuments", meet across languages; 4-grams scored
best on the labelled set, 1.000 against 0.975 for 3-5 and 5-grams, at a third of 3-5's
density). The vectors are scikit-learn's ``TfidfVectorizer`` with the settings below:
its counts, then its ``TfidfTransformer``. The counting is done here, as a product of
two sparse matrices (documents × distinct words, words × terms: `_term_counts`), because
scikit-learn counts every term of every document in a Python loop (~6 s of the 100k ×
10k batch, against ~0.5 s); the terms, their order and every weight stay scikit-learn's
(the tests compare the vectors with ``TfidfVectorizer``'s). So a text is analysed once
for both kinds of vector and each distinct word is folded and cut into 4-grams once per
process. scikit-learn is imported when an index is first fitted, not with this module:
`analyze` alone (an import's row checks) does not load it (~0.85 s of CPU). Settings
and why:

* Markup goes first (`strip_markup`): wikitext templates, file and category links, link
  targets (a link's label stays), HTML tags with script/style content, entities, URLs
  and e-mail addresses. "<script>alert(1)</script><img …>" is no interest.

* Word unigrams, ``ngram_range=(1, 1)``. Profiles are a few dozen words written by
  different people; two authors rarely share a two-word phrase, so bigrams mostly add
  unmatched features that dilute the norm and double the vector size (and the cost of
  every sparse product). The concepts that phrases would capture are carried by the
  skill part of the matcher.
* ``sublinear_tf=True``: a bio that says "Wikipedia" five times is not five times about
  Wikipedia; 1 + log(tf) keeps repeated words from dominating a short text.
* ``min_df=1``: the vocabulary is fitted on the mentors; a word only one mentor uses
  ("Wikisource", "Commons", "OpenRefine") is the most telling match for a mentee who
  uses it too. Frequent words are handled by idf, not by ``max_df`` (which on a small
  program would delete real topics).
* Accents folded as scikit-learn's ``strip_accents_unicode`` does (`strip_accents`:
  "organización" = "organizacion", and Arabic short-vowel marks disappear), never
  ``"ascii"``, which would delete every non-Latin script.
* Token pattern: a run of letters, digits and combining marks that starts with a letter
  (``\\w`` alone splits Devanagari at every vowel sign, which is a mark, not a letter).
  Hyphenated compounds are joined ("edit-a-thons" = "editathons") and a final plural
  -s of a word of four letters or more is folded ("meetups" = "meetup"; not after s or
  u: "class", "status"). Deliberately tiny and language-blind: no per-language
  stemmer, since a profile's language is not known: the character 4-grams catch the
  variants, at ~3× the density of word vectors (and of every sparse product).
* Stop words: small lists shipped in ``matcher/stopwords/<language>.txt`` (English:
  a copy of scikit-learn's list, so that `analyze` does not load scikit-learn) for every
  language the app offers (en, es, fr, ar, hi, id, pt) and a few more used in the
  movement (de, it, ru), with the words of asking ("want", "learn", "help", "quiero",
  "apprendre"…); lists cannot be complete, so idf does the rest. They are removed
  before n-grams are cut. The list goes through the same preprocessing as the text.
* Scripts written without spaces (Chinese, Japanese, Thai) become one token per phrase:
  text matching is weak there and the skill part carries those profiles.
"""

import itertools
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

if TYPE_CHECKING:
    from sklearn.feature_extraction.text import TfidfTransformer

__all__ = [
    "TextIndex",
    "analyze",
    "l2_rows",
    "preload",
    "strip_accents",
    "strip_markup",
    "strongest_shared",
    "top_terms",
]


def _mark_ranges() -> str:
    ranges, start = [], None
    for code in range(0x10000):
        is_mark = unicodedata.category(chr(code)).startswith("M")
        if is_mark and start is None:
            start = code
        elif not is_mark and start is not None:
            ranges.append(f"\\u{start:04x}-\\u{code - 1:04x}")
            start = None
    return "".join(ranges)


_WORD_CHAR = rf"[\w{_mark_ranges()}]"
TOKEN_PATTERN = rf"[^\W\d_]{_WORD_CHAR}+"
# Patterns start with the literal they remove, so `re` can skip ahead to it (5× faster
# than a leading look-behind over this large character class).
_HYPHEN = re.compile(rf"[-‐‑](?<={_WORD_CHAR}[-‐‑])(?={_WORD_CHAR})")
_PLURAL_S = re.compile(rf"s(?<={_WORD_CHAR}{{2}}[^\Wsu]s)(?!{_WORD_CHAR})")
_SURFACE_WORD = re.compile(TOKEN_PATTERN)
_TOKENIZE = _SURFACE_WORD.findall

STOP_WORD_FILES = Path(__file__).parent / "stopwords"  # <language>.txt, "#" comments
CHAR_NGRAMS = (4, 4)
COMMON_GRAM_DF = 0.5
COMMON_GRAM_MIN_DOCUMENTS = 50

# Markup removed before anything is counted: whole elements whose content is code or
# layout, then tags, templates, file links, link targets, URLs and wiki formatting.
_MARKUP = [
    (re.compile(r"<!--.*?(-->|$)", re.S), " "),
    (
        re.compile(
            r"<(script|style|math|syntaxhighlight|source|pre|code|ref)\b.*?(</\1\s*>|$)",
            re.S | re.I,
        ),
        " ",
    ),
    (re.compile(r"</?[a-z][^<>]*>?", re.I), " "),
    (
        re.compile(
            r"\[\[\s*(file|image|category|media|fichier|archivo|imagen|categor[ií]a|datei|kategorie)\s*:[^\[\]]*(\[\[[^\[\]]*\]\][^\[\]]*)*\]\]",
            re.I,
        ),
        " ",
    ),
    (re.compile(r"\[\[[^\[\]|]*\|([^\[\]]*)\]\]"), r" \1 "),
    (re.compile(r"\[(?:https?:)?//[^\s\]]*\s*([^\]]*)\]"), r" \1 "),
    (re.compile(r"\b(?:https?://|ftp://|www\.)\S+|\S+@\S+\.\w+", re.I), " "),
    (re.compile(r"&[a-z]+;|&#x?[0-9a-f]+;", re.I), " "),
    (re.compile(r"__[A-Z]+__|'{2,}|={2,}|[\[\]{}|]"), " "),
]
_TEMPLATE = re.compile(r"\{\{[^{}]*\}\}")
_MARKUP_SIGNS = frozenset("<[{}&@'=_")  # text with none of these (nor // or www.) is plain


def _is_plain(text: str) -> bool:
    """No sign of markup, a URL or an address (a set test: ~3× faster than a regex)."""
    return _MARKUP_SIGNS.isdisjoint(text) and "//" not in text and "www." not in text.lower()


def strip_markup(text: str) -> str:
    """Text without wikitext (templates, file links, link targets, formatting), HTML
    (tags, comments, script and style elements), entities, URLs and e-mail addresses;
    a link's label stays, as it is what a person wrote."""
    if _is_plain(text):
        return text
    while True:  # templates nest: remove the innermost until none is left
        text, found = _TEMPLATE.subn(" ", text)
        if not found:
            break
    for pattern, replacement in _MARKUP:
        text = pattern.sub(replacement, text)
    return text


def strip_accents(text: str) -> str:
    """`text` without combining marks after NFKD (scikit-learn's ``strip_accents_unicode``)."""
    if text.isascii():
        return text
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def preprocess(text: str) -> str:
    """Strip markup, lower-case, fold accents, join hyphenated compounds, fold a plural -s."""
    text = strip_accents(strip_markup(text).lower())
    return _PLURAL_S.sub("", _HYPHEN.sub("", text))


def _stop_words() -> frozenset[str]:
    words = set()
    for path in sorted(STOP_WORD_FILES.glob("*.txt")):
        for line in path.read_text("utf-8").splitlines():
            words.update(line.partition("#")[0].split())
    return frozenset(token for word in words for token in _TOKENIZE(preprocess(word)))


STOP_WORDS = _stop_words()


def analyze(text: str) -> list[str]:
    """The tokens the vectors are made of (empty for blank or stop-word-only text)."""
    if _is_plain(text):
        # No step of `preprocess` looks across whitespace in text without markup, so
        # such text is analysed word by word, and each distinct word once per process
        return [token for word in text.split() for token in _word_tokens(word)]
    return _content_tokens(preprocess(text))


def _content_tokens(text: str) -> list[str]:
    return [token for token in _TOKENIZE(text) if token not in STOP_WORDS]


@lru_cache(maxsize=100_000)
def _word_tokens(word: str) -> tuple[str, ...]:
    return tuple(_content_tokens(preprocess(word)))


@lru_cache(maxsize=100_000)
def _word_grams(word: str) -> tuple[str, ...]:
    # scikit-learn's char_wb for one word: n-grams of " word ", a short word once
    padded, grams = f" {word} ", []
    for n in range(CHAR_NGRAMS[0], CHAR_NGRAMS[1] + 1):
        grams.extend(padded[i : i + n] for i in range(max(len(padded) - n + 1, 1)))
        if len(padded) <= n:
            break
    return tuple(grams)


def l2_rows(matrix: sp.csr_matrix, scale: float = 1.0) -> sp.csr_matrix:
    """Rows scaled to L2 norm `scale` (float32 CSR); an all-zero row stays zero."""
    data = matrix.data.astype(np.float32)
    rows = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
    norms = np.sqrt(np.bincount(rows, weights=data * data, minlength=matrix.shape[0]))
    norms[norms == 0] = 1.0
    data *= (scale / norms).astype(np.float32)[rows]
    return sp.csr_matrix((data, matrix.indices, matrix.indptr), shape=matrix.shape)


def strongest_shared(a: sp.csr_matrix, i: int, b: sp.csr_matrix, j: int) -> list[int]:
    """Columns used by both row i of `a` and row j of `b`, by product of their weights
    desc, then column id."""
    a_cols, a_vals = a.indices[a.indptr[i] : a.indptr[i + 1]], a.data[a.indptr[i] : a.indptr[i + 1]]
    b_cols, b_vals = b.indices[b.indptr[j] : b.indptr[j + 1]], b.data[b.indptr[j] : b.indptr[j + 1]]
    cols, in_a, in_b = np.intersect1d(a_cols, b_cols, assume_unique=True, return_indices=True)
    products = a_vals[in_a] * b_vals[in_b]
    keep = products > 0
    cols, products = cols[keep], products[keep]
    return cols[np.lexsort((cols, -products))].tolist()


def top_terms(contributions: sp.csr_matrix, limit: int) -> list[list[int]]:
    """For each row of an element-wise product (e.g. ``rows.multiply(query)``), the column
    ids of its `limit` largest positive entries, largest first, ties by column id."""
    if contributions.shape[0] == 0:
        return []
    coo = contributions.tocoo()
    keep = coo.data > 0
    rows, cols, vals = coo.row[keep], coo.col[keep], coo.data[keep]
    order = np.lexsort((cols, -vals, rows))
    rows, cols = rows[order], cols[order]
    starts = np.searchsorted(rows, np.arange(contributions.shape[0]))
    rank = np.arange(len(rows)) - starts[rows]
    rows, cols = rows[rank < limit], cols[rank < limit].tolist()
    bounds = np.searchsorted(rows, np.arange(contributions.shape[0] + 1)).tolist()
    return [cols[start:end] for start, end in itertools.pairwise(bounds)]


def _word_terms(chars: bool) -> Callable[[str], tuple[str, ...]]:
    """What a word counts as: its ``char_wb`` 4-grams, or itself."""
    return _word_grams if chars else _itself


def _itself(word: str) -> tuple[str, ...]:
    return (word,)


def _word_counts(tokens: Sequence[list[str]]) -> tuple[sp.csr_matrix, list[str]]:
    """Documents × distinct words: how often each document uses each word, and the
    words in column order."""
    flat = list(itertools.chain.from_iterable(tokens))
    words = list(dict.fromkeys(flat))
    column = {word: i for i, word in enumerate(words)}
    indices = np.fromiter(map(column.__getitem__, flat), dtype=np.int32, count=len(flat))
    indptr = np.zeros(len(tokens) + 1, dtype=np.int64)
    np.cumsum([len(document) for document in tokens], out=indptr[1:])
    data = np.ones(len(flat), dtype=np.float32)
    counts = sp.csr_matrix((data, indices, indptr), shape=(len(tokens), len(words)))
    counts.sum_duplicates()
    return counts, words


def _term_counts(
    tokens: Sequence[list[str]],
    terms_of: Callable[[str], tuple[str, ...]],
    vocabulary: Mapping[str, int],
) -> sp.csr_matrix:
    """scikit-learn's ``CountVectorizer.transform`` (float32) of documents given as
    tokens: (documents × words) @ (words × terms), terms outside `vocabulary` left out."""
    per_word, words = _word_counts(tokens)
    columns = [[i for i in map(vocabulary.get, terms_of(w)) if i is not None] for w in words]
    indptr = np.zeros(len(words) + 1, dtype=np.int64)
    np.cumsum([len(ids) for ids in columns], out=indptr[1:])
    indices = np.fromiter(itertools.chain.from_iterable(columns), np.int32, int(indptr[-1]))
    data = np.ones(len(indices), dtype=np.float32)
    terms = sp.csr_matrix((data, indices, indptr), shape=(len(words), len(vocabulary)))
    terms.sum_duplicates()
    counts = (per_word @ terms).tocsr()
    counts.sort_indices()
    return counts


def _fitted_counts(
    tokens: Sequence[list[str]], terms_of: Callable[[str], tuple[str, ...]], max_df: float
) -> tuple[sp.csr_matrix, np.ndarray]:
    """``CountVectorizer.fit_transform``: every term the documents use, in sorted order,
    less those used by more than `max_df` of the documents; the counts and the terms."""
    used = {term for document in tokens for word in document for term in terms_of(word)}
    terms = np.array(sorted(used), dtype=object)
    counts = _term_counts(tokens, terms_of, {term: i for i, term in enumerate(terms)})
    if max_df < 1.0:
        kept = np.bincount(counts.indices, minlength=len(terms)) <= max_df * len(tokens)
        counts, terms = counts[:, kept].tocsr(), terms[kept]
    return counts, terms


def preload() -> None:
    """Import everything fitting and pairing need (NumPy, SciPy, scikit-learn, OR-Tools,
    sparse_dot_topn: ~1 s of CPU) now rather than at the first index: a long-lived
    process that forks one child per job, like a queue worker, then pays it once."""
    from sklearn.feature_extraction import text  # noqa: F401

    from . import pairing, suggest  # noqa: F401


def _tfidf() -> "TfidfTransformer":
    """scikit-learn's TF-IDF weighting with the settings above."""
    from sklearn.feature_extraction.text import TfidfTransformer

    return TfidfTransformer(sublinear_tf=True)


class TextIndex:
    """TF-IDF vectors of keyed documents, for "which documents is this text about".

    The vocabulary and idf are fitted on the documents once (scikit-learn's
    ``TfidfVectorizer``, see the module); queries are transformed with them, so words no
    document uses are ignored. Keys keep their insertion order. With ``chars=True`` the
    terms are the character 4-grams of the words (``char_wb``), and on a large set of
    documents (`COMMON_GRAM_MIN_DOCUMENTS`) a 4-gram more than `COMMON_GRAM_DF` of them
    use is dropped (``max_df``). `tokens`, if given, are `analyze` of each document, for
    a caller that already has them.
    """

    def __init__(
        self,
        documents: Mapping[Hashable, str],
        chars: bool = False,
        tokens: Sequence[list[str]] | None = None,
    ):
        self.keys: tuple[Hashable, ...] = tuple(documents)
        self._row = {key: i for i, key in enumerate(self.keys)}
        self._texts = list(documents.values())
        self.chars = chars
        if tokens is None:
            tokens = [analyze(text) for text in self._texts]
        self._terms_of = _word_terms(chars)
        common = chars and len(tokens) >= COMMON_GRAM_MIN_DOCUMENTS
        counts, self.terms = _fitted_counts(
            tokens, self._terms_of, COMMON_GRAM_DF if common else 1.0
        )
        self._vocabulary = {term: i for i, term in enumerate(self.terms.tolist())}
        # no content word, or every 4-gram is common: an index that matches nothing
        self._weights = _tfidf().fit(counts) if len(self.terms) else None
        self.matrix: sp.csr_matrix = self._weighted(counts)

    def transform(self, texts: Iterable[str]) -> sp.csr_matrix:
        """L2-normalised query vectors (float32, one row per text) in this index's space."""
        return self.transform_tokens([analyze(text) for text in texts])

    def transform_tokens(self, tokens: Sequence[list[str]]) -> sp.csr_matrix:
        """`transform` of texts the caller has already analysed (`analyze`)."""
        return self._weighted(_term_counts(tokens, self._terms_of, self._vocabulary))

    def _weighted(self, counts: sp.csr_matrix) -> sp.csr_matrix:
        if self._weights is None or counts.shape[0] == 0:
            return sp.csr_matrix(counts.shape, dtype=np.float32)
        return self._weights.transform(counts, copy=False).tocsr()

    def similarities(self, query: str) -> dict[Hashable, float]:
        """Cosine similarity in [0, 1] of `query` to every document, keyed like the documents."""
        scores = (self.matrix @ self.transform([query]).T).toarray().ravel()
        return {key: float(min(score, 1.0)) for key, score in zip(self.keys, scores, strict=True)}

    def shared_terms(self, query: str, key: Hashable, limit: int = 3) -> tuple[str, ...]:
        """The words that contribute most to the similarity of `query` and document `key`,
        strongest first, as a person wrote them (accents kept)."""
        shared = strongest_shared(self.transform([query]), 0, self.matrix, self._row[key])
        return self.display(shared[:limit])

    def display(self, columns: Sequence[int]) -> tuple[str, ...]:
        """Human-readable words for vocabulary column ids."""
        return tuple(self._shown[columns].tolist()) if len(columns) else ()

    @cached_property
    def _shown(self) -> np.ndarray:
        # each vocabulary column as shown to a person, aligned with `terms`
        forms = self._display_forms()
        return np.array([forms.get(term, term) for term in self.terms.tolist()], dtype=object)

    def _display_forms(self) -> dict[str, str]:
        # The most frequent written form of each token in the documents (ties: the first
        # in code point order): the token itself has lost its accents and plural -s,
        # which would garble Hindi or Spanish.
        written = Counter(
            itertools.chain.from_iterable(
                _SURFACE_WORD.findall(_HYPHEN.sub("", text.lower())) for text in self._texts
            )
        )
        best: dict[str, tuple[int, str]] = {}
        for word, count in written.items():
            for token, times in Counter(analyze(word)).items():
                best[token] = min(best.get(token, (0, word)), (-count * times, word))
        return {token: word for token, (_, word) in best.items()}
