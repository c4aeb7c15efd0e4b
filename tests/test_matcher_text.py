import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sklearn.feature_extraction.text import (
    ENGLISH_STOP_WORDS,
    TfidfVectorizer,
    strip_accents_unicode,
)

from matcher.text import (
    CHAR_NGRAMS,
    STOP_WORDS,
    TOKEN_PATTERN,
    TextIndex,
    analyze,
    preprocess,
    strip_accents,
    top_terms,
)


def word_vectorizer() -> TfidfVectorizer:
    """scikit-learn's vectorizer with the matcher's word settings: the reference."""
    return TfidfVectorizer(
        preprocessor=preprocess,
        token_pattern=TOKEN_PATTERN,
        stop_words=sorted(STOP_WORDS),
        ngram_range=(1, 1),
        min_df=1,
        sublinear_tf=True,
        dtype=np.float32,
    )


def char_vectorizer() -> TfidfVectorizer:
    """scikit-learn's ``char_wb`` vectorizer over the content words: the reference."""
    return TfidfVectorizer(
        analyzer="char_wb",
        preprocessor=lambda text: " ".join(analyze(text)),
        lowercase=False,
        ngram_range=CHAR_NGRAMS,
        min_df=1,
        sublinear_tf=True,
        dtype=np.float32,
    )


def test_hyphenated_compounds_and_plurals_match_their_paraphrase():
    assert set(analyze("organising edit-a-thons and meet-ups")) >= {"editathon", "meetup"}
    assert set(analyze("running editathons and meetups")) >= {"editathon", "meetup"}


def test_plural_folding_leaves_short_words_and_ss_us_endings_alone():
    assert analyze("class status bus ideas") == ["class", "status", "bus", "idea"]


def test_accents_are_folded_so_unaccented_typing_matches():
    assert analyze("organización") == analyze("organizacion")
    assert analyze("Événements") == analyze("evenement")


def test_devanagari_words_are_not_split_at_vowel_signs():
    assert analyze("हिंदी विकिपीडिया संपादन") == ["हिंदी", "विकिपीडिया", "संपादन"]


def test_arabic_words_survive_and_optional_vowel_marks_are_ignored():
    assert analyze("مُحَرِّر ويكيبيديا") == analyze("محرر ويكيبيديا") == ["محرر", "ويكيبيديا"]


@pytest.mark.parametrize(
    "text",
    [
        "I would like to do this with them",
        "quiero que la de los para con una",
        "je voudrais que les de la pour avec une",
        "eu quero que para com uma",
        "أريد أن في من على",
        "मैं चाहता हूँ कि यह और",
        "",
        "2024 42",
    ],
)
def test_function_words_of_movement_languages_are_stop_words(text):
    assert analyze(text) == []


PIECES = [
    "Edit", "-a-", "thons", "s ", "é", "e\u0301", "Σ", "ΟΔΟΣ", "हिंदी", "ﬁ", "½", "2024",
    " ", "\t", "\n", "\u00a0", "\u3000", "‐", "the", "WWW", "class", "ideas", "-",
]  # fmt: skip


@given(st.lists(st.sampled_from(PIECES), max_size=12).map("".join))
def test_plain_text_analysed_word_by_word_gives_the_whole_texts_tokens(text):
    whole = [t for t in re.findall(TOKEN_PATTERN, preprocess(text)) if t not in STOP_WORDS]
    assert analyze(text) == whole


def test_english_stop_words_are_scikit_learns_list():
    assert {token for word in ENGLISH_STOP_WORDS for token in analyze(word)} == set()
    assert {"want", "learn", "help"} <= STOP_WORDS


@pytest.mark.parametrize("text", ["plain", "organización", "مُحَرِّر", "हिंदी", "Ｆｕｌｌ ﬁ", "ñandú"])
def test_accents_are_folded_as_scikit_learn_does(text):
    assert strip_accents(text) == strip_accents_unicode(text)


def test_word_index_is_scikit_learns_float32_sublinear_unigram_tfidf():
    texts = ["wiki wiki wiki events", "wiki commons", "the and", "Plantillas, módulos Lua"]
    index = TextIndex(dict(enumerate(texts)))
    reference = word_vectorizer()
    expected = reference.fit_transform(texts)
    assert index.matrix.dtype.name == "float32"
    assert list(index.terms) == list(reference.get_feature_names_out())
    assert abs(index.matrix - expected).max() < 1e-6


def test_text_index_ranks_documents_by_similarity():
    index = TextIndex(
        {
            "running-events": "Running events: editathons, meetups and workshops",
            "referencing": "Referencing: citing reliable sources",
            "mediation": "Mediation: helping editors resolve disputes",
        }
    )
    scores = index.similarities("I want to organise edit-a-thons and a meetup")
    assert max(scores, key=scores.get) == "running-events"
    assert scores["referencing"] == 0.0
    assert all(0.0 <= s <= 1.0 for s in scores.values())


def test_shared_terms_are_the_words_as_written_strongest_first():
    index = TextIndex({"a": "Organización de editatones y eventos", "b": "Lua y plantillas"})
    terms = index.shared_terms("organizacion de eventos y editatones", "a", limit=2)
    assert len(terms) == 2
    assert set(terms) <= {"organización", "editatones", "eventos"}
    assert index.shared_terms("organizacion", "b") == ()


def test_text_index_of_stop_words_only_is_empty_not_an_error():
    index = TextIndex({"a": "the and of", "b": ""})
    assert index.similarities("anything at all") == {"a": 0.0, "b": 0.0}
    assert index.shared_terms("anything", "a") == ()


def test_character_index_whose_every_gram_is_common_is_empty_not_an_error():
    from matcher.text import COMMON_GRAM_MIN_DOCUMENTS

    index = TextIndex({n: "wiki" for n in range(COMMON_GRAM_MIN_DOCUMENTS)}, chars=True)
    assert index.matrix.shape == (COMMON_GRAM_MIN_DOCUMENTS, 0)
    assert index.similarities("wiki")[0] == 0.0


def test_query_with_unknown_words_scores_zero():
    index = TextIndex({"a": "citations and sources"})
    assert index.similarities("zzyzx qwerty") == {"a": 0.0}


def test_query_vectors_equal_the_fitted_vectorizers_own_transform():
    documents = {
        "a": "Running editathons and meetups, meetups, meetups",
        "b": "Plantillas, módulos Lua y bots",
        "c": "हिंदी विकिपीडिया संपादन",
    }
    index = TextIndex(documents)
    queries = ["meetups and Lua bots bots", "संपादन", "", "unknown words only"]
    mine = index.transform(queries).toarray()
    reference = word_vectorizer().fit(documents.values()).transform(queries).toarray()
    assert mine == pytest.approx(reference, abs=1e-6)
    assert index.transform(documents.values()).toarray() == pytest.approx(
        index.matrix.toarray(), abs=1e-6
    )


def test_top_terms_per_row_strongest_first_ties_by_column():
    index = TextIndex({"a": "lua modules templates", "b": "sources", "c": "bots"})
    query = index.transform(["lua templates sources"])
    rows = index.matrix[[0, 1, 2]]
    columns = top_terms(rows.multiply(query).tocsr(), 1)
    assert [index.display(c) for c in columns] == [("lua",), ("sources",), ()]
    assert top_terms(rows[:0], 3) == []


@pytest.mark.parametrize("documents", [30, 60])
def test_character_index_is_scikit_learns_char_wb_tfidf(documents):
    from matcher.text import COMMON_GRAM_DF, COMMON_GRAM_MIN_DOCUMENTS

    words = [
        "edit-a-thons",
        "editatones",
        "bibliotecas",
        "library",
        "Lua",
        "modules",
        "{{cite}}",
        "the",
        "and",
    ]
    texts = [" ".join(words[i % 7 : i % 7 + 1 + i % 4]) for i in range(documents)]
    index = TextIndex(dict(enumerate(texts)), chars=True)
    reference = char_vectorizer()
    if documents >= COMMON_GRAM_MIN_DOCUMENTS:
        reference.set_params(max_df=COMMON_GRAM_DF)
    expected = reference.fit_transform(texts)
    assert list(index.terms) == list(reference.get_feature_names_out())
    assert abs(index.matrix - expected).max() < 1e-6
    query = ["editathon at the biblioteca", "<b>modules</b>"]
    assert abs(index.transform(query) - reference.transform(query)).max() < 1e-6


def test_markup_urls_and_stop_words_never_become_interests():
    text = (
        "<script>alert(1)</script><img src=x onerror=alert(1)> {{Babel|en|es}} "
        "[[File:Logo.png|thumb|100px|Logo]] https://example.org/script?a=1 quiero aprender"
    )
    assert analyze(text) == []
    assert analyze("I run [[Edit-a-thon|edit-a-thons]] at [[University]]") == [
        "run",
        "editathon",
        "university",
    ]


def test_transforming_no_texts_gives_no_rows_in_the_index_space():
    index = TextIndex({1: "wikidata queries", 2: "citing sources"}, chars=True)
    empty = index.transform([])
    assert empty.shape == (0, len(index.terms))
