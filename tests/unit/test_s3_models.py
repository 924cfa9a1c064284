"""The S3 panel's values: locations walk up and down as folders do; plans count and resolve."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cognito_desktop.services.s3_models import (
    DeletePlan,
    ListingPage,
    S3Location,
    TransferItem,
    TransferPlan,
)


def test_uri_and_folder_or_object() -> None:
    assert S3Location("bk").uri == "s3://bk/"
    assert S3Location("bk", "a/b/").uri == "s3://bk/a/b/"
    assert S3Location("bk", "a/with space+%20.txt").uri == "s3://bk/a/with space+%20.txt"
    assert S3Location("bk").is_folder
    assert S3Location("bk", "a/").is_folder
    assert not S3Location("bk", "a/b.txt").is_folder


@pytest.mark.parametrize(
    ("prefix", "parent"),
    [
        ("", None),
        ("a/", ""),
        ("a/b/", "a/"),
        ("a/b/c.txt", "a/b/"),
        ("top.txt", ""),
        ("a//", "a/"),  # an empty folder name is a level of its own
        ("a//b/", "a//"),
        ("/", ""),
    ],
)
def test_parent(prefix: str, parent: str | None) -> None:
    expected = None if parent is None else S3Location("bk", parent)
    assert S3Location("bk", prefix).parent() == expected


def test_child() -> None:
    root = S3Location("bk")
    assert root.child("a/") == S3Location("bk", "a/")
    assert root.child("a/").child("naïve 文件.txt") == S3Location("bk", "a/naïve 文件.txt")
    assert root.child("a/").child("b/").parent() == S3Location("bk", "a/")


def test_crumbs_label_each_level_and_end_here() -> None:
    assert S3Location("bk").crumbs() == [("bk", S3Location("bk"))]
    assert S3Location("bk", "a/b/c.txt").crumbs() == [
        ("bk", S3Location("bk")),
        ("a", S3Location("bk", "a/")),
        ("b", S3Location("bk", "a/b/")),
        ("c.txt", S3Location("bk", "a/b/c.txt")),
    ]
    assert [label for label, _ in S3Location("bk", "a//b/").crumbs()] == [
        "bk",
        "a",
        "(empty)",
        "b",
    ]


_PREFIXES = st.lists(
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=6), min_size=1, max_size=6
).map("/".join)


@given(_PREFIXES)
def test_crumbs_are_the_chain_of_parents(prefix: str) -> None:
    location = S3Location("bk", prefix)
    crumbs = [loc for _, loc in location.crumbs()]
    assert crumbs[-1] == location
    assert crumbs[0] == S3Location("bk")
    for upper, lower in itertools.pairwise(crumbs):
        assert lower.parent() == upper
        assert lower.prefix.startswith(upper.prefix)
        assert upper.is_folder


def test_listing_page_counts_folders_and_objects() -> None:
    page = ListingPage(
        location=S3Location("bk", "a/"),
        folders=["x/", "y/"],
        names=["f.txt"],
        sizes=[3],
        modified=[0.0],
        etags=["e"],
        storage_classes=["STANDARD"],
        next_token=None,
    )
    assert page.count == 3
    assert page.version_ids == page.is_latest == page.delete_markers == []


def test_delete_plan_counts_keys_and_versions() -> None:
    assert DeletePlan("bk", ("a", "b"), (("a", "v1"),)).count == 3
    assert DeletePlan("bk", ()).count == 0


def _plan() -> TransferPlan:
    items = (
        TransferItem(0, "download", "bk", "a/1.txt", "/tmp/1.txt", 10),
        TransferItem(1, "download", "bk", "a/2.txt", "/tmp/2.txt", 20, exists=True),
        TransferItem(2, "download", "bk", "a/3.txt", "/tmp/3.txt", 30),
        TransferItem(3, "download", "bk", "a/4.txt", "/tmp/4.txt", 40, exists=True),
    )
    return TransferPlan("download", items, 100)


def test_conflicts_are_the_items_whose_destination_exists() -> None:
    assert [i.index for i in _plan().conflicts] == [1, 3]


def test_resolved_skip_drops_the_conflicts_and_their_bytes() -> None:
    kept = _plan().resolved("skip")
    assert [i.index for i in kept.items] == [0, 2]
    assert kept.total_bytes == 40
    assert kept.conflicts == ()
    assert kept.direction == "download"


@pytest.mark.parametrize("policy", ["overwrite", "ask"])
def test_resolved_overwrite_or_ask_keeps_everything(policy: str) -> None:
    plan = _plan()
    resolved = plan.resolved(policy)  # type: ignore[arg-type]
    assert resolved.items == plan.items
    assert resolved.total_bytes == 100
    assert len(resolved.conflicts) == 2
