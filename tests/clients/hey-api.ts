// @hey-api/openapi-ts with its default options (types, SDK and its fetch client).
import { client } from "./build/generated/hey-api/client.gen.js";
import {
  authLogin,
  authRegister,
  eventsCalendarAll,
  guidesList,
  guidesRetrieve,
  journalEntriesCreate,
  journalEntriesRetrieve,
  meRetrieve,
} from "./build/generated/hey-api/index.js";
import { baseUrl, check, newMember, passed } from "./check.js";

client.setConfig({ baseUrl });
const steps: string[] = [];

const guides = await guidesList();
check(guides.data !== undefined, `guides: ${guides.response.status}`);
const first = guides.data.results[0];
check(first !== undefined, "guides: the sample content has none");
steps.push("guides");

const guide = await guidesRetrieve({ path: { slug: first.slug } });
check(guide.data?.slug === first.slug, `guide: ${guide.response.status}`);
steps.push("guide");

const member = newMember("hey-api");
const registered = await authRegister({ body: member });
check(registered.response.status === 202, `register: ${JSON.stringify(registered.error)}`);
const login = await authLogin({ body: member });
check(login.data !== undefined, `login: ${login.response.status}`);
const headers = { Authorization: `Token ${login.data.token}` };
steps.push("register and log in");

const me = await meRetrieve({ headers });
check(me.data?.email === member.email, `me: ${me.response.status}`);
steps.push("me");

const created = await journalEntriesCreate({
  headers,
  body: { mood_before: 4, mood_after: 7, tags: ["clients"] },
});
check(created.data !== undefined, `entry: ${JSON.stringify(created.error)}`);
const entry = await journalEntriesRetrieve({ headers, path: { id: created.data.id } });
check(entry.data?.id === created.data.id, `entry read back: ${entry.response.status}`);
// A response field is there to read: `title` took its default, `tags` what was sent.
check(entry.data.title.length === 0 && entry.data.tags.includes("clients"), "entry: not as written");
steps.push("journal entry");

const calendar = await eventsCalendarAll();
check(
  typeof calendar.data === "string" && calendar.data.startsWith("BEGIN:VCALENDAR"),
  `calendar: ${calendar.response.status}`,
);
// The export's `text/csv` is left out: hey-api types a response by its JSON alone.
steps.push("calendar as text");

passed("hey-api", steps);
