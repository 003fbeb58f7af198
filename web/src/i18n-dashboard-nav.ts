/** The navigation's word for the Dashboard; the screen's own words load with it (i18n-dashboard.ts). */
import i18n from './i18n';

const words = { en: 'Dashboard', fr: 'Tableau de bord', de: 'Übersicht' };

for (const [lng, dashboard] of Object.entries(words)) {
  i18n.addResourceBundle(lng, 'translation', { nav: { dashboard } }, true, false);
}
