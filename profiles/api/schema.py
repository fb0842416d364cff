"""What the OpenAPI schema of the profile API says that inference cannot see:
summaries, the request and response shapes of the plain views, query parameters and
the codes of the validation errors they raise. Each decorator is applied to one view in
`profiles.api.views`."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors

from profiles.api import serializers as api

PRIVATE_NOTE = " Private to you, never cached (`Cache-Control: private, no-store`)."


def saved_item_viewset(view: type) -> type:
    view = extend_validation_errors(
        ["one_target"], field_name="non_field_errors", actions=["create"]
    )(view)
    view = extend_validation_errors(
        ["too_many"], field_name="non_field_errors", actions=["lookup"]
    )(view)
    return extend_schema_view(
        list=extend_schema(
            summary="Your saved guides, strategies, exercises and events, newest first",
            description="Items whose guide is unpublished are left out until it is back."
            + PRIVATE_NOTE,
        ),
        retrieve=extend_schema(
            summary="One saved item (where a save's `Location` points)",
            description=PRIVATE_NOTE.strip(),
        ),
        create=extend_schema(
            summary="Save a guide, a strategy, an exercise or an event",
            request=api.SavedItemCreateSerializer,
            responses={
                201: OpenApiResponse(api.SavedItemSerializer, description="Saved."),
                200: OpenApiResponse(api.SavedItemSerializer, description="It was already saved."),
            },
        ),
        destroy=extend_schema(
            # Kept from before the derived ids (tests/core/test_operation_ids.py).
            operation_id="me_saved_delete",
            summary="Forget a saved item",
            responses={204: OpenApiResponse(description="Removed.")},
        ),
        lookup=extend_schema(
            summary="Which of these have you saved?",
            description=(
                "For marking saved items on public pages, which stay the same for everyone "
                "(and cached): send the slugs the page shows, get back those you saved "
                "with the ids to unsave them. Up to 100 slugs in one call." + PRIVATE_NOTE
            ),
            parameters=[api.SavedLookupQuerySerializer],
            responses={200: api.SavedLookupSerializer},
        ),
    )(view)


def interests_view(view: type) -> type:
    return extend_schema_view(
        get=extend_schema(
            summary="The topics you picked",
            responses={200: api.InterestsSerializer},
            description="Tags whose content your recommendations bring forward." + PRIVATE_NOTE,
        ),
        put=extend_schema(
            summary="Pick your topics (the whole list)",
            request=api.InterestsUpdateSerializer,
            responses={200: api.InterestsSerializer},
            description="Tags left out are dropped; an unknown slug is a 400 and changes nothing.",
        ),
    )(
        extend_validation_errors(["does_not_exist"], field_name="tags", methods=["put"])(
            extend_validation_errors(["too_many"], field_name="tags", methods=["put"])(view)
        )
    )


def recommendations_view(view: type) -> type:
    return extend_schema_view(
        get=extend_schema(
            summary="Guides, strategies, exercises and events picked for you",
            description=(
                "Ranked from your interests, your saved items, what you journaled about and "
                "the mood lift each strategy gave you; each item says why (`reason`). What you "
                "saved, kept a commitment on in the last 14 days, or set a reminder for is "
                "never listed; what you journaled about this week goes further down. A new "
                "member gets what members saved most lately (`popular`). Not paginated: a "
                "ranking changes as you act, so ask for up to 50." + PRIVATE_NOTE
            ),
            parameters=[api.RecommendationQuerySerializer],
            responses={200: api.RecommendationListSerializer},
        )
    )(view)


def home_view(view: type) -> type:
    return extend_schema_view(
        get=extend_schema(
            summary="Everything the home screen shows, in one call",
            description=(
                "The next live event (and whether you set a reminder), today's open "
                "commitments, your streak and weekly goal, three recommendations, your "
                "newest saved items and entries written on this date in past years." + PRIVATE_NOTE
            ),
            parameters=[api.HomeQuerySerializer],
            responses={200: api.HomeSerializer},
        )
    )(view)
