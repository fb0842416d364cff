"""Abstract bases shared by the domain models."""

from django.db import models

from core.markdown import render_markdown


class TimeStampedModel(models.Model):
    """Adds `created_at` and `updated_at`, both set by the database layer on save."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        abstract = True


class MarkdownRenderingModel(models.Model):
    """Renders each `<name>_markdown` field into its `<name>_html` twin on save, once,
    so a read never renders. A subclass names its fields: `markdown_fields =
    ("description",)`. A save with `update_fields` naming a Markdown field also writes
    its HTML."""

    markdown_fields: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        for name in self.markdown_fields:
            setattr(self, f"{name}_html", render_markdown(getattr(self, f"{name}_markdown")))
        if update_fields := kwargs.get("update_fields"):
            rendered = {
                f"{n}_html" for n in self.markdown_fields if f"{n}_markdown" in update_fields
            }
            kwargs["update_fields"] = {*update_fields, *rendered}
        super().save(*args, **kwargs)
