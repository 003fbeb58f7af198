/**
 * Where the demo's traffic goes: real seaports and airports (UN/LOCODEs), the trade lanes that connect
 * them with the EU, and the customs office of first entry for each EU place of arrival. Lanes list their
 * places in call order, so a filing's routing reads like a real voyage or flight.
 *
 * Office references have the real shape (country + 6 characters). NL000396, BE101000 and DE004701 are
 * the examples used across Vigil's docs; the others are stand-ins of the same shape, not checked against
 * the EU's customs office list.
 */

export interface SeaLane {
  readonly name: string;
  /** Ports of loading outside the EU, in call order. */
  readonly load: readonly string[];
  /** Countries called at on the way (transshipment hubs, canal ports); never EU countries. */
  readonly via: readonly string[];
  /** EU ports of discharge, in call order. */
  readonly discharge: readonly string[];
  /** Short-sea crossing: changes the non-container deadline (DESIGN §3). */
  readonly shortSea?: true;
  /** Typical door-to-door days at sea. */
  readonly days: readonly [number, number];
}

export const SEA_LANES: readonly SeaLane[] = [
  {
    name: 'Far East – North Europe',
    load: ['JPTYO', 'KRPUS', 'CNTXG', 'CNTAO', 'CNSHA', 'CNNGB', 'CNXMN', 'TWKHH', 'CNYTN', 'MYTPP'],
    via: ['SG', 'LK', 'EG'],
    discharge: ['NLRTM', 'BEZEE', 'DEHAM', 'DEBRV', 'BEANR', 'FRLEH', 'PLGDN'],
    days: [30, 40],
  },
  {
    name: 'Far East – Mediterranean',
    load: ['CNTAO', 'CNSHA', 'CNNGB', 'CNYTN', 'VNSGN'],
    via: ['SG', 'EG'],
    discharge: ['GRPIR', 'SIKOP', 'ITSPE', 'ITGOA', 'FRFOS', 'ESBCN', 'ESVLC'],
    days: [24, 32],
  },
  {
    name: 'South-East Asia – Europe',
    load: ['VNHPH', 'PHMNL', 'VNSGN', 'KHKOS', 'THLCH', 'MYPKG', 'IDJKT'],
    via: ['SG', 'LK', 'EG'],
    discharge: ['ESALG', 'NLRTM', 'BEANR', 'DEHAM'],
    days: [26, 36],
  },
  {
    name: 'Indian subcontinent – Europe',
    load: ['BDCGP', 'INMAA', 'INNSA', 'INMUN', 'PKKHI'],
    via: ['OM', 'EG'],
    discharge: ['ITGOA', 'ESVLC', 'BEANR', 'NLRTM', 'DEHAM'],
    days: [20, 28],
  },
  {
    name: 'Middle East – Europe',
    load: ['AEJEA', 'SAJED'],
    via: ['EG'],
    discharge: ['GRPIR', 'ITGOA', 'NLRTM', 'BEANR'],
    days: [14, 20],
  },
  {
    name: 'North America – Europe',
    load: ['USHOU', 'USSAV', 'USNYC'],
    via: [],
    discharge: ['FRLEH', 'NLRTM', 'BEANR', 'DEBRV'],
    days: [10, 16],
  },
  {
    name: 'South America – Europe',
    load: ['CLSAI', 'ECGYE', 'COCTG', 'CRLIO', 'BRSSZ'],
    via: [],
    discharge: ['ESALG', 'NLRTM', 'BEANR', 'DEHAM'],
    days: [18, 26],
  },
  {
    name: 'Africa – Europe',
    load: ['ZADUR', 'GHTEM', 'CIABJ'],
    via: ['MA'],
    discharge: ['PTSIN', 'FRLEH', 'NLRTM', 'BEANR'],
    days: [14, 24],
  },
  {
    name: 'Oceania – Europe',
    load: ['AUMEL'],
    via: ['SG', 'EG'],
    discharge: ['ITGOA', 'NLRTM', 'DEHAM'],
    days: [34, 42],
  },
  {
    name: 'Mediterranean short-sea',
    load: ['TRMER', 'TRISK', 'EGALY', 'TRIZM', 'TRGEM', 'TRAMR', 'DZALG', 'MAPTM'],
    via: [],
    discharge: ['GRPIR', 'ITGOA', 'ITSPE', 'ESVLC', 'ESBCN', 'FRFOS'],
    shortSea: true,
    days: [3, 7],
  },
  {
    name: 'Black Sea',
    load: ['UAODS', 'TRAMR'],
    via: [],
    discharge: ['ROCND', 'BGVAR', 'GRPIR'],
    shortSea: true,
    days: [2, 5],
  },
];

/** Airports serving EU-bound cargo by country (UN/LOCODEs of the airports' locations). */
export const ORIGIN_AIRPORTS: Readonly<Record<string, readonly string[]>> = {
  CN: ['CNPVG', 'CNCAN', 'CNSZX', 'CNPEK', 'CNCGO'],
  HK: ['HKHKG'],
  TW: ['TWTPE'],
  KR: ['KRINC'],
  JP: ['JPNRT'],
  SG: ['SGSIN'],
  VN: ['VNSGN', 'VNHAN'],
  TH: ['THBKK'],
  MY: ['MYKUL', 'MYPEN'],
  IN: ['INDEL', 'INBOM', 'INBLR', 'INHYD'],
  BD: ['BDDAC'],
  AE: ['AEDXB'],
  US: ['USJFK', 'USORD', 'USMEM', 'USLAX', 'USATL'],
  KE: ['KENBO'],
  ET: ['ETADD'],
  CO: ['COBOG'],
  EC: ['ECUIO'],
  TR: ['TRIST'],
  GB: ['GBLHR', 'GBEMA'],
  CH: ['CHZRH'],
};

/** EU cargo airports. */
export const EU_AIRPORTS: readonly string[] = [
  'NLAMS',
  'DEFRA',
  'DELEJ',
  'DECGN',
  'BEBRU',
  'BELGG',
  'FRCDG',
  'ITMXP',
  'ESMAD',
  'LULUX',
  'HUBUD',
];

/** Countries whose flights to the EU are short-haul (under about four hours). */
export const SHORT_HAUL_COUNTRIES: ReadonlySet<string> = new Set(['GB', 'CH', 'TR', 'MA', 'RS', 'UA']);

export interface LandLane {
  readonly name: string;
  readonly load: readonly string[];
  /** Countries crossed, in order, from the loading country to the last country of unloading. */
  readonly routing: readonly string[];
  /** Places of unloading with their country somewhere on the routing after the border. */
  readonly unload: readonly string[];
  readonly hours: readonly [number, number];
}

export const ROAD_LANES: readonly LandLane[] = [
  {
    name: 'Turkey – Central Europe (Kapitan Andreevo)',
    load: ['TRIST', 'TRBTZ', 'TRDNZ', 'TRIZM'],
    routing: ['TR', 'BG', 'RO', 'HU', 'AT', 'DE'],
    unload: ['BGSOF', 'ROBUH', 'HUBUD', 'ATVIE', 'DEMUC', 'DENUE'],
    hours: [40, 90],
  },
  {
    name: 'United Kingdom – Continent (Dover–Calais)',
    load: ['GBBHM', 'GBMNC', 'GBLON', 'GBLEI'],
    routing: ['GB', 'FR', 'BE', 'NL', 'DE'],
    unload: ['FRLIL', 'FRPAR', 'BEBRU', 'NLVEN', 'DEDUS', 'DECGN'],
    hours: [14, 40],
  },
  {
    name: 'Switzerland – Germany (Basel–Weil am Rhein)',
    load: ['CHZRH', 'CHBSL', 'CHLUG', 'CHGVA'],
    routing: ['CH', 'DE'],
    unload: ['DESTR', 'DEMUC', 'DEFRA'],
    hours: [4, 12],
  },
  {
    name: 'Serbia – Hungary (Röszke)',
    load: ['RSBEG', 'RSINI'],
    routing: ['RS', 'HU', 'AT'],
    unload: ['HUBUD', 'ATVIE', 'ATLNZ'],
    hours: [8, 20],
  },
  {
    name: 'Ukraine – Poland (Dorohusk)',
    load: ['UAIEV', 'UALVI'],
    routing: ['UA', 'PL', 'DE'],
    unload: ['PLWAW', 'PLPOZ', 'DEBER'],
    hours: [20, 60],
  },
  {
    name: 'Morocco – Spain (Tanger Med–Algeciras, trailers)',
    load: ['MATNG', 'MACAS'],
    routing: ['MA', 'ES', 'FR'],
    unload: ['ESMAD', 'ESBCN', 'FRPAR'],
    hours: [20, 60],
  },
];

export const RAIL_LANES: readonly LandLane[] = [
  {
    name: 'China – Europe northern corridor (Małaszewicze)',
    load: ['CNCGU', 'CNCKG', 'CNWUH', 'CNXIY'],
    routing: ['CN', 'KZ', 'RU', 'BY', 'PL', 'DE'],
    unload: ['PLLOD', 'DEDUI', 'DEHAM'],
    hours: [300, 450],
  },
  {
    name: 'Turkey – Central Europe rail',
    load: ['TRIST', 'TRBTZ'],
    routing: ['TR', 'BG', 'RO', 'HU', 'AT'],
    unload: ['HUBUD', 'ATVIE'],
    hours: [70, 120],
  },
];

export const WATERWAY_LANES: readonly LandLane[] = [
  {
    name: 'Upper Rhine (Basel – Rhine ports)',
    load: ['CHBSL'],
    routing: ['CH', 'DE'],
    unload: ['DEMHG', 'DEDUI'],
    hours: [30, 70],
  },
  {
    name: 'Danube (Belgrade – Budapest)',
    load: ['RSBEG'],
    routing: ['RS', 'HU'],
    unload: ['HUBUD'],
    hours: [40, 80],
  },
];

/** Office of first entry for the EU country where a journey first enters the customs territory. */
export const OFFICE_BY_PLACE: Readonly<Record<string, string>> = {
  NLRTM: 'NL000396',
  NLAMS: 'NL000854',
  BEANR: 'BE101000',
  BEZEE: 'BE103000',
  BEBRU: 'BE212000',
  BELGG: 'BE314000',
  DEHAM: 'DE004701',
  DEBRV: 'DE004101',
  DEFRA: 'DE003302',
  DELEJ: 'DE008601',
  DECGN: 'DE002101',
  FRLEH: 'FR000690',
  FRFOS: 'FR001300',
  FRCDG: 'FR002300',
  ITGOA: 'IT261101',
  ITSPE: 'IT311101',
  ITMXP: 'IT281101',
  ESVLC: 'ES004601',
  ESALG: 'ES001101',
  ESBCN: 'ES000801',
  ESMAD: 'ES002801',
  PLGDN: 'PL322010',
  GRPIR: 'GR004001',
  SIKOP: 'SI001001',
  PTSIN: 'PT000130',
  ROCND: 'RO140900',
  BGVAR: 'BG001000',
  LULUX: 'LU000300',
  HUBUD: 'HU100000',
};

/** Border offices for land traffic, by the first EU country on the routing. */
export const BORDER_OFFICE_BY_COUNTRY: Readonly<Record<string, string>> = {
  BG: 'BG002002',
  FR: 'FR000310',
  DE: 'DE003103',
  HU: 'HU551000',
  PL: 'PL301010',
  ES: 'ES001101',
};

/** Flags of convenience and national flags ships sail under. */
export const SHIP_FLAGS: readonly string[] = [
  'PA',
  'LR',
  'MH',
  'MT',
  'SG',
  'HK',
  'DK',
  'DE',
  'PT',
  'CY',
  'GR',
];
