"""kg.text (one toolkit) and kg.authority (one loader per authority file)."""

from __future__ import annotations

import pytest

from kg import authority, text


def test_dehyphenate_one_exception_list():
    # suspended compounds are kept for every word of SUSPENDED, in both modes
    for word in sorted(text.SUSPENDED):
        assert text.dehyphenate(f"Hadeland- {word} Gjøvik") == f"Hadeland- {word} Gjøvik"
        assert text.dehyphenate(f"Hadeland- {word} gjøvik", lower_only=True) == f"Hadeland- {word} gjøvik"
        assert text.join_lines(["Hadeland-", f"{word} Gjøvik"]) == f"Hadeland- {word} Gjøvik"
    assert text.dehyphenate("Jernbanedirek- toratet") == "Jernbanedirektoratet"
    assert text.dehyphenate("Campus- Hamar", lower_only=True) == "Campus- Hamar"
    assert text.join_lines(["samfunn-", "stryggleik"]) == "samfunnstryggleik"


def test_slug_fold_one_edit_months():
    assert text.slug("NOU 2024: 8 Økt åpenhet") == "nou-2024-8-okt-apenhet"
    assert text.fold("Følges opp!") == "flgesopp"
    assert text.one_edit("Innladet", "Innlandet") == 5 and text.one_edit("Innlandet", "Innladet") == 5
    assert text.one_edit("abc", "abc") is None and text.one_edit("abc", "xyz") is None
    assert text.MONTHS["desember"] == 12 and len(text.MONTHS) == 12


def test_municipalities_loader(tmp_path):
    real = authority.municipalities()
    assert len(real.entries) == 46 and real.numbers["Hamar"] == "3403" and "Hamarregionen" in real.regions
    assert authority.municipalities(tmp_path / "none.yaml", required=False) is None
    with pytest.raises(authority.AuthorityError, match="none.yaml:1: municipality register is missing"):
        authority.municipalities(tmp_path / "none.yaml")
    bad = tmp_path / "m.yaml"
    bad.write_text("municipalities:\n  - {number: '3401', name: A}\n  - {number: '34', name: B}\n", encoding="utf-8")
    with pytest.raises(authority.AuthorityError) as exc:
        authority.municipalities(bad)
    assert str(exc.value).startswith(f"{bad}:3: municipality #2: needs a four-digit number")


def test_successor_words_keep_suspended_compounds():
    """Regression: the successor tokeniser joined every "X- Y", so "Hamar- og Hadeland" became the word
    "hamarog" and the responsible-field similarity of 2024/A11 → 2025/A14 was understated."""
    from kg.extract.successors import _words

    assert _words("Hamar- og Hadelandregionen") == ["hamar", "hadelandregionen"]
    assert _words("kommune-\n grenser") == ["kommunegrenser"]
