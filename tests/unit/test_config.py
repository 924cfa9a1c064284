"""Profiles: a malformed file or field is named precisely and never loses what the user wrote."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from cognito_desktop.services.config import (
    Profile,
    load_profiles,
    require_profile,
    save_profiles,
    upsert_profile,
)
from cognito_desktop.services.errors import ConfigError

GOOD = """
default_profile = "work"

[profiles.work]
region = "eu-west-1"
user_pool_id = "eu-west-1_AbC123dEf"
client_id = "1example23456789"
hosted_ui_url = "https://acme.auth.eu-west-1.amazoncognito.com"
redirect_uri = "myapp://callback"
identity_pool_id = "eu-west-1:0a1b2c3d-1111-2222-3333-444455556666"
scopes = ["openid", "email"]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "profiles.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_file_loads_typed_profiles(tmp_path: Path) -> None:
    profiles = load_profiles(write(tmp_path, GOOD))
    assert profiles.problems == []
    work = profiles.profiles["work"]
    assert work.scopes == ("openid", "email")
    assert work.issuer == "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123dEf"
    assert work.logins_key == "cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123dEf"
    assert work.jwks_url == work.issuer + "/.well-known/jwks.json"
    assert profiles.initial() is work


def test_a_missing_file_means_no_profiles_and_no_problem(tmp_path: Path) -> None:
    profiles = load_profiles(tmp_path / "absent.toml")
    assert profiles.profiles == {}
    assert profiles.problems == []


def test_invalid_toml_names_the_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD + "\n[profiles.broken\nregion = 1\n")
    profiles = load_profiles(path)
    assert profiles.profiles == {}
    assert profiles.unreadable
    (problem,) = profiles.problems
    assert str(path) in str(problem)
    assert "line" in str(problem)


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("region", '"Europe"', "not an AWS region"),
        ("user_pool_id", '"eu-west-1-nounderscore"', "REGION_ID"),
        ("user_pool_id", '"us-east-1_Abc"', "belongs to region us-east-1"),
        ("client_id", '"has spaces in it"', "app client id"),
        ("hosted_ui_url", '"ftp://example.com"', "http(s) URL"),
        ("hosted_ui_url", '"http://acme.example.com"', "must use https"),
        ("redirect_uri", '"::::"', "URL"),
        ("identity_pool_id", '"not-an-id"', "REGION:UUID"),
        ("scopes", '["email"]', "must include 'openid'"),
        ("scopes", '"openid"', "list of strings"),
        ("remember_me", '"yes"', "true or false"),
        ("regoin", '"eu-west-1"', "unknown field"),
    ],
)
def test_a_bad_field_is_named_with_what_is_expected(
    tmp_path: Path, field: str, value: str, expected: str
) -> None:
    lines = [ln for ln in GOOD.splitlines() if not ln.startswith(f"{field} =")]
    lines.append(f"{field} = {value}")
    path = write(tmp_path, "\n".join(lines))
    profiles = load_profiles(path)
    assert "work" not in profiles.profiles
    messages = [str(p) for p in profiles.problems]
    assert any(
        f"field '{field}'" in m and expected in m and "profile 'work'" in m and str(path) in m
        for m in messages
    ), messages


def test_a_missing_required_field_is_named(tmp_path: Path) -> None:
    text = "\n".join(ln for ln in GOOD.splitlines() if not ln.startswith("client_id"))
    problems = load_profiles(write(tmp_path, text)).problems
    assert [p.field for p in problems] == ["client_id"]
    assert "is required" in str(problems[0])


def test_one_bad_profile_does_not_hide_the_good_ones(tmp_path: Path) -> None:
    text = GOOD + '\n[profiles.bad]\nregion = "nowhere"\n'
    profiles = load_profiles(write(tmp_path, text))
    assert list(profiles.profiles) == ["work"]
    assert {p.profile for p in profiles.problems} == {"bad"}


def test_localhost_may_use_plain_http(tmp_path: Path) -> None:
    text = (
        GOOD.replace("https://acme.auth.eu-west-1.amazoncognito.com", "http://127.0.0.1:4566")
        + 'endpoint_url = "http://localhost:4566"\n'
    )
    profiles = load_profiles(write(tmp_path, text))
    assert profiles.problems == []
    assert profiles.profiles["work"].is_local
    assert (
        profiles.profiles["work"].jwks_url
        == "http://localhost:4566/eu-west-1_AbC123dEf/.well-known/jwks.json"
    )


def test_save_round_trips_and_keeps_invalid_tables(tmp_path: Path) -> None:
    text = GOOD + '\n[profiles.bad]\nregion = "nowhere"\nnote = "keep me"\n'
    path = write(tmp_path, text)
    profiles = load_profiles(path)
    save_profiles(profiles)
    again = load_profiles(path)
    assert again.profiles == profiles.profiles
    assert again.invalid_tables["bad"] == {"region": "nowhere", "note": "keep me"}
    assert again.default == "work"


def test_unicode_and_quotes_survive_saving(tmp_path: Path) -> None:
    path = tmp_path / "profiles.toml"
    prof = Profile(
        name="ü",
        region="eu-west-1",
        user_pool_id="eu-west-1_A1",
        client_id="abc",
        hosted_ui_url='https://x.example.com/ä"q',
        redirect_uri="myapp://cb",
    )
    upsert_profile(path, prof)
    assert load_profiles(path).problems[0].message.startswith("a profile name")
    prof2 = Profile(
        name="ok",
        region="eu-west-1",
        user_pool_id="eu-west-1_A1",
        client_id="abc",
        hosted_ui_url='https://x.example.com/ä"q',
        redirect_uri="myapp://cb",
    )
    upsert_profile(path, prof2)
    assert load_profiles(path).profiles["ok"] == prof2


def test_upsert_into_an_unreadable_file_moves_it_aside(tmp_path: Path) -> None:
    path = write(tmp_path, "this is [not toml")
    prof = Profile(
        name="sandbox",
        region="us-east-1",
        user_pool_id="us-east-1_A1",
        client_id="abc",
        hosted_ui_url="http://127.0.0.1:1",
        redirect_uri="myapp://cb",
    )
    moved = upsert_profile(path, prof, make_default=True)
    assert moved is not None
    assert moved.read_text() == "this is [not toml"
    assert load_profiles(path).profiles["sandbox"] == prof


def test_require_profile_says_what_to_do(tmp_path: Path) -> None:
    profiles = load_profiles(write(tmp_path, GOOD))
    with pytest.raises(ConfigError, match="cognito-desktop sandbox"):
        require_profile(profiles, "nope")
    assert require_profile(profiles, "work").name == "work"


def test_dynamodb_table_lists_are_read_and_checked(tmp_path: Path) -> None:
    good = (
        GOOD + 'dynamodb_tables = ["orders", "customers"]\ndynamodb_identity_keyed = ["orders"]\n'
    )
    profile = load_profiles(write(tmp_path, good)).profiles["work"]
    assert profile.dynamodb_tables == ("orders", "customers")
    assert profile.dynamodb_identity_keyed == ("orders",)
    bad = load_profiles(write(tmp_path, GOOD + 'dynamodb_tables = "orders"\n'))
    assert any(
        p.field == "dynamodb_tables" and "list of table names" in p.message for p in bad.problems
    )


def test_s3_locations_are_read_and_each_address_checked(tmp_path: Path) -> None:
    good = GOOD + 's3_locations = ["s3://demo-bucket/", " s3://other-bucket/reports/ "]\n'
    profile = load_profiles(write(tmp_path, good)).profiles["work"]
    assert profile.s3_locations == ("s3://demo-bucket/", "s3://other-bucket/reports/")
    saved = tmp_path / "saved.toml"
    upsert_profile(saved, replace(profile, s3_locations=("s3://demo-bucket/with space/",)))
    reloaded = load_profiles(saved).profiles["work"]
    assert reloaded.s3_locations == ("s3://demo-bucket/with space/",)
    assert load_profiles(write(tmp_path, GOOD)).profiles["work"].s3_locations == ()
    bad = load_profiles(
        write(tmp_path, GOOD + 's3_locations = ["s3://demo-bucket/", "s3://Bad_Bucket/x/"]\n')
    )
    assert "work" not in bad.profiles
    (problem,) = bad.problems
    assert problem.field == "s3_locations"
    assert "'s3://Bad_Bucket/x/'" in problem.message
    assert "must be lowercase" in problem.message
    not_a_list = load_profiles(write(tmp_path, GOOD + 's3_locations = "s3://demo-bucket/"\n'))
    assert [p.field for p in not_a_list.problems] == ["s3_locations"]
    assert "expected a list" in not_a_list.problems[0].message
