"""Which removed + added names are one name re-spelled."""

from __future__ import annotations

import pytest

from driftguard.renames import pair_renames, respelling_score, words


@pytest.mark.parametrize(
    "name", ["fullName", "full_name", "FullName", "full-name", "FULL_NAME", "Full Name"]
)
def test_words_ignore_case_and_separators(name: str) -> None:
    assert words(name) == ["full", "name"]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("full_name", "fullName"),  # snake -> camel
        ("user_name", "username"),  # joined
        ("description", "desc"),  # abbreviation
        ("colour", "color"),  # a small edit
        ("adress", "address"),
        ("name", "full_name"),  # an alias adding a qualifier
        ("Item", "Item-Output"),  # FastAPI's output schema
    ],
)
def test_respellings(old: str, new: str) -> None:
    assert respelling_score(old, new) > 0


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("street", "city"),
        ("created", "updated"),
        ("price", "amount"),
        ("ButtonComponentResponse", "SectionComponentResponse"),
        ("id", "id"),
    ],
)
def test_unrelated_names(old: str, new: str) -> None:
    assert respelling_score(old, new) == 0


def test_case_changes_score_highest() -> None:
    assert respelling_score("full_name", "fullName") > respelling_score("full_name", "fullname")
    assert respelling_score("full_name", "fullname") > respelling_score("name", "full_name")


def test_pairing_takes_the_best_spelling_first_and_asks_about_candidates_only() -> None:
    asked: list[tuple[str, str]] = []

    def same(old: str, new: str) -> bool:
        asked.append((old, new))
        return True

    pairs = pair_renames(["full_name", "zip"], ["fullName", "name", "city"], same)
    assert pairs == [("full_name", "fullName")]
    assert asked == [("full_name", "fullName")]


def test_pairing_needs_the_same_thing() -> None:
    assert pair_renames(["full_name"], ["fullName"], lambda a, b: False) == []


def test_evidence_vouches_for_a_pair_whatever_its_names_and_ranks_it_first() -> None:
    def same(old: str, new: str) -> bool:
        return True

    def moved(old: str, new: str) -> bool:
        return (old, new) == ("email", "contact")

    assert pair_renames(["email"], ["contact"], same) == []
    assert pair_renames(["email"], ["contact"], same, evidence=moved) == [("email", "contact")]
    # evidence outranks a spelling: email's value moved to contact, not to e_mail
    assert pair_renames(["email"], ["e_mail", "contact"], same, evidence=moved) == [
        ("email", "contact")
    ]
