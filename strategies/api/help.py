"""`GET /api/v1/help/`: where a reader can find real help, in one static answer.

Guides are self-help, not treatment. Clients show this next to a guide's disclaimer,
or behind a "Need help now?" button. Review the numbers before each release: the date
below says when they were last checked.
"""

from __future__ import annotations

from rest_framework import serializers

LAST_REVIEWED = "2026-11-26"

HELP_CONTENT: dict = {
    "title": "Need help now?",
    "disclaimer": (
        "Breakthrough offers ideas for personal growth. It is not medical, psychological "
        "or psychiatric care and it cannot respond to an emergency. Nobody reads what you "
        "write in your journal, so writing there will not bring help."
    ),
    "emergency": (
        "If you or someone near you might be hurt, or you are thinking about ending your "
        "life, call your local emergency number now (911 in the US and Canada, 999 in the "
        "UK, 112 across the European Union and in many other countries, 000 in Australia) "
        "or go to the nearest emergency department."
    ),
    "resources": [
        {
            "name": "988 Suicide & Crisis Lifeline",
            "region": "United States",
            "description": "Free, confidential support at any hour, for any kind of crisis.",
            "phone": "988",
            "text": "Text 988",
            "url": "https://988lifeline.org/",
        },
        {
            "name": "Crisis Text Line",
            "region": "United States",
            "description": "A trained volunteer answers by text message, day or night.",
            "phone": None,
            "text": "Text HOME to 741741",
            "url": "https://www.crisistextline.org/",
        },
        {
            "name": "9-8-8 Suicide Crisis Helpline",
            "region": "Canada",
            "description": "Call or text at any hour, in English or French.",
            "phone": "988",
            "text": "Text 988",
            "url": "https://988.ca/",
        },
        {
            "name": "Samaritans",
            "region": "United Kingdom and Ireland",
            "description": "Someone to talk to, whatever you are going through, day or night.",
            "phone": "116 123",
            "text": None,
            "url": "https://www.samaritans.org/",
        },
        {
            "name": "Lifeline",
            "region": "Australia",
            "description": "Crisis support and suicide prevention at any hour.",
            "phone": "13 11 14",
            "text": None,
            "url": "https://www.lifeline.org.au/",
        },
        {
            "name": "Find A Helpline",
            "region": "Worldwide",
            "description": "A directory of free, confidential helplines in many countries.",
            "phone": None,
            "text": None,
            "url": "https://findahelpline.com/",
        },
    ],
    "professional_help": (
        "If a guide's ideas are not enough, or you feel worse, talk to a doctor, a "
        "licensed therapist or counsellor, or someone you trust. Asking for help is a "
        "strength, not a failure."
    ),
    "last_reviewed": LAST_REVIEWED,
}


class HelpResourceSerializer(serializers.Serializer):
    name = serializers.CharField()
    region = serializers.CharField(help_text="Where the service answers.")
    description = serializers.CharField()
    phone = serializers.CharField(allow_null=True, help_text="Number to call, if any.")
    text = serializers.CharField(allow_null=True, help_text="How to reach it by text message.")
    url = serializers.URLField(allow_null=True)


class HelpSerializer(serializers.Serializer):
    title = serializers.CharField()
    disclaimer = serializers.CharField(help_text="Self-help, not treatment: show it as is.")
    emergency = serializers.CharField(help_text="What to do in an emergency, first.")
    resources = HelpResourceSerializer(many=True, help_text="Crisis lines by region.")
    professional_help = serializers.CharField()
    last_reviewed = serializers.DateField(help_text="When the numbers were last checked.")
