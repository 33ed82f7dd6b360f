import type { Page } from 'playwright-core';

/**
 * Page objects: what a person does on a page, said once, so a journey reads as the steps a
 * practitioner takes and a changed page is fixed in one place.
 */

export class Navigation {
  constructor(private readonly page: Page) {}

  async links(): Promise<string[]> {
    return (await this.page.locator('.govuk-service-navigation__list a').allInnerTexts()).map((s) =>
      s.trim(),
    );
  }

  signedInAs(): Promise<string> {
    return this.page.locator('[data-qa=signed-in-user]').innerText();
  }

  async signOut() {
    await this.page.click('[data-qa=sign-out]');
    await this.page.waitForSelector('[data-qa=signed-out-banner]');
  }
}

export interface PersonDetails {
  givenName?: string;
  familyName?: string;
  /** An exact date of birth. */
  born?: { day: number; month: number; year: number };
  gender?: 'female' | 'male' | 'other' | 'not_known';
  ethnicity?: string;
  postcode?: string;
  nhsNumber?: string;
  town?: string;
}

/** The person form: adding someone (on its own page or from a contact) and editing them. */
export class PersonForm {
  constructor(private readonly page: Page) {}

  async fill(p: PersonDetails) {
    if (p.givenName !== undefined) await this.page.fill('#givenName', p.givenName);
    if (p.familyName !== undefined) await this.page.fill('#familyName', p.familyName);
    if (p.born) {
      await this.page.check('input[name=dobPrecision][value=exact]');
      await this.page.fill('#dateOfBirth-day', String(p.born.day));
      await this.page.fill('#dateOfBirth-month', String(p.born.month));
      await this.page.fill('#dateOfBirth-year', String(p.born.year));
    }
    if (p.gender) await this.page.check(`input[name=gender][value=${p.gender}]`);
    if (p.ethnicity) await this.page.selectOption('#ethnicity', p.ethnicity);
    if (p.postcode !== undefined) await this.page.fill('#postcode', p.postcode);
    if (p.nhsNumber !== undefined) await this.page.fill('#nhsNumber', p.nhsNumber);
    if (p.town !== undefined) await this.page.fill('#town', p.town);
  }

  async save() {
    await this.page.click('[data-qa=save-person]');
  }
}

/** The exploitation assessment form. */
export class AssessmentForm {
  constructor(private readonly page: Page) {}

  async answer(indicator: string, value: 'current' | 'earlier' | 'not_present' | 'not_known') {
    await this.page.check(`input[name="a-${indicator}"][value=${value}]`);
  }

  async submit(analysis: string) {
    await this.page.fill('#analysis', analysis);
    await this.page.click('[data-qa=submit-assessment]');
    await this.page.waitForLoadState();
  }
}
