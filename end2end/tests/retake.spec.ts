import { test, expect, Page, TestInfo } from '@playwright/test';
import { answerAndMoveOn, ready, startLeadership } from './helpers';

/** Answers every page of the reflection that is open with `value` and finishes it. */
async function finishWith(page: Page, info: TestInfo, value: string) {
  let index = 1;
  while (!(await page.getByRole('button', { name: 'Finish and see my profile' }).isVisible())) {
    await answerAndMoveOn(page, info, index, value);
    index += 1;
  }
  await page.locator('fieldset.likert').first().waitFor();
  for (const group of await page.locator('fieldset.likert').all()) await group.locator(`input[value="${value}"]`).check();
  await page.getByRole('button', { name: 'Finish and see my profile' }).click();
  await expect(page).toHaveURL(/\/profile$/);
  await ready(page, info);
}

test('a leader reflects again, sees the change per category and last action plan, and deletes the chain', async ({ page }, info) => {
  test.setTimeout(180_000);
  await startLeadership(page, info);
  await finishWith(page, info, '2');
  const first = page.url();
  await page.getByLabel(/^One or two concrete steps/).fill('Ask two teachers to observe each other.');
  await page.getByRole('button', { name: 'Save my action plan' }).click();
  await expect(page.getByText('Your action plan is saved.')).toBeVisible();
  await ready(page, info);

  // later: reflect again from the profile, with a new private link
  await page.getByRole('button', { name: 'Reflect again' }).click();
  await expect(page).toHaveURL(/\/r\/[0-9a-f]{48}\/c\/1$/);
  expect(page.url()).not.toContain(first.split('/')[4]);
  await ready(page, info);
  await finishWith(page, info, '4');
  const growth = page.locator('#growth');
  await expect(growth.getByRole('heading', { level: 2, name: 'Since your earlier reflection' })).toBeVisible();
  await expect(growth.getByRole('row').nth(1)).toContainText('4.00');
  await expect(growth.getByRole('row').nth(1)).toContainText('2.00');
  await expect(growth.getByRole('row').nth(1)).toContainText('+2.00');
  await expect(growth.locator('blockquote')).toHaveText('Ask two teachers to observe each other.');

  // deleting the chain: this reflection and the earlier one
  await page.getByLabel('Yes, delete all my answers and this profile for good.').check();
  await page.getByLabel('Also delete my earlier reflection (1)').check();
  await page.getByRole('button', { name: 'Delete all my answers' }).click();
  await expect(page).toHaveURL(/\/deleted$/);
  await page.goto(first);
  await expect(page.getByText('No reflection belongs to this link')).toBeVisible();
});
