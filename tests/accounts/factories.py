"""factory_boy factories for accounts: members, with one known password."""

from __future__ import annotations

import factory

from accounts.models import User

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"member{n}@example.com")
    display_name = factory.Faker("first_name")
    timezone = "UTC"
    password = factory.django.Password(PASSWORD)
