"""The zh-Hans catalogue is complete, and the committed .mo matches the .po."""

import ast
import gettext
import re
from pathlib import Path

CATALOGUE = Path(__file__).resolve().parent.parent / "locale" / "zh_Hans" / "LC_MESSAGES"


def _unquote(lines: list[str]) -> str:
    return "".join(ast.literal_eval(line) for line in lines)


def parse_po(path: Path) -> list[dict]:
    """Entries of a .po file: msgid, msgid_plural, msgstr forms and flags."""
    entries, current, key = [], None, None
    for raw in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if not line:
            if current is not None:
                entries.append(current)
            current, key = None, None
            continue
        if current is None:
            current = {"flags": set(), "parts": {}}
        if line.startswith("#,"):
            current["flags"].update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif match := re.match(r'^(msgid_plural|msgid|msgstr(?:\[\d+\])?|msgctxt) (".*")$', line):
            key = match.group(1)
            current["parts"][key] = [match.group(2)]
        elif line.startswith('"') and key:
            current["parts"][key].append(line)
    return [
        {"flags": e["flags"], **{k: _unquote(v) for k, v in e["parts"].items()}}
        for e in entries if "msgid" in e["parts"]
    ]


def test_every_message_is_translated_and_none_fuzzy():
    entries = [e for e in parse_po(CATALOGUE / "django.po") if e["msgid"]]
    assert len(entries) > 100
    untranslated = [e["msgid"] for e in entries
                    if not (e.get("msgstr") or e.get("msgstr[0]"))]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert untranslated == []
    assert fuzzy == []


def test_compiled_catalogue_matches_the_source():
    with open(CATALOGUE / "django.mo", "rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for entry in parse_po(CATALOGUE / "django.po"):
        if not entry["msgid"]:
            continue
        context = entry.get("msgctxt")
        if "msgid_plural" in entry:
            got = (compiled.npgettext(context, entry["msgid"], entry["msgid_plural"], 1)
                   if context else compiled.ngettext(entry["msgid"], entry["msgid_plural"], 1))
            assert got == entry["msgstr[0]"], entry["msgid"]
        else:
            got = (compiled.pgettext(context, entry["msgid"]) if context
                   else compiled.gettext(entry["msgid"]))
            assert got == entry["msgstr"], entry["msgid"]
