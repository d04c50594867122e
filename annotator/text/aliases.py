"""Built-in aliases: the common names of one actor that no spelling rule can join.

"US", "U.S.", "USA", "United States" and "America" are one actor, and so are "UK",
"Britain" and "United Kingdom"; "EU", "UN" and "NATO" are written both ways. Nationality
adjectives far from their country's name ("French", "Dutch", "British") are here too, since
`actors.is_demonym_of` only joins those that share the name's stem ("Russian" → "Russia").

Each alias maps to the actor's canonical name and kind. Keys are compared in the form
`actors.normalise_name` gives, lowercased: no leading "the", no possessive. Capitals that
stand for governments ("Moscow", "Washington") are left out on purpose: as often they are
only the place where something happens.
"""

from __future__ import annotations

GPE, ORG = "GPE", "ORG"

_ACTORS: dict[tuple[str, str], tuple[str, ...]] = {
    ("United States", GPE): (
        "us",
        "u.s.",
        "u.s",
        "usa",
        "u.s.a.",
        "united states",
        "united states of america",
        "america",
        "american",
        "americans",
    ),
    ("United Kingdom", GPE): (
        "uk",
        "u.k.",
        "britain",
        "great britain",
        "united kingdom",
        "british",
        "britons",
    ),
    ("European Union", ORG): ("eu", "e.u.", "european union"),
    ("United Nations", ORG): ("un", "u.n.", "united nations"),
    ("NATO", ORG): ("nato", "north atlantic treaty organization", "north atlantic alliance"),
    ("Russia", GPE): ("russian federation",),
    ("North Korea", GPE): ("dprk", "democratic people's republic of korea"),
    ("South Korea", GPE): ("republic of korea",),
    ("China", GPE): ("prc", "people's republic of china"),
    ("France", GPE): ("french", "frenchmen"),
    ("Spain", GPE): ("spanish", "spaniards"),
    ("Poland", GPE): ("polish",),
    ("Denmark", GPE): ("danish", "danes"),
    ("Finland", GPE): ("finnish", "finns"),
    ("Norway", GPE): ("norwegian", "norwegians"),
    ("Ireland", GPE): ("irish",),
    ("Portugal", GPE): ("portuguese",),
    ("New Zealand", GPE): ("new zealander",),
    ("Germany", GPE): ("german", "germans"),
    ("Netherlands", GPE): ("dutch", "holland"),
    ("Switzerland", GPE): ("swiss",),
    ("Greece", GPE): ("greek", "greeks"),
    ("Afghanistan", GPE): ("afghan", "afghans"),
    ("Philippines", GPE): ("filipino", "philippine"),
    ("Saudi Arabia", GPE): ("saudi", "saudis"),
    ("United Arab Emirates", GPE): ("uae", "emirati"),
    ("International Criminal Court", ORG): ("icc", "international criminal court"),
}

# Countries a nationality adjective is named by when the document never writes the country
# itself ("Russian proposals" → Russia), so that the project has one actor for it across its
# documents. Matched by `actors.is_demonym_of`; adjectives far from the name are aliases above.
COUNTRIES = (
    "Afghanistan", "Albania", "Algeria", "Argentina", "Armenia", "Australia", "Austria",
    "Azerbaijan", "Bangladesh", "Belarus", "Belgium", "Bolivia", "Bosnia", "Brazil", "Bulgaria",
    "Cambodia", "Canada", "Chile", "China", "Colombia", "Croatia", "Cuba", "Cyprus", "Egypt",
    "Eritrea", "Estonia", "Ethiopia", "Georgia", "Ghana", "Guatemala", "Haiti", "Hungary",
    "India", "Indonesia", "Iran", "Iraq", "Israel", "Italy", "Japan", "Jordan", "Kazakhstan",
    "Kenya", "Kosovo", "Kuwait", "Latvia", "Lebanon", "Libya", "Lithuania", "Malaysia", "Mali",
    "Mexico", "Moldova", "Mongolia", "Morocco", "Nepal", "Nicaragua", "Nigeria", "North Korea",
    "Norway", "Pakistan", "Palestine", "Panama", "Peru", "Qatar", "Romania", "Russia", "Rwanda",
    "Serbia", "Slovakia", "Slovenia", "Somalia", "South Africa", "South Korea", "Sudan",
    "Sweden", "Syria", "Taiwan", "Tanzania", "Tunisia", "Turkey", "Uganda", "Ukraine",
    "Uzbekistan", "Venezuela", "Vietnam", "Yemen", "Zimbabwe",
)  # fmt: skip

BUILT_IN: dict[str, tuple[str, str]] = {
    alias: actor for actor, aliases in _ACTORS.items() for alias in aliases
}


def canonical_actor(key: str) -> tuple[str, str] | None:
    """The (name, kind) a normalised, lowercased mention is a built-in alias of; else None."""
    return BUILT_IN.get(key)
