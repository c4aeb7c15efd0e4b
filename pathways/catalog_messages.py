"""The framework catalog's texts as gettext messages, so they are translated like the UI.

``pybabel extract`` reads ``data/catalog.yaml`` with :func:`extract_catalog` (named in
``babel.cfg``): every translatable field becomes a message whose context (``msgctxt``)
is its item, such as ``skill:referencing``. The catalog itself stays English and keeps
ids; pages translate at render time with :func:`translated`, so there is one mechanism
and no copy of the YAML per language.
"""

from collections.abc import Iterator
from typing import IO, Any

import yaml
from flask import g, has_app_context

from .catalog import Feature, Level, Pillar, Recommendation, Role, Skill, Track, get_catalog
from .i18n import translations

TRANSLATABLE: dict[str, tuple[str, ...]] = {
    "levels": ("name", "description"),
    "pillars": ("name", "description"),
    "tracks": ("name", "description"),
    "skills": ("name", "description", "activities"),
    "roles": ("name", "description"),
    "features": ("name",),
    "recommendations": ("text", "how", "out_of_scope"),
}
KIND_OF_SECTION = {
    "levels": "level",
    "pillars": "pillar",
    "tracks": "track",
    "skills": "skill",
    "roles": "role",
    "features": "feature",
    "recommendations": "recommendation",
}
KIND_OF_TYPE = {
    Level: "level",
    Pillar: "pillar",
    Track: "track",
    Skill: "skill",
    Role: "role",
    Feature: "feature",
    Recommendation: "recommendation",
}


def context(kind: str, item_id: str) -> str:
    """The ``msgctxt`` of one item's texts: the same English word in two items can be
    translated differently."""
    return f"{kind}:{item_id}"


def context_of(item: Any) -> str:
    return context(KIND_OF_TYPE[type(item)], item.id)


def translated(item: Any, field: str = "name") -> str:
    """One text of a catalog item in the reader's language; English where untranslated."""
    return translations().upgettext(context_of(item), getattr(item, field))


def translated_each(item: Any, field: str) -> list[str]:
    """Each text of a list field (a skill's activities) in the reader's language."""
    found = translations()
    return [found.upgettext(context_of(item), text) for text in getattr(item, field)]


def skill_name(skill_id: str) -> str:
    """A skill's name by id in the reader's language; an id the catalog no longer has
    (a request from before a catalog change) is shown as itself.

    Each name is translated once per request and language: list pages show the same
    few skills on every row.
    """
    names = g.setdefault("skill_names", {}) if has_app_context() else {}
    found = translations()  # the reader's language, found faster than its name
    key = (found, skill_id)
    if key not in names:
        skill = get_catalog().skills.get(skill_id)
        names[key] = skill_id if skill is None else translated(skill)
    return names[key]


def extract_catalog(
    fileobj: IO[bytes], keywords, comment_tags, options
) -> Iterator[tuple[int, str, tuple[str, str], list[str]]]:
    """Babel extraction method: ``(line, "pgettext", (context, text), comments)`` per text."""
    document = yaml.compose(fileobj.read().decode("utf-8"))
    for section, items in _mapping(document).items():
        fields = TRANSLATABLE.get(section)
        if fields is None:
            continue
        for item in items.value:
            values = _mapping(item)
            item_context = context(KIND_OF_SECTION[section], values["id"].value)
            for name in fields:
                for node in _texts(values.get(name)):
                    comment = f"{section[:-1]} {name}"
                    yield (
                        node.start_mark.line + 1,
                        "pgettext",
                        (item_context, node.value),
                        [comment],
                    )


def _mapping(node: yaml.Node) -> dict[str, Any]:
    return {key.value: value for key, value in node.value}


def _texts(node: yaml.Node | None) -> list[yaml.ScalarNode]:
    """The text nodes of a field: one scalar, or each item of a list; none when absent."""
    if node is None:
        return []
    if isinstance(node, yaml.SequenceNode):
        return [child for child in node.value if child.value]
    return [node] if node.value else []


def level_name(level_id: str) -> str:
    """A level's name by id in the reader's language; an unknown id as itself."""
    level = get_catalog().levels.get(level_id)
    return level_id if level is None else translated(level)
