import pytest

from shared import regions


def test_twenty_regions_with_three_names_each() -> None:
    all_regions = regions.all_regions()
    assert len(all_regions) == 20
    assert len({r.code for r in all_regions}) == 20
    for region in all_regions:
        assert all(region.names[lang] for lang in ("kk", "ru", "en")), region.code
        assert "." not in region.code  # a routing-key segment


def test_2019_alias_nur_sultan_resolves_to_astana() -> None:
    assert regions.resolve("Nur-Sultan").code == "astana"
    assert regions.resolve("Нұр-Сұлтан").code == "astana"
    assert regions.resolve("nowhere") is None


def test_region_list_spec() -> None:
    assert regions.parse_region_list("almaty, shymkent") == ("almaty", "shymkent")
    assert len(regions.parse_region_list("all")) == 20
    with pytest.raises(ValueError, match="unknown region 'atlantis'"):
        regions.parse_region_list("almaty,atlantis")


def test_kazakh_letters_survive_the_reference_file() -> None:
    assert regions.resolve("ulytau").name("kk") == "Ұлытау облысы"
    assert regions.resolve("mangystau").name("kk") == "Маңғыстау облысы"
