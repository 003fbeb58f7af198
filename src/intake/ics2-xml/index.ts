/** ICS2 XML in: IE3F messages read, checked against the XPath table and mapped to the JSON filing. */
export * from './xml-document.ts';
export * from './simple-types.ts';
export * from './xpaths.ts';
export * from './map-message.ts';
