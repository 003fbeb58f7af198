/**
 * The goods the demo trades: real HS subheadings with descriptions an officer would accept, typical
 * customs value per kilogram (gross) by origin, packaging and the channels the goods travel by. The
 * typical values are the baseline the risk engine's undervaluation signal compares against, so they are
 * exported as a table keyed by HS6 × origin. Values are plausible orders of magnitude, not statistics.
 */

/**
 * How goods travel: S sea container, B sea bulk/break-bulk/ro-ro, A air cargo, P parcels (postal and
 * express), R road, L rail.
 */
export type Channel = 'S' | 'B' | 'A' | 'P' | 'R' | 'L';

export interface DemoGoods {
  /** HS 2022 subheading (6 digits). */
  readonly hs6: string;
  /** CN (8-digit) subheadings that exist for this HS6, used on some filings. */
  readonly cn8?: readonly string[];
  readonly descriptions: readonly string[];
  /** Typical customs value in EUR per kg gross, before the origin factor. */
  readonly eurPerKg: number;
  /** [origin, how often, unit-value factor against eurPerKg]. */
  readonly origins: readonly (readonly [string, number, number])[];
  /** UN/ECE Recommendation 21 package type. */
  readonly pkg: string;
  readonly kgPerPkg: readonly [number, number];
  readonly channels: string;
  /** Goods under EU anti-dumping or anti-subsidy measures against Chinese origin. */
  readonly antiDumpingCn?: true;
}

export const DEMO_GOODS: readonly DemoGoods[] = [
  // Electronics (chapter 85, 84)
  {
    hs6: '851713',
    cn8: ['85171300'],
    descriptions: [
      'Smartphones, 6.1 inch, 128 GB, boxed with charger cable',
      'Mobile phones (smartphones), 256 GB, retail boxed',
      'Android smartphones, dual SIM, 64 GB',
    ],
    eurPerKg: 300,
    origins: [
      ['CN', 6, 1],
      ['VN', 3, 1.1],
      ['IN', 1, 0.9],
      ['KR', 1, 1.5],
    ],
    pkg: 'CT',
    kgPerPkg: [8, 14],
    channels: 'SAP',
  },
  {
    hs6: '851762',
    descriptions: [
      'Wi-Fi 6 wireless routers for home use',
      'Managed network switches, 24 ports, rack mount',
      'Fibre optic ONT modems',
    ],
    eurPerKg: 45,
    origins: [
      ['CN', 6, 1],
      ['TW', 2, 1.4],
      ['VN', 1, 1],
    ],
    pkg: 'CT',
    kgPerPkg: [6, 15],
    channels: 'SAP',
  },
  {
    hs6: '847130',
    cn8: ['84713000'],
    descriptions: [
      'Laptop computers, 15.6 inch, Intel i5, 16 GB RAM',
      'Notebook computers 14 inch with keyboard layout DE',
      'Tablet computers 10.9 inch, Wi-Fi, 64 GB',
    ],
    eurPerKg: 180,
    origins: [
      ['CN', 7, 1],
      ['TW', 1, 1.2],
      ['VN', 2, 1],
    ],
    pkg: 'CT',
    kgPerPkg: [6, 12],
    channels: 'SAPL',
  },
  {
    hs6: '847160',
    descriptions: ['USB keyboards and optical mice, retail packed', 'Wireless gaming mice, 2.4 GHz'],
    eurPerKg: 20,
    origins: [
      ['CN', 5, 1],
      ['TW', 1, 1.5],
    ],
    pkg: 'CT',
    kgPerPkg: [5, 12],
    channels: 'SAP',
  },
  {
    hs6: '852852',
    descriptions: ['LCD computer monitors 27 inch, 1440p', 'LED monitors 24 inch with HDMI and DisplayPort'],
    eurPerKg: 25,
    origins: [
      ['CN', 5, 1],
      ['KR', 1, 1.4],
    ],
    pkg: 'CT',
    kgPerPkg: [6, 10],
    channels: 'S',
  },
  {
    hs6: '852872',
    descriptions: ['LED television sets 55 inch, 4K UHD', 'Smart TVs 43 inch, DVB-T2 tuner'],
    eurPerKg: 16,
    origins: [
      ['CN', 4, 1],
      ['KR', 1, 1.3],
      ['TR', 2, 1.1],
    ],
    pkg: 'CT',
    kgPerPkg: [10, 22],
    channels: 'SR',
  },
  {
    hs6: '850760',
    cn8: ['85076000'],
    descriptions: [
      'Lithium-ion battery packs 48 V for electric bicycles',
      'Lithium-ion rechargeable cells 18650, 3500 mAh',
      'Lithium-ion power banks 20000 mAh',
    ],
    eurPerKg: 24,
    origins: [
      ['CN', 8, 1],
      ['KR', 1, 1.5],
    ],
    pkg: 'CT',
    kgPerPkg: [8, 20],
    channels: 'SA',
  },
  {
    hs6: '850440',
    descriptions: ['USB-C power adapters 65 W', 'Switching power supplies 12 V for LED strips'],
    eurPerKg: 30,
    origins: [
      ['CN', 6, 1],
      ['VN', 1, 1],
    ],
    pkg: 'CT',
    kgPerPkg: [6, 14],
    channels: 'SAP',
  },
  {
    hs6: '854143',
    cn8: ['85414300'],
    descriptions: [
      'Photovoltaic modules, monocrystalline, 410 W',
      'Solar panels 550 W bifacial, framed',
      'Crystalline silicon PV modules 430 W, 108 half cells',
    ],
    eurPerKg: 2.4,
    origins: [
      ['CN', 8, 1],
      ['VN', 1, 1.1],
      ['IN', 1, 1.1],
    ],
    pkg: 'PX',
    kgPerPkg: [600, 800],
    channels: 'S',
    antiDumpingCn: true,
  },
  {
    hs6: '851830',
    descriptions: [
      'Bluetooth in-ear headphones with charging case',
      'Over-ear headphones, active noise cancelling',
    ],
    eurPerKg: 60,
    origins: [
      ['CN', 6, 1],
      ['VN', 2, 1],
    ],
    pkg: 'CT',
    kgPerPkg: [5, 10],
    channels: 'SAP',
  },
  {
    hs6: '851671',
    descriptions: ['Espresso coffee machines, 15 bar, household', 'Drip coffee makers 1.2 l'],
    eurPerKg: 9,
    origins: [
      ['CN', 5, 1],
      ['TR', 1, 1.2],
    ],
    pkg: 'CT',
    kgPerPkg: [6, 12],
    channels: 'SR',
  },
  {
    hs6: '850811',
    descriptions: ['Cordless stick vacuum cleaners 250 W', 'Robot vacuum cleaners with charging dock'],
    eurPerKg: 12,
    origins: [
      ['CN', 6, 1],
      ['MY', 1, 1.1],
    ],
    pkg: 'CT',
    kgPerPkg: [5, 9],
    channels: 'S',
  },
  {
    hs6: '841810',
    descriptions: ['Combined refrigerator-freezers, 2 doors, 330 l'],
    eurPerKg: 3.8,
    origins: [
      ['TR', 4, 1],
      ['CN', 3, 0.9],
      ['KR', 1, 1.3],
    ],
    pkg: 'PK',
    kgPerPkg: [55, 80],
    channels: 'SR',
  },
  {
    hs6: '841582',
    descriptions: ['Split air conditioners 3.5 kW, indoor and outdoor units'],
    eurPerKg: 6,
    origins: [
      ['CN', 6, 1],
      ['TH', 2, 1.1],
    ],
    pkg: 'PK',
    kgPerPkg: [30, 45],
    channels: 'S',
  },
  {
    hs6: '853952',
    descriptions: ['LED lamps E27, 9 W, 806 lm', 'LED tube lamps T8, 18 W'],
    eurPerKg: 14,
    origins: [['CN', 8, 1]],
    pkg: 'CT',
    kgPerPkg: [6, 12],
    channels: 'SP',
  },
  {
    hs6: '847330',
    descriptions: ['DDR4 memory modules 16 GB, 3200 MHz', 'Graphics cards with GPU, PCIe 4.0'],
    eurPerKg: 350,
    origins: [
      ['TW', 3, 1],
      ['CN', 4, 0.9],
      ['KR', 1, 1.1],
    ],
    pkg: 'CT',
    kgPerPkg: [4, 8],
    channels: 'AP',
  },
  {
    hs6: '852351',
    descriptions: ['Solid-state drives 1 TB, M.2 NVMe', 'USB flash drives 64 GB'],
    eurPerKg: 320,
    origins: [
      ['CN', 4, 1],
      ['TW', 2, 1.1],
      ['MY', 1, 1],
    ],
    pkg: 'CT',
    kgPerPkg: [3, 8],
    channels: 'AP',
  },
  {
    hs6: '854231',
    descriptions: ['Microprocessors, 64-bit, in trays', 'Microcontrollers, 32-bit ARM, on reels'],
    eurPerKg: 4500,
    origins: [
      ['TW', 4, 1],
      ['MY', 2, 0.9],
      ['KR', 1, 1],
    ],
    pkg: 'BX',
    kgPerPkg: [1, 4],
    channels: 'A',
  },
  {
    hs6: '950450',
    descriptions: ['Video game consoles with one controller'],
    eurPerKg: 70,
    origins: [
      ['CN', 5, 1],
      ['VN', 1, 1],
    ],
    pkg: 'CT',
    kgPerPkg: [8, 14],
    channels: 'SA',
  },
  {
    hs6: '846721',
    descriptions: ['Cordless drills 18 V with two batteries', 'Cordless impact drivers 18 V, bare units'],
    eurPerKg: 12,
    origins: [
      ['CN', 6, 1],
      ['VN', 1, 1],
    ],
    pkg: 'CT',
    kgPerPkg: [8, 16],
    channels: 'S',
  },
  // Apparel (chapters 61, 62)
  {
    hs6: '610910',
    cn8: ['61091000'],
    descriptions: [
      "Men's T-shirts, knitted, 100% cotton",
      "Women's T-shirts, knitted cotton jersey, printed",
      'Cotton T-shirts, crew neck, sizes S to XL',
    ],
    eurPerKg: 13,
    origins: [
      ['BD', 5, 0.75],
      ['CN', 3, 1],
      ['TR', 2, 1.35],
      ['IN', 2, 0.9],
      ['PK', 1, 0.8],
    ],
    pkg: 'CT',
    kgPerPkg: [8, 15],
    channels: 'SARP',
  },
  {
    hs6: '611030',
    descriptions: ['Hooded sweatshirts, knitted polyester fleece', 'Pullovers of acrylic, knitted'],
    eurPerKg: 14,
    origins: [
      ['CN', 4, 1],
      ['BD', 3, 0.8],
      ['TR', 2, 1.3],
    ],
    pkg: 'CT',
    kgPerPkg: [8, 14],
    channels: 'SRP',
  },
  {
    hs6: '620342',
    cn8: ['62034231'],
    descriptions: ["Men's denim jeans, woven cotton", "Men's chino trousers, 98% cotton 2% elastane"],
    eurPerKg: 14,
    origins: [
      ['BD', 4, 0.8],
      ['TR', 3, 1.3],
      ['PK', 2, 0.85],
      ['CN', 2, 1],
    ],
    pkg: 'CT',
    kgPerPkg: [10, 18],
    channels: 'SR',
  },
  {
    hs6: '620462',
    descriptions: ["Women's trousers, woven cotton twill", "Women's denim jeans, skinny fit"],
    eurPerKg: 15,
    origins: [
      ['BD', 3, 0.8],
      ['TR', 2, 1.3],
      ['CN', 3, 1],
      ['MA', 1, 1.2],
    ],
    pkg: 'CT',
    kgPerPkg: [10, 18],
    channels: 'SR',
  },
  {
    hs6: '620520',
    descriptions: ["Men's shirts, woven cotton poplin, long sleeves"],
    eurPerKg: 20,
    origins: [
      ['BD', 3, 0.8],
      ['IN', 2, 0.9],
      ['VN', 2, 1],
      ['TR', 1, 1.3],
    ],
    pkg: 'CT',
    kgPerPkg: [8, 14],
    channels: 'SA',
  },
  {
    hs6: '611595',
    descriptions: ['Socks, knitted, cotton blend, packs of five pairs'],
    eurPerKg: 10,
    origins: [
      ['CN', 4, 1],
      ['TR', 2, 1.3],
      ['PK', 1, 0.8],
    ],
    pkg: 'CT',
    kgPerPkg: [8, 15],
    channels: 'SRP',
  },
  {
    hs6: '610343',
    descriptions: ["Men's jogging trousers, knitted polyester"],
    eurPerKg: 12,
    origins: [
      ['CN', 4, 1],
      ['VN', 2, 1],
      ['BD', 2, 0.8],
    ],
    pkg: 'CT',
    kgPerPkg: [8, 14],
    channels: 'SP',
  },
  {
    hs6: '611120',
    descriptions: ['Baby bodysuits, knitted organic cotton'],
    eurPerKg: 16,
    origins: [
      ['IN', 2, 0.9],
      ['CN', 2, 1],
      ['TR', 2, 1.3],
    ],
    pkg: 'CT',
    kgPerPkg: [6, 12],
    channels: 'SP',
  },
  {
    hs6: '620293',
    descriptions: ["Women's padded winter jackets, polyester shell"],
    eurPerKg: 18,
    origins: [
      ['CN', 5, 1],
      ['VN', 3, 1.1],
      ['BD', 2, 0.8],
    ],
    pkg: 'CT',
    kgPerPkg: [10, 16],
    channels: 'S',
  },
  // Footwear (chapter 64)
  {
    hs6: '640411',
    cn8: ['64041100'],
    descriptions: [
      'Running shoes with textile uppers and rubber soles',
      'Sports trainers, mesh uppers, EVA midsole',
    ],
    eurPerKg: 16,
    origins: [
      ['VN', 5, 1],
      ['CN', 4, 0.9],
      ['ID', 3, 1],
    ],
    pkg: 'CT',
    kgPerPkg: [8, 14],
    channels: 'SAP',
  },
  {
    hs6: '640399',
    descriptions: ["Men's leather shoes, leather uppers, rubber soles", "Women's leather ankle boots"],
    eurPerKg: 22,
    origins: [
      ['IN', 3, 0.9],
      ['CN', 3, 1],
      ['VN', 2, 1],
      ['TR', 1, 1.2],
    ],
    pkg: 'CT',
    kgPerPkg: [10, 16],
    channels: 'SR',
  },
  {
    hs6: '640299',
    descriptions: ['Plastic beach sandals (flip-flops)', 'Rubber rain boots for children'],
    eurPerKg: 6,
    origins: [
      ['CN', 6, 1],
      ['VN', 2, 1],
    ],
    pkg: 'CT',
    kgPerPkg: [8, 14],
    channels: 'S',
  },
  // Toys (9503), sports (9506)
  {
    hs6: '950300',
    cn8: ['95030070', '95030041'],
    descriptions: [
      'Plastic construction sets (building bricks), age 6+',
      'Plush stuffed toys, teddy bears 30 cm',
      'Remote-controlled toy cars, battery powered',
    ],
    eurPerKg: 9,
    origins: [
      ['CN', 9, 1],
      ['VN', 1, 1],
    ],
    pkg: 'CT',
    kgPerPkg: [5, 12],
    channels: 'SP',
  },
  {
    hs6: '950662',
    descriptions: ['Inflatable footballs, size 5, PU cover'],
    eurPerKg: 6,
    origins: [
      ['PK', 4, 0.9],
      ['CN', 3, 1],
    ],
    pkg: 'CT',
    kgPerPkg: [10, 16],
    channels: 'S',
  },
  {
    hs6: '950691',
    descriptions: ['Cast iron dumbbells and kettlebells', 'Home exercise bikes, magnetic resistance'],
    eurPerKg: 2.2,
    origins: [['CN', 6, 1]],
    pkg: 'CT',
    kgPerPkg: [15, 30],
    channels: 'S',
  },
  // Furniture (chapter 94)
  {
    hs6: '940360',
    descriptions: ['Wooden dining tables, solid oak, knock-down', 'Wooden wardrobes, flat packed'],
    eurPerKg: 3,
    origins: [
      ['CN', 4, 1],
      ['VN', 4, 1.1],
      ['ID', 2, 1],
      ['TR', 1, 1.2],
    ],
    pkg: 'PK',
    kgPerPkg: [20, 60],
    channels: 'SR',
  },
  {
    hs6: '940171',
    descriptions: [
      'Upholstered sofas with metal frames, three-seater',
      'Upholstered dining chairs, metal legs',
    ],
    eurPerKg: 5,
    origins: [
      ['CN', 6, 1],
      ['TR', 2, 1.2],
      ['VN', 1, 1],
    ],
    pkg: 'PK',
    kgPerPkg: [12, 60],
    channels: 'SRL',
  },
  {
    hs6: '940350',
    descriptions: ['Wooden bedroom furniture: bed frames and bedside tables'],
    eurPerKg: 3.2,
    origins: [
      ['VN', 3, 1],
      ['CN', 3, 1],
      ['MY', 2, 1],
    ],
    pkg: 'PK',
    kgPerPkg: [20, 50],
    channels: 'S',
  },
  {
    hs6: '940421',
    descriptions: ['Mattresses of polyurethane foam, roll-packed'],
    eurPerKg: 4,
    origins: [
      ['CN', 5, 1],
      ['TR', 1, 1.1],
    ],
    pkg: 'PK',
    kgPerPkg: [15, 30],
    channels: 'SR',
  },
  // Vehicles and their parts (chapter 87)
  {
    hs6: '870830',
    descriptions: [
      'Brake discs and brake pads for passenger cars',
      'Brake calipers, remanufactured, for passenger cars',
    ],
    eurPerKg: 5,
    origins: [
      ['CN', 5, 1],
      ['TR', 2, 1.2],
      ['IN', 1, 0.9],
      ['GB', 1, 1.4],
      ['RS', 1, 0.9],
    ],
    pkg: 'CT',
    kgPerPkg: [15, 30],
    channels: 'SRL',
  },
  {
    hs6: '870880',
    descriptions: ['Shock absorbers for passenger cars', 'Suspension struts, front axle'],
    eurPerKg: 7,
    origins: [
      ['CN', 4, 1],
      ['KR', 1, 1.3],
      ['TR', 1, 1.2],
    ],
    pkg: 'CT',
    kgPerPkg: [15, 30],
    channels: 'SR',
  },
  {
    hs6: '870870',
    descriptions: ['Aluminium alloy road wheels 17 inch', 'Steel road wheels 16 inch for vans'],
    eurPerKg: 6,
    origins: [
      ['CN', 5, 1],
      ['TR', 1, 1.2],
      ['TH', 1, 1.1],
    ],
    pkg: 'PK',
    kgPerPkg: [10, 14],
    channels: 'SR',
  },
  {
    hs6: '870840',
    descriptions: ['Automatic gearboxes for passenger cars, 8-speed'],
    eurPerKg: 9,
    origins: [
      ['JP', 2, 1.2],
      ['KR', 2, 1.1],
      ['CN', 2, 1],
      ['US', 1, 1.2],
    ],
    pkg: 'CS',
    kgPerPkg: [80, 120],
    channels: 'SL',
  },
  {
    hs6: '871200',
    cn8: ['87120030'],
    descriptions: [
      'Bicycles, aluminium frame, 21 gears, 28 inch',
      'Mountain bicycles 29 inch, hydraulic disc brakes',
      "Children's bicycles 16 inch",
    ],
    eurPerKg: 9,
    origins: [
      ['CN', 5, 0.85],
      ['TW', 2, 1.8],
      ['KH', 2, 1],
      ['VN', 1, 1],
    ],
    pkg: 'CT',
    kgPerPkg: [14, 20],
    channels: 'S',
    antiDumpingCn: true,
  },
  {
    hs6: '871160',
    descriptions: ['Electric bicycles, pedal assisted, 250 W motor, 36 V battery'],
    eurPerKg: 28,
    origins: [
      ['CN', 6, 0.9],
      ['TW', 2, 1.5],
      ['VN', 1, 1],
    ],
    pkg: 'CT',
    kgPerPkg: [25, 32],
    channels: 'S',
    antiDumpingCn: true,
  },
  {
    hs6: '871130',
    descriptions: ['Motorcycles 250 cc, single cylinder'],
    eurPerKg: 15,
    origins: [
      ['CN', 3, 1],
      ['JP', 2, 1.4],
      ['IN', 2, 0.9],
      ['TH', 1, 1.1],
    ],
    pkg: 'CS',
    kgPerPkg: [150, 190],
    channels: 'S',
  },
  {
    hs6: '870380',
    descriptions: [
      'Battery electric passenger cars, 5 seats, new',
      'Battery electric SUVs, right-hand drive excluded',
    ],
    eurPerKg: 14,
    origins: [
      ['CN', 5, 1],
      ['KR', 1, 1.3],
      ['US', 1, 1.5],
    ],
    pkg: 'NE',
    kgPerPkg: [1700, 2300],
    channels: 'B',
  },
  {
    hs6: '870323',
    descriptions: ['Passenger cars, petrol engine 1.5 to 3 l, new'],
    eurPerKg: 11,
    origins: [
      ['JP', 3, 1.1],
      ['KR', 3, 1],
      ['TR', 2, 0.9],
      ['US', 1, 1.3],
    ],
    pkg: 'NE',
    kgPerPkg: [1300, 1800],
    channels: 'B',
  },
  {
    hs6: '401110',
    cn8: ['40111000'],
    descriptions: [
      'New radial tyres for passenger cars 205/55 R16',
      'New winter tyres for passenger cars 225/45 R17',
    ],
    eurPerKg: 3.6,
    origins: [
      ['CN', 5, 0.85],
      ['TH', 2, 1],
      ['KR', 1, 1.2],
      ['TR', 1, 1.1],
      ['IN', 1, 1],
    ],
    pkg: 'PK',
    kgPerPkg: [8, 11],
    channels: 'SRL',
  },
  {
    hs6: '401120',
    descriptions: ['New radial tyres for lorries 315/80 R22.5'],
    eurPerKg: 3,
    origins: [
      ['CN', 5, 0.85],
      ['TH', 2, 1],
      ['IN', 1, 1],
    ],
    pkg: 'PK',
    kgPerPkg: [55, 70],
    channels: 'S',
  },
  // Pharmaceuticals (chapter 30) and cosmetics (chapter 33)
  {
    hs6: '300490',
    cn8: ['30049000'],
    descriptions: [
      'Paracetamol 500 mg tablets in blister packs',
      'Ibuprofen 400 mg film-coated tablets',
      'Metformin 850 mg tablets, packs of 60',
    ],
    eurPerKg: 40,
    origins: [
      ['IN', 6, 0.6],
      ['CH', 2, 4],
      ['US', 1, 3],
      ['CN', 1, 0.5],
    ],
    pkg: 'CT',
    kgPerPkg: [5, 15],
    channels: 'SAR',
  },
  {
    hs6: '300410',
    descriptions: ['Amoxicillin 500 mg capsules, packs of 20'],
    eurPerKg: 30,
    origins: [
      ['IN', 6, 0.7],
      ['CN', 2, 0.6],
    ],
    pkg: 'CT',
    kgPerPkg: [5, 12],
    channels: 'SA',
  },
  {
    hs6: '300431',
    descriptions: ['Insulin glargine 100 IU/ml, pre-filled pens'],
    eurPerKg: 600,
    origins: [
      ['US', 2, 1],
      ['CH', 1, 1.1],
      ['IN', 1, 0.6],
    ],
    pkg: 'CT',
    kgPerPkg: [4, 10],
    channels: 'A',
  },
  {
    hs6: '300215',
    descriptions: ['Monoclonal antibody injections, put up in doses, 2-8 °C'],
    eurPerKg: 3000,
    origins: [
      ['US', 3, 1],
      ['CH', 2, 1.1],
      ['KR', 1, 0.8],
    ],
    pkg: 'BX',
    kgPerPkg: [3, 8],
    channels: 'A',
  },
  {
    hs6: '901831',
    descriptions: ['Disposable syringes 5 ml, sterile, without needles'],
    eurPerKg: 9,
    origins: [
      ['CN', 5, 1],
      ['IN', 2, 0.9],
    ],
    pkg: 'CT',
    kgPerPkg: [6, 12],
    channels: 'S',
  },
  {
    hs6: '401519',
    descriptions: ['Nitrile examination gloves, powder-free, dispenser packs of 100'],
    eurPerKg: 5,
    origins: [
      ['MY', 6, 1],
      ['TH', 2, 1],
      ['CN', 2, 0.9],
    ],
    pkg: 'CT',
    kgPerPkg: [8, 12],
    channels: 'S',
  },
  {
    hs6: '330499',
    cn8: ['33049900'],
    descriptions: [
      'Face moisturising creams 50 ml jars',
      'Sunscreen lotion SPF 50, 200 ml',
      'Sheet face masks with hyaluronic acid',
    ],
    eurPerKg: 16,
    origins: [
      ['KR', 4, 1.4],
      ['CN', 4, 0.9],
      ['US', 1, 1.6],
      ['TR', 1, 1],
      ['GB', 1, 1.5],
    ],
    pkg: 'CT',
    kgPerPkg: [6, 15],
    channels: 'SAPR',
  },
  {
    hs6: '330420',
    descriptions: ['Mascara and eyeliner pencils, retail packed'],
    eurPerKg: 45,
    origins: [
      ['CN', 4, 1],
      ['KR', 2, 1.3],
    ],
    pkg: 'CT',
    kgPerPkg: [4, 10],
    channels: 'AP',
  },
  {
    hs6: '330300',
    descriptions: ['Eau de parfum 100 ml spray bottles', 'Eau de toilette 50 ml in presentation cases'],
    eurPerKg: 45,
    origins: [
      ['AE', 3, 0.8],
      ['US', 2, 1.5],
      ['CN', 1, 0.5],
    ],
    pkg: 'CT',
    kgPerPkg: [6, 12],
    channels: 'SAP',
  },
  {
    hs6: '330510',
    descriptions: ['Shampoo 400 ml bottles'],
    eurPerKg: 3,
    origins: [
      ['TR', 3, 1],
      ['TH', 1, 1],
      ['CN', 1, 0.9],
    ],
    pkg: 'CT',
    kgPerPkg: [8, 14],
    channels: 'SR',
  },
  {
    hs6: '330610',
    descriptions: ['Toothpaste 75 ml tubes with fluoride'],
    eurPerKg: 4,
    origins: [
      ['TR', 2, 1],
      ['CN', 2, 0.9],
      ['IN', 1, 0.8],
    ],
    pkg: 'CT',
    kgPerPkg: [8, 14],
    channels: 'SR',
  },
  {
    hs6: '960321',
    descriptions: ['Manual toothbrushes, soft bristles, blister packed'],
    eurPerKg: 12,
    origins: [['CN', 6, 1]],
    pkg: 'CT',
    kgPerPkg: [5, 10],
    channels: 'SP',
  },
  // Iron and steel (chapters 72, 73), aluminium (76)
  {
    hs6: '720839',
    descriptions: [
      'Hot-rolled flat steel coils, width 1250 mm, thickness 2.5 mm',
      'Hot-rolled non-alloy steel in coils, 1500 mm x 2.0 mm, pickled',
    ],
    eurPerKg: 0.6,
    origins: [
      ['IN', 3, 1],
      ['TR', 3, 1.05],
      ['CN', 2, 0.9],
      ['KR', 1, 1.05],
      ['EG', 1, 1],
    ],
    pkg: 'CL',
    kgPerPkg: [18000, 26000],
    channels: 'B',
    antiDumpingCn: true,
  },
  {
    hs6: '720851',
    descriptions: ['Hot-rolled steel plates, not in coils, thickness 12 mm, S355'],
    eurPerKg: 0.7,
    origins: [
      ['KR', 2, 1.05],
      ['CN', 2, 0.9],
      ['TR', 2, 1],
      ['UA', 1, 0.95],
    ],
    pkg: 'BE',
    kgPerPkg: [8000, 16000],
    channels: 'B',
  },
  {
    hs6: '731815',
    cn8: ['73181595'],
    descriptions: [
      'Hexagon head bolts M12 of steel, zinc plated',
      'Stainless steel hex bolts M8 x 40, DIN 933',
      'Self-tapping screws of steel, 4.2 x 19 mm',
    ],
    eurPerKg: 2.6,
    origins: [
      ['CN', 6, 0.9],
      ['TW', 3, 1.2],
      ['IN', 1, 1],
    ],
    pkg: 'PX',
    kgPerPkg: [800, 1000],
    channels: 'S',
    antiDumpingCn: true,
  },
  {
    hs6: '731816',
    descriptions: ['Hexagon nuts M10 of steel, zinc plated'],
    eurPerKg: 2.4,
    origins: [
      ['CN', 5, 0.9],
      ['TW', 2, 1.2],
    ],
    pkg: 'PX',
    kgPerPkg: [800, 1000],
    channels: 'S',
    antiDumpingCn: true,
  },
  {
    hs6: '731822',
    descriptions: ['Flat washers of steel, M6 to M20, DIN 125'],
    eurPerKg: 2,
    origins: [
      ['CN', 5, 0.9],
      ['TW', 1, 1.2],
    ],
    pkg: 'PX',
    kgPerPkg: [800, 1000],
    channels: 'S',
  },
  {
    hs6: '730630',
    descriptions: ['Welded steel tubes, circular, 48.3 mm x 3.2 mm, galvanised'],
    eurPerKg: 1.1,
    origins: [
      ['TR', 4, 1],
      ['CN', 2, 0.9],
      ['UA', 1, 0.95],
    ],
    pkg: 'BE',
    kgPerPkg: [1500, 3000],
    channels: 'SBR',
  },
  {
    hs6: '721070',
    descriptions: ['Pre-painted galvanised steel coils, RAL 9002, 0.5 mm'],
    eurPerKg: 1,
    origins: [
      ['KR', 2, 1.05],
      ['TR', 2, 1],
      ['IN', 2, 0.95],
      ['VN', 1, 0.95],
    ],
    pkg: 'CL',
    kgPerPkg: [4000, 7000],
    channels: 'SB',
  },
  {
    hs6: '732393',
    descriptions: ['Stainless steel cookware sets, 8 pieces', 'Stainless steel cutlery trays and colanders'],
    eurPerKg: 5,
    origins: [
      ['CN', 4, 1],
      ['IN', 3, 0.9],
      ['TR', 1, 1.2],
    ],
    pkg: 'CT',
    kgPerPkg: [10, 18],
    channels: 'SR',
  },
  {
    hs6: '820320',
    descriptions: ['Combination pliers of chrome vanadium steel, 180 mm'],
    eurPerKg: 8,
    origins: [
      ['CN', 4, 1],
      ['TW', 2, 1.4],
      ['PK', 1, 0.8],
    ],
    pkg: 'CT',
    kgPerPkg: [10, 18],
    channels: 'S',
  },
  {
    hs6: '760612',
    descriptions: ['Aluminium alloy sheets 5754 H111, 2 mm'],
    eurPerKg: 3.2,
    origins: [
      ['CN', 3, 0.95],
      ['TR', 2, 1],
      ['AE', 1, 1],
    ],
    pkg: 'PX',
    kgPerPkg: [1500, 2500],
    channels: 'S',
  },
  // Tobacco (chapter 24)
  {
    hs6: '240220',
    cn8: ['24022090'],
    descriptions: ['Cigarettes containing tobacco, king size, 10 000 sticks per master case'],
    eurPerKg: 38,
    origins: [
      ['CH', 2, 1.2],
      ['TR', 2, 1],
      ['AE', 2, 0.9],
      ['US', 1, 1.2],
    ],
    pkg: 'CS',
    kgPerPkg: [10, 13],
    channels: 'SR',
  },
  {
    hs6: '240311',
    descriptions: ['Water-pipe tobacco (shisha), 1 kg tins, apple flavour'],
    eurPerKg: 11,
    origins: [
      ['AE', 3, 1],
      ['EG', 2, 0.8],
      ['TR', 1, 1],
    ],
    pkg: 'CT',
    kgPerPkg: [10, 15],
    channels: 'S',
  },
  // Food and agriculture
  {
    hs6: '080390',
    descriptions: ['Fresh bananas, Cavendish, green, class I'],
    eurPerKg: 0.8,
    origins: [
      ['EC', 5, 1],
      ['CO', 3, 1],
      ['CR', 2, 1.05],
    ],
    pkg: 'BX',
    kgPerPkg: [19, 20],
    channels: 'S',
  },
  {
    hs6: '090111',
    descriptions: [
      'Green coffee beans, Arabica, not roasted, in 60 kg jute bags',
      'Robusta coffee, not roasted, not decaffeinated, screen 16',
    ],
    eurPerKg: 4.5,
    origins: [
      ['BR', 4, 1],
      ['VN', 3, 0.75],
      ['CO', 2, 1.2],
      ['ET', 1, 1.3],
    ],
    pkg: 'BG',
    kgPerPkg: [60, 70],
    channels: 'S',
  },
  {
    hs6: '180100',
    descriptions: ['Cocoa beans, whole, raw, fermented and dried'],
    eurPerKg: 6,
    origins: [
      ['CI', 5, 1],
      ['GH', 3, 1.05],
    ],
    pkg: 'BG',
    kgPerPkg: [62, 65],
    channels: 'SB',
  },
  {
    hs6: '030617',
    descriptions: [
      'Frozen shrimps, Penaeus vannamei, peeled, 1 kg bags',
      'Frozen black tiger prawns, head-on, IQF',
    ],
    eurPerKg: 8,
    origins: [
      ['VN', 3, 1.1],
      ['IN', 3, 0.9],
      ['EC', 3, 0.9],
    ],
    pkg: 'CT',
    kgPerPkg: [10, 12],
    channels: 'S',
  },
  {
    hs6: '160414',
    descriptions: ['Canned skipjack tuna in sunflower oil, 160 g cans'],
    eurPerKg: 4,
    origins: [
      ['TH', 4, 1],
      ['EC', 3, 1],
      ['PH', 1, 1],
    ],
    pkg: 'CT',
    kgPerPkg: [8, 10],
    channels: 'S',
  },
  {
    hs6: '100630',
    descriptions: ['Basmati rice, wholly milled, polished, 20 kg bags'],
    eurPerKg: 1.1,
    origins: [
      ['IN', 5, 1],
      ['PK', 3, 0.95],
    ],
    pkg: 'BG',
    kgPerPkg: [20, 25],
    channels: 'S',
  },
  {
    hs6: '080212',
    descriptions: ['Almonds, shelled, Nonpareil, 27/30 count'],
    eurPerKg: 6,
    origins: [['US', 6, 1]],
    pkg: 'CT',
    kgPerPkg: [23, 24],
    channels: 'S',
  },
  {
    hs6: '220421',
    descriptions: [
      'Red wine, Cabernet Sauvignon, 0.75 l bottles',
      'White wine, Sauvignon Blanc, 0.75 l bottles',
    ],
    eurPerKg: 3.5,
    origins: [
      ['CL', 3, 1],
      ['ZA', 2, 0.9],
      ['AU', 1, 1.2],
      ['US', 1, 1.4],
    ],
    pkg: 'CS',
    kgPerPkg: [8, 9],
    channels: 'S',
  },
  {
    hs6: '170114',
    descriptions: ['Raw cane sugar, polarisation 97 to 99.5 degrees, in bulk'],
    eurPerKg: 0.45,
    origins: [['BR', 5, 1]],
    pkg: 'VR',
    kgPerPkg: [50000, 100000],
    channels: 'B',
  },
  {
    hs6: '310210',
    descriptions: ['Urea fertiliser, granular, 46% nitrogen, in bulk'],
    eurPerKg: 0.35,
    origins: [
      ['EG', 3, 1],
      ['DZ', 2, 1],
    ],
    pkg: 'VR',
    kgPerPkg: [50000, 100000],
    channels: 'B',
  },
  {
    hs6: '060311',
    descriptions: ['Fresh cut roses, 50 cm stems, bunches of 20'],
    eurPerKg: 4.5,
    origins: [
      ['KE', 5, 1],
      ['ET', 2, 0.9],
      ['CO', 2, 1.1],
      ['EC', 2, 1.2],
    ],
    pkg: 'BX',
    kgPerPkg: [15, 25],
    channels: 'A',
  },
  // Household and personal articles
  {
    hs6: '392690',
    descriptions: ['Silicone phone cases for smartphones', 'Plastic cable ties, nylon 66, 200 mm'],
    eurPerKg: 9,
    origins: [['CN', 8, 1]],
    pkg: 'CT',
    kgPerPkg: [6, 12],
    channels: 'SP',
  },
  {
    hs6: '392410',
    descriptions: ['Plastic food storage containers with lids, sets of 10'],
    eurPerKg: 3,
    origins: [
      ['CN', 5, 1],
      ['TR', 1, 1.2],
    ],
    pkg: 'CT',
    kgPerPkg: [6, 12],
    channels: 'SR',
  },
  {
    hs6: '691110',
    descriptions: ['Porcelain dinner plates and bowls, 18-piece sets'],
    eurPerKg: 2.8,
    origins: [
      ['CN', 5, 1],
      ['TH', 1, 1.3],
    ],
    pkg: 'CT',
    kgPerPkg: [12, 20],
    channels: 'S',
  },
  {
    hs6: '420222',
    descriptions: ['Handbags with outer surface of polyester textile', 'Tote bags of PU-coated textile'],
    eurPerKg: 12,
    origins: [
      ['CN', 5, 1],
      ['VN', 2, 1.1],
      ['IN', 1, 1],
    ],
    pkg: 'CT',
    kgPerPkg: [8, 14],
    channels: 'SP',
  },
  {
    hs6: '420221',
    descriptions: ['Handbags with outer surface of leather'],
    eurPerKg: 45,
    origins: [
      ['IN', 3, 0.8],
      ['CN', 3, 1],
      ['TR', 1, 1.2],
    ],
    pkg: 'CT',
    kgPerPkg: [8, 14],
    channels: 'SAP',
  },
  {
    hs6: '420292',
    descriptions: ['Backpacks with outer surface of polyester textile, 25 l'],
    eurPerKg: 10,
    origins: [
      ['CN', 5, 1],
      ['VN', 3, 1.1],
    ],
    pkg: 'CT',
    kgPerPkg: [8, 14],
    channels: 'SP',
  },
  {
    hs6: '910211',
    descriptions: ['Quartz wrist-watches with analogue display, steel cases'],
    eurPerKg: 280,
    origins: [
      ['CN', 4, 0.6],
      ['HK', 2, 1],
      ['CH', 1, 6],
    ],
    pkg: 'CT',
    kgPerPkg: [3, 8],
    channels: 'AP',
  },
  {
    hs6: '711311',
    descriptions: ['Jewellery of sterling silver: rings and pendants'],
    eurPerKg: 700,
    origins: [
      ['TH', 3, 1],
      ['IN', 2, 0.9],
      ['TR', 1, 1.1],
    ],
    pkg: 'BX',
    kgPerPkg: [1, 3],
    channels: 'AP',
  },
  {
    hs6: '900410',
    descriptions: ['Sunglasses with polarised lenses, plastic frames'],
    eurPerKg: 45,
    origins: [['CN', 6, 1]],
    pkg: 'CT',
    kgPerPkg: [4, 8],
    channels: 'SAP',
  },
  {
    hs6: '482010',
    descriptions: ['Paper notebooks A5, hardcover, 192 pages'],
    eurPerKg: 3,
    origins: [
      ['CN', 5, 1],
      ['IN', 1, 0.9],
    ],
    pkg: 'CT',
    kgPerPkg: [10, 18],
    channels: 'S',
  },
  {
    hs6: '570500',
    descriptions: ['Polypropylene rugs, machine-made, 160 x 230 cm'],
    eurPerKg: 4,
    origins: [
      ['TR', 4, 1],
      ['IN', 2, 0.9],
      ['EG', 1, 0.8],
    ],
    pkg: 'RO',
    kgPerPkg: [8, 20],
    channels: 'SR',
  },
  {
    hs6: '630790',
    descriptions: ['Disposable face masks, three-ply, non-woven'],
    eurPerKg: 7,
    origins: [['CN', 8, 1]],
    pkg: 'CT',
    kgPerPkg: [5, 9],
    channels: 'SP',
  },
  {
    hs6: '940542',
    descriptions: ['LED ceiling luminaires, 24 W, round, IP44'],
    eurPerKg: 10,
    origins: [['CN', 8, 1]],
    pkg: 'CT',
    kgPerPkg: [6, 12],
    channels: 'S',
  },
  {
    hs6: '440711',
    descriptions: ['Sawn pine wood, planed, 45 x 95 mm, kiln dried'],
    eurPerKg: 0.45,
    origins: [
      ['BR', 2, 1],
      ['UA', 2, 0.9],
      ['CL', 1, 1],
    ],
    pkg: 'BE',
    kgPerPkg: [1500, 2500],
    channels: 'SBR',
  },
  {
    hs6: '290531',
    descriptions: ['Monoethylene glycol (ethane-1,2-diol), in flexitanks'],
    eurPerKg: 0.6,
    origins: [
      ['US', 2, 1],
      ['CN', 1, 0.9],
      ['SA', 2, 0.95],
    ],
    pkg: 'TK',
    kgPerPkg: [20000, 24000],
    channels: 'S',
  },
];

/** Fixed demo exchange rates into EUR, so undervaluation can be judged across currencies. */
export const DEMO_FX_TO_EUR: Readonly<Record<string, number>> = Object.freeze({ EUR: 1, USD: 0.92 });

export interface TypicalUnitValue {
  readonly hs6: string;
  readonly origin: string;
  /** Typical customs value in EUR per kg gross for these goods from this origin. */
  readonly eurPerKg: number;
}

/** Typical unit values per HS6 × origin: what the undervaluation signal should learn from the traffic. */
export const DEMO_TYPICAL_UNIT_VALUES: readonly TypicalUnitValue[] = Object.freeze(
  DEMO_GOODS.flatMap((g) =>
    g.origins.map(([origin, , factor]) =>
      Object.freeze({ hs6: g.hs6, origin, eurPerKg: Math.round(g.eurPerKg * factor * 100) / 100 }),
    ),
  ),
);

const TYPICAL = new Map(DEMO_TYPICAL_UNIT_VALUES.map((t) => [`${t.hs6}:${t.origin}`, t.eurPerKg]));

/** Typical EUR per kg for an HS code (any length, first 6 digits count) and origin, if the demo knows it. */
export function typicalUnitValue(hsCode: string, origin: string): number | undefined {
  return TYPICAL.get(`${hsCode.slice(0, 6)}:${origin}`);
}

/** A description that belongs to other goods than the code declared (misclassification or concealment). */
export interface Misdeclaration {
  readonly declaredHs: string;
  readonly description: string;
  /** Where the goods described really belong. */
  readonly trueHs6: string;
}

export const DEMO_MISDECLARATIONS: readonly Misdeclaration[] = Object.freeze([
  {
    declaredHs: '630790',
    description: 'Cigarettes, king size, 10 000 sticks per master case',
    trueHs6: '240220',
  },
  { declaredHs: '940360', description: 'Electric bicycles, pedal assisted, 250 W motor', trueHs6: '871160' },
  { declaredHs: '392690', description: 'Lithium-ion battery packs 36 V, 10 Ah', trueHs6: '850760' },
  { declaredHs: '950300', description: 'Smartphones, 6.5 inch, 128 GB, boxed', trueHs6: '851713' },
  { declaredHs: '850440', description: 'Photovoltaic modules, monocrystalline, 410 W', trueHs6: '854143' },
  { declaredHs: '732690', description: 'Hot-rolled flat steel coils, thickness 2.5 mm', trueHs6: '720839' },
  { declaredHs: '330499', description: 'Amoxicillin 500 mg capsules, packs of 20', trueHs6: '300410' },
  { declaredHs: '482010', description: 'Aluminium alloy road wheels 18 inch', trueHs6: '870870' },
]);
