// openapi-typescript's types with openapi-fetch, both with their default options.
import createClient from "openapi-fetch";
import type { paths } from "./build/generated/openapi-typescript/schema.js";
import { baseUrl, check, newMember, passed } from "./check.js";

const api = createClient<paths>({ baseUrl });
const steps: string[] = [];

const guides = await api.GET("/api/v1/guides/");
check(guides.data !== undefined, `guides: ${guides.response.status}`);
const first = guides.data.results[0];
check(first !== undefined, "guides: the sample content has none");
steps.push("guides");

const guide = await api.GET("/api/v1/guides/{slug}/", {
  params: { path: { slug: first.slug } },
});
check(guide.data?.slug === first.slug, `guide: ${guide.response.status}`);
steps.push("guide");

const member = newMember("openapi-fetch");
const registered = await api.POST("/api/v1/auth/register/", { body: member });
check(registered.response.status === 202, `register: ${JSON.stringify(registered.error)}`);
const login = await api.POST("/api/v1/auth/login/", { body: member });
check(login.data !== undefined, `login: ${login.response.status}`);
const headers = { Authorization: `Token ${login.data.token}` };
steps.push("register and log in");

const me = await api.GET("/api/v1/me/", { headers });
check(me.data?.email === member.email, `me: ${me.response.status}`);
steps.push("me");

const created = await api.POST("/api/v1/journal/entries/", {
  headers,
  body: { mood_before: 4, mood_after: 7, tags: ["clients"] },
});
check(created.data !== undefined, `entry: ${JSON.stringify(created.error)}`);
const entry = await api.GET("/api/v1/journal/entries/{id}/", {
  headers,
  params: { path: { id: created.data.id } },
});
check(entry.data?.id === created.data.id, `entry read back: ${entry.response.status}`);
// A response field is there to read: `title` took its default, `tags` what was sent.
check(entry.data.title.length === 0 && entry.data.tags.includes("clients"), "entry: not as written");
steps.push("journal entry");

const calendar = await api.GET("/api/v1/events/calendar.ics", { parseAs: "text" });
check(calendar.data?.startsWith("BEGIN:VCALENDAR") === true, `calendar: ${calendar.response.status}`);
const csv = await api.GET("/api/v1/journal/export/", {
  headers,
  params: { query: { format: "csv" } },
  parseAs: "text",
});
check(csv.data?.includes(created.data.id) === true, `csv export: ${csv.response.status}`);
steps.push("calendar and CSV as text");

passed("openapi-fetch", steps);
