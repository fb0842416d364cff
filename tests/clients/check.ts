// What the three client programs share: where the server is, a new member, and checks.

export const baseUrl = process.env.API_URL ?? "http://127.0.0.1:8000";

export function check(condition: boolean, message: string): asserts condition {
  if (!condition) {
    throw new Error(message);
  }
}

export function newMember(client: string): { email: string; password: string } {
  const email = `${client}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
  return { email, password: crypto.randomUUID() };
}

export function passed(client: string, steps: string[]): void {
  console.log(`${client}: ${steps.length} steps passed (${steps.join(", ")})`);
}
