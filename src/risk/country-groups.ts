/**
 * Country groups for the `inGroup(country, group)` helper, kept as data (data/country-groups.json) so
 * analysts change them without a release. The EU group comes from the reference data, not from here.
 */
import groupsData from '../../data/country-groups.json' with { type: 'json' };
import { EU_COUNTRIES } from '../domain/reference-data.ts';

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

export function countryGroupsFrom(data: {
  readonly groups: Readonly<Record<string, { readonly countries: readonly string[] }>>;
}): CountryGroups {
  const m = new Map<string, ReadonlySet<string>>([['eu', EU_COUNTRIES]]);
  for (const [name, g] of Object.entries(data.groups)) {
    m.set(name, new Set(g.countries));
  }
  return new CountryGroups(m);
}

export const countryGroups: CountryGroups = countryGroupsFrom(groupsData);
