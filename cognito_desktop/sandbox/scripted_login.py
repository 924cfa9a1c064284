"""Fill the sandbox's hosted login form over HTTP, as a browser would.

For tests, benchmarks and scripted demos against the local AWS only; the app
itself always shows the real page.
"""

from __future__ import annotations

import html
import re

import requests

from ..services.config import Profile
from ..services.oauth import AuthorizationRequest, code_from_redirect, prepare_authorization
from ..services.session import Session, SessionInfo

_HIDDEN_FIELD = re.compile(r'name="(\w+)" value="([^"]*)"')


def hosted_login(
    request: AuthorizationRequest, profile: Profile, username: str, password: str
) -> str:
    """Submit the login form for ``request``; return the redirect URL it answers with."""
    http = requests.Session()
    page = http.get(request.url, timeout=10)
    page.raise_for_status()
    form = {k: html.unescape(v) for k, v in _HIDDEN_FIELD.findall(page.text)}
    form.update(username=username, password=password)
    answer = http.post(profile.hosted_ui("login"), data=form, allow_redirects=False, timeout=10)
    if answer.status_code != 302:
        raise RuntimeError(f"the login form answered {answer.status_code}, not a redirect")
    return str(answer.headers["Location"])


def sign_in(session: Session, username: str, password: str) -> SessionInfo:
    """A complete sign-in of ``session`` through the hosted login form."""
    request = prepare_authorization(session.profile)
    url = hosted_login(request, session.profile, username, password)
    return session.complete_login(request, code_from_redirect(request, url))
