"""Registering parties, the CPR number after consent, and the citizen's history."""

import hashlib
import json
import threading
import time
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django.db import connection, connections, transaction
from django.db.models.signals import post_save
from django.db.models.sql.compiler import SQLCompiler, SQLUpdateCompiler
from django.test import Client
from django.test.utils import CaptureQueriesContext
from oauth2_provider.models import AccessToken, IDToken, RefreshToken, set_token_value
from oauth2_provider.signals import app_authorized

from authenticators.models import AppDevice
from relying_parties import services
from relying_parties.models import PartyLogin, RelyingParty, Subject
from tests.logins import log_in_with_mitid

from .conftest import Party, approve_in_app
from .helpers import (
    basic,
    exchange,
    id_token_claims,
    log_in_with_app,
    query_of,
    start,
    type_user_id,
)

pytestmark = pytest.mark.django_db


def test_the_command_registers_a_party_and_prints_its_secret_once(capsys) -> None:
    call_command(
        "relying_party",
        "add",
        "--name",
        "Borger.dk",
        "--redirect-uri",
        "https://borger.example/cb",
        "--redirect-uri",
        "https://borger.example/cb2",
        "--scope",
        "profile",
        "--cpr",
        "--json",
    )
    answer = json.loads(capsys.readouterr().out)
    party = RelyingParty.objects.get(application__client_id=answer["client_id"])
    assert party.name == "Borger.dk" and party.may_receive_cpr
    assert party.allowed_scopes() == {"openid", "profile", "cpr"}
    assert party.application.redirect_uris.split() == [
        "https://borger.example/cb",
        "https://borger.example/cb2",
    ]
    assert answer["client_secret"] not in party.application.client_secret  # only its hash
    assert party.application.client_secret.startswith("client_secret_sha256$")


def test_a_public_client_gets_no_secret(capsys) -> None:
    call_command(
        "relying_party",
        "add",
        "--name",
        "App",
        "--redirect-uri",
        "https://app.example/cb",
        "--public",
        "--json",
    )
    answer = json.loads(capsys.readouterr().out)
    assert set(answer) == {"client_id"}


def test_the_command_registers_nothing_when_the_cache_does_not_answer(request, capsys) -> None:
    """The servers must hear of a new party; staff get a sentence, not a traceback."""
    request.getfixturevalue("redis_down")
    with pytest.raises(CommandError, match="Nothing was registered: the cache"):
        call_command(
            "relying_party", "add", "--name", "Bank", "--redirect-uri", "https://b.example/cb"
        )
    assert not RelyingParty.objects.exists() and capsys.readouterr().out == ""


def test_the_cpr_number_goes_only_after_the_citizen_gave_it(
    client: Client, cpr_party: Party, jonas_phone: AppDevice
) -> None:
    page = log_in_with_app(client, cpr_party, jonas_phone, scope="openid profile cpr")
    text = page.content.decode()  # type: ignore[attr-defined]
    assert "Give your data to Skat?" in text and "your CPR number" in text
    reference = text.split("/relying-parties/")[1].split("/")[0]
    response = client.post(f"/en/relying-parties/{reference}/consent/", {"answer": "give"})
    location = client.get(response["Location"])["Location"]
    status, tokens = exchange(client, cpr_party, query_of(location)["code"])
    assert status == 200
    # From userinfo only: the ID token goes back in addresses (the logout's id_token_hint).
    assert "cpr" not in id_token_claims(tokens["id_token"])
    bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
    assert Client().get("/oidc/userinfo/", headers=bearer).json()["cpr"] == "1505831235"


@pytest.mark.parametrize("scope", ["openid", "openid profile"])
def test_a_party_that_asks_for_consent_gets_the_page_for_any_scope(
    client: Client, party: Party, jonas_phone: AppDevice, scope: str
) -> None:
    """OpenID Connect Core 3.1.2.1, `prompt=consent`: the citizen is asked, and sees which data
    goes (no CPR number where none was asked for); without it no page for these scopes."""
    page = log_in_with_app(client, party, jonas_phone, scope=scope, prompt="consent")
    text = page.content.decode()  # type: ignore[attr-defined]
    assert "Give your data to Nordbank?" in text
    assert "a number that stands for you, not your CPR number" in text
    assert ("your name and date of birth" in text) == ("profile" in scope)
    assert "your CPR number</strong>" not in text
    reference = text.split("/relying-parties/")[1].split("/")[0]
    response = client.post(f"/en/relying-parties/{reference}/consent/", {"answer": "give"})
    location = client.get(response["Location"])["Location"]
    assert exchange(client, party, query_of(location)["code"])[0] == 200
    # Without the prompt, or with the prompts every party login already is, no page.
    for prompt in [None, "login", "select_account"]:
        location = log_in_with_app(Client(), party, jonas_phone, scope=scope, prompt=prompt)
        assert "code" in query_of(location)


def test_refusing_the_cpr_number_returns_access_denied_and_logs_out(
    client: Client, cpr_party: Party, jonas_phone: AppDevice
) -> None:
    page = log_in_with_app(client, cpr_party, jonas_phone, scope="openid cpr")
    reference = page.content.decode().split("/relying-parties/")[1].split("/")[0]  # type: ignore[attr-defined]
    response = client.post(f"/en/relying-parties/{reference}/consent/", {"answer": "refuse"})
    answer = query_of(client.get(response["Location"])["Location"])
    assert answer["error"] == "access_denied"
    assert "_auth_user_id" not in client.session


def logged_in(phone: AppDevice) -> Client:
    """A browser in which the phone's owner is logged in to the portal."""
    return log_in_with_mitid(Client(), phone.identity, phone, method="app")


def test_every_login_for_a_party_is_in_the_history_under_its_name(
    client: Client, party: Party, jonas_phone: AppDevice
) -> None:
    log_in_with_app(client, party, jonas_phone)
    log_in_with_app(client, party, jonas_phone)
    overview = logged_in(jonas_phone)
    page = overview.get("/en/selfservice/").content.decode()
    assert page.count("Nordbank") == 2


def test_the_history_tells_an_approved_transaction_by_its_text(
    client: Client, party: Party, jonas_phone: AppDevice
) -> None:
    """A login is a use of the party; a transaction is the text the citizen approved."""
    details = json.dumps([{"type": "mitid_approval", "text": "Pay 200 kr. to 1234"}])
    log_in_with_app(client, party, jonas_phone)
    log_in_with_app(client, party, jonas_phone, authorization_details=details)
    overview = logged_in(jonas_phone)
    page = overview.get("/en/selfservice/history/").content.decode()
    approved, used = page.split('data-label="What happened">')[1:3]
    assert approved.startswith('Approved: <q data-testid="use-text">Pay 200 kr. to 1234</q>')
    assert used.startswith("Used</td>")


def test_a_listener_to_app_authorized_still_gets_the_token(
    client: Client, party: Party, jonas_phone: AppDevice
) -> None:
    """The token endpoint skips django-oauth-toolkit's signal only while nothing listens."""
    heard = []

    def listener(sender: object, request: object, token: AccessToken, **kwargs: object) -> None:
        heard.append(token)

    code = query_of(log_in_with_app(client, party, jonas_phone))["code"]
    app_authorized.connect(listener)
    try:
        status, _tokens = exchange(client, party, code)
    finally:
        app_authorized.disconnect(listener)
    assert status == 200
    assert [token.pk for token in heard] == [AccessToken.objects.get().pk]


def test_a_party_gets_no_refresh_token_and_none_is_offered(
    client: Client, party: Party, jonas_phone: AppDevice
) -> None:
    """A party keeps its own session after the login: MitID gives no refresh token, says so in
    its discovery document, and does not serve the grant (relying_parties.server)."""
    code = query_of(log_in_with_app(client, party, jonas_phone))["code"]
    status, tokens = exchange(client, party, code)
    assert status == 200
    assert "refresh_token" not in tokens and {"access_token", "id_token"} <= set(tokens)
    assert not RefreshToken.objects.exists()
    meta = Client().get("/.well-known/openid-configuration").json()
    assert meta["grant_types_supported"] == ["authorization_code"]
    refreshed = Client().post(
        "/oidc/token/",
        {"grant_type": "refresh_token", "refresh_token": "anything"},
        headers={"Authorization": basic(party)},
    )
    assert (refreshed.status_code, refreshed.json()["error"]) == (400, "unsupported_grant_type")


def test_a_login_no_longer_open_shows_no_portal_account(
    party: Party, jonas_phone: AppDevice, settings: Any
) -> None:
    """ "You have not been logged in" is about the party's login; a portal login in the same
    browser is not in the header beside it, as on the party's other pages."""
    browser = logged_in(jonas_phone)
    assert "portal-logout" in browser.get("/en/selfservice/").content.decode()
    unknown = browser.get("/en/relying-parties/not-a-reference/continue/")
    reference = start(browser, party)
    settings.RELYING_PARTY_ATTEMPT_SECONDS = -1
    late = browser.get(f"/en/relying-parties/{reference}/continue/")
    for gone in (unknown, late):
        page = gone.content.decode()
        assert gone.status_code == 400 and "This login is no longer open" in page
        assert "portal-logout" not in page and "portal-account" not in page
    assert "Return to Nordbank" in late.content.decode()


def test_a_login_approved_after_its_attempts_time_is_not_left_in_the_browser(
    party: Party, jonas_phone: AppDevice, settings: Any
) -> None:
    """The page says "You have not been logged in": so it is (a probe found the login made
    for the party still in the session), and the way back still tells the party."""
    browser = Client()
    reference = start(browser, party)
    type_user_id(browser, reference, "J()nas Jen5en")
    browser.get("/en/login/app/")
    approve_in_app(jonas_phone)
    settings.RELYING_PARTY_ATTEMPT_SECONDS = -1
    late = browser.get("/en/login/app/", follow=True)
    assert "This login is no longer open" in late.content.decode()
    assert "_auth_user_id" not in browser.session
    back = browser.get(f"/en/relying-parties/{reference}/back/")
    assert query_of(back["Location"])["error"] == "access_denied"


@pytest.mark.parametrize(
    ("scope", "finished_in", "locale"),
    [("openid profile", "kl", "kl"), ("openid profile", "en", "en"), ("openid", "kl", None)],
)
def test_the_id_token_says_the_language_the_login_ended_in(
    client: Client, party: Party, jonas_phone: AppDevice, scope: str, finished_in: str, locale: str
) -> None:
    """OpenID Connect's `locale` (scope profile): the citizen may change the language the party
    asked for (`ui_locales`) on MitID's pages, and the party can go on in theirs."""
    reference = start(client, party, scope=scope, ui_locales="da")
    type_user_id(client, reference, "J()nas Jen5en", language=finished_in)
    approve_in_app(jonas_phone)
    location = client.get(f"/{finished_in}/login/app/")["Location"]
    status, tokens = exchange(client, party, query_of(location)["code"])
    assert status == 200, tokens
    assert id_token_claims(tokens["id_token"]).get("locale") == locale


def statements_of(sent: CaptureQueriesContext) -> list[str]:
    """The statements sent, but an empty transaction's BEGIN and COMMIT (SQLite's: PostgreSQL's
    driver sends BEGIN only with a transaction's first statement)."""
    sql = [query["sql"] for query in sent.captured_queries]
    empty = [i for i in range(len(sql) - 1) if sql[i : i + 2] == ["BEGIN", "COMMIT"]]
    return [statement for i, statement in enumerate(sql) if i not in empty and i - 1 not in empty]


def assert_statements(sql: list[str], *beginnings: str) -> None:
    assert len(sql) == len(beginnings), "\n".join(statement[:90] for statement in sql)
    for statement, beginning in zip(sql, beginnings, strict=True):
        assert statement.startswith(beginning), statement


@pytest.mark.django_db(transaction=True)  # as served: no test transaction, no savepoints
def test_what_a_token_request_asks_of_the_database(
    client: Client, party: Party, jonas_phone: AppDevice
) -> None:
    """The statements a party's token request costs (bench/profile_party.py): its login with
    the person and their pseudonym, the person's names from the CPR register, then the ID
    token, the access token linked to it, and the code marked swapped with both: on PostgreSQL
    one statement, elsewhere three in one transaction. At the person's first, their pseudonym
    is made, not looked for first."""
    tokens = []
    for _ in range(2):
        code = query_of(log_in_with_app(Client(), party, jonas_phone))["code"]
        with CaptureQueriesContext(connection) as sent:
            status, answer = exchange(client, party, code)
        assert status == 200 and answer["id_token"]
        tokens.append((statements_of(sent), id_token_claims(answer["id_token"])["sub"]))
    (first, first_sub), (then, then_sub) = tokens
    assert first_sub == then_sub
    swapped: tuple[str, ...] = (
        "BEGIN",
        'INSERT INTO "oauth2_provider_idtoken"',
        'INSERT INTO "oauth2_provider_accesstoken"',
        'UPDATE "relying_parties_partylogin" SET "redeemed_at"',
        "COMMIT",
    )
    if connection.vendor == "postgresql":
        swapped = ('WITH unswapped AS (SELECT "id" FROM "relying_parties_partylogin"',)
    login = 'SELECT "relying_parties_partylogin"."id"'
    names = 'SELECT "cpr_registeredperson"'
    pseudonym = ("BEGIN", 'INSERT INTO "relying_parties_subject"', "COMMIT")
    assert_statements(first, login, *pseudonym, names, *swapped)
    assert_statements(then, login, names, *swapped)


def test_a_pseudonym_made_meanwhile_is_the_persons(jonas_phone: AppDevice) -> None:
    """Two of the person's codes swapped at once, both read before either made the pseudonym:
    the second gets the first's."""
    identity = services.identity_of(jonas_phone.identity.ensure_user())
    assert identity is not None
    made = Subject.objects.create(identity=jonas_phone.identity)  # by the other request
    assert services.subject_for(identity) == str(made.sub)
    assert Subject.objects.count() == 1


@pytest.mark.django_db(transaction=True)  # as served: no test transaction, no savepoints
def test_a_plain_logins_code_is_kept_in_one_statement_without_a_transaction(
    client: Client, party: Party, jonas_phone: AppDevice
) -> None:
    reference = start(client, party)
    type_user_id(client, reference, "J()nas Jen5en")
    client.get("/en/login/app/")
    approve_in_app(jonas_phone)
    with CaptureQueriesContext(connection) as sent:
        assert client.get("/en/login/app/").status_code == 302
    sql = [query["sql"] for query in sent.captured_queries]
    kept = next(
        i for i, s in enumerate(sql) if s.startswith('INSERT INTO "relying_parties_partylogin"')
    )
    assert "BEGIN" not in sql[kept - 1 : kept] and "COMMIT" not in sql[kept + 1 : kept + 2], sql


def test_a_transactions_code_and_its_evidence_are_kept_together_or_not_at_all(
    client: Client, party: Party, jonas_phone: AppDevice, monkeypatch: pytest.MonkeyPatch
) -> None:
    def evidence_fails(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the evidence could not be written")

    monkeypatch.setattr(services, "_keep_evidence", evidence_fails)
    details = json.dumps([{"type": "mitid_approval", "text": "Overfør 200 kr."}])
    reference = start(client, party, authorization_details=details)
    type_user_id(client, reference, "J()nas Jen5en")
    client.get("/en/login/app/")
    approve_in_app(jonas_phone)
    client.raise_request_exception = False
    assert client.get("/en/login/app/").status_code == 500
    assert not PartyLogin.objects.exists()


@pytest.mark.django_db(transaction=True)  # as served: no test transaction, no savepoints
def test_the_authorization_request_writes_no_session_and_the_user_id_one_row(
    party: Party, jonas_phone: AppDevice
) -> None:
    """The party's authorization request is kept in the browser's cookie, signed
    (mitid_portal/sessions.py), until the user-ID is typed: that request writes the session's
    row, one INSERT as at the portal's own login, where it read the row and renamed it. The
    login goes on to the party's code as before."""
    start(Client(), party)  # the client read once, then kept in the cache
    browser = Client()
    with CaptureQueriesContext(connection) as sent:
        reference = start(browser, party)
    assert statements_of(sent) == [] and not Session.objects.exists()
    with CaptureQueriesContext(connection) as sent:
        type_user_id(browser, reference, "J()nas Jen5en")
    on_sessions = [sql.split(" (")[0] for sql in statements_of(sent) if "django_session" in sql]
    assert on_sessions == ['INSERT INTO "django_session"']
    browser.get("/en/login/app/")
    approve_in_app(jonas_phone)
    location = browser.get("/en/login/app/")["Location"]
    assert query_of(location)["state"] == "s-1" and "code" in query_of(location)


def test_a_code_is_marked_swapped_once_by_a_statement_compiled_once(
    party: Party, jonas_phone: AppDevice, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`services.redeem`: the first caller marks the login swapped with its tokens, a second
    gets False and changes nothing; after the first, no SQL is compiled for it."""
    first, second = (
        services.login_for_code(query_of(log_in_with_app(Client(), party, jonas_phone))["code"])
        for _ in range(2)
    )
    assert first is not None and second is not None
    assert services.redeem(first, access_token=None, id_token=None)
    compiled: list[str] = []
    as_sql = SQLCompiler.as_sql

    def counted(self: SQLCompiler, *args: Any, **kwargs: Any) -> Any:
        compiled.append(type(self).__name__)
        return as_sql(self, *args, **kwargs)

    with monkeypatch.context() as patched:
        for compiler in (SQLCompiler, SQLUpdateCompiler):
            patched.setattr(compiler, "as_sql", counted)
        token = AccessToken.objects.create(
            user=second.identity.account,
            token="t-1",
            application=party.registered.party.application,
            expires=second.code_expires,
        )
        compiled.clear()  # the token's INSERT
        assert services.redeem(second, access_token=token, id_token=None)
        assert not services.redeem(second, access_token=None, id_token=None)
    assert compiled == []
    second.refresh_from_db()
    assert second.redeemed_at is not None and second.access_token_id == token.pk
    assert second.id_token_id is None


@pytest.mark.django_db(transaction=True)  # as served: the one statement in no transaction
def test_a_codes_tokens_are_written_once_with_the_login_marked_swapped(
    party: Party, jonas_phone: AppDevice
) -> None:
    """`services.redeem_with_tokens`: the first caller writes the two tokens, linked, and
    marks the login swapped with them; a second (the same code twice at once) gets False and
    writes nothing of its own (on PostgreSQL its INSERTs find no swapped row, elsewhere its
    transaction is rolled back)."""
    code = query_of(log_in_with_app(Client(), party, jonas_phone))["code"]
    first, second = (services.login_for_code(code) for _ in range(2))
    assert first is not None and second is not None

    def tokens(login: PartyLogin, raw: str) -> tuple[IDToken, AccessToken]:
        application = party.registered.party.application
        user = login.identity.account
        expires = login.code_expires
        id_token = IDToken(user=user, application=application, expires=expires, scope="openid")
        access_token = AccessToken(user=user, application=application, expires=expires)
        set_token_value(access_token, raw)
        return id_token, access_token

    id_token, access_token = tokens(first, "t-1")
    assert services.redeem_with_tokens(first, id_token=id_token, access_token=access_token)
    id_token_2, access_token_2 = tokens(second, "t-2")
    assert not services.redeem_with_tokens(second, id_token=id_token_2, access_token=access_token_2)
    written = AccessToken.objects.get()
    assert (written.pk, written.id_token_id) == (access_token.pk, id_token.pk)
    assert written.token_checksum == hashlib.sha256(b"t-1").hexdigest()
    assert IDToken.objects.get().pk == id_token.pk and not access_token._state.adding
    first.refresh_from_db()
    assert first.redeemed_at is not None
    assert (first.access_token_id, first.id_token_id) == (access_token.pk, id_token.pk)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the one statement is PostgreSQL's")
def test_the_same_code_swapped_twice_at_once_gets_one_pair_of_tokens(
    party: Party, jonas_phone: AppDevice
) -> None:
    """Two token requests with one code at the same moment: the second's statement waits for
    the first's lock on the login, then finds it swapped and writes nothing."""
    code = query_of(log_in_with_app(Client(), party, jonas_phone))["code"]
    first, second = (services.login_for_code(code) for _ in range(2))
    assert first is not None and second is not None
    redeemed, go_on = threading.Event(), threading.Event()
    answers: list[bool] = []

    def first_request() -> None:
        try:
            with transaction.atomic():  # held open, as a slow first request's would be
                answers.append(services.redeem_with_tokens(first, **made_tokens(party, first)))
                redeemed.set()
                go_on.wait(10)
        finally:
            connections.close_all()

    thread = threading.Thread(target=first_request)
    thread.start()
    assert redeemed.wait(10)
    threading.Timer(0.5, go_on.set).start()
    started = time.monotonic()
    answers.append(services.redeem_with_tokens(second, **made_tokens(party, second)))
    waited = time.monotonic() - started
    thread.join(10)
    assert answers == [True, False] and waited >= 0.4  # it waited for the first's commit
    assert AccessToken.objects.count() == 1 and IDToken.objects.count() == 1


def made_tokens(party: Party, login: PartyLogin) -> dict[str, Any]:
    """An ID token and an access token for `login`, made as the token request makes them."""
    application, user = party.registered.party.application, login.identity.account
    access_token = AccessToken(user=user, application=application, expires=login.code_expires)
    set_token_value(access_token, f"t-{login.pk}-{time.monotonic_ns()}")
    return {
        "id_token": IDToken(
            user=user, application=application, expires=login.code_expires, scope="openid"
        ),
        "access_token": access_token,
    }


def test_nothing_listens_for_a_tokens_save() -> None:
    """On PostgreSQL a party's tokens are written by one statement of its own, not by the ORM's
    save (`services.redeem_with_tokens`): no `post_save` is sent for them, and none is heard."""
    assert not post_save.has_listeners(AccessToken) and not post_save.has_listeners(IDToken)
