"""Groups of live customers that look like duplicates, page by page (the duplicates page)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber
from django.utils.http import urlencode

from crm.models import User
from crm.pagination import LAST, NEXT, PREVIOUS, Cursor, KeysetPage
from customers.models import LIST_FIELDS, Customer
from customers.models.search import similar_name_key


# Duplicate groups (the duplicates page). A group is live customers sharing a key: the
# normalized phone, the normalized e-mail, or `similar_name_key` (same city, same name once
# case, spaces, punctuation and company forms such as "Ltd." or 有限公司 are ignored).
DUPLICATE_REASONS = ("phone", "email", "name")
# A group shows at most this many members (the oldest); common names can have hundreds.
DUPLICATE_MEMBERS_SHOWN = 10


@dataclass(frozen=True)
class DuplicateGroup:
    reason: str
    key: str
    size: int
    members: list[Customer]

    @property
    def ids(self) -> list[int]:
        return [member.pk for member in self.members]

    @property
    def more(self) -> int:
        return self.size - len(self.members)

    @property
    def merge_query(self) -> str:
        """The merge page's query string for the members shown."""
        return urlencode([("ids", pk) for pk in self.ids])


def _duplicate_key(reason: str):
    if reason == "phone":
        return F("phone_normalized"), ~Q(phone_normalized="")
    if reason == "email":
        return F("email_normalized"), ~Q(email_normalized="")
    # The simplified name must not be empty ("Ltd." alone), i.e. the key is more than "city/".
    return similar_name_key(), ~Q(city="") & ~Q(group_key__endswith="/")


def _duplicate_keys(*, user: User, reason: str, bound: str | None, forward: bool, limit: int):
    """(key, size) of up to `limit` groups in key order, after (or before) `bound`."""
    key, condition = _duplicate_key(reason)
    groups = (
        Customer.objects.visible_to(user)
        .annotate(group_key=key)
        .filter(condition)
        .values("group_key")
        .annotate(size=Count("*"))
        .filter(size__gt=1)
        .order_by("group_key" if forward else "-group_key")
    )
    if bound is not None:
        groups = groups.filter(**{"group_key__gt" if forward else "group_key__lt": bound})
    return [(row["group_key"], row["size"]) for row in groups[:limit]]


def _duplicate_members(*, user: User, reason: str, keys: list[str]) -> dict[str, list[Customer]]:
    key, condition = _duplicate_key(reason)
    rank = Window(RowNumber(), partition_by=[F("group_key")], order_by=[F("id").asc()])
    members = (
        Customer.objects.visible_to(user)
        .annotate(group_key=key)
        .filter(condition, group_key__in=keys)
        .annotate(rank=rank)
        .filter(rank__lte=DUPLICATE_MEMBERS_SHOWN)
        .select_related("owner")
        .only(*LIST_FIELDS)
        .order_by("group_key", "id")
    )
    found: dict[str, list[Customer]] = {}
    for member in members:
        found.setdefault(member.group_key, []).append(member)
    return found


def duplicate_groups(
    *, user: User, reason: str | None = None, cursor: str | None = None,
    per_page: int | None = None,
) -> KeysetPage:
    """One page of groups of live customers the user may see that share a phone, an e-mail
    or a similar name in the same city, in (reason, key) order, each with its first members.

    Every page is read from the duplicate indexes in key order (a query per reason on the
    page, at most three, plus one per reason for the members); there is no total count,
    which would aggregate the whole table.
    """
    per_page = per_page or settings.LIST_PAGE_SIZE
    reasons = [reason] if reason in DUPLICATE_REASONS else list(DUPLICATE_REASONS)
    position = Cursor.decode(cursor)
    start, bound = None, None
    if position.values:
        rank, bound = position.values if len(position.values) == 2 else (None, None)
        if not (isinstance(rank, int) and 0 <= rank < len(DUPLICATE_REASONS)
                and DUPLICATE_REASONS[rank] in reasons and isinstance(bound, str)):
            return duplicate_groups(user=user, reason=reason, per_page=per_page)
        start = reasons.index(DUPLICATE_REASONS[rank])
    backwards = position.direction in (PREVIOUS, LAST)
    if backwards:
        order = reasons[start::-1] if start is not None else reasons[::-1]
    else:
        order = reasons[start:] if start is not None else reasons
    keys: list[tuple[str, str, int]] = []
    for index, name in enumerate(order):
        wanted = per_page + 1 - len(keys)
        if wanted <= 0:
            break
        keys += [(name, key, size) for key, size in _duplicate_keys(
            user=user, reason=name, bound=bound if index == 0 else None,
            forward=not backwards, limit=wanted,
        )]
    if not keys and position.values:
        return duplicate_groups(user=user, reason=reason, per_page=per_page)
    more = len(keys) > per_page
    keys = keys[:per_page]
    if backwards:
        keys.reverse()
        has_previous, has_next = more, position.direction == PREVIOUS
    else:
        has_next, has_previous = more, position.direction == NEXT
    members: dict[str, dict[str, list[Customer]]] = {}
    for name in DUPLICATE_REASONS:
        wanted = [key for reason_name, key, _size in keys if reason_name == name]
        if wanted:
            members[name] = _duplicate_members(user=user, reason=name, keys=wanted)
    groups = [DuplicateGroup(reason=name, key=key, size=size, members=members[name].get(key, []))
              for name, key, size in keys]

    def cursor_at(direction: str, group: DuplicateGroup) -> str:
        return Cursor(direction, (DUPLICATE_REASONS.index(group.reason), group.key)).encode()

    return KeysetPage(
        object_list=groups,
        has_next=has_next,
        has_previous=has_previous,
        next_cursor=cursor_at(NEXT, groups[-1]) if has_next else None,
        previous_cursor=cursor_at(PREVIOUS, groups[0]) if has_previous else None,
        count=len(groups),
        count_is_capped=False,
        per_page=per_page,
    )
