from __future__ import annotations

import base64
import hashlib
from urllib.parse import parse_qs, urlsplit

import pytest

from cognito_desktop.services.config import Profile
from cognito_desktop.services.errors import AuthError
from cognito_desktop.services.oauth import (
    code_from_redirect,
    is_redirect,
    pkce_pair,
    prepare_authorization,
    s256_challenge,
)

PROFILE = Profile(
    name="p",
    region="eu-west-1",
    user_pool_id="eu-west-1_Abc123",
    client_id="client123",
    hosted_ui_url="https://demo.auth.eu-west-1.amazoncognito.com",
    redirect_uri="myapp://callback/",
)


def test_pkce_challenge_is_s256_of_the_verifier() -> None:
    verifier, challenge = pkce_pair()
    assert 43 <= len(verifier) <= 128
    assert set(verifier) <= set(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"
    )
    expected = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=")
    assert challenge == expected.decode()


def test_rfc7636_appendix_b_vector() -> None:
    assert (
        s256_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
        == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    )


def test_each_sign_in_gets_fresh_state_nonce_and_verifier() -> None:
    a, b = prepare_authorization(PROFILE), prepare_authorization(PROFILE)
    assert len({a.state, b.state}) == 2
    assert len({a.nonce, b.nonce}) == 2
    assert len({a.code_verifier, b.code_verifier}) == 2


def test_authorize_url_carries_pkce_state_nonce_and_scopes() -> None:
    req = prepare_authorization(PROFILE)
    parts = urlsplit(req.url)
    assert (
        f"{parts.scheme}://{parts.netloc}{parts.path}"
        == "https://demo.auth.eu-west-1.amazoncognito.com/oauth2/authorize"
    )
    q = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert q["response_type"] == "code"
    assert q["client_id"] == "client123"
    assert q["redirect_uri"] == "myapp://callback/"
    assert q["scope"] == "openid email profile"
    assert q["code_challenge_method"] == "S256"
    assert q["code_challenge"] == s256_challenge(req.code_verifier)
    assert q["state"] == req.state
    assert q["nonce"] == req.nonce
    assert "code_verifier" not in q
    assert "identity_provider" not in q


def test_identity_provider_skips_to_the_federated_idp() -> None:
    req = prepare_authorization(PROFILE, identity_provider="Google")
    assert parse_qs(urlsplit(req.url).query)["identity_provider"] == ["Google"]


def test_repr_never_shows_the_verifier() -> None:
    req = prepare_authorization(PROFILE)
    assert req.code_verifier not in repr(req)
    assert req.state not in repr(req)


@pytest.mark.parametrize(
    "url", ["myapp://callback/?code=x", "myapp://callback?code=x&state=y", "MYAPP://CALLBACK/"]
)
def test_redirect_matches_ignoring_query_and_trailing_slash(url: str) -> None:
    assert is_redirect(prepare_authorization(PROFILE), url)


@pytest.mark.parametrize(
    "url",
    [
        "myapp://other/?code=x",
        "https://callback/?code=x",
        "https://demo.auth.eu-west-1.amazoncognito.com/login",
    ],
)
def test_other_navigations_are_not_the_redirect(url: str) -> None:
    assert not is_redirect(prepare_authorization(PROFILE), url)


def test_code_is_returned_when_state_matches() -> None:
    req = prepare_authorization(PROFILE)
    assert code_from_redirect(req, f"myapp://callback/?code=abc&state={req.state}") == "abc"


def test_state_mismatch_is_refused() -> None:
    req = prepare_authorization(PROFILE)
    with pytest.raises(AuthError, match="state mismatch"):
        code_from_redirect(req, "myapp://callback/?code=abc&state=forged")


def test_missing_state_is_refused() -> None:
    req = prepare_authorization(PROFILE)
    with pytest.raises(AuthError, match="state mismatch"):
        code_from_redirect(req, "myapp://callback/?code=abc")


def test_error_on_the_redirect_becomes_a_clear_message() -> None:
    req = prepare_authorization(PROFILE)
    with pytest.raises(AuthError) as err:
        code_from_redirect(
            req,
            "myapp://callback/?error=invalid_request&"
            f"error_description=invalid_scope&state={req.state}",
        )
    assert "rejected the request: invalid_scope" in str(err.value)
    assert "Try again" in str(err.value)


def test_access_denied_is_explained() -> None:
    req = prepare_authorization(PROFILE)
    with pytest.raises(AuthError, match="refused or cancelled"):
        code_from_redirect(req, f"myapp://callback/?error=access_denied&state={req.state}")


def test_missing_code_is_refused() -> None:
    req = prepare_authorization(PROFILE)
    with pytest.raises(AuthError, match="no authorization code"):
        code_from_redirect(req, f"myapp://callback/?state={req.state}")
