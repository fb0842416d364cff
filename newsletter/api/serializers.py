"""Serializers of the newsletter API."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.references import ReferenceSerializer
from newsletter.models import ConsentSource, Edition


class SubscriptionRequestSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    source = serializers.ChoiceField(
        choices=[ConsentSource.APP, ConsentSource.WEB],
        default=ConsentSource.WEB,
        help_text="Where the form was shown; recorded with the consent.",
    )


class NewsletterTokenSerializer(serializers.Serializer):
    token = serializers.CharField(
        max_length=1024, help_text="The `token` query parameter of the emailed link."
    )


class UnsubscribeSerializer(serializers.Serializer):
    token = serializers.CharField(
        max_length=1024,
        required=False,
        help_text="The `token` of the unsubscribe link. A one-click unsubscribe (RFC 8058) "
        "sends it in the query string instead, with the form body "
        "`List-Unsubscribe=One-Click`.",
    )


class NewsletterDetailSerializer(serializers.Serializer):
    detail = serializers.CharField()


class JSONBooleanField(serializers.BooleanField):
    """`true` or `false` only: DRF's own field also takes 0, 1, "yes" and "on", which
    the schema's `boolean` does not allow."""

    def to_internal_value(self, data: object) -> bool:
        if isinstance(data, bool):
            return data
        self.fail("invalid", input=data)
        return False  # unreachable: fail() raises


class MemberNewsletterSerializer(serializers.Serializer):
    subscribed = JSONBooleanField(
        help_text="Whether the newsletter goes to your account's address."
    )
    email = serializers.EmailField(read_only=True)
    subscribed_at = serializers.DateTimeField(read_only=True, allow_null=True)
    consent_text = serializers.CharField(
        read_only=True, help_text="What switching it on agrees to (recorded with the time)."
    )


class EditionSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="edition-detail", lookup_field="slug")

    class Meta:
        model = Edition
        fields = ["slug", "subject", "url", "sent_at"]
        read_only_fields = fields


class EditionDetailSerializer(EditionSerializer):
    intro_html = serializers.CharField(read_only=True, help_text="Sanitised HTML.")
    exercises = serializers.SerializerMethodField()
    guide = ReferenceSerializer(read_only=True, allow_null=True)
    event = ReferenceSerializer(read_only=True, allow_null=True)

    class Meta(EditionSerializer.Meta):
        fields = [*EditionSerializer.Meta.fields, "intro_html", "exercises", "guide", "event"]
        read_only_fields = fields

    @extend_schema_field(ReferenceSerializer(many=True))
    def get_exercises(self, edition: Edition) -> list[dict]:
        """The Soul Gym exercises of the edition, in the editor's order."""
        exercises = [link.exercise for link in edition.edition_exercises.all()]
        return ReferenceSerializer(exercises, many=True, context=self.context).data
