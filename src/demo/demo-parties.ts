/**
 * Who trades in the demo: exporters by country, EU importers with EORIs, forwarders, shipping lines
 * (real container owner codes and SCACs), airlines (real IATA air waybill prefixes), express integrators,
 * postal operators, hauliers and rail operators — plus the watchlists the risk engine is meant to find:
 * known bad operators and seized containers.
 *
 * Company names, addresses and every EORI are fictional (EORIs have each country's real shape); carriers
 * and airlines are real so their codes are right, but their EORIs here are made up.
 */
import { containerCheckDigit } from '../domain/identifiers.ts';

export interface DemoAddress {
  readonly street: string;
  readonly city: string;
  readonly postcode?: string;
  readonly country: string;
}

export interface DemoParty {
  readonly name: string;
  readonly eori?: string;
  readonly address: DemoAddress;
}

function parties(country: string, rows: readonly string[], eoris?: readonly string[]): DemoParty[] {
  return rows.map((row, i) => {
    const [name, street, city, postcode] = row.split('|') as [string, string, string, string | undefined];
    const eori = eoris?.[i];
    return {
      name,
      ...(eori === undefined ? {} : { eori }),
      address: { street, city, ...(postcode ? { postcode } : {}), country },
    };
  });
}

/** Exporters outside the EU, by country. */
export const EXPORTERS: Readonly<Record<string, readonly DemoParty[]>> = {
  CN: parties('CN', [
    'Shenzhen Bright Electronics Co., Ltd.|12 Keji South Road, Nanshan|Shenzhen|518057',
    'Ningbo Oriental Household Products Co., Ltd.|88 Jiangnan Road, Yinzhou|Ningbo|315100',
    'Yiwu Sunshine Toys Factory|36 Chouzhou North Road|Yiwu|322000',
    'Xiamen Goldensea Solar Technology Co., Ltd.|201 Xiangxing Road, Huli|Xiamen|361006',
    'Qingdao Double Star Tyre Trading Co., Ltd.|9 Haier Road, Laoshan|Qingdao|266061',
    'Jiaxing Haoyu Fasteners Co., Ltd.|66 Zhongshan East Road|Jiaxing|314000',
    'Tianjin Golden Wheel Bicycle Co., Ltd.|15 Huaxing Road, Xiqing|Tianjin|300380',
    'Guangzhou Meili Cosmetics Co., Ltd.|318 Huangpu Avenue West|Guangzhou|510620',
    'Foshan Comfort Furniture Manufacturing Co., Ltd.|5 Lecong Avenue, Shunde|Foshan|528315',
    'Hangzhou Westlake Apparel Co., Ltd.|120 Moganshan Road|Hangzhou|310005',
    'Wenzhou Ruian Auto Components Co., Ltd.|77 Anyang Road|Ruian|325200',
    'Suzhou Everlink Network Technology Co., Ltd.|1 Xinghu Street, SIP|Suzhou|215123',
    'Chengdu Tianfu Machinery Trading Co., Ltd.|45 Tianfu Avenue|Chengdu|610041',
    'Chongqing Yangtze Motorcycle Export Co., Ltd.|8 Jinkai Avenue|Chongqing|401122',
  ]),
  HK: parties('HK', [
    'Pacific Crest Trading Ltd|Unit 1203, 9 Wing Hong Street, Cheung Sha Wan|Kowloon',
    'Victoria Harbour Watch Co Ltd|Flat B, 18/F, 238 Nathan Road|Kowloon',
  ]),
  TW: parties('TW', [
    'Formosa Precision Fasteners Corp.|No. 52, Zhonghua Road, Gangshan Dist.|Kaohsiung|820',
    'Taichung Velo Works Co., Ltd.|No. 8, Gongye 2nd Road, Xitun Dist.|Taichung|407',
    'Hsinchu Silicon Components Inc.|No. 3, Lixing Road, East Dist.|Hsinchu|300',
  ]),
  KR: parties('KR', [
    'Hanbit Cosmetics Co., Ltd.|45 Teheran-ro, Gangnam-gu|Seoul|06142',
    'Daewon Steel Industries Co., Ltd.|112 Sinseon-ro, Nam-gu|Busan|48547',
    'Seoul Mobility Parts Co., Ltd.|27 Gongdan-ro, Seongsan-gu|Changwon|51567',
  ]),
  JP: parties('JP', [
    'Kanto Drive Systems K.K.|2-7-1 Marunouchi, Chiyoda-ku|Tokyo|100-0005',
    'Hamamatsu Motor Export Co., Ltd.|1-10 Itayamachi, Naka-ku|Hamamatsu|430-0928',
  ]),
  VN: parties('VN', [
    'Saigon Footwear Joint Stock Company|18 Song Hanh Highway, District 12|Ho Chi Minh City|700000',
    'Hai Phong Garment Export Co., Ltd.|25 Lach Tray Street, Ngo Quyen|Hai Phong|180000',
    'Binh Duong Wood Furniture Co., Ltd.|VSIP II, Thu Dau Mot|Binh Duong|820000',
    'Mekong Seafood Processing JSC|Tra Noc Industrial Zone, Binh Thuy|Can Tho|900000',
  ]),
  TH: parties('TH', [
    'Siam Tuna Canning Public Co., Ltd.|99 Moo 2, Rama II Road|Samut Sakhon|74000',
    'Laem Chabang Rubber Gloves Co., Ltd.|7 Moo 3, Sukhumvit Road|Chonburi|20230',
    'Bangkok Silverware Co., Ltd.|555 Charoen Krung Road|Bangkok|10500',
  ]),
  MY: parties('MY', [
    'Klang Valley Gloves Sdn. Bhd.|Lot 12, Jalan Perusahaan 3|Klang|41050',
    'Penang Semicon Assembly Sdn. Bhd.|Plot 41, Bayan Lepas FIZ 4|Bayan Lepas|11900',
    'Johor Timber Furniture Sdn. Bhd.|PLO 22, Jalan Tanjung|Pasir Gudang|81700',
  ]),
  ID: parties('ID', [
    'PT Jepara Teak Furniture|Jl. Raya Tahunan No. 15|Jepara|59427',
    'PT Tangerang Shoe Industry|Jl. Industri Raya No. 8|Tangerang|15135',
  ]),
  KH: parties('KH', [
    'Phnom Penh Cycle Manufacturing Co., Ltd.|Street 598, Sangkat Phnom Penh Thmey|Phnom Penh|120801',
  ]),
  PH: parties('PH', ['General Santos Ocean Foods Inc.|Makar Wharf Road, Labangal|General Santos|9500']),
  IN: parties('IN', [
    'Ahmedabad Generic Pharma Pvt. Ltd.|Plot 45, GIDC Estate, Vatva|Ahmedabad|382445',
    'Tiruppur Knit Exports Pvt. Ltd.|112 Kumaran Road|Tiruppur|641601',
    'Jamshedpur Steel Coils Ltd.|Bistupur Industrial Area|Jamshedpur|831001',
    'Agra Leather Footwear Exports|NH-2, Sikandra Industrial Area|Agra|282007',
    'Punjab Basmati Rice Mills Pvt. Ltd.|GT Road, Taran Taran|Amritsar|143001',
    'Kochi Marine Foods Pvt. Ltd.|Willingdon Island|Kochi|682003',
  ]),
  BD: parties('BD', [
    'Dhaka Knitwear Ltd.|Plot 23, Dhaka EPZ, Savar|Dhaka|1349',
    'Chattogram Denim Mills Ltd.|CEPZ, South Halishahar|Chattogram|4223',
  ]),
  PK: parties('PK', [
    'Sialkot Sports Goods Co.|Small Industrial Estate, Shahabpura Road|Sialkot|51310',
    'Karachi Textile Mills (Pvt.) Ltd.|SITE Area, Manghopir Road|Karachi|75700',
  ]),
  TR: parties('TR', [
    'Anadolu Tekstil San. ve Tic. A.S.|Organize Sanayi Bolgesi 4. Cadde No. 12|Bursa|16140',
    'Ege Celik Endustrisi A.S.|Aliaga Organize Sanayi Bolgesi|Izmir|35800',
    'Marmara Beyaz Esya A.S.|Gebze OSB, 1000. Sokak No. 5|Kocaeli|41480',
    'Istanbul Kozmetik Ltd. Sti.|Ikitelli OSB, Eskoop Sanayi Sitesi|Istanbul|34490',
    'Denizli Havlu ve Ev Tekstili A.S.|Honaz OSB|Denizli|20330',
    'Iskenderun Demir Profil A.S.|Sariseki Mevkii|Iskenderun|31319',
  ]),
  AE: parties('AE', [
    'Jebel Ali General Trading LLC|Plot S30214, Jafza South|Dubai',
    'Al Noor Perfumes Industry LLC|Al Quoz Industrial Area 3|Dubai',
  ]),
  SA: parties('SA', ['Jubail Petrochemical Marketing Co.|King Fahd Industrial Port|Jubail|35718']),
  EG: parties('EG', [
    'Alexandria Fertilizers Co. S.A.E.|El Max Industrial Zone|Alexandria|21515',
    'Nile Carpets Egypt S.A.E.|10th of Ramadan City, Zone A1|Sharqia|44629',
  ]),
  DZ: parties('DZ', ['Arzew Urea Export SPA|Zone Industrielle|Arzew|31200']),
  MA: parties('MA', [
    'Tanger Confection SARL|Zone Franche, Lot 55|Tanger|90000',
    'Casablanca Textile Export SA|Boulevard Ghandi 210|Casablanca|20380',
  ]),
  US: parties('US', [
    'Central Valley Almond Growers Inc.|4500 Shaw Avenue|Fresno, CA|93722',
    'Midwest Drive Systems LLC|2100 Industrial Parkway|Toledo, OH|43612',
    'Garden State Biologics Inc.|300 College Road East|Princeton, NJ|08540',
    'Gulf Coast Glycol Corp.|9000 Bay Area Blvd|Pasadena, TX|77507',
    'Pacific Slope Wines LLC|600 Main Street|Napa, CA|94559',
  ]),
  BR: parties('BR', [
    'Cafe Planalto Exportadora Ltda.|Rua XV de Novembro 120|Santos|11010-150',
    'Usina Sao Joao Acucar S.A.|Rodovia SP-330 km 150|Araras|13600-970',
    'Madeiras do Sul Ltda.|Avenida Paraná 800|Curitiba|80035-130',
  ]),
  EC: parties('EC', [
    'Bananera del Pacifico S.A.|Av. 9 de Octubre 1911|Guayaquil|090313',
    'Camaronera Costa Azul S.A.|Km 6.5 Via a Daule|Guayaquil|090150',
    'Flores de los Andes S.A.|Panamericana Norte km 12|Cayambe|170201',
  ]),
  CO: parties('CO', [
    'Cafe Sierra Nevada S.A.S.|Carrera 43 No. 76-150|Barranquilla|080020',
    'Flores Sabana S.A.S.|Km 3 Via Madrid|Facatativa|253051',
  ]),
  CR: parties('CR', ['Frutas Tropicales del Caribe S.A.|Zona Franca, Barrio Limoncito|Limon|70101']),
  CL: parties('CL', ['Vina Valle Central S.A.|Camino Lo Espejo 02|Santiago|8320000']),
  CI: parties('CI', ['Cacao Ivoire Export SA|Zone Portuaire, Rue du Havre|Abidjan']),
  GH: parties('GH', ['Ashanti Cocoa Trading Ltd.|Harbour Road|Tema']),
  ZA: parties('ZA', ['Stellenbosch Cellars (Pty) Ltd.|R44 Strand Road|Stellenbosch|7600']),
  AU: parties('AU', ['Barossa Estate Wines Pty Ltd|14 Murray Street|Tanunda|5352']),
  KE: parties('KE', ['Naivasha Roses Ltd.|Moi South Lake Road|Naivasha|20117']),
  ET: parties('ET', [
    'Sidama Coffee Farmers Export PLC|Bole Road|Addis Ababa|1000',
    'Holeta Flowers PLC|Holeta Road|Holeta|1000',
  ]),
  CH: parties('CH', [
    'Rhein Pharma AG|Klybeckstrasse 141|Basel|4057',
    'Tabacco Ticino SA|Via Industria 8|Mendrisio|6850',
    'Helvetia Precision Tools AG|Industriestrasse 30|Zurich|8005',
  ]),
  GB: parties('GB', [
    'Midlands Automotive Components Ltd|Unit 4, Tyseley Industrial Estate|Birmingham|B11 2AA',
    'Pennine Textiles Ltd|Mill Lane|Manchester|M12 6JH',
    'Thames Valley Cosmetics Ltd|12 Bath Road|Slough|SL1 3UA',
  ]),
  RS: parties('RS', ['Beograd Auto Delovi d.o.o.|Bulevar Mihajla Pupina 10|Beograd|11070']),
  UA: parties('UA', [
    'Dnipro Metal Products LLC|Naberezhna Peremohy 32|Dnipro|49094',
    'Karpaty Timber LLC|Horodotska Street 174|Lviv|79022',
  ]),
  SG: parties('SG', ['Straits Components Pte. Ltd.|10 Ubi Crescent, #05-12|Singapore|408564']),
};

/** Importers in the EU, with EORIs of each country's usual shape. */
export const IMPORTERS: readonly DemoParty[] = [
  ...parties(
    'NL',
    [
      'Elektro Import Nederland B.V.|Waalhaven Zuidzijde 21|Rotterdam|3089 JH',
      'Hollandse Meubel Groothandel B.V.|Industrieweg 14|Tilburg|5048 AG',
      'Van der Berg Food Imports B.V.|Coenhavenweg 40|Amsterdam|1013 BL',
    ],
    ['NL812345670', 'NL803456129', 'NL856712304'],
  ),
  ...parties(
    'BE',
    [
      'Antwerp Steel Trading NV|Noorderlaan 133|Antwerpen|2030',
      'Brabant Fashion Distribution BV|Mechelsesteenweg 271|Vilvoorde|1800',
      'Liege Pharma Logistics SA|Rue de Bierset 18|Grace-Hollogne|4460',
    ],
    ['BE0412345678', 'BE0734561290', 'BE0867123045'],
  ),
  ...parties(
    'DE',
    [
      'Elektro Handel GmbH|Hafenstrasse 5|Hamburg|20457',
      'Rheinland Reifen Vertrieb GmbH|Emil-Hoffmann-Strasse 55|Koeln|50996',
      'Suedbayern Fahrrad Import GmbH|Landsberger Strasse 300|Muenchen|80687',
      'Autoteile Mueller KG|Industriestrasse 12|Stuttgart|70565',
      'Nordsee Textilhandel GmbH|Am Sandtorkai 44|Hamburg|20457',
      'Frankfurter Kosmetik Vertrieb GmbH|Hanauer Landstrasse 190|Frankfurt am Main|60314',
    ],
    ['DE4471230', 'DE7825541', 'DE1193386', 'DE8802154', 'DE5529871', 'DE3378102'],
  ),
  ...parties(
    'FR',
    [
      'Normandie Equipements Maison SAS|Quai de Saone 12|Le Havre|76600',
      'Lyon Textile Distribution SARL|42 Rue de Gerland|Lyon|69007',
    ],
    ['FR51234567800019', 'FR80734561200027'],
  ),
  ...parties(
    'IT',
    [
      'Ligure Importazioni S.r.l.|Via San Benedetto 14|Genova|16126',
      'Milano Moda Distribuzione S.p.A.|Via Tortona 27|Milano|20144',
    ],
    ['IT01234567890', 'IT09876543210'],
  ),
  ...parties(
    'ES',
    [
      'Levante Distribucion Hogar S.L.|Avenida del Puerto 180|Valencia|46023',
      'Iberica de Neumaticos S.A.|Calle de la Industria 22|Madrid|28923',
    ],
    ['ESB12345674', 'ESA98765432'],
  ),
  ...parties(
    'PL',
    [
      'Baltic Electronics Sp. z o.o.|ul. Marynarki Polskiej 59|Gdansk|80-557',
      'Mazowsze Meble Sp. z o.o.|ul. Przemyslowa 4|Warszawa|02-232',
    ],
    ['PL583123456700000', 'PL521987654300000'],
  ),
  ...parties('GR', ['Piraeus Trading S.A.|Akti Miaouli 47|Piraeus|185 36'], ['GR094512345']),
  ...parties('AT', ['Wiener Haushaltswaren GmbH|Handelskai 92|Wien|1200'], ['ATEOS1000012345']),
  ...parties('CZ', ['Moravia Auto Parts s.r.o.|Hruskova 12|Brno|619 00'], ['CZ27123456']),
  ...parties('HU', ['Duna Import Kft.|Vaci ut 76|Budapest|1133'], ['HU12345678']),
  ...parties('BG', ['Trakia Trade EOOD|bul. Bulgaria 58|Plovdiv|4003'], ['BG204512345']),
  ...parties('RO', ['Constanta Import SRL|Strada Portului 3|Constanta|900900'], ['RO12345678']),
  ...parties('SE', ['Gota Inredning AB|Lindholmsallen 10|Goteborg|417 55'], ['SE5561234567']),
  ...parties('DK', ['Jylland Cykler ApS|Sonderhoj 14|Aarhus|8260'], ['DK12345678']),
  ...parties(
    'IE',
    ['Liffey Consumer Goods Ltd|Unit 7, Northwest Business Park|Dublin|D15 YC52'],
    ['IE9876543W'],
  ),
  ...parties('PT', ['Atlantico Distribuicao Lda|Rua do Porto 101|Sines|7520-210'], ['PT509123456']),
  ...parties('LU', ['Luxembourg Pharma Distribution SA|5 Rue Edmond Reuter|Contern|5326'], ['LU12345678']),
  ...parties('SI', ['Koper Trgovina d.o.o.|Ankaranska cesta 7|Koper|6000'], ['SI12345678']),
];

/** Freight forwarders (NVOCCs): file house-level data and appear on master documents. */
export const FORWARDERS: readonly DemoParty[] = [
  ...parties(
    'NL',
    ['Rijnmond Freight Forwarding B.V.|Albert Plesmanweg 43|Rotterdam|3088 GB'],
    ['NL861234502'],
  ),
  ...parties('BE', ['Scheldt Logistics NV|Haven 1025, Scheldedijk 30|Antwerpen|2070'], ['BE0456789012']),
  ...parties('DE', ['Hanseatic Cargo Services GmbH|Ausschlaeger Elbdeich 62|Hamburg|20539'], ['DE6612034']),
  ...parties(
    'FR',
    ['Transitaire Seine Maritime SAS|Boulevard de Graville 75|Le Havre|76600'],
    ['FR44123456700031'],
  ),
  ...parties('IT', ['Tirreno Spedizioni S.r.l.|Via Albertazzi 3|Genova|16149'], ['IT04567890123']),
];

/** Origin offices of the forwarders, as consignors on master documents. */
export const FORWARDER_AGENTS: Readonly<Record<string, DemoParty>> = {
  CN: parties('CN', [
    'Rijnmond Freight (Shanghai) Co., Ltd.|1600 Century Avenue, Pudong|Shanghai|200122',
  ])[0]!,
  VN: parties('VN', [
    'Scheldt Logistics Vietnam Co., Ltd.|72 Le Thanh Ton, District 1|Ho Chi Minh City|700000',
  ])[0]!,
  IN: parties('IN', ['Hanseatic Cargo India Pvt. Ltd.|Sahar Road, Andheri East|Mumbai|400099'])[0]!,
  TR: parties('TR', ['Tirreno Lojistik Ltd. Sti.|Ambarli Liman Yolu 4|Istanbul|34524'])[0]!,
  US: parties('US', ['Seine Maritime Forwarding Inc.|150 Meadowlands Parkway|Secaucus, NJ|07094'])[0]!,
  HK: parties('HK', ['Hanseatic Cargo (HK) Ltd|8 Cheung Yip Street, Kowloon Bay|Kowloon'])[0]!,
};

export interface ShippingLine {
  readonly name: string;
  readonly eori: string;
  /** SCAC, the prefix of its bill of lading numbers. */
  readonly scac: string;
  /** ISO 6346 owner codes with category U. */
  readonly containerPrefixes: readonly string[];
  readonly vessels: readonly string[];
}

export const SHIPPING_LINES: readonly ShippingLine[] = [
  {
    name: 'Maersk A/S',
    eori: 'DK53139655',
    scac: 'MAEU',
    containerPrefixes: ['MSKU', 'MAEU', 'MRKU'],
    vessels: ['Maersk Halden', 'Maersk Elbe Bay', 'Maersk Kinloss'],
  },
  {
    name: 'MSC Mediterranean Shipping Company SA',
    eori: 'NL819022360',
    scac: 'MEDU',
    containerPrefixes: ['MSCU', 'MEDU'],
    vessels: ['MSC Aurora Borealis', 'MSC Livorno Star', 'MSC Tessa Marie'],
  },
  {
    name: 'CMA CGM SA',
    eori: 'FR56256223300097',
    scac: 'CMDU',
    containerPrefixes: ['CMAU', 'ECMU'],
    vessels: ['CMA CGM Montmartre', 'CMA CGM Loire Valley'],
  },
  {
    name: 'Hapag-Lloyd AG',
    eori: 'DE3342113',
    scac: 'HLCU',
    containerPrefixes: ['HLXU', 'HLBU', 'UACU'],
    vessels: ['Elbe Express', 'Hamburg Bridge Express'],
  },
  {
    name: 'COSCO Shipping Lines (Europe) GmbH',
    eori: 'DE4419870',
    scac: 'COSU',
    containerPrefixes: ['CBHU', 'CSNU', 'FCIU'],
    vessels: ['COSCO Pacific Dawn', 'COSCO Shengshi'],
  },
  {
    name: 'Evergreen Marine (Netherlands) B.V.',
    eori: 'NL807766554',
    scac: 'EGLV',
    containerPrefixes: ['EGHU', 'EMCU', 'EISU'],
    vessels: ['Ever Gallant Sea', 'Ever Lotus Bay'],
  },
  {
    name: 'OOCL (Europe) Ltd',
    eori: 'NL822113344',
    scac: 'OOLU',
    containerPrefixes: ['OOLU', 'OOCU'],
    vessels: ['OOCL Kaohsiung Star', 'OOCL Rotterdam Bay'],
  },
  {
    name: 'Ocean Network Express (Europe) Ltd',
    eori: 'BE0700123456',
    scac: 'ONEY',
    containerPrefixes: ['ONEU', 'TCLU'],
    vessels: ['ONE Harmony Wave', 'ONE Crimson Tide'],
  },
  {
    name: 'Yang Ming (Netherlands) B.V.',
    eori: 'NL854433221',
    scac: 'YMLU',
    containerPrefixes: ['YMLU', 'YMMU'],
    vessels: ['YM Wellness Star', 'YM Triumph Sea'],
  },
  {
    name: 'HMM Europe Ltd',
    eori: 'NL855512890',
    scac: 'HDMU',
    containerPrefixes: ['HMMU', 'HDMU'],
    vessels: ['HMM Algeciras Sun', 'HMM Copenhagen Star'],
  },
  {
    name: 'ZIM Integrated Shipping Services Ltd',
    eori: 'DE2277104',
    scac: 'ZIMU',
    containerPrefixes: ['ZIMU', 'ZCSU'],
    vessels: ['ZIM Mount Tabor', 'ZIM Sammy Star'],
  },
  {
    name: 'Arkas Line (Europe) S.r.l.',
    eori: 'IT05512349870',
    scac: 'ARKU',
    containerPrefixes: ['ARKU'],
    vessels: ['Arkas Ege Star', 'Arkas Marmara'],
  },
];

export interface Airline {
  readonly name: string;
  readonly iata: string;
  /** IATA air waybill prefix. */
  readonly prefix: string;
  readonly eori: string;
  readonly country: string;
  /** Hub the cargo connects through, when it is not the origin or an EU airport. */
  readonly hub?: string;
  /** Origin countries it flies EU-bound cargo from; undefined = any. */
  readonly from?: readonly string[];
  /** EU airports it flies to; undefined = any. */
  readonly to?: readonly string[];
}

export const AIRLINES: readonly Airline[] = [
  { name: 'Emirates SkyCargo', iata: 'EK', prefix: '176', eori: 'NL820045671', country: 'AE', hub: 'AE' },
  { name: 'Qatar Airways Cargo', iata: 'QR', prefix: '157', eori: 'BE0540123987', country: 'QA', hub: 'QA' },
  { name: 'Turkish Cargo', iata: 'TK', prefix: '235', eori: 'DE9912045', country: 'TR', hub: 'TR' },
  {
    name: 'Ethiopian Airlines Cargo',
    iata: 'ET',
    prefix: '071',
    eori: 'BE0641987650',
    country: 'ET',
    hub: 'ET',
    from: ['ET', 'KE', 'IN', 'CN'],
  },
  {
    name: 'Air France Cargo',
    iata: 'AF',
    prefix: '057',
    eori: 'FR42055215700075',
    country: 'FR',
    to: ['FRCDG'],
  },
  { name: 'Lufthansa Cargo AG', iata: 'LH', prefix: '020', eori: 'DE2212034', country: 'DE', to: ['DEFRA'] },
  { name: 'KLM Cargo', iata: 'KL', prefix: '074', eori: 'NL800210345', country: 'NL', to: ['NLAMS'] },
  { name: 'Cathay Cargo', iata: 'CX', prefix: '160', eori: 'NL821156789', country: 'HK', from: ['HK'] },
  {
    name: 'Singapore Airlines Cargo',
    iata: 'SQ',
    prefix: '618',
    eori: 'BE0661234509',
    country: 'SG',
    from: ['SG'],
  },
  {
    name: 'Cargolux Airlines International',
    iata: 'CV',
    prefix: '172',
    eori: 'LU15432109',
    country: 'LU',
    to: ['LULUX'],
  },
  {
    name: 'China Cargo Airlines',
    iata: 'CK',
    prefix: '112',
    eori: 'BE0699988776',
    country: 'CN',
    from: ['CN'],
  },
  {
    name: 'China Southern Airlines',
    iata: 'CZ',
    prefix: '784',
    eori: 'NL826543210',
    country: 'CN',
    from: ['CN'],
  },
  { name: 'Korean Air Cargo', iata: 'KE', prefix: '180', eori: 'DE7731209', country: 'KR', from: ['KR'] },
  {
    name: 'China Airlines Cargo',
    iata: 'CI',
    prefix: '297',
    eori: 'LU26104938',
    country: 'TW',
    from: ['TW'],
  },
  { name: 'Atlas Air', iata: '5Y', prefix: '369', eori: 'DE1145098', country: 'US', from: ['US'] },
  {
    name: 'British Airways World Cargo',
    iata: 'BA',
    prefix: '125',
    eori: 'NL832109876',
    country: 'GB',
    from: ['GB'],
  },
  { name: 'Swiss WorldCargo', iata: 'LX', prefix: '724', eori: 'DE6654321', country: 'CH', from: ['CH'] },
];

/** Express integrators (fictional) with their EU hubs and the airline that flies for them. */
export interface Integrator {
  readonly party: DemoParty;
  readonly hub: string;
  readonly airlinePrefix: string;
  /** Waybill numbers are this many digits. */
  readonly waybillDigits: number;
}

export const INTEGRATORS: readonly Integrator[] = [
  {
    party: parties(
      'BE',
      ['SwiftParcel Express NV|Liege Airport, Building 44|Grace-Hollogne|4460'],
      ['BE0811122334'],
    )[0]!,
    hub: 'BELGG',
    airlinePrefix: '172',
    waybillDigits: 10,
  },
  {
    party: parties(
      'DE',
      ['Kurier Global Express GmbH|Flughafen Leipzig/Halle, Frachtstrasse 7|Schkeuditz|04435'],
      ['DE5567012'],
    )[0]!,
    hub: 'DELEJ',
    airlinePrefix: '369',
    waybillDigits: 10,
  },
  {
    party: parties(
      'FR',
      ['Aeroflash Express SAS|Roissypole, Rue du Te 3|Roissy-en-France|95700'],
      ['FR33456789000022'],
    )[0]!,
    hub: 'FRCDG',
    airlinePrefix: '057',
    waybillDigits: 12,
  },
];

/** Designated postal operators: origin (consignor of receptacles) and EU destination (declarant). */
export const ORIGIN_POSTS: Readonly<Record<string, DemoParty>> = {
  CN: parties('CN', [
    'China Post International Mail Processing Centre|1 Hangxing Road, Pudong Airport|Shanghai|201202',
  ])[0]!,
  HK: parties('HK', ['Hongkong Post Air Mail Centre|1 Chun Wan Road, Chek Lap Kok|Lantau'])[0]!,
  US: parties('US', ['USPS International Service Center|JFK Airport, Building 250|Jamaica, NY|11430'])[0]!,
  GB: parties('GB', ['Royal Mail Heathrow Worldwide Distribution Centre|Bath Road|Hounslow|TW6 2AA'])[0]!,
  SG: parties('SG', ['Singapore Post Airmail Transit Centre|10 Eunos Road 8|Singapore|408600'])[0]!,
};

export const EU_POSTS: Readonly<Record<string, DemoParty>> = {
  BEBRU: parties(
    'BE',
    ['bpost International Brussels X|Avenue du Roi 38|Brussel|1060'],
    ['BE0214596464'],
  )[0]!,
  BELGG: parties(
    'BE',
    ["bpost Liege Airport Office|Rue de l'Aeroport 32|Grace-Hollogne|4460"],
    ['BE0214596464'],
  )[0]!,
  NLAMS: parties(
    'NL',
    ['PostNL International Schiphol|Pelikaanweg 20|Schiphol|1118 DT'],
    ['NL009365542'],
  )[0]!,
  DEFRA: parties(
    'DE',
    ['Deutsche Post Internationales Postzentrum|Cargo City Sued, Gebaeude 551|Frankfurt am Main|60549'],
    ['DE1012345'],
  )[0]!,
  FRCDG: parties(
    'FR',
    ['La Poste Plateforme Internationale Roissy|Rue des Voyelles|Roissy-en-France|95700'],
    ['FR35600000000048'],
  )[0]!,
  HUBUD: parties(
    'HU',
    ['Magyar Posta Nemzetkozi Posta Kicserelo|Repuloter 2|Budapest|1185'],
    ['HU10901232'],
  )[0]!,
};

/** Road hauliers and rail operators entering the EU; non-EU ones hold an EORI of their first EU state. */
export const HAULIERS: Readonly<Record<string, readonly DemoParty[]>> = {
  TR: parties(
    'TR',
    [
      'Mars Uluslararasi Nakliyat A.S.|Hadimkoy Yolu No. 44|Istanbul|34555',
      'Bursa Trans Lojistik Ltd. Sti.|Nilufer OSB|Bursa|16140',
    ],
    ['BG205512349', 'BG205598761'],
  ),
  GB: parties(
    'GB',
    [
      'Midland Express Haulage Ltd|Hams Hall Distribution Park|Coleshill|B46 1AL',
      'Kent Continental Freight Ltd|Whitfield Industrial Estate|Dover|CT16 3HJ',
    ],
    ['GB123456789000', 'GB987654321000'],
  ),
  CH: parties('CH', ['Rheintal Transporte AG|Hafenstrasse 50|Basel|4057'], ['DE6623401']),
  RS: parties('RS', ['Dunav Transport d.o.o.|Autoput 22|Beograd|11070'], ['HU24567890']),
  UA: parties('UA', ['Volyn Cargo Trans LLC|Kovelska Street 150|Lutsk|43000'], ['PL912345678900000']),
  MA: parties('MA', ['Trans Detroit Maroc SARL|Zone Logistique Tanger Med|Tanger|90000'], ['ESB98765431']),
};

export const RAIL_OPERATORS: readonly DemoParty[] = parties(
  'PL',
  [
    'Eurasia Rail Logistics Sp. z o.o.|ul. Kolejowa 1|Malaszewicze|21-540',
    'Danube Rail Cargo Kft.|Kerepesi ut 3|Budapest|1087',
  ],
  ['PL537123456700000', 'HU23456789'],
);

export const BARGE_OPERATORS: readonly DemoParty[] = parties(
  'DE',
  [
    'Oberrhein Binnenschifffahrt GmbH|Rheinvorlandstrasse 5|Mannheim|68159',
    'Donau Schiffahrt Kft.|Soroksari ut 48|Budapest|1095',
  ],
  ['DE7702134', 'HU25678901'],
);

/**
 * Operators the demo's analysts have flagged. Planted filings use them under variant spellings, word
 * orders and legal forms, as evasive operators do, so the risk engine needs fuzzy matching to find them.
 */
export const DEMO_BAD_OPERATORS: readonly DemoParty[] = Object.freeze([
  ...parties('CN', [
    'Golden Dragon International Trading Co., Ltd.|Room 1806, 333 Huaihai Road|Shanghai|200021',
    'Shenzhen Huaxin Import and Export Co., Ltd.|Floor 7, 2002 Shennan Avenue, Futian|Shenzhen|518048',
  ]),
  ...parties('HK', ['Everbright Global Logistics Ltd|Unit 2206, 77 Des Voeux Road Central|Hong Kong']),
  ...parties('TR', ['Kartal Dis Ticaret Ltd. Sti.|Merter Keresteciler Sitesi 12|Istanbul|34169']),
  ...parties('AE', ['Blue Crescent General Trading FZE|Office 414, Jafza View 19|Dubai']),
  ...parties('MY', [
    'Sunrise PV Technology (Malaysia) Sdn. Bhd.|Lot 8, Kawasan Perindustrian Senai|Senai|81400',
  ]),
  ...parties('NL', ['Euro Prime Distribution B.V.|Vareseweg 130|Rotterdam|3047 AV'], ['NL858833012']),
  ...parties('PL', ['Baltic Star Trade Sp. z o.o.|ul. Logistyczna 8|Gdynia|81-198'], ['PL586700112200000']),
  ...parties('BG', ['Orient Bridge Trading EOOD|bul. Vladislav Varnenchik 277|Varna|9009'], ['BG206789123']),
]);

/** Seized or suspect containers (valid ISO 6346 numbers, real owner codes). */
export const DEMO_WATCHLIST_CONTAINERS: readonly string[] = Object.freeze(
  [
    'MSCU483921',
    'MSKU770412',
    'CMAU913377',
    'HLXU205561',
    'CBHU664209',
    'EGHU318850',
    'OOLU902146',
    'TCLU557730',
    'YMLU121998',
    'HMMU640052',
    'ZIMU884410',
    'MEDU239987',
  ].map((body) => body + String(containerCheckDigit(body))),
);
