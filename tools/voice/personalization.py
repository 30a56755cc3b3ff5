"""One RM's tone profile (versioned) and drafting rules, stored; bank policy checked before a rule is kept.

Everything is scoped to the RM it was opened for: another RM's client is not a valid rule scope, another
RM's rule cannot be removed, and a tone profile is only ever read for its own RM.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Collection, Iterable, Mapping
from typing import Any

from sqlalchemy import Connection, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from stores.db import Database
from stores.personalization import RULE_SCOPES, RmRule, ToneProfileVersion
from stores.schema import SEGMENTS, Client, Rm, SentMessage, table_of
from stores.settings import BANK_TIMEZONE
from tools.policy.compliance import rule_conflicts
from tools.voice.tone import LANGUAGES, ToneProfile, learn_from_edit, learn_tone, validate_template

__all__ = ["Personalization", "RuleRefused", "rules_applying", "rules_by_rm", "tones_for"]

logger = logging.getLogger(__name__)

MAX_RULE_CHARS = 1_000
#: Rows per ``IN (...)`` list in bulk reads.
BULK_CHUNK = 500

_TONES = table_of(ToneProfileVersion)
_RULES = table_of(RmRule)
_CLIENTS = table_of(Client)
_RMS = table_of(Rm)
_SENT = table_of(SentMessage)
_CLIENT_COLUMNS = ("id", "rm_id", "full_name", "honorific", "language", "segment")


class RuleRefused(ValueError):
    """An RM rule that would make drafts break bank policy."""


def _now() -> dt.datetime:
    return dt.datetime.now(BANK_TIMEZONE)


def _chunks(values: Collection[str]) -> Iterable[list[str]]:
    ordered = sorted(set(values))
    for start in range(0, len(ordered), BULK_CHUNK):
        yield ordered[start : start + BULK_CHUNK]


def _validated(profile: ToneProfile) -> ToneProfile:
    """A profile the drafting engine can use; a clear ValueError otherwise."""
    for language, voice in profile.languages.items():
        if language not in LANGUAGES:
            raise ValueError(f"tone profile language {language!r} is not supported; expected one of {LANGUAGES}")
        validate_template(voice.salutation, what=f"the {language} salutation")
        validate_template(voice.signoff, what=f"the {language} sign-off")
        for phrase in voice.phrases:
            validate_template(phrase, what=f"the {language} phrase")
        if not voice.signoff.strip():
            raise ValueError(f"the {language} sign-off is empty")
        if not voice.self_word.strip():
            raise ValueError(f"the {language} self word is empty")
    return profile


def _store(connection: Connection, profile: ToneProfile, *, source: str, learned_from: int) -> ToneProfile:
    latest = connection.execute(
        select(func.max(_TONES.c.version)).where(_TONES.c.rm_id == profile.rm_id)
    ).scalar_one_or_none()
    stored = profile.model_copy(update={"version": int(latest or 0) + 1, "source": source})
    connection.execute(
        insert(_TONES).values(
            rm_id=stored.rm_id,
            version=stored.version,
            source=source,
            profile_json=stored.model_dump_json(),
            learned_from=learned_from,
            created_at=_now(),
        )
    )
    return stored


def _learn(connection: Connection, rm_ids: Collection[str]) -> dict[str, tuple[ToneProfile, int]]:
    """Learned profiles for ``rm_ids`` from their sent messages, read in bulk: rm id → (profile, messages read)."""
    rms: dict[str, dict[str, Any]] = {rm_id: {"id": rm_id} for rm_id in rm_ids}
    messages: dict[str, list[dict[str, Any]]] = {rm_id: [] for rm_id in rm_ids}
    clients: dict[str, dict[str, Any]] = {}
    for chunk in _chunks(rm_ids):
        for row in connection.execute(select(_RMS).where(_RMS.c.id.in_(chunk))).mappings():
            rms[str(row["id"])] = dict(row)
        query = select(*(_CLIENTS.c[name] for name in _CLIENT_COLUMNS)).where(_CLIENTS.c.rm_id.in_(chunk))
        clients.update({str(row["id"]): dict(row) for row in connection.execute(query).mappings()})
        sent = select(_SENT).where(_SENT.c.rm_id.in_(chunk)).order_by(_SENT.c.sent_at, _SENT.c.id)
        for row in connection.execute(sent).mappings():
            messages[str(row["rm_id"])].append(dict(row))
    learned: dict[str, tuple[ToneProfile, int]] = {}
    for rm_id in rm_ids:
        # Only this RM's own clients may name a recipient: never another RM's client.
        own = {cid: c for cid, c in clients.items() if c["rm_id"] == rm_id}
        learned[rm_id] = (learn_tone(rms[rm_id], messages[rm_id], own), len(messages[rm_id]))
    return learned


def _latest(connection: Connection, rm_ids: Collection[str]) -> dict[str, ToneProfile]:
    found: dict[str, ToneProfile] = {}
    for chunk in _chunks(rm_ids):
        newest = (
            select(_TONES.c.rm_id, func.max(_TONES.c.version).label("version"))
            .where(_TONES.c.rm_id.in_(chunk))
            .group_by(_TONES.c.rm_id)
            .subquery()
        )
        query = select(_TONES.c.rm_id, _TONES.c.profile_json).join(
            newest, (_TONES.c.rm_id == newest.c.rm_id) & (_TONES.c.version == newest.c.version)
        )
        for row in connection.execute(query).mappings():
            found[str(row["rm_id"])] = ToneProfile.model_validate_json(row["profile_json"])
    return found


def tones_for(database: Database, rm_ids: Collection[str]) -> dict[str, ToneProfile]:
    """Each RM's latest profile for a nightly run; the missing ones are learned and stored in bulk."""
    wanted = {str(rm_id) for rm_id in rm_ids}
    with database.engine.connect() as connection:
        found = _latest(connection, wanted)
    missing = wanted - set(found)
    if missing:
        try:
            with database.engine.begin() as connection:
                for rm_id, (profile, read) in _learn(connection, missing).items():
                    found[rm_id] = _store(connection, profile, source="learned", learned_from=read)
        except IntegrityError:  # a concurrent run stored them first: theirs are as good
            with database.engine.connect() as connection:
                found.update(_latest(connection, missing))
    return found


class Personalization:
    """The tone and rules of one RM."""

    def __init__(self, database: Database, rm_id: str) -> None:
        if not rm_id:
            raise ValueError("an RM id is required")
        self.database = database
        self.rm_id = rm_id

    # ----- tone --------------------------------------------------------------------------------

    def tone(self) -> ToneProfile:
        """The latest version; learned from the RM's sent messages (and stored) on first use."""
        profile = tones_for(self.database, [self.rm_id]).get(self.rm_id)
        if profile is None:  # pragma: no cover - tones_for always answers for every id asked
            raise LookupError(f"no tone profile for RM {self.rm_id}")
        return profile

    def relearn(self) -> ToneProfile:
        """Learn again from the sent messages (e.g. after new ones): a new version."""
        with self.database.engine.begin() as connection:
            profile, read = _learn(connection, [self.rm_id])[self.rm_id]
            return _store(connection, profile, source="learned", learned_from=read)

    def save_tone(self, profile: ToneProfile) -> ToneProfile:
        """The RM's own edit of the profile: validated, stored as a new version."""
        if profile.rm_id and profile.rm_id != self.rm_id:
            raise PermissionError("a tone profile can only be saved by its own RM")
        checked = _validated(profile.model_copy(update={"rm_id": self.rm_id}))
        with self.database.engine.begin() as connection:
            return _store(connection, checked, source="edited", learned_from=0)

    def versions(self) -> list[dict[str, Any]]:
        """The profile's history, oldest first."""
        query = (
            select(_TONES.c.version, _TONES.c.source, _TONES.c.created_at, _TONES.c.learned_from)
            .where(_TONES.c.rm_id == self.rm_id)
            .order_by(_TONES.c.version)
        )
        with self.database.engine.connect() as connection:
            return [dict(row) for row in connection.execute(query).mappings()]

    def learn_from_edit(self, *, client_id: str, language: str, original: str, edited: str) -> ToneProfile | None:
        """What the RM changed in a draft, stored as a new version (``from_edit``); None when nothing was learned."""
        client = self._own_client(client_id)
        profile = learn_from_edit(self.tone(), language=language, client=client, original=original, edited=edited)
        if profile is None:
            return None
        checked = _validated(profile)
        with self.database.engine.begin() as connection:
            return _store(connection, checked, source="from_edit", learned_from=0)

    # ----- rules -------------------------------------------------------------------------------

    def _own_client(self, client_id: str) -> dict[str, Any]:
        query = select(*(_CLIENTS.c[name] for name in _CLIENT_COLUMNS)).where(
            _CLIENTS.c.id == client_id, _CLIENTS.c.rm_id == self.rm_id
        )
        with self.database.engine.connect() as connection:
            row = connection.execute(query).mappings().first()
        if row is None:  # another RM's client reads exactly like an unknown id
            raise LookupError(f"unknown client id {client_id!r}")
        return dict(row)

    def add_rule(self, text: str, *, scope: str = "global", scope_value: str | None = None) -> dict[str, Any]:
        """Keep a rule after checking its scope and bank policy; ``RuleRefused`` names the policy it breaks."""
        text = " ".join(str(text or "").split())
        if not text:
            raise ValueError("a rule needs some text")
        if len(text) > MAX_RULE_CHARS:
            raise ValueError(f"a rule is at most {MAX_RULE_CHARS} characters")
        if scope not in RULE_SCOPES:
            raise ValueError(f"unknown rule scope {scope!r}; expected one of {', '.join(RULE_SCOPES)}")
        if scope == "global":
            if scope_value:
                raise ValueError("a global rule takes no scope value")
            scope_value = None
        elif scope == "segment":
            match = next((s for s in SEGMENTS if s.casefold() == str(scope_value or "").strip().casefold()), None)
            if match is None:
                raise ValueError(f"unknown segment {scope_value!r}; expected one of {', '.join(SEGMENTS)}")
            scope_value = match
        else:
            scope_value = self._own_client(str(scope_value or "").strip())["id"]
        conflicts = rule_conflicts(text)
        if conflicts:
            reasons = "; ".join(f"{finding.flag}: {finding.reason}" for finding in conflicts)
            raise RuleRefused(f"this rule would break bank policy ({reasons})")
        row = {
            "id": f"RULE-{uuid.uuid4().hex[:16].upper()}",
            "rm_id": self.rm_id,
            "scope": scope,
            "scope_value": scope_value,
            "text": text,
            "active": True,
            "created_at": _now(),
        }
        with self.database.engine.begin() as connection:
            connection.execute(insert(_RULES).values(**row))
        return row

    def rules(self) -> list[dict[str, Any]]:
        """The RM's active rules, oldest first."""
        query = (
            select(_RULES)
            .where(_RULES.c.rm_id == self.rm_id, _RULES.c.active.is_(True))
            .order_by(_RULES.c.created_at, _RULES.c.id)
        )
        with self.database.engine.connect() as connection:
            return [dict(row) for row in connection.execute(query).mappings()]

    def remove_rule(self, rule_id: str) -> None:
        """Deactivate one of the RM's own rules (kept for history); another RM's rule is an unknown id."""
        with self.database.engine.begin() as connection:
            done = connection.execute(
                update(_RULES)
                .where(_RULES.c.id == rule_id, _RULES.c.rm_id == self.rm_id, _RULES.c.active.is_(True))
                .values(active=False)
            )
        if done.rowcount != 1:
            raise LookupError(f"unknown rule id {rule_id!r}")

    def rules_for(self, client: Mapping[str, Any]) -> list[dict[str, Any]]:
        """The rules that apply to a client, least specific first (global, segment, client): later wins."""
        return rules_applying(self.rules(), client)


_SCOPE_ORDER = {"global": 0, "segment": 1, "client": 2}


def rules_applying(rules: Iterable[Mapping[str, Any]], client: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Of one RM's active rules, those for ``client``: global, then its segment, then the client (later wins)."""
    applying = [
        dict(rule)
        for rule in rules
        if rule["scope"] == "global"
        or (rule["scope"] == "segment" and rule["scope_value"] == client.get("segment"))
        or (rule["scope"] == "client" and rule["scope_value"] == client.get("id"))
    ]
    return sorted(applying, key=lambda rule: _SCOPE_ORDER[rule["scope"]])


def rules_by_rm(database: Database, rm_ids: Collection[str]) -> dict[str, list[dict[str, Any]]]:
    """Each RM's active rules (oldest first), read in bulk for a nightly run; an RM without rules gets []."""
    found: dict[str, list[dict[str, Any]]] = {str(rm_id): [] for rm_id in rm_ids}
    with database.engine.connect() as connection:
        for chunk in _chunks(found):
            query = (
                select(_RULES)
                .where(_RULES.c.rm_id.in_(chunk), _RULES.c.active.is_(True))
                .order_by(_RULES.c.created_at, _RULES.c.id)
            )
            for row in connection.execute(query).mappings():
                found[str(row["rm_id"])].append(dict(row))
    return found
