"""Sample editorial content for `manage.py load_sample_content` (and `make run`).

The guide "Four Things to Do When Therapy Isn't Working", its four strategies with
exercises and journal prompts, the six related guides its page links to, tags and the
author. Titles come from the source page; every sentence here is our own.

`load()` is idempotent: rows are looked up by slug (prompts by strategy and position)
and only missing ones are created, so editors' later changes are never overwritten.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.core.files.base import ContentFile

from core import sample_images
from strategies.models import Exercise, Guide, GuideRelation, Person, Prompt, Strategy, Tag

COVER_ALT = "An illustration of the sun rising over layered hills."

# The sample texts are ours, so they are signed by the editors, not by a real person.
AUTHOR = {
    "slug": "breakthrough-editors",
    "name": "The Breakthrough editors",
    "bio": (
        "The small team that writes and edits Breakthrough's guides, checks them with "
        "clinicians, and keeps the list of places to find real help up to date."
    ),
}

TAGS = {
    "therapy": "Therapy",
    "psychology": "Psychology",
    "spirituality": "Spirituality",
    "getting-unstuck": "Getting unstuck",
    "action": "Action",
    "joy": "Joy",
    "healing": "Healing",
}

DISCLAIMER = (
    "These pages share ideas for growth; they are not a diagnosis and do not replace a "
    "doctor, a therapist or medication. Please do not stop any treatment because of what "
    "you read here. If you feel unsafe or are thinking about ending your life, call your "
    "local emergency number or a crisis line now: the API's `/api/v1/help/` lists some."
)


@dataclass
class ExerciseData:
    slug: str
    title: str
    minutes: int
    instructions: str


@dataclass
class StrategyData:
    slug: str
    title: str
    summary: str
    smallest_step: str
    body: str
    tags: list[str]
    exercises: list[ExerciseData] = field(default_factory=list)
    prompts: list[str] = field(default_factory=list)


@dataclass
class GuideData:
    slug: str
    title: str
    published_at: datetime
    summary: str
    body: str
    tags: list[str]
    strategies: list[StrategyData]
    related: list[str] = field(default_factory=list)


MAIN_GUIDE = GuideData(
    slug="four-things-to-do-when-therapy-isnt-working",
    title="Four Things to Do When Therapy Isn't Working",
    published_at=datetime(2020, 2, 12, 14, 0, tzinfo=UTC),
    summary=(
        "Months of sessions and you still feel stuck? Four ways to get moving again: "
        "change how you look at the problem, widen the circle of help, act before you "
        "feel ready, and make room for delight."
    ),
    body="""\
You kept every appointment. You talked it through, you named the patterns, you
understand your history better than ever. And yet Monday morning feels the same as it
did a year ago.

That experience is common, and it is not a verdict on you or on therapy. Insight is a
map; a map does not walk the road for you. When the weekly conversation stops moving
you forward, it usually means something else needs to join it.

Here are four places to look. Read them in order or start with the one that tugs at
you. None of them asks you to walk away from the help you already have.

1. **Think differently**: let a new voice or a new idea into the room.
2. **Look beyond therapy**: body, community and spirit may each hold a piece.
3. **Take action**: a small step taken today teaches more than a month of analysis.
4. **Pursue and practice joy**: gladness is not a reward for healing, it is part of it.

Each strategy below ends with one small step, a few exercises and questions for your
journal. Try one, note how you feel before and after, and come back in a week.
""",
    tags=["therapy", "psychology", "getting-unstuck"],
    related=[
        "how-to-have-a-breakthrough",
        "how-to-loosen-up",
        "does-therapy-work",
        "is-psychology-good-for-us",
        "soul-to-soul",
        "medicine-psychology-and-spirituality",
    ],
    strategies=[
        StrategyData(
            slug="think-differently",
            title="Think Differently",
            summary=(
                "When the same conversation keeps circling, bring in fresh light: another "
                "professional, another school of thought, another way of framing the problem."
            ),
            smallest_step=(
                "Write down one question about your situation that nobody has asked you yet."
            ),
            body="""\
Every therapist works from a model of the mind, and every model lights up some corners
and leaves others dark. If you have explored your childhood for two years, the missing
piece may not be one more memory: it may be a way of seeing that your current approach
does not use.

Some ways to let new light in:

- **A second opinion.** Seeing another clinician for one or two sessions is ordinary
  good practice, not disloyalty. Tell your therapist; a good one will welcome it.
- **A different method.** Talk-based work, body-based work, skills-based work and
  meaning-centred work each ask different questions.
- **A different story.** Ask not only "what went wrong?" but "what am I here to build?"
  A problem framed around purpose often loosens in ways a problem framed around damage
  does not.
""",
            tags=["psychology", "therapy"],
            exercises=[
                ExerciseData(
                    slug="map-the-loop",
                    title="Map the loop",
                    minutes=15,
                    instructions="""\
1. Write the explanation of your difficulty that you give most often, in three sentences.
2. Underline every word you have used for more than a year.
3. For each underlined word, write an alternative that a stranger might use.
4. Read the new version aloud. Notice what shifts, even slightly.
""",
                ),
                ExerciseData(
                    slug="borrow-another-lens",
                    title="Borrow another lens",
                    minutes=20,
                    instructions="""\
Pick an approach you have never tried (mindfulness-based, cognitive, somatic,
existential, faith-based). Spend twenty minutes reading a plain introduction to it.
Then write down one question it would ask about your situation that you have not
been asked before, and bring that question to your next session.
""",
                ),
            ],
            prompts=[
                (
                    "Which explanation of my struggle have I been repeating for months, and "
                    "who taught it to me?"
                ),
                (
                    "If a wise friend heard my story for the first time, what might they notice "
                    "that I keep skipping?"
                ),
                "What would I be working toward if the problem were already solved?",
            ],
        ),
        StrategyData(
            slug="beyond-therapy",
            title="Beyond Therapy",
            summary=(
                "Talking may not be the whole answer. Medical care, a twelve-step group or a "
                "life of faith can each carry part of the load that one hour a week cannot."
            ),
            smallest_step="Book a general check-up and mention how your mood has been.",
            body="""\
A person is more than a mind in a chair. Sleep, hormones, nutrition and medication can
make change feel impossible or possible; a doctor can check what a conversation cannot.

People also heal in company. Twelve-step programmes and other peer groups offer what a
private session rarely can: others who have walked the same road and are still walking
it, every week, for free.

And many people find that their deepest strength comes from beyond themselves: prayer,
study, a congregation, a sense that their life answers to something larger. Bringing
that part of you into your recovery is not a detour from it.

None of this replaces your therapist. Think of it as widening the circle.
""",
            tags=["healing", "spirituality"],
            exercises=[
                ExerciseData(
                    slug="the-whole-person-check",
                    title="The whole-person check",
                    minutes=10,
                    instructions="""\
Rate each of these from 1 to 5 for the last two weeks: sleep, movement, food,
friendship, meaning. Circle the lowest. Write one thing a professional or a group,
rather than you alone, could do about it, and who you could ask.
""",
                ),
                ExerciseData(
                    slug="visit-a-group-once",
                    title="Visit a group once",
                    minutes=60,
                    instructions="""\
Find one peer-support meeting (a twelve-step group, a grief circle, a class at a house
of worship) and attend it once, as a visitor. You do not have to speak. Afterwards,
write down one sentence you heard that you want to remember.
""",
                ),
            ],
            prompts=[
                (
                    "What have I been expecting my therapist to fix that may need a different "
                    "kind of help?"
                ),
                (
                    "Where in my life do I feel part of something larger than myself, and how "
                    "often do I go there?"
                ),
            ],
        ),
        StrategyData(
            slug="take-action",
            title="Take Action",
            summary=(
                "Do a fraction of the thing you resist. Feelings often follow behaviour: act "
                "first, and let the understanding catch up."
            ),
            smallest_step="Choose the task you avoid most and do five minutes of it now.",
            body="""\
It is tempting to wait until you understand your resistance before you move. But
understanding can become another room to hide in. Often the insight arrives only after
the step is taken.

Shrink the step until it is almost silly: not "fix my finances" but "open the bank
statement"; not "get fit" but "put on my shoes and stand outside". Then do it, and
write down what happened, inside and out.

Momentum is built from small, finished things. Each one is evidence against the story
that you cannot change.
""",
            tags=["action", "getting-unstuck"],
            exercises=[
                ExerciseData(
                    slug="the-five-minute-start",
                    title="The five-minute start",
                    minutes=5,
                    instructions="""\
Set a timer for five minutes and begin the task you have been postponing. When the
timer rings you may stop, with no guilt. If you keep going, that is a bonus, not the
goal. Note your mood before and after.
""",
                ),
                ExerciseData(
                    slug="one-tenth-of-it",
                    title="One tenth of it",
                    minutes=15,
                    instructions="""\
Name something you keep resisting. Write down what one tenth of it would look like:
one tenth of the email, of the conversation, of the tidying. Do that tenth today.
Tomorrow, decide on the next tenth.
""",
                ),
            ],
            prompts=[
                (
                    "What am I waiting to feel before I act, and what if that feeling only comes "
                    "after?"
                ),
                "What is the smallest version of the step I keep avoiding?",
                "What did I learn today from doing rather than thinking?",
            ],
        ),
        StrategyData(
            slug="pursue-and-practice-joy",
            title="Pursue and Practice Joy",
            summary=(
                "Joy is a practice, not a prize for finishing your healing. Sing, dance, help "
                "someone: seek out joy on purpose and let it do its quiet work."
            ),
            smallest_step="Play one song you love and sing along, out loud, today.",
            body="""\
When we suffer we often postpone joy until the problem is solved. But joy is not only an
outcome; it is a force that loosens what analysis cannot. A heart that has sung this
week meets its difficulties differently.

Joy can be practised like any skill:

- **Sing**, even badly, even alone in the car.
- **Dance** for the length of one song, with the curtains closed if you like.
- **Help someone.** Giving pulls us out of the narrow circle of our own worries, and
  joy tends to follow.

Start before you feel like it. The feeling is often the second thing to arrive.
""",
            tags=["joy", "spirituality"],
            exercises=[
                ExerciseData(
                    slug="one-song-out-loud",
                    title="One song out loud",
                    minutes=5,
                    instructions="""\
Choose a song that once lifted you. Sing it from start to finish, out loud. Notice your
breath and your shoulders before and after; write down one word for each.
""",
                ),
                ExerciseData(
                    slug="dance-break",
                    title="Dance break",
                    minutes=5,
                    instructions="""\
Put on music with a beat and move for one whole track. No one is watching and nothing
needs to look good. Afterwards, sit for a minute and notice what changed.
""",
                ),
                ExerciseData(
                    slug="an-unasked-kindness",
                    title="An unasked kindness",
                    minutes=15,
                    instructions="""\
Do one helpful thing today that nobody asked of you: carry a neighbour's shopping, send
a note of thanks, make someone a cup of tea. Do not mention it. In the evening, write
how it felt to give.
""",
                ),
            ],
            prompts=[
                "When did I last feel joy for no particular reason, and what was I doing?",
                "What would I do this week if gladness were part of my treatment plan?",
                "Whom could I help tomorrow, and how might that change my own day?",
            ],
        ),
    ],
)


def _single_strategy(slug: str, title: str, summary: str, step: str) -> list[StrategyData]:
    return [
        StrategyData(
            slug=slug, title=title, summary=summary, smallest_step=step, body=summary, tags=[]
        )
    ]


RELATED_GUIDES = [
    GuideData(
        slug="how-to-have-a-breakthrough",
        title="How to Have a Breakthrough",
        published_at=datetime(2019, 11, 6, 14, 0, tzinfo=UTC),
        summary=(
            "A breakthrough rarely arrives as lightning. It is usually the last of many "
            "small pushes against the same wall."
        ),
        body=(
            "Most lasting change looks sudden only from the outside. This guide looks at "
            "the slow preparation behind a turning point, and how to keep pushing when "
            "nothing seems to move."
        ),
        tags=["getting-unstuck"],
        strategies=_single_strategy(
            "keep-pushing-the-same-wall",
            "Keep Pushing the Same Wall",
            "Steady, repeated effort is what makes a sudden shift possible.",
            "Name the wall you are pushing on, and push once more today.",
        ),
    ),
    GuideData(
        slug="how-to-loosen-up",
        title="How to Loosen Up",
        published_at=datetime(2019, 12, 4, 14, 0, tzinfo=UTC),
        summary="Rigid habits protect us and also trap us. Ways to hold life a little lighter.",
        body=(
            "Control feels safe until it becomes a cage. This guide offers gentle ways to "
            "notice where you are clenched, in body and in thought, and to let go a notch."
        ),
        tags=["healing"],
        strategies=_single_strategy(
            "unclench-one-rule",
            "Unclench One Rule",
            "Pick one rule you live by and try a week without it.",
            "Write down one rule you never break, and bend it slightly today.",
        ),
    ),
    GuideData(
        slug="does-therapy-work",
        title="Does Therapy Work?",
        published_at=datetime(2020, 1, 8, 14, 0, tzinfo=UTC),
        summary=(
            "What research suggests about talking treatments, and how to tell whether yours "
            "is helping."
        ),
        body=(
            "Studies find that many people benefit from psychotherapy, and that the bond "
            "between client and therapist matters a great deal. This guide helps you take "
            "stock of your own sessions honestly."
        ),
        tags=["therapy", "psychology"],
        strategies=_single_strategy(
            "take-stock-of-your-sessions",
            "Take Stock of Your Sessions",
            "Review what has changed since you began, and say it out loud to your therapist.",
            "List three things that are different since your first session.",
        ),
    ),
    GuideData(
        slug="is-psychology-good-for-us",
        title="Is Psychology Good for Us?",
        published_at=datetime(2020, 1, 22, 14, 0, tzinfo=UTC),
        summary="Psychology explains a great deal; what does it leave out?",
        body=(
            "Psychology has given us words for pain that once had none. It can also shrink "
            "a person to a set of symptoms. This guide weighs both sides."
        ),
        tags=["psychology", "spirituality"],
        strategies=_single_strategy(
            "more-than-a-diagnosis",
            "More Than a Diagnosis",
            "Remember the parts of you that no label describes.",
            "Write one sentence about yourself that contains no clinical word.",
        ),
    ),
    GuideData(
        slug="soul-to-soul",
        title="Soul to Soul",
        published_at=datetime(2020, 1, 29, 14, 0, tzinfo=UTC),
        summary="Why the deepest help often passes between two people who truly meet.",
        body=(
            "Technique matters, yet people often remember the moment they felt truly seen "
            "more than any method. This guide is about meeting another person fully."
        ),
        tags=["spirituality", "healing"],
        strategies=_single_strategy(
            "listen-without-fixing",
            "Listen Without Fixing",
            "Give someone your full attention without offering advice.",
            "In your next conversation, ask one more question instead of answering.",
        ),
    ),
    GuideData(
        slug="medicine-psychology-and-spirituality",
        title="Medicine, Psychology, and Spirituality",
        published_at=datetime(2020, 2, 5, 14, 0, tzinfo=UTC),
        summary="Body, mind and soul each have their healers. How they can work together.",
        body=(
            "A doctor, a therapist and a spiritual guide each see a different side of the "
            "same person. This guide looks at how to let them complement one another."
        ),
        tags=["healing", "therapy", "spirituality"],
        strategies=_single_strategy(
            "three-kinds-of-care",
            "Three Kinds of Care",
            "Check that body, mind and spirit each have someone looking after them.",
            "Name who cares for your body, your mind and your spirit; fill any gap.",
        ),
    ),
]


class _Counter:
    def __init__(self) -> None:
        self.created = 0

    def track(self, pair: tuple[object, bool]):
        obj, created = pair
        self.created += int(created)
        return obj


def load() -> int:
    """Create whatever sample rows are missing; return how many were created."""
    counter = _Counter()
    author = counter.track(
        Person.objects.get_or_create(
            slug=AUTHOR["slug"], defaults={"name": AUTHOR["name"], "bio": AUTHOR["bio"]}
        )
    )
    tags = {
        slug: counter.track(Tag.objects.get_or_create(slug=slug, defaults={"name": name}))
        for slug, name in TAGS.items()
    }
    guides = {
        data.slug: _load_guide(data, author=author, tags=tags, counter=counter)
        for data in [*RELATED_GUIDES, MAIN_GUIDE]
    }
    for position, slug in enumerate(MAIN_GUIDE.related, start=1):
        counter.track(
            GuideRelation.objects.get_or_create(
                from_guide=guides[MAIN_GUIDE.slug],
                to_guide=guides[slug],
                defaults={"position": position},
            )
        )
    # The therapy-themed guides point back at the main one.
    for slug in ("does-therapy-work", "how-to-have-a-breakthrough"):
        counter.track(
            GuideRelation.objects.get_or_create(
                from_guide=guides[slug],
                to_guide=guides[MAIN_GUIDE.slug],
                defaults={"position": 1},
            )
        )
    return counter.created


def _load_guide(data: GuideData, *, author: Person, tags: dict, counter: _Counter) -> Guide:
    guide, created = Guide.objects.get_or_create(
        slug=data.slug,
        defaults={
            "title": data.title,
            "summary": data.summary,
            "body_markdown": data.body,
            "disclaimer_markdown": DISCLAIMER,
            "author": author,
            "status": Guide.Status.PUBLISHED,
            "published_at": data.published_at,
        },
    )
    counter.track((guide, created))
    if created:
        guide.tags.set([tags[slug] for slug in data.tags])
    if not guide.cover_image:
        # Drawn here (core.sample_images), so `make run` shows a working cover at once.
        guide.cover_image = ContentFile(sample_images.cover(data.slug), name=f"{data.slug}.jpg")
        guide.cover_image_alt = COVER_ALT
        guide.save(update_fields=["cover_image", "cover_image_alt"])
    for position, strategy_data in enumerate(data.strategies, start=1):
        _load_strategy(strategy_data, guide=guide, position=position, tags=tags, counter=counter)
    return guide


def _load_strategy(
    data: StrategyData, *, guide: Guide, position: int, tags: dict, counter: _Counter
) -> None:
    strategy, created = Strategy.objects.get_or_create(
        slug=data.slug,
        defaults={
            "guide": guide,
            "position": position,
            "title": data.title,
            "summary": data.summary,
            "smallest_step": data.smallest_step,
            "body_markdown": data.body,
        },
    )
    counter.track((strategy, created))
    if created:
        strategy.tags.set([tags[slug] for slug in data.tags])
    for exercise_position, exercise in enumerate(data.exercises, start=1):
        counter.track(
            Exercise.objects.get_or_create(
                slug=exercise.slug,
                defaults={
                    "strategy": strategy,
                    "position": exercise_position,
                    "title": exercise.title,
                    "instructions_markdown": exercise.instructions,
                    "duration_minutes": exercise.minutes,
                },
            )
        )
    for prompt_position, text in enumerate(data.prompts, start=1):
        counter.track(
            Prompt.objects.get_or_create(
                strategy=strategy, position=prompt_position, defaults={"text": text}
            )
        )
