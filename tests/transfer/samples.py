"""Contact files as the address books write them, made here byte by byte."""

GOOGLE_HEADER = (
    "First Name,Middle Name,Last Name,Phonetic First Name,Phonetic Middle Name,Phonetic Last Name,Name Prefix,"
    "Name Suffix,Nickname,File As,Organization Name,Organization Title,Organization Department,Birthday,Notes,Photo,"
    "Labels,E-mail 1 - Label,E-mail 1 - Value,E-mail 2 - Label,E-mail 2 - Value,Phone 1 - Label,Phone 1 - Value,"
    "Address 1 - Label,Address 1 - Country,Website 1 - Label,Website 1 - Value"
)


def google_csv() -> bytes:
    row = (
        "José,,García Núñez,,,,,,,,Fundación Anar,Psicóloga,,,Trabaja en prevención,,* myContacts,* Work,"
        "jose.garcia@anar.example,Home,pepe@casa.example ::: otro@casa.example,Mobile,+34 612 345 678,Work,Spain,,"
    )
    return ("\ufeff" + GOOGLE_HEADER + "\n" + row + "\n").encode("utf-8")


OUTLOOK_HEADER = (
    "First Name,Middle Name,Last Name,Title,Suffix,Nickname,Given Yomi,Surname Yomi,E-mail Address,E-mail 2 Address,"
    "E-mail 3 Address,Home Phone,Home Phone 2,Business Phone,Business Phone 2,Mobile Phone,Job Title,Department,"
    "Company,Business Country/Region,Web Page,Notes"
)


def outlook_csv() -> bytes:
    row = (
        "Zoë,,Brontë-Dupré,Dr.,,,,,zoe.bronte@institut.example,,,,,+44 20 7946 0958,,,Chercheuse,,"
        "Institut Français,United Kingdom,,Café notes"
    )
    return (OUTLOOK_HEADER + "\r\n" + row + "\r\n").encode("cp1252")


def android_vcf() -> bytes:
    return (
        b"BEGIN:VCARD\r\n"
        b"VERSION:2.1\r\n"
        b"N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller-L=C3=BCdenscheidt;J=C3=BCrgen;;;\r\n"
        b"FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:J=C3=BCrgen M=C3=BCller-L=C3=BCdensch=\r\n"
        b"eidt\r\n"
        b"TEL;CELL;PREF:+49 30 1234567\r\n"
        b"EMAIL;HOME:juergen@verein.example\r\n"
        b"ORG;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Verein f=C3=BCr Seelische Gesundheit\r\n"
        b"NOTE;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Gespr=C3=A4chspartner f=C3=BCr Jugendliche, sehr =\r\n"
        b"engagiert\r\n"
        b"END:VCARD\r\n"
    )


def apple_vcf() -> bytes:
    return (
        "BEGIN:VCARD\r\n"
        "VERSION:3.0\r\n"
        "PRODID:-//Apple Inc.//macOS 14.0//EN\r\n"
        "N:Ørsted;Søren;;;\r\n"
        "FN:Søren Ørsted\r\n"
        "ORG:Københavns Universitet;Institut for Psykologi\r\n"
        "TITLE:Lektor\r\n"
        "item1.EMAIL;type=INTERNET;type=pref:soren@ku.example\r\n"
        "TEL;type=CELL;type=VOICE;type=pref:+45 32 12 34 56\r\n"
        "item2.ADR;type=WORK;type=pref:;;Øster Farimagsgade 2A;København;;1353;Denmark\r\n"
        "NOTE:Spiseforstyrrelser\\, unge\\nog sociale medier\\; forskning som rækker langt ud over det sædvanli\r\n"
        " ge\r\n"
        "END:VCARD\r\n"
    ).encode()


def people_csv(rows: int, bad: dict[int, str] | None = None) -> bytes:
    """`rows` people as a plain CSV; `bad` puts an email in a given row (counting from 1)."""
    lines = ["Name,Email,Country,Organisation"]
    for i in range(1, rows + 1):
        email = (bad or {}).get(i, f"expert{i}@bulk.example")
        lines.append(f"Expert {i},{email},GB,Bulk Institute {i % 7}")
    return ("\n".join(lines) + "\n").encode()
