import pytest

from engage.validation import Invalid, normalise_country, normalise_phone, normalise_url, normalise_zone


@pytest.mark.parametrize(
    "bad",
    [
        "javascript:alert(1)",
        "file:///etc/passwd",
        "data:text/html,hi",
        "http://localhost",
        "https://exa mple.org",
        "ftp://example.org",
        "http://[example.org",  # urlsplit raises ValueError ("Invalid IPv6 URL"): a 500 before
        "[",
    ],
)
def test_urls_refused(bad):
    with pytest.raises(Invalid):
        normalise_url(bad)


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("example.org", "https://example.org"),
        ("https://www.example.org/x?y=1", "https://www.example.org/x?y=1"),
        ("https://münchen.de/x", "https://münchen.de/x"),
    ],
)
def test_urls_accepted(given, stored):
    assert normalise_url(given) == stored


def test_phones_countries_zones():
    assert normalise_phone("+44 20 7946 0958") == "+442079460958"
    assert normalise_phone("020 7946 0958", "GB") == "+442079460958"
    with pytest.raises(Invalid):
        normalise_phone("12345")
    assert normalise_country("gb") == "GB"
    with pytest.raises(Invalid):
        normalise_country("UK")
    assert normalise_zone("Australia/Lord_Howe") == "Australia/Lord_Howe"
    with pytest.raises(Invalid):
        normalise_zone("Mars/Olympus")


def test_url_with_a_port_that_is_not_a_number_is_refused():
    with pytest.raises(Invalid):
        normalise_url("https://example.org:http/x")


def test_countries_sort_by_the_name_shown_ignoring_accents():
    from engage.validation import countries

    names = list(countries().values())
    assert names.index("Åland Islands") < names.index("Albania")
    assert names.index("Colombia") < names.index("Côte d'Ivoire") < names.index("Croatia")


@pytest.mark.parametrize(
    "address",
    ["Amara@Example.ORG", "a.b+c@sub.example.co.uk", "x@localhost", "a@b.local", "bad..dots@x.org", "a@-x.org",
     "a@x.test", "ok@xn--bcher-kva.example", "josé@example.es", "a@b", ".a@example.org", "a.@example.org"],
)  # fmt: skip
def test_the_quick_email_check_agrees_with_email_validator(address):
    from email_validator import EmailNotValidError, validate_email

    from engage.validation import Invalid, normalise_email

    try:
        expected = validate_email(address, check_deliverability=False).normalized
    except EmailNotValidError:
        with pytest.raises(Invalid):
            normalise_email(address)
        return
    assert normalise_email(address) == expected
