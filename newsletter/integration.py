"""What the newsletter plugs into the rest of the project, from `ready()`:

- the public response cache: the archive changes when an edition is saved or sent;
- the personal-data export and account deletion: the member's subscription, its
  consents and which issues were sent to it.
"""

from __future__ import annotations

from rest_framework import serializers

from accounts import personal_data
from core.http_cache import track_content_models
from newsletter import services
from newsletter.models import Delivery, Edition, EditionExercise, Subscriber


class ConsentExportSerializer(serializers.Serializer):
    given_at = serializers.DateTimeField()
    text = serializers.CharField()
    source = serializers.CharField()


class DeliveryExportSerializer(serializers.Serializer):
    edition = serializers.CharField(source="edition.slug")
    status = serializers.CharField()
    sent_at = serializers.DateTimeField(allow_null=True)


class NewsletterExportSerializer(serializers.Serializer):
    email = serializers.EmailField()
    status = serializers.CharField()
    subscribed_at = serializers.DateTimeField()
    unsubscribed_at = serializers.DateTimeField(allow_null=True)
    consents = ConsentExportSerializer(many=True)
    deliveries = DeliveryExportSerializer(many=True)


def _subscriptions(user):
    by_link = Subscriber.objects.filter(user=user)
    by_address = Subscriber.objects.filter(email__iexact=user.email)
    return (by_link | by_address).distinct().order_by("subscribed_at", "id")


def export_member_data(user) -> list[dict]:
    subscribers = list(_subscriptions(user).prefetch_related("consents"))
    deliveries: dict = {}
    for delivery in (
        Delivery.objects.filter(subscriber__in=subscribers).select_related("edition").order_by("id")
    ):
        deliveries.setdefault(delivery.subscriber_id, []).append(delivery)
    for subscriber in subscribers:
        subscriber.export_deliveries = deliveries.get(subscriber.pk, [])
    return [
        {
            "email": s.email,
            "status": s.status,
            "subscribed_at": s.subscribed_at,
            "unsubscribed_at": s.unsubscribed_at,
            "consents": ConsentExportSerializer(s.consents.all(), many=True).data,
            "deliveries": DeliveryExportSerializer(s.export_deliveries, many=True).data,
        }
        for s in subscribers
    ]


def register() -> None:
    track_content_models([Edition, EditionExercise])
    personal_data.register(
        personal_data.PersonalDataSection(
            key="newsletter",
            schema=lambda: NewsletterExportSerializer(many=True),
            export=export_member_data,
            erase=services.member_erase,
        )
    )
