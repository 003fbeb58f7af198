/**
 * The navigation's word for the Cooperation screen (RIFs and joint operations) in English, French
 * and German, loaded with the first screen; the screen's own words (screens/cooperation-words.ts)
 * load with it.
 */
import i18n from './i18n';

const words = { en: 'Cooperation', fr: 'Coopération', de: 'Zusammenarbeit' };

for (const [lng, cooperation] of Object.entries(words)) {
  i18n.addResourceBundle(lng, 'translation', { nav: { cooperation } }, true, false);
}
