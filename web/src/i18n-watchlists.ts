/**
 * The navigation's word for the analyst's Watchlists screen in English, French and German, loaded
 * with the first screen; the screen's own words (screens/watchlists-words.ts) load with it.
 */
import i18n from './i18n';

const words = {
  en: { nav: { watchlists: 'Watchlists' } },
  fr: { nav: { watchlists: 'Listes de surveillance' } },
  de: { nav: { watchlists: 'Beobachtungslisten' } },
};

for (const [lng, w] of Object.entries(words)) {
  i18n.addResourceBundle(lng, 'translation', w, true, false);
}
