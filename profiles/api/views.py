"""Views of the profile API. Everything here is one member's and private: signed-in
members only, scoped to `request.user` (someone else's saved item is a 404), and every
answer `private, no-store`."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.http_cache import PrivateNoStoreMixin
from core.pagination import CursorPagination
from core.responses import created_response
from core.routing import ANY_SEGMENT
from journaling.selectors import member_today
from profiles import home, selectors, services
from profiles.api import schema
from profiles.api import serializers as api
from profiles.models import SavedItem
from profiles.recommendations import recommendation_list


class PrivateProfileMixin(PrivateNoStoreMixin):
    """Signed-in members only; nothing of a profile may sit in a shared cache."""

    permission_classes = [IsAuthenticated]


class SavedItemPagination(CursorPagination):
    ordering = ("-created_at", "-id")


@schema.saved_item_viewset
class SavedItemViewSet(
    PrivateProfileMixin,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = api.SavedItemSerializer
    pagination_class = SavedItemPagination
    filter_backends: list = []
    # Any segment reaches the view: a malformed id is a 404 there, like a stranger's.
    lookup_value_regex = ANY_SEGMENT

    def get_queryset(self) -> QuerySet[SavedItem]:
        if self.action == "destroy":
            # Anything the member saved may be removed, public right now or not.
            return SavedItem.objects.filter(owner=self.request.user).order_by("-created_at", "-id")
        return selectors.saved_item_list(owner=self.request.user)

    def create(self, request: Request, *args: object, **kwargs: object) -> Response:
        payload = api.SavedItemCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        ((target_field, target),) = payload.validated_data.items()
        item, created = services.saved_item_create(
            owner=request.user, target_field=target_field, target=target
        )
        return created_response(
            request,
            self.get_serializer(item).data,
            created=created,
            url_name="saved-item-detail",
            pk=item.pk,
        )

    @action(detail=False, methods=["get"], pagination_class=None)
    def lookup(self, request: Request) -> Response:
        query = api.SavedLookupQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        matches = selectors.saved_item_matches(owner=request.user, slugs=query.validated_data)
        results = [{"type": item.type, "slug": item.target.slug, "id": item.id} for item in matches]
        return Response(api.SavedLookupSerializer({"results": results}).data)


@schema.interests_view
class InterestsView(PrivateProfileMixin, APIView):
    def get(self, request: Request) -> Response:
        interests = selectors.interest_list(owner=request.user)
        return Response(api.InterestsSerializer({"tags": [i.tag for i in interests]}).data)

    def put(self, request: Request) -> Response:
        payload = api.InterestsUpdateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        interests = services.interests_set(owner=request.user, tags=payload.validated_data["tags"])
        return Response(api.InterestsSerializer({"tags": [i.tag for i in interests]}).data)


@schema.recommendations_view
class RecommendationsView(PrivateProfileMixin, APIView):
    def get(self, request: Request) -> Response:
        query = api.RecommendationQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        now = timezone.now()
        items = recommendation_list(
            owner=request.user,
            now=now,
            today=member_today(request.user, now),
            limit=query.validated_data["limit"],
        )
        context = {"request": request}
        return Response(
            {
                "count": len(items),
                "results": api.RecommendationSerializer(items, many=True, context=context).data,
            }
        )


@schema.home_view
class HomeView(PrivateProfileMixin, APIView):
    def get(self, request: Request) -> Response:
        query = api.HomeQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = home.home_get(
            owner=request.user,
            now=timezone.now(),
            weekly_goal=query.validated_data["weekly_goal"],
        )
        return Response(api.HomeSerializer(data, context={"request": request}).data)
