"""The member account. Email is the login; one account per email, whatever its case."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone as dj_timezone

from core.validators import validate_one_line, validate_timezone


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    @staticmethod
    def normalize_email_address(email: str) -> str:
        return email.strip().lower()

    def get_by_natural_key(self, username: str) -> User:
        return self.get(email__iexact=username.strip())

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        user = self.model(email=self.normalize_email_address(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A member. `is_staff` makes an editor; what an editor may change comes from
    model permissions. `timezone` decides what "today" means for the member's journal."""

    email = models.EmailField(max_length=254, unique=True)
    display_name = models.CharField(max_length=80, blank=True, validators=[validate_one_line])
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone])
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(
        default=False, help_text="Editors: may sign in to the admin and preview drafts."
    )
    date_joined = models.DateTimeField(default=dj_timezone.now)
    email_verified_at = models.DateTimeField(
        null=True, blank=True, help_text="When the member proved they receive mail at `email`."
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.email

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    def clean(self) -> None:
        super().clean()
        self.email = UserManager.normalize_email_address(self.email)


DEVICE_LABEL_MAX_LENGTH = 100


class Device(models.Model):
    """The name of the device a token was issued to ("Ada's phone"), and the id by
    which the member lists and revokes it. The token itself is knox's `AuthToken`
    (hashed); this id is random, so it tells nothing about the token."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    token = models.OneToOneField("knox.AuthToken", on_delete=models.CASCADE, related_name="device")
    label = models.CharField(
        max_length=DEVICE_LABEL_MAX_LENGTH, blank=True, validators=[validate_one_line]
    )

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"Device {self.pk}"
