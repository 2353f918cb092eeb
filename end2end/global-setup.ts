// Waits until the app answers (cargo leptos end-to-end starts it just before the tests).
export default async function globalSetup() {
  const url = process.env.REFLECT_BASE_URL ?? 'http://127.0.0.1:3000';
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url + '/');
      if (res.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`Reflect did not answer at ${url} within 180 s`);
}
