"""Outlook .msg files made in the tests: a small Compound File Binary (MS-CFB, version 3) writer and
the MS-OXMSG layout of a message with recipients and attachments, enough for extract-msg to read.

Written here because no kept Python library writes .msg files; every stream is laid out as the
specifications say (a mini stream for streams under 4,096 bytes, a FAT, one directory).
"""

import struct

SECTOR = 512
MINI = 64
CUTOFF = 4096
FREE, END, FATSECT = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
NOSTREAM = 0xFFFFFFFF


class Node:
    def __init__(self, name: str, data: bytes | None = None):
        self.name, self.data, self.children = name, data, []  # data None: a storage
        self.sid = 0
        self.start, self.size = END, 0

    def add(self, node: "Node") -> "Node":
        self.children.append(node)
        return node


def _key(node: Node):
    return (len(node.name), node.name.upper())


def _chain(fat: list[int], first: int, count: int) -> None:
    for i in range(count):
        fat[first + i] = first + i + 1 if i < count - 1 else END


def _sectors(data: bytes, size: int) -> int:
    return (len(data) + size - 1) // size


def write_cfb(root: Node) -> bytes:
    nodes = []

    def walk(node):
        node.sid = len(nodes)
        nodes.append(node)
        for child in sorted(node.children, key=_key):
            walk(child)

    walk(root)
    streams = [n for n in nodes if n.data is not None]
    # the mini stream: small streams, 64-byte mini sectors
    mini_data, minifat = bytearray(), []
    for node in streams:
        if len(node.data) < CUTOFF:
            node.start, node.size = (len(mini_data) // MINI if node.data else END), len(node.data)
            count = _sectors(node.data, MINI)
            base = len(minifat)
            minifat.extend([0] * count)
            for i in range(count):
                minifat[base + i] = base + i + 1 if i < count - 1 else END
            mini_data += node.data + b"\0" * (count * MINI - len(node.data))
    body, fat = bytearray(), []

    def place(data: bytes) -> int:
        if not data:
            return END
        first, count = len(fat), _sectors(data, SECTOR)
        fat.extend([0] * count)
        _chain(fat, first, count)
        body.extend(data + b"\0" * (count * SECTOR - len(data)))
        return first

    for node in streams:
        if len(node.data) >= CUTOFF:
            node.start, node.size = place(node.data), len(node.data)
    root.start, root.size = place(bytes(mini_data)), len(mini_data)
    minifat_bytes = b"".join(struct.pack("<I", v) for v in minifat)
    minifat_bytes += b"\xff" * ((-len(minifat_bytes)) % SECTOR)
    minifat_start, minifat_count = place(minifat_bytes), _sectors(minifat_bytes, SECTOR)
    directory = b"".join(_entry(n, nodes) for n in nodes)
    directory += b"".join(_empty_entry() for _ in range((-len(nodes)) % 4))
    directory_start = place(directory)
    fat_count = 1
    while (len(fat) + fat_count) > fat_count * (SECTOR // 4):
        fat_count += 1
    fat_first = len(fat)
    fat.extend([FATSECT] * fat_count)
    fat.extend([FREE] * (fat_count * (SECTOR // 4) - len(fat)))
    fat_bytes = b"".join(struct.pack("<I", v) for v in fat)
    difat = [fat_first + i for i in range(fat_count)] + [FREE] * (109 - fat_count)
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16
    header += struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\0" * 6
    header += struct.pack(
        "<IIIIIIIII",
        0,
        fat_count,
        directory_start,
        0,
        CUTOFF,
        minifat_start if minifat else END,
        minifat_count if minifat else 0,
        END,
        0,
    )
    header += b"".join(struct.pack("<I", v) for v in difat)
    return header + bytes(body) + fat_bytes


def _entry(node: Node, nodes: list[Node]) -> bytes:
    name = node.name.encode("utf-16-le") + b"\0\0"
    kind = 5 if node.sid == 0 else (1 if node.data is None else 2)
    children = sorted(node.children, key=_key)
    child = children[0].sid if children else NOSTREAM
    right = NOSTREAM
    for parent in nodes:  # siblings as a chain of right links, in order (a valid search tree)
        ordered = sorted(parent.children, key=_key)
        for i, sibling in enumerate(ordered):
            if sibling is node and i + 1 < len(ordered):
                right = ordered[i + 1].sid
    start = node.start if (node.data is not None or node.sid == 0) else 0
    size = node.size if (node.data is not None or node.sid == 0) else 0
    return (
        name.ljust(64, b"\0")
        + struct.pack("<HBB", len(name), kind, 1)
        + struct.pack("<III", NOSTREAM, right, child)
        + b"\0" * 16
        + struct.pack("<I", 0)
        + b"\0" * 16
        + struct.pack("<IQ", start, size)
    )


def _empty_entry() -> bytes:
    return (
        b"\0" * 64
        + struct.pack("<HBB", 0, 0, 0)
        + struct.pack("<III", NOSTREAM, NOSTREAM, NOSTREAM)
        + b"\0" * 36
        + struct.pack("<IQ", 0, 0)
    )


# --- MS-OXMSG --------------------------------------------------------------------------------

UNICODE, BINARY, INT32 = 0x001F, 0x0102, 0x0003


def _props(header: bytes, strings: dict[int, str], binaries: dict[int, bytes], ints: dict[int, int], storage: Node):
    entries = b""
    for prop, text in strings.items():
        data = text.encode("utf-16-le")
        storage.add(Node(f"__substg1.0_{prop:04X}{UNICODE:04X}", data))
        entries += struct.pack("<IIII", (prop << 16) | UNICODE, 6, len(data) + 2, 0)
    for prop, data in binaries.items():
        storage.add(Node(f"__substg1.0_{prop:04X}{BINARY:04X}", data))
        entries += struct.pack("<IIII", (prop << 16) | BINARY, 6, len(data), 0)
    for prop, value in ints.items():
        entries += struct.pack("<IIII", (prop << 16) | INT32, 6, value, 0)
    storage.add(Node("__properties_version1.0", header + entries))


def make_msg(
    subject: str,
    sender: tuple[str, str],
    to: list[tuple[str, str]],
    cc: list[tuple[str, str]],
    date: str,
    body: str,
    attachments: list[tuple[str, bytes]] = (),
) -> bytes:
    """An Outlook message: `sender`, `to` and `cc` as (name, address), `date` an RFC 5322 date."""
    root = Node("Root Entry")
    recipients = [(r, 1) for r in to] + [(r, 2) for r in cc]

    def line(pairs):
        return ", ".join(f"{n} <{a}>" for n, a in pairs)

    headers = f"From: {line([sender])}\r\nTo: {line(to)}\r\n" + (f"Cc: {line(cc)}\r\n" if cc else "")
    headers += f"Subject: {subject}\r\nDate: {date}\r\nMIME-Version: 1.0\r\n\r\n"
    top = struct.pack("<8xIIII8x", len(recipients), len(attachments), len(recipients), len(attachments))
    _props(
        top,
        {
            0x001A: "IPM.Note",
            0x0037: subject,
            0x1000: body,
            0x0C1A: sender[0],
            0x0C1F: sender[1],
            0x007D: headers,
            0x0E04: "; ".join(n for n, _ in to),
            0x0E03: "; ".join(n for n, _ in cc),
        },
        {},
        {0x3FDE: 65001},
        root,
    )
    names = root.add(Node("__nameid_version1.0"))
    for stream in ("__substg1.0_00020102", "__substg1.0_00030102", "__substg1.0_00040102"):
        names.add(Node(stream, b""))
    for number, ((name, address), kind) in enumerate(recipients):
        storage = root.add(Node(f"__recip_version1.0_#{number:08X}"))
        _props(
            b"\0" * 8,
            {0x3001: name, 0x3003: address, 0x39FE: address, 0x3002: "SMTP"},
            {},
            {0x0C15: kind, 0x3000: number},
            storage,
        )
    for number, (filename, data) in enumerate(attachments):
        storage = root.add(Node(f"__attach_version1.0_#{number:08X}"))
        _props(
            b"\0" * 8,
            {0x3707: filename, 0x3704: filename[:12], 0x3001: filename},
            {0x3701: data},
            {0x3705: 1, 0x0E21: number},
            storage,
        )
    return write_cfb(root)
