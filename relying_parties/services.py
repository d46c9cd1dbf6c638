"""Relying parties: registering one, the claims about a person, and each login's life from the
code a party gets to the tokens it swaps it for, with the evidence of what was approved."""

import hashlib
import uuid
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import IntegrityError, connections, router, transaction
from django.db.models import Field
from django.db.models.sql import UpdateQuery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import (
    AbstractApplication,
    get_access_token_model,
    get_application_model,
    get_id_token_model,
)
from oauth2_provider.settings import oauth2_settings

from audit import services as audit
from audit.models import AuditEntry
from authenticators.kinds import in_use
from authenticators.models import AppLogin, AuthenticatorEvent, Identity
from authenticators.queries import OneByKey, compiled, one
from cpr.registry import get_registry
from login.session import LoggedIn

from . import clients
from .models import Approval, PartyLogin, RelyingParty, Subject


@dataclass(frozen=True)
class Registered:
    party: RelyingParty
    client_id: str
    client_secret: str  # "" for a public client; shown once, kept only as a hash


def register_party(
    *,
    name: str,
    redirect_uris: list[str],
    scopes: list[str] | None = None,
    may_receive_cpr: bool = False,
    public: bool = False,
    post_logout_redirect_uris: list[str] | None = None,
    client_id: str = "",
    client_secret: str = "",
) -> Registered:
    """A new party. Its secret is returned once: the database keeps only its hash."""
    secret = "" if public else (client_secret or generate_client_secret())
    Application = get_application_model()
    application = Application(
        name=name,
        client_type=(
            AbstractApplication.CLIENT_PUBLIC if public else AbstractApplication.CLIENT_CONFIDENTIAL
        ),
        authorization_grant_type=AbstractApplication.GRANT_AUTHORIZATION_CODE,
        redirect_uris=" ".join(redirect_uris),
        post_logout_redirect_uris=" ".join(post_logout_redirect_uris or redirect_uris),
        algorithm=AbstractApplication.RS256_ALGORITHM,
        client_secret=secret,
        skip_authorization=True,
    )
    if client_id:
        application.client_id = client_id
    with transaction.atomic():
        application.full_clean(exclude=["client_secret", "user"])
        application.save()
        party = RelyingParty.objects.create(
            application=application,
            scopes=" ".join(scopes or ["openid", "profile"]),
            may_receive_cpr=may_receive_cpr,
        )
    return Registered(party, str(application.client_id), secret)


def party_for(client_id: str) -> RelyingParty | None:
    """The party with its client (whose `relying_party` is then this party, not a query)."""
    client = clients.client_for(client_id)
    return party_of(client) if client is not None else None


def party_of(application: Any) -> RelyingParty | None:
    """The party a client is, if it is one (a client made in the admin alone is not)."""
    party: RelyingParty | None = getattr(application, "relying_party", None)
    return party


# Claims ---------------------------------------------------------------------------------------


def identity_of(user: AbstractBaseUser | AnonymousUser | None) -> Identity | None:
    """The user's identity, with its pseudonym if it has one."""
    if user is None or not user.is_authenticated:
        return None
    return one(Identity.objects.select_related("oidc_subject").filter(account_id=user.pk))


def subject_for(identity: Identity) -> str:
    """The person's `sub`, made the first time a party asks. The identity comes read with its
    pseudonym (`identity_of`, `login_for_code`: a join), so none there means none when it was
    read: it is made at once, not looked for again first (get_or_create's SELECT, a statement
    of every person's first token request). One made meanwhile (two of the person's codes
    swapped at once) is theirs: the INSERT fails on its identity, and that one is read."""
    try:
        return str(identity.oidc_subject.sub)
    except Subject.DoesNotExist:
        try:
            with transaction.atomic():
                subject = Subject.objects.create(identity=identity)
        except IntegrityError:
            subject = Subject.objects.get(identity=identity)
        return str(subject.sub)


def person_claims(identity: Identity | None) -> dict[str, Any]:
    """Every claim the portal can give about the person; the scopes granted filter them."""
    if identity is None:
        return {}
    claims: dict[str, Any] = {"sub": subject_for(identity), "cpr": identity.cpr}
    record = get_registry().lookup(identity.cpr)
    if record is not None:
        claims.update(
            name=record.full_name,
            given_name=record.given_name,
            family_name=record.family_name,
            birthdate=record.birth_date.isoformat(),
        )
    return claims


# A login for a party ----------------------------------------------------------------------------


def code_hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


@dataclass(frozen=True)
class LoginForParty:
    """A login the party is to get a code for: what `record_login` keeps with the code."""

    party: RelyingParty
    authenticated: LoggedIn  # what the login pages proved
    text: str
    details: list[dict[str, Any]] | None
    language: str = ""  # the page's, as the login ended


@dataclass(frozen=True)
class Asked:
    """What the party's authorization request asked, which the token request must match
    (the redirect URI, the PKCE challenge) or carries on (scopes, nonce, claims)."""

    redirect_uri: str
    scope: str
    code_challenge: str
    code_challenge_method: str
    nonce: str
    claims: dict[str, Any] | None


def record_login(*, login: LoginForParty, code: str, asked: Asked) -> PartyLogin:
    """The party got `code` (kept only as its hash) for this login, which it may swap for
    tokens until AUTHORIZATION_CODE_EXPIRE_SECONDS have passed; a transaction's approval is
    kept as evidence, in the same database transaction. A plain login is one statement, which
    needs none of its own (its BEGIN and COMMIT were a round trip each at every login)."""
    with transaction.atomic() if login.details else nullcontext():
        return _record_login(login=login, code=code, asked=asked)


def _record_login(*, login: LoginForParty, code: str, asked: Asked) -> PartyLogin:
    transaction_id = uuid.uuid4() if login.details else None
    authenticated = login.authenticated
    party_login = PartyLogin.objects.create(
        party=login.party,
        identity=authenticated.identity,
        code_hash=code_hash(code),
        code_expires=timezone.now()
        + timedelta(seconds=oauth2_settings.AUTHORIZATION_CODE_EXPIRE_SECONDS),
        redirect_uri=asked.redirect_uri,
        scope=asked.scope,
        code_challenge=asked.code_challenge,
        code_challenge_method=asked.code_challenge_method,
        nonce=asked.nonce,
        claims=asked.claims,
        method=authenticated.method,
        device=authenticated.device,
        level=authenticated.level,
        authenticated_at=authenticated.at,
        transaction_id=transaction_id,
        authorization_details=login.details,
        language=login.language,
    )
    if transaction_id is not None:
        _keep_evidence(login.party, authenticated, login.text, transaction_id)
    return party_login


def _keep_evidence(
    party: RelyingParty, authenticated: LoggedIn, text: str, transaction_id: uuid.UUID
) -> Approval:
    app_login = (
        one(AppLogin.objects.select_related("device").filter(token=authenticated.approval))
        if authenticated.approval
        else None
    )
    signed = app_login is not None and bool(app_login.signature) and app_login.device is not None
    event = (
        AuthenticatorEvent.objects.filter(
            identity=authenticated.identity,
            device=authenticated.device,
            kind=AuthenticatorEvent.Kind.VERIFIED,
            service=party.name[:100],
        )
        .order_by("-at", "-pk")
        .first()
    )
    approval = Approval.objects.create(
        transaction_id=transaction_id,
        party=party,
        identity=authenticated.identity,
        event=event,
        text=text,
        method=authenticated.method,
        device=authenticated.device,
        public_key=app_login.device.public_key if signed and app_login and app_login.device else "",
        signed_text=app_login.signing_input if signed and app_login else "",
        signature=app_login.signature if signed and app_login else "",
    )
    audit.record(
        AuditEntry.Action.TRANSACTION_APPROVED,
        by=None,
        identity=authenticated.identity,
        target=party.name,
        reason=text,
        detail=f"transaction_id={transaction_id}; signature={approval.signature or '-'}",
    )
    return approval


# What the token request reads of the person with the party's login: the CPR number and the
# pseudonym for the claims, the status (a MitID blocked since the code was given gets no
# tokens), and of their user, whom the tokens are for, the key and the last login
# (django-oauth-toolkit's `auth_time`, which the validator then replaces with the login's).
# The rest of the four rows stays out of the query.
CODE_PERSON = (
    *("identity__cpr", "identity__status", "identity__account_id", "identity__oidc_subject__sub"),
    "identity__account__last_login",
)

# Every column of the login but the code's hash, which found it.
LOGIN_FOR_TOKENS = [
    field.name for field in PartyLogin._meta.concrete_fields if field.name != "code_hash"
]


def device_still_active(access_token: Any) -> bool:
    """Whether the device the token's login was made with is still in use (a token issued
    before this was kept, or one of no party's login, names none: its person is checked)."""
    logins = PartyLogin.objects.filter(access_token=access_token).values_list("device", flat=True)
    device = next(iter(logins[:1]), "")  # one login a token; no ORDER BY (`queries.one`)
    return not device or in_use(device)


def end_codes_of_device(sender: Any, *, device: Any, **kwargs: Any) -> None:
    """A device blocked or revoked (`authenticators.signals.device_out_of_use`): the codes of
    party logins made with it and not yet swapped end, so that no party gets an ID token for
    a login with a phone its owner has just reported stolen (the tokens already issued stop
    at the userinfo endpoint: `device_still_active`). Here, once a block, rather than a
    look-up of the device in every token request."""
    now = timezone.now()
    PartyLogin.objects.filter(
        device=device.persistent_id, redeemed_at=None, code_expires__gt=now
    ).update(code_expires=now)


# The token request's query, compiled once a connection: the ORM's compiling of its four
# tables cost five times its reading (`queries.OneByKey`).
_LOGIN_FOR_CODE_HASH = OneByKey(
    PartyLogin,
    lambda hashed: (
        PartyLogin.objects.select_related("identity__oidc_subject", "identity__account")
        .only(*LOGIN_FOR_TOKENS, *CODE_PERSON)
        .filter(code_hash=hashed)
    ),
)


def login_for_code(code: str) -> PartyLogin | None:
    """The login a code was given for, with the person, their user and their pseudonym (the
    token request needs all three); whose party it was is for the caller to check."""
    return _LOGIN_FOR_CODE_HASH(code_hash(code))


def spend_code(code: str) -> None:
    """A code refused at the token request for its verifier ends: it is not tried again. Not
    redeemed: no tokens were issued for it."""
    if code:
        PartyLogin.objects.filter(code_hash=code_hash(code), redeemed_at=None).update(
            code_expires=timezone.now()
        )


# What `redeem` sets, in the order of its statement's parameters.
_REDEEMED = ("redeemed_at", "access_token", "id_token")
_STAND_IN_TIME = datetime(2000, 1, 2, 3, 4, 5, 6, tzinfo=UTC)


@cache
def _redeem_statement(alias: str) -> str:
    """The UPDATE that marks a code swapped, compiled by the ORM once for each database, where
    QuerySet.update() compiled it anew at every token request."""
    stand_ins = {"redeemed_at": _STAND_IN_TIME, "access_token": -2, "id_token": -3}
    rows = PartyLogin.objects.using(alias).filter(pk=-1, redeemed_at=None)
    query: UpdateQuery = rows.query.chain(UpdateQuery)  # type: ignore[assignment]
    query.add_update_values(stand_ins)
    connection = connections[alias]
    expected = [_prepared(name, stand_ins[name], connection) for name in _REDEEMED]
    return compiled(query, alias, [*expected, -1])


def _prepared(name: str, value: Any, connection: Any) -> Any:
    field: Field[Any, Any] = PartyLogin._meta.get_field(name)  # type: ignore[assignment]
    return field.get_db_prep_save(value, connection=connection)


def redeem(party_login: PartyLogin, *, access_token: Any, id_token: Any) -> bool:
    """Mark the login's code swapped for these tokens, once: a second caller (the same code
    twice at once) gets False, when the first has committed."""
    alias = router.db_for_write(PartyLogin)
    connection = connections[alias]
    values = {
        "redeemed_at": timezone.now(),
        "access_token": access_token.pk if access_token is not None else None,
        "id_token": id_token.pk if id_token is not None else None,
    }
    params = [_prepared(name, values[name], connection) for name in _REDEEMED]
    with connection.cursor() as cursor:
        cursor.execute(_redeem_statement(alias), [*params, party_login.pk])
        return cursor.rowcount == 1


def redeem_with_tokens(party_login: PartyLogin, *, id_token: Any, access_token: Any) -> bool:
    """Write the tokens a code is swapped for (made, not yet saved; the access token names
    the ID token) and mark the code swapped for them, once: a second caller (the same code
    twice at once) gets False, and nothing of its own is written. On PostgreSQL it is one
    statement (`_tokens_statement`), where the ORM's two INSERTs and the UPDATE cost the token
    request more than any other part of it (`bench.profile_party`)."""
    alias = router.db_for_write(PartyLogin)
    connection = connections[alias]
    if not tokens_in_one_statement():
        with transaction.atomic(using=alias, savepoint=False):
            id_token.save(using=alias)
            access_token.id_token = id_token
            access_token.save(using=alias)
            if redeem(party_login, access_token=access_token, id_token=id_token):
                return True
            transaction.set_rollback(True, using=alias)
            return False
    params = [
        party_login.pk,
        *_insert_values(id_token, connection),
        *_insert_values(access_token, connection, but=_LINK_FIELD),
        _prepared("redeemed_at", timezone.now(), connection),
        party_login.pk,
    ]
    with connection.cursor() as cursor:
        cursor.execute(_tokens_statement(alias), params)
        written = cursor.fetchone()
    if written is None:
        return False
    for token, pk in ((access_token, written[0]), (id_token, written[1])):
        token.pk = pk
        token._state.adding, token._state.db = False, alias
    access_token.id_token = id_token
    return True


def tokens_in_one_statement() -> bool:
    """Whether `redeem_with_tokens` writes in one statement, which needs no transaction."""
    return bool(connections[router.db_for_write(PartyLogin)].vendor == "postgresql")


# The access token's field that names its ID token: in the statement, taken from the UPDATE's row.
_LINK_FIELD = "id_token"


def _inserted_fields(model: Any, but: str = "") -> list[Field[Any, Any]]:
    """The columns a new row of `model` is written with, as the ORM's INSERT writes them (its
    own table's, not generated): all but its key (the table's own) and `but` (taken from
    another of the statement's rows). Not through the ORM, its rows send no `post_save`; no
    receiver listens for the tokens' (a test keeps it so)."""
    return [
        field
        for field in model._meta.local_concrete_fields
        if not field.primary_key and not field.generated and field.name != but
    ]


def _insert_values(instance: Any, connection: Any, but: str = "") -> list[Any]:
    """The values of a row made in Python, prepared as the ORM's INSERT prepares them: each
    field's `pre_save` (the times of `auto_now`, the access token's checksum) and its
    database value."""
    return [
        field.get_db_prep_save(field.pre_save(instance, True), connection=connection)
        for field in _inserted_fields(type(instance), but)
    ]


@cache
def _tokens_statement(alias: str) -> str:
    """One statement for PostgreSQL: the login is locked if its code was not swapped, the ID
    token is inserted for it, the access token for that, and the login marked swapped with
    both; a login swapped meanwhile is found by none of them (the lock waits for the other
    request, and then reads the row it left), so nothing is written. Django's foreign keys are
    checked at the commit, the statement's end. The tokens' keys are their tables' own, as the
    ORM's INSERT leaves them (an explicit `nextval()` would need a grant on the sequences that
    the ORM's INSERT does not). Its parameters: the login's key, the ID token's values, the
    access token's but its ID token (`_insert_values`), the time, and the login's key again; it
    returns the access token's key and the ID token's."""
    quote = connections[alias].ops.quote_name
    id_tokens, access_tokens = get_id_token_model(), get_access_token_model()

    def column(model: Any, name: str = "pk") -> str:
        field = model._meta.pk if name == "pk" else model._meta.get_field(name)
        return str(quote(field.column))

    def insert(model: Any, source: str, taken: dict[str, str], but: str = "") -> str:
        """An INSERT of `model`'s row for each row of `source`: the columns `taken` names from
        that row's, the others from parameters; it returns the row's key as `id`."""
        fields = _inserted_fields(model, but)
        columns = ", ".join([*taken, *(quote(str(field.column)) for field in fields)])
        values = ", ".join([*taken.values(), *["%s"] * len(fields)])
        table = quote(model._meta.db_table)
        return (  # Not an injection (ruff's S608): the models' names, quoted; values parameters.
            f"INSERT INTO {table} ({columns}) SELECT {values} FROM {source} "  # noqa: S608
            f"RETURNING {column(model)} AS id"
        )

    login, login_key = quote(str(PartyLogin._meta.db_table)), column(PartyLogin)
    redeemed_at, access_token, id_token = (
        column(PartyLogin, name) for name in ("redeemed_at", "access_token", "id_token")
    )
    linked = column(access_tokens, _LINK_FIELD)
    return (
        f"WITH unswapped AS (SELECT {login_key} FROM {login} "  # noqa: S608
        f"WHERE {login_key} = %s AND {redeemed_at} IS NULL FOR UPDATE), "
        f"written_id_token AS ({insert(id_tokens, 'unswapped', {})}), "
        f"written_access_token AS ("
        f"{insert(access_tokens, 'written_id_token', {linked: 'written_id_token.id'}, _LINK_FIELD)}"
        f") UPDATE {login} SET {redeemed_at} = %s, {access_token} = written_access_token.id, "
        f"{id_token} = (SELECT id FROM written_id_token) FROM written_access_token "
        f"WHERE {login}.{login_key} = %s "
        f"RETURNING written_access_token.id, {login}.{id_token}"
    )


def swapped_login(party_login: PartyLogin) -> PartyLogin:
    """The login as the request that swapped its code left it: with the keys of the tokens it
    got, its person and its party."""
    return PartyLogin.objects.select_related("identity", "party").get(pk=party_login.pk)


# The reason of a reused code's audit entry, in words on the audit log's screen (apps.py).
CODE_REUSED_TOKENS_REVOKED = "tokens_revoked"
CODE_REUSED_WORDS = {CODE_REUSED_TOKENS_REVOKED: _("the tokens of the first use revoked")}


@transaction.atomic
def refuse_reused_code(party_login: PartyLogin) -> None:
    """A code that was already swapped came again: someone else may hold it, so the tokens it
    was swapped for are revoked (RFC 6749 section 4.1.2)."""
    # By key, not through the login as read: the same code sent again several times at once,
    # another such request may have revoked them since (its row is then gone, not a 500).
    if party_login.access_token_id is not None:  # (no refresh token goes with it: server.py)
        get_access_token_model().objects.filter(pk=party_login.access_token_id).delete()
    if party_login.id_token_id is not None:
        get_id_token_model().objects.filter(pk=party_login.id_token_id).delete()
    audit.record(
        AuditEntry.Action.CODE_REUSED,
        by=None,
        identity=party_login.identity,
        target=party_login.party.name,
        reason=CODE_REUSED_TOKENS_REVOKED,
        unless_staff=audit.SYSTEM,
    )
