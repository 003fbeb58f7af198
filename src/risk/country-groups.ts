/**
 * Country groups for the `inGroup(country, group)` helper, kept as data (data/country-groups.json) so
 * analysts change them without a release. The EU group comes from the reference data, not from here.
 */
import { COUNTRY_GROUPS } from '../domain/reference-data.ts';

export class CountryGroups {
  readonly #groups: ReadonlyMap<string, ReadonlySet<string>>;

  constructor(groups: ReadonlyMap<string, ReadonlySet<string>>) {
    this.#groups = groups;
  }

  /** Is `country` in `group`? An unknown group holds nothing (rules are checked for it when saved). */
  has(group: string, country: string): boolean {
    return this.#groups.get(group)?.has(country) ?? false;
  }

  names(): string[] {
    return [...this.#groups.keys()].sort();
  }

  members(group: string): readonly string[] {
    return [...(this.#groups.get(group) ?? [])].sort();
  }
}

export const countryGroups: CountryGroups = new CountryGroups(COUNTRY_GROUPS);
