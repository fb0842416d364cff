"""Editorial content: guides, their strategies, exercises and journal prompts.

Editors write Markdown; `save()` renders it once to sanitised HTML so that reads never
render. Each searchable model keeps a stored, weighted `search_vector` (a generated
column: PostgreSQL maintains it) with a GIN index.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.images import (
    ImageField,
    ImageRenditionsModel,
    UploadTo,
    image_alt_field,
    image_meta_field,
)
from core.models import MarkdownRenderingModel, TimeStampedModel
from core.validators import validate_one_line

SEARCH_CONFIG = "english"


def weighted_vector(*weighted_fields: tuple[str, str]) -> SearchVector:
    """`weighted_vector(("title", "A"), ("body", "B"))`: titles rank above bodies."""
    vectors = [
        SearchVector(field, weight=weight, config=SEARCH_CONFIG)
        for field, weight in weighted_fields
    ]
    combined = vectors[0]
    for vector in vectors[1:]:
        combined += vector
    return combined


class Tag(models.Model):
    """A topic label shared by guides and strategies."""

    name = models.CharField(max_length=60, unique=True, validators=[validate_one_line])
    slug = models.SlugField(max_length=60, unique=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Person(ImageRenditionsModel, TimeStampedModel):
    """An author of guides and, in the events app, a host of events."""

    image_fields = ("photo",)

    name = models.CharField(max_length=120, validators=[validate_one_line])
    slug = models.SlugField(max_length=120, unique=True)
    bio = models.TextField(blank=True, help_text="A short biography, plain text.")
    photo = ImageField(upload_to=UploadTo("people"), blank=True)
    photo_alt = image_alt_field()
    photo_meta = image_meta_field()

    class Meta:
        ordering = ["name", "id"]
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return self.name


class PublishedQuerySet(models.QuerySet):
    """`published()` keeps what the public may see: rows whose guide is published and
    due. `guide_path` is the lookup from the model to its guide ("" for guides)."""

    guide_path = ""

    def published(self, now=None) -> PublishedQuerySet:
        prefix = f"{self.guide_path}__" if self.guide_path else ""
        return self.filter(
            **{
                f"{prefix}status": "published",
                f"{prefix}published_at__lte": now or timezone.now(),
            }
        )


class GuideQuerySet(PublishedQuerySet):
    guide_path = ""


class Guide(ImageRenditionsModel, MarkdownRenderingModel, TimeStampedModel):
    """An article offering a few named strategies, with a disclaimer and related guides."""

    image_fields = ("cover_image",)

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    markdown_fields = ("body", "disclaimer")

    title = models.CharField(max_length=200, validators=[validate_one_line])
    slug = models.SlugField(max_length=200, unique=True)
    summary = models.TextField(blank=True, max_length=1000)
    body_markdown = models.TextField(blank=True)
    body_html = models.TextField(blank=True, editable=False)
    disclaimer_markdown = models.TextField(
        blank=True,
        default=(
            "This guide offers self-help ideas, not medical or psychological treatment. "
            "If you are in crisis or thinking of harming yourself, contact your local "
            "emergency number or a crisis line now."
        ),
    )
    disclaimer_html = models.TextField(blank=True, editable=False)
    author = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="guides"
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="guides")
    cover_image = ImageField(upload_to=UploadTo("guides"), blank=True)
    cover_image_alt = image_alt_field()
    cover_image_meta = image_meta_field()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(
        null=True, blank=True, help_text="When the guide goes public; may be in the future."
    )
    related_guides = models.ManyToManyField(
        "self",
        through="GuideRelation",
        through_fields=("from_guide", "to_guide"),
        symmetrical=False,
        blank=True,
        related_name="+",
    )
    # Editorial review: the content is health-adjacent, so each guide says who checked
    # it, when, against what (`sources`), and when it is due to be checked again.
    reviewed_by = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reviewed_guides",
        help_text="Who last checked the content (an expert or clinician).",
    )
    last_reviewed = models.DateField(null=True, blank=True)
    next_review_due = models.DateField(
        null=True, blank=True, help_text="When the guide should be checked again."
    )
    search_vector = models.GeneratedField(
        expression=weighted_vector(("title", "A"), ("summary", "B"), ("body_markdown", "C")),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    objects = GuideQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [
            GinIndex(fields=["search_vector"], name="strategies_guide_search_gin"),
            models.Index(fields=["status", "published_at"], name="strategies_guide_pub_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="strategies_guide_published_has_date",
                violation_error_message="A published guide needs a publication date and time.",
            ),
            models.CheckConstraint(
                condition=Q(next_review_due__isnull=True)
                | Q(last_reviewed__isnull=True)
                | Q(next_review_due__gte=models.F("last_reviewed")),
                name="strategies_guide_review_due_after_last",
                violation_error_message="The next review cannot be due before the last one.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        # An editor who publishes without picking a date means "now".
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()

    @property
    def is_public(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )


class GuideSource(models.Model):
    """A reference a guide draws on (a study, a book, a clinical guideline), in editor
    order."""

    guide = models.ForeignKey(Guide, on_delete=models.CASCADE, related_name="sources")
    position = models.PositiveIntegerField(default=0, db_index=True)
    title = models.CharField(max_length=300, validators=[validate_one_line])
    url = models.URLField(max_length=500)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title


class GuideRelation(models.Model):
    """One entry of a guide's hand-ordered "go deeper" list."""

    from_guide = models.ForeignKey(Guide, on_delete=models.CASCADE, related_name="relations")
    to_guide = models.ForeignKey(Guide, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField(default=0, db_index=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["from_guide", "to_guide"],
                name="strategies_guiderelation_unique",
                violation_error_message="This guide is already in the related list.",
            ),
            models.CheckConstraint(
                condition=~Q(from_guide=models.F("to_guide")),
                name="strategies_guiderelation_not_self",
                violation_error_message="A guide cannot be related to itself.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_guide} → {self.to_guide}"

    def clean(self) -> None:
        # Inline forms leave `from_guide` out of constraint validation, so say it here.
        if self.from_guide_id and self.from_guide_id == self.to_guide_id:
            raise ValidationError({"to_guide": "A guide cannot be related to itself."})


class StrategyQuerySet(PublishedQuerySet):
    guide_path = "guide"


class Strategy(MarkdownRenderingModel, TimeStampedModel):
    """A named way of getting unstuck ("Take Action"), in a guide, in editor order."""

    markdown_fields = ("body",)

    guide = models.ForeignKey(Guide, on_delete=models.CASCADE, related_name="strategies")
    position = models.PositiveIntegerField(default=0, db_index=True)
    title = models.CharField(max_length=200, validators=[validate_one_line])
    slug = models.SlugField(max_length=200, unique=True)
    summary = models.TextField(blank=True, max_length=1000)
    body_markdown = models.TextField(blank=True)
    body_html = models.TextField(blank=True, editable=False)
    smallest_step = models.CharField(
        max_length=280,
        blank=True,
        help_text='One line: the smallest next step ("Take Action").',
        validators=[validate_one_line],
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="strategies")
    search_vector = models.GeneratedField(
        expression=weighted_vector(
            ("title", "A"), ("summary", "B"), ("smallest_step", "B"), ("body_markdown", "C")
        ),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    objects = StrategyQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]
        verbose_name_plural = "strategies"
        indexes = [GinIndex(fields=["search_vector"], name="strategies_strategy_search_gin")]

    def __str__(self) -> str:
        return self.title


class StrategyChildQuerySet(PublishedQuerySet):
    guide_path = "strategy__guide"


class Exercise(MarkdownRenderingModel, TimeStampedModel):
    """A small concrete step of a strategy (the "Soul Gym")."""

    markdown_fields = ("instructions",)

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="exercises")
    position = models.PositiveIntegerField(default=0, db_index=True)
    title = models.CharField(max_length=200, validators=[validate_one_line])
    slug = models.SlugField(max_length=200, unique=True)
    instructions_markdown = models.TextField(blank=True)
    instructions_html = models.TextField(blank=True, editable=False)
    duration_minutes = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Roughly how long it takes."
    )
    search_vector = models.GeneratedField(
        expression=weighted_vector(("title", "A"), ("instructions_markdown", "B")),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    objects = StrategyChildQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]
        indexes = [GinIndex(fields=["search_vector"], name="strategies_exercise_search_gin")]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__isnull=True) | Q(duration_minutes__range=(1, 600)),
                name="strategies_exercise_duration_range",
                violation_error_message="The duration must be between 1 and 600 minutes.",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Prompt(TimeStampedModel):
    """A journaling question belonging to a strategy."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="prompts")
    position = models.PositiveIntegerField(default=0, db_index=True)
    text = models.CharField(max_length=500, validators=[validate_one_line])

    objects = StrategyChildQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text


class GuideDraftQuerySet(models.QuerySet):
    def containing(self, model: type[models.Model], pk: int) -> GuideDraftQuerySet:
        """Drafts whose snapshot holds this row (a strategy the draft adds, say)."""
        return self.filter(snapshot__contains=[{"model": model._meta.label_lower, "pk": pk}])

    def due(self, now: datetime | None = None) -> GuideDraftQuerySet:
        return self.filter(publish_at__lte=now or timezone.now())


class GuideDraft(TimeStampedModel):
    """Unpublished changes to one guide's tree; at most one per guide."""

    guide = models.OneToOneField(Guide, on_delete=models.CASCADE, related_name="draft")
    snapshot = models.JSONField(help_text="The guide's tree as it will be published.")
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    publish_at = models.DateTimeField(
        null=True, blank=True, help_text="When the draft replaces the live version; empty: not yet."
    )

    objects = GuideDraftQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-id"]

    def __str__(self) -> str:
        return f"Draft of “{self.guide}”"
