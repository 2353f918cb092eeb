import { expect, APIRequestContext, Page, TestInfo } from '@playwright/test';

export const hydrated = (info: TestInfo) => info.project.name === 'hydrated';

/** Opens a page and, when JavaScript is on, waits until the WebAssembly has hydrated it. */
export async function open(page: Page, info: TestInfo, url: string) {
  await page.goto(url);
  await ready(page, info);
}

export async function ready(page: Page, info: TestInfo) {
  if (hydrated(info)) await expect(page.locator('body[data-hydrated="true"]')).toHaveCount(1);
}

/** Start page of the leadership reflection → context → first category. */
export async function startLeadership(page: Page, info: TestInfo) {
  await open(page, info, '/');
  await page.getByRole('link', { name: 'Start: Leadership reflection' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Leadership reflection' })).toBeVisible();
  await ready(page, info);
  await page.getByLabel('Headteacher / principal').check();
  await page.getByLabel('Data use').check();
  await page.getByRole('group', { name: 'May your anonymous answers be used for research?' }).getByLabel('Yes').check();
  await page.getByRole('button', { name: 'Start the reflection' }).click();
  await expect(page).toHaveURL(/\/r\/[0-9a-f]{48}\/c\/1$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Organising and (re)designing the organisation' })).toBeVisible();
  await ready(page, info);
}

/** Answers every statement on the current category page with `value` (1–5). */
export async function answerPage(page: Page, value: string) {
  const groups = page.locator('fieldset.likert');
  await groups.first().waitFor();
  const n = await groups.count();
  expect(n).toBeGreaterThan(0);
  for (let i = 0; i < n; i++) {
    await groups.nth(i).locator(`input[type="radio"][value="${value}"]`).check();
  }
}

/** Answers the current page and moves on: by itself when hydrated, with the button otherwise. */
export async function answerAndMoveOn(page: Page, info: TestInfo, index: number, value: string) {
  await expect(page).toHaveURL(new RegExp(`/c/${index}$`));
  // the new category's content is there (not the previous page's, nor a loading state)
  await expect(page.getByText(new RegExp(`category ${index} of \\d+`, "i"))).toBeVisible();
  await answerPage(page, value);
  if (hydrated(info)) {
    // auto-advance: no button press
    await expect(page).toHaveURL(new RegExp(`/c/${index + 1}$`));
  } else {
    await page.getByRole('button', { name: 'Next category' }).click();
    await expect(page).toHaveURL(new RegExp(`/c/${index + 1}$`));
  }
  await expect(page.getByText(new RegExp(`category ${index + 1} of \\d+`, "i"))).toBeVisible();
  await ready(page, info);
}

/** Signs in on /login and lands on `next`. */
export async function signIn(page: Page, info: TestInfo, email: string, password: string, next: string) {
  await open(page, info, `/login?next=${next}`);
  await page.getByLabel('E-mail address').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  // the page itself, not the sign-in page whose ?next= names it
  await expect(page).toHaveURL(new RegExp(`^[^?]*${next}`));
  await ready(page, info);
}

/** On /admin (signed in as an admin): creates an account with `role`. */
export async function createAccount(page: Page, email: string, password: string, role: string) {
  // filled until the values stay: the page may still be settling after hydration
  await expect(async () => {
    await page.getByLabel('E-mail address').fill(email);
    await page.getByLabel(/^Password \(at least/).fill(password);
    await page.getByLabel('Role').selectOption(role);
    await expect(page.getByLabel('E-mail address')).toHaveValue(email, { timeout: 500 });
  }).toPass();
  await page.getByRole('button', { name: 'Create the account' }).click();
  await expect(page.getByRole('cell', { name: email })).toBeVisible();
}

/** Answers and finishes a started leadership reflection through the same server functions the
 * pages use: every item of a category gets `value(category id)`. */
export async function finishThroughApi(api: APIRequestContext, token: string, value: (category: string) => string) {
  for (let index = 1; index <= 4; index++) {
    const view = await (await api.post('/api/get_category', { form: { token, index: String(index) } })).json();
    const form: Record<string, string> = { token, index: String(index), go: index === 4 ? 'finish' : 'next' };
    for (const sub of view.category.subcategories) for (const item of sub.items) form[`answers[${item.id}]`] = value(view.category.id);
    const saved = await api.post('/api/submit_category', { form, headers: { Accept: 'application/json' } });
    expect(saved.status(), await saved.text()).toBe(200);
  }
}
