#!/usr/bin/env python3
"""Generates the BluetoothNumbers name tables from the Nordic bluetooth-numbers-database JSON.

Reads Sources/BluetoothNumbers/data/*.json and writes Sources/BluetoothNumbers/Generated/Tables.swift.
Run from anywhere: python3 Sources/BluetoothNumbers/codegen/generate.py
(--check: exit 1 instead of writing when the committed file is out of date.)

Each table is a sorted key array plus one multi-line string literal holding the names, one per line, in key
order. Arrays of integer literals with an explicit element type and a single string literal type-check in
linear time, unlike a dictionary literal with thousands of entries. NameList (BluetoothNumbers.swift) finds
the line starts once, at first use.
"""
import json
import os
import re
import textwrap
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
MODULE = os.path.dirname(HERE)
DATA = os.path.join(MODULE, "data")
OUT = os.path.join(MODULE, "Generated", "Tables.swift")

UUID16 = re.compile(r"^[0-9A-F]{4}$")
UUID128 = re.compile(r"^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$")
BASE_SUFFIX = "-0000-1000-8000-00805F9B34FB"


def fail(message):
    sys.exit("generate.py: " + message)


def load(name):
    with open(os.path.join(DATA, name), encoding="utf-8") as f:
        entries = json.load(f)
    if not isinstance(entries, list):
        fail(name + ": expected a JSON array")
    return entries


def check_name(where, name):
    if not isinstance(name, str) or not name or name != name.strip():
        fail("%s: empty name or name with outer whitespace: %r" % (where, name))
    if any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F or c in "\u2028\u2029" for c in name):
        fail("%s: control character in name %r" % (where, name))
    return name


def add(table, key, name, where, duplicates):
    """Adds key -> name; the same pair twice is counted, two names for one key is an error."""
    if key in table:
        if table[key] != name:
            fail("%s: %r has two names: %r and %r" % (where, key, table[key], name))
        duplicates[0] += 1
    else:
        table[key] = name


def uuid_tables(file_name):
    """Splits a *_uuids.json into {uuid16: name} and {(high64, low64): name}; returns them and stats."""
    entries = load(file_name)
    short, long, duplicates = {}, {}, [0]
    for i, e in enumerate(entries):
        where = "%s[%d]" % (file_name, i)
        uuid = e.get("uuid", "")
        name = check_name(where, e.get("name"))
        if UUID16.match(uuid):
            add(short, int(uuid, 16), name, where, duplicates)
        elif UUID128.match(uuid):
            if uuid.endswith(BASE_SUFFIX) and uuid.startswith("0000"):
                add(short, int(uuid[4:8], 16), name, where, duplicates)  # a 16-bit UUID written long
            else:
                value = int(uuid.replace("-", ""), 16)
                add(long, (value >> 64, value & 0xFFFFFFFFFFFFFFFF), name, where, duplicates)
        else:
            fail("%s: uuid %r is neither XXXX nor the 8-4-4-4-12 form (upper-case hex)" % (where, uuid))
    return short, long, {"entries": len(entries), "duplicates": duplicates[0]}


def company_table():
    entries = load("company_ids.json")
    table, duplicates = {}, [0]
    for i, e in enumerate(entries):
        where = "company_ids.json[%d]" % i
        code = e.get("code")
        if not isinstance(code, int) or not 0 <= code <= 0xFFFF:
            fail("%s: code %r is not a UInt16" % (where, code))
        add(table, code, check_name(where, e.get("name")), where, duplicates)
    return table, {"entries": len(entries), "duplicates": duplicates[0]}


def appearance_tables():
    """Categories keyed by category (value >> 6); subcategories keyed by the whole 16-bit value."""
    entries = load("gap_appearance.json")
    categories, subcategories, duplicates = {}, {}, [0]
    for i, e in enumerate(entries):
        where = "gap_appearance.json[%d]" % i
        category = e.get("category")
        if not isinstance(category, int) or not 0 <= category <= 0x3FF:
            fail("%s: category %r does not fit 10 bits" % (where, category))
        add(categories, category, check_name(where, e.get("name")), where, duplicates)
        for j, s in enumerate(e.get("subcategory", [])):
            sub_where = "%s.subcategory[%d]" % (where, j)
            value = s.get("value")
            if not isinstance(value, int) or not 1 <= value <= 0x3F:
                fail("%s: subcategory %r is not 1...63" % (sub_where, value))
            add(subcategories, category << 6 | value, check_name(sub_where, s.get("name")), sub_where, duplicates)
    return categories, subcategories, {"entries": len(entries), "duplicates": duplicates[0]}


def swift_line(name):
    """One line of a multi-line string literal: escapes backslash and quote; non-ASCII as \\u{...}."""
    out = []
    for c in name:
        if c == "\\":
            out.append("\\\\")
        elif c == '"':
            out.append('\\"')
        elif ord(c) > 0x7E:
            out.append("\\u{%X}" % ord(c))
        else:
            out.append(c)
    return "".join(out)


def int_array(values, width, indent="        ", per_line=None):
    digits = width // 4
    per_line = per_line or {4: 12, 16: 4}[digits]
    rows = []
    for i in range(0, len(values), per_line):
        rows.append(indent + ", ".join("0x%0*X" % (digits, v) for v in values[i:i + per_line]) + ",")
    return "\n".join(rows)


def names_literal(names, indent="        "):
    return '"""\n' + "\n".join(indent + swift_line(n) for n in names) + "\n" + indent + '"""'


def table16(doc, ident, table):
    keys = sorted(table)
    return (
        "    /// %s\n"
        "    static let %s = NameTable(\n"
        "        keys: %sKeys,\n"
        "        names: NameList(%sNames)\n"
        "    )\n"
        "    private static let %sKeys: [UInt16] = [\n%s\n    ]\n"
        "    private static let %sNames: StaticString = %s\n"
    ) % (doc, ident, ident, ident, ident, int_array(keys, 16), ident, names_literal([table[k] for k in keys]))


def table128(doc, ident, table):
    keys = sorted(table)
    return (
        "    /// %s\n"
        "    static let %s = UUID128Table(\n"
        "        high: %sHigh,\n"
        "        low: %sLow,\n"
        "        names: NameList(%sNames)\n"
        "    )\n"
        "    private static let %sHigh: [UInt64] = [\n%s\n    ]\n"
        "    private static let %sLow: [UInt64] = [\n%s\n    ]\n"
        "    private static let %sNames: StaticString = %s\n"
    ) % (doc, ident, ident, ident, ident,
         ident, "\n".join("        0x%016X,  // %s" % (k[0], uuid_text(k)) for k in keys),
         ident, int_array([k[1] for k in keys], 64),
         ident, names_literal([table[k] for k in keys]))


def uuid_text(key):
    digits = "%016X%016X" % key
    return "-".join((digits[0:8], digits[8:12], digits[12:16], digits[16:20], digits[20:32]))


def licence_comment():
    with open(os.path.join(DATA, "LICENSE"), encoding="utf-8") as f:
        text = f.read().strip()
    lines = []
    for paragraph in text.split("\n"):  # wrapped to the house's 120 columns; the words are the licence's
        wrapped = textwrap.wrap(paragraph, width=117, break_long_words=False, break_on_hyphens=False)
        lines.extend(("// " + line).rstrip() for line in wrapped or [""])
    return "\n".join(lines)


def generate():
    services16, services128, service_stats = uuid_tables("service_uuids.json")
    characteristics16, characteristics128, characteristic_stats = uuid_tables("characteristic_uuids.json")
    descriptors16, descriptors128, descriptor_stats = uuid_tables("descriptor_uuids.json")
    companies, company_stats = company_table()
    categories, subcategories, appearance_stats = appearance_tables()
    if descriptors128:
        fail("descriptor_uuids.json has 128-bit entries; add a descriptors128 table")

    counts = [
        ("serviceEntries", service_stats["entries"], "entries in service_uuids.json"),
        ("serviceDuplicates", service_stats["duplicates"], "of them repeating an earlier UUID with the same name"),
        ("services16", len(services16), "distinct 16-bit service UUIDs"),
        ("services128", len(services128), "distinct 128-bit service UUIDs"),
        ("characteristicEntries", characteristic_stats["entries"], "entries in characteristic_uuids.json"),
        ("characteristicDuplicates", characteristic_stats["duplicates"],
         "of them repeating an earlier UUID with the same name"),
        ("characteristics16", len(characteristics16), "distinct 16-bit characteristic UUIDs"),
        ("characteristics128", len(characteristics128), "distinct 128-bit characteristic UUIDs"),
        ("descriptorEntries", descriptor_stats["entries"], "entries in descriptor_uuids.json"),
        ("descriptorDuplicates", descriptor_stats["duplicates"], "of them repeating an earlier UUID"),
        ("descriptors16", len(descriptors16), "distinct 16-bit descriptor UUIDs"),
        ("companyEntries", company_stats["entries"], "entries in company_ids.json"),
        ("companyDuplicates", company_stats["duplicates"], "of them repeating an earlier code"),
        ("companies", len(companies), "distinct company identifiers"),
        ("appearanceCategoryEntries", appearance_stats["entries"], "entries (categories) in gap_appearance.json"),
        ("appearanceDuplicates", appearance_stats["duplicates"], "repeated categories or subcategories"),
        ("appearanceCategories", len(categories), "distinct appearance categories"),
        ("appearanceSubcategories", len(subcategories), "distinct appearance subcategories, all categories"),
    ]
    count_lines = "\n".join("    /// %s.\n    static let %s = %d" % (doc[0].upper() + doc[1:], ident, value)
                            for ident, value, doc in counts)

    parts = [
        "// Bluetooth SIG assigned numbers from Nordic Semiconductor's bluetooth-numbers-database (v1/),\n"
        "// distributed under the licence below (Sources/BluetoothNumbers/data/LICENSE):\n"
        "//\n",
        licence_comment() + "\n",
        "//\n"
        "// Generated by codegen/generate.py from data/*.json, do not edit.\n"
        "// Regenerate: python3 Sources/BluetoothNumbers/codegen/generate.py\n"
        "\n"
        "/// Sizes of the source JSON and of the tables built from it, for the tests to hold the tables to.\n"
        "enum GeneratedCounts {\n" + count_lines + "\n}\n\n"
        "extension BluetoothNumbers {\n",
        table16("Services with 16-bit UUIDs (service_uuids.json).", "services16", services16),
        "\n",
        table128("Services with 128-bit vendor UUIDs (service_uuids.json).", "services128", services128),
        "\n",
        table16("Characteristics with 16-bit UUIDs (characteristic_uuids.json).", "characteristics16",
                characteristics16),
        "\n",
        table128("Characteristics with 128-bit vendor UUIDs (characteristic_uuids.json).", "characteristics128",
                 characteristics128),
        "\n",
        table16("Descriptors (descriptor_uuids.json).", "descriptors16", descriptors16),
        "\n",
        table16("Company identifiers (company_ids.json).", "companies", companies),
        "\n",
        table16("Appearance categories, keyed by category (value >> 6) (gap_appearance.json).",
                "appearanceCategories", categories),
        "\n",
        table16("Appearance subcategories, keyed by the whole value (category << 6 | subcategory).",
                "appearanceSubcategories", subcategories),
        "}\n",
    ]
    return "".join(parts)


def main():
    text = generate()
    if "--check" in sys.argv[1:]:
        try:
            with open(OUT, encoding="utf-8") as f:
                current = f.read()
        except FileNotFoundError:
            current = None
        if current != text:
            sys.exit("generate.py: %s is out of date; run codegen/generate.py" % os.path.relpath(OUT))
        return
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w", encoding="utf-8") as f:
        f.write(text)
    print("wrote " + os.path.relpath(OUT))


if __name__ == "__main__":
    main()
