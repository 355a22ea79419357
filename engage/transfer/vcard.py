"""vCard 2.1, 3.0 and 4.0, read and written by hand.

Reading works on bytes, because a vCard 2.1 file (Android's export) mixes encodings: each
property may say its CHARSET and be QUOTED-PRINTABLE with soft line breaks (`=` at a line's
end), and the bytes it decodes to are in that charset. Folded lines (a line starting with a
space or tab continues the one before) are unfolded first. vobject decodes neither the
soft line breaks nor a per-property CHARSET of 2.1 files reliably, so this module does it.

Writing follows RFC 6350 (4.0) or RFC 2426 (3.0): escaped text, lines folded at 75 octets
without splitting a UTF-8 character, CRLF line ends."""

import quopri
import re

from engage.transfer.files import decode

PARAM = re.compile(r';(?=(?:[^"]*"[^"]*")*[^"]*$)')  # a ';' outside quotes


def _unfold(lines: list[bytes]) -> list[bytes]:
    """Join quoted-printable soft line breaks, then folded lines."""
    joined: list[bytes] = []
    soft = False
    for line in lines:
        if soft and joined:
            joined[-1] = joined[-1][:-1] + line
        elif line[:1] in (b" ", b"\t") and joined:
            joined[-1] += line[1:]
        else:
            joined.append(line)
        head = joined[-1].split(b":", 1)[0].upper()
        soft = b"QUOTED-PRINTABLE" in head and joined[-1].endswith(b"=") and b":" in joined[-1]
    return joined


def _text(raw: bytes, charset: str | None, fallback: str) -> str:
    for codec in filter(None, (charset, fallback, "utf-8", "cp1252")):
        try:
            return raw.decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue
    return raw.decode("latin-1")


def _unescape(value: str) -> str:
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def _split(value: str, sep: str) -> list[str]:
    """Split on `sep` not preceded by a backslash, then unescape each part."""
    return [_unescape(p) for p in re.split(r"(?<!\\)" + re.escape(sep), value)]


def _property(line: bytes, fallback: str):
    """(name, params {NAME: [values]}, types, value text) of one unfolded line."""
    head, _, raw = line.partition(b":")
    head_text = head.decode("latin-1")
    parts = PARAM.split(head_text)
    name = parts[0].split(".")[-1].upper()  # drop an Apple group prefix ("item1.EMAIL")
    params: dict[str, list[str]] = {}
    for part in parts[1:]:
        key, eq, value = part.partition("=")
        if not eq:  # vCard 2.1 bare parameters: TEL;WORK;VOICE
            key, value = ("ENCODING" if part.upper() in ("QUOTED-PRINTABLE", "BASE64") else "TYPE"), part
        params.setdefault(key.upper(), []).extend(v.strip('"') for v in value.split(","))
    encoding = [e.upper() for e in params.get("ENCODING", [])]
    if "QUOTED-PRINTABLE" in encoding:
        raw = quopri.decodestring(raw)
    charset = (params.get("CHARSET") or [None])[0]
    types = {t.lower() for t in params.get("TYPE", [])}
    if "PREF" in params:
        types.add("pref")
    return name, params, types, _text(raw, charset, fallback)


def _by_pref(items: list[tuple[set, str]]) -> list[str]:
    ordered = sorted(items, key=lambda item: 0 if "pref" in item[0] else 1)
    out = []
    for _, value in ordered:
        if value and value not in out:
            out.append(value)
    return out


def _card(lines: list[bytes], fallback: str) -> dict:
    fields: dict = {"emails": [], "phones": [], "links": []}
    emails, phones = [], []
    for line in lines:
        if b":" not in line:
            continue
        name, params, types, value = _property(line, fallback)
        if "BASE64" in [e.upper() for e in params.get("ENCODING", [])] or name in ("PHOTO", "LOGO", "SOUND", "KEY"):
            continue
        if name == "FN":
            fields["name"] = _unescape(value).strip()
        elif name == "N":
            parts = [*_split(value, ";"), "", "", "", "", ""]
            family, given, additional = parts[0], parts[1], parts[2]
            fields["n"] = " ".join(p.replace(",", " ").strip() for p in (given, additional, family) if p.strip())
        elif name == "EMAIL":
            emails.append((types, _unescape(value).strip()))
        elif name == "TEL":
            phones.append((types, _unescape(value).strip().removeprefix("tel:")))
        elif name == "ORG":
            fields.setdefault("organisation", _split(value, ";")[0].strip())
        elif name == "TITLE" or name == "ROLE":
            fields.setdefault("title", _unescape(value).strip())
        elif name == "NOTE":
            fields["bio"] = _unescape(value).strip()
        elif name == "URL":
            fields["links"].append(_unescape(value).strip())
        elif name == "ADR":
            country = [*_split(value, ";"), *[""] * 7][6].strip()
            if country:
                fields.setdefault("country", country)
        elif name == "CATEGORIES" and "do not contact" in [c.strip().lower() for c in _split(value, ",")]:
            fields["do_not_contact"] = "yes"
    fields["name"] = fields.get("name") or fields.get("n", "")
    fields.pop("n", None)
    fields["emails"], fields["phones"] = _by_pref(emails), _by_pref(phones)
    return fields


def parse(data: bytes) -> tuple[list[dict], str]:
    """The cards of a vCard file (any version) as plain fields, and the file's text encoding
    (used for properties that name no CHARSET)."""
    _, encoding = decode(data)
    fallback = {"UTF-8": "utf-8", "UTF-8 (with BOM)": "utf-8"}.get(encoding, "cp1252")
    if encoding == "UTF-16":
        data, fallback = data.decode("utf-16").encode("utf-8"), "utf-8"
    data = data.removeprefix(b"\xef\xbb\xbf")
    lines = _unfold([line.rstrip(b"\r") for line in data.split(b"\n")])
    cards, current = [], None
    for line in lines:
        upper = line.strip().upper()
        if upper == b"BEGIN:VCARD":
            current = []
        elif upper == b"END:VCARD":
            if current is not None:
                cards.append(_card(current, fallback))
            current = None
        elif current is not None:
            current.append(line)
    return cards, encoding


# --- writing ------------------------------------------------------------------------------


def escape(value: str) -> str:
    return (
        (value or "")
        .replace("\\", "\\\\")
        .replace(",", "\\,")
        .replace(";", "\\;")
        .replace("\r\n", "\n")
        .replace("\r", "\n")  # a lone CR is a line break to some readers: a new property
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """RFC 6350 §3.2: lines longer than 75 octets folded, never inside a UTF-8 sequence."""
    out, current = [], b""
    for ch in line:
        encoded = ch.encode()
        limit = 75 if not out else 74
        if len(current) + len(encoded) > limit:
            out.append(current.decode())
            current = b""
        current += encoded
    out.append(current.decode())
    return "\r\n ".join(out) + "\r\n"


def card(person: dict, version: str = "4.0") -> str:
    """One vCard for `person` (name, emails, phones, organisation, title, country, bio, links,
    do_not_contact, uid)."""
    name = person["name"]
    words = name.split()
    family, given = (words[-1], " ".join(words[:-1])) if len(words) > 1 else (name, "")
    lines = ["BEGIN:VCARD", f"VERSION:{version}", f"FN:{escape(name)}", f"N:{escape(family)};{escape(given)};;;"]
    pref = "PREF=1" if version == "4.0" else "TYPE=pref"
    for i, address in enumerate(person["emails"]):
        lines.append(f"EMAIL;TYPE=work{';' + pref if i == 0 else ''}:{escape(address)}")
    for i, number in enumerate(person["phones"]):
        value = f"tel:{number}" if version == "4.0" else number
        kind = ";VALUE=uri" if version == "4.0" else ""
        lines.append(f"TEL;TYPE=work{kind}{';' + pref if i == 0 else ''}:{value}")
    if person.get("organisation"):
        lines.append(f"ORG:{escape(person['organisation'])}")
    if person.get("title"):
        lines.append(f"TITLE:{escape(person['title'])}")
    if person.get("country"):
        lines.append(f"ADR;TYPE=work:;;;;;;{escape(person['country'])}")
    for link in person.get("links") or []:
        lines.append(f"URL:{escape(link)}")
    if person.get("bio"):
        lines.append(f"NOTE:{escape(person['bio'])}")
    if person.get("do_not_contact"):
        lines.append("CATEGORIES:Do not contact")
    lines += [f"UID:{person['uid']}", "END:VCARD"]
    return "".join(fold(line) for line in lines)
