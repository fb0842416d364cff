// orval's fetch client (`--client fetch`), otherwise with its default options.
import {
  authLogin,
  authRegister,
  getEventsCalendarAllUrl,
  getJournalExportUrl,
  guidesList,
  guidesRetrieve,
  journalEntriesCreate,
  journalEntriesRetrieve,
  meRetrieve,
} from "./build/generated/orval/api.js";
import { baseUrl, check, newMember, passed } from "./check.js";

// orval's fetch client asks for paths relative to the page, as in a browser; Node has no
// page, so its requests are resolved against the server.
const fetchFromNode = globalThis.fetch;
globalThis.fetch = (input, init) =>
  fetchFromNode(typeof input === "string" ? new URL(input, baseUrl) : input, init);
const steps: string[] = [];

const guides = await guidesList();
check(guides.status === 200, `guides: ${guides.status}`);
const first = guides.data.results[0];
check(first !== undefined, "guides: the sample content has none");
steps.push("guides");

const guide = await guidesRetrieve(first.slug);
check(guide.status === 200 && guide.data.slug === first.slug, `guide: ${guide.status}`);
steps.push("guide");

const member = newMember("orval");
const registered = await authRegister(member);
check(registered.status === 202, `register: ${JSON.stringify(registered.data)}`);
const login = await authLogin(member);
check(login.status === 200, `login: ${login.status}`);
const headers = { Authorization: `Token ${login.data.token}` };
steps.push("register and log in");

const me = await meRetrieve({ headers });
check(me.status === 200 && me.data.email === member.email, `me: ${me.status}`);
steps.push("me");

const created = await journalEntriesCreate(
  { mood_before: 4, mood_after: 7, tags: ["clients"] },
  { headers },
);
check(created.status === 201, `entry: ${JSON.stringify(created.data)}`);
const entry = await journalEntriesRetrieve(created.data.id, { headers });
check(entry.status === 200 && entry.data.id === created.data.id, `entry read back: ${entry.status}`);
// A response field is there to read: `title` took its default, `tags` what was sent.
check(entry.data.title.length === 0 && entry.data.tags.includes("clients"), "entry: not as written");
steps.push("journal entry");

// orval's fetch client parses every body as JSON: text bodies are fetched from its URLs.
const calendar = await fetch(getEventsCalendarAllUrl());
const ics = await calendar.text();
check(ics.startsWith("BEGIN:VCALENDAR"), `calendar: ${calendar.status}`);
const csv = await fetch(getJournalExportUrl({ format: "csv" }), { headers });
check((await csv.text()).includes(created.data.id), `csv export: ${csv.status}`);
steps.push("calendar and CSV as text");

passed("orval", steps);
